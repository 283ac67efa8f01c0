//! The rules of one parameter and how each violation is worded. Generated
//! code holds these as statics; the CLI builds them from the specs. Either
//! way, one implementation decides and words every check.

use super::formats::{Pattern, is_email, is_email_utf8, is_ip, is_ipv4, is_ipv6};
use super::path::Path;
use super::report::{Code, Report};

/// A named string format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `email`.
    Email,
    /// `ipv4`.
    Ipv4,
    /// `ipv6`.
    Ipv6,
    /// IPv4 or IPv6.
    Ip,
}

impl Format {
    fn check(self, s: &str) -> bool {
        match self {
            Format::Email => is_email(s),
            Format::Ipv4 => is_ipv4(s),
            Format::Ipv6 => is_ipv6(s),
            Format::Ip => is_ip(s),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Format::Email => "an e-mail address",
            Format::Ipv4 => "an IPv4 address",
            Format::Ipv6 => "an IPv6 address",
            Format::Ip => "an IPv4 or IPv6 address",
        }
    }
}

/// Rules no document states that the specs add, with their reason: a value
/// that breaks one is reported as a warning and stays valid, so a value the
/// platform may accept is never refused for gatespec's guess.
#[derive(Debug)]
pub struct Inferred<'a> {
    /// Why the specs expect this (shown in every warning).
    pub why: &'a str,
    /// A pattern, with what it stands for.
    pub pattern: Option<(&'a Pattern, &'a str)>,
    /// A named format; an inferred e-mail address may be internationalised.
    pub format: Option<Format>,
    /// Expected shortest string, in characters.
    pub min_length: Option<u64>,
    /// Expected longest string, in characters.
    pub max_length: Option<u64>,
    /// Expected smallest integer.
    pub minimum: Option<i64>,
    /// Expected largest integer.
    pub maximum: Option<i64>,
}

impl Inferred<'_> {
    /// No inferred rules.
    pub const NONE: Inferred<'static> = Inferred {
        why: "",
        pattern: None,
        format: None,
        min_length: None,
        max_length: None,
        minimum: None,
        maximum: None,
    };

    fn warn(&self, path: &Path<'_>, report: &mut Report, code: Code, what: String) {
        report.warn(
            path,
            code,
            format!(
                "{what}; this rule is inferred, not the document's ({}), so the value is accepted",
                self.why
            ),
        );
    }

    fn check_str(&self, s: &str, path: &Path<'_>, report: &mut Report) {
        let chars = || s.chars().count() as u64;
        if let Some(n) = self.min_length
            && chars() < n
        {
            let got = chars();
            self.warn(
                path,
                report,
                Code::MinLength,
                format!("expected at least {n} characters, got {got}"),
            );
        }
        if let Some(n) = self.max_length
            && chars() > n
        {
            let got = chars();
            self.warn(
                path,
                report,
                Code::MaxLength,
                format!("expected at most {n} characters, got {got}"),
            );
        }
        if let Some((p, what)) = self.pattern
            && !p.is_match(s)
        {
            self.warn(
                path,
                report,
                Code::Pattern,
                format!("expected {what} (pattern {}), got {s:?}", p.source()),
            );
        }
        if let Some(f) = self.format {
            let ok = match f {
                Format::Email => is_email_utf8(s),
                other => other.check(s),
            };
            if !ok {
                self.warn(
                    path,
                    report,
                    Code::Format,
                    format!("expected {}, got {s:?}", f.describe()),
                );
            }
        }
    }

    fn check_integer(&self, n: i64, path: &Path<'_>, report: &mut Report) {
        if let Some(min) = self.minimum
            && n < min
        {
            self.warn(
                path,
                report,
                Code::Minimum,
                format!("expected at least {min}, got {n}"),
            );
        }
        if let Some(max) = self.maximum
            && n > max
        {
            self.warn(
                path,
                report,
                Code::Maximum,
                format!("expected at most {max}, got {n}"),
            );
        }
    }
}

/// The rules of a string parameter.
#[derive(Debug)]
pub struct StringRules<'a> {
    /// The one value allowed.
    pub const_value: Option<&'a str>,
    /// The closed set of values allowed.
    pub enum_values: Option<&'a [&'a str]>,
    /// A pattern, with what it stands for (`ISO 4217 alpha-3 code`).
    pub pattern: Option<(&'a Pattern, &'a str)>,
    /// A named format.
    pub format: Option<Format>,
    /// Minimum length in characters.
    pub min_length: Option<u64>,
    /// Maximum length in characters.
    pub max_length: Option<u64>,
    /// Known values of an informational list, and the list's name.
    pub known: Option<(&'a [&'a str], &'a str)>,
    /// Rules no document states: warnings only.
    pub inferred: Option<&'a Inferred<'a>>,
}

impl StringRules<'_> {
    /// No rules.
    pub const NONE: StringRules<'static> = StringRules {
        const_value: None,
        enum_values: None,
        pattern: None,
        format: None,
        min_length: None,
        max_length: None,
        known: None,
        inferred: None,
    };

    /// Checks `s`, reporting every violation; true when it has none.
    pub fn check(&self, s: &str, path: &Path<'_>, report: &mut Report) -> bool {
        let before = report.errors.len();
        if let Some(c) = self.const_value
            && s != c
        {
            report.error(
                path,
                Code::Const,
                format!("must be {c} for this payment method, got {s:?}"),
            );
        }
        if let Some(set) = self.enum_values
            && !set.contains(&s)
        {
            report.error(
                path,
                Code::Enum,
                format!("must be one of {}, got {s:?}", set.join(", ")),
            );
        }
        let chars = || s.chars().count() as u64;
        if let Some(n) = self.min_length
            && chars() < n
        {
            report.error(
                path,
                Code::MinLength,
                format!("must be at least {n} characters long, got {}", chars()),
            );
        }
        if let Some(n) = self.max_length
            && chars() > n
        {
            report.error(
                path,
                Code::MaxLength,
                format!("must be at most {n} characters long, got {}", chars()),
            );
        }
        if let Some((p, what)) = self.pattern
            && !p.is_match(s)
        {
            report.error(
                path,
                Code::Pattern,
                format!("must be {what} (pattern {}), got {s:?}", p.source()),
            );
        }
        if let Some(f) = self.format
            && !f.check(s)
        {
            report.error(
                path,
                Code::Format,
                format!("must be {}, got {s:?}", f.describe()),
            );
        }
        if let Some((values, list)) = self.known
            && !values.contains(&s)
        {
            report.warn(
                    path,
                    Code::UnknownValue,
                    format!("{s:?} is not among the known {list} ({}); the list is informational, so the value is accepted", values.join(", ")),
                );
        }
        if let Some(inferred) = self.inferred {
            inferred.check_str(s, path, report);
        }
        report.errors.len() == before
    }
}

/// The rules of an integer parameter.
#[derive(Debug)]
pub struct IntegerRules<'a> {
    /// Minimum.
    pub minimum: Option<i64>,
    /// Maximum.
    pub maximum: Option<i64>,
    /// The step every value is a multiple of (at least 1).
    pub multiple_of: Option<i64>,
    /// How the bounds read in the document (`15.00–15,000.00 KGS`).
    pub bounds_note: Option<&'a str>,
    /// The one value allowed.
    pub const_value: Option<i64>,
    /// The closed set allowed.
    pub enum_values: Option<&'a [i64]>,
    /// Known values of an informational list, and the list's name.
    pub known: Option<(&'a [i64], &'a str)>,
    /// Rules no document states: warnings only.
    pub inferred: Option<&'a Inferred<'a>>,
}

impl IntegerRules<'_> {
    /// No rules.
    pub const NONE: IntegerRules<'static> = IntegerRules {
        minimum: None,
        maximum: None,
        multiple_of: None,
        bounds_note: None,
        const_value: None,
        enum_values: None,
        known: None,
        inferred: None,
    };

    /// Checks `n`, reporting every violation; true when it has none.
    pub fn check(&self, n: i64, path: &Path<'_>, report: &mut Report) -> bool {
        let before = report.errors.len();
        let note = self
            .bounds_note
            .map(|b| format!(" ({b})"))
            .unwrap_or_default();
        if let Some(min) = self.minimum
            && n < min
        {
            report.error(
                path,
                Code::Minimum,
                format!("must be at least {min}{note}, got {n}"),
            );
        }
        if let Some(max) = self.maximum
            && n > max
        {
            report.error(
                path,
                Code::Maximum,
                format!("must be at most {max}{note}, got {n}"),
            );
        }
        // `checked_rem` keeps a step of 0 or -1 from panicking; resolve
        // refuses a step below 1.
        if let Some(step) = self.multiple_of
            && n.checked_rem(step).is_some_and(|r| r != 0)
        {
            report.error(
                path,
                Code::MultipleOf,
                format!("must be a multiple of {step}{note}, got {n}"),
            );
        }
        if let Some(c) = self.const_value
            && n != c
        {
            report.error(path, Code::Const, format!("must be {c}, got {n}"));
        }
        if let Some(set) = self.enum_values
            && !set.contains(&n)
        {
            let list: Vec<String> = set.iter().map(i64::to_string).collect();
            report.error(
                path,
                Code::Enum,
                format!("must be one of {}, got {n}", list.join(", ")),
            );
        }
        if let Some((values, list)) = self.known
            && !values.contains(&n)
        {
            let shown: Vec<String> = values.iter().map(i64::to_string).collect();
            report.warn(
                path,
                Code::UnknownValue,
                format!(
                    "{n} is not among the known {list} ({}); the list is informational, so the value is accepted",
                    shown.join(", ")
                ),
            );
        }
        if let Some(inferred) = self.inferred {
            inferred.check_integer(n, path, report);
        }
        report.errors.len() == before
    }

    /// Reports an integer outside ±(2^53 − 1), the range every integer is
    /// held to (the schemas bound every integer to it as well).
    pub fn out_of_range(&self, negative: bool, shown: &str, path: &Path<'_>, report: &mut Report) {
        if negative {
            let min = self.minimum.unwrap_or(super::MIN_SAFE_INTEGER);
            report.error(
                path,
                Code::Minimum,
                format!("must be at least {min}, got {shown}"),
            );
        } else {
            let max = self.maximum.unwrap_or(super::MAX_SAFE_INTEGER);
            report.error(
                path,
                Code::Maximum,
                format!("must be at most {max}, got {shown}"),
            );
        }
    }
}

/// Reports a missing strictly required parameter (at the object, as JSON
/// Schema does).
pub fn missing(name: &str, object: &Path<'_>, report: &mut Report) {
    report.error(
        object,
        Code::Required,
        format!("missing required parameter `{name}`"),
    );
}

/// Reports a parameter present without one it requires.
pub fn missing_dependency(present: &str, needed: &str, object: &Path<'_>, report: &mut Report) {
    report.error(
        object,
        Code::DependentRequired,
        format!("`{present}` is given, so `{needed}` is required too"),
    );
}

/// Reports a member that appears a second time in its object (at the
/// member, whose pointer both occurrences share).
pub fn duplicate(name: &str, object: &Path<'_>, report: &mut Report) {
    report.error(
        &object.key(name),
        Code::DuplicateKey,
        format!("`{name}` appears more than once in its object; each member may appear once"),
    );
}

/// The pattern every member name must match to be signed: no `:` or `;`
/// (the published schemas' `propertyNames` carry the same text).
pub const SIGNABLE_NAME_PATTERN: &str = "^[^:;]*$";

/// Reports a member no document declares whose name cannot be signed (see
/// [`Code::PropertyName`]) at `object`, the object that holds it. A body
/// with such a member verifies as nothing, so no validator takes it.
pub fn unsignable_member(name: &str, object: &Path<'_>, report: &mut Report) {
    let why = if name.contains([':', ';']) {
        "holds `:` or `;`, which the signature's text uses to join a member's path and value and to separate members, so two documents could share one signature"
    } else if name == "signature" {
        "is a `signature` member where none belongs: signing drops every `signature` member, so nothing covers it"
    } else {
        return;
    };
    // At the object, as JSON Schema's `propertyNames` reports it; the
    // message names the member.
    report.error(
        object,
        Code::PropertyName,
        format!("the member name `{name}` {why}"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_refuses_what_is_not_a_multiple_of_it() {
        let rules = IntegerRules {
            multiple_of: Some(5),
            ..IntegerRules::NONE
        };
        for (n, ok) in [
            (0, true),
            (25, true),
            (-10, true),
            (7, false),
            (i64::MAX, false),
        ] {
            let mut report = Report::default();
            assert_eq!(rules.check(n, &Path::root(), &mut report), ok, "{n}");
            assert_eq!(
                report.errors.iter().map(|v| v.code).collect::<Vec<_>>(),
                if ok { vec![] } else { vec![Code::MultipleOf] },
                "{n}"
            );
        }
        // A step below 1 never panics (resolve refuses it anyway).
        for step in [0, -1] {
            let rules = IntegerRules {
                multiple_of: Some(step),
                ..IntegerRules::NONE
            };
            let mut report = Report::default();
            rules.check(i64::MIN, &Path::root(), &mut report);
        }
    }
}
