//! Validation: one pass over JSON that reports every violation with a JSON
//! pointer, a stable code and a message, and yields the typed value when
//! there is none.
//!
//! Generated types implement [`Lenient`]: a deserialization that never
//! stops at a wrong value, only at a broken byte stream. It records each
//! violation in a [`Report`] as it goes and builds the typed value in the
//! same pass, so validating costs no second parse and no
//! `serde_json::Value`. The rules themselves (what a pattern, a format or a
//! bound means, and how a violation is worded) live in [`rules`], shared by
//! generated code and by the CLI's interpreter of the specs.

mod formats;
mod lenient;
mod loose;
mod path;
pub mod profile;
pub mod rules;
mod strict;

use std::fmt;

pub use formats::{
    CURRENCY_PATTERN, DATE_TIME_PATTERN, EMAIL_MAX_LENGTH, EMAIL_PATTERN, IPV4_MAX_LENGTH,
    IPV4_PATTERN, IPV6_MAX_LENGTH, IPV6_PATTERN, PHONE_PATTERN, Pattern, compiled, is_email,
    is_email_utf8, is_ip, is_ipv4, is_ipv6,
};
pub use lenient::{
    Field, Key, Lenient, LenientObject, LenientSeed, any_integer, any_string, integer, member,
    object, parse_error, require, string, unknown, value,
};
pub use loose::{OneValue, kept_as_sent, lenient_member};
pub use path::Path;
pub use strict::{StrictValue, parse as parse_strict};

/// The largest integer every consumer of the schemas reads exactly:
/// 2^53 − 1, JavaScript's `Number.MAX_SAFE_INTEGER`. Every integer is
/// bounded to ±this, in the schemas and in the validators alike, so a
/// JavaScript or Python validator cannot accept what Rust rejects (or the
/// other way round) by rounding.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// The smallest such integer, −(2^53 − 1).
pub const MIN_SAFE_INTEGER: i64 = -MAX_SAFE_INTEGER;

/// The integer a validated JSON value stands for, read as the validators
/// read it: JSON Schema counts `113.0` and `1e5` as the integers 113 and
/// 100000, and so does every generated validator, so whoever acts on a
/// validated payload must read the same number (not `None`, as
/// `Value::as_i64` does for a number written with a fraction or an
/// exponent). `None` for anything else, and for integers outside
/// ±(2^53 − 1), which no validator accepts.
pub fn integer_value(v: &serde_json::Value) -> Option<i64> {
    let n = v.as_number()?;
    let i = match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => i,
        // Within ±(2^53 − 1) a binary64 value with no fraction is an exact
        // integer; the range check below refuses the rest.
        (None, Some(f)) if f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER as f64 => f as i64,
        _ => return None,
    };
    (MIN_SAFE_INTEGER..=MAX_SAFE_INTEGER)
        .contains(&i)
        .then_some(i)
}

/// Nesting depth past which input is rejected with [`Code::Depth`]: deep
/// enough for any payload of the platform, shallow enough that recursion
/// stays far from the stack's end. serde_json stops at 128 on its own.
pub const MAX_DEPTH: usize = 64;

/// A stable, machine-readable kind of violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// A strictly required parameter is missing.
    Required,
    /// The value has the wrong JSON type.
    Type,
    /// The value differs from the one value allowed.
    Const,
    /// The value is outside the closed set allowed.
    Enum,
    /// The string does not match the pattern.
    Pattern,
    /// The string is not in the declared format.
    Format,
    /// The number is below the minimum.
    Minimum,
    /// The number is above the maximum.
    Maximum,
    /// The string is shorter than allowed.
    MinLength,
    /// The string is longer than allowed.
    MaxLength,
    /// A parameter that requires another is present without it.
    DependentRequired,
    /// A value outside an informational list (a warning, never an error).
    UnknownValue,
    /// The input is not JSON (or not UTF-8).
    Json,
    /// The input nests deeper than [`MAX_DEPTH`].
    Depth,
    /// An object names the same member twice. JSON parsers disagree on
    /// which one counts (the first or the last), so such a document is
    /// never valid.
    DuplicateKey,
    /// A string or member name holds a Unicode noncharacter, which the
    /// input profile (I-JSON) excludes.
    Noncharacter,
}

impl Code {
    /// The code as written in reports (`required`, `dependent_required`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::Type => "type",
            Code::Const => "const",
            Code::Enum => "enum",
            Code::Pattern => "pattern",
            Code::Format => "format",
            Code::Minimum => "minimum",
            Code::Maximum => "maximum",
            Code::MinLength => "min_length",
            Code::MaxLength => "max_length",
            Code::DependentRequired => "dependent_required",
            Code::UnknownValue => "unknown_value",
            Code::Json => "json",
            Code::Depth => "depth",
            Code::DuplicateKey => "duplicate_key",
            Code::Noncharacter => "noncharacter",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One violation (or warning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer of the offending value (of the object, for a missing
    /// parameter, as JSON Schema reports it).
    pub pointer: String,
    /// What kind of violation.
    pub code: Code,
    /// A sentence for people.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{p}: {} ({})", self.message, self.code)
    }
}

/// Everything one validation found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Violations: the input is invalid when there is any.
    pub errors: Vec<Violation>,
    /// Warnings (values outside informational lists): the input is valid.
    pub warnings: Vec<Violation>,
}

impl Report {
    /// True when there is no error (warnings do not count).
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// Records an error.
    pub fn error(&mut self, path: &Path<'_>, code: Code, message: impl Into<String>) {
        self.errors.push(Violation {
            pointer: path.pointer(),
            code,
            message: message.into(),
        });
    }

    /// Records a warning.
    pub fn warn(&mut self, path: &Path<'_>, code: Code, message: impl Into<String>) {
        self.warnings.push(Violation {
            pointer: path.pointer(),
            code,
            message: message.into(),
        });
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.errors {
            writeln!(f, "error: {e}")?;
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}

/// A value that passed validation, with the warnings it raised.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated<T> {
    /// The typed value.
    pub value: T,
    /// Values outside informational lists.
    pub warnings: Vec<Violation>,
}

/// Validation of JSON into a typed value, implemented for every generated
/// request, response and callback type.
pub trait Validate: Sized {
    /// Validates JSON bytes and returns the typed value, or every violation.
    fn from_json_slice(bytes: &[u8]) -> Result<Validated<Self>, Report>;

    /// Validates a JSON value and returns the typed value, or every violation.
    fn from_json_value(value: &serde_json::Value) -> Result<Validated<Self>, Report>;
}

/// What [`validate_as_json`] hands back: the typed value as JSON with its
/// warnings, or every violation.
pub type JsonVerdict = Result<Validated<serde_json::Value>, Report>;

/// Validates JSON bytes as `T` and hands the typed value back as JSON: for
/// callers that choose the type at run time (the generated
/// `validate_body`, which dispatches on an operation id).
pub fn validate_as_json<T: Validate + serde::Serialize>(bytes: &[u8]) -> JsonVerdict {
    let typed = T::from_json_slice(bytes)?;
    match serde_json::to_value(&typed.value) {
        Ok(value) => Ok(Validated {
            value,
            warnings: typed.warnings,
        }),
        // Generated types always serialize (string keys only); should one
        // not, the caller learns it as a violation rather than a panic.
        Err(e) => Err(Report {
            errors: vec![Violation {
                pointer: String::new(),
                code: Code::Json,
                message: format!("the typed value does not serialize: {e}"),
            }],
            warnings: typed.warnings,
        }),
    }
}

impl<T: Lenient> Validate for T {
    fn from_json_slice(bytes: &[u8]) -> Result<Validated<Self>, Report> {
        let mut report = Report::default();
        if bytes.len() > profile::MAX_BYTES {
            report.errors.push(Violation {
                pointer: String::new(),
                code: Code::Json,
                message: format!(
                    "the payload is {} bytes, more than the {} the input profile admits",
                    bytes.len(),
                    profile::MAX_BYTES
                ),
            });
            return Err(report);
        }
        // Validating UTF-8 once for the whole input is faster than per string.
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                report.errors.push(Violation {
                    pointer: String::new(),
                    code: Code::Json,
                    message: format!("not valid JSON: invalid UTF-8 at byte {}", e.valid_up_to()),
                });
                return Err(report);
            }
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed =
            T::lenient(&mut de, &Path::root(), &mut report).and_then(|v| de.end().map(|()| v));
        finish(parsed, report, |e| parse_error(&e))
    }

    fn from_json_value(value: &serde_json::Value) -> Result<Validated<Self>, Report> {
        let mut report = Report::default();
        let parsed = T::lenient(value, &Path::root(), &mut report);
        finish(parsed, report, |e| parse_error(&e))
    }
}

fn finish<T, E>(
    parsed: Result<Option<T>, E>,
    mut report: Report,
    describe: impl Fn(E) -> Violation,
) -> Result<Validated<T>, Report> {
    match parsed {
        Ok(Some(value)) if report.is_valid() => Ok(Validated {
            value,
            warnings: report.warnings,
        }),
        Ok(_) => Err(report),
        Err(e) => {
            // A broken stream ends the pass: what was found before it is
            // kept, the parse error is added, and nothing typed is returned.
            report.errors.push(describe(e));
            Err(report)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A float-notation integer is the integer the validators accepted,
    /// wherever it is read: not `None`, as `Value::as_i64` would say.
    #[test]
    fn integers_read_as_the_validators_read_them() {
        for (text, expected) in [
            ("113", Some(113)),
            ("113.0", Some(113)),
            ("1e5", Some(100_000)),
            ("-2.0", Some(-2)),
            ("9007199254740991", Some(MAX_SAFE_INTEGER)),
            ("9007199254740992", None),
            ("9007199254740992.0", None),
            ("1.5", None),
            ("\"113\"", None),
            ("null", None),
        ] {
            let v: serde_json::Value = serde_json::from_str(text).expect("json");
            assert_eq!(integer_value(&v), expected, "{text}");
        }
    }
}
