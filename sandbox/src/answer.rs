//! The Gate's answers: the acknowledgement and the rejection (status
//! `error`, a code, a message, and every violation with its pointer).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatespec_runtime::Violation;
use gatespec_runtime::rejection::RejectionCode;
use serde_json::{Value, json};

/// A JSON answer with a status.
pub fn json_answer(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// A rejection with no violations.
pub fn reject(status: StatusCode, code: RejectionCode, message: impl Into<String>) -> Response {
    reject_with(status, code, message, &[])
}

/// A rejection listing `violations`.
pub fn reject_with(
    status: StatusCode,
    code: RejectionCode,
    message: impl Into<String>,
    violations: &[Violation],
) -> Response {
    let errors: Vec<Value> = violations
        .iter()
        .map(|v| json!({"pointer": v.pointer, "code": v.code.as_str(), "message": v.message}))
        .collect();
    let mut body = json!({"status": "error", "code": code.as_str(), "message": message.into()});
    if !errors.is_empty() {
        body["errors"] = Value::Array(errors);
    }
    json_answer(status, body)
}

/// The acknowledgement of an accepted request.
pub fn acknowledge(project_id: i64, payment_id: &str, request_id: &str) -> Response {
    json_answer(
        StatusCode::OK,
        json!({
            "status": "success",
            "request_id": request_id,
            "project_id": project_id,
            "payment_id": payment_id,
        }),
    )
}

/// The answer a Gate fault puts in place of the acknowledgement of a
/// committed payment: a 500 (`gate_error`), or a connection broken before a
/// whole answer (`gate_close`). Either way the merchant cannot tell whether
/// the payment was taken; sent again with the same payment id, it is
/// refused as a duplicate of the recorded one.
pub fn lost(project_id: i64, payment_id: &str, fault: crate::faults::Fault) -> Response {
    tracing::info!(
        project = project_id,
        payment_id,
        fault = fault.name(),
        "the answer is lost by a staged fault"
    );
    match fault {
        crate::faults::Fault::GateClose => {
            let broken = futures_util::stream::once(async {
                Err::<axum::body::Bytes, _>(std::io::Error::other("the gate_close fault"))
            });
            (
                StatusCode::OK,
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                axum::body::Body::from_stream(broken),
            )
                .into_response()
        }
        _ => reject(
            StatusCode::INTERNAL_SERVER_ERROR,
            RejectionCode::Internal,
            "internal error",
        ),
    }
}
