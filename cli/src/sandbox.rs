//! `sandbox`: the specs' operations as a local Gate. This module turns the
//! IR into the sandbox's catalogue (plain data and rule functions), so the
//! server crate knows nothing of specs and the specs decide everything it
//! serves.

use std::io::Write;
use std::path::Path;

use gatespec_codegen::ir::Ir;

/// The catalogue of every operation with an endpoint: its path, kind, the
/// rules of its request and callback (the interpreter's, which the tests
/// hold equal to the generated validators and the published schemas), the
/// documented callbacks to build from, and an information request's
/// documented answer.
pub fn catalog(ir: &Ir) -> gatespec_sandbox::Catalog {
    use std::sync::Arc;

    use gatespec_sandbox::{Callback, Catalog, Kind, Operation, Rules};
    use serde_json::Value;

    use std::time::Duration;

    use gatespec_codegen::ir::{Interface, OperationKind, Ty};
    use gatespec_codegen::model::TimingKind;

    /// The pointer of the first field named `name` in `ty`.
    fn find(ty: &Ty, name: &str, at: String) -> Option<String> {
        match ty {
            Ty::Object(o) => o.fields.iter().find_map(|f| {
                let here = format!("{at}/{}", f.name);
                if f.name == name {
                    Some(here)
                } else {
                    find(&f.ty, name, here)
                }
            }),
            _ => None,
        }
    }

    fn rules(ty: &Ty) -> Rules {
        let ty = ty.clone();
        Arc::new(move |v: &Value| gatespec_codegen::interpret::validate(&ty, v).errors)
    }
    fn status(v: &Value) -> Option<&str> {
        v.pointer("/operation/status")
            .or_else(|| v.pointer("/payment/status"))
            .and_then(Value::as_str)
    }

    /// The known values of the first field named `name` in `ty`.
    fn known(ty: &Ty, name: &str) -> Vec<String> {
        match ty {
            Ty::Object(o) => o.fields.iter().find_map(|f| match &f.ty {
                Ty::String(s) if f.name == name => Some(
                    s.known
                        .as_ref()
                        .map(|k| k.values.clone())
                        .unwrap_or_default(),
                ),
                inner => Some(known(inner, name)).filter(|v| !v.is_empty()),
            }),
            _ => None,
        }
        .unwrap_or_default()
    }

    let mut operations = Vec::new();
    for (m, op) in ir.operations() {
        let path = match (&op.endpoint, op.interface) {
            (Some(endpoint), _) => endpoint.path.clone(),
            (None, Interface::PaymentPage) => gatespec_sandbox::catalog::PAYMENT_PAGE_PATH.into(),
            (None, _) => continue,
        };
        // The Payment Page's own timings are the method's: the OTP it asks
        // for is the same as the Gate purchase's.
        let timings = if op.timings.is_empty() && op.interface == Interface::PaymentPage {
            &m.timings
        } else {
            &op.timings
        };
        let kind = match (op.interface, op.kind) {
            (Interface::PaymentPage, _) => Kind::PaymentPage,
            (_, OperationKind::Payout) => Kind::Payout,
            (_, OperationKind::Purchase) => Kind::Purchase,
            (_, OperationKind::Refund) => Kind::Refund,
            (_, OperationKind::Clarification) => Kind::Clarification,
            (_, OperationKind::OtpResend) => Kind::OtpResend,
            (_, OperationKind::Info) => Kind::Info,
        };
        let callback = op.callback.as_ref().and_then(|body| {
            let examples: Vec<&Value> = body.examples.iter().map(|e| &e.value).collect();
            let success = examples
                .iter()
                .find(|v| status(v) == Some("success"))
                .or(examples.first())?;
            let decline = examples
                .iter()
                .find(|v| status(v) == Some("decline"))
                .unwrap_or(success);
            Some(Callback {
                success: (*success).clone(),
                decline: (*decline).clone(),
                rules: rules(&body.ty),
            })
        });
        operations.push(Operation {
            brand: m.brand.clone(),
            id: op.full_id.clone(),
            method: m.code.clone(),
            method_name: m.name.clone(),
            kind,
            path,
            request: rules(&op.request.ty),
            callback,
            // The documented answer; else, for the request that returns a
            // reference table's current list, the table's rows. The
            // documents give no shape for that answer, so it is the Gate's
            // acknowledgement (what the generated client reads) with the
            // rows under the table's id, one object per row keyed by the
            // column ids.
            answer: op
                .response
                .as_ref()
                .and_then(|b| b.examples.first())
                .map(|e| e.value.clone())
                .or_else(|| {
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
                                        .map(|((id, _), cell)| {
                                            (id.clone(), Value::String(cell.clone()))
                                        })
                                        .collect(),
                                )
                            })
                            .collect(),
                    );
                    Some(serde_json::json!({"status": "success", table.id.clone(): rows}))
                }),
            // The OTP's validity is the operation's deadline; the earliest
            // a new one may be asked for, with its budget, its `after`
            // timing; the OTP itself is the platform's `approval_code`.
            otp_window: timings
                .iter()
                .find(|t| t.kind == TimingKind::Within)
                .and_then(|t| t.min_seconds)
                .map(Duration::from_secs),
            otp_resend: timings
                .iter()
                .find(|t| t.kind == TimingKind::After && t.max_attempts.is_some())
                .and_then(|t| Some((Duration::from_secs(t.min_seconds?), t.max_attempts?))),
            otp_pointer: find(&op.request.ty, "approval_code", String::new()),
            decode: (kind == Kind::PaymentPage).then(|| {
                let ty = op.request.ty.clone();
                let decode: gatespec_sandbox::catalog::Decode =
                    Arc::new(move |flat| typed_page_parameters(&ty, flat));
                decode
            }),
            account_kinds: known(&op.request.ty, "selected_operator"),
            preselect_pointer: find(&op.request.ty, "selected_operator", String::new()),
        });
    }
    Catalog { operations }
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
