//! `validate`: check a payload against an operation's request or callback
//! with the same rules and messages as the generated validators.

use std::io::Write;
use std::path::Path;

use gatespec_runtime::validate::{Report, Violation};
use serde_json::{Value, json};

use super::{FAILED, OK, OutputFormat, input};
use gatespec_codegen::interpret;
use gatespec_codegen::ir::Ty;

/// Runs `validate`.
pub fn validate(
    ty: &Ty,
    file: Option<&Path>,
    max_bytes: u64,
    format: OutputFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let payload = match input::read_payload(file, max_bytes, err) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let report = verdict(ty, &payload.value, payload.duplicates);
    let items = |vs: &[Violation]| -> Vec<Value> {
        vs.iter()
            .map(|v| json!({"pointer": v.pointer, "code": v.code.as_str(), "message": v.message}))
            .collect()
    };
    let _ = match format {
        OutputFormat::Json => writeln!(
            out,
            "{}",
            json!({"valid": report.is_valid(), "errors": items(&report.errors), "warnings": items(&report.warnings)})
        ),
        OutputFormat::Text => {
            let mut text = String::new();
            if report.is_valid() {
                text.push_str("valid\n");
            }
            for e in &report.errors {
                text.push_str(&format!("{}: {}\n", shown(&e.pointer), e.message));
            }
            for w in &report.warnings {
                text.push_str(&format!("warning: {}: {}\n", shown(&w.pointer), w.message));
            }
            write!(out, "{text}")
        }
    };
    if report.is_valid() { OK } else { FAILED }
}

/// What `validate` decides about a payload read by `parse_strict`: what
/// the reading found (duplicates, noncharacters, nesting past the profile)
/// and then what the rules find in the value.
pub fn verdict(ty: &Ty, value: &Value, read: Report) -> Report {
    // The reading's findings first: the value holds only the last
    // occurrence of a duplicate member, which the rules then check.
    let mut report = read;
    let rules = interpret::validate(ty, value);
    report.errors.extend(rules.errors);
    report.warnings.extend(rules.warnings);
    report
}

fn shown(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}
