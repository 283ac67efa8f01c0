//! Reading a payload (a file, or standard input for `-` or nothing):
//! bounded in size, parsed once, its duplicate members found.

use std::io::{Read, Write};
use std::path::Path;

use gatespec_runtime::Report;
use serde_json::Value;

use super::USAGE;

/// The default of `--max-bytes`: a payment payload is a few kilobytes.
pub const DEFAULT_MAX_BYTES: u64 = gatespec_runtime::validate::profile::MAX_BYTES as u64;

/// A payload as read and parsed.
pub struct Payload {
    /// Display name (`<stdin>` or the path).
    pub name: String,
    /// The bytes as read.
    pub bytes: Vec<u8>,
    /// The parsed value (for a duplicated member, the last occurrence).
    pub value: Value,
    /// Every duplicated member, as `duplicate_key` violations.
    pub duplicates: Report,
}

/// Reads at most `max` bytes, or prints why not and returns the exit code.
fn read(file: Option<&Path>, max: u64, err: &mut dyn Write) -> Result<(String, Vec<u8>), u8> {
    let (name, reader): (String, std::io::Result<Box<dyn Read>>) = match file {
        None => ("<stdin>".into(), Ok(Box::new(std::io::stdin()))),
        Some(p) if p == Path::new("-") => ("<stdin>".into(), Ok(Box::new(std::io::stdin()))),
        Some(p) => (
            p.display().to_string(),
            regular_file(p).map(|f| Box::new(f) as Box<dyn Read>),
        ),
    };
    let mut bytes = Vec::new();
    let read = reader.and_then(|r| r.take(max.saturating_add(1)).read_to_end(&mut bytes));
    match read {
        Ok(_) if bytes.len() as u64 > max => {
            let _ = writeln!(
                err,
                "error: {name} is larger than {max} bytes\nhelp: a payment payload is a few kilobytes; raise the limit with --max-bytes if this one is real"
            );
            Err(USAGE)
        }
        Ok(_) => Ok((name, bytes)),
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {name}: {e}");
            Err(USAGE)
        }
    }
}

/// Opens a file only if it is a regular one: a FIFO would block, a
/// directory is not a payload.
fn regular_file(path: &Path) -> std::io::Result<std::fs::File> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    std::fs::File::open(path)
}

/// Reads and parses a JSON payload, or prints the error (with its line and
/// column) and returns the exit code. serde_json bounds nesting (128
/// levels) and rejects empty input and trailing data.
pub fn read_payload(file: Option<&Path>, max: u64, err: &mut dyn Write) -> Result<Payload, u8> {
    let (name, bytes) = read(file, max, err)?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let (line, column) =
                gatespec_codegen::diagnostics::line_column(&bytes, e.valid_up_to());
            let _ = writeln!(
                err,
                "error: {name} is not JSON: invalid UTF-8 at line {line}, column {column}"
            );
            return Err(USAGE);
        }
    };
    match gatespec_runtime::validate::parse_strict(text) {
        Ok((value, duplicates)) => Ok(Payload {
            name,
            value,
            duplicates,
            bytes,
        }),
        Err(e) => {
            let _ = writeln!(
                err,
                "error: {name} is not JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            );
            Err(USAGE)
        }
    }
}
