//! The HTTP side: every Gate operation on its path, and the inspection API.
//!
//! A Gate request is checked in this order, and the first failing check
//! answers: the body's size (413), JSON within the input profile (400
//! `invalid_json`), a known project (400 `unknown_project`), an operation
//! of the project's brand at this path (404 `unknown_operation`), the
//! signature (400 `invalid_signature`), the request's rules (400
//! `invalid_request`, every violation listed), and for an operation that
//! creates a payment, a `payment_id` new to the project (400
//! `duplicate_payment_id`).

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, State};
use axum::http::{Method, Request, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use gatespec_runtime::rejection::RejectionCode;
use gatespec_runtime::signature::{Signed, verify_request_bytes};
use gatespec_runtime::validate::{integer_value, parse_strict};

use crate::answer::{json_answer, reject, reject_with};
use crate::app::{App, BODY_TIMEOUT, internal, long_payment_id};
use crate::catalog::Role;
use crate::{flows, html, page};

/// The sandbox's routes.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/sandbox", get(index))
        .route("/sandbox/payments/{project}/{payment}", get(inspect))
        .route("/sandbox/clock/{project}/advance", post(advance_clock))
        .route(crate::catalog::PAYMENT_PAGE_PATH, get(page::open))
        .route("/payment/{token}", get(page::show))
        .route("/payment/{token}/{step}", post(page::step))
        .route(
            "/sandbox/redirect/{project}/{payment}/{token}",
            get(crate::redirect::visit),
        )
        .fallback(gate)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            host_check,
        ))
        .with_state(app)
}

/// Refuses a request whose `Host` is not this sandbox's: a page on another
/// site whose DNS name is rebound to 127.0.0.1 would otherwise read every
/// project's payments and OTPs from the browser of whoever opens it.
async fn host_check(
    State(app): State<Arc<App>>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let host = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    match host {
        Some(h) if app.config.host_allowed(&h) => next.run(request).await,
        Some(h) => reject(
            StatusCode::MISDIRECTED_REQUEST,
            RejectionCode::UnknownHost,
            format!(
                "this sandbox does not answer for host `{}`; add it to `allowed_hosts` in the config if it is yours",
                h.chars().take(100).collect::<String>()
            ),
        ),
        None => reject(
            StatusCode::MISDIRECTED_REQUEST,
            RejectionCode::UnknownHost,
            "the request names no host",
        ),
    }
}

/// How many payments `/sandbox` lists.
const INDEX_ROWS: usize = 200;

async fn index(State(app): State<Arc<App>>) -> Response {
    match app.store.recent(INDEX_ROWS) {
        Ok(rows) => html::html_answer(StatusCode::OK, html::index(&rows)),
        Err(e) => internal(&e),
    }
}

async fn inspect(
    State(app): State<Arc<App>>,
    Path((project, payment)): Path<(i64, String)>,
) -> Response {
    match app.store.payment(project, &payment) {
        Ok(Some(p)) => json_answer(StatusCode::OK, p),
        Ok(None) => reject(
            StatusCode::NOT_FOUND,
            RejectionCode::UnknownPayment,
            format!("project {project} has no payment `{payment}`"),
        ),
        Err(e) => internal(&e),
    }
}

/// The largest body `advance_clock` reads.
const CLOCK_BODY_BYTES: usize = 1024;

/// `POST /sandbox/clock/{project}/advance` with `{"seconds": N}`: moves
/// the project's clock forward (never back); every timing of the specs is
/// judged on it. Other projects' clocks are untouched.
async fn advance_clock(
    State(app): State<Arc<App>>,
    Path(project): Path<i64>,
    body: Body,
) -> Response {
    if app.config.project(project).is_none() {
        return reject(
            StatusCode::NOT_FOUND,
            RejectionCode::UnknownProject,
            format!("project {project} is not one of this sandbox's"),
        );
    }
    let Ok(Ok(bytes)) = tokio::time::timeout(BODY_TIMEOUT, to_bytes(body, CLOCK_BODY_BYTES)).await
    else {
        return reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            RejectionCode::BodyTooLarge,
            format!("the body is larger than {CLOCK_BODY_BYTES} bytes"),
        );
    };
    let seconds = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| parse_strict(t).ok())
        .filter(|(_, read)| read.is_valid())
        .and_then(|(v, _)| v.get("seconds").and_then(|s| s.as_i64()));
    let Some(seconds) = seconds else {
        return reject(
            StatusCode::BAD_REQUEST,
            RejectionCode::InvalidRequest,
            "the body is `{\"seconds\": N}`, N a whole number of seconds",
        );
    };
    if !(1..=crate::store::clock::MAX_ADVANCE_SECONDS).contains(&seconds) {
        return reject(
            StatusCode::BAD_REQUEST,
            RejectionCode::InvalidRequest,
            format!(
                "a clock moves forward by 1 to {} seconds, not {seconds}",
                crate::store::clock::MAX_ADVANCE_SECONDS
            ),
        );
    }
    match app.store.advance_clock(project, seconds) {
        Ok(offset) => {
            // What the new time ends is settled before the answer, so the
            // caller's next look sees it.
            let settled = app
                .config
                .project(project)
                .map_or(0, |p| crate::deadline::settle(&app, p));
            json_answer(
                StatusCode::OK,
                serde_json::json!({
                    "project_id": project,
                    "advanced_seconds": seconds,
                    "offset_seconds": offset / 1000,
                    "settled": settled,
                }),
            )
        }
        Err(e) => internal(&e),
    }
}

async fn gate(State(app): State<Arc<App>>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    if !app.catalog.knows_path(&path) {
        return reject(
            StatusCode::NOT_FOUND,
            RejectionCode::UnknownOperation,
            format!("no operation of the specs is at {path}"),
        );
    }
    if parts.method != Method::POST {
        // RFC 9110: a 405 names the methods the resource takes.
        let mut answer = reject(
            StatusCode::METHOD_NOT_ALLOWED,
            RejectionCode::MethodNotAllowed,
            format!("{path} takes POST"),
        );
        answer.headers_mut().insert(
            axum::http::header::ALLOW,
            axum::http::HeaderValue::from_static("POST"),
        );
        return answer;
    }
    // The Gate takes JSON bodies: a form or text body is refused rather
    // than read as JSON the sender did not mean to send.
    let content_type = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media != "application/json" {
        return reject(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            RejectionCode::UnsupportedMediaType,
            format!(
                "the Gate takes `Content-Type: application/json`, got `{}`",
                content_type.chars().take(100).collect::<String>()
            ),
        );
    }
    let limit = app.config.max_body_bytes;
    // A body that stops arriving (an unfinished chunked body) is given up
    // after BODY_TIMEOUT, not waited for until the client leaves.
    let Ok(read) = tokio::time::timeout(BODY_TIMEOUT, to_bytes(body, limit)).await else {
        return reject(
            StatusCode::REQUEST_TIMEOUT,
            RejectionCode::RequestTimeout,
            format!(
                "the body did not arrive within {} s",
                BODY_TIMEOUT.as_secs()
            ),
        );
    };
    let Ok(bytes) = read else {
        return reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            RejectionCode::BodyTooLarge,
            format!("the body is larger than {limit} bytes"),
        );
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return reject(
            StatusCode::BAD_REQUEST,
            RejectionCode::InvalidJson,
            "the body is not UTF-8",
        );
    };
    let value = match parse_strict(text) {
        Ok((value, read)) if read.is_valid() => value,
        Ok((_, read)) => {
            return reject_with(
                StatusCode::BAD_REQUEST,
                RejectionCode::InvalidJson,
                "the body is outside the input profile",
                &read.errors,
            );
        }
        Err(e) => {
            return reject(
                StatusCode::BAD_REQUEST,
                RejectionCode::InvalidJson,
                format!("the body is not JSON: {e}"),
            );
        }
    };
    let Some(project) = value
        .pointer("/general/project_id")
        .and_then(integer_value)
        .and_then(|id| app.config.project(id))
    else {
        return reject(
            StatusCode::BAD_REQUEST,
            RejectionCode::UnknownProject,
            "`general.project_id` names no project of this sandbox",
        );
    };
    let Some(op) = app.catalog.at(&project.brand, &path) else {
        return reject(
            StatusCode::NOT_FOUND,
            RejectionCode::UnknownOperation,
            format!(
                "project {} is a {} project, and {} has no operation at {path}",
                project.id, project.brand, project.brand
            ),
        );
    };
    match verify_request_bytes(&bytes, &project.secret) {
        Ok(Signed::Valid) => {}
        // Never echo the signature: the message says only what is wrong.
        Ok(other) => {
            tracing::info!(project = project.id, operation = %op.id, "signature refused");
            return reject(
                StatusCode::BAD_REQUEST,
                RejectionCode::InvalidSignature,
                format!("the signature does not verify ({})", signed_reason(&other)),
            );
        }
        Err(e) => {
            return reject(
                StatusCode::BAD_REQUEST,
                RejectionCode::InvalidJson,
                e.to_string(),
            );
        }
    }
    let mut violations = (op.request)(&value);
    violations.extend(long_payment_id(
        value.pointer("/general/payment_id"),
        "/general/payment_id",
    ));
    if !violations.is_empty() {
        return reject_with(
            StatusCode::BAD_REQUEST,
            RejectionCode::InvalidRequest,
            format!("{} violation(s) of {}", violations.len(), op.id),
            &violations,
        );
    }
    match op.role {
        Role::Opens { kind } => flows::create(&app, project, op, kind, &value).await,
        Role::FollowUp => flows::follow_up(&app, project, op, &value),
        Role::Refund => crate::refund::refund(&app, project, op, &value),
        Role::Info => match &op.answer {
            Some(answer) => json_answer(StatusCode::OK, answer.clone()),
            None => reject(
                StatusCode::NOT_IMPLEMENTED,
                RejectionCode::NotSimulated,
                format!("the specs document no answer for {}", op.id),
            ),
        },
        // Unreachable through the router (`/payment` is a GET route), kept
        // so every kind has an answer.
        Role::PaymentPage => reject(
            StatusCode::METHOD_NOT_ALLOWED,
            RejectionCode::MethodNotAllowed,
            format!("{path} is the Payment Page: open it with GET in a browser"),
        ),
    }
}

fn signed_reason(s: &Signed) -> String {
    match s {
        Signed::Valid => "valid".into(),
        Signed::Mismatch => "it was made with another key or over other content".into(),
        Signed::Missing => "there is none".into(),
        Signed::NotAnObject => "the body is not an object".into(),
        Signed::Ambiguous(a) => {
            format!("the body could be read as something other than what was signed: {a}")
        }
    }
}
