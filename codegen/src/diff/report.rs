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

/// Who a change concerns: each consumer of what gatespec publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// What the Gate accepts and sends: every merchant's integration.
    Wire,
    /// The names other languages' classes take (schema titles, `$defs`,
    /// OpenAPI components).
    SchemaNames,
    /// The generated Rust crate's public API (paths, types, constructors).
    RustApi,
    /// Words only: descriptions, notes, known values.
    Docs,
}

impl Category {
    /// Every category, in order.
    pub const ALL: [Category; 4] = [
        Category::Wire,
        Category::SchemaNames,
        Category::RustApi,
        Category::Docs,
    ];

    /// The categories that fail `gatespec diff` unless `--fail-on` says
    /// otherwise.
    pub const FAIL_BY_DEFAULT: [Category; 2] = [Category::Wire, Category::RustApi];

    /// The category's name, as JSON and `--fail-on` write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Wire => "wire",
            Category::SchemaNames => "schema-names",
            Category::RustApi => "rust-api",
            Category::Docs => "docs",
        }
    }

    /// The category of a kind of change.
    pub fn of(kind: &str) -> Category {
        match kind {
            k if k.starts_with("rust-") => Category::RustApi,
            k if k.starts_with("schema-") => Category::SchemaNames,
            "description-changed" | "known-values-changed" => Category::Docs,
            _ => Category::Wire,
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
    /// Who it concerns.
    pub category: Category,
    /// A name of this change that stays the same from run to run (of its
    /// category, kind, operation, role and pointer; not of its wording), for
    /// tools that track findings (SARIF's `partialFingerprints`).
    pub fingerprint: String,
    /// The spec file the change comes from (the new one's; the old one's
    /// for what is gone), as the spec set names it.
    pub file: Option<String>,
    /// The line in `file`.
    pub line: Option<usize>,
}

/// The report: whether anything breaks, and every change.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// True when a change of a category that fails by default (wire, Rust
    /// API) is breaking.
    pub breaking: bool,
    /// The highest level of each category with changes.
    pub categories: std::collections::BTreeMap<Category, Level>,
    /// Every change, by operation, role and pointer.
    pub changes: Vec<Change>,
}

impl Report {
    /// Whether a change of one of `categories` is breaking.
    pub fn breaks(&self, categories: &[Category]) -> bool {
        self.changes
            .iter()
            .any(|c| c.level == Level::Breaking && categories.contains(&c.category))
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
        let category = Category::of(kind);
        let fingerprint = crate::format::digest(
            format!("{}|{kind}|{op}|{role}|{pointer}", category.as_str()).as_bytes(),
        )[..16]
            .to_string();
        self.changes.push(Change {
            operation: op.to_string(),
            role: role.to_string(),
            pointer: pointer.to_string(),
            level,
            kind,
            message,
            category,
            fingerprint,
            file: None,
            line: None,
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
