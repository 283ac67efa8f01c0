//! Differential property test: the generated Rust validators, the CLI's
//! interpreter and the published JSON Schemas (jsonschema crate, formats
//! asserted) accept and reject exactly the same inputs, and every pointer
//! a Rust error names is one the schema reports too.
//!
//! Inputs are the seed examples mutated: members dropped, values retyped or
//! replaced by edge values (bounds, huge and fractional numbers, unicode,
//! near-miss formats), members inserted, values nested deeply. Set
//! `GATESPEC_DIFF_CASES` to change the number of cases per example.

use crate::common;

use gatespec_codegen::ir::BodyRole;
use gatespec_tests::mutate::{apply, leaf, mutation, pointers};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

/// JSON equality as JSON Schema sees it: `210.0` and `210` are the same number.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same(a, b)))
        }
        _ => a == b,
    }
}

fn check(
    op: &str,
    role: BodyRole,
    ty: &gatespec_codegen::ir::Ty,
    schema: &jsonschema::Validator,
    v: &Value,
) -> Result<(), TestCaseError> {
    let bytes = serde_json::to_vec(v).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let rust = common::generated(op, role, &bytes);
    // Outside the input profile (nested too deep, say) the schemas have no
    // say: every Rust reader refuses, and nothing else is compared.
    if !gatespec_runtime::validate::profile::admits(&bytes) {
        prop_assert!(
            rust.is_err(),
            "{} {:?}: accepted outside the profile: {}",
            op,
            role,
            v
        );
        return Ok(());
    }
    let schema_pointers: Vec<String> = schema
        .iter_errors(v)
        .map(|e| e.instance_path().as_str().to_string())
        .collect();
    let interpreted = gatespec_codegen::interpret::validate(ty, v);
    prop_assert_eq!(
        rust.is_ok(),
        schema_pointers.is_empty(),
        "{} {:?}: rust {:?} vs schema {:?} on {}",
        op,
        role,
        rust.as_ref().err(),
        schema_pointers,
        v
    );
    prop_assert_eq!(
        interpreted.is_valid(),
        schema_pointers.is_empty(),
        "{} {:?}: interpreter {:?} vs schema {:?} on {}",
        op,
        role,
        interpreted.errors,
        schema_pointers,
        v
    );
    match rust {
        Ok((typed, warnings)) => {
            prop_assert!(
                same(&typed, v),
                "{}: the typed value keeps everything: {} vs {}",
                op,
                typed,
                v
            );
            prop_assert_eq!(warnings, interpreted.warnings);
        }
        Err(report) => {
            for e in &report.errors {
                prop_assert!(
                    schema_pointers.contains(&e.pointer),
                    "{} {:?}: rust error {} not among schema pointers {:?} on {}",
                    op,
                    role,
                    e,
                    schema_pointers,
                    v
                );
            }
            // Same violations; the generated validator lists them in input
            // order, the interpreter in spec order.
            let key = |v: &gatespec_runtime::Violation| {
                (v.pointer.clone(), v.code.as_str(), v.message.clone())
            };
            let mut a: Vec<_> = report.errors.iter().map(key).collect();
            let mut b: Vec<_> = interpreted.errors.iter().map(key).collect();
            a.sort();
            b.sort();
            prop_assert_eq!(a, b);
        }
    }
    Ok(())
}

/// The text of `v` with one member of one object written twice: first
/// with `first`, then with its own value (which a last-wins parser keeps).
/// `None` when `v` has no object with members.
fn with_duplicate(v: &Value, at: &Index, member: &Index, first: &Value) -> Option<String> {
    let mut all = Vec::new();
    pointers(v, String::new(), &mut all);
    let objects: Vec<&String> = all
        .iter()
        .filter(|p| {
            v.pointer(p)
                .and_then(Value::as_object)
                .is_some_and(|o| !o.is_empty())
        })
        .collect();
    if objects.is_empty() {
        return None;
    }
    let target = objects[at.index(objects.len())];
    let obj = v.pointer(target)?.as_object()?;
    let chosen = member.index(obj.len());
    let json = |x: &Value| serde_json::to_string(x).unwrap_or_default();
    let mut text = String::from("{");
    for (i, (k, x)) in obj.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        if i == chosen {
            text.push_str(&format!(
                "{}:{},",
                json(&Value::String(k.clone())),
                json(first)
            ));
        }
        text.push_str(&format!("{}:{}", json(&Value::String(k.clone())), json(x)));
    }
    text.push('}');
    // The object is put in place through a marker no example holds.
    const MARK: &str = "\u{1}duplicate\u{1}";
    let mut marked = v.clone();
    *marked.pointer_mut(target)? = Value::String(MARK.into());
    Some(json(&marked).replacen(&json(&Value::String(MARK.into())), &text, 1))
}

#[test]
fn duplicate_members_are_rejected_alike_by_the_validators_and_the_cli() {
    let per_example: u32 = std::env::var("GATESPEC_DIFF_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .map_or(200, |n: u32| (n / 5).max(1));
    let compiled = common::specs();
    let mut total = 0u64;
    for (_, op) in compiled.ir.operations() {
        for (role, body) in op.bodies() {
            for example in &body.examples {
                let mut runner = TestRunner::new(Config {
                    cases: per_example,
                    failure_persistence: None,
                    ..Config::default()
                });
                let cases = (
                    prop::collection::vec(mutation(), 0..2),
                    any::<Index>(),
                    any::<Index>(),
                    leaf(),
                );
                let result = runner.run(&cases, |(muts, at, member, first)| {
                    let v = muts.iter().fold(example.value.clone(), apply);
                    let Some(text) = with_duplicate(&v, &at, &member, &first) else {
                        return Ok(());
                    };
                    let rust = common::generated(&op.full_id, role, text.as_bytes());
                    let (_, duplicates) = gatespec_runtime::validate::parse_strict(&text)
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert!(!duplicates.is_valid(), "the duplicate is found: {}", text);
                    let Err(report) = rust else {
                        return Err(TestCaseError::fail(format!(
                            "{} {:?}: the generated validator accepted {}",
                            op.full_id, role, text
                        )));
                    };
                    // The duplicate violations are the same; the rest may
                    // differ (the generated validator checks both values, the
                    // CLI the one its value keeps).
                    let dups = |vs: &[gatespec_runtime::Violation]| {
                        let mut d: Vec<_> = vs
                            .iter()
                            .filter(|v| v.code == gatespec_runtime::validate::Code::DuplicateKey)
                            .map(|v| (v.pointer.clone(), v.message.clone()))
                            .collect();
                        d.sort();
                        d
                    };
                    // A duplicate inside a member that is itself invalid (a
                    // string where an object belongs) is not read by the
                    // generated validator; it is still invalid.
                    let from_rust = dups(&report.errors);
                    if !from_rust.is_empty() {
                        prop_assert_eq!(from_rust, dups(&duplicates.errors), "{}", text);
                    }
                    Ok(())
                });
                if let Err(e) = result {
                    panic!("{} {:?} ({}): {e}", op.full_id, role, example.title);
                }
                total += u64::from(per_example);
            }
        }
    }
    println!(
        "differential: {total} documents with a duplicate member, rejected alike by the generated validators and the CLI"
    );
    assert!(total > 0);
}

#[test]
fn generated_validators_agree_with_the_published_schemas() {
    let per_example: u32 = std::env::var("GATESPEC_DIFF_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let compiled = common::specs();
    let regressions: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string("fixtures/differential-regressions.json")
            .expect("regressions file"),
    )
    .expect("regressions are JSON");
    let mut total = 0u64;
    for (m, op) in compiled.ir.operations() {
        for (role, body) in op.bodies() {
            let schema_value = common::schema(compiled, m, op, role, body);
            let schema = common::validator(&schema_value);
            for r in regressions
                .iter()
                .filter(|r| r["op"] == op.full_id.as_str() && r["role"] == role.as_str())
            {
                if let Err(e) = check(&op.full_id, role, &body.ty, &schema, &r["value"]) {
                    panic!("regression {}: {e}", r["name"]);
                }
                total += 1;
            }
            for example in &body.examples {
                let mut runner = TestRunner::new(Config {
                    cases: per_example,
                    failure_persistence: None,
                    ..Config::default()
                });
                let result = runner.run(&prop::collection::vec(mutation(), 1..4), |muts| {
                    let v = muts.iter().fold(example.value.clone(), apply);
                    check(&op.full_id, role, &body.ty, &schema, &v)
                });
                if let Err(e) = result {
                    panic!("{} {:?} ({}): {e}", op.full_id, role, example.title);
                }
                total += u64::from(per_example);
            }
        }
    }
    println!(
        "differential: {total} cases agreed (generated validators, CLI interpreter, JSON Schema)"
    );
    let examples: usize = compiled
        .ir
        .operations()
        .flat_map(|(_, op)| op.bodies().map(|(_, b)| b.examples.len()))
        .sum();
    assert!(total >= examples as u64 * u64::from(per_example));
}
