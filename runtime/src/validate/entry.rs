//! The entry points: [`Validate`] for every generated type (bytes or a
//! value in, the typed value or every violation out) and
//! [`validate_as_json`] for callers that choose the type at run time.

use super::lenient::{Lenient, parse_error};
use super::path::Path;
use super::profile;
use super::report::{Code, Report, Violation};

/// Which body of an operation a payload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// What the merchant sends.
    Request,
    /// What the platform answers synchronously.
    Response,
    /// What the platform posts to the merchant later.
    Callback,
}

impl Role {
    /// Lower-case name used in file names and ids (`request`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Request => "request",
            Role::Response => "response",
            Role::Callback => "callback",
        }
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
