//! Operations: the interface, kind and endpoint of one operation of a
//! method, and its request, response and callback bodies with the
//! document's examples.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::param::{Param, ParamType, Presence};

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

impl OperationKind {
    /// The kind as the spec writes it (`otp-resend`).
    pub const fn as_str(self) -> &'static str {
        match self {
            OperationKind::Payout => "payout",
            OperationKind::Purchase => "purchase",
            OperationKind::Refund => "refund",
            OperationKind::Clarification => "clarification",
            OperationKind::OtpResend => "otp-resend",
            OperationKind::Info => "info",
        }
    }
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
    /// What the operation does over time; without it, shared.yaml's
    /// lifecycle for its kind, if any.
    #[serde(default)]
    pub lifecycle: Option<super::Lifecycle>,
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
