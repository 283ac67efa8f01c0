//! The payment state machine: a payment's state ([`Payment`]), which
//! status it reaches from which, and what each step records ([`Change`]). Pure: no HTTP, no SQL, no clock and no
//! randomness (the caller passes the time and a fresh OTP), so every rule
//! is unit-tested here. The handlers (`flows`, `page`) turn a [`Refusal`]
//! into an answer and a [`Change`] into a transaction.

use std::fmt;

use gatespec_runtime::rejection::RejectionCode;

use crate::config::Outcomes;

/// A payment's or an operation's status, as callbacks carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Settled successfully.
    Success,
    /// Declined.
    Decline,
    /// Waiting for the customer's OTP (seed 003).
    AwaitingClarification,
    /// Waiting for the customer on the Payment Page.
    AwaitingCustomer,
    /// Refunded in full.
    Refunded,
    /// Refunded in part.
    PartiallyRefunded,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 6] = [
        Status::Success,
        Status::Decline,
        Status::AwaitingClarification,
        Status::AwaitingCustomer,
        Status::Refunded,
        Status::PartiallyRefunded,
    ];

    /// The status as callbacks and the database write it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Decline => "decline",
            Status::AwaitingClarification => "awaiting clarification",
            Status::AwaitingCustomer => "awaiting customer",
            Status::Refunded => "refunded",
            Status::PartiallyRefunded => "partially refunded",
        }
    }

    /// The status written as `text`, if it is one.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
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
    /// The current OTP.
    pub otp: Option<String>,
    /// When the current OTP was created.
    pub otp_ms: Option<i64>,
    /// How many new OTPs were asked for.
    pub resends: i64,
    /// How much has been refunded, in minor units.
    pub refunded: i64,
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
    /// The operation recorded, if any.
    pub operation: Option<Recorded>,
}

/// An operation as recorded with its payment's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Its kind (`sale`, `clarification`, `otp-resend`, `refund`).
    pub kind: &'static str,
    /// Its status.
    pub status: Status,
    /// Its code (`0` for success).
    pub code: String,
    /// Its message.
    pub message: String,
}

impl Recorded {
    /// An operation of `kind` with its status, code and message.
    pub fn new(kind: &'static str, status: Status, code: &str, message: &str) -> Recorded {
        Recorded {
            kind,
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
    fn new(code: RejectionCode, message: String) -> Refusal {
        Refusal { code, message }
    }
}

/// How a payment that settles ends, by the configured outcome rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome<'a> {
    /// Whether it is declined.
    pub declined: bool,
    /// The operation's code.
    pub code: &'a str,
    /// The operation's message.
    pub message: &'a str,
}

impl Outcome<'_> {
    /// The status it ends in.
    pub fn status(&self) -> Status {
        if self.declined {
            Status::Decline
        } else {
            Status::Success
        }
    }
}

/// The outcome rule: declined when the amount's last two minor-unit digits
/// are configured as a decline, else success.
pub fn outcome(rules: &Outcomes, amount: Option<i64>) -> Outcome<'_> {
    let declined = amount.is_some_and(|a| {
        rules
            .decline_minor_units
            .iter()
            .any(|&d| a.rem_euclid(100) == i64::from(d))
    });
    if declined {
        Outcome {
            declined: true,
            code: &rules.decline_code,
            message: &rules.decline_message,
        }
    } else {
        Outcome {
            declined: false,
            code: "0",
            message: "Success",
        }
    }
}

/// The status, code and message a new payment starts with: waiting for
/// its OTP, or settled by the outcome rule at once.
pub fn opening(waits_for_otp: bool, settled: Outcome<'_>) -> (Status, &str, &str) {
    if waits_for_otp {
        (Status::AwaitingClarification, "0", "Awaiting clarification")
    } else {
        (settled.status(), settled.code, settled.message)
    }
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
    /// The operation's message for the verdict.
    pub fn message(self) -> &'static str {
        match self {
            Otp::Correct => "Success",
            Otp::Wrong => "Wrong OTP",
            Otp::Expired => "Expired OTP",
        }
    }
}

/// A follow-up that needs a payment waiting for its OTP.
pub fn waiting(p: &Payment, payment_id: &str) -> Result<(), Refusal> {
    if p.status == Status::AwaitingClarification {
        return Ok(());
    }
    Err(Refusal::new(
        RejectionCode::NotAwaitingClarification,
        format!(
            "payment `{payment_id}` is {}, not waiting for an OTP",
            p.status
        ),
    ))
}

/// Judges `given` against the payment's current OTP, valid for `window_ms`
/// after it was sent (no window: it never expires).
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

/// Why a new OTP may not be sent now, under `policy` (the wait after the
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
        operation: None,
    }
}

/// A refused OTP: the payment keeps waiting, the clarification declined.
pub fn refused_otp(p: &Payment, verdict: Otp) -> Change {
    Change {
        status: Status::AwaitingClarification,
        operation: Some(Recorded::new(
            "clarification",
            Status::Decline,
            "0",
            verdict.message(),
        )),
        ..unchanged(p)
    }
}

/// A new OTP sent at `now`, counted against the resend budget.
pub fn new_otp_sent(p: &Payment, otp: String, now: i64) -> Change {
    Change {
        status: Status::AwaitingClarification,
        otp: Some((otp, now)),
        resends: p.resends + 1,
        operation: Some(Recorded::new(
            "otp-resend",
            Status::Success,
            "0",
            "A new OTP was sent",
        )),
        ..unchanged(p)
    }
}

/// The customer gave the account on the Payment Page and the method asks
/// for an OTP: the sale waits for it.
pub fn awaiting_otp(p: &Payment, otp: String, now: i64) -> Change {
    Change {
        status: Status::AwaitingClarification,
        otp: Some((otp, now)),
        operation: Some(Recorded::new(
            "sale",
            Status::AwaitingClarification,
            "0",
            "Awaiting clarification",
        )),
        ..unchanged(p)
    }
}

/// The sale settles with `outcome`.
pub fn settled(p: &Payment, outcome: Outcome<'_>) -> Change {
    let status = outcome.status();
    Change {
        status,
        operation: Some(Recorded::new("sale", status, outcome.code, outcome.message)),
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

/// A refund of `requested` (all that is left when none) in `currency` of
/// payment `p`, which `origin` (the operation that created it) names;
/// only a purchase (`refundable_kind`) that succeeded is refunded, in its
/// own currency, up to what is left.
pub fn refund(
    p: &Payment,
    payment_id: &str,
    origin: (&str, bool),
    currency: Option<&str>,
    requested: Option<i64>,
) -> Result<Refund, Refusal> {
    let (origin_id, refundable_kind) = origin;
    let refundable =
        refundable_kind && matches!(p.status, Status::Success | Status::PartiallyRefunded);
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
        Status::Refunded
    } else {
        Status::PartiallyRefunded
    };
    Ok(Refund {
        change: Change {
            status,
            refunded: p.refunded + amount,
            operation: Some(Recorded::new("refund", Status::Success, "0", "Success")),
            ..unchanged(p)
        },
        amount,
        remaining,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        }
    }

    fn rules() -> Outcomes {
        Outcomes {
            decline_minor_units: vec![13],
            decline_code: "20602".into(),
            decline_message: "Declined".into(),
        }
    }

    #[test]
    fn every_status_reads_back_from_its_text() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("Success"), None);
    }

    #[test]
    fn the_outcome_rule_declines_the_configured_minor_units() {
        let r = rules();
        assert!(outcome(&r, Some(1013)).declined);
        assert_eq!(outcome(&r, Some(1013)).code, "20602");
        assert!(!outcome(&r, Some(1014)).declined);
        assert!(!outcome(&r, None).declined);
        assert!(outcome(&r, Some(-87)).declined, "-87 is 13 modulo 100");
        assert_eq!(
            opening(true, outcome(&r, Some(1013))).0,
            Status::AwaitingClarification
        );
        assert_eq!(opening(false, outcome(&r, Some(1013))).0, Status::Decline);
    }

    #[test]
    fn an_otp_is_right_wrong_or_expired() {
        let p = payment(Status::AwaitingClarification);
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
        let refused = refused_otp(&p, Otp::Expired);
        assert_eq!(refused.status, Status::AwaitingClarification);
        assert_eq!(
            refused.operation.map(|o| (o.status, o.message)),
            Some((Status::Decline, "Expired OTP".to_string()))
        );
    }

    #[test]
    fn a_new_otp_waits_its_turn_and_its_budget() {
        let mut p = payment(Status::AwaitingClarification);
        let policy = Some((80, 3));
        assert_eq!(
            resend_refusal(policy, &p, 1_079).map(|r| r.code),
            Some(RejectionCode::OtpResendTooEarly)
        );
        assert_eq!(resend_refusal(policy, &p, 1_080), None);
        let change = new_otp_sent(&p, "654321".into(), 1_080);
        assert_eq!(change.resends, 1);
        assert_eq!(change.otp, Some(("654321".into(), 1_080)));
        p.resends = 3;
        assert_eq!(
            resend_refusal(policy, &p, 5_000).map(|r| r.code),
            Some(RejectionCode::OtpResendLimit)
        );
        assert_eq!(resend_refusal(None, &p, 0), None);
    }

    #[test]
    fn only_a_waiting_payment_takes_an_otp() {
        assert!(waiting(&payment(Status::AwaitingClarification), "p").is_ok());
        let refused = waiting(&payment(Status::Success), "p").unwrap_err();
        assert_eq!(refused.code, RejectionCode::NotAwaitingClarification);
        assert!(
            refused.message.contains("is success"),
            "{}",
            refused.message
        );
    }

    #[test]
    fn a_settled_sale_takes_the_outcomes_status() {
        let p = payment(Status::AwaitingClarification);
        let r = rules();
        let declined = settled(&p, outcome(&r, Some(13)));
        assert_eq!(declined.status, Status::Decline);
        assert_eq!(declined.operation.map(|o| o.code), Some("20602".into()));
        assert_eq!(settled(&p, outcome(&r, Some(1))).status, Status::Success);
    }

    #[test]
    fn refunds_return_what_is_left_of_a_successful_purchase() {
        let p = payment(Status::Success);
        let part = refund(&p, "p", ("m/purchase", true), Some("KZT"), Some(400)).unwrap();
        assert_eq!((part.amount, part.remaining), (400, 600));
        assert_eq!(part.change.status, Status::PartiallyRefunded);
        assert_eq!(part.change.refunded, 400);
        let mut rest = p.clone();
        rest.status = Status::PartiallyRefunded;
        rest.refunded = 400;
        let all = refund(&rest, "p", ("m/purchase", true), None, None).unwrap();
        assert_eq!((all.amount, all.remaining), (600, 0));
        assert_eq!(all.change.status, Status::Refunded);
        let code = |r: Result<Refund, Refusal>| r.map(|_| ()).unwrap_err().code;
        assert_eq!(
            code(refund(&p, "p", ("m/purchase", true), None, Some(1001))),
            RejectionCode::RefundExceedsAmount
        );
        assert_eq!(
            code(refund(&p, "p", ("m/purchase", true), Some("USD"), None)),
            RejectionCode::CurrencyMismatch
        );
        assert_eq!(
            code(refund(&p, "p", ("m/payout", false), None, None)),
            RejectionCode::NotRefundable
        );
        assert_eq!(
            code(refund(
                &payment(Status::Decline),
                "p",
                ("m/purchase", true),
                None,
                None
            )),
            RejectionCode::NotRefundable
        );
        let mut done = p.clone();
        done.status = Status::Refunded;
        done.refunded = 1000;
        assert_eq!(
            code(refund(&done, "p", ("m/purchase", true), None, None)),
            RejectionCode::NotRefundable
        );
    }

    #[test]
    fn an_account_step_that_needs_an_otp_waits_for_it() {
        let p = payment(Status::AwaitingCustomer);
        let c = awaiting_otp(&p, "111111".into(), 9);
        assert_eq!(c.status, Status::AwaitingClarification);
        assert_eq!(c.otp, Some(("111111".into(), 9)));
        assert_eq!(unchanged(&p).status, Status::AwaitingCustomer);
        assert!(unchanged(&p).operation.is_none());
    }
}
