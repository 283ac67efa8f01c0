//! The IR of behaviour (part of [`crate::ir`], kept apart so that file stays
//! a size one can read): an operation's lifecycle with every reference
//! resolved (operations and timings by ids checked to exist in the method,
//! pointers checked against the bodies they point into) and the sandbox's
//! outcome rule. It imports nothing of the IR: the IR holds it.

pub use crate::model::CustomerAction;

use serde_json::Value;

/// What an operation does over time.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifecycle {
    /// Why it is written so, when the documents do not say it step by step.
    pub inferred: Option<String>,
    /// Whether it is shared.yaml's default for the operation's kind.
    pub shared: bool,
    /// The steps, in order; the first is the operation's own request.
    pub steps: Vec<Step>,
}

impl Lifecycle {
    /// Every status a callback of the lifecycle carries, in order of first
    /// appearance.
    pub fn statuses(&self) -> Vec<&str> {
        let mut all: Vec<&str> = Vec::new();
        for step in &self.steps {
            if let Action::Callback { statuses, .. } = &step.action {
                for s in statuses {
                    if !all.contains(&s.as_str()) {
                        all.push(s);
                    }
                }
            }
        }
        all
    }

    /// The statuses the operation ends in (its last callback's).
    pub fn ends(&self) -> &[String] {
        self.steps
            .iter()
            .rev()
            .find_map(|s| match &s.action {
                Action::Callback { statuses, .. } => Some(statuses.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }
}

/// One step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What happens.
    pub action: Action,
    /// The id of the method's timing that bounds the wait for it.
    pub within: Option<String>,
    /// How what it waits for may be asked for again.
    pub renew: Option<Renew>,
    /// The operation's `flow` items (from 1) it stands for.
    pub flow: Vec<usize>,
    /// Why it is written though the document does not say it.
    pub inferred: Option<String>,
}

/// What happens at a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The merchant sends a request.
    Request {
        /// The operation's id within the method (the lifecycle's own for
        /// the first step).
        operation: String,
        /// What the request supplies, and where it carries it (a JSON
        /// pointer into that operation's request).
        gives: Option<(String, String)>,
    },
    /// The customer acts.
    Customer {
        /// Where.
        action: CustomerAction,
        /// What the checkout page asks the customer for (the platform
        /// sends it to them, as an OTP).
        asks: Option<String>,
        /// What the customer supplies on the checkout page.
        gives: Option<String>,
        /// The callback members the customer's entries fill, each with its
        /// choices (the field's known values; none for free text).
        fills: Vec<(String, Vec<String>)>,
        /// Where the request may preselect the customer's choice, and the
        /// choices (the field's known values).
        chooses: Option<(String, Vec<String>)>,
        /// Where the previous callback carries the URL the customer goes to.
        url: Option<String>,
        /// Where the request holds the URL the customer returns to.
        returns: Option<String>,
    },
    /// The platform sends a callback.
    Callback {
        /// Its operation status, or the statuses the outcome picks from.
        statuses: Vec<String>,
        /// What it asks to be supplied.
        asks: Option<String>,
        /// Members it carries at this step (JSON pointers).
        carries: Vec<String>,
        /// The step's own examples.
        examples: Vec<StepExample>,
    },
}

impl Action {
    /// The step's kind as the spec writes it.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Request { .. } => "request",
            Action::Customer { .. } => "customer",
            Action::Callback { .. } => "callback",
        }
    }
}

/// Asking again.
#[derive(Debug, Clone, PartialEq)]
pub struct Renew {
    /// The operation that asks, when the merchant does.
    pub request: Option<String>,
    /// The id of the method's timing that paces it.
    pub after: String,
}

/// An example of one step's callback.
#[derive(Debug, Clone, PartialEq)]
pub struct StepExample {
    /// Its caption.
    pub title: String,
    /// The callback.
    pub value: Value,
    /// Where its value is in its spec file (a JSON pointer).
    pub pointer: String,
}

/// How the sandbox picks an outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Testing {
    /// Why (no document describes a test mode).
    pub inferred: Option<String>,
    /// Last two minor-unit digits that decline.
    pub decline_minor_units: Vec<u8>,
    /// Last two minor-unit digits that are never processed (the payment
    /// waits for its final callback until its deadline, if any).
    pub pending_minor_units: Vec<u8>,
    /// The declined operation's code.
    pub decline_code: String,
    /// The declined operation's message.
    pub decline_message: String,
}
