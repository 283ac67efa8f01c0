//! The breaking-change report: two IRs compared operation by operation and
//! body by body, each change with a level decided by the role of the data.
//!
//! A request is what the merchant sends, so narrowing it breaks them (a new
//! required field, a tighter bound, a removed value, a new `const`). A
//! response or callback is what the merchant's parser reads, so widening it
//! breaks them (a field that was always sent becomes optional, a bound is
//! relaxed, a closed set gains a value). A changed type, a removed operation,
//! a changed endpoint and a changed fixed value (a hard currency) break
//! either way. Informational known values may change freely. Changes to the
//! generated Rust API (a renamed type, a new constructor argument) are
//! reported too, as warnings: the wire is unchanged, code that names them
//! is not. Pointers locate data in the body; `-` stands for every element
//! of an array.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ir::{BodyRole, Method, Operation, Ty};
use crate::typespace::BrandTypes;

mod render;
mod shape;

pub use render::{markdown, text};
use shape::{integer, object, string};

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

/// Compares two spec sets.
pub fn diff(old: &crate::Compiled, new: &crate::Compiled) -> Report {
    let (old_types, new_types) = (&old.types, &new.types);
    let (old, new) = (&old.ir, &new.ir);
    let mut out = Sink::default();
    let old_ops: BTreeMap<&str, (&Method, &Operation)> = old
        .operations()
        .map(|(m, o)| (o.full_id.as_str(), (m, o)))
        .collect();
    let new_ops: BTreeMap<&str, (&Method, &Operation)> = new
        .operations()
        .map(|(m, o)| (o.full_id.as_str(), (m, o)))
        .collect();
    for (id, (om, o)) in &old_ops {
        let Some((nm, n)) = new_ops.get(id) else {
            out.push(
                id,
                "operation",
                "",
                Level::Breaking,
                "operation-removed",
                "the operation is gone".into(),
            );
            continue;
        };
        out.op = id.to_string();
        operation(&mut out, o, n);
        let types = (old_types.brand(&om.brand), new_types.brand(&nm.brand));
        for role in [BodyRole::Request, BodyRole::Response, BodyRole::Callback] {
            let (ob, nb) = (body_of(o, role), body_of(n, role));
            out.role = role.as_str().to_string();
            match (ob, nb) {
                (Some(ob), Some(nb)) => {
                    let dir = Direction::of(role);
                    ty(&mut out, dir, "", &ob.ty, &nb.ty, types);
                }
                (Some(_), None) => out.here(
                    "",
                    Level::Warning,
                    "body-removed",
                    format!("the operation no longer has a {}", role.as_str()),
                ),
                (None, Some(_)) => out.here(
                    "",
                    Level::Info,
                    "body-added",
                    format!("the operation now has a {}", role.as_str()),
                ),
                (None, None) => {}
            }
        }
    }
    for id in new_ops.keys().filter(|id| !old_ops.contains_key(*id)) {
        out.push(
            id,
            "operation",
            "",
            Level::Info,
            "operation-added",
            "a new operation".into(),
        );
    }
    let breaking = out.changes.iter().any(|c| c.level == Level::Breaking);
    Report {
        breaking,
        changes: out.changes,
    }
}

pub(super) fn body_of(op: &Operation, role: BodyRole) -> Option<&crate::ir::Body> {
    match role {
        BodyRole::Request => Some(&op.request),
        BodyRole::Response => op.response.as_ref(),
        BodyRole::Callback => op.callback.as_ref(),
    }
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

pub(super) fn operation(out: &mut Sink, o: &Operation, n: &Operation) {
    out.role = "operation".into();
    match (&o.endpoint, &n.endpoint) {
        (Some(a), Some(b)) if a.method != b.method || a.path != b.path => out.here(
            "",
            Level::Breaking,
            "endpoint-changed",
            format!(
                "the endpoint changed from {} {} to {} {}",
                a.method.as_str(),
                a.path,
                b.method.as_str(),
                b.path
            ),
        ),
        (Some(a), None) => out.here(
            "",
            Level::Breaking,
            "endpoint-removed",
            format!("the endpoint {} {} is gone", a.method.as_str(), a.path),
        ),
        (None, Some(b)) => out.here(
            "",
            Level::Breaking,
            "endpoint-added",
            format!(
                "the operation moved to the Gate endpoint {} {}",
                b.method.as_str(),
                b.path
            ),
        ),
        _ => {}
    }
}

pub(super) type Types<'a> = (Option<&'a BrandTypes>, Option<&'a BrandTypes>);

pub(super) fn ty(out: &mut Sink, dir: Direction, at: &str, o: &Ty, n: &Ty, types: Types<'_>) {
    match (o, n) {
        (Ty::Object(a), Ty::Object(b)) => object(out, dir, at, a, b, types),
        (Ty::Array(a), Ty::Array(b)) => ty(out, dir, &format!("{at}/-"), a, b, types),
        (Ty::String(a), Ty::String(b)) => string(out, dir, at, a, b),
        (Ty::Integer(a), Ty::Integer(b)) => integer(out, dir, at, a, b),
        (Ty::Boolean, Ty::Boolean) => {}
        (a, b) => out.here(
            at,
            Level::Breaking,
            "type-changed",
            format!("the type changed from {} to {}", kind(a), kind(b)),
        ),
    }
}

pub(super) fn kind(t: &Ty) -> &'static str {
    match t {
        Ty::Object(_) => "object",
        Ty::Array(_) => "array",
        Ty::String(_) => "string",
        Ty::Integer(_) => "integer",
        Ty::Boolean => "boolean",
    }
}

/// A member name as a JSON pointer token.
pub(super) fn pointer_token(name: &str) -> String {
    gatespec_runtime::pointer::token(name).into_owned()
}
