//! The edge-shape corpus (`fixtures/edge-shapes/`): it checks, its code
//! compiles with warnings denied (`gatespec_tests::edge_shapes`, built by
//! `build.rs`), and the generated validators, the CLI's interpreter and
//! the schemas agree on its examples and on edits of them. It also holds
//! the brand variant, the per-currency limits, the endpoint template and
//! the integer known values to what the fixture says.

use crate::common;

use std::path::Path;

use gatespec_codegen::ir::BodyRole;
use gatespec_runtime::validate::Code;
use serde_json::{Value, json};

fn corpus() -> gatespec_codegen::Compiled {
    gatespec_codegen::compile_dirs(&[Path::new("../specs"), Path::new("fixtures/edge-shapes")])
        .unwrap_or_else(|f| panic!("the edge shapes do not check:\n{}", f.rendered))
}

/// The three verdicts on one body: generated validator (errors, warnings),
/// interpreter, schema.
fn verdicts(
    compiled: &gatespec_codegen::Compiled,
    op: &str,
    role: BodyRole,
    value: &Value,
) -> (Result<Vec<Code>, Vec<Code>>, bool, bool) {
    let bytes = serde_json::to_vec(value).expect("JSON");
    let generated = gatespec_tests::edge_shapes::validate_body(op, role, &bytes)
        .unwrap_or_else(|| panic!("no generated {} validator for {op}", role.as_str()))
        .map(|v| v.warnings.iter().map(|w| w.code).collect())
        .map_err(|r| r.errors.iter().map(|e| e.code).collect());
    let (m, o) = compiled.ir.operation(op).expect("operation");
    let body = o
        .bodies()
        .find(|(r, _)| *r == role)
        .map(|(_, b)| b)
        .expect("body");
    let interpreted = gatespec_codegen::interpret::validate(&body.ty, value).is_valid();
    let schema = common::schema(compiled, m, o, role, body);
    let by_schema = common::validator(&schema).is_valid(value);
    (generated, interpreted, by_schema)
}

fn assert_agree(compiled: &gatespec_codegen::Compiled, op: &str, value: &Value, valid: bool) {
    let (generated, interpreted, by_schema) = verdicts(compiled, op, BodyRole::Request, value);
    assert_eq!(
        generated.is_ok(),
        valid,
        "{op} generated on {value}: {generated:?}"
    );
    assert_eq!(interpreted, valid, "{op} interpreter on {value}");
    assert_eq!(by_schema, valid, "{op} schema on {value}");
}

#[test]
fn every_example_of_the_corpus_passes_every_validator() {
    let compiled = corpus();
    let mut checked = 0;
    for (_, op) in compiled.ir.operations() {
        for (role, body) in op.bodies() {
            for e in &body.examples {
                let (generated, interpreted, by_schema) =
                    verdicts(&compiled, &op.full_id, role, &e.value);
                assert!(
                    generated.is_ok(),
                    "{} {}: {generated:?}",
                    op.full_id,
                    e.title
                );
                assert!(interpreted && by_schema, "{} {}", op.full_id, e.title);
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

#[test]
fn edits_of_the_edge_shapes_get_one_verdict() {
    let compiled = corpus();
    let op = "monetix/edge-shapes/payout";
    let (_, o) = compiled.ir.operation(op).expect("operation");
    let base = o.request.examples[0].value.clone();
    let edit = |pointer: &str, v: Value| {
        let mut doc = base.clone();
        *doc.pointer_mut(pointer).expect(pointer) = v;
        doc
    };
    let cases: Vec<(Value, bool)> = vec![
        (edit("/nothing", json!({"anything": 1})), true),
        (edit("/nothing", json!([])), false),
        (edit("/optional_only", json!({"count": "3"})), false),
        (edit("/scalars/text", json!("")), false),
        (edit("/scalars/text", json!("123456789")), false),
        (edit("/scalars/pattern", json!("abc")), false),
        (edit("/scalars/ipv4", json!("2001:db8::1")), false),
        (edit("/scalars/ip", json!("2001:db8::2")), true),
        (edit("/scalars/ip", json!("host")), false),
        (edit("/scalars/when", json!("2024-12-07")), false),
        (edit("/scalars/flag", json!("true")), false),
        (edit("/scalars/level", json!(6)), false),
        (edit("/scalars/mode", json!("medium")), false),
        (edit("/scalars/fixed", json!(8)), false),
        (edit("/scalars/reason", json!(999)), true),
        (edit("/scalars/reason", json!("205")), false),
        (edit("/scalars/priority", json!(9)), true),
        (edit("/deep/a/b/c/d", json!({})), false),
        (edit("/deep/a/b/c/d/leaf", json!(1)), false),
        (edit("/items", json!([{"sku": "A1", "quantity": 0}])), false),
        (edit("/items", json!([{"sku": "A1"}])), false),
        (edit("/items", json!([])), true),
        (edit("/grid", json!([[1], ["2"]])), false),
        (edit("/grid", json!([1])), false),
    ];
    let mut without_ip = base.clone();
    without_ip["scalars"]
        .as_object_mut()
        .expect("object")
        .remove("ip");
    for (doc, valid) in cases
        .into_iter()
        .chain(std::iter::once((without_ip, false)))
    {
        assert_agree(&compiled, op, &doc, valid);
    }
}

#[test]
fn integer_known_values_warn_and_accept() {
    let compiled = corpus();
    let op = "monetix/edge-shapes/payout";
    let (_, o) = compiled.ir.operation(op).expect("operation");
    let mut doc = o.request.examples[0].value.clone();
    doc["scalars"]["reason"] = json!(999);
    doc["scalars"]["priority"] = json!(4);
    let (generated, _, _) = verdicts(&compiled, op, BodyRole::Request, &doc);
    assert_eq!(
        generated.expect("valid"),
        [Code::UnknownValue, Code::UnknownValue]
    );
    let interpreted = gatespec_codegen::interpret::validate(&o.request.ty, &doc);
    assert_eq!(interpreted.warnings.len(), 2);
    // The schema states them as an open union: generators get named values
    // (titled after the type and the field), every integer stays valid.
    let (m, _) = compiled.ir.operation(op).expect("operation");
    let schema = common::schema(&compiled, m, o, BodyRole::Request, &o.request);
    let scalars = common::deref(&schema, &schema["properties"]["scalars"]);
    assert_eq!(
        scalars["properties"]["priority"]["anyOf"],
        json!([{"title": "EdgeShapesScalarsPriorityKnown", "enum": [1, 2, 3]}, {"type": "integer"}])
    );
    assert_eq!(
        scalars["properties"]["reason"]["anyOf"],
        json!([{"title": "EdgeShapesScalarsReasonKnown", "enum": [100, 205]}, {"type": "integer"}])
    );
    assert!(common::validator(&schema).is_valid(&doc));
}

#[test]
fn a_method_written_once_is_generated_for_each_of_its_brands() {
    let compiled = corpus();
    let methods: Vec<&gatespec_codegen::ir::Method> = compiled
        .ir
        .methods
        .iter()
        .filter(|m| m.id == "edge-variant")
        .collect();
    let mut brands: Vec<&str> = methods.iter().map(|m| m.brand.as_str()).collect();
    brands.sort();
    assert_eq!(brands, ["flashpay", "monetix"]);
    let of = |brand: &str| {
        *methods
            .iter()
            .find(|m| m.brand == brand)
            .expect("a copy per brand")
    };
    let (monetix, flashpay) = (of("monetix"), of("flashpay"));
    // `{brand}` is filled in every text, per brand.
    assert_eq!(monetix.name, "Multi-currency payouts by Monetix");
    assert_eq!(
        flashpay.name,
        "Multi-currency payouts by Flashpay (Flashpay edition)"
    );
    assert_eq!(
        flashpay.summary,
        "Payouts in EUR, KRW or VND through Flashpay."
    );
    assert_eq!(
        flashpay.notes,
        ["The limits of Flashpay apply per currency."]
    );
    assert!(
        flashpay
            .overview
            .iter()
            .any(|(_, text)| text.contains("manager at Flashpay"))
    );
    // The variant overrides the endpoint's template value and one limit.
    let path = |m: &gatespec_codegen::ir::Method| {
        m.operations[0]
            .endpoint
            .as_ref()
            .map(|e| e.path.clone())
            .expect("endpoint")
    };
    assert_eq!(path(monetix), "/v2/payment/edge-variant/payout");
    assert_eq!(path(flashpay), "/v2/payment/edge-variant-fp/payout");
    use gatespec_tests::edge_shapes::{flashpay as fp, monetix as mx};
    assert_eq!(
        mx::edge_variant::payout::PATH,
        Some("/v2/payment/edge-variant/payout")
    );
    assert_eq!(
        fp::edge_variant::payout::PATH,
        Some("/v2/payment/edge-variant-fp/payout")
    );
    // No output keeps a placeholder (the spec format's own schema, which
    // documents it, aside).
    let files = gatespec_codegen::emit::outputs(&compiled);
    for (path, text) in &files {
        if path != "schemas/spec.schema.json" {
            assert!(!text.contains("{brand}"), "{path} keeps a placeholder");
        }
    }
    assert!(files.contains_key("docs/flashpay/edge-variant.md"));
    assert!(files.contains_key("schemas/flashpay/edge-variant/payout.request.json"));
}

#[test]
fn each_currency_has_its_own_limit() {
    let compiled = corpus();
    let request = |currency: &str, amount: i64| {
        json!({
            "general": {"project_id": 1, "payment_id": "v", "signature": "c2ln"},
            "payment": {"currency": currency, "amount": amount},
        })
    };
    let m = "monetix/edge-variant/payout";
    let f = "flashpay/edge-variant/payout";
    for (op, currency, amount, valid) in [
        // EUR: 1.00 to 1,000.00 (Flashpay: to 500.00), in cents.
        (m, "EUR", 100, true),
        (m, "EUR", 99, false),
        (m, "EUR", 100_000, true),
        (m, "EUR", 100_001, false),
        (f, "EUR", 50_000, true),
        (f, "EUR", 50_001, false),
        // KRW has no minor unit: 1,000 to 1,500,000 won, in hundreds.
        (m, "KRW", 1_000, true),
        (m, "KRW", 999, false),
        (m, "KRW", 1_200_000, true),
        (m, "KRW", 1_250, false),
        (f, "KRW", 1_250, false),
        // The step is KRW's only: a euro amount in cents is not held to it.
        (m, "EUR", 1_250, true),
        (m, "EUR", 1_200_000, false),
        // VND: 10,000 (Flashpay: 50,000) to 20,000,000 dong.
        (m, "VND", 10_000, true),
        (f, "VND", 10_000, false),
        // A currency without a limit is not bounded by another's.
        (m, "USD", 1, true),
        (m, "USD", 1_000_000_000, true),
    ] {
        assert_agree(&compiled, op, &request(currency, amount), valid);
    }
}

/// A step (`multiple_of`) is one rule for the generated validators, the
/// interpreter and the schema: 25 is in fives, 26 and a float-notation 26
/// are not.
#[test]
fn a_step_is_refused_alike() {
    let compiled = corpus();
    let op = "monetix/edge-shapes/payout";
    let (_, o) = compiled.ir.operation(op).expect("operation");
    let example = o.request.examples[0].value.clone();
    assert_agree(&compiled, op, &example, true);
    for wrong in [json!(26), json!(26.0), json!(-1)] {
        let mut doc = example.clone();
        doc["scalars"]["step"] = wrong;
        let (generated, _, _) = verdicts(&compiled, op, BodyRole::Request, &doc);
        assert_eq!(generated, Err(vec![Code::MultipleOf]), "{doc}");
        assert_agree(&compiled, op, &doc, false);
    }
}

/// `format: url` is one pattern for the generated validators, the
/// interpreter and the schema: http or https, a host name, then RFC 3986's
/// characters.
#[test]
fn a_url_is_judged_alike() {
    let compiled = corpus();
    let op = "monetix/edge-shapes/payout";
    let (_, o) = compiled.ir.operation(op).expect("operation");
    let example = o.request.examples[0].value.clone();
    for (url, valid) in [
        ("https://shop.example/return", true),
        ("http://localhost:8080", true),
        ("https://a.example/p?x=1&y=%20#f", true),
        ("ftp://shop.example/", false),
        ("https://", false),
        ("https://shop.example/a b", false),
        ("https://user@shop.example/", false),
        ("https://-bad.example/", false),
        ("https://shop.example/\n", false),
        ("shop.example", false),
    ] {
        let mut doc = example.clone();
        doc["scalars"]["link"] = json!(url);
        assert_agree(&compiled, op, &doc, valid);
    }
}
