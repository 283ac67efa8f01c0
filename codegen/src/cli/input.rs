//! Reading a payload (a file, or standard input for `-` or nothing).

use std::io::{Read, Write};
use std::path::Path;

use serde_json::Value;

use super::USAGE;

/// Reads the payload's bytes, or prints why not and returns the exit code.
fn read(file: Option<&Path>, err: &mut dyn Write) -> Result<(String, Vec<u8>), u8> {
    let (name, bytes) = match file {
        None => ("<stdin>".to_string(), read_stdin()),
        Some(p) if p == Path::new("-") => ("<stdin>".to_string(), read_stdin()),
        Some(p) => (p.display().to_string(), std::fs::read(p)),
    };
    match bytes {
        Ok(b) => Ok((name, b)),
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {name}: {e}");
            Err(USAGE)
        }
    }
}

/// Parses JSON, or prints the error with its line and column. serde_json
/// bounds nesting (128 levels) and rejects invalid UTF-8, empty input and
/// trailing data.
fn json(name: &str, bytes: &[u8], err: &mut dyn Write) -> Result<Value, u8> {
    serde_json::from_slice(bytes).map_err(|e| {
        let _ = writeln!(
            err,
            "error: {name} is not JSON: {e} (line {}, column {})",
            e.line(),
            e.column()
        );
        USAGE
    })
}

/// Reads and parses a JSON payload: its display name and value, or the
/// exit code after the error is printed.
pub fn read_json(file: Option<&Path>, err: &mut dyn Write) -> Result<(String, Value), u8> {
    let (name, bytes) = read(file, err)?;
    let value = json(&name, &bytes, err)?;
    Ok((name, value))
}

fn read_stdin() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::io::stdin().read_to_end(&mut buf)?;
    Ok(buf)
}
