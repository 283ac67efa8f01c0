//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use gatespec_codegen::{Compiled, compile_dirs};

/// The repository root (the tests crate lives in `tests/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the `gatespec` CLI in process with `args` (without the program
/// name): the exit code, standard output and standard error.
pub fn gatespec(args: &[&str]) -> (u8, String, String) {
    let mut argv = vec!["gatespec".into()];
    argv.extend(args.iter().map(|a| (*a).into()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = gatespec_codegen::cli::run(argv, &mut out, &mut err);
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// The compiled specs of the repository.
pub fn specs() -> Compiled {
    match compile_dirs(&[&root().join("specs")]) {
        Ok(c) => c,
        Err(f) => panic!("specs/ does not check:\n{}", f.rendered),
    }
}

/// A validator for a published schema, with formats asserted.
pub fn validator(schema: &serde_json::Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}

/// What one validator decided: the typed value's JSON and warnings, or the
/// violations.
pub type Verdict =
    Result<(serde_json::Value, Vec<gatespec_runtime::Violation>), gatespec_runtime::Report>;

/// Runs the generated validator of an operation's body (from the client
/// crate) on JSON bytes.
pub fn generated(op: &str, role: gatespec_codegen::ir::BodyRole, bytes: &[u8]) -> Verdict {
    use gatespec_client::{flashpay, monetix, rocketpay};
    use gatespec_codegen::ir::BodyRole::*;
    use gatespec_runtime::Validate;
    macro_rules! run {
        ($t:ty) => {
            <$t>::from_json_slice(bytes).map(|v| {
                (
                    serde_json::to_value(&v.value).expect("typed values serialize"),
                    v.warnings,
                )
            })
        };
    }
    match (op, role) {
        ("monetix/smp-p2p-kz/payout", Request) => run!(monetix::smp_p2p_kz::payout::Request),
        ("monetix/smp-p2p-kz/payout", Callback) => run!(monetix::smp_p2p_kz::payout::Callback),
        ("monetix/smp-p2p-kz/banks-list", Request) => {
            run!(monetix::smp_p2p_kz::banks_list::Request)
        }
        ("monetix/smp-p2p-kz/banks-list", Response) => {
            run!(monetix::smp_p2p_kz::banks_list::Response)
        }
        ("monetix/sbp-p2p/payout", Request) => run!(monetix::sbp_p2p::payout::Request),
        ("monetix/sbp-p2p/payout", Callback) => run!(monetix::sbp_p2p::payout::Callback),
        ("monetix/mobile/operators-list", Request) => {
            run!(monetix::mobile::operators_list::Request)
        }
        ("monetix/mobile/purchase-page", Request) => run!(monetix::mobile::purchase_page::Request),
        ("monetix/mobile/purchase-page", Callback) => {
            run!(monetix::mobile::purchase_page::Callback)
        }
        ("monetix/mobile/purchase", Request) => run!(monetix::mobile::purchase::Request),
        ("monetix/mobile/purchase", Callback) => run!(monetix::mobile::purchase::Callback),
        ("monetix/mobile/clarification", Request) => run!(monetix::mobile::clarification::Request),
        ("monetix/mobile/otp-resend", Request) => run!(monetix::mobile::otp_resend::Request),
        ("monetix/mobile/refund", Request) => run!(monetix::mobile::refund::Request),
        ("monetix/mobile/refund", Callback) => run!(monetix::mobile::refund::Callback),
        ("rocketpay/mobile/operators-list", Request) => {
            run!(rocketpay::mobile::operators_list::Request)
        }
        ("rocketpay/mobile/payout", Request) => run!(rocketpay::mobile::payout::Request),
        ("rocketpay/mobile/payout", Callback) => run!(rocketpay::mobile::payout::Callback),
        ("flashpay/bank-transfer-kyrgyzstan/payout", Request) => {
            run!(flashpay::bank_transfer_kyrgyzstan::payout::Request)
        }
        ("flashpay/bank-transfer-kyrgyzstan/payout", Callback) => {
            run!(flashpay::bank_transfer_kyrgyzstan::payout::Callback)
        }
        (other, role) => panic!(
            "no generated validator wired for {other} {role:?}: add it to tests/tests/common/mod.rs"
        ),
    }
}
