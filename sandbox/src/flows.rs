//! What an accepted request does: a payout or purchase creates a payment;
//! a purchase with an OTP window waits for the OTP (seed 003: the platform
//! asks for it in a callback, a wrong or expired one is asked for again, a
//! new one may be asked for after the window, at most as often as the
//! specs allow); a refund returns part or all of a successful purchase.
//! Every step records its operation and queues its callback in the same
//! transaction as the payment's change.

// A rejection is the HTTP answer itself, built once per refused request;
// boxing it would only add an allocation to that path.
#![allow(clippy::result_large_err)]

use axum::http::StatusCode;
use axum::response::Response;
use gatespec_runtime::rejection::RejectionCode;
use gatespec_runtime::validate::integer_value;
use serde_json::Value;

use crate::answer::{acknowledge, reject};
use crate::app::{App, new_otp};
use crate::callback::{Facts, build};
use crate::catalog::{Callback, Kind, Operation};
use crate::config::Project;
use crate::machine::{self, Otp, Refusal, Status, outcome};
use crate::store::{Builder, Change, Created, NewPayment, Payment};

fn payment_id(value: &Value) -> &str {
    value
        .pointer("/general/payment_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// A refusal of the state machine as the Gate's rejection.
fn refused(r: Refusal) -> Response {
    reject(StatusCode::BAD_REQUEST, r.code, r.message)
}

fn callback_of(op: &Operation) -> Result<&Callback, Response> {
    op.callback.as_ref().ok_or_else(|| {
        reject(
            StatusCode::NOT_IMPLEMENTED,
            RejectionCode::NotSimulated,
            format!(
                "the specs document no callback for {}, so the sandbox cannot simulate what follows",
                op.id
            ),
        )
    })
}

/// A payout or a purchase: a new payment.
pub async fn create(app: &App, project: &Project, op: &Operation, value: &Value) -> Response {
    let payment_id = payment_id(value);
    let amount = value.pointer("/payment/amount").and_then(integer_value);
    let currency = value.pointer("/payment/currency").and_then(Value::as_str);
    // A payment whose callback the specs do not document is still
    // checked, recorded and acknowledged; it just sends no callback.
    let shape = op.callback.as_ref();
    let waits_for_otp = op.kind == Kind::Purchase && op.otp_window.is_some();
    let settled = outcome(&app.config.outcomes, amount);
    let otp = waits_for_otp.then(|| new_otp(payment_id));
    let (status, code, message) = machine::opening(waits_for_otp, settled);
    let created = app.store.create_payment(
        &NewPayment {
            project_id: project.id,
            payment_id,
            operation: &op.id,
            kind: if op.kind == Kind::Purchase {
                "sale"
            } else {
                "payout"
            },
            status,
            amount,
            currency,
            code,
            message,
            otp: otp.as_deref(),
            page: None,
        },
        project.callback_url.as_str(),
        shape.map(|shape| -> Builder<'_> {
            Box::new(move |operation_id, request_id| {
                build(
                    shape,
                    &Facts {
                        status: (status, status),
                        declined: settled.declined && !waits_for_otp,
                        amount,
                        currency,
                        code,
                        message,
                        ..Facts::new(project.id, payment_id, operation_id, request_id)
                    },
                    &project.secret,
                )
            })
        }),
    );
    let created = app.store.committed(created).await;
    match created {
        Ok(Created::New { request_id, .. }) => {
            app.wake.notify_one();
            tracing::info!(project = project.id, operation = %op.id, %status, "payment accepted");
            acknowledge(project.id, payment_id, &request_id)
        }
        Ok(Created::Duplicate) => reject(
            StatusCode::BAD_REQUEST,
            RejectionCode::DuplicatePaymentId,
            format!(
                "project {} already has a payment `{payment_id}`",
                project.id
            ),
        ),
        Err(e) => crate::app::internal(&e),
    }
}

/// A follow-up's decision: the change with its callback, or a rejection.
type Decision<'b> = Result<(Change, Option<Builder<'b>>), Response>;

/// Runs a follow-up request through `decide` and answers.
fn follow_up<'b>(
    app: &App,
    project: &Project,
    op: &Operation,
    value: &Value,
    decide: impl FnOnce(Option<&Payment>, i64) -> Decision<'b>,
) -> Response {
    let payment_id = payment_id(value);
    match app.store.follow_up(
        project.id,
        payment_id,
        project.callback_url.as_str(),
        decide,
    ) {
        Ok(Ok(request_id)) => {
            app.wake.notify_one();
            tracing::info!(project = project.id, operation = %op.id, "follow-up accepted");
            acknowledge(project.id, payment_id, &request_id)
        }
        Ok(Err(rejection)) => rejection,
        Err(e) => crate::app::internal(&e),
    }
}

fn unknown_payment(project: &Project, payment_id: &str) -> Response {
    reject(
        StatusCode::BAD_REQUEST,
        RejectionCode::UnknownPayment,
        format!("project {} has no payment `{payment_id}`", project.id),
    )
}

/// The operation that created `payment` and its callback shape.
fn origin<'a>(app: &'a App, payment: &Payment) -> Result<(&'a Operation, &'a Callback), Response> {
    let op = app.catalog.by_id(&payment.operation).ok_or_else(|| {
        crate::app::internal(&format!("{} is no longer in the specs", payment.operation))
    })?;
    Ok((op, callback_of(op)?))
}

/// The payment a follow-up names, waiting for its OTP.
fn waiting<'a>(
    project: &Project,
    payment_id: &str,
    p: Option<&'a Payment>,
) -> Result<&'a Payment, Response> {
    let p = p.ok_or_else(|| unknown_payment(project, payment_id))?;
    machine::waiting(p, payment_id).map_err(refused)?;
    Ok(p)
}

/// The callback that asks for the OTP (again). The documents give no
/// example of it; the sandbox sends the purchase callback with both
/// statuses `awaiting clarification`.
fn ask<'b>(
    project: &'b Project,
    payment_id: &'b str,
    shape: &'b Callback,
    p: &Payment,
) -> Builder<'b> {
    let (amount, currency) = (p.amount, p.currency.clone());
    Box::new(move |operation_id, request_id| {
        build(
            shape,
            &Facts {
                status: (Status::AwaitingClarification, Status::AwaitingClarification),
                amount,
                currency: currency.as_deref(),
                message: "Awaiting clarification",
                ..Facts::new(project.id, payment_id, operation_id, request_id)
            },
            &project.secret,
        )
    })
}

/// The OTP window, in the configured time scale, in milliseconds.
pub fn window_ms(app: &App, window: Option<std::time::Duration>) -> Option<i64> {
    window.map(|w| {
        app.config
            .scaled(w)
            .as_millis()
            .try_into()
            .unwrap_or(i64::MAX)
    })
}

/// The resend policy (the wait in the configured time scale, in
/// milliseconds, and the budget).
pub fn resend_policy(app: &App, resend: Option<(std::time::Duration, u32)>) -> Option<(i64, u32)> {
    resend.map(|(after, max)| {
        (
            app.config
                .scaled(after)
                .as_millis()
                .try_into()
                .unwrap_or(i64::MAX),
            max,
        )
    })
}

/// `clarification`: the customer's OTP.
pub fn clarify(app: &App, project: &Project, op: &Operation, value: &Value) -> Response {
    let id = payment_id(value);
    let given = op
        .otp_pointer
        .as_deref()
        .and_then(|p| value.pointer(p))
        .and_then(Value::as_str)
        .map(str::to_string);
    follow_up(app, project, op, value, |p, now| {
        let p = waiting(project, id, p)?;
        let (origin_op, shape) = origin(app, p)?;
        let window = window_ms(app, op.otp_window.or(origin_op.otp_window));
        let verdict = machine::judge_otp(window, p, given.as_deref(), now);
        if verdict != Otp::Correct {
            return Ok((
                machine::refused_otp(p, verdict),
                Some(ask(project, id, shape, p)),
            ));
        }
        let settled = outcome(&app.config.outcomes, p.amount);
        let change = machine::settled(p, settled);
        let status = change.status;
        let (amount, currency) = (p.amount, p.currency.clone());
        let body: Builder<'_> = Box::new(move |operation_id, request_id| {
            build(
                shape,
                &Facts {
                    status: (status, status),
                    declined: settled.declined,
                    amount,
                    currency: currency.as_deref(),
                    code: settled.code,
                    message: settled.message,
                    ..Facts::new(project.id, id, operation_id, request_id)
                },
                &project.secret,
            )
        });
        Ok((change, Some(body)))
    })
}

/// `otp-resend`: a new OTP, after the window, within the budget.
pub fn resend(app: &App, project: &Project, op: &Operation, value: &Value) -> Response {
    let id = payment_id(value);
    follow_up(app, project, op, value, |p, now| {
        let p = waiting(project, id, p)?;
        let (_, shape) = origin(app, p)?;
        if let Some(r) = machine::resend_refusal(resend_policy(app, op.otp_resend), p, now) {
            return Err(refused(r));
        }
        Ok((
            machine::new_otp_sent(p, new_otp(id), now),
            Some(ask(project, id, shape, p)),
        ))
    })
}

/// `refund`: part or all of what is left of a successful purchase.
pub fn refund(app: &App, project: &Project, op: &Operation, value: &Value) -> Response {
    let id = payment_id(value);
    let requested = value.pointer("/payment/amount").and_then(integer_value);
    let currency = value
        .pointer("/payment/currency")
        .and_then(Value::as_str)
        .map(str::to_string);
    let shape = match callback_of(op) {
        Ok(s) => s,
        Err(r) => return r,
    };
    follow_up(app, project, op, value, |p, _| {
        let p = p.ok_or_else(|| unknown_payment(project, id))?;
        let (origin_op, _) = origin(app, p)?;
        let refundable_kind = matches!(origin_op.kind, Kind::Purchase | Kind::PaymentPage);
        let refund = machine::refund(
            p,
            id,
            (&origin_op.id, refundable_kind),
            currency.as_deref(),
            requested,
        )
        .map_err(refused)?;
        let (status, amount, remaining) = (refund.change.status, refund.amount, refund.remaining);
        let own_currency = p.currency.clone();
        let body: Builder<'_> = Box::new(move |operation_id, request_id| {
            build(
                shape,
                &Facts {
                    status: (status, Status::Success),
                    amount: Some(remaining),
                    operation_amount: Some(amount),
                    currency: own_currency.as_deref(),
                    ..Facts::new(project.id, id, operation_id, request_id)
                },
                &project.secret,
            )
        });
        Ok((refund.change, Some(body)))
    })
}
