//! One function over any request's `general` object, across brands,
//! methods and shapes (a payout's has a payment id, an information
//! request's has none), through `gatespec_runtime::general`.

use gatespec_client::{flashpay, monetix, rocketpay};
use gatespec_runtime::general::{GeneralObject, HasGeneral};
use serde_json::Value;

use crate::common;

/// What a service would log about any request, written once.
fn describe<R: HasGeneral>(request: &R) -> (i64, Option<String>, String) {
    let g = request.general();
    (
        g.project_id(),
        g.payment_id().map(str::to_string),
        g.signature().to_string(),
    )
}

/// The seed example of `op`, typed, with what `describe` should say of it.
fn seed<R: serde::de::DeserializeOwned>(op: &str) -> (R, (i64, Option<String>, String)) {
    let compiled = common::specs();
    let (_, o) = compiled.ir.operation(op).expect("operation");
    let v = &o.request.examples[0].value;
    let expected = (
        v["general"]["project_id"].as_i64().expect("project id"),
        v["general"]["payment_id"].as_str().map(str::to_string),
        v["general"]["signature"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    );
    (serde_json::from_value(v.clone()).expect("typed"), expected)
}

fn check<R: serde::de::DeserializeOwned + HasGeneral + serde::Serialize>(op: &str) {
    let (mut request, expected) = seed::<R>(op);
    assert_eq!(describe(&request), expected, "{op}");
    // Generic code can change it too, and the typed value says so.
    request.general_mut().set_project_id(777);
    let v: Value = serde_json::to_value(&request).expect("JSON");
    assert_eq!(v["general"]["project_id"], 777, "{op}");
}

#[test]
fn one_function_reads_the_general_object_of_every_brand_and_shape() {
    check::<monetix::smp_p2p_kz::payout::Request>("monetix/smp-p2p-kz/payout");
    check::<monetix::smp_p2p_kz::banks_list::Request>("monetix/smp-p2p-kz/banks-list");
    check::<monetix::sbp_p2p::payout::Request>("monetix/sbp-p2p/payout");
    check::<monetix::mobile::purchase::Request>("monetix/mobile/purchase");
    check::<monetix::mobile::operators_list::Request>("monetix/mobile/operators-list");
    check::<monetix::mobile::refund::Request>("monetix/mobile/refund");
    check::<rocketpay::mobile::payout::Request>("rocketpay/mobile/payout");
    check::<rocketpay::mobile::operators_list::Request>("rocketpay/mobile/operators-list");
    check::<flashpay::bank_transfer_kyrgyzstan::payout::Request>(
        "flashpay/bank-transfer-kyrgyzstan/payout",
    );
}
