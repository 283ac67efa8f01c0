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

/// What an operation does on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A payout to the customer: creates a payment.
    Payout,
    /// A purchase by the customer: creates a payment.
    Purchase,
    /// A refund of a purchase.
    Refund,
    /// The OTP the platform asked for.
    Clarification,
    /// A new OTP for the customer.
    OtpResend,
    /// An information request answered from the specs.
    Info,
    /// The Payment Page (opened in a browser).
    PaymentPage,
}

/// One operation of one brand.
#[derive(Clone)]
pub struct Operation {
    /// The brand that offers it.
    pub brand: String,
    /// `<brand>/<method>/<operation>`.
    pub id: String,
    /// The method's code on the platform (`mobile`), as
    /// `force_payment_method` names it.
    pub method: String,
    /// The method's name, as the checkout page shows it.
    pub method_name: String,
    /// What it does.
    pub kind: Kind,
    /// Its path on the Gate (`/v2/payment/...`; [`PAYMENT_PAGE_PATH`] for
    /// the Payment Page).
    pub path: String,
    /// The rules of its request.
    pub request: Rules,
    /// Its callback, when it has one.
    pub callback: Option<Callback>,
    /// The answer of an information request (the specs' documented one).
    pub answer: Option<Value>,
    /// How long an OTP is valid (a `within` timing of the operation).
    pub otp_window: Option<Duration>,
    /// How soon after an OTP a new one may be asked for, and how often
    /// (an `after` timing with a repetition budget).
    pub otp_resend: Option<(Duration, u32)>,
    /// Where a clarification request carries the OTP (a JSON pointer).
    pub otp_pointer: Option<String>,
    /// A Payment Page's reading of its flat parameters.
    pub decode: Option<Decode>,
    /// The accounts' kinds the checkout page offers (the mobile network
    /// operators), from the specs' known values.
    pub account_kinds: Vec<String>,
    /// Where a Payment Page request preselects the account's kind (a JSON
    /// pointer, `/payment_methods_options/selected_operator`).
    pub preselect_pointer: Option<String>,
}

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
            .filter(move |o| o.brand == brand && o.kind == Kind::PaymentPage)
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
