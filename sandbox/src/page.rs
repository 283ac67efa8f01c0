//! The Payment Page: `GET /payment?<params>` checks the flat parameter set
//! as the Gate does (a known project, the signature over exactly the text
//! the URL carries, the method's rules), records the payment with a
//! checkout session, and sends the browser to the session's page. There the
//! customer chooses the method (skipped when the request forces one), then
//! does what the method's lifecycle says the checkout page asks: enters
//! the callback members its step `fills` (a choice preselected by the
//! request member it names), gives the code the platform sent (wrong,
//! expired and resent as in the Gate flow), and sees the result; the
//! callbacks go to the project.
//!
//! Every step is a form posted to `/payment/{token}/{step}` and answered
//! with a redirect to the session's page, so a reload never repeats a step.
//! The token is 128 random bits: only the browser that opened the page can
//! act on it.

// A refusal is the HTTP answer itself, built once per refused step (as in
// `flows`); boxing it would only add an allocation to that path.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use gatespec_runtime::Violation;
use gatespec_runtime::rejection::RejectionCode;
use gatespec_runtime::signature::verify;
use gatespec_runtime::validate::integer_value;
use serde_json::Value;

use crate::app::{App, new_token};
use crate::catalog::{Action, Operation};
use crate::checkout::{decide, entry_names, forced_method, method, unknown_page, waiting_at};
use crate::html::{self, html_answer};
use crate::machine::Status;
use crate::query::{Unreadable, outside_profile, pairs};
use crate::store::{Created, NewPayment};

/// The largest form a step posts.
const FORM_BYTES: usize = 16 * 1024;

fn refuse(
    status: StatusCode,
    code: RejectionCode,
    message: &str,
    violations: &[Violation],
) -> Response {
    html_answer(status, html::refusal(code.as_str(), message, violations))
}

fn see(token: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/payment/{token}"))],
    )
        .into_response()
}

/// `GET /payment?<params>`: checks the request and opens its session.
pub async fn open(State(app): State<Arc<App>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    if query.len() > app.config.max_body_bytes {
        return refuse(
            StatusCode::URI_TOO_LONG,
            RejectionCode::BodyTooLarge,
            &format!(
                "the parameters are longer than {} bytes",
                app.config.max_body_bytes
            ),
            &[],
        );
    }
    let mut flat = match pairs(&query) {
        Ok(flat) => flat,
        Err(Unreadable::Twice(name)) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                RejectionCode::InvalidRequest,
                &format!("the parameter `{name}` is given twice"),
                &[],
            );
        }
        Err(Unreadable::NotUtf8(name)) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                RejectionCode::InvalidRequest,
                &format!("`{name}` is not UTF-8 once percent-decoded"),
                &[],
            );
        }
    };
    let profile = outside_profile(&flat);
    if !profile.is_empty() {
        return refuse(
            StatusCode::BAD_REQUEST,
            RejectionCode::InvalidRequest,
            "a parameter's JSON text is outside the input profile",
            &profile,
        );
    }
    let signature = match flat.remove("signature") {
        Some(Value::String(s)) => s,
        _ => {
            return refuse(
                StatusCode::BAD_REQUEST,
                RejectionCode::InvalidSignature,
                "the parameters carry no signature",
                &[],
            );
        }
    };
    let Some(project) = flat
        .get("project_id")
        .and_then(Value::as_str)
        .and_then(|id| id.parse::<i64>().ok())
        .and_then(|id| app.config.project(id))
    else {
        return refuse(
            StatusCode::BAD_REQUEST,
            RejectionCode::UnknownProject,
            "`project_id` names no project of this sandbox",
            &[],
        );
    };
    // A name holding `:` or `;` would let two parameter sets sign alike.
    if flat.keys().any(|k| k.contains([':', ';'])) {
        return refuse(
            StatusCode::BAD_REQUEST,
            RejectionCode::InvalidSignature,
            "a parameter name holds `:` or `;`, so the signature cannot tell it apart",
            &[],
        );
    }
    if !verify(&Value::Object(flat.clone()), &signature, &project.secret) {
        tracing::info!(project = project.id, "Payment Page signature refused");
        return refuse(
            StatusCode::BAD_REQUEST,
            RejectionCode::InvalidSignature,
            "the signature does not verify over the parameters given",
            &[],
        );
    }
    // The methods whose rules the parameters meet; a forced method is the
    // only candidate.
    let forced = forced_method(&app, &project.brand, &flat);
    let candidates: Vec<&Operation> = app
        .catalog
        .pages(&project.brand)
        .filter(|op| forced.is_none_or(|f| f == op.method))
        .collect();
    let Some(first) = candidates.first() else {
        return refuse(
            StatusCode::NOT_FOUND,
            RejectionCode::UnknownOperation,
            &match forced {
                Some(f) => format!("{} has no Payment Page method `{f}`", project.brand),
                None => format!("{} has no Payment Page method", project.brand),
            },
            &[],
        );
    };
    let mut accepted: Option<(&Operation, Value)> = None;
    let mut first_violations = Vec::new();
    for op in &candidates {
        let mut typed = op
            .decode
            .as_ref()
            .map_or_else(|| Value::Object(flat.clone()), |d| d(&flat));
        // The rules judge the request as sent, signature included.
        if let Some(obj) = typed.as_object_mut() {
            obj.insert("signature".into(), Value::String(signature.clone()));
        }
        let mut violations = (op.request)(&typed);
        violations.extend(crate::app::long_payment_id(
            typed.get("payment_id"),
            "/payment_id",
        ));
        if let Some(obj) = typed.as_object_mut() {
            obj.remove("signature");
        }
        if violations.is_empty() {
            accepted = Some((op, typed));
            break;
        }
        if first_violations.is_empty() {
            first_violations = violations;
        }
    }
    let Some((op, typed)) = accepted else {
        return refuse(
            StatusCode::BAD_REQUEST,
            RejectionCode::InvalidRequest,
            &format!("{} violation(s) of {}", first_violations.len(), first.id),
            &first_violations,
        );
    };
    let token = match new_token() {
        Ok(t) => t,
        Err(e) => return crate::app::internal(&e),
    };
    let payment_id = typed["payment_id"].as_str().unwrap_or_default();
    let params = typed.to_string();
    let created = app.store.create_payment(
        &NewPayment {
            project_id: project.id,
            payment_id,
            operation: &op.id,
            kind: "sale",
            status: Status::AWAITING_CUSTOMER,
            amount: integer_value(&typed["payment_amount"]),
            currency: typed["payment_currency"].as_str(),
            code: "0",
            message: "Checkout page opened",
            otp: None,
            // The checkout page is the lifecycle's second step (after the
            // request that opened it); the customer may still choose the
            // method whose lifecycle it is.
            step: Some(1),
            deadline_ms: None,
            request: None,
            page: Some((&token, &params)),
        },
        project.callback_url.as_str(),
        None,
    );
    let created = app.store.committed(created).await;
    match created {
        Ok(Created::New { .. }) => {
            tracing::info!(project = project.id, operation = %op.id, "Payment Page opened");
            see(&token)
        }
        Ok(Created::Duplicate) => refuse(
            StatusCode::BAD_REQUEST,
            RejectionCode::DuplicatePaymentId,
            &format!(
                "project {} already has a payment `{payment_id}`",
                project.id
            ),
            &[],
        ),
        Err(e) => crate::app::internal(&e),
    }
}

/// `GET /payment/{token}`: the page as the payment stands.
pub async fn show(State(app): State<Arc<App>>, Path(token): Path<String>) -> Response {
    let page = match app.store.page(&token) {
        Ok(Some(p)) => p,
        Ok(None) => return unknown_page(),
        Err(e) => return crate::app::internal(&e),
    };
    let Some(project) = app.config.project(page.project_id) else {
        return unknown_page();
    };
    let facts = html::Checkout {
        brand: &project.brand,
        token: &token,
        payment_id: &page.payment_id,
        amount: page.payment.amount,
        currency: page.payment.currency.as_deref(),
        notice: page.state.notice.as_deref(),
    };
    let chosen = method(&app, project, &page);
    let waiting = waiting_at(chosen, &page.payment);
    let markup = match (chosen, waiting) {
        (None, _) if page.payment.step.is_some() => {
            let methods: Vec<(&str, &str)> = app
                .catalog
                .pages(&project.brand)
                .map(|op| (op.method.as_str(), op.method_name.as_str()))
                .collect();
            html::choose(&facts, &methods)
        }
        (Some(op), Some(Action::Page { fills, chooses, .. })) if !fills.is_empty() => {
            let preselected = chooses
                .as_deref()
                .and_then(|p| page.params.pointer(p))
                .and_then(Value::as_str);
            let fields: Vec<html::Entry<'_>> = fills
                .iter()
                .enumerate()
                .map(|(i, (pointer, choices))| {
                    let (name, label) = entry_names(pointer);
                    html::Entry {
                        name,
                        label,
                        choices,
                        // The request preselects the first member that
                        // offers choices.
                        preselected: preselected
                            .filter(|_| fills.iter().position(|(_, c)| !c.is_empty()) == Some(i)),
                    }
                })
                .collect();
            html::entries(&facts, &op.method_name, &fields)
        }
        (Some(_), Some(Action::Page { code: true, .. })) => html::otp(&facts, page.project_id),
        (Some(_), Some(Action::Redirect { .. })) => match page.payment.otp.as_deref() {
            Some(token) => html::redirect(
                &facts,
                &crate::flows::redirect_url(&app, page.project_id, &page.payment_id, token),
            ),
            None => html::result(&facts, page.payment.status, None),
        },
        _ => {
            let last = app
                .store
                .last_operation(page.project_id, &page.payment_id)
                .ok()
                .flatten();
            html::result(&facts, page.payment.status, last.as_ref())
        }
    };
    html_answer(StatusCode::OK, markup)
}

/// `POST /payment/{token}/{step}`: one step of the customer.
pub async fn step(
    State(app): State<Arc<App>>,
    Path((token, step)): Path<(String, String)>,
    body: Body,
) -> Response {
    let Ok(Ok(bytes)) =
        tokio::time::timeout(crate::app::BODY_TIMEOUT, to_bytes(body, FORM_BYTES)).await
    else {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            RejectionCode::BodyTooLarge,
            &format!("the form is larger than {FORM_BYTES} bytes"),
            &[],
        );
    };
    let Some(form) = std::str::from_utf8(&bytes).ok().and_then(|t| pairs(t).ok()) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            RejectionCode::InvalidRequest,
            "the form is not UTF-8, or a field is given twice",
            &[],
        );
    };
    let field = |name: &str| {
        form.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    // The callback URL is the project's; the step itself is decided on the
    // session as it stands inside the step's transaction.
    let url = match app.store.page(&token) {
        Ok(Some(page)) => match app.config.project(page.project_id) {
            Some(project) => project.callback_url.to_string(),
            None => return unknown_page(),
        },
        Ok(None) => return unknown_page(),
        Err(e) => return crate::app::internal(&e),
    };
    let app_ref = &*app;
    let outcome = app.store.page_step(&token, &url, |page, now| {
        decide(app_ref, page, now, &step, &field)
    });
    match outcome {
        Ok(Some(Ok(_))) => {
            app.wake.notify_one();
            see(&token)
        }
        Ok(Some(Err(r))) => r,
        Ok(None) => unknown_page(),
        Err(e) => crate::app::internal(&e),
    }
}
