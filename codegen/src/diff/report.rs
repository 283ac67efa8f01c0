//! The report and what builds it: a change's level, the direction of
//! the data (which decides whether narrowing or widening breaks), and the
//! sink every comparison pushes into.

use serde::Serialize;

use crate::ir::BodyRole;
use crate::typespace::MethodTypes;

/// How much a change matters to the merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing that worked stops working.
    Info,
    /// Worth a look: code may need a change, the wire does not.
    Warning,
    /// Something that worked stops working.
    Breaking,
}

impl Level {
    /// The level's name, as JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Breaking => "breaking",
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The operation id (`monetix/smp-p2p-kz/payout`).
    pub operation: String,
    /// `request`, `response`, `callback`, or `operation` for the operation
    /// itself.
    pub role: String,
    /// Where in the body (a JSON pointer; `-` for every array element).
    pub pointer: String,
    /// How much it matters.
    pub level: Level,
    /// A stable name of the kind of change (`field-required`).
    pub kind: &'static str,
    /// A sentence for people.
    pub message: String,
}

/// The report: whether anything breaks, and every change.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// True when any change is breaking.
    pub breaking: bool,
    /// Every change, by operation, role and pointer.
    pub changes: Vec<Change>,
}

#[derive(Default)]
pub(super) struct Sink {
    pub(super) op: String,
    pub(super) role: String,
    pub(super) changes: Vec<Change>,
}

impl Sink {
    pub(super) fn push(
        &mut self,
        op: &str,
        role: &str,
        pointer: &str,
        level: Level,
        kind: &'static str,
        message: String,
    ) {
        self.changes.push(Change {
            operation: op.to_string(),
            role: role.to_string(),
            pointer: pointer.to_string(),
            level,
            kind,
            message,
        });
    }

    pub(super) fn here(
        &mut self,
        pointer: &str,
        level: Level,
        kind: &'static str,
        message: String,
    ) {
        let (op, role) = (self.op.clone(), self.role.clone());
        self.push(&op, &role, pointer, level, kind, message);
    }
}

/// Which way the data flows: what the merchant sends, or what it reads.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Direction {
    Sent,
    Read,
}

impl Direction {
    pub(super) fn of(role: BodyRole) -> Self {
        match role {
            BodyRole::Request => Direction::Sent,
            BodyRole::Response | BodyRole::Callback => Direction::Read,
        }
    }

    /// The level of a change that narrows what is accepted.
    pub(super) fn narrowed(self) -> Level {
        match self {
            Direction::Sent => Level::Breaking,
            Direction::Read => Level::Info,
        }
    }

    /// The level of a change that widens what is accepted.
    pub(super) fn widened(self) -> Level {
        match self {
            Direction::Sent => Level::Info,
            Direction::Read => Level::Breaking,
        }
    }
}

pub(super) type Types<'a> = (Option<MethodTypes<'a>>, Option<MethodTypes<'a>>);

/// A member name as a JSON pointer token.
pub(super) fn pointer_token(name: &str) -> String {
    gatespec_runtime::pointer::token(name).into_owned()
}
