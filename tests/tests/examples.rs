//! Every example of the specs validates against its published schema in
//! `generated/schemas/` (formats asserted) and deserializes into the
//! generated types.

mod common;

use gatespec_codegen::ir::BodyRole;

#[test]
fn every_example_validates_against_its_published_schema() {
    let compiled = common::specs();
    let mut checked = 0;
    let mut by_role = [0usize; 3];
    for (method, op) in compiled.ir.operations() {
        for (role, body) in op.bodies() {
            let path = common::root().join(format!(
                "generated/schemas/{}/{}/{}.{}.json",
                method.brand,
                method.id,
                op.id,
                role.as_str()
            ));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
            let v = common::validator(&schema);
            // The schema carries the examples it is published with.
            let published = schema["examples"].as_array().cloned().unwrap_or_default();
            assert_eq!(published.len(), body.examples.len(), "{}", path.display());
            for e in &body.examples {
                let errors: Vec<String> = v
                    .iter_errors(&e.value)
                    .map(|e| format!("{}: {e}", e.instance_path().as_str()))
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{} {} example {:?}: {errors:?}",
                    op.full_id,
                    role.as_str(),
                    e.title
                );
                checked += 1;
                by_role[role as usize] += 1;
            }
        }
    }
    // 5 documents: 13 request, 14 callback and 1 response example.
    assert_eq!(by_role[BodyRole::Request as usize], 13);
    assert_eq!(by_role[BodyRole::Callback as usize], 14);
    assert_eq!(by_role[BodyRole::Response as usize], 1);
    assert_eq!(checked, 28);
}

#[test]
fn schemas_reject_what_the_documents_forbid() {
    let compiled = common::specs();
    let schema_of = |id: &str, role: BodyRole| {
        let (m, op) = compiled.ir.operation(id).expect("operation exists");
        let body = op
            .bodies()
            .find(|(r, _)| *r == role)
            .map(|(_, b)| b.clone())
            .expect("body");
        (
            gatespec_codegen::emit::schema::body_schema(m, op, role, &body),
            body.examples[0].value.clone(),
        )
    };
    let (s, ok) = schema_of("monetix/smp-p2p-kz/payout", BodyRole::Request);
    let v = common::validator(&s);
    let mut bad = ok.clone();
    bad["payment"]["currency"] = "KGS".into();
    assert!(!v.is_valid(&bad), "currency can be only KZT");
    let mut bad = ok.clone();
    bad["account"]["bank_code"] = "not-in-the-table".into();
    assert!(v.is_valid(&bad), "banks are informational");
    let mut open = ok.clone();
    open["anything"] = serde_json::json!({"else": 1});
    assert!(v.is_valid(&open), "requests are open");
    let mut bad = ok.clone();
    bad["customer"]["email"] = "not an email".into();
    assert!(!v.is_valid(&bad), "email format is asserted");

    let (s, ok) = schema_of(
        "flashpay/bank-transfer-kyrgyzstan/payout",
        BodyRole::Request,
    );
    let v = common::validator(&s);
    for (amount, valid) in [
        (1499, false),
        (1500, true),
        (1_500_000, true),
        (1_500_001, false),
    ] {
        let mut p = ok.clone();
        p["payment"]["amount"] = amount.into();
        assert_eq!(
            v.is_valid(&p),
            valid,
            "Flashpay limits 15.00–15,000.00 KGS, amount {amount}"
        );
    }

    let (s, ok) = schema_of("monetix/mobile/refund", BodyRole::Request);
    let v = common::validator(&s);
    let mut partial = ok.clone();
    partial["payment"]
        .as_object_mut()
        .map(|p| p.remove("currency"));
    assert!(
        !v.is_valid(&partial),
        "a partial refund needs amount and currency together"
    );
    let mut full = ok.clone();
    full.as_object_mut().map(|p| p.remove("payment"));
    assert!(v.is_valid(&full), "a full refund has no payment object");
}

#[test]
fn every_example_deserializes_into_the_generated_types() {
    use gatespec_client::{flashpay, monetix, rocketpay};
    let compiled = common::specs();
    let mut n = 0;
    for (_, op) in compiled.ir.operations() {
        for (role, body) in op.bodies() {
            for e in &body.examples {
                let v = e.value.clone();
                macro_rules! rt {
                    ($t:ty) => {{
                        let typed: $t = serde_json::from_value(v.clone())
                            .unwrap_or_else(|err| panic!("{} {:?}: {err}", op.full_id, role));
                        assert_eq!(
                            serde_json::to_value(&typed).ok(),
                            Some(v.clone()),
                            "{} round trip",
                            op.full_id
                        );
                    }};
                }
                match (op.full_id.as_str(), role) {
                    ("monetix/smp-p2p-kz/payout", BodyRole::Request) => {
                        rt!(monetix::smp_p2p_kz::payout::Request)
                    }
                    ("monetix/smp-p2p-kz/payout", BodyRole::Callback) => {
                        rt!(monetix::smp_p2p_kz::payout::Callback)
                    }
                    ("monetix/smp-p2p-kz/banks-list", BodyRole::Request) => {
                        rt!(monetix::smp_p2p_kz::banks_list::Request)
                    }
                    ("monetix/smp-p2p-kz/banks-list", BodyRole::Response) => {
                        rt!(monetix::smp_p2p_kz::banks_list::Response)
                    }
                    ("monetix/sbp-p2p/payout", BodyRole::Request) => {
                        rt!(monetix::sbp_p2p::payout::Request)
                    }
                    ("monetix/sbp-p2p/payout", BodyRole::Callback) => {
                        rt!(monetix::sbp_p2p::payout::Callback)
                    }
                    ("monetix/mobile/operators-list", BodyRole::Request) => {
                        rt!(monetix::mobile::operators_list::Request)
                    }
                    ("monetix/mobile/purchase-page", BodyRole::Request) => {
                        rt!(monetix::mobile::purchase_page::Request)
                    }
                    ("monetix/mobile/purchase-page", BodyRole::Callback) => {
                        rt!(monetix::mobile::purchase_page::Callback)
                    }
                    ("monetix/mobile/purchase", BodyRole::Request) => {
                        rt!(monetix::mobile::purchase::Request)
                    }
                    ("monetix/mobile/purchase", BodyRole::Callback) => {
                        rt!(monetix::mobile::purchase::Callback)
                    }
                    ("monetix/mobile/clarification", BodyRole::Request) => {
                        rt!(monetix::mobile::clarification::Request)
                    }
                    ("monetix/mobile/otp-resend", BodyRole::Request) => {
                        rt!(monetix::mobile::otp_resend::Request)
                    }
                    ("monetix/mobile/refund", BodyRole::Request) => {
                        rt!(monetix::mobile::refund::Request)
                    }
                    ("monetix/mobile/refund", BodyRole::Callback) => {
                        rt!(monetix::mobile::refund::Callback)
                    }
                    ("rocketpay/mobile/operators-list", BodyRole::Request) => {
                        rt!(rocketpay::mobile::operators_list::Request)
                    }
                    ("rocketpay/mobile/payout", BodyRole::Request) => {
                        rt!(rocketpay::mobile::payout::Request)
                    }
                    ("rocketpay/mobile/payout", BodyRole::Callback) => {
                        rt!(rocketpay::mobile::payout::Callback)
                    }
                    ("flashpay/bank-transfer-kyrgyzstan/payout", BodyRole::Request) => {
                        rt!(flashpay::bank_transfer_kyrgyzstan::payout::Request)
                    }
                    ("flashpay/bank-transfer-kyrgyzstan/payout", BodyRole::Callback) => {
                        rt!(flashpay::bank_transfer_kyrgyzstan::payout::Callback)
                    }
                    (other, role) => {
                        panic!("no typed round trip for {other} {role:?}: add it here")
                    }
                }
                n += 1;
            }
        }
    }
    assert_eq!(n, 28);
}
