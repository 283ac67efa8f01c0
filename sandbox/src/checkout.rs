//! The customer's steps on the checkout page, decided in the payment's
//! transaction by the step of the method's lifecycle the payment waits at:
//! the method chosen (or forced by the request), the entries a page step
//! `fills` (each a callback member; a choice among a field's known values,
//! preselected by the request member it `chooses`), the code it `gives`
//! (judged in its window) and a new code (`renew`), each moving the
//! lifecycle on as `flows` does for the Gate.

// A refusal is the HTTP answer itself, as in `flows`.
#![allow(clippy::result_large_err)]

use axum::http::StatusCode;
use axum::response::Response;
use gatespec_runtime::rejection::RejectionCode;
use serde_json::Value;

use crate::app::{App, new_otp};
use crate::catalog::{Action, Operation, Role};
use crate::config::Project;
use crate::flows::{Decision, Entered, moved_on, scaled_ms};
use crate::html::{self, html_answer};
use crate::machine::{self, Otp};
use crate::store::{Builder, Change, Page, PageState, Payment};

/// The longest entry the customer may type in one field.
const ENTRY_CHARS: usize = 256;

/// The answer to an address no session has.
pub fn unknown_page() -> Response {
    html_answer(
        StatusCode::NOT_FOUND,
        html::refusal(
            RejectionCode::UnknownPayment.as_str(),
            "no checkout page has this address",
            &[],
        ),
    )
}

/// The method a Payment Page request forces, if it does: the value of
/// the member a method's page operation names as forcing it.
pub fn forced_method<'a>(
    app: &App,
    brand: &str,
    flat: &'a serde_json::Map<String, Value>,
) -> Option<&'a str> {
    app.catalog
        .pages(brand)
        .filter_map(|op| op.forces_method.as_deref())
        .find_map(|pointer| flat.get(pointer.trim_start_matches('/')))
        .and_then(Value::as_str)
}

/// The method the customer pays with: the chosen one, or the forced one.
pub fn method<'a>(app: &'a App, project: &Project, page: &Page) -> Option<&'a Operation> {
    let code = match page.state.method.as_deref() {
        Some(m) => Some(m),
        None => page
            .params
            .as_object()
            .and_then(|flat| forced_method(app, &project.brand, flat)),
    }?;
    app.catalog
        .operations
        .iter()
        .find(|op| op.brand == project.brand && op.role == Role::PaymentPage && op.method == code)
}

/// The field name and label of an entry the page asks for, from its
/// callback member (`/account/number`: `account-number`, "account
/// number").
pub fn entry_names(pointer: &str) -> (String, String) {
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    (parts.join("-"), parts.join(" ").replace('_', " "))
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

/// A step's decision: the payment's change, the session's new state and
/// the callback to send, or the answer instead.
pub type Step<'b> = Result<(Change, PageState, Option<Builder<'b>>), Response>;

/// The action of the step the payment waits at, in the chosen method's
/// lifecycle.
pub fn waiting_at<'a>(op: Option<&'a Operation>, p: &Payment) -> Option<&'a Action> {
    let at = usize::try_from(p.step?).ok()?;
    Some(&op?.lifecycle.get(at)?.action)
}

/// The page's payment moves on from step `from` of `op`'s lifecycle, with
/// what the customer entered in its callback.
fn page_moves_on<'b>(
    app: &'b App,
    project: &'b Project,
    page: &Page,
    op: &'b Operation,
    state: PageState,
    from: usize,
    now: i64,
) -> Step<'b> {
    let put: Vec<(String, Value)> = state
        .entries
        .iter()
        .map(|(p, v)| (p.clone(), Value::String(v.clone())))
        .collect();
    let customer = page
        .params
        .get("customer_id")
        .and_then(Value::as_str)
        .map(str::to_string);
    let decided: Decision<'b> = moved_on(
        app,
        project,
        &page.payment_id,
        op,
        &page.payment,
        from,
        now,
        Entered { put, customer },
    );
    let (change, body) = decided?;
    Ok((change, state, body))
}

/// What a step does to the page's payment.
pub fn decide<'b>(
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
    let at = p.step.and_then(|s| usize::try_from(s).ok());
    let waiting = waiting_at(chosen, p);
    match (step, chosen, waiting) {
        ("method", None, _) if at.is_some() => {
            let code = field("method");
            let Some(op) = app
                .catalog
                .pages(&project.brand)
                .find(|op| op.method == code)
            else {
                return Ok(notice(p, state, "Choose one of the methods listed."));
            };
            let state = PageState {
                method: Some(code),
                entries: Vec::new(),
                notice: None,
            };
            // A method whose lifecycle asks nothing of the customer here
            // moves on at once.
            if matches!(
                op.lifecycle.get(1).map(|s| &s.action),
                Some(Action::Page { .. })
            ) {
                Ok((machine::unchanged(p), state, None))
            } else {
                page_moves_on(app, project, page, op, state, 1, now)
            }
        }
        ("entries", Some(op), Some(Action::Page { fills, .. })) if !fills.is_empty() => {
            let mut entries = Vec::new();
            for (pointer, choices) in fills {
                let (name, label) = entry_names(pointer);
                let value = field(&name);
                if value.is_empty() || value.chars().count() > ENTRY_CHARS {
                    return Ok(notice(
                        p,
                        state,
                        &format!("Enter the {label} (at most {ENTRY_CHARS} characters)."),
                    ));
                }
                if !choices.is_empty() && !choices.contains(&value) {
                    return Ok(notice(p, state, &format!("Choose the {label} listed.")));
                }
                entries.push((pointer.clone(), value));
            }
            let state = PageState {
                method: Some(op.method.clone()),
                entries,
                notice: None,
            };
            page_moves_on(app, project, page, op, state, at.unwrap_or(1) + 1, now)
        }
        ("otp", Some(op), Some(Action::Page { code: true, .. })) => {
            let at = at.unwrap_or(1);
            let given = field("otp");
            let window = op.lifecycle[at].within.map(|w| scaled_ms(app, w));
            let verdict = machine::judge_otp(window, p, Some(given.as_str()), now);
            if verdict != Otp::Correct {
                let (_, state, _) = notice(
                    p,
                    state,
                    match verdict {
                        Otp::Expired => "The code has expired. Ask for a new one.",
                        _ => "That code is not right. Try again.",
                    },
                );
                return Ok((
                    machine::refused_otp(p, "clarification", verdict),
                    state,
                    None,
                ));
            }
            let state = PageState {
                notice: None,
                ..state.clone()
            };
            page_moves_on(app, project, page, op, state, at + 1, now)
        }
        ("resend", Some(op), Some(Action::Page { code: true, .. })) => {
            let renew = at.and_then(|i| op.lifecycle[i].renew.as_ref());
            let policy = renew.and_then(|r| r.max.map(|max| (scaled_ms(app, r.after), max)));
            if let Some(r) = machine::resend_refusal(policy, p, now) {
                let text = if r.code == RejectionCode::OtpResendLimit {
                    "No more new codes can be sent for this payment."
                } else {
                    "A new code can be sent only after the current one expires."
                };
                return Ok(notice(p, state, text));
            }
            let (_, state, _) = notice(p, state, "A new code was sent.");
            Ok((
                machine::new_otp_sent(p, "otp-resend", new_otp(&page.payment_id), now),
                state,
                None,
            ))
        }
        _ => Ok(notice(p, state, "That step is over for this payment.")),
    }
}
