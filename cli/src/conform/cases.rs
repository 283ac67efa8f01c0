//! The cases `conform callbacks` plays against a merchant's callback
//! endpoint, built from the specs alone (no I/O): every documented callback
//! of the selected operations, each step's callback, and the hostile set.
//!
//! Every case gets payment ids of its own (`conform-<run>-<n>`), so that a
//! merchant's idempotency key from one case never hides another case's
//! effect.

use gatespec_codegen::interpret;
use gatespec_codegen::ir::{Body, Operation};
use gatespec_codegen::lifecycle::Action;
use gatespec_runtime::signature::{SecretKey, sign};
use serde_json::{Value, json};

/// The largest callback body the generated `verify` reads (1 MiB); the
/// oversize case sends one byte past it.
const LIMIT: usize = gatespec_runtime::callback::DEFAULT_MAX_BODY;

/// What a correct endpoint answers to one send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A 2xx: the callback is valid, so the Gate must see it delivered.
    Accept,
    /// Anything but a 2xx (or the connection closed): a receiver that
    /// acknowledges it trusts what the platform did not send.
    Refuse,
}

/// One request of a case.
#[derive(Debug, Clone)]
pub struct Send {
    /// The exact bytes posted.
    pub body: Vec<u8>,
    /// What a correct endpoint answers.
    pub expect: Expect,
}

/// What the merchant's probe must report for a payment after a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// The payment id asked about.
    pub payment_id: String,
    /// How many callbacks the merchant acted on for it.
    pub effects: u64,
    /// The payment status the merchant must hold, when the case decides it.
    pub status: Option<String>,
}

/// One case: its sends in order, and what the probe must report after.
#[derive(Debug, Clone)]
pub struct Case {
    /// The operation's full id.
    pub operation: String,
    /// A short name, unique within the operation (`documented: Success`,
    /// `hostile: duplicate key`).
    pub name: String,
    /// What the case proves, in one sentence, for the report.
    pub why: String,
    /// The requests, sent one after the other.
    pub sends: Vec<Send>,
    /// What the probe must report afterwards (checked only with a probe).
    pub effects: Vec<Effect>,
}

/// An operation the selection names that has nothing to test, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The operation's full id.
    pub operation: String,
    /// Why.
    pub why: String,
}

/// Hands out payment ids unique to this run.
pub struct Ids {
    run: String,
    next: u64,
}

impl Ids {
    /// Ids `conform-<run>-<n>`; `run` should differ between runs (the time).
    pub fn new(run: impl Into<String>) -> Ids {
        Ids {
            run: run.into(),
            next: 0,
        }
    }

    fn fresh(&mut self) -> String {
        self.next += 1;
        format!("conform-{}-{}", self.run, self.next)
    }
}

/// The cases for `operations` (those with a callback; the others are
/// reported as skipped), signed with `key` for project `project`.
pub fn build(
    operations: &[&Operation],
    project: i64,
    key: &SecretKey,
    ids: &mut Ids,
) -> (Vec<Case>, Vec<Skipped>) {
    let mut cases = Vec::new();
    let mut skipped = Vec::new();
    for op in operations {
        let Some(body) = &op.callback else {
            skipped.push(Skipped {
                operation: op.full_id.clone(),
                why: "it sends no callback".into(),
            });
            continue;
        };
        let Some(first) = body.examples.first() else {
            skipped.push(Skipped {
                operation: op.full_id.clone(),
                why: "its callback has no documented example to build cases from".into(),
            });
            continue;
        };
        let mut b = Builder {
            op,
            project,
            key,
            ids,
            cases: &mut cases,
        };
        for example in &body.examples {
            b.documented(&format!("documented: {}", example.title), &example.value);
        }
        let intermediates = intermediate_callbacks(op, body, &first.value);
        for (name, value) in &intermediates {
            b.documented(name, value);
        }
        b.hostile(&first.value);
        if let Some((_, intermediate)) = intermediates.first() {
            b.out_of_order(&first.value, intermediate);
        }
    }
    (cases, skipped)
}

/// The callbacks the lifecycle sends before its last one (an `awaiting
/// clarification` asking for a code, a redirect's data), each named for
/// its step: the step's own examples, else the first documented callback
/// with the step's status, kept only when the callback's rules take it.
fn intermediate_callbacks(op: &Operation, body: &Body, first: &Value) -> Vec<(String, Value)> {
    let Some(lifecycle) = &op.lifecycle else {
        return Vec::new();
    };
    let callbacks: Vec<(usize, &Vec<String>, &Vec<_>)> = lifecycle
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.action {
            Action::Callback {
                statuses, examples, ..
            } => Some((i, statuses, examples)),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for &(i, statuses, examples) in callbacks.iter().take(callbacks.len().saturating_sub(1)) {
        if !examples.is_empty() {
            for e in examples {
                out.push((format!("step {}: {}", i + 1, e.title), e.value.clone()));
            }
            continue;
        }
        for status in statuses {
            let mut value = first.clone();
            set(&mut value, "/payment/status", json!(status));
            set(&mut value, "/operation/status", json!(status));
            if interpret::validate(&body.ty, &value).is_valid() {
                out.push((format!("step {}: {status}", i + 1), value));
            }
        }
    }
    out
}

/// Builds the cases of one operation.
struct Builder<'a> {
    op: &'a Operation,
    project: i64,
    key: &'a SecretKey,
    ids: &'a mut Ids,
    cases: &'a mut Vec<Case>,
}

impl Builder<'_> {
    /// `example` with this run's identifiers: the project, a fresh payment
    /// id and a request id of its own; its signature taken off.
    fn varied(&mut self, example: &Value) -> (Value, String) {
        let payment_id = self.ids.fresh();
        let mut value = example.clone();
        set(&mut value, "/project_id", json!(self.project));
        set(&mut value, "/payment/id", json!(payment_id));
        set(
            &mut value,
            "/operation/request_id",
            json!(format!("{payment_id}-request")),
        );
        if let Some(obj) = value.as_object_mut() {
            obj.remove("signature");
        }
        (value, payment_id)
    }

    fn push(&mut self, name: &str, why: &str, sends: Vec<Send>, effects: Vec<Effect>) {
        self.cases.push(Case {
            operation: self.op.full_id.clone(),
            name: name.into(),
            why: why.into(),
            sends,
            effects,
        });
    }

    /// A documented callback: accepted, acted on once.
    fn documented(&mut self, name: &str, example: &Value) {
        let (value, id) = self.varied(example);
        let status = status_of(&value);
        let body = signed_text(value, self.key);
        self.push(
            name,
            "a valid callback the platform sends is acknowledged with a 2xx and acted on once",
            vec![accept(body)],
            vec![effect(&id, 1, status)],
        );
    }

    /// The hostile set, each built from `example` with ids of its own.
    fn hostile(&mut self, example: &Value) {
        let refuse_why = "a receiver that acknowledges it acts on what the platform did not sign";

        let (value, id) = self.varied(example);
        self.push(
            "hostile: unsigned",
            refuse_why,
            vec![refuse(to_bytes(&value))],
            vec![effect(&id, 0, None)],
        );

        let (value, id) = self.varied(example);
        let other = SecretKey::new(b"not the project's secret".to_vec());
        self.push(
            "hostile: wrong signature",
            refuse_why,
            vec![refuse(signed_text(value, &other))],
            vec![effect(&id, 0, None)],
        );

        // The signature of one callback on another's content.
        let (signed_for, _) = self.varied(example);
        let signature = sign(&signed_for, self.key);
        let (mut value, id) = self.varied(example);
        insert(&mut value, "signature", json!(signature));
        self.push(
            "hostile: signature over other content",
            refuse_why,
            vec![refuse(to_bytes(&value))],
            vec![effect(&id, 0, None)],
        );

        self.duplicate_key(example);

        let (mut value, id) = self.varied(example);
        insert(&mut value, "conform:key", json!("x"));
        self.push(
            "hostile: key holding `:`",
            "the signed text joins path and value with `:`, so such a key lets two documents share one signature",
            vec![refuse(signed_text(value, self.key))],
            vec![effect(&id, 0, None)],
        );

        // A valid top-level signature plus a nested `signature` member,
        // which signing drops: it is covered by nothing.
        let (value, id) = self.varied(example);
        let mut value = signed(value, self.key);
        match value.get_mut("payment").and_then(Value::as_object_mut) {
            Some(payment) => {
                payment.insert("signature".into(), json!("not covered by the signature"));
            }
            None => insert(
                &mut value,
                "conform",
                json!({"signature": "not covered by the signature"}),
            ),
        }
        self.push(
            "hostile: misplaced signature member",
            "a nested `signature` member is dropped when signing, so nothing covers it",
            vec![refuse(to_bytes(&value))],
            vec![effect(&id, 0, None)],
        );

        let (mut value, id) = self.varied(example);
        insert(&mut value, "conform_padding", json!("x".repeat(LIMIT)));
        self.push(
            "hostile: body over the size limit",
            "a callback past 1 MiB is refused before it is parsed (the platform's are about a kilobyte)",
            vec![refuse(signed_text(value, self.key))],
            vec![effect(&id, 0, None)],
        );

        let (mut value, id) = self.varied(example);
        let status = status_of(&value);
        insert(
            &mut value,
            "conform_unknown",
            json!("a member no document lists"),
        );
        if let Some(payment) = value.get_mut("payment").and_then(Value::as_object_mut) {
            payment.insert("conform_unknown".into(), json!(1));
        }
        self.push(
            "unknown extra members",
            "the platform may add members; a signed callback with members the receiver does not know is still valid",
            vec![accept(signed_text(value, self.key))],
            vec![effect(&id, 1, status)],
        );

        let (value, id) = self.varied(example);
        let status = status_of(&value);
        let body = signed_text(value, self.key);
        self.push(
            "replay of an earlier callback",
            "the platform resends a callback until it sees a 2xx: the second copy is acknowledged and has no effect",
            vec![accept(body.clone()), accept(body)],
            vec![effect(&id, 1, status)],
        );
    }

    /// Two `payment` members: the signature covers the last (what a
    /// last-wins parser reads), a first-wins parser reads the other.
    fn duplicate_key(&mut self, example: &Value) {
        let (value, id) = self.varied(example);
        let (mut read_last, other_id) = self.varied(example);
        let first = value.get("payment").cloned();
        let Some(first) = first else { return };
        let signature = sign(&read_last, self.key);
        insert(&mut read_last, "signature", json!(signature));
        let rest = to_bytes(&read_last);
        // `{"payment":<first>,` then the signed document's members.
        let mut text = format!(
            "{{\"payment\":{},",
            serde_json::to_string(&first).unwrap_or_default()
        )
        .into_bytes();
        text.extend_from_slice(rest.get(1..).unwrap_or_default());
        self.push(
            "hostile: duplicate key",
            "parsers disagree on which of two members counts, so the document means two things",
            vec![refuse(text)],
            vec![effect(&id, 0, None), effect(&other_id, 0, None)],
        );
    }

    /// The final callback, then an intermediate one for the same payment:
    /// both acknowledged, and the payment stays final.
    fn out_of_order(&mut self, last: &Value, intermediate: &Value) {
        let (final_value, id) = self.varied(last);
        let status = status_of(&final_value);
        let mut early = intermediate.clone();
        for pointer in ["/project_id", "/payment/id", "/operation/request_id"] {
            if let (Some(v), Some(slot)) =
                (final_value.pointer(pointer), early.pointer_mut(pointer))
            {
                *slot = v.clone();
            }
        }
        if let Some(obj) = early.as_object_mut() {
            obj.remove("signature");
        }
        self.push(
            "final callback, then an intermediate one",
            "callbacks can arrive out of order: a late intermediate callback is acknowledged and does not undo the final status",
            vec![
                accept(signed_text(final_value, self.key)),
                accept(signed_text(early, self.key)),
            ],
            vec![effect(&id, 1, status)],
        );
    }
}

fn accept(body: Vec<u8>) -> Send {
    Send {
        body,
        expect: Expect::Accept,
    }
}

fn refuse(body: Vec<u8>) -> Send {
    Send {
        body,
        expect: Expect::Refuse,
    }
}

fn effect(payment_id: &str, effects: u64, status: Option<String>) -> Effect {
    Effect {
        payment_id: payment_id.into(),
        effects,
        status,
    }
}

/// The payment status a callback reports.
fn status_of(value: &Value) -> Option<String> {
    value
        .pointer("/payment/status")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Sets an existing member (the callback envelope's identifiers); a
/// callback without it is left as documented.
fn set(value: &mut Value, pointer: &str, to: Value) {
    if let Some(slot) = value.pointer_mut(pointer) {
        // A documented integer stays an integer, a string a string.
        *slot = match (&*slot, to) {
            (Value::String(_), Value::Number(n)) => Value::String(n.to_string()),
            (_, v) => v,
        };
    }
}

fn insert(value: &mut Value, key: &str, member: Value) {
    if let Some(obj) = value.as_object_mut() {
        obj.insert(key.into(), member);
    }
}

/// `value` with its signature in place, as the Gate sends it.
fn signed(mut value: Value, key: &SecretKey) -> Value {
    let signature = sign(&value, key);
    insert(&mut value, "signature", json!(signature));
    value
}

fn signed_text(value: Value, key: &SecretKey) -> Vec<u8> {
    to_bytes(&signed(value, key))
}

fn to_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}
