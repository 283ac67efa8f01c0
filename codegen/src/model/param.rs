//! Parameters: a field of a body or of a shared object, its type and
//! every constraint the documents give it, and the constraints gatespec
//! infers (`inferred_rules`).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

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
/// `2024-12-07T19:08:45+0000` form), `url` (`http` or `https`, a host name).

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
    /// An `http` or `https` URL with a host name (a return address).
    Url,
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
    /// The step every allowed integer is a multiple of (at least 1): an
    /// amount in a currency the platform moves in fives or thousands.
    #[serde(default)]
    pub multiple_of: Option<i64>,
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
