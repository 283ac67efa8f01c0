//! `sandbox`: the specs' operations as a local Gate. This module turns the
//! IR into the sandbox's catalogue (plain data and rule functions), so the
//! server crate knows nothing of specs and the specs decide everything it
//! serves.

use std::io::Write;
use std::path::Path;

use crate::ir::Ir;

/// The catalogue of every operation with an endpoint: its path, kind, the
/// rules of its request and callback (the interpreter's, which the tests
/// hold equal to the generated validators and the published schemas), the
/// documented callbacks to build from, and an information request's
/// documented answer.
#[cfg(feature = "sandbox")]
pub fn catalog(ir: &Ir) -> gatespec_sandbox::Catalog {
    use std::sync::Arc;

    use gatespec_sandbox::{Callback, Catalog, Kind, Operation, Rules};
    use serde_json::Value;

    use std::time::Duration;

    use crate::ir::{Interface, OperationKind, Ty};
    use crate::model::TimingKind;

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
        Arc::new(move |v: &Value| crate::interpret::validate(&ty, v).errors)
    }
    fn status(v: &Value) -> Option<&str> {
        v.pointer("/operation/status")
            .or_else(|| v.pointer("/payment/status"))
            .and_then(Value::as_str)
    }

    let mut operations = Vec::new();
    for (m, op) in ir.operations() {
        let Some(endpoint) = &op.endpoint else {
            continue;
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
            kind,
            path: endpoint.path.clone(),
            request: rules(&op.request.ty),
            callback,
            answer: op
                .response
                .as_ref()
                .and_then(|b| b.examples.first())
                .map(|e| e.value.clone()),
            // The OTP's validity is the operation's deadline; the earliest
            // a new one may be asked for, with its budget, its `after`
            // timing; the OTP itself is the platform's `approval_code`.
            otp_window: op
                .timings
                .iter()
                .find(|t| t.kind == TimingKind::Within)
                .and_then(|t| t.min_seconds)
                .map(Duration::from_secs),
            otp_resend: op
                .timings
                .iter()
                .find(|t| t.kind == TimingKind::After && t.max_attempts.is_some())
                .and_then(|t| Some((Duration::from_secs(t.min_seconds?), t.max_attempts?))),
            otp_pointer: find(&op.request.ty, "approval_code", String::new()),
        });
    }
    Catalog { operations }
}

/// Runs the sandbox until Ctrl-C or SIGTERM.
#[cfg(feature = "sandbox")]
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

/// Without the `sandbox` feature there is no server to run.
#[cfg(not(feature = "sandbox"))]
pub fn run(_ir: &Ir, _config: &Path, err: &mut dyn Write) -> u8 {
    let _ = writeln!(
        err,
        "error: this gatespec was built without its `sandbox` feature"
    );
    super::USAGE
}
