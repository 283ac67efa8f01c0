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
    /// Members to write as given (a JSON pointer and its value): what the
    /// customer entered on the checkout page, the URL of a redirect.
    pub put: Vec<(String, Value)>,
    /// The merchant's customer id, when the request had one.
    pub customer_id: Option<&'a str>,
    /// The request that opened the payment: a member the callback has at
    /// the same place carries the request's value.
    pub request: Option<&'a Value>,
    /// The step's own documented callback, to build from instead of the
    /// operation's success or decline example.
    pub base: Option<&'a Value>,
    /// When it happened, on the project's clock (Unix ms).
    pub at_ms: i64,
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
            status: (Status::SUCCESS, Status::SUCCESS),
            declined: false,
            amount: None,
            operation_amount: None,
            currency: None,
            operation_id,
            request_id,
            code: "0",
            message: "Success",
            put: Vec::new(),
            customer_id: None,
            request: None,
            base: None,
            at_ms: crate::store::now_ms(),
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

/// Writes `value` at `pointer`, creating the objects on the way (a
/// member the documented callback lacks, such as the redirect data of a
/// step the documents give no example of).
fn put(doc: &mut Value, pointer: &str, value: Value) {
    let Some(rest) = pointer.strip_prefix('/') else {
        return;
    };
    let mut at = doc;
    let keys: Vec<String> = rest
        .split('/')
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
        .collect();
    for (i, key) in keys.iter().enumerate() {
        let Value::Object(map) = at else { return };
        if i + 1 == keys.len() {
            map.insert(key.clone(), value);
            return;
        }
        at = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
}

/// Copies into `doc` each scalar of `request` whose place `doc` also has
/// with the same JSON type (the customer's id, the account number): the
/// callback then reports the request's values, not the example's.
fn mirror(doc: &mut Value, request: &Value, at: &mut String) {
    match request {
        Value::Object(map) => {
            for (k, v) in map {
                if at.is_empty() && (k == "signature" || k == "general") {
                    continue;
                }
                let len = at.len();
                at.push('/');
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                mirror(doc, v, at);
                at.truncate(len);
            }
        }
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            if let Some(slot) = doc.pointer_mut(at)
                && std::mem::discriminant(&*slot) == std::mem::discriminant(request)
            {
                *slot = request.clone();
            }
        }
        _ => {}
    }
}

/// The signed callback text for `facts`, or why it cannot be sent (it
/// would break the operation's published callback rules).
pub fn build(shape: &Callback, facts: &Facts<'_>, key: &SecretKey) -> Result<String, String> {
    let mut doc = signed(compose(shape, facts, true), key);
    let mut violations = (shape.rules)(&doc);
    // A request value the callback's rules do not take (the request's
    // rules differ) leaves the documented value in its place.
    if !violations.is_empty() && facts.request.is_some() {
        doc = signed(compose(shape, facts, false), key);
        violations = (shape.rules)(&doc);
    }
    if let Some(v) = violations.first() {
        return Err(format!(
            "the callback would break its published rules ({} violation(s), first: {v})",
            violations.len()
        ));
    }
    serde_json::to_string(&doc).map_err(|e| e.to_string())
}

/// `doc` with its signature (made over the rest) in place.
fn signed(mut doc: Value, key: &SecretKey) -> Value {
    if let Some(obj) = doc.as_object_mut() {
        obj.remove("signature");
    }
    let signature = sign(&doc, key);
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("signature".into(), Value::String(signature));
    }
    doc
}

/// The callback `facts` report, unsigned: the step's or the documented
/// callback with the payment's values in place (and the request's, when
/// `mirrored`).
fn compose(shape: &Callback, facts: &Facts<'_>, mirrored: bool) -> Value {
    let mut doc = match facts.base {
        Some(base) => base.clone(),
        None if facts.declined => shape.decline.clone(),
        None => shape.success.clone(),
    };
    if let Some(request) = facts.request.filter(|_| mirrored) {
        mirror(&mut doc, request, &mut String::new());
    }
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
    for (pointer, value) in &facts.put {
        put(&mut doc, pointer, value.clone());
    }
    if let Some(id) = facts.customer_id {
        set(&mut doc, "/customer/id", json!(id));
    }
    // The callback reports a change made now (in the transaction that
    // queues it, on the project's clock), not the example's moment.
    let now = platform_time(facts.at_ms);
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
    doc
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
