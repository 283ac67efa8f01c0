//! The `gatespec` CLI, run in process against the real specs.

use crate::common;

use common::gatespec;

/// `gatespec generate --check` of the real specs against `out`.
fn generate_check(out: &str) -> (u8, String, String) {
    gatespec(&["generate", "--check", "--specs", &specs(), "--out", out])
}

fn specs() -> String {
    common::root().join("specs").display().to_string()
}

#[test]
fn help_is_stable() {
    let (code, out, _) = gatespec(&["--help"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("cli_help", out);
}

#[test]
fn list_prints_every_operation() {
    let (code, out, err) = gatespec(&["list", "--specs", &specs()]);
    assert_eq!(code, 0, "{err}");
    let ids: Vec<&str> = out.lines().collect();
    let count = common::specs().ir.operations().count();
    assert_eq!(ids.len(), count);
    for id in [
        "monetix/smp-p2p-kz/payout",
        "monetix/smp-p2p-kz/banks-list",
        "monetix/sbp-p2p/payout",
        "rocketpay/mobile/payout",
        "rocketpay/mobile/operators-list",
        "monetix/mobile/purchase",
        "monetix/mobile/purchase-page",
        "monetix/mobile/clarification",
        "monetix/mobile/otp-resend",
        "monetix/mobile/refund",
        "monetix/mobile/operators-list",
        "flashpay/bank-transfer-kyrgyzstan/payout",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let (_, json, _) = gatespec(&["list", "--format", "json", "--specs", &specs()]);
    let parsed: Vec<String> = serde_json::from_str(&json).expect("json list");
    assert_eq!(parsed.len(), count);
}

#[test]
fn check_and_generate_check_pass() {
    let (code, out, err) = gatespec(&["check", "--specs", &specs()]);
    let ir = &common::specs().ir;
    let expected = format!(
        "ok: {} brands, {} methods, {} operations\n",
        ir.brands.len(),
        ir.methods.len(),
        ir.operations().count()
    );
    assert_eq!((code, out.as_str()), (0, expected.as_str()), "{err}");
    let generated = common::root().join("generated").display().to_string();
    let (code, _, err) = generate_check(&generated);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn schema_prints_request_and_callback_schemas() {
    let (code, out, _) = gatespec(&["schema", "monetix/smp-p2p-kz/payout", "--specs", &specs()]);
    assert_eq!(code, 0);
    let s: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(s["$id"], "urn:gatespec:monetix/smp-p2p-kz/payout:request");
    let (code, out, _) = gatespec(&[
        "schema",
        "monetix/smp-p2p-kz/payout",
        "--callback",
        "--specs",
        &specs(),
    ]);
    assert_eq!(code, 0);
    assert!(out.contains(":callback"));
}

#[test]
fn unknown_operations_are_usage_errors_with_a_suggestion() {
    let (code, _, err) = gatespec(&["schema", "monetix/smp-p2p-kz/payuot", "--specs", &specs()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("did you mean `monetix/smp-p2p-kz/payout`?"),
        "{err}"
    );
    let (code, _, err) = gatespec(&[
        "schema",
        "monetix/mobile/clarification",
        "--callback",
        "--specs",
        &specs(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("has no callback"), "{err}");
    let (code, _, _) = gatespec(&["frobnicate"]);
    assert_eq!(code, 2);
}

#[test]
fn validate_reports_pointers_and_exit_codes() {
    let tmp = std::env::temp_dir().join(format!("gatespec-validate-{}.json", std::process::id()));
    std::fs::write(&tmp, r#"{"general": {"project_id": 1, "payment_id": "p", "signature": "s"}, "payment": {"amount": 1, "currency": "KGS"}}"#).expect("write");
    let file = tmp.display().to_string();
    let (code, out, _) = gatespec(&[
        "validate",
        "monetix/smp-p2p-kz/banks-list",
        &file,
        "--format",
        "json",
        "--specs",
        &specs(),
    ]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&out).expect("json report");
    assert_eq!(report["valid"], false);
    assert_eq!(report["errors"][0]["pointer"], "/payment/currency");
    assert_eq!(report["errors"][0]["code"], "const");
    std::fs::write(&tmp, "{not json").expect("write");
    let (code, _, err) = gatespec(&[
        "validate",
        "monetix/smp-p2p-kz/banks-list",
        &file,
        "--specs",
        &specs(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("line 1, column 2"), "{err}");
    let _ = std::fs::remove_file(&tmp);
}

#[test]
fn check_reports_broken_specs_with_exit_1() {
    let dir = common::root().join("tests/fixtures/bad-specs/unknown-key");
    // The CLI takes one spec root; build one from specs/ plus the fixture.
    let tmp = std::env::temp_dir().join(format!("gatespec-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    copy(&common::root().join("specs"), &tmp);
    copy(&dir, &tmp);
    let (code, _, err) = gatespec(&["check", "--specs", &tmp.display().to_string()]);
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown key `requried`") && err.contains("did you mean `required`?"),
        "{err}"
    );
    assert!(err.contains("monetix/bad.yaml:39:62"), "{err}");
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}

#[test]
fn sign_and_verify_take_the_secret_from_the_environment_or_a_file_only() {
    let dir = std::env::temp_dir().join(format!("gatespec-sign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let payload = dir.join("payout.json");
    let secret = dir.join("secret");
    std::fs::write(&payload, r#"{"general": {"project_id": 1, "payment_id": "p"}, "payment": {"amount": 1, "currency": "KZT"}}"#).expect("write");
    std::fs::write(&secret, "s3cret\n").expect("write");
    let (p, s) = (payload.display().to_string(), secret.display().to_string());
    let (code, out, err) = gatespec(&["sign", &p, "--secret-file", &s]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains("s3cret") && !err.contains("s3cret"),
        "the secret never shows"
    );
    let signed: serde_json::Value = serde_json::from_str(&out).expect("json");
    let key = gatespec_runtime::signature::SecretKey::new("s3cret");
    let sig = signed["general"]["signature"]
        .as_str()
        .expect("signature set");
    assert!(gatespec_runtime::signature::verify(&signed, sig, &key));
    std::fs::write(&payload, &out).expect("write");
    let (code, out, _) = gatespec(&["verify", &p, "--secret-file", &s]);
    assert_eq!(code, 0, "{out}");
    std::fs::write(&secret, "other").expect("write");
    let (code, out, _) = gatespec(&["verify", &p, "--secret-file", &s]);
    assert_eq!(code, 1, "{out}");
    let (code, out, _) = gatespec(&["sign", &p, "--signature-only", "--secret-file", &s]);
    assert_eq!((code, out.trim().len()), (0, 88), "a Base64 SHA-512 MAC");
    // No secret at all (the variable is not set in tests): a usage error.
    if std::env::var_os("GATESPEC_SECRET").is_none() {
        let (code, _, err) = gatespec(&["sign", &p]);
        assert_eq!(code, 2);
        assert!(err.contains("GATESPEC_SECRET"), "{err}");
    }
    // There is no way to pass the secret on the command line.
    let (code, _, _) = gatespec(&["sign", &p, "--secret", "s3cret"]);
    assert_eq!(code, 2);
    let _ = std::fs::remove_dir_all(&dir);
}
