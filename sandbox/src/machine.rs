//! The payment state machine: a payment's state ([`Payment`]), which
//! status it reaches from which, and what each step records ([`Change`]). Pure: no HTTP, no SQL, no clock and no
//! randomness (the caller passes the time and a fresh OTP), so every rule
//! is unit-tested here. The handlers (`flows`, `page`) turn a [`Refusal`]
//! into an answer and a [`Change`] into a transaction.

use std::fmt;

use gatespec_runtime::rejection::RejectionCode;

use crate::config::Outcomes;

/// A payment's or an operation's status, as callbacks carry it: the
/// platform's few the sandbox's own mechanics use (a refund, a settled
/// outcome, a checkout page waiting for its customer) and whatever the
/// specs' lifecycles name (`awaiting clarification`, `awaiting redirect
/// result`), each interned once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Status(&'static str);

/// The statuses written so far beyond the built-in ones; each text is
/// leaked once, so a status is `Copy`. Bounded: the specs name a handful,
/// and text longer than [`Status::MAX_LEN`] is no status.
static INTERNED: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

impl Status {
    /// Settled successfully.
    pub const SUCCESS: Status = Status("success");
    /// Declined.
    pub const DECLINE: Status = Status("decline");
    /// Waiting for the customer on the Payment Page.
    pub const AWAITING_CUSTOMER: Status = Status("awaiting customer");
    /// Refunded in full.
    pub const REFUNDED: Status = Status("refunded");
    /// Refunded in part.
    pub const PARTIALLY_REFUNDED: Status = Status("partially refunded");
    /// Taken, its result not yet known (a payment the testing rule leaves
    /// pending).
    pub const PROCESSING: Status = Status("processing");
    /// The statuses the sandbox's own mechanics use.
    pub const BUILT_IN: [Status; 6] = [
        Status::SUCCESS,
        Status::DECLINE,
        Status::AWAITING_CUSTOMER,
        Status::REFUNDED,
        Status::PARTIALLY_REFUNDED,
        Status::PROCESSING,
    ];
    /// The longest status text.
    pub const MAX_LEN: usize = 64;

    /// The status as callbacks and the database write it.
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// The status written as `text`: lower-case words of letters and
    /// spaces, at most [`Status::MAX_LEN`] bytes, as the platform writes
    /// them; anything else is none.
    pub fn parse(text: &str) -> Option<Status> {
        if let Some(s) = Status::BUILT_IN.into_iter().find(|s| s.0 == text) {
            return Some(s);
        }
        let well_formed = !text.is_empty()
            && text.len() <= Status::MAX_LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b' ' || b == b'-')
            && !text.starts_with(' ')
            && !text.ends_with(' ');
        if !well_formed {
            return None;
        }
        let mut interned = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = interned.iter().find(|s| **s == text) {
            return Some(Status(s));
        }
        let leaked: &'static str = Box::leak(text.to_string().into_boxed_str());
        interned.push(leaked);
        Some(Status(leaked))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payment as recorded.
#[derive(Debug, Clone)]
pub struct Payment {
    /// The operation that created it.
    pub operation: String,
    /// Its status.
    pub status: Status,
    /// Its amount in minor units.
    pub amount: Option<i64>,
    /// Its currency.
    pub currency: Option<String>,
    /// What the platform asked to be given back (an OTP sent to the
    /// customer), or the token of the redirect the customer is sent to.
    pub otp: Option<String>,
    /// When it was created.
    pub otp_ms: Option<i64>,
    /// How many times it was asked for again.
    pub resends: i64,
    /// How much has been refunded, in minor units.
    pub refunded: i64,
    /// The lifecycle step of its operation it waits at; none once it ended.
    pub step: Option<i64>,
    /// The request that opened it (JSON text), whose values its callbacks
    /// carry.
    pub request: Option<String>,
}

/// What a follow-up request does to its payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The payment's new status.
    pub status: Status,
    /// A new OTP (and its creation time), or none to keep the current one.
    pub otp: Option<(String, i64)>,
    /// The new count of OTP resends.
    pub resends: i64,
    /// The new refunded total.
    pub refunded: i64,
    /// The step it waits at next (none once it ended).
    pub step: Option<i64>,
    /// When that wait ends on the project's clock (Unix ms), if the
    /// lifecycle bounds it; kept as it was when the step does not change.
    pub deadline_ms: Option<i64>,
    /// The operation recorded, if any.
    pub operation: Option<Recorded>,
}

/// An operation as recorded with its payment's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Its kind (`sale`, `payout`, or the id of the follow-up operation:
    /// `clarification`, `otp-resend`, `refund`).
    pub kind: String,
    /// Its status.
    pub status: Status,
    /// Its code (`0` for success).
    pub code: String,
    /// Its message.
    pub message: String,
}

impl Recorded {
    /// An operation of `kind` with its status, code and message.
    pub fn new(kind: &str, status: Status, code: &str, message: &str) -> Recorded {
        Recorded {
            kind: kind.to_string(),
            status,
            code: code.to_string(),
            message: message.to_string(),
        }
    }
}

/// Why a request cannot change the payment: the rejection's code and
/// message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The rejection's `code`.
    pub code: RejectionCode,
    /// The rejection's message.
    pub message: String,
}

impl Refusal {
    /// A refusal with its code and message.
    pub fn new(code: RejectionCode, message: String) -> Refusal {
        Refusal { code, message }
    }
}

/// How a payment that settles ends, by the outcome rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome<'a> {
    /// Whether it is declined.
    pub declined: bool,
    /// Whether it is never processed: the payment waits for its final
    /// callback (until its deadline, if the lifecycle sets one).
    pub pending: bool,
    /// The operation's code.
    pub code: &'a str,
    /// The operation's message.
    pub message: &'a str,
}

impl Outcome<'_> {
    /// The status it ends in, of those a lifecycle's final callback may
    /// carry: `decline` when declined and listed, else the first.
    pub fn status(&self, among: &[Status]) -> Status {
        let first = among.first().copied().unwrap_or(Status::SUCCESS);
        if self.declined && (among.is_empty() || among.contains(&Status::DECLINE)) {
            Status::DECLINE
        } else {
            first
        }
    }
}

/// The outcome rule: declined when the amount's last two minor-unit digits
/// are one of the rule's, else success. No rule: every payment succeeds.
pub fn outcome(rules: Option<&Outcomes>, amount: Option<i64>) -> Outcome<'_> {
    let ends_in = |digits: &[u8]| {
        amount.is_some_and(|a| digits.iter().any(|&d| a.rem_euclid(100) == i64::from(d)))
    };
    match rules {
        Some(r) if ends_in(&r.decline_minor_units) => expired(Some(r)),
        Some(r) if ends_in(&r.pending_minor_units) => Outcome {
            pending: true,
            ..succeeded()
        },
        _ => succeeded(),
    }
}

fn succeeded() -> Outcome<'static> {
    Outcome {
        declined: false,
        pending: false,
        code: "0",
        message: "Success",
    }
}

/// The outcome of a payment declined by the rule (an amount that
/// declines), or whose wait for its result outlived its deadline.
pub fn expired(rules: Option<&Outcomes>) -> Outcome<'_> {
    Outcome {
        declined: true,
        pending: false,
        code: rules.map_or("decline", |r| &r.decline_code),
        message: rules.map_or("Decline", |r| &r.decline_message),
    }
}

/// What a code the customer gave is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Otp {
    /// The current code, in time.
    Correct,
    /// Not the current code.
    Wrong,
    /// The current code's window has passed.
    Expired,
}

impl Otp {
    /// The operation's message for the verdict.
    pub fn message(self) -> &'static str {
        match self {
            Otp::Correct => "Success",
            Otp::Wrong => "Wrong OTP",
            Otp::Expired => "Expired OTP",
        }
    }
}

/// Judges `given` against the payment's current code, valid for
/// `window_ms` after it was sent (no window: it never expires).
pub fn judge_otp(window_ms: Option<i64>, p: &Payment, given: Option<&str>, now: i64) -> Otp {
    let window = window_ms.unwrap_or(i64::MAX);
    if p.otp_ms.is_none_or(|at| now.saturating_sub(at) > window) {
        Otp::Expired
    } else if given.is_some() && given == p.otp.as_deref() {
        Otp::Correct
    } else {
        Otp::Wrong
    }
}

/// Why a new code may not be sent now, under `policy` (the wait after the
/// last one in milliseconds, and how many may be sent), if it may not.
pub fn resend_refusal(policy: Option<(i64, u32)>, p: &Payment, now: i64) -> Option<Refusal> {
    let (after, max) = policy?;
    if p.otp_ms.is_some_and(|at| now.saturating_sub(at) < after) {
        return Some(Refusal::new(
            RejectionCode::OtpResendTooEarly,
            format!("a new OTP may be asked for {after} ms after the last one"),
        ));
    }
    (p.resends >= i64::from(max)).then(|| {
        Refusal::new(
            RejectionCode::OtpResendLimit,
            format!("a new OTP may be asked for at most {max} times"),
        )
    })
}

/// The payment as it is, recording nothing (a step that only tells the
/// customer something).
pub fn unchanged(p: &Payment) -> Change {
    Change {
        status: p.status,
        otp: None,
        resends: p.resends,
        refunded: p.refunded,
        step: p.step,
        deadline_ms: None,
        operation: None,
    }
}

/// A refused code: the payment keeps waiting, the follow-up (of `kind`)
/// declined.
pub fn refused_otp(p: &Payment, kind: &str, verdict: Otp) -> Change {
    Change {
        operation: Some(Recorded::new(kind, Status::DECLINE, "0", verdict.message())),
        ..unchanged(p)
    }
}

/// A new code sent at `now` at the request of `kind`, counted against the
/// budget.
pub fn new_otp_sent(p: &Payment, kind: &str, otp: String, now: i64) -> Change {
    Change {
        otp: Some((otp, now)),
        resends: p.resends + 1,
        operation: Some(Recorded::new(
            kind,
            Status::SUCCESS,
            "0",
            "A new OTP was sent",
        )),
        ..unchanged(p)
    }
}

/// A refund's effect: the change, the amount refunded and what is left.
#[derive(Debug)]
pub struct Refund {
    /// The payment's change.
    pub change: Change,
    /// The amount this refund returns.
    pub amount: i64,
    /// What is left to refund after it.
    pub remaining: i64,
}

/// A refund (recorded as an operation of `kind`) of `requested` (all that
/// is left when none) in `currency` of payment `p`, which `origin` (the operation that created it) names;
/// only a purchase (`refundable_kind`) that succeeded is refunded, in its
/// own currency, up to what is left.
pub fn refund(
    p: &Payment,
    payment_id: &str,
    kind: &'static str,
    origin: (&str, bool),
    currency: Option<&str>,
    requested: Option<i64>,
) -> Result<Refund, Refusal> {
    let (origin_id, refundable_kind) = origin;
    let refundable =
        refundable_kind && matches!(p.status, Status::SUCCESS | Status::PARTIALLY_REFUNDED);
    if !refundable {
        return Err(Refusal::new(
            RejectionCode::NotRefundable,
            format!(
                "payment `{payment_id}` is a {origin_id} that is {}: only a successful purchase is refunded",
                p.status
            ),
        ));
    }
    if let (Some(c), Some(own)) = (currency, &p.currency)
        && c != own
    {
        return Err(Refusal::new(
            RejectionCode::CurrencyMismatch,
            format!("payment `{payment_id}` is in {own}, not {c}"),
        ));
    }
    let left = p.amount.unwrap_or(0) - p.refunded;
    let amount = requested.unwrap_or(left);
    if amount > left || left == 0 {
        return Err(Refusal::new(
            RejectionCode::RefundExceedsAmount,
            format!("payment `{payment_id}` has {left} left to refund, not {amount}"),
        ));
    }
    let remaining = left - amount;
    let status = if remaining == 0 {
        Status::REFUNDED
    } else {
        Status::PARTIALLY_REFUNDED
    };
    Ok(Refund {
        change: Change {
            status,
            refunded: p.refunded + amount,
            operation: Some(Recorded::new(kind, Status::SUCCESS, "0", "Success")),
            ..unchanged(p)
        },
        amount,
        remaining,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiting() -> Status {
        Status::parse("awaiting clarification").expect("a status")
    }

    fn payment(status: Status) -> Payment {
        Payment {
            operation: "monetix/mobile/purchase".into(),
            status,
            amount: Some(1000),
            currency: Some("KZT".into()),
            otp: Some("123456".into()),
            otp_ms: Some(1_000),
            resends: 0,
            refunded: 0,
            step: Some(2),
            request: None,
        }
    }

    fn rules() -> Outcomes {
        Outcomes {
            decline_minor_units: vec![13],
            pending_minor_units: vec![77],
            decline_code: "20602".into(),
            decline_message: "Declined".into(),
        }
    }

    #[test]
    fn statuses_read_back_from_their_text_and_nothing_else_is_one() {
        for s in Status::BUILT_IN {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        let named = Status::parse("awaiting redirect result").expect("a lifecycle's status");
        assert_eq!(Status::parse("awaiting redirect result"), Some(named));
        assert_eq!(named.as_str(), "awaiting redirect result");
        for bad in ["Success", "", " success", "a;b", &"x".repeat(65)] {
            assert_eq!(Status::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_outcome_rule_declines_the_configured_minor_units() {
        let r = rules();
        assert!(outcome(Some(&r), Some(1013)).declined);
        assert_eq!(outcome(Some(&r), Some(1013)).code, "20602");
        assert!(!outcome(Some(&r), Some(1014)).declined);
        assert!(!outcome(Some(&r), None).declined);
        assert!(!outcome(None, Some(1013)).declined, "no rule: success");
        assert!(outcome(Some(&r), Some(1077)).pending);
        assert!(!outcome(Some(&r), Some(1077)).declined);
        assert!(!outcome(Some(&r), Some(1013)).pending);
        assert!(!outcome(None, Some(1077)).pending, "no rule: success");
        let late = expired(Some(&r));
        assert!(late.declined && !late.pending);
        assert_eq!(late.code, "20602");
        assert!(
            outcome(Some(&r), Some(-87)).declined,
            "-87 is 13 modulo 100"
        );
        let both = [Status::SUCCESS, Status::DECLINE];
        assert_eq!(outcome(Some(&r), Some(1013)).status(&both), Status::DECLINE);
        assert_eq!(outcome(Some(&r), Some(1014)).status(&both), Status::SUCCESS);
        assert_eq!(
            outcome(Some(&r), Some(1013)).status(&[Status::SUCCESS]),
            Status::SUCCESS,
            "a lifecycle that never declines"
        );
    }

    #[test]
    fn a_code_is_right_wrong_or_expired() {
        let p = payment(waiting());
        assert_eq!(
            judge_otp(Some(500), &p, Some("123456"), 1_500),
            Otp::Correct
        );
        assert_eq!(judge_otp(Some(500), &p, Some("123457"), 1_500), Otp::Wrong);
        assert_eq!(judge_otp(Some(500), &p, None, 1_500), Otp::Wrong);
        assert_eq!(
            judge_otp(Some(500), &p, Some("123456"), 1_501),
            Otp::Expired
        );
        assert_eq!(judge_otp(None, &p, Some("123456"), i64::MAX), Otp::Correct);
        let refused = refused_otp(&p, "clarification", Otp::Expired);
        assert_eq!(refused.status, waiting());
        assert_eq!(refused.step, Some(2), "it keeps waiting at its step");
        assert_eq!(
            refused.operation.map(|o| (o.kind, o.status, o.message)),
            Some((
                "clarification".to_string(),
                Status::DECLINE,
                "Expired OTP".to_string()
            ))
        );
    }

    #[test]
    fn a_new_code_waits_its_turn_and_its_budget() {
        let mut p = payment(waiting());
        let policy = Some((80, 3));
        assert_eq!(
            resend_refusal(policy, &p, 1_079).map(|r| r.code),
            Some(RejectionCode::OtpResendTooEarly)
        );
        assert_eq!(resend_refusal(policy, &p, 1_080), None);
        let change = new_otp_sent(&p, "otp-resend", "654321".into(), 1_080);
        assert_eq!(change.resends, 1);
        assert_eq!(change.otp, Some(("654321".into(), 1_080)));
        assert_eq!(change.status, waiting());
        p.resends = 3;
        assert_eq!(
            resend_refusal(policy, &p, 5_000).map(|r| r.code),
            Some(RejectionCode::OtpResendLimit)
        );
        assert_eq!(resend_refusal(None, &p, 0), None);
    }

    #[test]
    fn refunds_return_what_is_left_of_a_successful_purchase() {
        let p = payment(Status::SUCCESS);
        let refund = |p: &Payment, origin, currency, amount| {
            super::refund(p, "p", "refund", origin, currency, amount)
        };
        let part = refund(&p, ("m/purchase", true), Some("KZT"), Some(400)).unwrap();
        assert_eq!((part.amount, part.remaining), (400, 600));
        assert_eq!(part.change.status, Status::PARTIALLY_REFUNDED);
        assert_eq!(part.change.refunded, 400);
        let mut rest = p.clone();
        rest.status = Status::PARTIALLY_REFUNDED;
        rest.refunded = 400;
        let all = refund(&rest, ("m/purchase", true), None, None).unwrap();
        assert_eq!((all.amount, all.remaining), (600, 0));
        assert_eq!(all.change.status, Status::REFUNDED);
        let code = |r: Result<Refund, Refusal>| r.map(|_| ()).unwrap_err().code;
        assert_eq!(
            code(refund(&p, ("m/purchase", true), None, Some(1001))),
            RejectionCode::RefundExceedsAmount
        );
        assert_eq!(
            code(refund(&p, ("m/purchase", true), Some("USD"), None)),
            RejectionCode::CurrencyMismatch
        );
        assert_eq!(
            code(refund(&p, ("m/payout", false), None, None)),
            RejectionCode::NotRefundable
        );
        assert_eq!(
            code(refund(
                &payment(Status::DECLINE),
                ("m/purchase", true),
                None,
                None
            )),
            RejectionCode::NotRefundable
        );
        let mut done = p.clone();
        done.status = Status::REFUNDED;
        done.refunded = 1000;
        assert_eq!(
            code(refund(&done, ("m/purchase", true), None, None)),
            RejectionCode::NotRefundable
        );
    }

    #[test]
    fn an_unchanged_payment_records_nothing() {
        let p = payment(Status::AWAITING_CUSTOMER);
        assert_eq!(unchanged(&p).status, Status::AWAITING_CUSTOMER);
        assert!(unchanged(&p).operation.is_none());
    }
}
