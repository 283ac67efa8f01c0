//! The rules every output states alike, as plain functions of the IR: the
//! pattern and longest length a string is held to, how a format is named,
//! and a field's description and rules in words. The schemas, the
//! validators, the interpreter and the docs import them from here, so no
//! emitter imports another and no two outputs can word or bound a rule
//! differently.

use std::sync::LazyLock;

use crate::ir::{Field, Format, InferredRules, StringTy, Ty};
use crate::pattern::Shape;

/// How messages name what a format's pattern stands for.
pub fn format_name(f: Format) -> &'static str {
    match f {
        Format::Currency => "an ISO 4217 alpha-3 currency code",
        Format::Phone => "a phone number without punctuation or special characters (digits only)",
        Format::PlatformDateTime => "a date and time like 2024-12-07T19:08:45+0000",
        Format::Email => "an e-mail address",
        Format::Ipv4 => "an IPv4 address",
        Format::Ipv6 => "an IPv6 address",
        Format::Ip => "an IPv4 or IPv6 address",
        Format::Url => "an http or https URL",
    }
}

/// The pattern that carries a format no mainstream validator checks the
/// same way (or at all).
pub fn format_pattern(format: Format) -> Option<&'static str> {
    match format {
        Format::Currency => Some(gatespec_runtime::validate::CURRENCY_PATTERN),
        Format::Phone => Some(gatespec_runtime::validate::PHONE_PATTERN),
        Format::PlatformDateTime => Some(gatespec_runtime::validate::DATE_TIME_PATTERN),
        Format::Email => Some(gatespec_runtime::validate::EMAIL_PATTERN),
        Format::Url => Some(gatespec_runtime::validate::URL_PATTERN),
        Format::Ipv4 | Format::Ipv6 | Format::Ip => None,
    }
}

/// A string's longest length: its own, its format's, or its pattern's
/// longest match, whichever is shortest. For a fixed-width pattern the
/// width makes Python's `$` (which also matches before a final line feed)
/// decide as every other engine does; for the rest it tells code
/// generators the bound. `email` and the addresses are patterns with a
/// length, which every library reads alike.
pub fn max_length(t: &StringTy) -> Option<u64> {
    use gatespec_runtime::validate::{EMAIL_MAX_LENGTH, IPV4_MAX_LENGTH, IPV6_MAX_LENGTH};
    let format = match t.format {
        Some(Format::Email) if t.pattern.is_none() => Some(EMAIL_MAX_LENGTH),
        Some(Format::Ipv4) => Some(IPV4_MAX_LENGTH),
        Some(Format::Ipv6 | Format::Ip) => Some(IPV6_MAX_LENGTH),
        _ => None,
    };
    let width = pattern_shape(t).and_then(|s| s.max_chars);
    [t.max_length, format, width].into_iter().flatten().min()
}

/// The shape of the pattern a string is held to (its own or its format's;
/// for `ip`, the shorter of the two address patterns'). Format patterns
/// are read once per process.
pub fn pattern_shape(t: &StringTy) -> Option<Shape> {
    use gatespec_runtime::validate::{IPV4_PATTERN, IPV6_PATTERN};
    static FORMATS: LazyLock<Vec<(Format, Option<Shape>)>> = LazyLock::new(|| {
        let read = |p: &str| crate::pattern::shape(p).ok();
        let mut all: Vec<(Format, Option<Shape>)> = [
            Format::Currency,
            Format::Phone,
            Format::PlatformDateTime,
            Format::Email,
            Format::Url,
        ]
        .into_iter()
        .map(|f| (f, format_pattern(f).and_then(read)))
        .collect();
        all.push((Format::Ipv4, read(IPV4_PATTERN)));
        all.push((Format::Ipv6, read(IPV6_PATTERN)));
        // Either address: as short as IPv6's shortest, as long as its longest.
        all.push((Format::Ip, read(IPV6_PATTERN)));
        all
    });
    match (&t.pattern, t.format) {
        (Some(p), _) => crate::pattern::shape(p).ok(),
        (None, Some(f)) => FORMATS.iter().find(|(g, _)| *g == f).and_then(|(_, s)| *s),
        (None, None) => None,
    }
}

/// A field's full description: the document's text, its notes, the
/// condition of a conditional field, the example's wording and the known
/// values of an informational list.
pub fn field_description(f: &Field) -> String {
    let mut parts = vec![f.description.clone()];
    parts.extend(f.notes.iter().cloned());
    if let Some(why) = &f.inferred {
        // Marked where a reader sees it, with what is inferred: the
        // description may well be the document's own words while the type
        // or requiredness is the specs' reading.
        parts.push(format!("(inferred: {why})"));
    }
    if let Ty::Object(o) = &f.ty
        && let Some(why) = &o.dependent_required_inferred
    {
        let rules: Vec<String> = o
            .dependent_required
            .iter()
            .map(|(k, deps)| format!("with `{k}`, also give `{}`", deps.join("` and `")))
            .collect();
        parts.push(format!(
            "Conditional requirements: {} (inferred: {why}).",
            rules.join("; ")
        ));
    }
    if f.lenient {
        parts.push(format!(
            "Expected: {} (inferred from the documents' example, not enforced: a value of another type or form is accepted as sent, with a warning).",
            type_words(&f.ty)
        ));
    }
    // The condition, unless a note of the document already says it.
    if let Some(c) = &f.condition
        && !f
            .notes
            .iter()
            .any(|n| n.to_lowercase().contains(&c.to_lowercase()))
    {
        parts.push(format!("Conditionally required: {c}."));
    }
    if let Some(n) = &f.example_note {
        parts.push(format!("Example: {n}"));
    }
    let inferred = match &f.ty {
        Ty::String(t) => t.inferred.as_ref(),
        Ty::Integer(t) => t.inferred.as_ref(),
        _ => None,
    };
    if let Some(r) = inferred {
        parts.push(inferred_text(r));
    }
    let known = match &f.ty {
        Ty::String(t) => t.known.as_ref(),
        Ty::Integer(t) => t.known.as_ref(),
        _ => None,
    };
    if let Some(k) = known {
        let notice = if k.changes_without_notice {
            "; the list may change without notice"
        } else {
            ""
        };
        parts.push(format!(
            "Known values (informational{notice}; other values are accepted): {}.",
            k.values.join(", ")
        ));
    }
    parts.retain(|p| !p.is_empty());
    parts.join("\n\n")
}

/// A type in words without its rules (`integer`, `string`), for members
/// whose type is only expected.
pub fn type_words(ty: &Ty) -> &'static str {
    match ty {
        Ty::String(_) => "string",
        Ty::Integer(_) => "integer",
        Ty::Boolean => "boolean",
        Ty::Object(_) => "object",
        Ty::Array(_) => "array",
    }
}

/// A string's enforced rules in words: its format, its pattern (its own or
/// its format's), its lengths.
pub fn string_rules(t: &StringTy) -> Vec<String> {
    let mut rules = Vec::new();
    if let Some(f) = t.format {
        rules.push(format_name(f).to_string());
    }
    let pattern = t.pattern.as_deref().or_else(|| match t.format {
        Some(Format::Ipv4 | Format::Ipv6 | Format::Ip) | None => None,
        Some(f) => format_pattern(f),
    });
    if let Some(p) = pattern {
        rules.push(format!("pattern `` {p} ``"));
    }
    if let Some(n) = t.min_length {
        rules.push(format!("at least {n} characters"));
    }
    if let Some(n) = max_length(t) {
        rules.push(format!("at most {n} characters"));
    }
    rules
}

/// Rules no document states, in words, with their reason: shown on the
/// row, marked inferred, checked as warnings only.
pub fn inferred_text(r: &InferredRules) -> String {
    let mut rules = Vec::new();
    if let Some(f) = r.format {
        rules.push(format_name(f).to_string());
    }
    if let Some(p) = &r.pattern {
        rules.push(format!("pattern `` {p} ``"));
    }
    match (r.min_length, r.max_length) {
        (Some(a), Some(b)) => rules.push(format!("{a} to {b} characters")),
        (Some(a), None) => rules.push(format!("at least {a} characters")),
        (None, Some(b)) => rules.push(format!("at most {b} characters")),
        (None, None) => {}
    }
    match (r.minimum, r.maximum) {
        (Some(a), Some(b)) => rules.push(format!("{a} to {b}")),
        (Some(a), None) => rules.push(format!("at least {a}")),
        (None, Some(b)) => rules.push(format!("at most {b}")),
        (None, None) => {}
    }
    format!(
        "Expected (inferred, checked as a warning only; a value outside it is accepted): {}. Why: {}",
        rules.join("; "),
        r.why
    )
}
