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
