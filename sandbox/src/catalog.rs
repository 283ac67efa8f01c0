//! What the sandbox serves, as plain data handed in by its caller (the
//! `gatespec sandbox` command builds it from the specs' IR): one entry per
//! operation, with the rules of its bodies as functions. The sandbox itself
//! knows nothing of specs, so the same server runs any catalogue.

use std::sync::Arc;
use std::time::Duration;

use gatespec_runtime::Violation;
use serde_json::{Map, Value};

/// The violations a body has (none when it is valid).
pub type Rules = Arc<dyn Fn(&Value) -> Vec<Violation> + Send + Sync>;

/// Reads a Payment Page's flat parameters (all text, as a URL carries
/// them) as the typed request its rules judge.
pub type Decode = Arc<dyn Fn(&Map<String, Value>) -> Value + Send + Sync>;

/// Where the Payment Page is served.
pub const PAYMENT_PAGE_PATH: &str = "/payment";

/// What a request for an operation does. The specs' lifecycles decide it:
/// an operation that starts a lifecycle opens a payment (or, for a
/// refund, an operation on an earlier one); one that a lifecycle waits for
/// or asks again with follows up a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Opens a payment; its operations are recorded as `kind` (`sale`,
    /// `payout`).
    Opens {
        /// The platform's operation type.
        kind: &'static str,
    },
    /// Refunds part or all of an earlier successful purchase.
    Refund,
    /// A request some lifecycle waits for, or asks again with.
    FollowUp,
    /// An information request answered from the specs.
    Info,
    /// The Payment Page (opened in a browser): opens a sale.
    PaymentPage,
}

/// One operation of one brand.
#[derive(Clone)]
pub struct Operation {
    /// The brand that offers it.
    pub brand: String,
    /// `<brand>/<method>/<operation>`.
    pub id: String,
    /// The operation's id within its method (`clarification`).
    pub short_id: String,
    /// The method's code on the platform (`mobile`), as a Payment Page
    /// request forces it.
    pub method: String,
    /// The method's name, as the checkout page shows it.
    pub method_name: String,
    /// What a request for it does.
    pub role: Role,
    /// Its path on the Gate (`/v2/payment/...`; [`PAYMENT_PAGE_PATH`] for
    /// the Payment Page).
    pub path: String,
    /// The rules of its request.
    pub request: Rules,
    /// Its callback, when it has one.
    pub callback: Option<Callback>,
    /// What it does over time (empty: it is acknowledged, nothing follows).
    pub lifecycle: Vec<Step>,
    /// The answer of an information request (the specs' documented one).
    pub answer: Option<Value>,
    /// A Payment Page's reading of its flat parameters.
    pub decode: Option<Decode>,
    /// The request member that forces this method on the checkout page (a
    /// JSON pointer).
    pub forces_method: Option<String>,
    /// How the specs decide its outcome (none: every payment succeeds).
    pub outcomes: Option<Outcomes>,
}

impl Operation {
    /// Whether a request for it opens a payout.
    pub fn is_payout(&self) -> bool {
        self.role == Role::Opens { kind: "payout" }
    }

    /// The request its lifecycle waits for to be given a code: that
    /// operation's full id and where its request carries the code.
    pub fn code_request(&self) -> Option<(&str, &str)> {
        self.lifecycle.iter().find_map(|s| match &s.action {
            Action::Request {
                operation,
                gives: Some(at),
            } => Some((operation.as_str(), at.as_str())),
            _ => None,
        })
    }

    /// The operation that asks again for what its lifecycle waits for.
    pub fn renewal(&self) -> Option<&str> {
        self.lifecycle
            .iter()
            .find_map(|s| s.renew.as_ref()?.operation.as_deref())
    }

    /// What its checkout page asks the customer to enter (each callback
    /// member with its choices) and the request member that preselects a
    /// choice.
    pub fn page_entries(&self) -> Option<(&[Entry], Option<&str>)> {
        self.lifecycle.iter().find_map(|s| match &s.action {
            Action::Page { fills, chooses, .. } if !fills.is_empty() => {
                Some((fills.as_slice(), chooses.as_deref()))
            }
            _ => None,
        })
    }
}

/// A callback member the customer fills on the checkout page (a JSON
/// pointer) with the values to choose from (none: free text).
pub type Entry = (String, Vec<String>);

/// One step of a lifecycle, as the sandbox runs it.
#[derive(Clone, Debug)]
pub struct Step {
    /// What happens.
    pub action: Action,
    /// How long the wait for it may last (an OTP's validity).
    pub within: Option<Duration>,
    /// How what it waits for may be asked for again.
    pub renew: Option<Renew>,
}

/// What happens at a step.
#[derive(Clone, Debug)]
pub enum Action {
    /// The merchant sends a request: `operation` (a full id); when it gives
    /// what a callback asked for, where its request carries it.
    Request {
        /// The operation.
        operation: String,
        /// Where the request carries what it gives (a JSON pointer).
        gives: Option<String>,
    },
    /// The customer acts on the checkout page.
    Page {
        /// Whether the page asks for a code the platform sends the
        /// customer (and the customer gives it here).
        code: bool,
        /// The callback members the customer's entries fill, with their
        /// choices.
        fills: Vec<Entry>,
        /// The request member that preselects the first choice.
        chooses: Option<String>,
    },
    /// The customer goes to a URL the previous callback carries, and back.
    Redirect {
        /// Where the callback carries the URL (a JSON pointer).
        url: String,
        /// The request member holding where the customer returns.
        returns: Option<String>,
    },
    /// The platform sends a callback.
    Callback {
        /// Its status, or those the outcome picks from.
        statuses: Vec<crate::machine::Status>,
        /// Whether it asks for a code (which the platform then sends).
        asks: bool,
        /// The step's own documented callback, when the specs give one.
        example: Option<Value>,
    },
}

/// Asking again for what a step waits for.
#[derive(Clone, Debug)]
pub struct Renew {
    /// The operation that asks (a full id); none on the checkout page.
    pub operation: Option<String>,
    /// How soon after the last one.
    pub after: Duration,
    /// How many times (none: no limit).
    pub max: Option<u32>,
}

/// How the specs decide an outcome.
pub use crate::config::Outcomes;

/// An operation's callback: documented examples to build from, and the
/// published rules every callback sent must meet.
#[derive(Clone)]
pub struct Callback {
    /// A documented callback of a successful operation.
    pub success: Value,
    /// A documented callback of a declined operation (the success example
    /// with its statuses changed when the documents give none).
    pub decline: Value,
    /// The rules of the callback body.
    pub rules: Rules,
}

/// Every operation the sandbox serves.
#[derive(Clone, Default)]
pub struct Catalog {
    /// The operations, in spec order.
    pub operations: Vec<Operation>,
}

impl Catalog {
    /// The brands with at least one operation.
    pub fn brands(&self) -> Vec<String> {
        let mut brands: Vec<String> = Vec::new();
        for op in &self.operations {
            if !brands.contains(&op.brand) {
                brands.push(op.brand.clone());
            }
        }
        brands
    }

    /// The operation of `brand` at `path`.
    pub fn at(&self, brand: &str, path: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|o| o.brand == brand && o.path == path)
    }

    /// The Payment Page operations of `brand`, one per method.
    pub fn pages<'a>(&'a self, brand: &'a str) -> impl Iterator<Item = &'a Operation> + 'a {
        self.operations
            .iter()
            .filter(move |o| o.brand == brand && o.role == Role::PaymentPage)
    }

    /// The operation with id `id`.
    pub fn by_id(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// Whether any brand has an operation at `path`.
    pub fn knows_path(&self, path: &str) -> bool {
        self.operations.iter().any(|o| o.path == path)
    }
}
