//! The README's worked example: one new YAML file (no Rust change) gives
//! compiling code, a schema and docs.

use crate::common;

use std::path::Path;

use gatespec_codegen::emit::outputs;
use gatespec_tests::with_new_method::monetix::p2p_uz;

const FIXTURE: &str = "fixtures/new-method/monetix/p2p-uz.yaml";

#[test]
fn the_new_method_compiles_into_types() {
    // These items exist only because build.rs overlaid the fixture.
    let payment = p2p_uz::payout::request::Payment::new(150000);
    assert_eq!(
        serde_json::to_value(&payment).ok(),
        Some(serde_json::json!({"currency": "UZS", "amount": 150000}))
    );
    assert_eq!(p2p_uz::payout::PATH, Some("/v2/payment/p2p-uz/payout"));
    assert!(gatespec_tests::with_new_method::OPERATIONS.contains(&"monetix/p2p-uz/payout"));
}

#[test]
fn the_new_method_gets_a_schema_and_docs() {
    let compiled =
        gatespec_codegen::compile_dirs(&[Path::new("../specs"), Path::new("fixtures/new-method")])
            .expect("the worked example checks");
    let files = outputs(&compiled);
    let schema: serde_json::Value =
        serde_json::from_str(&files["schemas/monetix/p2p-uz/payout.request.json"]).expect("schema");
    let v = common::validator(&schema);
    let example = &schema["examples"][0];
    assert!(v.is_valid(example));
    // 1,000.00–5,000,000.00 UZS in minor units.
    let payment = common::deref(&schema, &schema["properties"]["payment"]);
    assert_eq!(payment["properties"]["amount"]["minimum"], 100000);
    assert_eq!(payment["properties"]["amount"]["maximum"], 500000000);
    assert!(files["docs/monetix/p2p-uz.md"].contains("Payments by phone number in Uzbekistan"));
    assert!(files["docs/README.md"].contains("monetix/p2p-uz/payout"));
}

#[test]
fn the_readme_shows_the_worked_example_verbatim() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README.md");
    let fixture = std::fs::read_to_string(FIXTURE).expect("fixture");
    // Everything after the fixture's header comment is quoted in the README.
    let body: String = fixture
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        readme.contains(&body),
        "README.md must quote {FIXTURE} (without its comment lines)"
    );
}
