//! `sandbox`: the specs' operations as a local Gate. This module turns the
//! IR into the sandbox's catalogue (plain data and rule functions), so the
//! server crate knows nothing of specs and the specs decide everything it
//! serves.

use std::io::Write;
use std::path::Path;

use std::sync::Arc;
use std::time::Duration;

use gatespec_codegen::ir::{Ir, Ty};
use gatespec_codegen::lifecycle::{Action, CustomerAction};
use serde_json::Value;

/// The catalogue of every operation with an endpoint: its path, what a
/// request for it does and its lifecycle (as the specs' lifecycles say),
/// the rules of its request and callback (the interpreter's, which the
/// tests hold equal to the generated validators and the published
/// schemas), the documented callbacks to build from, an information
/// request's documented answer, and the outcome rule of its method. Every
/// field name here comes from the specs: nothing is keyed on a method.
pub fn catalog(ir: &Ir) -> gatespec_sandbox::Catalog {
    use gatespec_sandbox::{Catalog, Operation, Role};

    use gatespec_codegen::ir::{Interface, OperationKind};

    let mut operations = Vec::new();
    for (m, op) in ir.operations() {
        let path = match (&op.endpoint, op.interface) {
            (Some(endpoint), _) => endpoint.path.clone(),
            (None, Interface::PaymentPage) => gatespec_sandbox::catalog::PAYMENT_PAGE_PATH.into(),
            (None, _) => continue,
        };
        let full = |id: &str| format!("{}/{}/{id}", m.brand, m.id);
        // A request some lifecycle of the method waits for, or asks again
        // with, follows up a payment.
        let followed =
            m.operations
                .iter()
                .filter_map(|o| o.lifecycle.as_ref())
                .any(|l| {
                    l.steps.iter().skip(1).any(|s| {
                matches!(&s.action, Action::Request { operation, .. } if *operation == op.id)
                    || s.renew.as_ref().and_then(|r| r.request.as_deref()) == Some(op.id.as_str())
            })
                });
        let role = match (op.interface, op.kind) {
            (Interface::PaymentPage, _) => Role::PaymentPage,
            _ if followed => Role::FollowUp,
            (_, OperationKind::Info) => Role::Info,
            (_, OperationKind::Refund) => Role::Refund,
            (_, OperationKind::Payout) => Role::Opens { kind: "payout" },
            (_, OperationKind::Purchase) => Role::Opens { kind: "sale" },
            // A clarification or resend no lifecycle waits for changes
            // nothing: the sandbox answers it as not waited for.
            (_, OperationKind::Clarification | OperationKind::OtpResend) => Role::FollowUp,
        };
        let lifecycle = op
            .lifecycle
            .as_ref()
            .map(|l| steps(m, l, &full))
            .unwrap_or_default();
        // The member that forces the method on the checkout page: the one a
        // page step that enters nothing lets the request choose.
        let forces_method = op.lifecycle.as_ref().and_then(|l| {
            l.steps
                .iter()
                .filter(|s| is_method_choice(&s.action))
                .find_map(|s| match &s.action {
                    Action::Customer {
                        chooses: Some((pointer, _)),
                        ..
                    } => Some(pointer.clone()),
                    _ => None,
                })
        });
        operations.push(Operation {
            brand: m.brand.clone(),
            id: op.full_id.clone(),
            short_id: op.id.clone(),
            method: m.code.clone(),
            method_name: m.name.clone(),
            role,
            path,
            request: rules(&op.request.ty),
            callback: callback(op),
            lifecycle,
            answer: answer(m, op),
            decode: (op.interface == Interface::PaymentPage).then(|| {
                let ty = op.request.ty.clone();
                let decode: gatespec_sandbox::catalog::Decode =
                    Arc::new(move |flat| typed_page_parameters(&ty, flat));
                decode
            }),
            forces_method,
            outcomes: m
                .testing
                .as_ref()
                .map(|t| gatespec_sandbox::config::Outcomes {
                    decline_minor_units: t.decline_minor_units.clone(),
                    pending_minor_units: t.pending_minor_units.clone(),
                    decline_code: t.decline_code.clone(),
                    decline_message: t.decline_message.clone(),
                }),
        });
    }
    Catalog { operations }
}

fn rules(ty: &Ty) -> gatespec_sandbox::Rules {
    let ty = ty.clone();
    Arc::new(move |v: &Value| gatespec_codegen::interpret::validate(&ty, v).errors)
}

/// The documented callbacks to build from: a success (the first example
/// whose status says so, else the first) and a decline (else the success).
fn callback(op: &gatespec_codegen::ir::Operation) -> Option<gatespec_sandbox::Callback> {
    fn status(v: &Value) -> Option<&str> {
        v.pointer("/operation/status")
            .or_else(|| v.pointer("/payment/status"))
            .and_then(Value::as_str)
    }
    let body = op.callback.as_ref()?;
    let examples: Vec<&Value> = body.examples.iter().map(|e| &e.value).collect();
    let success = examples
        .iter()
        .find(|v| status(v) == Some("success"))
        .or(examples.first())?;
    let decline = examples
        .iter()
        .find(|v| status(v) == Some("decline"))
        .unwrap_or(success);
    Some(gatespec_sandbox::Callback {
        success: (*success).clone(),
        decline: (*decline).clone(),
        rules: rules(&body.ty),
    })
}

/// The documented answer; else, for the request that returns a reference
/// table's current list, the table's rows. The documents give no shape
/// for that answer, so it is the Gate's acknowledgement (what the
/// generated client reads) with the rows under the table's id, one object
/// per row keyed by the column ids.
fn answer(m: &gatespec_codegen::ir::Method, op: &gatespec_codegen::ir::Operation) -> Option<Value> {
    if let Some(e) = op.response.as_ref().and_then(|b| b.examples.first()) {
        return Some(e.value.clone());
    }
    let table = m
        .tables
        .iter()
        .find(|t| t.current_list.as_deref() == Some(op.id.as_str()))?;
    let rows = Value::Array(
        table
            .rows
            .iter()
            .map(|row| {
                Value::Object(
                    table
                        .columns
                        .iter()
                        .zip(row)
                        .map(|((id, _), cell)| (id.clone(), Value::String(cell.clone())))
                        .collect(),
                )
            })
            .collect(),
    );
    Some(serde_json::json!({"status": "success", table.id.clone(): rows}))
}

/// A lifecycle as the sandbox runs it: operations by full id, timings as
/// durations (a `within` timing's shortest value; an `after` timing's
/// shortest wait and its budget).
fn steps(
    m: &gatespec_codegen::ir::Method,
    l: &gatespec_codegen::lifecycle::Lifecycle,
    full: &dyn Fn(&str) -> String,
) -> Vec<gatespec_sandbox::Step> {
    use gatespec_sandbox::catalog::{Action as Run, Renew};
    let timing = |id: &str| m.timings.iter().find(|t| t.id == id);
    let seconds = |id: &str| {
        timing(id)
            .and_then(|t| t.min_seconds.or(t.max_seconds))
            .map(Duration::from_secs)
    };
    l.steps
        .iter()
        .filter(|s| !is_method_choice(&s.action))
        .map(|s| gatespec_sandbox::Step {
            action: match &s.action {
                Action::Request { operation, gives } => Run::Request {
                    operation: full(operation),
                    gives: gives.as_ref().map(|(_, at)| at.clone()),
                },
                Action::Customer {
                    action: CustomerAction::Page,
                    gives,
                    fills,
                    chooses,
                    ..
                } => Run::Page {
                    code: gives.is_some(),
                    fills: fills.clone(),
                    // With entries, the request preselects one of them;
                    // without, it forces the method (see `forces_method`).
                    chooses: chooses
                        .as_ref()
                        .filter(|_| !fills.is_empty())
                        .map(|(p, _)| p.clone()),
                },
                Action::Customer { url, returns, .. } => Run::Redirect {
                    url: url.clone().unwrap_or_default(),
                    returns: returns.clone(),
                },
                Action::Callback {
                    statuses,
                    asks,
                    examples,
                    ..
                } => Run::Callback {
                    statuses: statuses
                        .iter()
                        .filter_map(|s| gatespec_sandbox::machine::Status::parse(s))
                        .collect(),
                    asks: asks.is_some(),
                    example: examples.first().map(|e| e.value.clone()),
                },
            },
            within: s.within.as_deref().and_then(seconds),
            renew: s.renew.as_ref().map(|r| Renew {
                operation: r.request.as_deref().map(full),
                after: seconds(&r.after).unwrap_or_default(),
                max: timing(&r.after).and_then(|t| t.max_attempts),
            }),
        })
        .collect()
}

/// Whether a step is the checkout page's choice of method (a page step
/// that enters and gives nothing; its `chooses` is the member that forces
/// the method), which the sandbox's own method page stands for rather than
/// a step it waits at.
fn is_method_choice(action: &Action) -> bool {
    matches!(
        action,
        Action::Customer {
            action: CustomerAction::Page,
            fills,
            gives: None,
            ..
        } if fills.is_empty()
    )
}

/// A Payment Page's flat parameters (text, as the URL carries them) read
/// as the typed request: an integer, a boolean (`1`/`0`, as signed) or an
/// object or array (JSON text, as the URL builder writes it) where the
/// spec's field has that type. A value that does not read as its type, or
/// reads only loosely (`007` for 7), stays text, so the rules report it
/// rather than the sandbox accepting something other than what was signed.
pub fn typed_page_parameters(
    ty: &gatespec_codegen::ir::Ty,
    flat: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Value {
    use gatespec_codegen::ir::Ty;
    use serde_json::Value;

    let fields = match ty {
        Ty::Object(o) => o.fields.as_slice(),
        _ => &[],
    };
    let read = |ty: &Ty, text: &str| -> Option<Value> {
        match ty {
            Ty::Integer(_) => text
                .parse::<i64>()
                .ok()
                .filter(|n| n.to_string() == text)
                .map(Value::from),
            Ty::Boolean => match text {
                "1" => Some(Value::Bool(true)),
                "0" => Some(Value::Bool(false)),
                _ => None,
            },
            Ty::Object(_) | Ty::Array(_) => serde_json::from_str::<Value>(text).ok().filter(|v| {
                v.is_object() == matches!(ty, Ty::Object(_)) && (v.is_object() || v.is_array())
            }),
            Ty::String(_) => None,
        }
    };
    Value::Object(
        flat.iter()
            .map(|(k, v)| {
                let typed = match (v, fields.iter().find(|f| &f.name == k)) {
                    (Value::String(text), Some(f)) => read(&f.ty, text),
                    _ => None,
                };
                (k.clone(), typed.unwrap_or_else(|| v.clone()))
            })
            .collect(),
    )
}

/// Runs the sandbox until Ctrl-C or SIGTERM.
pub fn run(ir: &Ir, config: &Path, err: &mut dyn Write) -> u8 {
    let catalog = catalog(ir);
    let config = match gatespec_sandbox::Config::load(config, &catalog.brands()) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return super::USAGE;
        }
    };
    // Logs go to standard error; RUST_LOG narrows or widens them. Nothing
    // logged holds a secret or a signature.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    match gatespec_sandbox::run(config, catalog) {
        Ok(()) => super::OK,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            super::FAILED
        }
    }
}
