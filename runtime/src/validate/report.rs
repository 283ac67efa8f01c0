//! What validation reports: a [`Violation`] with its pointer, [`Code`]
//! and message, the [`Report`] of a pass, and the integer bounds every
//! validator and schema share.

use std::fmt;

use super::path::Path;

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
    /// The number is not a multiple of the step the specs give (XOF amounts
    /// in fives, GNF amounts in thousands).
    MultipleOf,
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
    /// A member no document declares whose name cannot be signed: it holds
    /// `:` or `;` (the signed text's separators), or it is a `signature`
    /// member, which signing drops, so nothing would cover it.
    PropertyName,
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
            Code::MultipleOf => "multiple_of",
            Code::MinLength => "min_length",
            Code::MaxLength => "max_length",
            Code::DependentRequired => "dependent_required",
            Code::UnknownValue => "unknown_value",
            Code::Json => "json",
            Code::Depth => "depth",
            Code::DuplicateKey => "duplicate_key",
            Code::Noncharacter => "noncharacter",
            Code::PropertyName => "property_name",
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
