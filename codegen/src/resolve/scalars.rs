//! Scalar types: strings (formats, patterns, lengths, closed sets) and
//! integers (bounds, amount limits), with their known values.

use serde_json::Value;

use crate::diagnostics::Diagnostics;
use crate::model::Param;
use crate::suggest::did_you_mean;
use crate::{ir, model};

use super::check::{check_currencies_taken, check_pattern};
use super::context::{Ctx, Origin};
use super::money::limit_note;

pub(super) fn string_ty(
    ctx: &Ctx<'_>,
    p: &Param,
    o: &Origin,
    diags: &mut Diagnostics,
) -> ir::StringTy {
    // Values written in the method's own file are its own; a shared
    // object's lists serve every method (a refinement of one is checked
    // where it is written, in `resolve_object`).
    if o.file == ctx.origin.file {
        check_currencies_taken(&ctx.method.currencies, p, o, diags);
    }
    let const_value = match &p.const_value {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            diags.push(
                o.at("const")
                    .diag(format!(
                        "`const` of a string must be a string, found {other}"
                    ))
                    .hint("quote the value"),
            );
            None
        }
        None => None,
    };
    let enum_values = p.enum_values.as_ref().map(|vs| {
        vs.iter()
            .enumerate()
            .filter_map(|(i, v)| match v {
                Value::String(s) => Some(s.clone()),
                other => {
                    diags.push(
                        o.at("enum")
                            .at(&i.to_string())
                            .diag(format!(
                                "enum values of a string must be strings, found {other}"
                            ))
                            .hint("quote the value"),
                    );
                    None
                }
            })
            .collect::<Vec<_>>()
    });
    if let Some(pattern) = &p.pattern {
        let problem = match check_pattern(pattern).and_then(|()| crate::pattern::shape(pattern)) {
            Err(e) => Some((
                format!("invalid regular expression: {e}"),
                "patterns use the ECMA 262 regex syntax of JSON Schema, without look-around or back-references",
            )),
            Ok(s) if !s.anchored => Some((
                "the pattern is not anchored at both ends".to_string(),
                "write it as `^...$`: JSON Schema finds a pattern anywhere in the value, so an unanchored pattern accepts whatever contains a match",
            )),
            Ok(s) if s.newline => Some((
                "the pattern can match a line break".to_string(),
                "leave `\\n` out of its classes: Python's `$` also matches before a final line break, so no published schema could decide such a value alike in every language",
            )),
            Ok(_) => None,
        };
        if let Some((what, hint)) = problem {
            diags.push(o.at("pattern").diag(what).hint(hint));
        }
    }
    let known = known_of(ctx, p, o, false, diags);
    if p.known.is_some() && p.known_values.is_some() {
        diags.push(
            o.at("known")
                .diag("give known values either inline (`known`) or by table (`known_values`), not both")
                .on_key()
                .hint("keep the one the document gives: a table it prints, or a list in its text"),
        );
    }
    if let (Some(c), Some(e)) = (&const_value, &enum_values)
        && !e.contains(c)
    {
        diags.push(
            o.at("const")
                .diag(format!("`const` {c:?} is not among the `enum` values"))
                .hint("a value cannot be both fixed and outside the allowed set"),
        );
    }
    if let (Some(a), Some(b)) = (p.min_length, p.max_length)
        && a > b
    {
        diags.push(
            o.at("min_length")
                .diag(format!("min_length {a} is above max_length {b}"))
                .hint("no text has both lengths; check the document's figures"),
        );
    }
    ir::StringTy {
        format: p.format,
        pattern: p.pattern.clone(),
        const_value,
        enum_values,
        known,
        min_length: p.min_length,
        max_length: p.max_length,
        inferred: p.inferred_rules.clone(),
    }
}

pub(super) fn integer_ty(
    ctx: &Ctx<'_>,
    p: &Param,
    o: &Origin,
    diags: &mut Diagnostics,
) -> ir::IntegerTy {
    let as_int = |v: &Value, key: &str, diags: &mut Diagnostics| -> Option<i64> {
        match v.as_i64() {
            Some(n) => Some(n),
            None => {
                diags.push(
                    o.at(key)
                        .diag(format!(
                            "`{key}` of an integer must be an integer, found {v}"
                        ))
                        .hint("write a whole number without quotes"),
                );
                None
            }
        }
    };
    let const_value = p
        .const_value
        .as_ref()
        .and_then(|v| as_int(v, "const", diags));
    let enum_values = p.enum_values.as_ref().map(|vs| {
        vs.iter()
            .filter_map(|v| as_int(v, "enum", diags))
            .collect::<Vec<_>>()
    });
    let mut minimum = p.minimum;
    let mut maximum = p.maximum;
    let mut step = p.multiple_of.filter(|s| *s >= 1);
    let mut bounds_note = None;
    let ids = p
        .amount_limit
        .as_ref()
        .map(model::LimitRef::ids)
        .unwrap_or_default();
    for id in &ids {
        match ctx.limits.iter().find(|l| &l.id == id) {
            Some(l) => {
                minimum = max_opt(minimum, l.min_minor);
                maximum = min_opt(maximum, l.max_minor);
                step = common_step(step, l.step_minor);
                bounds_note = Some(limit_note(l));
            }
            None => diags.push(
                o.at("amount_limit")
                    .diag(format!("unknown amount limit `{id}`"))
                    .maybe_hint(
                        did_you_mean(id, ctx.method.limits.keys().map(String::as_str))
                            .or_else(|| Some("declare it under `method.limits`".into())),
                    ),
            ),
        }
    }
    if let (Some(a), Some(b)) = (minimum, maximum)
        && a > b
    {
        diags.push(
            o.diag(format!("no integer satisfies minimum {a} and maximum {b}"))
                .hint("check `minimum`, `maximum` and the amount limit"),
        );
    }
    if let Some(step) = p.multiple_of
        && step < 1
    {
        diags.push(
            o.at("multiple_of")
                .diag(format!("`multiple_of` must be at least 1, found {step}"))
                .hint("give the step every value is a multiple of, e.g. `multiple_of: 5`"),
        );
    }
    ir::IntegerTy {
        minimum,
        maximum,
        multiple_of: step,
        const_value,
        enum_values,
        limit: (!ids.is_empty()).then(|| ids.join(", ")),
        bounds_note,
        known: known_of(ctx, p, o, true, diags),
        inferred: p.inferred_rules.clone(),
    }
}

/// The known (informational) values of a string or integer parameter:
/// from a method table's key column (`known_values`) or inline (`known`).
/// For an integer, every value must be a whole number.
pub(super) fn known_of(
    ctx: &Ctx<'_>,
    p: &Param,
    o: &Origin,
    integer: bool,
    diags: &mut Diagnostics,
) -> Option<ir::Known> {
    let mut known = None;
    let check = |values: &[String], at: &Origin, diags: &mut Diagnostics| -> bool {
        let bad: Vec<&String> = values
            .iter()
            .filter(|v| integer && v.parse::<i64>().map_or(true, |n| n.to_string() != **v))
            .collect();
        if let Some(v) = bad.first() {
            diags.push(
                at.diag(format!(
                    "`{v}` is not a whole number, and this parameter is an integer"
                ))
                .hint("an integer's known values are integers, e.g. 840"),
            );
        }
        bad.is_empty()
    };
    if let Some(table) = &p.known_values {
        match ctx.method.tables.get(table) {
            Some(t) => {
                let i = t.columns.get_index_of(&t.key).unwrap_or(0);
                let key = t
                    .columns
                    .get_index(i)
                    .map(|(k, _)| k.clone())
                    .unwrap_or_default();
                let values: Vec<String> =
                    t.rows.iter().filter_map(|r| r.get(&key).cloned()).collect();
                if check(&values, &o.at("known_values"), diags) {
                    known = Some(ir::Known {
                        table: Some(table.clone()),
                        list: format!("values of \"{}\"", t.title),
                        values,
                        // The table's note is the document's words about it.
                        changes_without_notice: t
                            .note
                            .to_ascii_lowercase()
                            .contains("may change without notice"),
                    });
                }
            }
            None => diags.push(
                o.at("known_values")
                    .diag(format!("unknown table `{table}`"))
                    .maybe_hint(
                        did_you_mean(table, ctx.method.tables.keys().map(String::as_str))
                            .or_else(|| Some("declare the table under `method.tables`".into())),
                    ),
            ),
        }
    }
    if let Some(values) = &p.known {
        let mut texts = Vec::new();
        for (i, v) in values.iter().enumerate() {
            match (v, integer) {
                (Value::String(s), false) => texts.push(s.clone()),
                (Value::Number(n), true) if n.is_i64() => texts.push(n.to_string()),
                _ => diags.push(
                    o.at("known")
                        .at(&i.to_string())
                        .diag(format!(
                            "`{v}` is not {}",
                            if integer { "an integer" } else { "a string" }
                        ))
                        .hint("known values have the parameter's type"),
                ),
            }
        }
        if check(&texts, &o.at("known"), diags) {
            known = Some(ir::Known {
                table: None,
                list: "values".into(),
                values: texts,
                changes_without_notice: false,
            });
        }
    }
    known
}

/// The step that keeps both: their least common multiple (the larger one,
/// when it would not fit).
fn common_step(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    fn gcd(a: i64, b: i64) -> i64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    match (a, b) {
        (Some(a), Some(b)) => Some((a / gcd(a, b)).checked_mul(b).unwrap_or(a.max(b))),
        (a, b) => a.or(b),
    }
}

pub(super) fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

pub(super) fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
