//! The records the store reads and writes: payments, their changes,
//! Payment Page sessions, callbacks due and delivery attempts.

use serde_json::Value;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::machine::{Payment, Status};

use super::group::Commit;

/// A status is stored as the text callbacks carry.
impl ToSql for Status {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

/// A status read back: text that is no status is a conversion error, not
/// a guess.
impl FromSql for Status {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Status::parse(text)
            .ok_or_else(|| FromSqlError::Other(format!("`{text}` is not a payment status").into()))
    }
}

/// A new payment, as the Gate accepted it.
pub struct NewPayment<'a> {
    /// The project.
    pub project_id: i64,
    /// The merchant's payment id.
    pub payment_id: &'a str,
    /// The operation that created it (`monetix/sbp-p2p/payout`).
    pub operation: &'a str,
    /// The operation's kind (`payout`).
    pub kind: &'a str,
    /// The status it starts in.
    pub status: Status,
    /// The amount in minor units.
    pub amount: Option<i64>,
    /// The currency.
    pub currency: Option<&'a str>,
    /// The operation's code and message.
    pub code: &'a str,
    /// See `code`.
    pub message: &'a str,
    /// The code sent to the customer (or the redirect's token), when the
    /// payment waits for one.
    pub otp: Option<&'a str>,
    /// The lifecycle step it waits at (none: it ended).
    pub step: Option<i64>,
    /// When that wait ends on the project's clock (Unix ms), if the
    /// lifecycle bounds it.
    pub deadline_ms: Option<i64>,
    /// The request as the Gate took it (JSON text), whose values later
    /// callbacks carry.
    pub request: Option<&'a str>,
    /// The Payment Page session opened with the payment, if any: its token
    /// and the request's parameters (JSON text).
    pub page: Option<(&'a str, &'a str)>,
}

impl<'a> NewPayment<'a> {
    /// A payout of 1.00 EUR in `operation` that succeeded at once: no
    /// request kept, no page, nothing to wait for. What the store's tests
    /// and the sandbox bench write when only the writing matters.
    pub fn settled_payout(project_id: i64, payment_id: &'a str, operation: &'a str) -> Self {
        NewPayment {
            project_id,
            payment_id,
            operation,
            kind: "payout",
            status: Status::SUCCESS,
            amount: Some(100),
            currency: Some("EUR"),
            code: "0",
            message: "Success",
            otp: None,
            step: None,
            deadline_ms: None,
            request: None,
            page: None,
        }
    }
}

/// A Payment Page session: the customer's side of one payment.
#[derive(Debug, Clone)]
pub struct Page {
    /// The project.
    pub project_id: i64,
    /// The merchant's payment id.
    pub payment_id: String,
    /// The request's parameters, typed.
    pub params: Value,
    /// The customer's state on the page.
    pub state: PageState,
    /// The payment.
    pub payment: Payment,
}

/// What the customer has done on a Payment Page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageState {
    /// The method chosen (its code).
    pub method: Option<String>,
    /// What the customer entered: each callback member (a JSON pointer)
    /// with its value.
    pub entries: Vec<(String, String)>,
    /// What the page tells the customer next (a wrong code, say).
    pub notice: Option<String>,
}

/// What creating a payment gave.
pub enum Created {
    /// The payment is new: its operation's id and request id.
    New {
        /// The operation row's id.
        operation_id: i64,
        /// The request id the Gate answers with.
        request_id: String,
    },
    /// The project already has a payment with this id.
    Duplicate,
}

/// A callback due for delivery.
pub struct Due {
    /// The callback's id.
    pub id: i64,
    /// The project it belongs to.
    pub project_id: i64,
    /// Where it goes.
    pub url: String,
    /// The signed body.
    pub body: String,
    /// Attempts made so far.
    pub attempts: i64,
}

/// One delivery attempt, as recorded.
#[derive(Debug)]
pub struct Attempt {
    /// The callback's id.
    pub id: i64,
    /// When the attempt ended.
    pub at_ms: i64,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why there was no answer, when there was none.
    pub error: Option<String>,
    /// The start of the receiver's answer.
    pub answer: Option<String>,
    /// Whether the receiver accepted it (2xx).
    pub delivered: bool,
    /// When to try again, if it did not.
    pub next_ms: i64,
}

/// Builds a callback's text from its operation id, its request id and the
/// moment it is recorded on the project's clock (Unix ms), which the
/// callback's dates report.
pub type Builder<'b> = Box<dyn FnOnce(i64, &str, i64) -> Result<String, String> + 'b>;

/// A new payment written into the open batch, not yet committed.
#[derive(Debug)]
pub enum Staged {
    /// The payment is new: its operation's id and request id, and its
    /// place in the batch.
    New {
        /// The operation row's id.
        operation_id: i64,
        /// The request id the Gate answers with.
        request_id: String,
        /// Resolves when the batch is committed.
        commit: Commit,
    },
    /// The project already has a payment with this id.
    Duplicate,
}
