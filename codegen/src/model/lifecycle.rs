//! Behaviour: what an operation does over time (its lifecycle: the
//! merchant's requests, the customer's actions and the platform's callbacks,
//! in order) and how the sandbox picks an outcome (`testing`). The sandbox
//! interprets these; the docs draw them.

use schemars::JsonSchema;
use serde::Deserialize;

use super::operation::Example;

/// The steps an operation goes through, in order, from the merchant's
/// request that starts it to the callback that ends it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// Why the lifecycle is written so when the documents do not describe
    /// it step by step (a shared default, a flow the document only implies).
    #[serde(default)]
    pub inferred: Option<String>,
    /// The steps. The first is `request: this`, the merchant's request
    /// for the operation itself.
    pub steps: Vec<Step>,
}

/// One step: exactly one of `request`, `customer` or `callback`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The merchant sends a request: `this` (the operation itself, which
    /// starts the lifecycle) or the id of another operation of the method
    /// that the lifecycle waits for (`clarification`).
    #[serde(default)]
    pub request: Option<String>,
    /// The customer acts: on the checkout page (`page`), at a URL the
    /// platform sends them to and back (`redirect`), or in an
    /// authentication such as 3-D Secure (`challenge`).
    #[serde(default)]
    pub customer: Option<CustomerAction>,
    /// The platform sends a callback whose operation status is this one,
    /// or one of these when the outcome decides (`[success, decline]`).
    #[serde(default)]
    pub callback: Option<Statuses>,
    /// With `callback` or `customer: page`: what is asked to be supplied
    /// (`otp`, which the platform sends the customer); a step `gives` it.
    #[serde(default)]
    pub asks: Option<String>,
    /// With `request` or `customer: page`: what the step supplies, by the
    /// name an earlier callback `asks` for.
    #[serde(default)]
    pub gives: Option<String>,
    /// With `request` and `gives`: where the request carries it, a JSON
    /// pointer into that operation's request body (`/approval_code`).
    #[serde(default)]
    pub at: Option<String>,
    /// With `customer: page`: the request member that may preselect what
    /// the customer chooses (a JSON pointer into the operation's request).
    /// With `fills`, the customer chooses the first filled member that
    /// offers choices (its known values); without, the customer chooses the
    /// payment method on the checkout page, and this member forces it.
    #[serde(default)]
    pub chooses: Option<String>,
    /// With `customer: page`: the callback members the customer's entries
    /// fill (JSON pointers into the callback body, `/account/number`); the
    /// page asks for each, offering a field's known values as choices.
    #[serde(default)]
    pub fills: Vec<String>,
    /// With `callback`: members this step's callback carries (JSON
    /// pointers into the callback body), such as the redirect data.
    #[serde(default)]
    pub carries: Vec<String>,
    /// With `customer: redirect` or `challenge`: where the previous
    /// callback carries the URL the customer is sent to (a JSON pointer into
    /// the callback body; one of that callback's `carries` or inside one).
    #[serde(default)]
    pub url: Option<String>,
    /// With `customer: redirect` or `challenge`: the request member that
    /// holds the URL the customer returns to (a JSON pointer into the
    /// operation's request).
    #[serde(default)]
    pub returns: Option<String>,
    /// A timing of the method that bounds the wait for this step
    /// (`otp-validity`, `payout-threshold`).
    #[serde(default)]
    pub within: Option<String>,
    /// How what the step waits for may be asked for again.
    #[serde(default)]
    pub renew: Option<Renew>,
    /// The operation's numbered `flow` items (from 1) this step stands for.
    #[serde(default)]
    pub flow: Vec<usize>,
    /// Why the step is written though the document does not say it.
    #[serde(default)]
    pub inferred: Option<String>,
    /// With `callback`: examples of this step's callback (each a test
    /// case, held to the operation's callback rules).
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// A customer's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CustomerAction {
    /// On the checkout page.
    Page,
    /// At a URL the platform sends them to, then back.
    Redirect,
    /// An authentication such as 3-D Secure.
    Challenge,
}

impl CustomerAction {
    /// The action as the spec writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            CustomerAction::Page => "page",
            CustomerAction::Redirect => "redirect",
            CustomerAction::Challenge => "challenge",
        }
    }
}

/// One status, or several.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Statuses {
    /// One status.
    One(String),
    /// Several, when the outcome decides.
    Many(Vec<String>),
}

impl Statuses {
    /// The statuses as a list.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Statuses::One(s) => vec![s.clone()],
            Statuses::Many(v) => v.clone(),
        }
    }
}

/// Asking again for what a step waits for.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Renew {
    /// The operation that asks (`otp-resend`); none when the customer asks
    /// on the checkout page.
    #[serde(default)]
    pub request: Option<String>,
    /// The timing that paces it (how soon, how often).
    pub after: String,
}

/// How the sandbox decides an operation's outcome: the platform's test
/// data, which no document gives.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Testing {
    /// Why the rule is what it is (the documents describe no test mode).
    #[serde(default)]
    pub inferred: Option<String>,
    /// Amounts whose last two minor-unit digits are one of these decline
    /// (`13`: 100013 declines, 100000 succeeds).
    pub decline_minor_units: Vec<u8>,
    /// Amounts whose last two minor-unit digits are one of these are never
    /// processed: the payment waits for its final callback, and where the
    /// lifecycle bounds that wait (`within`), it declines once the wait is
    /// over (`77`: 100077 stays pending).
    #[serde(default)]
    pub pending_minor_units: Vec<u8>,
    /// The declined operation's code.
    pub decline_code: String,
    /// The declined operation's message.
    pub decline_message: String,
}
