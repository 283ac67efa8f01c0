//! The brand's `Client` (behind `client`): one method per Gate operation,
//! and the typed callback helpers.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Field, Method, ObjectTy, Presence, Ty};
use crate::naming;

use super::tokens::{Options, feature_gate, ident};

/// The client of one brand over `gatespec_runtime::client::GateClient`;
/// each method's module adds one method per operation (see
/// [`method_client`]).
pub(super) fn brand_client(opts: Options, brand: &str) -> TokenStream {
    let rt = quote! { ::gatespec_runtime::client };
    let doc = format!(
        "A client of {brand}'s Gate for one project: one method per operation (each method's module adds its own)."
    );
    let cfg = feature_gate(opts, "client");
    quote! {
        #[doc = #doc]
        #cfg
        #[derive(Debug, Clone)]
        pub struct Client {
            gate: #rt::GateClient,
        }
        #cfg
        impl Client {
            /// Builds the client from the Gate's base URL, the project id, its secret key and timeouts.
            pub fn new(config: #rt::GateConfig) -> Result<Self, #rt::ClientError> {
                Ok(Self { gate: #rt::GateClient::new(config)? })
            }
            /// The underlying client (to sign or prepare a request without sending it).
            pub fn gate(&self) -> &#rt::GateClient {
                &self.gate
            }
        }
    }
}

/// A method's operations on its brand's `Client`, in the method's own
/// module (and file), so the brand's module does not grow with each
/// method.
pub(super) fn method_client(opts: Options, brand: &str, m: &Method) -> TokenStream {
    let rt = quote! { ::gatespec_runtime::client };
    let mut fns = Vec::new();
    for op in &m.operations {
        let op_mod = ident(&naming::snake(&op.id));
        let fname = ident(&format!(
            "{}_{}",
            naming::snake(&m.id),
            naming::snake(&op.id)
        ));
        let req = quote! { #op_mod::Request };
        match &op.endpoint {
            Some(e) => {
                let doc = format!(
                    "{} ({}): `{} {}`. Validates the request, fills `general.project_id` and `general.signature`, and posts it.",
                    op.title,
                    m.name,
                    e.method.as_str(),
                    e.path
                );
                if op.response.is_some() {
                    fns.push(quote! {
                        #[doc = #doc]
                        pub async fn #fname(&self, request: &#req) -> #rt::GateResult<#op_mod::Response> {
                            self.gate.send_for(request).await
                        }
                    });
                } else {
                    fns.push(quote! {
                        #[doc = #doc]
                        pub async fn #fname(&self, request: &#req) -> #rt::GateResult {
                            self.gate.send(request).await
                        }
                    });
                }
            }
            None => {
                let fname = ident(&format!(
                    "{}_{}_url",
                    naming::snake(&m.id),
                    naming::snake(&op.id)
                ));
                let doc = format!(
                    "{} ({}): the signed Payment Page URL for the request, under `payment_page_url` (the page's address as {brand} gives it).",
                    op.title, m.name
                );
                fns.push(quote! {
                    #[doc = #doc]
                    pub fn #fname(&self, payment_page_url: &str, request: &#req) -> Result<String, #rt::ClientError> {
                        self.gate.payment_page_url(payment_page_url, request)
                    }
                });
            }
        }
    }
    let cfg = feature_gate(opts, "client");
    quote! {
        #cfg
        impl super::Client {
            #(#fns)*
        }
    }
}

/// Whether a callback has an optional `operation` whose `status` is
/// optional too (the platform's envelope), which `operation_status` and a
/// lifecycle's `Step` read.
pub(super) fn has_operation_status(o: &ObjectTy) -> bool {
    o.fields.iter().any(|f| {
        f.name == "operation"
            && f.presence != Presence::Strict
            && matches!(&f.ty, Ty::Object(inner) if inner.fields.iter().any(|s| s.name == "status" && s.presence != Presence::Strict))
    })
}

/// Helpers of callback type `name` built on the shared envelope: verify
/// from the raw body, and the payment and operation statuses where the
/// callback has the fields they read.
pub(super) fn callback_helpers(name: &proc_macro2::Ident, o: &ObjectTy) -> TokenStream {
    let field = |o: &ObjectTy, name: &str| o.fields.iter().find(|f| f.name == name).cloned();
    let status_of = |f: Option<Field>| match f.map(|f| f.ty) {
        Some(Ty::Object(inner)) => field(&inner, "status").map(|s| s.presence),
        _ => None,
    };
    let payment = field(o, "payment");
    let payment_strict = payment
        .as_ref()
        .is_some_and(|p| p.presence == Presence::Strict);
    let mut helpers = Vec::new();
    if payment_strict && status_of(payment) == Some(Presence::Strict) {
        helpers.push(quote! { payment_status });
    }
    let operation = field(o, "operation");
    let op_optional = operation
        .as_ref()
        .is_some_and(|p| p.presence != Presence::Strict);
    if op_optional && status_of(operation).is_some_and(|p| p != Presence::Strict) {
        helpers.push(quote! { operation_status });
    }
    quote! { ::gatespec_runtime::__callback_helpers!(#name #(, #helpers)*); }
}
