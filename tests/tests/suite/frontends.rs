//! The macro, the build script and the CLI emit the same items.

use crate::common;

use gatespec_tests::{via_build, via_macro};

#[test]
fn all_three_frontends_emit_the_same_items() {
    let fresh = gatespec_codegen::emit::rust::emit(common::specs()).to_string();
    // The digest is the last item of what codegen emits now.
    assert!(
        fresh.ends_with(&format!(
            "ITEMS_DIGEST : & str = \"{}\" ;",
            via_macro::ITEMS_DIGEST
        )),
        "codegen now: {fresh:.80}..."
    );
    assert_eq!(via_macro::ITEMS_DIGEST, via_build::ITEMS_DIGEST);
    assert_eq!(via_macro::ITEMS_DIGEST, gatespec_client::ITEMS_DIGEST);
    assert_eq!(via_macro::OPERATIONS, via_build::OPERATIONS);
    assert_eq!(via_macro::OPERATIONS, gatespec_client::OPERATIONS);
    assert_eq!(
        via_macro::OPERATIONS.len(),
        common::specs().ir.operations().count()
    );
}

#[test]
fn the_same_payload_round_trips_through_each_frontends_types() {
    let example = serde_json::json!({
        "general": {"project_id": 1234, "payment_id": "payment_47", "signature": "c2ln"},
        "customer": {"id": "customer_123", "ip_address": "198.51.100.47", "first_name": "John", "last_name": "Doe", "email": "johndoe@example.com"},
        "account": {"number": "79876543210", "bank_code": "88822"},
        "payment": {"currency": "KZT", "amount": 100000},
        "extra_param": {"kept": true}
    });
    let a: via_macro::monetix::smp_p2p_kz::payout::Request =
        serde_json::from_value(example.clone()).expect("macro type");
    let b: via_build::monetix::smp_p2p_kz::payout::Request =
        serde_json::from_value(example.clone()).expect("build type");
    let c: gatespec_client::monetix::smp_p2p_kz::payout::Request =
        serde_json::from_value(example.clone()).expect("client type");
    assert_eq!(serde_json::to_value(&a).ok(), Some(example.clone()));
    assert_eq!(serde_json::to_value(&b).ok(), Some(example.clone()));
    assert_eq!(serde_json::to_value(&c).ok(), Some(example));
    // Unknown parameters are kept, not dropped.
    assert!(a.extra.contains_key("extra_param"));
}

#[test]
fn a_fixed_currency_is_an_enum_and_rejects_other_values() {
    use gatespec_client::monetix::smp_p2p_kz::payout::request::PaymentCurrency;
    let bad = serde_json::json!({"currency": "KGS", "amount": 1});
    let parsed: Result<gatespec_client::monetix::smp_p2p_kz::payout::request::Payment, _> =
        serde_json::from_value(bad);
    assert!(parsed.is_err());
    // The constructor fills the fixed value in: it is not an argument.
    let p = gatespec_client::monetix::smp_p2p_kz::payout::request::Payment::new(100000);
    assert_eq!(p.currency, PaymentCurrency::Kzt);
}

#[test]
fn endpoints_are_associated_constants() {
    use gatespec_client::monetix::mobile;
    use gatespec_runtime::Endpoint;
    assert_eq!(
        <mobile::purchase::Request as Endpoint>::PATH,
        Some("/v2/payment/mobile/sale")
    );
    assert_eq!(
        <mobile::purchase::Request as Endpoint>::HTTP_METHOD,
        Some("POST")
    );
    assert_eq!(<mobile::purchase_page::Request as Endpoint>::PATH, None);
    assert_eq!(
        mobile::otp_resend::OPERATION_ID,
        "monetix/mobile/otp-resend"
    );
    assert_eq!(
        mobile::OPERATORS_KEYS,
        ["ACTIV", "ALTEL", "BEELINE", "KCELL", "TELE2"]
    );
}

#[test]
fn the_macro_takes_a_selection() {
    let compiled = common::specs();
    let expected: Vec<&str> = compiled
        .ir
        .operations()
        .filter(|(m, _)| m.brand == "flashpay")
        .map(|(_, o)| o.full_id.as_str())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(gatespec_tests::via_macro_selected::OPERATIONS, expected);
}
