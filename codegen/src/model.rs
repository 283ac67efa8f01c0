//! The spec model: serde types that mirror the YAML files one to one.
//!
//! Every type denies unknown fields and derives `schemars::JsonSchema`, so the
//! spec format's own JSON Schema (`generated/schemas/spec.schema.json`) is
//! generated from these definitions and never drifts from what the loader
//! accepts. Doc comments here become the descriptions editors show.
//!
//! Nothing in this module resolves references or applies defaults: that is the
//! job of `resolve`, which turns this model into the IR.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

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

/// A shared object definition.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectDef {
    /// What the object carries. `{brand}` is replaced by the brand's name.
    pub description: String,
    /// The object's parameters, in document order.
    pub fields: IndexMap<String, Param>,
    /// Conditional requirements: when the key is present, the listed
    /// parameters must be present too.
    #[serde(default)]
    pub dependent_required: IndexMap<String, Vec<String>>,
    /// Why the fields' texts, types or requiredness are the spec authors'
    /// and not a document's (each field is then marked "inferred").
    #[serde(default)]
    pub inferred: Option<String>,
}

/// The JSON type of a parameter. One of `string`, `integer`, `boolean`,
/// `object`, `array`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// A JSON string.
    String,
    /// A JSON integer (no fraction).
    Integer,
    /// A JSON boolean.
    Boolean,
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
}

/// How present a parameter must be, in the documents' words: `strict`
/// (strictly required), `optional`, or `conditional` (required only in the
/// situation `condition` describes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    /// Strictly required: the parameter must be in the request.
    Strict,
    /// Optional.
    Optional,
    /// Required only in the situation that `condition` describes.
    Conditional,
}

/// A named format with a fixed meaning across the specs: `email`, `ipv4`,
/// `ipv6`, `ip` (either), `currency` (ISO 4217 alpha-3), `phone` (digits
/// only: no punctuation or special characters), `platform-date-time` (the platform's
/// `2024-12-07T19:08:45+0000` form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// An e-mail address.
    Email,
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// An IPv4 or IPv6 address.
    Ip,
    /// An ISO 4217 alpha-3 currency code.
    Currency,
    /// A phone number without punctuation or special characters: digits
    /// only (whether a country code is included is the field's document's
    /// to say, in its description).
    Phone,
    /// The platform's timestamp, `YYYY-MM-DDThh:mm:ss+hhmm`.
    PlatformDateTime,
}

/// Constraints the spec authors add where the document states none: a
/// plausible shape (an e-mail grammar, a phone number's length, a positive
/// amount) that is worth a warning but must never refuse a value the
/// platform may accept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InferredRules {
    /// Why gatespec adds these rules, shown next to them.
    pub why: String,
    /// A named format the value is expected to have.
    #[serde(default)]
    pub format: Option<Format>,
    /// A pattern (anchored, as `pattern`) the value is expected to match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Expected shortest string, in characters.
    #[serde(default)]
    pub min_length: Option<u64>,
    /// Expected longest string, in characters.
    #[serde(default)]
    pub max_length: Option<u64>,
    /// Expected smallest integer.
    #[serde(default)]
    pub minimum: Option<i64>,
    /// Expected largest integer.
    #[serde(default)]
    pub maximum: Option<i64>,
}

/// A parameter (or, with `object:`/`fields:`, an object of parameters).
///
/// With `object: <id>` the parameter takes the shared object's fields;
/// `only` keeps a subset, `refine` narrows single fields and `fields` adds
/// new ones. A refinement may narrow a constraint but never widen it.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// JSON type; defaults to `object` when `object` or `fields` is given.
    #[serde(rename = "type", default)]
    pub ty: Option<ParamType>,
    /// Requiredness: `strict`, `optional` or `conditional`.
    #[serde(default)]
    pub required: Option<Presence>,
    /// For `required: conditional`, the situation in the document's words.
    #[serde(default)]
    pub condition: Option<String>,
    /// The description, as the document gives it. `{brand}` and `{method}`
    /// are replaced by the brand's and the method's names.
    #[serde(default)]
    pub description: Option<String>,
    /// Further paragraphs of the document about this parameter.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Why this parameter's text, type or requiredness is the spec
    /// authors' and not the document's; the docs, schemas and Rust docs
    /// mark it "inferred" with this reason.
    #[serde(default)]
    pub inferred: Option<String>,
    /// In a `refine`: `notes` replace the inherited notes instead of
    /// following them, so that a method's document says only its own words
    /// (its document words a shared paragraph differently, or leaves it
    /// out: `replace_notes: true` with no `notes`).
    #[serde(default)]
    pub replace_notes: bool,
    /// The document's example value.
    #[serde(default)]
    pub example: Option<Value>,
    /// The document's wording of the example when it says more than the
    /// value (`1000.00 KZT must be sent as 100000`).
    #[serde(default)]
    pub example_note: Option<String>,
    /// A named format.
    #[serde(default)]
    pub format: Option<Format>,
    /// A regular expression (ECMA 262 subset) the string must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// The one value allowed (a hard constraint of the document).
    #[serde(rename = "const", default)]
    pub const_value: Option<Value>,
    /// The closed set of values allowed.
    #[serde(rename = "enum", default)]
    pub enum_values: Option<Vec<Value>>,
    /// Id of the method's reference table whose `key` column lists known
    /// (informational, not enforced) values.
    #[serde(default)]
    pub known_values: Option<String>,
    /// Known values written inline (informational, not enforced): strings,
    /// or integers for an integer parameter.
    #[serde(default)]
    pub known: Option<Vec<Value>>,
    /// Smallest allowed integer.
    #[serde(default)]
    pub minimum: Option<i64>,
    /// Largest allowed integer.
    #[serde(default)]
    pub maximum: Option<i64>,
    /// Shortest allowed string, in characters.
    #[serde(default)]
    pub min_length: Option<u64>,
    /// Longest allowed string, in characters.
    #[serde(default)]
    pub max_length: Option<u64>,
    /// Id of a method amount limit that bounds this amount (converted from
    /// major to minor units with the currency's exponent), or a list of
    /// them, one per currency: each bounds the amount when the object's
    /// `currency` is the limit's.
    #[serde(default)]
    pub amount_limit: Option<LimitRef>,
    /// Id of a shared object whose fields this parameter takes.
    #[serde(default)]
    pub object: Option<String>,
    /// With `object`: keep only these fields of the shared object.
    #[serde(default)]
    pub only: Option<Vec<String>>,
    /// With `object`: narrow fields of the shared object.
    #[serde(default)]
    pub refine: IndexMap<String, Param>,
    /// Fields of an object parameter (added to those of `object`).
    #[serde(default)]
    pub fields: IndexMap<String, Param>,
    /// For arrays: the items.
    #[serde(default)]
    pub items: Option<Box<Param>>,
    /// Conditional requirements between this object's fields.
    #[serde(default)]
    pub dependent_required: IndexMap<String, Vec<String>>,
    /// Why the rules of `dependent_required` are the specs' reading of the
    /// document rather than its words; the docs and schemas mark them
    /// "inferred" with this reason.
    #[serde(default)]
    pub dependent_required_inferred: Option<String>,
    /// Constraints no document states that gatespec adds, with the reason:
    /// validators report a value that breaks one as a warning (it stays
    /// valid), the docs and schema descriptions show them marked
    /// "inferred", and no schema asserts them.
    #[serde(default)]
    pub inferred_rules: Option<InferredRules>,
}

/// One amount limit id, or one per currency.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum LimitRef {
    /// One limit.
    One(String),
    /// One limit per currency.
    PerCurrency(Vec<String>),
}

impl LimitRef {
    /// The limit ids, in order.
    pub fn ids(&self) -> Vec<String> {
        match self {
            LimitRef::One(id) => vec![id.clone()],
            LimitRef::PerCurrency(ids) => ids.clone(),
        }
    }
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
}

/// An interface of the platform: `payment-page`, `gate`, `dashboard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Interface {
    /// The hosted checkout page.
    PaymentPage,
    /// The server-to-server JSON API.
    Gate,
    /// The merchant web interface (single and mass payouts).
    Dashboard,
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

/// The HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum HttpMethod {
    /// HTTP POST.
    #[serde(rename = "POST")]
    Post,
    /// HTTP GET.
    #[serde(rename = "GET")]
    Get,
}

/// The kind of an operation: `payout`, `purchase`, `refund`,
/// `clarification`, `otp-resend`, `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OperationKind {
    /// A payout to the customer.
    Payout,
    /// A purchase (sale) by the customer.
    Purchase,
    /// A refund of a purchase.
    Refund,
    /// Submitting data the platform asked for (the OTP).
    Clarification,
    /// Asking for a new OTP to be sent to the customer.
    OtpResend,
    /// An information request (banks list, operators list).
    Info,
}

/// One operation of a method through one interface.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// The section title in the document.
    pub title: String,
    /// The kind of operation.
    pub kind: OperationKind,
    /// The interface the operation uses (`gate` or `payment-page`).
    pub interface: Interface,
    /// The document's introduction to the operation.
    #[serde(default)]
    pub summary: Option<String>,
    /// The numbered steps the merchant follows.
    #[serde(default)]
    pub steps: Vec<String>,
    /// The processing flow, step by step.
    #[serde(default)]
    pub flow: Vec<String>,
    /// The endpoint (Gate operations).
    #[serde(default)]
    pub endpoint: Option<Endpoint>,
    /// The request body.
    pub request: Body,
    /// The response body, when the document describes one.
    #[serde(default)]
    pub response: Option<Body>,
    /// The callback the platform sends with the result.
    #[serde(default)]
    pub callback: Option<Body>,
    /// Timing ids of the method that apply to this operation.
    #[serde(default)]
    pub timings: Vec<String>,
    /// Other facts the document states about the operation.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// An HTTP endpoint.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// HTTP method.
    pub method: HttpMethod,
    /// The concrete path (`/v2/payment/smp-p2p-kz/payout`). May be left
    /// out when the document gives only `template`: the path is then the
    /// template with `values` filled in.
    #[serde(default)]
    pub path: Option<String>,
    /// The document's full endpoint specification, when it gives one
    /// (`/v2/info/banks/{parentMethod}/{childMethod}/{operationType}/list`).
    #[serde(default)]
    pub template: Option<String>,
    /// The value of each placeholder of `template` for this method
    /// (`parentMethod: smp-p2p-kz`). With `path` as well, the two must agree.
    #[serde(default)]
    pub values: IndexMap<String, String>,
}

/// A request, response or callback body: its shape and the document's examples.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// What the body is, in the document's words.
    #[serde(default)]
    pub description: Option<String>,
    /// JSON type of the body; `object` unless `array` is given.
    #[serde(rename = "type", default)]
    pub ty: Option<ParamType>,
    /// A shared object whose fields the body takes.
    #[serde(default)]
    pub object: Option<String>,
    /// With `object`: keep only these fields.
    #[serde(default)]
    pub only: Option<Vec<String>>,
    /// With `object`: narrow fields.
    #[serde(default)]
    pub refine: IndexMap<String, Param>,
    /// The body's own fields (added to those of `object`).
    #[serde(default)]
    pub fields: IndexMap<String, Param>,
    /// For array bodies: the items.
    #[serde(default)]
    pub items: Option<Box<Param>>,
    /// Conditional requirements between top-level fields.
    #[serde(default)]
    pub dependent_required: IndexMap<String, Vec<String>>,
    /// The document's examples of this body; each is a test case.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// What each requiredness means, in the document's words, as its table
    /// says above the parameters (`strictly required—the parameter must be
    /// in the initial request.`).
    #[serde(default)]
    pub legend: Vec<String>,
}

/// An example of the document, kept as JSON.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The figure's caption or a short name.
    pub title: String,
    /// How the document writes it when not as JSON (`javascript` for the
    /// `EPayWidget.run` object literals).
    #[serde(default)]
    pub source_format: Option<String>,
    /// The call the document wraps the value in (`EPayWidget.run`); the
    /// docs show it so.
    #[serde(default)]
    pub call: Option<String>,
    /// The example value.
    pub value: Value,
}

impl Body {
    /// The body seen as an (unnamed, strictly required) parameter.
    pub fn as_param(&self) -> Param {
        Param {
            ty: self.ty,
            required: Some(Presence::Strict),
            description: self.description.clone(),
            object: self.object.clone(),
            only: self.only.clone(),
            refine: self.refine.clone(),
            fields: self.fields.clone(),
            items: self.items.clone(),
            dependent_required: self.dependent_required.clone(),
            ..Param::default()
        }
    }
}
