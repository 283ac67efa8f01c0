//! Builds a callback from an operation's documented callback with the
//! payment's real values, signs it, and holds it to the published rules.

use gatespec_runtime::signature::{SecretKey, sign};
use serde_json::{Value, json};

use crate::catalog::Callback;
use crate::machine::Status;

/// The facts a callback reports.
pub struct Facts<'a> {
    /// The project.
    pub project_id: i64,
    /// The merchant's payment id.
    pub payment_id: &'a str,
    /// The callback's statuses: the payment's and the operation's.
    pub status: (Status, Status),
    /// Whether to build from the documented decline (else the success).
    pub declined: bool,
    /// The payment's amount in minor units (what is left of it).
    pub amount: Option<i64>,
    /// The operation's own amount (a refund's), when it differs.
    pub operation_amount: Option<i64>,
    /// The currency, when the request had one.
    pub currency: Option<&'a str>,
    /// The operation's id on the platform.
    pub operation_id: i64,
    /// The id of the request that started the operation.
    pub request_id: &'a str,
    /// The operation's code (`0` for success).
    pub code: &'a str,
    /// The operation's message.
    pub message: &'a str,
    /// The customer's account, when the customer gave it: number and kind
    /// (the mobile network operator).
    pub account: Option<(&'a str, &'a str)>,
    /// The merchant's customer id, when the request had one.
    pub customer_id: Option<&'a str>,
}

impl<'a> Facts<'a> {
    /// The facts of an operation that succeeded with code `0`, with no
    /// amount, currency, account or customer: the one constructor, which
    /// each step adjusts with struct update syntax.
    pub fn new(
        project_id: i64,
        payment_id: &'a str,
        operation_id: i64,
        request_id: &'a str,
    ) -> Facts<'a> {
        Facts {
            project_id,
            payment_id,
            status: (Status::Success, Status::Success),
            declined: false,
            amount: None,
            operation_amount: None,
            currency: None,
            operation_id,
            request_id,
            code: "0",
            message: "Success",
            account: None,
            customer_id: None,
        }
    }
}

/// Sets the member at `pointer` to `value` when the documented callback has
/// it, keeping the documented JSON type of codes (a number stays a number).
fn set(doc: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = doc.pointer_mut(pointer) {
        *slot = match (&*slot, value) {
            (Value::Number(_), Value::String(s)) => {
                s.parse::<i64>().map_or(Value::String(s), |n| json!(n))
            }
            (Value::String(_), Value::Number(n)) => Value::String(n.to_string()),
            (_, v) => v,
        };
    }
}

/// The signed callback text for `facts`, or why it cannot be sent (it
/// would break the operation's published callback rules).
pub fn build(shape: &Callback, facts: &Facts<'_>, key: &SecretKey) -> Result<String, String> {
    let mut doc = if facts.declined {
        shape.decline.clone()
    } else {
        shape.success.clone()
    };
    set(&mut doc, "/project_id", json!(facts.project_id));
    set(&mut doc, "/payment/id", json!(facts.payment_id));
    set(&mut doc, "/payment/status", json!(facts.status.0.as_str()));
    set(&mut doc, "/operation/id", json!(facts.operation_id));
    set(&mut doc, "/operation/request_id", json!(facts.request_id));
    set(
        &mut doc,
        "/operation/status",
        json!(facts.status.1.as_str()),
    );
    set(&mut doc, "/operation/code", json!(facts.code));
    set(&mut doc, "/operation/message", json!(facts.message));
    if let Some((number, kind)) = facts.account {
        set(&mut doc, "/account/number", json!(number));
        set(&mut doc, "/account/type", json!(kind));
    }
    if let Some(id) = facts.customer_id {
        set(&mut doc, "/customer/id", json!(id));
    }
    // The callback reports a change made now (in the transaction that
    // queues it), not the example's moment.
    let now = platform_time(crate::store::now_ms());
    for at in [
        "/payment/date",
        "/operation/date",
        "/operation/created_date",
    ] {
        set(&mut doc, at, json!(now));
    }
    for sum in [
        "/payment/sum",
        "/operation/sum_initial",
        "/operation/sum_converted",
    ] {
        let amount = if sum.starts_with("/operation") {
            facts.operation_amount.or(facts.amount)
        } else {
            facts.amount
        };
        if let Some(a) = amount {
            set(&mut doc, &format!("{sum}/amount"), json!(a));
        }
        if let Some(c) = facts.currency {
            set(&mut doc, &format!("{sum}/currency"), json!(c));
        }
    }
    if let Some(obj) = doc.as_object_mut() {
        obj.remove("signature");
    }
    let signature = sign(&doc, key);
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("signature".into(), Value::String(signature));
    }
    let violations = (shape.rules)(&doc);
    if let Some(v) = violations.first() {
        return Err(format!(
            "the callback would break its published rules ({} violation(s), first: {v})",
            violations.len()
        ));
    }
    serde_json::to_string(&doc).map_err(|e| e.to_string())
}

/// A moment in the platform's form, `2024-12-07T19:08:45+0000`, in UTC.
pub fn platform_time(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+0000",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::platform_time;

    #[test]
    fn moments_are_written_in_the_platform_form() {
        assert_eq!(platform_time(0), "1970-01-01T00:00:00+0000");
        assert_eq!(platform_time(1_733_598_525_000), "2024-12-07T19:08:45+0000");
        assert_eq!(platform_time(951_782_400_000), "2000-02-29T00:00:00+0000");
        assert_eq!(platform_time(4_102_444_799_000), "2099-12-31T23:59:59+0000");
    }
}
