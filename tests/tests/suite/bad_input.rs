//! Bad input never crashes the validators or the CLI: arbitrary bytes,
//! huge numbers, deep nesting, invalid UTF-8 and empty input each give a
//! clear error.

use crate::common;

use gatespec_codegen::ir::BodyRole;
use gatespec_runtime::validate::Code;

fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let deep_array = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_extra = format!("{{\"x\": {}1{}}}", "[".repeat(200), "]".repeat(200));
    vec![
        ("empty", b"".to_vec()),
        ("whitespace", b"  \n\t ".to_vec()),
        ("invalid utf-8", b"{\"general\": \"\xff\xfe\"}".to_vec()),
        ("bare bytes", vec![0, 159, 146, 150, 255]),
        ("truncated", b"{\"general\": {\"project_id\": 1".to_vec()),
        ("trailing data", b"{} {}".to_vec()),
        (
            "huge integer",
            b"{\"general\": {\"project_id\": 123456789012345678901234567890}}".to_vec(),
        ),
        (
            "huge exponent",
            b"{\"general\": {\"project_id\": 1e400}}".to_vec(),
        ),
        ("deep array", deep_array.into_bytes()),
        ("deep extra member", deep_extra.into_bytes()),
        ("lone surrogate", b"{\"general\": \"\\ud800\"}".to_vec()),
        ("nul", b"\0".to_vec()),
    ]
}

#[test]
fn the_validator_reports_bad_input_without_panicking() {
    for (name, bytes) in corpus() {
        let result = std::panic::catch_unwind(|| {
            common::generated("monetix/smp-p2p-kz/payout", BodyRole::Request, &bytes)
        });
        let Ok(result) = result else {
            panic!("{name}: the validator panicked")
        };
        let Err(report) = result else {
            panic!("{name}: accepted")
        };
        assert!(!report.errors.is_empty(), "{name}");
        for e in &report.errors {
            assert!(!e.message.is_empty(), "{name}");
        }
        let codes: Vec<Code> = report.errors.iter().map(|e| e.code).collect();
        match name {
            "huge integer" => assert!(
                codes.contains(&Code::Json) || codes.contains(&Code::Maximum),
                "{name}: {codes:?}"
            ),
            "deep extra member" => assert!(
                codes.contains(&Code::Depth),
                "{name}: {codes:?} (the input profile's nesting limit)"
            ),
            _ => assert!(
                codes.contains(&Code::Json) || codes.contains(&Code::Type),
                "{name}: {codes:?}"
            ),
        }
    }
}

/// Runs `gatespec validate` on `bytes` (in a temporary file); the exit
/// code and standard error, or `None` when the CLI panicked.
fn validate_cli(tag: &str, bytes: &[u8]) -> Option<(u8, String)> {
    let specs = common::root().join("specs").display().to_string();
    let file = std::env::temp_dir().join(format!(
        "gatespec-bad-input-{}-{}",
        std::process::id(),
        tag.replace(' ', "-")
    ));
    std::fs::write(&file, bytes).expect("write");
    let args: Vec<std::ffi::OsString> = [
        "gatespec",
        "validate",
        "monetix/smp-p2p-kz/payout",
        &file.display().to_string(),
        "--specs",
        &specs,
    ]
    .iter()
    .map(Into::into)
    .collect();
    let result = std::panic::catch_unwind(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = gatespec_cli::run(args, &mut out, &mut err);
        (code, String::from_utf8_lossy(&err).into_owned())
    });
    let _ = std::fs::remove_file(&file);
    result.ok()
}

#[test]
fn the_cli_reports_bad_input_as_a_usage_error_with_a_position() {
    for (name, bytes) in corpus() {
        let (code, _) =
            validate_cli(name, &bytes).unwrap_or_else(|| panic!("{name}: the CLI panicked"));
        assert!(code == 1 || code == 2, "{name}: exit {code}");
    }
    // Non-JSON input names its line and column.
    let (code, err) = validate_cli("position", b"{\n  \"general\": ,\n}").expect("no panic");
    assert_eq!(code, 2);
    assert!(err.contains("line 2, column 14"), "{err}");
}

#[test]
fn integers_outside_the_safe_range_are_violations_never_coerced() {
    // The seed payout with `general.project_id` replaced by each text.
    let compiled = common::specs();
    let (_, op) = compiled
        .ir
        .operation("monetix/smp-p2p-kz/payout")
        .expect("the seed payout");
    let example = serde_json::to_string(&op.request.examples[0].value).expect("json");
    let id = op.request.examples[0].value["general"]["project_id"].to_string();
    let with = |n: &str| {
        example.replacen(
            &format!("\"project_id\":{id}"),
            &format!("\"project_id\":{n}"),
            1,
        )
    };
    for (n, code) in [
        ("-9223372036854775809", Code::Minimum),
        ("-9223372036854775808.5", Code::Minimum),
        ("-9223372036854775808", Code::Minimum),
        ("9223372036854775807", Code::Maximum),
        ("9007199254740992", Code::Maximum),
        ("-9007199254740992", Code::Minimum),
        ("1e300", Code::Maximum),
        ("12.5", Code::Type),
    ] {
        let text = with(n);
        assert_ne!(text, example, "the replacement took place");
        let report = common::generated(
            "monetix/smp-p2p-kz/payout",
            BodyRole::Request,
            text.as_bytes(),
        )
        .err()
        .unwrap_or_else(|| panic!("{n} was accepted"));
        let found: Vec<_> = report
            .errors
            .iter()
            .map(|e| (e.pointer.as_str(), e.code))
            .collect();
        assert_eq!(found, [("/general/project_id", code)], "{n}");
        let (exit, _) = validate_cli(n, text.as_bytes()).expect("no panic");
        assert_eq!(exit, 1, "{n}: the CLI agrees");
    }
    for n in ["9007199254740991", "-9007199254740991", "7.0"] {
        let text = with(n);
        assert!(
            common::generated(
                "monetix/smp-p2p-kz/payout",
                BodyRole::Request,
                text.as_bytes()
            )
            .is_ok(),
            "{n} is a safe integer"
        );
    }
}
