//! What an accepted Gate request does, as the specs' lifecycles say: an
//! operation that starts a lifecycle opens a payment and runs it to its
//! first wait; a follow-up the payment waits for (the OTP's clarification)
//! moves it on; one that asks again (a new OTP) renews what the payment
//! waits for; a payment held past its deadline declines (`refund.rs`
//! returns part or all of a successful purchase with these parts). Every
//! step records its operation and queues its callback in the same
//! transaction as the payment's change. Nothing here knows a method or a
//! field of one: the lifecycle names the operations and the pointers.

// A rejection is the HTTP answer itself, built once per refused request;
// boxing it would only add an allocation to that path.
#![allow(clippy::result_large_err)]

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::Response;
use gatespec_runtime::rejection::RejectionCode;
use gatespec_runtime::validate::integer_value;
use serde_json::Value;

use crate::answer::{acknowledge, lost, reject};
use crate::app::{App, new_otp, new_token};
use crate::callback::{Facts, build};
use crate::catalog::{Action, Callback, Operation, Step};
use crate::config::Project;
use crate::lifecycle::{Run, asking, message_of, run};
use crate::machine::{self, Change, Otp, Outcome, Payment, Recorded, Refusal, Status, outcome};
use crate::store::{Builder, Created, NewPayment};

pub(crate) fn payment_id(value: &Value) -> &str {
    value
        .pointer("/general/payment_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// A refusal of the state machine as the Gate's rejection.
pub(crate) fn refused(r: Refusal) -> Response {
    reject(StatusCode::BAD_REQUEST, r.code, r.message)
}

pub(crate) fn callback_of(op: &Operation) -> Result<&Callback, Response> {
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

/// The sandbox sends one callback per change of a payment; a lifecycle
/// that sends two in a row without waiting is refused as not simulated
/// rather than one of them being lost.
fn one_callback(op: &Operation, r: &Run) -> Result<(), Response> {
    if r.sends.len() > 1 {
        return Err(reject(
            StatusCode::NOT_IMPLEMENTED,
            RejectionCode::NotSimulated,
            format!(
                "the lifecycle of {} sends {} callbacks in a row, and the sandbox sends one per step",
                op.id,
                r.sends.len()
            ),
        ));
    }
    Ok(())
}

/// The outcome rule for `op`: the sandbox configuration's, else the
/// specs'.
pub fn rule<'a>(app: &'a App, op: &'a Operation) -> Option<&'a crate::config::Outcomes> {
    app.config.outcomes.as_ref().or(op.outcomes.as_ref())
}

/// A duration of the specs in the configured time scale, in milliseconds.
pub fn scaled_ms(app: &App, d: std::time::Duration) -> i64 {
    app.config
        .scaled(d)
        .as_millis()
        .try_into()
        .unwrap_or(i64::MAX)
}

/// Where the customer is sent for a redirect step: the sandbox's own page
/// for it, at the address it listens on (loopback for an unspecified one).
pub fn redirect_url(app: &App, project_id: i64, payment_id: &str, token: &str) -> String {
    let mut addr = app.addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    format!(
        "http://{addr}/sandbox/redirect/{project_id}/{}/{token}",
        crate::html::segment(payment_id)
    )
}

/// What a run of a lifecycle does to a payment: its status, what it sends,
/// and the code or token it waits with.
pub struct Advance<'a> {
    /// The payment's status after the run.
    pub status: Status,
    /// The callback step sent, if any.
    pub sends: Option<&'a Step>,
    /// The step the payment waits at.
    pub waits: Option<usize>,
    /// A new code (sent to the customer) or redirect token, when the run
    /// asks for one.
    pub secret: Option<String>,
    /// Members the callback carries that the sandbox fills (the redirect
    /// URL).
    pub put: Vec<(String, Value)>,
    /// When the wait at `waits` ends on the project's clock (Unix ms), if
    /// the step bounds it: a payment held at its final callback.
    pub deadline_ms: Option<i64>,
}

/// Runs `op`'s lifecycle from `from` for payment `payment_id`.
pub fn advance<'a>(
    app: &App,
    project_id: i64,
    payment_id: &str,
    op: &'a Operation,
    from: usize,
    settled: Outcome<'_>,
    before: Status,
) -> Result<Advance<'a>, Response> {
    let steps = &op.lifecycle;
    let r = run(steps, from);
    // An outcome never processed holds the payment before its last
    // callback, until the deadline the step sets (if any).
    let r = if settled.pending { r.held() } else { r };
    let held = r
        .waits
        .filter(|&i| matches!(steps[i].action, Action::Callback { .. }));
    let deadline_ms = held.and_then(|i| steps[i].within).map(|d| {
        app.store
            .clock_now(project_id)
            .saturating_add(scaled_ms(app, d))
    });
    one_callback(op, &r)?;
    let mut secret = r.asks_for_a_code(steps).then(|| new_otp(payment_id));
    let mut put = Vec::new();
    if r.waits_at_a_redirect(steps) {
        let token = new_token().map_err(|e| crate::app::internal(&e))?;
        if let Some(Action::Redirect { url, .. }) = r.waits.map(|i| &steps[i].action) {
            put.push((
                url.clone(),
                Value::String(redirect_url(app, project_id, payment_id, &token)),
            ));
        }
        secret = Some(token);
    }
    Ok(Advance {
        status: match held {
            Some(_) if r.sends.is_empty() => Status::PROCESSING,
            _ => r.status(steps, settled, before),
        },
        deadline_ms,
        sends: r.sends.first().map(|&i| &steps[i]),
        waits: r.waits,
        secret,
        put,
    })
}

/// What a callback reports besides its step and the outcome.
pub struct Carried<'b> {
    /// The payment's amount in minor units.
    pub amount: Option<i64>,
    /// Its currency.
    pub currency: Option<String>,
    /// Members the sandbox writes (what the customer entered, a redirect
    /// URL).
    pub put: Vec<(String, Value)>,
    /// The request that opened the payment, whose values it carries.
    pub request: Option<Cow<'b, Value>>,
    /// The merchant's customer id, when the request had one.
    pub customer: Option<String>,
}

impl Carried<'_> {
    /// What a recorded payment's callbacks carry: its amount, currency and
    /// opening request.
    pub fn of(p: &Payment) -> Carried<'static> {
        Carried {
            amount: p.amount,
            currency: p.currency.clone(),
            put: Vec::new(),
            request: opening_request(p).map(Cow::Owned),
            customer: None,
        }
    }
}

/// The code and message of a payment's operation after a run: the
/// outcome's when it `ended` the lifecycle, else `0` and the status in
/// words.
fn words(ended: bool, status: Status, settled: Outcome<'_>) -> (String, String) {
    if ended {
        (settled.code.to_string(), settled.message.to_string())
    } else {
        ("0".to_string(), message_of(status))
    }
}

/// The callback of a run: the step's own example (else the documented
/// success or decline) with the payment's values, both statuses `status`;
/// the outcome's code and message when it `ended` the lifecycle.
#[allow(clippy::too_many_arguments)]
pub fn step_callback<'b>(
    project: &'b Project,
    payment_id: String,
    shape: &'b Callback,
    step: &'b Step,
    status: Status,
    ended: bool,
    settled: Outcome<'b>,
    carried: Carried<'b>,
) -> Builder<'b> {
    let base = match &step.action {
        Action::Callback { example, .. } => example.as_ref(),
        _ => None,
    };
    let (code, message) = words(ended, status, settled);
    Box::new(move |operation_id, request_id, at_ms| {
        build(
            shape,
            &Facts {
                status: (status, status),
                declined: settled.declined && ended,
                amount: carried.amount,
                currency: carried.currency.as_deref(),
                code: &code,
                message: &message,
                put: carried.put,
                customer_id: carried.customer.as_deref(),
                request: carried.request.as_deref(),
                base,
                at_ms,
                ..Facts::new(project.id, &payment_id, operation_id, request_id)
            },
            &project.secret,
        )
    })
}

/// An operation that starts a lifecycle: a new payment.
pub async fn create(
    app: &App,
    project: &Project,
    op: &Operation,
    kind: &'static str,
    value: &Value,
) -> Response {
    let payment_id = payment_id(value);
    let amount = value.pointer("/payment/amount").and_then(integer_value);
    let currency = value.pointer("/payment/currency").and_then(Value::as_str);
    let settled = outcome(rule(app, op), amount);
    // A payment whose callback the specs do not document is still
    // checked, recorded and acknowledged; it just sends no callback.
    let adv = match advance(app, project.id, payment_id, op, 1, settled, Status::SUCCESS) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let status = adv.status;
    let ended = adv.waits.is_none();
    let (code, message) = words(ended, status, settled);
    // Kept only for a payment that waits: its later callbacks carry it.
    let request_text = (!ended).then(|| value.to_string());
    let body = match (op.callback.as_ref(), adv.sends) {
        (Some(shape), Some(step)) => Some(step_callback(
            project,
            payment_id.to_string(),
            shape,
            step,
            status,
            ended,
            settled,
            Carried {
                amount,
                currency: currency.map(str::to_string),
                put: adv.put,
                request: Some(Cow::Borrowed(value)),
                customer: None,
            },
        )),
        _ => None,
    };
    let created = app.store.create_payment(
        &NewPayment {
            project_id: project.id,
            payment_id,
            operation: &op.id,
            kind,
            status,
            amount,
            currency,
            code: &code,
            message: &message,
            otp: adv.secret.as_deref(),
            step: adv.waits.map(|i| i as i64),
            deadline_ms: adv.deadline_ms,
            request: request_text.as_deref(),
            page: None,
        },
        project.callback_url.as_str(),
        body,
    );
    let created = app.store.committed(created).await;
    match created {
        Ok(Created::New { request_id, .. }) => {
            app.wake.notify_one();
            tracing::info!(project = project.id, operation = %op.id, %status, "payment accepted");
            match project.faults.as_ref().and_then(|f| f.gate(payment_id)) {
                Some(fault) => lost(project.id, payment_id, fault),
                None => acknowledge(project.id, payment_id, &request_id),
            }
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
pub type Decision<'b> = Result<(Change, Option<Builder<'b>>), Response>;

/// Runs a follow-up request through `decide` and answers.
pub(crate) fn follow<'b>(
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

pub(crate) fn unknown_payment(project: &Project, payment_id: &str) -> Response {
    reject(
        StatusCode::BAD_REQUEST,
        RejectionCode::UnknownPayment,
        format!("project {} has no payment `{payment_id}`", project.id),
    )
}

/// The operation that created `payment`.
pub(crate) fn origin<'a>(app: &'a App, payment: &Payment) -> Result<&'a Operation, Response> {
    app.catalog.by_id(&payment.operation).ok_or_else(|| {
        crate::app::internal(&format!("{} is no longer in the specs", payment.operation))
    })
}

/// The request the payment was opened with, if the sandbox kept it.
pub(crate) fn opening_request(p: &Payment) -> Option<Value> {
    p.request
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
}

/// The callback that asks again for what step `at` waits for (a refused
/// or renewed code): the asking step's callback, as first sent.
fn ask_again<'b>(
    project: &'b Project,
    payment_id: &str,
    origin: &'b Operation,
    at: usize,
    p: &Payment,
) -> Option<Builder<'b>> {
    let shape = origin.callback.as_ref()?;
    let step = &origin.lifecycle[asking(&origin.lifecycle, at)?];
    Some(step_callback(
        project,
        payment_id.to_string(),
        shape,
        step,
        p.status,
        false,
        Outcome {
            declined: false,
            pending: false,
            code: "0",
            message: "",
        },
        Carried::of(p),
    ))
}

/// A request some lifecycle waits for (it gives what a callback asked
/// for) or asks again with.
pub fn follow_up(app: &App, project: &Project, op: &Operation, value: &Value) -> Response {
    let id = payment_id(value);
    follow(app, project, op, value, |p, now| {
        let p = p.ok_or_else(|| unknown_payment(project, id))?;
        let origin = origin(app, p)?;
        let at = p.step.and_then(|s| usize::try_from(s).ok());
        let step = at.and_then(|i| origin.lifecycle.get(i));
        let not_waiting = || {
            refused(Refusal::new(
                RejectionCode::NotAwaitingClarification,
                format!(
                    "payment `{id}` is {}, not waiting for {}",
                    p.status, op.short_id
                ),
            ))
        };
        let (Some(at), Some(step)) = (at, step) else {
            return Err(not_waiting());
        };
        match &step.action {
            Action::Request { operation, gives } if *operation == op.id => {
                if let Some(pointer) = gives {
                    let given = value.pointer(pointer).and_then(Value::as_str);
                    let window = step.within.map(|w| scaled_ms(app, w));
                    let verdict = machine::judge_otp(window, p, given, now);
                    if verdict != Otp::Correct {
                        return Ok((
                            machine::refused_otp(p, &op.short_id, verdict),
                            ask_again(project, id, origin, at, p),
                        ));
                    }
                }
                moved_on(app, project, id, origin, p, at + 1, now, Entered::default())
            }
            _ => match &step.renew {
                Some(renew) if renew.operation.as_deref() == Some(op.id.as_str()) => {
                    let policy = renew.max.map(|max| (scaled_ms(app, renew.after), max));
                    if let Some(r) = machine::resend_refusal(policy, p, now) {
                        return Err(refused(r));
                    }
                    Ok((
                        machine::new_otp_sent(p, &op.short_id, new_otp(id), now),
                        ask_again(project, id, origin, at, p),
                    ))
                }
                _ => Err(not_waiting()),
            },
        }
    })
}

/// What the customer entered on the checkout page, for the callback.
#[derive(Default)]
pub struct Entered {
    /// Each callback member the customer filled, with its value.
    pub put: Vec<(String, Value)>,
    /// The merchant's customer id, from the page's parameters.
    pub customer: Option<String>,
}

/// The payment moves on from step `from` of its lifecycle: the change
/// (recorded as an operation of the payment's own kind) and the callback
/// the run sends, carrying the payment's values and what the customer
/// `entered`; a new code is dated `now` (the project's clock).
#[allow(clippy::too_many_arguments)]
pub fn moved_on<'b>(
    app: &'b App,
    project: &'b Project,
    id: &str,
    origin: &'b Operation,
    p: &Payment,
    from: usize,
    now: i64,
    entered: Entered,
) -> Decision<'b> {
    let settled = outcome(rule(app, origin), p.amount);
    run_on(app, project, id, origin, p, (from, now), entered, settled)
}

/// The payment held at callback step `held` waited past its deadline: it
/// declines, with that callback.
pub fn expired<'b>(
    app: &'b App,
    project: &'b Project,
    id: &str,
    origin: &'b Operation,
    p: &Payment,
    held: usize,
    now: i64,
) -> Decision<'b> {
    let settled = machine::expired(rule(app, origin));
    run_on(
        app,
        project,
        id,
        origin,
        p,
        (held, now),
        Entered::default(),
        settled,
    )
}

/// [`moved_on`] with its outcome decided.
#[allow(clippy::too_many_arguments)]
fn run_on<'b>(
    app: &'b App,
    project: &'b Project,
    id: &str,
    origin: &'b Operation,
    p: &Payment,
    (from, now): (usize, i64),
    entered: Entered,
    settled: Outcome<'b>,
) -> Decision<'b> {
    let adv = advance(app, project.id, id, origin, from, settled, p.status)?;
    let status = adv.status;
    let ended = adv.waits.is_none();
    let (code, message) = words(ended, status, settled);
    let change = Change {
        status,
        otp: adv.secret.clone().map(|s| (s, now)),
        step: adv.waits.map(|i| i as i64),
        deadline_ms: adv.deadline_ms,
        operation: Some(Recorded::new(origin_kind(origin), status, &code, &message)),
        ..machine::unchanged(p)
    };
    let body = match (origin.callback.as_ref(), adv.sends) {
        (Some(shape), Some(step)) => {
            let mut put = entered.put;
            put.extend(adv.put);
            Some(step_callback(
                project,
                id.to_string(),
                shape,
                step,
                status,
                ended,
                settled,
                Carried {
                    put,
                    customer: entered.customer,
                    ..Carried::of(p)
                },
            ))
        }
        _ => None,
    };
    Ok((change, body))
}

/// The operation type a payment's own operation is recorded as.
pub fn origin_kind(op: &Operation) -> &'static str {
    match op.role {
        crate::catalog::Role::Opens { kind } => kind,
        _ => "sale",
    }
}
