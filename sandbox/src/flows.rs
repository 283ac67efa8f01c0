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

use std::hash::BuildHasher;

use axum::http::StatusCode;
use axum::response::Response;
use gatespec_runtime::validate::integer_value;
use serde_json::Value;

use crate::answer::{acknowledge, reject};
use crate::callback::{Facts, build};
use crate::catalog::{Callback, Kind, Operation};
use crate::config::Project;
use crate::server::App;
use crate::store::{Builder, Change, Created, NewPayment, Payment, now_ms};

/// A payment waiting for the customer's OTP.
pub const AWAITING: &str = "awaiting clarification";

fn payment_id(value: &Value) -> &str {
    value
        .pointer("/general/payment_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// A six-digit OTP. Not a secret: the inspection API shows it.
pub fn new_otp(payment_id: &str) -> String {
    let n = std::collections::hash_map::RandomState::new().hash_one((payment_id, now_ms()));
    format!("{:06}", n % 1_000_000)
}

/// The outcome rule: success, or the configured decline.
pub fn outcome(app: &App, amount: Option<i64>) -> (bool, &str, &str) {
    let o = &app.config.outcomes;
    let declined = amount.is_some_and(|a| {
        o.decline_minor_units
            .iter()
            .any(|&d| a.rem_euclid(100) == i64::from(d))
    });
    if declined {
        (true, o.decline_code.as_str(), o.decline_message.as_str())
    } else {
        (false, "0", "Success")
    }
}

fn callback_of(op: &Operation) -> Result<&Callback, Response> {
    op.callback.as_ref().ok_or_else(|| {
        reject(
            StatusCode::NOT_IMPLEMENTED,
            "not_simulated",
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
    let (declined, code, message) = outcome(app, amount);
    let otp = waits_for_otp.then(|| new_otp(payment_id));
    let status = if waits_for_otp {
        AWAITING
    } else if declined {
        "decline"
    } else {
        "success"
    };
    let (code, message) = if waits_for_otp {
        ("0", "Awaiting clarification")
    } else {
        (code, message)
    };
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
                        project_id: project.id,
                        payment_id,
                        status: (status, status),
                        declined: declined && !waits_for_otp,
                        amount,
                        operation_amount: None,
                        currency,
                        operation_id,
                        request_id,
                        code,
                        message,
                        account: None,
                        customer_id: None,
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
            tracing::info!(project = project.id, operation = %op.id, status, "payment accepted");
            acknowledge(project.id, payment_id, &request_id)
        }
        Ok(Created::Duplicate) => reject(
            StatusCode::BAD_REQUEST,
            "duplicate_payment_id",
            format!(
                "project {} already has a payment `{payment_id}`",
                project.id
            ),
        ),
        Err(e) => crate::server::internal(&e),
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
        Err(e) => crate::server::internal(&e),
    }
}

fn unknown_payment(project: &Project, payment_id: &str) -> Response {
    reject(
        StatusCode::BAD_REQUEST,
        "unknown_payment",
        format!("project {} has no payment `{payment_id}`", project.id),
    )
}

/// The operation that created `payment` and its callback shape.
fn origin<'a>(app: &'a App, payment: &Payment) -> Result<(&'a Operation, &'a Callback), Response> {
    let op = app.catalog.by_id(&payment.operation).ok_or_else(|| {
        crate::server::internal(&format!("{} is no longer in the specs", payment.operation))
    })?;
    Ok((op, callback_of(op)?))
}

fn waiting<'a>(
    project: &Project,
    payment_id: &str,
    p: Option<&'a Payment>,
) -> Result<&'a Payment, Response> {
    let p = p.ok_or_else(|| unknown_payment(project, payment_id))?;
    if p.status != AWAITING {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            "not_awaiting_clarification",
            format!(
                "payment `{payment_id}` is {}, not waiting for an OTP",
                p.status
            ),
        ));
    }
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
                project_id: project.id,
                payment_id,
                status: (AWAITING, AWAITING),
                declined: false,
                amount,
                operation_amount: None,
                currency: currency.as_deref(),
                operation_id,
                request_id,
                code: "0",
                message: "Awaiting clarification",
                account: None,
                customer_id: None,
            },
            &project.secret,
        )
    })
}

/// What an OTP the customer gave is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Otp {
    /// The current OTP, in time.
    Correct,
    /// Not the current OTP.
    Wrong,
    /// The current OTP's window has passed.
    Expired,
}

impl Otp {
    /// The operation's message for a refused OTP.
    pub fn message(self) -> &'static str {
        match self {
            Otp::Correct => "Success",
            Otp::Wrong => "Wrong OTP",
            Otp::Expired => "Expired OTP",
        }
    }
}

/// Judges `given` against the payment's current OTP and its window.
pub fn judge_otp(
    app: &App,
    window: Option<std::time::Duration>,
    p: &Payment,
    given: Option<&str>,
    now: i64,
) -> Otp {
    let window = window.map_or(i64::MAX, |w| app.config.scaled(w).as_millis() as i64);
    if p.otp_ms.is_none_or(|at| now - at > window) {
        Otp::Expired
    } else if given.is_some() && given == p.otp.as_deref() {
        Otp::Correct
    } else {
        Otp::Wrong
    }
}

/// Why a new OTP may not be sent yet (code and message), if it may not.
pub fn resend_refusal(
    app: &App,
    resend: Option<(std::time::Duration, u32)>,
    p: &Payment,
    now: i64,
) -> Option<(&'static str, String)> {
    let (after, max) = resend?;
    let after = app.config.scaled(after).as_millis() as i64;
    if p.otp_ms.is_some_and(|at| now - at < after) {
        return Some((
            "otp_resend_too_early",
            format!("a new OTP may be asked for {after} ms after the last one"),
        ));
    }
    (p.resends >= i64::from(max)).then(|| {
        (
            "otp_resend_limit",
            format!("a new OTP may be asked for at most {max} times"),
        )
    })
}

/// The change a refused OTP makes: the payment keeps waiting.
pub fn refused_otp(p: &Payment, verdict: Otp) -> Change {
    Change {
        status: AWAITING.into(),
        otp: None,
        resends: p.resends,
        refunded: p.refunded,
        operation: Some((
            "clarification".into(),
            "decline".into(),
            "0".into(),
            verdict.message().into(),
        )),
    }
}

/// The change a new OTP makes.
pub fn new_otp_sent(p: &Payment, payment_id: &str, now: i64) -> Change {
    Change {
        status: AWAITING.into(),
        otp: Some((new_otp(payment_id), now)),
        resends: p.resends + 1,
        refunded: p.refunded,
        operation: Some((
            "otp-resend".into(),
            "success".into(),
            "0".into(),
            "A new OTP was sent".into(),
        )),
    }
}

/// The final change of a purchase whose OTP was right, and its outcome
/// (declined, code, message) by the outcome rules.
pub fn settled<'a>(app: &'a App, p: &Payment) -> (Change, (bool, &'a str, &'a str)) {
    let (declined, code, message) = outcome(app, p.amount);
    let status = if declined { "decline" } else { "success" };
    let change = Change {
        status: status.into(),
        otp: None,
        resends: p.resends,
        refunded: p.refunded,
        operation: Some(("sale".into(), status.into(), code.into(), message.into())),
    };
    (change, (declined, code, message))
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
        let verdict = judge_otp(
            app,
            op.otp_window.or(origin_op.otp_window),
            p,
            given.as_deref(),
            now,
        );
        if verdict != Otp::Correct {
            return Ok((refused_otp(p, verdict), Some(ask(project, id, shape, p))));
        }
        let (change, (declined, code, message)) = settled(app, p);
        let status = change.status.clone();
        let (amount, currency) = (p.amount, p.currency.clone());
        let body: Builder<'_> = Box::new(move |operation_id, request_id| {
            build(
                shape,
                &Facts {
                    project_id: project.id,
                    payment_id: id,
                    status: (&status, &status),
                    declined,
                    amount,
                    operation_amount: None,
                    currency: currency.as_deref(),
                    operation_id,
                    request_id,
                    code,
                    message,
                    account: None,
                    customer_id: None,
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
        if let Some((code, message)) = resend_refusal(app, op.otp_resend, p, now) {
            return Err(reject(StatusCode::BAD_REQUEST, code, message));
        }
        Ok((new_otp_sent(p, id, now), Some(ask(project, id, shape, p))))
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
        let refundable = matches!(origin_op.kind, Kind::Purchase | Kind::PaymentPage)
            && matches!(p.status.as_str(), "success" | "partially refunded");
        if !refundable {
            return Err(reject(
                StatusCode::BAD_REQUEST,
                "not_refundable",
                format!(
                    "payment `{id}` is a {} that is {}: only a successful purchase is refunded",
                    origin_op.id, p.status
                ),
            ));
        }
        if let (Some(c), Some(own)) = (&currency, &p.currency)
            && c != own
        {
            return Err(reject(
                StatusCode::BAD_REQUEST,
                "currency_mismatch",
                format!("payment `{id}` is in {own}, not {c}"),
            ));
        }
        let left = p.amount.unwrap_or(0) - p.refunded;
        let amount = requested.unwrap_or(left);
        if amount > left || left == 0 {
            return Err(reject(
                StatusCode::BAD_REQUEST,
                "refund_exceeds_amount",
                format!("payment `{id}` has {left} left to refund, not {amount}"),
            ));
        }
        let remaining = left - amount;
        let status = if remaining == 0 {
            "refunded"
        } else {
            "partially refunded"
        };
        let change = Change {
            status: status.into(),
            otp: None,
            resends: p.resends,
            refunded: p.refunded + amount,
            operation: Some((
                "refund".into(),
                "success".into(),
                "0".into(),
                "Success".into(),
            )),
        };
        let own_currency = p.currency.clone();
        let body: Builder<'_> = Box::new(move |operation_id, request_id| {
            build(
                shape,
                &Facts {
                    project_id: project.id,
                    payment_id: id,
                    status: (status, "success"),
                    declined: false,
                    amount: Some(remaining),
                    operation_amount: Some(amount),
                    currency: own_currency.as_deref(),
                    operation_id,
                    request_id,
                    code: "0",
                    message: "Success",
                    account: None,
                    customer_id: None,
                },
                &project.secret,
            )
        });
        Ok((change, Some(body)))
    })
}
