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

mod entry;
mod formats;
mod lenient;
mod loose;
mod object_macro;
mod path;
pub mod profile;
mod report;
pub mod rules;
mod strict;

pub use entry::{JsonVerdict, Role, Validate, Validated, validate_as_json};
pub use formats::{
    CURRENCY_PATTERN, DATE_TIME_PATTERN, EMAIL_MAX_LENGTH, EMAIL_PATTERN, IPV4_MAX_LENGTH,
    IPV4_PATTERN, IPV6_MAX_LENGTH, IPV6_PATTERN, PHONE_PATTERN, Pattern, URL_PATTERN, compiled,
    is_email, is_email_utf8, is_ip, is_ipv4, is_ipv6,
};
pub use lenient::{
    Field, Key, Lenient, LenientObject, LenientSeed, any_integer, any_string, integer, member,
    object, parse_error, require, string, unknown, value,
};
pub use loose::{OneValue, kept_as_sent, lenient_member};
pub use path::Path;
pub use report::{
    Code, MAX_DEPTH, MAX_SAFE_INTEGER, MIN_SAFE_INTEGER, Report, Violation, integer_value,
};
pub use strict::{StrictValue, parse as parse_strict};
