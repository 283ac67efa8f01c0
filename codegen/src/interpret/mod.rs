//! Validation straight from the IR, for the CLI: the same rules and words
//! as the generated validators (both call `gatespec_runtime::validate`),
//! applied to a `serde_json::Value` so any operation can be checked without
//! compiling its types. The generated validators remain the fast path; a
//! test holds the two (and the JSON Schemas) to the same verdicts.
//! [`examples`] holds every example of the specs to these rules.

pub mod examples;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use gatespec_runtime::validate::rules::{
    self, Format as RuleFormat, Inferred, IntegerRules, StringRules,
};
use gatespec_runtime::validate::{Code, MAX_SAFE_INTEGER, MIN_SAFE_INTEGER, Path, Pattern, Report};
use serde_json::Value;

use crate::ir::{
    CurrencyBound, Format, InferredRules, IntegerTy, ObjectTy, Presence, StringTy, Ty,
};
use crate::rules::{format_name, format_pattern};

/// Validates `value` against a body type.
pub fn validate(ty: &Ty, value: &Value) -> Report {
    let mut report = Report::default();
    check(ty, value, &Path::root(), &mut report);
    report
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn wrong(expected: &str, v: &Value, path: &Path<'_>, report: &mut Report) {
    report.error(
        path,
        Code::Type,
        format!("must be {expected}, got {}", kind(v)),
    );
}

fn check(ty: &Ty, value: &Value, path: &Path<'_>, report: &mut Report) {
    match (ty, value) {
        (Ty::String(t), Value::String(s)) => {
            let pattern = pattern_of(t);
            string_rules(t, pattern.as_ref(), |r| {
                r.check(s, path, report);
            });
        }
        (Ty::String(_), v) => wrong("a string", v, path, report),
        (Ty::Integer(t), Value::Number(n)) => integer(t, n, path, report),
        (Ty::Integer(_), v) => wrong("an integer", v, path, report),
        (Ty::Boolean, Value::Bool(_)) => {}
        (Ty::Boolean, v) => wrong("a boolean", v, path, report),
        (Ty::Array(item), Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                check(item, v, &path.index(i), report);
            }
        }
        (Ty::Array(_), v) => wrong("an array", v, path, report),
        (Ty::Object(o), Value::Object(map)) => object(o, map, path, report),
        (Ty::Object(_), v) => wrong("an object", v, path, report),
    }
}

fn object(
    o: &ObjectTy,
    map: &serde_json::Map<String, Value>,
    path: &Path<'_>,
    report: &mut Report,
) {
    // Fields that are present and valid, as the generated validators have
    // them (`Field::Valid`): only those take part in rules between fields.
    let mut valid = Vec::new();
    // Members in the document's order, as the generated validators read
    // them, so both report in one order (a member no field declares is
    // kept, unless its name cannot be signed); missing ones after, in spec
    // order.
    for k in map.keys() {
        match o.fields.iter().find(|f| &f.name == k) {
            Some(f) => field(f, map.get(&f.name), path, report, &mut valid),
            None => rules::unsignable_member(k, path, report),
        }
    }
    for f in o.fields.iter().filter(|f| !map.contains_key(&f.name)) {
        field(f, None, path, report, &mut valid);
    }
    for b in &o.currency_bounds {
        let currency = map.get(&b.currency_field).and_then(Value::as_str);
        let amount = map.get(&b.amount).and_then(Value::as_f64);
        if valid.contains(&b.currency_field.as_str())
            && valid.contains(&b.amount.as_str())
            && currency == Some(b.currency.as_str())
            && let Some(amount) = amount
        {
            // Valid, so an integer within the safe range.
            bound_rules(b).check(amount as i64, &path.key(&b.amount), report);
        }
    }
    for (k, deps) in &o.dependent_required {
        if map.contains_key(k) {
            for d in deps {
                if !map.contains_key(d) {
                    rules::missing_dependency(k, d, path, report);
                }
            }
        }
    }
}

/// One declared field of an object, present (`value`) or not; a valid one
/// joins `valid`, for the rules between fields.
fn field<'a>(
    f: &'a crate::ir::Field,
    value: Option<&Value>,
    path: &Path<'_>,
    report: &mut Report,
    valid: &mut Vec<&'a str>,
) {
    match value {
        Some(v) if f.lenient => {
            // As the generated validators read a lenient member: what
            // its rules refuse is one warning, and the value is kept.
            let at = path.key(&f.name);
            let mut scratch = Report::default();
            check(&f.ty, v, &at, &mut scratch);
            if scratch.is_valid() {
                report.warnings.extend(scratch.warnings);
                valid.push(f.name.as_str());
            } else {
                gatespec_runtime::validate::kept_as_sent(&scratch.errors, &at, report);
            }
        }
        Some(v) => {
            let before = report.errors.len();
            check(&f.ty, v, &path.key(&f.name), report);
            if report.errors.len() == before {
                valid.push(f.name.as_str());
            }
        }
        None if f.presence == Presence::Strict => rules::missing(&f.name, path, report),
        None => {}
    }
}

/// The rules of an amount limit that holds in one currency.
pub fn bound_rules(b: &CurrencyBound) -> IntegerRules<'_> {
    IntegerRules {
        minimum: b.minimum,
        maximum: b.maximum,
        multiple_of: b.multiple_of,
        bounds_note: Some(&b.note),
        const_value: None,
        enum_values: None,
        known: None,
        inferred: None,
    }
}

/// A format as the runtime's rules check it without a pattern (the
/// addresses and e-mail), or `None` for a format that is a pattern.
fn rule_format(f: Format) -> Option<RuleFormat> {
    match f {
        Format::Ipv4 => Some(RuleFormat::Ipv4),
        Format::Ipv6 => Some(RuleFormat::Ipv6),
        Format::Ip => Some(RuleFormat::Ip),
        Format::Email => Some(RuleFormat::Email),
        Format::Currency | Format::Phone | Format::PlatformDateTime | Format::Url => None,
    }
}

/// The pattern of inferred rules: their own, or their format's when that
/// format is a pattern.
fn inferred_pattern(r: &InferredRules) -> Option<(Arc<Pattern>, String)> {
    match (&r.pattern, r.format) {
        (Some(p), _) => Some((compiled(p), "a match".to_string())),
        (None, Some(f)) if rule_format(f).is_none() => {
            format_pattern(f).map(|p| (compiled(p), format_name(f).to_string()))
        }
        _ => None,
    }
}

/// Inferred rules as the runtime checks them (warnings only).
fn inferred<'a>(r: &'a InferredRules, pattern: Option<&'a (Arc<Pattern>, String)>) -> Inferred<'a> {
    Inferred {
        why: &r.why,
        pattern: pattern.map(|(p, what)| (&**p, what.as_str())),
        format: r.format.and_then(rule_format),
        min_length: r.min_length,
        max_length: r.max_length,
        minimum: r.minimum,
        maximum: r.maximum,
    }
}

fn integer(t: &IntegerTy, n: &serde_json::Number, path: &Path<'_>, report: &mut Report) {
    let known = t.known.as_ref().map(|k| (k.integers(), k.list.as_str()));
    let advisory = t.inferred.as_ref().map(|r| inferred(r, None));
    let rules = IntegerRules {
        minimum: t.minimum,
        maximum: t.maximum,
        multiple_of: t.multiple_of,
        bounds_note: t.bounds_note.as_deref(),
        const_value: t.const_value,
        enum_values: t.enum_values.as_deref(),
        known: known.as_ref().map(|(v, l)| (v.as_slice(), *l)),
        inferred: advisory.as_ref(),
    };
    let safe = MIN_SAFE_INTEGER..=MAX_SAFE_INTEGER;
    if let Some(i) = n.as_i64() {
        if safe.contains(&i) {
            rules.check(i, path, report);
        } else {
            rules.out_of_range(i < 0, &i.to_string(), path, report);
        }
    } else if let Some(u) = n.as_u64() {
        rules.out_of_range(false, &u.to_string(), path, report);
    } else if let Some(f) = n.as_f64() {
        const LIMIT: f64 = MAX_SAFE_INTEGER as f64;
        if f.fract() != 0.0 || !f.is_finite() {
            report.error(
                path,
                Code::Type,
                "must be an integer, got a number with a fraction",
            );
        } else if (-LIMIT..=LIMIT).contains(&f) {
            rules.check(f as i64, path, report);
        } else {
            rules.out_of_range(f < 0.0, &f.to_string(), path, report);
        }
    }
}

fn pattern_of(t: &StringTy) -> Option<(Arc<Pattern>, String)> {
    match (&t.pattern, t.format) {
        (Some(p), _) => Some((compiled(p), "a match".to_string())),
        (None, Some(f)) => format_pattern(f).map(|p| (compiled(p), format_name(f).to_string())),
        _ => None,
    }
}

/// The most patterns kept compiled; past it a pattern is compiled per use.
/// The keys come from the specs, not from the documents validated, so the
/// bound only guards a process that loads spec after spec.
const PATTERN_CACHE: usize = 4096;

/// A pattern compiled once per process. Compiling a regex costs far more
/// than matching it, and a long-running interpreter (the sandbox) checks
/// the same few patterns on every request.
fn compiled(source: &str) -> Arc<Pattern> {
    static CACHE: LazyLock<Mutex<HashMap<String, Arc<Pattern>>>> = LazyLock::new(Mutex::default);
    // A poisoned cache still holds only complete entries.
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = cache.get(source) {
        return p.clone();
    }
    let p = Arc::new(Pattern::owned(source.to_string()));
    if cache.len() < PATTERN_CACHE {
        cache.insert(source.to_string(), p.clone());
    }
    p
}

fn string_rules(
    t: &StringTy,
    pattern: Option<&(Arc<Pattern>, String)>,
    f: impl FnOnce(&StringRules<'_>),
) {
    let enum_values: Option<Vec<&str>> = t
        .enum_values
        .as_ref()
        .map(|e| e.iter().map(String::as_str).collect());
    let known: Option<Vec<&str>> = t
        .known
        .as_ref()
        .map(|k| k.values.iter().map(String::as_str).collect());
    let advisory_pattern = t.inferred.as_ref().and_then(inferred_pattern);
    let advisory = t
        .inferred
        .as_ref()
        .map(|r| inferred(r, advisory_pattern.as_ref()));
    let rules = StringRules {
        const_value: t.const_value.as_deref(),
        enum_values: enum_values.as_deref(),
        pattern: pattern.map(|(p, what)| (&**p, what.as_str())),
        format: match t.format {
            Some(Format::Ipv4) => Some(RuleFormat::Ipv4),
            Some(Format::Ipv6) => Some(RuleFormat::Ipv6),
            Some(Format::Ip) => Some(RuleFormat::Ip),
            _ => None,
        },
        min_length: t.min_length,
        max_length: crate::rules::max_length(t),
        known: known
            .as_deref()
            .zip(t.known.as_ref().map(|k| k.list.as_str())),
        inferred: advisory.as_ref(),
    };
    f(&rules);
}
