//! The spec model: serde types that mirror the YAML files one to one.
//!
//! Every type denies unknown fields and derives `schemars::JsonSchema`, so the
//! spec format's own JSON Schema (`generated/schemas/spec.schema.json`) is
//! generated from these definitions and never drifts from what the loader
//! accepts. Doc comments here become the descriptions editors show.
//!
//! `param` holds a parameter and its constraints, `operation` an
//! operation and its bodies; this file the file, brand and method around
//! them.
//!
//! Nothing in this module resolves references or applies defaults: that is the
//! job of `resolve`, which turns this model into the IR.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

mod lifecycle;
mod operation;
mod param;

pub use lifecycle::{CustomerAction, Lifecycle, Renew, Statuses, Step, Testing};
pub use operation::{Body, Endpoint, Example, HttpMethod, Interface, Operation, OperationKind};
pub use param::{Format, InferredRules, LimitRef, ObjectDef, Param, ParamType, Presence};

/// One YAML file under `specs/`. Any file may hold any of the top-level
/// sections; by convention `brands.yaml` holds brands, `shared.yaml` holds
/// shared objects (currencies are ISO 4217's, built in), and `<brand>/<method>.yaml` holds one method.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// Brands (white labels) of the platform, keyed by brand id (`monetix`).
    #[serde(default)]
    pub brands: IndexMap<String, Brand>,
    /// Shared objects (`general`, `customer`, the callback envelope, ...),
    /// keyed by object id; parameters reference them with `object:`.
    #[serde(default)]
    pub objects: IndexMap<String, ObjectDef>,
    /// The payment method this file describes (one method per file).
    #[serde(default)]
    pub method: Option<Method>,
    /// Lifecycles every operation of a kind shares unless it writes its
    /// own, keyed by kind (`payout`).
    #[serde(default)]
    pub lifecycles: IndexMap<String, Lifecycle>,
    /// How the sandbox decides outcomes, for every method that does not
    /// say otherwise.
    #[serde(default)]
    pub testing: Option<Testing>,
}

/// A brand: one white label of the platform.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// Display name, as the documents write it (`Monetix`).
    pub name: String,
    /// One paragraph about the brand.
    pub description: String,
}

/// A payment method of one brand, with every fact of its source document.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Method {
    /// Method id; also the file name (`smp-p2p-kz`).
    pub id: String,
    /// Brand id; also the directory name (`monetix`). A method that several
    /// brands offer names them in `brands` instead.
    #[serde(default)]
    pub brand: String,
    /// The brands that offer the method, when several do. The file then
    /// lives in `methods/<method>.yaml`, and each brand gets its own copy
    /// (ids, modules, schemas and docs stay per brand) with its variant
    /// applied.
    #[serde(default)]
    pub brands: Vec<String>,
    /// Per brand of `brands`, what differs for it: a JSON merge patch
    /// (RFC 7396) over this method. It can change any fact (a name in a
    /// text, a limit, an endpoint, an example); `null` removes one. Maps
    /// merge key by key; a list is replaced whole.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, serde_json::Map<String, Value>>")]
    pub variants: IndexMap<String, Value>,
    /// The method's code in the platform's paths and callbacks.
    pub code: String,
    /// The method's name in the document.
    pub name: String,
    /// The source document: a path under `specs/` (the vendored documents are
    /// in `specs/sources/`), or a note where the method has none.
    pub source: String,
    /// The opening paragraph of the document.
    pub summary: String,
    /// ISO 3166-1 alpha-2 codes of the countries served.
    pub countries: Vec<String>,
    /// ISO 4217 codes of the payment currencies.
    pub currencies: Vec<String>,
    /// The document's overview table: property -> text, in order.
    #[serde(default)]
    pub overview: IndexMap<String, String>,
    /// The document's special considerations.
    #[serde(default)]
    pub special_considerations: Vec<String>,
    /// Operations support: operation kind -> interfaces that support it.
    pub interfaces: IndexMap<String, Vec<Interface>>,
    /// Operation kinds of `interfaces` that the document's "Operations
    /// support" table does not list (the specs add them for operations the
    /// document describes elsewhere); the docs mark their rows "inferred".
    /// Say why in a comment.
    #[serde(default)]
    pub inferred_interfaces: Vec<String>,
    /// Amount limits in major units, keyed by limit id.
    #[serde(default)]
    pub limits: IndexMap<String, AmountLimit>,
    /// Timings (processing times, OTP validity, retries), keyed by id.
    #[serde(default)]
    pub timings: IndexMap<String, Timing>,
    /// Other paragraphs of the document that state facts.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Notes of the spec authors, not the document's (a remark on the
    /// document itself); the docs mark them "inferred".
    #[serde(default)]
    pub inferred_notes: Vec<String>,
    /// Reference tables (banks, operators), keyed by table id.
    #[serde(default)]
    pub tables: IndexMap<String, Table>,
    /// The sections of the platform's documentation that the document
    /// points to ("see Response structure"), each where it does so.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// How the method works through Dashboard.
    #[serde(default)]
    pub dashboard: Option<Dashboard>,
    /// Operations keyed by operation id (`payout`, `banks-list`).
    pub operations: IndexMap<String, Operation>,
    /// How the sandbox decides this method's outcomes, where it differs
    /// from shared.yaml's `testing`.
    #[serde(default)]
    pub testing: Option<Testing>,
}

/// An amount limit as the document writes it, in major units.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountLimit {
    /// Currency of the limit (ISO 4217 alpha-3).
    pub currency: String,
    /// Minimum in major units as a decimal string (`15.00`).
    #[serde(default)]
    pub min: Option<String>,
    /// Maximum in major units as a decimal string (`15000.00`).
    #[serde(default)]
    pub max: Option<String>,
    /// The step every amount in this currency is a multiple of, in major
    /// units as the document writes it (`5` for XOF amounts in fives,
    /// `1,000` for GNF in thousands).
    #[serde(default)]
    pub step: Option<String>,
    /// What the document says about the limit.
    pub description: String,
}

/// A timing fact (a threshold, a validity window, a retry budget).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    /// What the document says.
    pub description: String,
    /// What the duration bounds: an action that must happen `within` it,
    /// one that may happen only `after` it, or the `average` time a step
    /// takes.
    pub kind: TimingKind,
    /// The duration the document gives, in seconds: its smallest value
    /// (`80 or 90 seconds` is 80; one figure is both bounds). Whatever the
    /// kind, `min_seconds` and `max_seconds` bound the duration itself.
    #[serde(default)]
    pub min_seconds: Option<u64>,
    /// The duration's largest value, in seconds (`80 or 90 seconds` is 90).
    #[serde(default)]
    pub max_seconds: Option<u64>,
    /// How many times the action may be repeated, when bounded.
    #[serde(default)]
    pub max_attempts: Option<u32>,
}

/// A pointer of the document to a section of the platform's documentation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The section's title as the document names it.
    pub title: String,
    /// The line of the source document that points to it.
    pub line: u32,
    /// The parameter whose description points to it, if any.
    #[serde(default)]
    pub parameter: Option<String>,
}

/// What a timing's duration bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TimingKind {
    /// The action must happen within the duration (a deadline).
    Within,
    /// The action may happen only after the duration (an earliest time).
    After,
    /// The duration is the average time the step takes (an estimate).
    Average,
}

impl TimingKind {
    /// The kind as the specs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            TimingKind::Within => "within",
            TimingKind::After => "after",
            TimingKind::Average => "average",
        }
    }
}

/// A reference table of the document (banks, mobile network operators).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// The table's title.
    pub title: String,
    /// True when the document says the table is for information only: its
    /// values are then known values (warnings), never a closed enum.
    pub informational: bool,
    /// The document's note on the table.
    pub note: String,
    /// The column whose values a parameter takes.
    pub key: String,
    /// Column id -> header, in order.
    pub columns: IndexMap<String, String>,
    /// The rows, each column id -> cell.
    pub rows: Vec<IndexMap<String, String>>,
    /// Operation id of the request that returns the current list, if any.
    #[serde(default)]
    pub current_list: Option<String>,
}

/// Dashboard support of the method.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    /// Operation kinds Dashboard supports for this method.
    pub operations: Vec<String>,
    /// What the document says, paragraph by paragraph.
    pub description: Vec<String>,
}
