//! `validate`: check a payload against an operation's published schema.
//!
//! Until the generated Rust validators land (issue 3) this uses the
//! published JSON Schema with formats asserted, which is the contract the
//! Rust validators must match.

use std::io::{Read, Write};
use std::path::Path;

use serde_json::{Value, json};

use super::{FAILED, OK, OutputFormat, USAGE};
use crate::check::examples::validator;

/// Runs `validate`.
pub fn validate(
    schema: &Value,
    file: Option<&Path>,
    format: OutputFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let (name, bytes) = match file {
        None => ("<stdin>".to_string(), read_stdin()),
        Some(p) if p == Path::new("-") => ("<stdin>".to_string(), read_stdin()),
        Some(p) => (p.display().to_string(), std::fs::read(p)),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {name}: {e}");
            return USAGE;
        }
    };
    let payload: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            let _ = writeln!(
                err,
                "error: {name} is not JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            );
            return USAGE;
        }
    };
    let v = match validator(schema) {
        Ok(v) => v,
        Err(e) => {
            let _ = writeln!(err, "error: the schema does not compile: {e}");
            return FAILED;
        }
    };
    let errors: Vec<Value> = v
        .iter_errors(&payload)
        .map(|e| {
            json!({
                "pointer": e.instance_path().as_str(),
                "code": e.kind().keyword(),
                "message": e.to_string(),
            })
        })
        .collect();
    let valid = errors.is_empty();
    let _ = match format {
        OutputFormat::Json => writeln!(
            out,
            "{}",
            json!({"valid": valid, "errors": errors, "warnings": []})
        ),
        OutputFormat::Text if valid => writeln!(out, "valid"),
        OutputFormat::Text => errors.iter().try_for_each(|e| {
            let pointer = e["pointer"].as_str().unwrap_or_default();
            writeln!(
                out,
                "{}: {}",
                if pointer.is_empty() { "/" } else { pointer },
                e["message"].as_str().unwrap_or_default()
            )
        }),
    };
    if valid { OK } else { FAILED }
}

fn read_stdin() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::io::stdin().read_to_end(&mut buf)?;
    Ok(buf)
}
