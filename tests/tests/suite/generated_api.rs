//! The generated client crate as a Rust user meets it: one dependency
//! (the runtime's types re-exported), closed sets with the standard
//! conversions, constructors that ask only for what the caller must give,
//! and `validate_body` with a typed role.

use gatespec_client::monetix::smp_p2p_kz::{payout, types::CurrencyKzt};
use gatespec_client::{NotInSet, SecretKey, Validate};
use gatespec_runtime::validate::Role;

use crate::common;

#[test]
fn a_closed_set_converts_like_a_standard_type() {
    let kzt: CurrencyKzt = "KZT".parse().expect("KZT is the set's value");
    assert_eq!(kzt, CurrencyKzt::Kzt);
    assert_eq!(kzt.to_string(), "KZT");
    assert_eq!(AsRef::<str>::as_ref(&kzt), "KZT");
    assert_eq!(CurrencyKzt::try_from(String::from("KZT")), Ok(kzt));
    let wrong: NotInSet = CurrencyKzt::try_from("kzt").expect_err("case matters");
    assert_eq!(wrong.expected, ["KZT"]);
    assert!(wrong.to_string().contains("`kzt`"), "{wrong}");
}

#[test]
fn general_new_leaves_what_the_client_fills_in() {
    let general = payout::request::General::new("payment_47".into());
    assert_eq!(general.payment_id, "payment_47");
    assert_eq!(general.project_id, 0);
    assert!(general.signature.is_empty());
    // The re-exported secret type is the runtime's own.
    let key: SecretKey = SecretKey::new(b"secret".to_vec());
    assert!(!format!("{key:?}").contains("secret"));
}

/// Every body of every operation reaches its validator through the typed
/// role, and a role the operation has no body for gives `None`.
#[test]
fn validate_body_takes_a_typed_role() {
    let compiled = common::specs();
    let mut reached = 0;
    for (_, op) in compiled.ir.operations() {
        for (role, body) in op.bodies() {
            let Some(example) = body.examples.first() else {
                continue;
            };
            let bytes = serde_json::to_vec(&example.value).expect("json");
            let verdict = gatespec_client::validate_body(&op.full_id, role, &bytes)
                .unwrap_or_else(|| panic!("{} has no {} validator", op.full_id, role.as_str()));
            assert!(
                verdict.is_ok(),
                "{} {}: {verdict:?}",
                op.full_id,
                role.as_str()
            );
            reached += 1;
        }
        if op.response.is_none() {
            assert!(gatespec_client::validate_body(&op.full_id, Role::Response, b"{}").is_none());
        }
    }
    assert!(reached > 0);
    // The same type through the trait, re-exported.
    let request = payout::Request::from_json_slice(b"{}");
    assert!(request.is_err());
}
