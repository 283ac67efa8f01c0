//! The one place that parses YAML into values.
//!
//! serde_yaml is deprecated upstream; keeping it behind this file means a
//! swap to another parser touches nothing else. Values come out as
//! `serde_json::Value` because everything downstream (the structural check
//! against the spec format's JSON Schema, deserialization into the model) is
//! JSON-shaped.

use serde_json::Value;

use crate::diagnostics::Position;

/// A YAML syntax error with its position when the parser gives one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The parser's message, without its own position suffix.
    pub message: String,
    /// Where the parser stopped.
    pub position: Option<Position>,
}

/// Parses one YAML document into a JSON value.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    if text.trim().is_empty() {
        // Most likely an unsaved or truncated file: say so plainly.
        return Err(SyntaxError {
            message: "the file is empty".into(),
            position: Some(Position {
                line: 1,
                column: 1,
                offset: 0,
            }),
        });
    }
    serde_yaml::from_str::<Value>(text).map_err(|e| {
        let position = e.location().map(|l| Position {
            line: l.line(),
            column: l.column(),
            offset: l.index(),
        });
        let mut message = e.to_string();
        // serde_yaml appends " at line L column C"; the position is shown
        // by the renderer, so drop the duplicate.
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        SyntaxError { message, position }
    })
}

/// A hint that fits a YAML syntax error, from the parser's message and the
/// character where it stopped.
pub fn hint(message: &str, at: Option<char>) -> &'static str {
    let m = message.to_ascii_lowercase();
    if m.contains("tab") || at == Some('\t') {
        "YAML indents with spaces only; replace the tabs"
    } else if m.contains("recursion limit") {
        "the file nests too deeply; a spec is plain nested data"
    } else if m.contains("unknown anchor") || m.contains("alias") {
        "define an anchor (`&name`) before an alias (`*name`) refers to it"
    } else if m.contains("unexpected end of stream") || m.contains("quoted scalar") {
        "a quote or bracket opened before this point is never closed"
    } else if m.contains("cannot start any token") {
        "quote this value: characters such as `@`, `%` and a backtick cannot start a plain value"
    } else if m.contains("mapping values are not allowed") {
        "a value holds `: `; quote the value, or put the key on its own line"
    } else if m.contains("expected key")
        || m.contains("block")
        || m.contains("indentation")
        || m.contains("did not find expected")
    {
        "check the indentation of this line against the lines above it"
    } else if m.contains("invalid type") || m.contains("expected") {
        "the value's shape is not what this place takes; compare with the spec format"
    } else {
        "check the syntax of this line: quoting, indentation and brackets"
    }
}
