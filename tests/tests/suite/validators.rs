//! The generated validators, table-driven: one invalid payload per rule of
//! the documents, derived from the seed examples, with the exact pointer
//! and code each must yield. The CLI's interpreter and the published JSON
//! Schema must reach the same verdict on each.

use crate::common;

use gatespec_codegen::ir::BodyRole::{self, Callback, Request, Response};
use serde_json::{Value, json};

/// A change to a seed example: set the value at a pointer, or remove it.
enum Edit {
    Set(&'static str, Value),
    Remove(&'static str),
}
use Edit::{Remove, Set};

fn apply(mut v: Value, edit: &Edit) -> Value {
    match edit {
        Set("", new) => return new.clone(),
        Set(p, new) => {
            let (parent, key) = p.rsplit_once('/').expect("pointer");
            match v.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.insert(key.to_string(), new.clone());
                }
                Some(Value::Array(a)) => a[key.parse::<usize>().expect("index")] = new.clone(),
                _ => panic!("no {parent}"),
            }
        }
        Remove(p) => {
            let (parent, key) = p.rsplit_once('/').expect("pointer");
            v.pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .and_then(|m| m.remove(key))
                .unwrap_or_else(|| panic!("no {p}"));
        }
    }
    v
}

fn example(op: &str, role: BodyRole) -> (Value, gatespec_codegen::ir::Ty, Value) {
    let compiled = common::specs();
    let (m, o) = compiled.ir.operation(op).unwrap_or_else(|| panic!("{op}"));
    let body = o
        .bodies()
        .find(|(r, _)| *r == role)
        .map(|(_, b)| b.clone())
        .expect("body");
    let schema = common::schema(compiled, m, o, role, &body);
    (body.examples[0].value.clone(), body.ty, schema)
}

type Case = (
    &'static str,
    BodyRole,
    fn() -> Edit,
    &'static str,
    &'static str,
);

#[rustfmt::skip]
const CASES: &[Case] = &[
    ("monetix/smp-p2p-kz/payout", Request, || Remove("/payment/currency"), "/payment", "required"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/payment/currency", json!("KGS")), "/payment/currency", "const"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/payment/amount", json!("100000")), "/payment/amount", "type"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/payment/amount", json!(1000.5)), "/payment/amount", "type"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/customer/ip_address", json!("198.51.100")), "/customer/ip_address", "format"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/account/number", json!("+7 987 654")), "/account/number", "pattern"),
    ("monetix/smp-p2p-kz/payout", Request, || Remove("/general"), "", "required"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/general", json!([])), "/general", "type"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/general/project_id", json!("1234")), "/general/project_id", "type"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/general/project_id", json!(10_000_000_000_000_000_000u64)), "/general/project_id", "maximum"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("", json!([])), "", "type"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/account/bank_code", json!(88822)), "/account/bank_code", "type"),
    ("monetix/smp-p2p-kz/payout", Request, || Remove("/account/bank_code"), "/account", "required"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/customer/first_name", Value::Null), "/customer/first_name", "type"),
    ("monetix/smp-p2p-kz/banks-list", Request, || Set("/payment/currency", json!("KGS")), "/payment/currency", "const"),
    ("monetix/smp-p2p-kz/banks-list", Request, || Remove("/general/payment_id"), "/general", "required"),
    ("monetix/smp-p2p-kz/banks-list", Response, || Set("/0/currencies/0/exponent", json!("2")), "/0/currencies/0/exponent", "type"),
    ("monetix/smp-p2p-kz/banks-list", Response, || Set("/0", json!("bank")), "/0", "type"),
    ("monetix/smp-p2p-kz/payout", Callback, || Remove("/signature"), "", "required"),
    ("monetix/smp-p2p-kz/payout", Callback, || Remove("/payment/status"), "/payment", "required"),
    ("monetix/sbp-p2p/payout", Request, || Set("/payment/currency", json!("KZT")), "/payment/currency", "const"),
    ("monetix/sbp-p2p/payout", Callback, || Set("/project_id", json!(true)), "/project_id", "type"),
    ("rocketpay/mobile/payout", Request, || Set("/account/number", json!("")), "/account/number", "pattern"),
    ("rocketpay/mobile/payout", Request, || Remove("/account/number"), "/account", "required"),
    ("rocketpay/mobile/operators-list", Request, || Remove("/general/signature"), "/general", "required"),
    ("rocketpay/mobile/operators-list", Request, || Set("/general/project_id", json!(12.5)), "/general/project_id", "type"),
    ("monetix/mobile/purchase-page", Request, || Set("/force_payment_method", json!("card")), "/force_payment_method", "const"),
    ("monetix/mobile/purchase-page", Request, || Set("/payment_methods_options", json!({"enable_mobile_service": "1"})), "/payment_methods_options/enable_mobile_service", "type"),
    ("monetix/mobile/purchase", Request, || Set("/customer/ip_address", json!("::g")), "/customer/ip_address", "format"),
    ("monetix/mobile/clarification", Request, || Remove("/additional_data/additional_data/approval_code"), "/additional_data/additional_data", "required"),
    ("monetix/mobile/clarification", Request, || Set("/additional_data/additional_data", json!("123456")), "/additional_data/additional_data", "type"),
    ("monetix/mobile/otp-resend", Request, || Remove("/customer/ip_address"), "/customer", "required"),
    ("monetix/mobile/refund", Request, || Remove("/payment/currency"), "/payment", "dependent_required"),
    ("monetix/mobile/refund", Callback, || Set("/payment/id", json!(47)), "/payment/id", "type"),
    ("flashpay/bank-transfer-kyrgyzstan/payout", Request, || Set("/payment/amount", json!(1499)), "/payment/amount", "minimum"),
    ("flashpay/bank-transfer-kyrgyzstan/payout", Request, || Set("/payment/amount", json!(1_500_001)), "/payment/amount", "maximum"),
    ("flashpay/bank-transfer-kyrgyzstan/payout", Request, || Remove("/customer/ip_address"), "/customer", "required"),
    ("flashpay/bank-transfer-kyrgyzstan/payout", Request, || Set("/account/number", json!(4598)), "/account/number", "type"),
];

/// Rules no document states (inferred): a value that breaks one is valid,
/// with a warning at its pointer, in the generated validator, the CLI's
/// interpreter and the published schema alike.
#[rustfmt::skip]
const WARNINGS: &[Case] = &[
    ("flashpay/bank-transfer-kyrgyzstan/payout", Callback, || Set("/decision/message", json!({})), "/decision/message", "type"),
    ("rocketpay/mobile/payout", Callback, || Set("/account/type", json!(5)), "/account/type", "type"),
    ("monetix/smp-p2p-kz/payout", Callback, || Set("/operation/id", json!("47")), "/operation/id", "type"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/payment/amount", json!(0)), "/payment/amount", "minimum"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/customer/email", json!("johndoe")), "/customer/email", "format"),
    ("monetix/smp-p2p-kz/payout", Request, || Set("/account/number", json!("123")), "/account/number", "min_length"),
    ("rocketpay/mobile/payout", Request, || Set("/account/number", json!("1234567890123456")), "/account/number", "max_length"),
    ("monetix/smp-p2p-kz/payout", Callback, || Set("/payment/date", json!("2024-12-07T19:08:45Z")), "/payment/date", "pattern"),
    ("monetix/smp-p2p-kz/payout", Callback, || Set("/operation/date", json!("2024-12-07 10:00:00")), "/operation/date", "pattern"),
    ("monetix/smp-p2p-kz/payout", Callback, || Set("/operation/sum_initial/currency", json!("kzt")), "/operation/sum_initial/currency", "pattern"),
    ("monetix/smp-p2p-kz/payout", Callback, || Set("/payment/sum/amount", json!(-1)), "/payment/sum/amount", "minimum"),
    ("monetix/smp-p2p-kz/payout", Callback, || Set("/payment/status", json!("partially refunded")), "/payment/status", "unknown_value"),
    ("monetix/sbp-p2p/payout", Request, || Set("/customer/email", json!("a@b@c")), "/customer/email", "format"),
    ("monetix/mobile/purchase-page", Request, || Set("/payment_amount", json!(0)), "/payment_amount", "minimum"),
    ("monetix/mobile/purchase-page", Request, || Set("/customer_email", json!("x")), "/customer_email", "format"),
    ("monetix/mobile/refund", Request, || Set("/payment/amount", json!(0)), "/payment/amount", "minimum"),
];

#[test]
fn inferred_rules_warn_and_accept() {
    for (op, role, edit, pointer, code) in WARNINGS {
        let (ok, ty, schema) = example(op, *role);
        let bad = apply(ok, &edit());
        let bytes = serde_json::to_vec(&bad).expect("serialize");
        let warnings = match common::generated(op, *role, &bytes) {
            Ok((_, w)) => w,
            Err(r) => panic!("{op} {role:?}: {pointer} refused:\n{r}"),
        };
        let found = |w: &[gatespec_runtime::Violation]| {
            w.iter()
                .any(|v| v.pointer == *pointer && v.code.as_str() == *code)
        };
        assert!(
            found(&warnings),
            "{op} {role:?}: no {code} warning at {pointer}: {warnings:?}"
        );
        let interpreted = gatespec_codegen::interpret::validate(&ty, &bad);
        assert!(
            interpreted.is_valid(),
            "{op} {role:?}: the CLI refuses {pointer}"
        );
        assert_eq!(
            interpreted.warnings, warnings,
            "{op} {role:?}: same warnings"
        );
        assert!(
            common::validator(&schema).is_valid(&bad),
            "{op} {role:?}: the schema refuses {pointer}"
        );
    }
}

#[test]
fn each_rule_yields_its_pointer_and_code() {
    assert!(CASES.len() >= 30);
    for (op, role, edit, pointer, code) in CASES {
        let (ok, ty, schema) = example(op, *role);
        let bad = apply(ok, &edit());
        let bytes = serde_json::to_vec(&bad).expect("serialize");
        let want = vec![(pointer.to_string(), code.to_string())];
        let report = match common::generated(op, *role, &bytes) {
            Ok(_) => panic!("{op} {role:?}: {pointer} {code} was accepted"),
            Err(r) => r,
        };
        let got: Vec<(String, String)> = report
            .errors
            .iter()
            .map(|e| (e.pointer.clone(), e.code.to_string()))
            .collect();
        assert_eq!(got, want, "{op} {role:?}: generated validator\n{report}");
        assert!(!report.errors[0].message.is_empty());
        let interpreted = gatespec_codegen::interpret::validate(&ty, &bad);
        let got: Vec<(String, String)> = interpreted
            .errors
            .iter()
            .map(|e| (e.pointer.clone(), e.code.to_string()))
            .collect();
        assert_eq!(got, want, "{op} {role:?}: CLI interpreter");
        assert_eq!(
            interpreted.errors, report.errors,
            "{op} {role:?}: same messages"
        );
        let v = common::validator(&schema);
        let schema_pointers: Vec<String> = v
            .iter_errors(&bad)
            .map(|e| e.instance_path().as_str().to_string())
            .collect();
        assert!(
            schema_pointers.contains(&pointer.to_string()),
            "{op} {role:?}: the schema reports {schema_pointers:?}"
        );
    }
}

#[test]
fn messages_say_what_is_wrong() {
    let (ok, _, _) = example("monetix/sbp-p2p/payout", Request);
    let bad = apply(ok, &Set("/payment/currency", json!("KZT")));
    let report = common::generated(
        "monetix/sbp-p2p/payout",
        Request,
        &serde_json::to_vec(&bad).expect("json"),
    )
    .expect_err("invalid");
    assert_eq!(
        report.errors[0].message,
        "must be KGS for this payment method, got \"KZT\""
    );
    let (ok, _, _) = example("flashpay/bank-transfer-kyrgyzstan/payout", Request);
    let bad = apply(ok, &Set("/payment/amount", json!(1499)));
    let report = common::generated(
        "flashpay/bank-transfer-kyrgyzstan/payout",
        Request,
        &serde_json::to_vec(&bad).expect("json"),
    )
    .expect_err("invalid");
    assert_eq!(
        report.errors[0].message,
        "must be at least 1500 (15.00 to 15,000.00 KGS in minor units), got 1499"
    );
}

#[test]
fn every_violation_is_reported_in_one_pass() {
    let (ok, _, _) = example("monetix/smp-p2p-kz/payout", Request);
    let mut bad = apply(ok, &Set("/payment/currency", json!("USD")));
    bad = apply(bad, &Set("/payment/amount", json!(-5)));
    bad = apply(bad, &Remove("/customer/email"));
    bad = apply(bad, &Set("/general/project_id", json!("x")));
    let report = common::generated(
        "monetix/smp-p2p-kz/payout",
        Request,
        &serde_json::to_vec(&bad).expect("json"),
    )
    .expect_err("invalid");
    let got: Vec<(&str, &str)> = report
        .errors
        .iter()
        .map(|e| (e.pointer.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("/general/project_id", "type"),
            ("/customer", "required"),
            ("/payment/currency", "const"),
        ]
    );
}

#[test]
fn informational_lists_warn_and_extra_parameters_pass() {
    for (op, role, edit, pointer) in [
        (
            "monetix/smp-p2p-kz/payout",
            Request,
            Set("/account/bank_code", json!("99999")),
            "/account/bank_code",
        ),
        (
            "monetix/mobile/purchase-page",
            Request,
            Set(
                "/payment_methods_options",
                json!({"selected_operator": "MTS"}),
            ),
            "/payment_methods_options/selected_operator",
        ),
        (
            "rocketpay/mobile/payout",
            Request,
            Set("/payment/currency", json!("USD")),
            "/payment/currency",
        ),
        (
            "rocketpay/mobile/payout",
            Callback,
            Set("/account/type", json!("MTS")),
            "/account/type",
        ),
        (
            "monetix/smp-p2p-kz/payout",
            Callback,
            Set("/payment/status", json!("awaiting clarification")),
            "/payment/status",
        ),
    ] {
        let (ok, ty, _) = example(op, role);
        let mut v = apply(ok, &edit);
        v["some_other_parameter"] = json!({"nested": [1, 2, 3]});
        let (typed, warnings) = common::generated(op, role, &serde_json::to_vec(&v).expect("json"))
            .unwrap_or_else(|r| panic!("{op}: {r}"));
        assert_eq!(typed, v, "{op}: nothing is lost, extras included");
        assert_eq!(warnings.len(), 1, "{op}: {warnings:?}");
        assert_eq!(
            (warnings[0].pointer.as_str(), warnings[0].code.as_str()),
            (pointer, "unknown_value")
        );
        assert_eq!(
            gatespec_codegen::interpret::validate(&ty, &v).warnings,
            warnings
        );
    }
}

/// A member name that cannot be signed (`:` or `;` in it, or a `signature`
/// member where the object declares none) makes every body invalid under
/// the generated validators, `gatespec validate` and the published schema
/// alike, in the root object and in a nested one; an ordinary extra member
/// and a declared `signature` stay valid.
#[test]
fn unsignable_member_names_are_invalid_in_every_validator() {
    let compiled = common::specs();
    for (m, op) in compiled.ir.operations() {
        for (role, body) in op.bodies() {
            let Some(example) = body.examples.first() else {
                continue;
            };
            if !example.value.is_object() {
                continue;
            }
            let schema = common::validator(&common::schema(compiled, m, op, role, body));
            // The first nested object too, where the example has one.
            let nested = example.value.as_object().and_then(|o| {
                o.iter()
                    .find(|(_, v)| v.is_object())
                    .map(|(k, _)| format!("/{k}"))
            });
            let mut places = vec![String::new()];
            places.extend(nested);
            for place in &places {
                let declares_signature = example
                    .value
                    .pointer(place)
                    .and_then(|o| o.get("signature"))
                    .is_some();
                for (name, refused) in [
                    ("a:b", true),
                    ("x;y", true),
                    ("signature", !declares_signature),
                    ("plain_extra", false),
                ] {
                    let mut v = example.value.clone();
                    if let Some(Value::Object(o)) = v.pointer_mut(place) {
                        o.insert(name.into(), json!("x"));
                    }
                    let bytes = serde_json::to_vec(&v).expect("JSON");
                    let what = format!("{} {} {place}: `{name}`", op.full_id, role.as_str());
                    let generated = common::generated(&op.full_id, role, &bytes);
                    let interpreted = gatespec_codegen::interpret::validate(&body.ty, &v);
                    let named = |r: &gatespec_runtime::Report| {
                        r.errors
                            .iter()
                            .any(|e| e.code.as_str() == "property_name" && e.pointer == *place)
                    };
                    if refused {
                        assert!(
                            generated.as_ref().err().is_some_and(named),
                            "{what}: generated {generated:?}"
                        );
                        assert!(named(&interpreted), "{what}: interpreter {interpreted:?}");
                        assert!(!schema.is_valid(&v), "{what}: the schema takes it");
                    } else {
                        assert!(
                            !generated.as_ref().err().is_some_and(named),
                            "{what}: generated {generated:?}"
                        );
                        assert!(!named(&interpreted), "{what}: interpreter {interpreted:?}");
                    }
                }
            }
        }
    }
}
