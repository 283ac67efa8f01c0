//! The Payment Page: `GET /payment?<params>` checks the flat parameter set
//! as the Gate does (a known project, the signature over exactly the text
//! the URL carries, the method's rules), records the payment with a
//! checkout session, and sends the browser to the session's page. There the
//! customer chooses the method (skipped with `force_payment_method`), gives
//! the account (the operator preselected by `payment_methods_options`),
//! enters the OTP (wrong, expired and resent as in the Gate flow) and sees
//! the result; the purchase callback goes to the project.
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
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gatespec_runtime::Violation;
use gatespec_runtime::rejection::RejectionCode;
use gatespec_runtime::signature::verify;
use gatespec_runtime::validate::integer_value;
use serde_json::Value;

use crate::app::{App, new_otp};
use crate::callback::{Facts, build};
use crate::catalog::Operation;
use crate::config::Project;
use crate::flows::{resend_policy, window_ms};
use crate::html;
use crate::machine::{self, Otp, Outcome, Status};
use crate::query::{Unreadable, outside_profile, pairs};
use crate::store::{Builder, Change, Created, NewPayment, Page, PageState, Payment};

/// The largest form a step posts.
const FORM_BYTES: usize = 16 * 1024;
/// The longest account number the page takes (E.164 allows 15 digits).
const NUMBER_DIGITS: std::ops::RangeInclusive<usize> = 5..=15;

/// An HTML answer, with a policy that lets the page load nothing from
/// anywhere (its style is inline) and post forms only to the sandbox.
pub fn html_answer(status: StatusCode, markup: maud::Markup) -> Response {
    let mut r = (status, axum::response::Html(markup.into_string())).into_response();
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    r
}

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

/// 128 random bits as hex.
fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for a page token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
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
    let forced = flat.get("force_payment_method").and_then(Value::as_str);
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
            status: Status::AwaitingCustomer,
            amount: integer_value(&typed["payment_amount"]),
            currency: typed["payment_currency"].as_str(),
            code: "0",
            message: "Checkout page opened",
            otp: None,
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

/// The method the customer pays with: the chosen one, or the forced one.
fn method<'a>(app: &'a App, project: &'a Project, page: &Page) -> Option<&'a Operation> {
    let code = page
        .state
        .method
        .as_deref()
        .or_else(|| page.params["force_payment_method"].as_str())?;
    app.catalog
        .pages(&project.brand)
        .find(|op| op.method == code)
}

fn unknown_page() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        RejectionCode::UnknownPayment,
        "no checkout page has this address",
        &[],
    )
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
    let markup = match (page.payment.status, method(&app, project, &page)) {
        (Status::AwaitingCustomer, None) => {
            let methods: Vec<(&str, &str)> = app
                .catalog
                .pages(&project.brand)
                .map(|op| (op.method.as_str(), op.method_name.as_str()))
                .collect();
            html::choose(&facts, &methods)
        }
        (Status::AwaitingCustomer, Some(op)) => {
            let preselected = op
                .preselect_pointer
                .as_deref()
                .and_then(|p| page.params.pointer(p))
                .and_then(Value::as_str);
            html::account(&facts, &op.method_name, &op.account_kinds, preselected)
        }
        (Status::AwaitingClarification, _) => html::otp(&facts, page.project_id),
        (status, _) => {
            let last = app
                .store
                .last_operation(page.project_id, &page.payment_id)
                .ok()
                .flatten();
            html::result(&facts, status, last.as_ref())
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

/// The payment unchanged, with a notice for the customer.
fn notice(
    p: &Payment,
    state: &PageState,
    text: &str,
) -> (Change, PageState, Option<Builder<'static>>) {
    (
        machine::unchanged(p),
        PageState {
            notice: Some(text.to_string()),
            ..state.clone()
        },
        None,
    )
}

type Step<'b> = Result<(Change, PageState, Option<Builder<'b>>), Response>;

/// What a step does to the page's payment.
fn decide<'b>(
    app: &'b App,
    page: &Page,
    now: i64,
    step: &str,
    field: &dyn Fn(&str) -> String,
) -> Step<'b> {
    let p = &page.payment;
    let state = &page.state;
    let project = app
        .config
        .project(page.project_id)
        .ok_or_else(unknown_page)?;
    let chosen = method(app, project, page);
    match (step, p.status) {
        ("method", Status::AwaitingCustomer) => {
            let code = field("method");
            if !app
                .catalog
                .pages(&project.brand)
                .any(|op| op.method == code)
            {
                return Ok(notice(p, state, "Choose one of the methods listed."));
            }
            let (change, _, _) = notice(p, state, "");
            Ok((
                change,
                PageState {
                    method: Some(code),
                    account: None,
                    notice: None,
                },
                None,
            ))
        }
        ("account", Status::AwaitingCustomer) => {
            let Some(op) = chosen else {
                return Ok(notice(p, state, "Choose a method first."));
            };
            let number = field("number");
            let kind = field("kind");
            if !NUMBER_DIGITS.contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit())
            {
                return Ok(notice(
                    p,
                    state,
                    "Enter the phone number with its country code, digits only (5 to 15).",
                ));
            }
            if !op.account_kinds.is_empty() && !op.account_kinds.contains(&kind) {
                return Ok(notice(p, state, "Choose your mobile network operator."));
            }
            let state = PageState {
                method: Some(op.method.clone()),
                account: Some((number, kind)),
                notice: None,
            };
            if op.otp_window.is_some() {
                let change = machine::awaiting_otp(p, new_otp(&page.payment_id), now);
                return Ok((change, state, None));
            }
            let settled = machine::outcome(&app.config.outcomes, p.amount);
            let change = machine::settled(p, settled);
            let body = final_callback(project, op, page, &state, settled)?;
            Ok((change, state, Some(body)))
        }
        ("otp", Status::AwaitingClarification) => {
            let Some(op) = chosen else {
                return Ok(notice(p, state, "Choose a method first."));
            };
            let given = field("otp");
            let verdict =
                machine::judge_otp(window_ms(app, op.otp_window), p, Some(given.as_str()), now);
            if verdict != Otp::Correct {
                let (_, state, _) = notice(
                    p,
                    state,
                    match verdict {
                        Otp::Expired => "The code has expired. Ask for a new one.",
                        _ => "That code is not right. Try again.",
                    },
                );
                return Ok((machine::refused_otp(p, verdict), state, None));
            }
            let settled = machine::outcome(&app.config.outcomes, p.amount);
            let change = machine::settled(p, settled);
            let state = PageState {
                notice: None,
                ..state.clone()
            };
            let body = final_callback(project, op, page, &state, settled)?;
            Ok((change, state, Some(body)))
        }
        ("resend", Status::AwaitingClarification) => {
            let Some(op) = chosen else {
                return Ok(notice(p, state, "Choose a method first."));
            };
            if let Some(r) = machine::resend_refusal(resend_policy(app, op.otp_resend), p, now) {
                let text = if r.code == RejectionCode::OtpResendLimit {
                    "No more new codes can be sent for this payment."
                } else {
                    "A new code can be sent only after the current one expires."
                };
                return Ok(notice(p, state, text));
            }
            let (_, state, _) = notice(p, state, "A new code was sent.");
            Ok((
                machine::new_otp_sent(p, new_otp(&page.payment_id), now),
                state,
                None,
            ))
        }
        _ => Ok(notice(p, state, "That step is over for this payment.")),
    }
}

/// The purchase callback of a settled page payment.
fn final_callback<'b>(
    project: &'b Project,
    op: &'b Operation,
    page: &Page,
    state: &PageState,
    settled: Outcome<'b>,
) -> Result<Builder<'b>, Response> {
    let shape = op
        .callback
        .as_ref()
        .ok_or_else(|| crate::app::internal(&format!("{} has no callback to send", op.id)))?;
    let status = settled.status();
    let payment_id = page.payment_id.clone();
    let customer = page.params["customer_id"].as_str().map(str::to_string);
    let account = state.account.clone();
    let (amount, currency) = (page.payment.amount, page.payment.currency.clone());
    Ok(Box::new(move |operation_id, request_id| {
        build(
            shape,
            &Facts {
                status: (status, status),
                declined: settled.declined,
                amount,
                currency: currency.as_deref(),
                code: settled.code,
                message: settled.message,
                account: account.as_ref().map(|(n, k)| (n.as_str(), k.as_str())),
                customer_id: customer.as_deref(),
                ..Facts::new(project.id, &payment_id, operation_id, request_id)
            },
            &project.secret,
        )
    }))
}
