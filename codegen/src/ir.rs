//! The intermediate representation: resolved, plain data, no I/O.
//!
//! References are resolved, refinements applied, `{brand}` placeholders
//! filled, limits converted to minor units. Every emitter reads only this.
//! Collections keep spec order (vectors), so output is deterministic.

use serde_json::Value;

pub use crate::model::{Format, HttpMethod, InferredRules, Interface, OperationKind, Presence};

/// All brands and methods of a spec set.
#[derive(Debug, Clone, PartialEq)]
pub struct Ir {
    /// Brands in spec order.
    pub brands: Vec<Brand>,
    /// Methods ordered by brand, then method id.
    pub methods: Vec<Method>,
    /// The names of the shared objects (`shared.yaml`'s `objects`), in
    /// spec order: the type of each is named after it, before any type
    /// written inside one.
    pub shared_objects: Vec<String>,
}

/// A brand.
#[derive(Debug, Clone, PartialEq)]
pub struct Brand {
    /// Brand id (`monetix`).
    pub id: String,
    /// Display name (`Monetix`).
    pub name: String,
    /// One paragraph about the brand.
    pub description: String,
}

/// A payment method of one brand.
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    /// The sections of the platform's documentation the document points to.
    pub references: Vec<crate::model::Reference>,
    /// Brand id.
    pub brand: String,
    /// Brand display name.
    pub brand_name: String,
    /// Method id (`smp-p2p-kz`).
    pub id: String,
    /// The method's code in the platform's paths.
    pub code: String,
    /// The method's name.
    pub name: String,
    /// Spec file it came from (relative to the spec root).
    pub spec_file: String,
    /// Source document.
    pub source: String,
    /// Opening paragraph.
    pub summary: String,
    /// Countries served.
    pub countries: Vec<String>,
    /// Payment currencies.
    pub currencies: Vec<String>,
    /// Overview table rows (property, text).
    pub overview: Vec<(String, String)>,
    /// Special considerations.
    pub special_considerations: Vec<String>,
    /// Operations support: (operation kind, interfaces).
    pub interfaces: Vec<(String, Vec<Interface>)>,
    /// Operation kinds whose interfaces row is the specs', not the document's.
    pub inferred_interfaces: Vec<String>,
    /// Amount limits.
    pub limits: Vec<Limit>,
    /// Timings.
    pub timings: Vec<Timing>,
    /// Other facts.
    pub notes: Vec<String>,
    /// The spec authors' notes (not the document's).
    pub inferred_notes: Vec<String>,
    /// Reference tables.
    pub tables: Vec<Table>,
    /// Dashboard support.
    pub dashboard: Option<Dashboard>,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
    /// How the sandbox picks this method's outcomes.
    pub testing: Option<crate::lifecycle::Testing>,
}

/// An amount limit, in the document's major units and in minor units.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// Limit id.
    pub id: String,
    /// Currency.
    pub currency: String,
    /// Minimum as written (`15.00`).
    pub min_major: Option<String>,
    /// Maximum as written.
    pub max_major: Option<String>,
    /// Minimum in minor units.
    pub min_minor: Option<i64>,
    /// Maximum in minor units.
    pub max_minor: Option<i64>,
    /// The step as written (`5`).
    pub step_major: Option<String>,
    /// The step in minor units: every amount is a multiple of it.
    pub step_minor: Option<i64>,
    /// The document's words.
    pub description: String,
}

/// A timing fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Timing id.
    pub id: String,
    /// The document's words.
    pub description: String,
    /// What the duration bounds.
    pub kind: crate::model::TimingKind,
    /// The duration's smallest value in seconds.
    pub min_seconds: Option<u64>,
    /// The duration's largest value in seconds.
    pub max_seconds: Option<u64>,
    /// Repetition budget.
    pub max_attempts: Option<u32>,
}

/// A reference table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Table id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Informational only (known values, not an enum).
    pub informational: bool,
    /// The document's note.
    pub note: String,
    /// Key column id.
    pub key: String,
    /// (column id, header) in order.
    pub columns: Vec<(String, String)>,
    /// Rows as cells in column order.
    pub rows: Vec<Vec<String>>,
    /// Operation id that returns the current list.
    pub current_list: Option<String>,
}

impl Known {
    /// The values as integers (an integer parameter's, which the resolver
    /// checked are whole numbers).
    pub fn integers(&self) -> Vec<i64> {
        self.values.iter().filter_map(|v| v.parse().ok()).collect()
    }
}

impl Table {
    /// The values of the key column.
    pub fn keys(&self) -> Vec<String> {
        let i = self
            .columns
            .iter()
            .position(|(c, _)| *c == self.key)
            .unwrap_or(0);
        self.rows.iter().filter_map(|r| r.get(i).cloned()).collect()
    }
}

/// Dashboard support.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// Operation kinds.
    pub operations: Vec<String>,
    /// Paragraphs.
    pub description: Vec<String>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Operation id within the method (`payout`).
    pub id: String,
    /// Full id `<brand>/<method>/<operation>`.
    pub full_id: String,
    /// Section title.
    pub title: String,
    /// Kind.
    pub kind: OperationKind,
    /// Interface.
    pub interface: Interface,
    /// Introduction.
    pub summary: Option<String>,
    /// Merchant steps.
    pub steps: Vec<String>,
    /// Processing flow.
    pub flow: Vec<String>,
    /// Endpoint.
    pub endpoint: Option<Endpoint>,
    /// Request body.
    pub request: Body,
    /// Response body.
    pub response: Option<Body>,
    /// Callback body.
    pub callback: Option<Body>,
    /// Timings that apply (resolved).
    pub timings: Vec<Timing>,
    /// Other facts.
    pub notes: Vec<String>,
    /// What it does over time (its own, or shared.yaml's for its kind).
    pub lifecycle: Option<crate::lifecycle::Lifecycle>,
}

/// An endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// HTTP method.
    pub method: HttpMethod,
    /// Concrete path.
    pub path: String,
    /// Full specification template.
    pub template: Option<String>,
}

impl HttpMethod {
    /// The method as HTTP writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Post => "POST",
            HttpMethod::Get => "GET",
        }
    }
}

impl Interface {
    /// The interface's name in the documents.
    pub fn title(self) -> &'static str {
        match self {
            Interface::PaymentPage => "Payment Page",
            Interface::Gate => "Gate",
            Interface::Dashboard => "Dashboard",
        }
    }
}

/// Which body of an operation: the runtime's `Role`, so the generated
/// `validate_body` takes the same type the generator names bodies with.
pub use gatespec_runtime::validate::Role as BodyRole;

/// A body: its shape and examples.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Description.
    pub description: Option<String>,
    /// The shape.
    pub ty: Ty,
    /// The document's examples.
    pub examples: Vec<Example>,
    /// What each requiredness means, in the document's words.
    pub legend: Vec<String>,
}

/// An example.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Caption.
    pub title: String,
    /// Non-JSON source form, if any.
    pub source_format: Option<String>,
    /// The call the document wraps the value in, if any.
    pub call: Option<String>,
    /// Value.
    pub value: Value,
    /// JSON pointer of the example's value in its spec file.
    pub pointer: String,
}

/// A named field of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// JSON name.
    pub name: String,
    /// Requiredness.
    pub presence: Presence,
    /// For conditional fields: when they are required.
    pub condition: Option<String>,
    /// Description (placeholders filled).
    pub description: String,
    /// Further paragraphs.
    pub notes: Vec<String>,
    /// Example value.
    pub example: Option<Value>,
    /// Example as the document words it.
    pub example_note: Option<String>,
    /// Why the field's text, type or requiredness is inferred, not the
    /// document's.
    pub inferred: Option<String>,
    /// Read leniently: an optional scalar of a callback whose type the
    /// documents show by example only. A value of another type (or one that
    /// breaks its rules) is a warning, kept as sent in `extra`, and the
    /// published schema does not assert its type: a correctly signed
    /// callback is never refused for the specs' reading of one example.
    pub lenient: bool,
    /// Type and constraints.
    pub ty: Ty,
}

/// A type with its constraints.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// A string.
    String(StringTy),
    /// An integer.
    Integer(IntegerTy),
    /// A boolean.
    Boolean,
    /// An object.
    Object(ObjectTy),
    /// An array.
    Array(Box<Ty>),
}

/// String constraints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StringTy {
    /// Named format.
    pub format: Option<Format>,
    /// Pattern.
    pub pattern: Option<String>,
    /// The only value allowed.
    pub const_value: Option<String>,
    /// Closed set.
    pub enum_values: Option<Vec<String>>,
    /// Known (informational) values and the table they come from.
    pub known: Option<Known>,
    /// Minimum length.
    pub min_length: Option<u64>,
    /// Maximum length.
    pub max_length: Option<u64>,
    /// Rules no document states (a warning when broken), with the reason.
    pub inferred: Option<InferredRules>,
}

/// Known values of an informational list.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    /// Table id, or `None` for inline known values.
    pub table: Option<String>,
    /// How messages name the list (`values of "Banks available for payout"`).
    pub list: String,
    /// The values.
    pub values: Vec<String>,
    /// Whether the document says the list "may change without notice"
    /// (its table's note says so); only then do the docs say it.
    pub changes_without_notice: bool,
}

/// Integer constraints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntegerTy {
    /// Minimum.
    pub minimum: Option<i64>,
    /// Maximum.
    pub maximum: Option<i64>,
    /// The step every value is a multiple of (at least 1).
    pub multiple_of: Option<i64>,
    /// The only value allowed.
    pub const_value: Option<i64>,
    /// Closed set.
    pub enum_values: Option<Vec<i64>>,
    /// The amount limit that set the bounds, if any.
    pub limit: Option<String>,
    /// The limit as the document writes it (`15.00 to 15,000.00 KGS`).
    pub bounds_note: Option<String>,
    /// Known (informational) values, as decimal text.
    pub known: Option<Known>,
    /// Rules no document states (a warning when broken), with the reason.
    pub inferred: Option<InferredRules>,
}

/// An object type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectTy {
    /// Fields in order.
    pub fields: Vec<Field>,
    /// Conditional requirements (field -> fields it needs).
    pub dependent_required: Vec<(String, Vec<String>)>,
    /// Why the conditional requirements are the specs' reading, when they
    /// are not the document's words.
    pub dependent_required_inferred: Option<String>,
    /// Amount limits that hold only in their own currency: the object's
    /// currency is not fixed to it, so a limit in KGS bounds the amount
    /// only when the currency is KGS.
    pub currency_bounds: Vec<CurrencyBound>,
    /// Set when the object is a shared object of `shared.yaml` used as
    /// written (a refinement that only rewords it keeps it shared), or an
    /// object written inside one: its type then belongs to the brand, not
    /// to the method (see `crate::typespace`).
    pub shared: Option<SharedOrigin>,
    /// The shape's key ([`ObjectTy::shape_key`]), set when the body is
    /// finished; empty before.
    pub key: String,
}

/// Which shared object an object is, and its documentation as written.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedOrigin {
    /// The shared object's name, with the field path of an object written
    /// inside it (`callback.payment`; `[]` for an array's items).
    pub path: String,
    /// The object as `shared.yaml` writes it, when the use reworded it:
    /// the shared type is documented with these words, whichever method
    /// uses it.
    pub base: Option<Box<ObjectTy>>,
}

/// An amount limit that applies when a sibling currency field has one value.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrencyBound {
    /// The amount field.
    pub amount: String,
    /// The currency field.
    pub currency_field: String,
    /// The currency the limit is given in.
    pub currency: String,
    /// Minimum in minor units.
    pub minimum: Option<i64>,
    /// Maximum in minor units.
    pub maximum: Option<i64>,
    /// The step in minor units, if the limit gives one.
    pub multiple_of: Option<i64>,
    /// The limit as the document gives it (`15.00 to 15,000.00 KGS in minor units`).
    pub note: String,
}

impl Ir {
    /// Every operation with its method, in order.
    pub fn operations(&self) -> impl Iterator<Item = (&Method, &Operation)> {
        self.methods
            .iter()
            .flat_map(|m| m.operations.iter().map(move |o| (m, o)))
    }

    /// Looks an operation up by its full id.
    pub fn operation(&self, full_id: &str) -> Option<(&Method, &Operation)> {
        self.operations().find(|(_, o)| o.full_id == full_id)
    }
}

impl Ir {
    /// The specs narrowed to a selection: each selector is a brand (`monetix`)
    /// or one method of a brand (`monetix/mobile`). An empty selection keeps
    /// everything; a selector that matches nothing is an error naming it.
    pub fn select(&self, selectors: &[String]) -> Result<Ir, String> {
        if selectors.is_empty() {
            return Ok(self.clone());
        }
        for s in selectors {
            let hit = self.methods.iter().any(|m| selects(s, m));
            if !hit {
                let known: Vec<String> = self
                    .methods
                    .iter()
                    .map(|m| format!("{}/{}", m.brand, m.id))
                    .collect();
                return Err(format!(
                    "`{s}` selects no method (a selector is `<brand>` or `<brand>/<method>`; methods: {})",
                    known.join(", ")
                ));
            }
        }
        Ok(Ir {
            brands: self.brands.clone(),
            shared_objects: self.shared_objects.clone(),
            methods: self
                .methods
                .iter()
                .filter(|m| selectors.iter().any(|s| selects(s, m)))
                .cloned()
                .collect(),
        })
    }
}

fn selects(selector: &str, m: &Method) -> bool {
    match selector.split_once('/') {
        Some((brand, method)) => m.brand == brand && m.id == method,
        None => m.brand == selector,
    }
}

impl Operation {
    /// The bodies the operation has, with their roles.
    pub fn bodies(&self) -> impl Iterator<Item = (BodyRole, &Body)> {
        std::iter::once((BodyRole::Request, &self.request))
            .chain(self.response.iter().map(|b| (BodyRole::Response, b)))
            .chain(self.callback.iter().map(|b| (BodyRole::Callback, b)))
    }
}
