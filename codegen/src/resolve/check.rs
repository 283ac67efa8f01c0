//! The checks resolution applies wherever a spec names something: ids,
//! notes, currency codes, patterns, and which keys apply to which type.
//! Kept in one file, as serde_derive keeps its cross-cutting checks in
//! `check.rs`, so a new rule has one place and every caller gets it.

use crate::diagnostics::Diagnostics;
use crate::model::{Param, ParamType};

use super::context::Origin;

/// Reports notes that start in the middle of a sentence: a comma splits an
/// item of a YAML flow list (`notes: [If so, do this.]` is two notes), and
/// the second half then reads as a note of its own.
pub(super) fn check_notes(notes: &[String], origin: &Origin, diags: &mut Diagnostics) {
    for (i, note) in notes.iter().enumerate() {
        if note.trim_start().starts_with(char::is_lowercase) {
            let shown: String = note.chars().take(60).collect();
            diags.push(
                origin
                    .at(&i.to_string())
                    .diag(format!("this note starts in the middle of a sentence: \"{shown}\""))
                    .hint("a comma splits an item of a flow list (`notes: [a, b]`); quote the note, or write the list in block style (`- ...`)"),
            );
        }
    }
}

pub(super) fn check_id(id: &str, o: &Origin, what: &str, diags: &mut Diagnostics) {
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && id.as_bytes()[0].is_ascii_lowercase();
    if !ok {
        diags.push(
            o.diag(format!("`{id}` is not a valid {what} id"))
                .on_key()
                .hint("ids are lower-case letters, digits, `-` and `_`, starting with a letter"),
        );
    }
}

pub(super) fn check_currency(code: &str, o: &Origin, diags: &mut Diagnostics) {
    if let Err(why) = crate::currency::exponent(code) {
        diags.push(
            o.diag(why)
                .maybe_hint(crate::currency::suggest(code).or_else(|| {
                    Some("use an ISO 4217 alpha-3 code with minor units, e.g. KZT".into())
                })),
        );
    }
}

/// Checks a pattern compiles as JSON Schema would compile it.
pub(super) fn check_pattern(pattern: &str) -> Result<(), String> {
    let schema = serde_json::json!({ "type": "string", "pattern": pattern });
    jsonschema::validator_for(&schema)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Reports `shown` (a key at `o.at(key)`) as applying to `what` only, when
/// `wrong`.
pub(super) fn inapplicable(
    o: &Origin,
    shown: &str,
    key: &str,
    wrong: bool,
    what: &str,
    diags: &mut Diagnostics,
) {
    if wrong {
        diags.push(
            o.at(key)
                .diag(format!("`{shown}` applies to {what} only"))
                .on_key()
                .hint(format!("remove `{key}` or change `type`")),
        );
    }
}

/// Constraint keys that only make sense for some types.
pub(super) fn check_applicable(p: &Param, ty: ParamType, o: &Origin, diags: &mut Diagnostics) {
    // Every key, named: a key added to `Param` is a compile error here
    // until it says which types it applies to.
    let Param {
        // Keys of every type.
        ty: _,
        required: _,
        condition: _,
        description: _,
        notes: _,
        inferred: _,
        replace_notes: _,
        example: _,
        example_note: _,
        // Checked below, key by key.
        inferred_rules,
        format,
        pattern,
        const_value,
        enum_values,
        known_values,
        known,
        minimum,
        maximum,
        multiple_of,
        min_length,
        max_length,
        amount_limit,
        object,
        only,
        refine,
        fields,
        items,
        dependent_required,
        dependent_required_inferred,
    } = p;
    let mut wrong = |key: &str, present: bool, types: &[ParamType], what: &str| {
        inapplicable(o, key, key, present && !types.contains(&ty), what, diags);
    };
    use ParamType::*;
    wrong("format", format.is_some(), &[String], "strings");
    wrong("pattern", pattern.is_some(), &[String], "strings");
    wrong("min_length", min_length.is_some(), &[String], "strings");
    wrong("max_length", max_length.is_some(), &[String], "strings");
    wrong(
        "known_values",
        known_values.is_some(),
        &[String, Integer],
        "strings and integers",
    );
    wrong(
        "known",
        known.is_some(),
        &[String, Integer],
        "strings and integers",
    );
    wrong("minimum", minimum.is_some(), &[Integer], "integers");
    wrong("maximum", maximum.is_some(), &[Integer], "integers");
    wrong("multiple_of", multiple_of.is_some(), &[Integer], "integers");
    wrong(
        "amount_limit",
        amount_limit.is_some(),
        &[Integer],
        "integers",
    );
    wrong("object", object.is_some(), &[Object], "objects");
    wrong("fields", !fields.is_empty(), &[Object], "objects");
    wrong("refine", !refine.is_empty(), &[Object], "objects");
    wrong("only", only.is_some(), &[Object], "objects");
    wrong(
        "dependent_required",
        !dependent_required.is_empty(),
        &[Object],
        "objects",
    );
    wrong(
        "dependent_required_inferred",
        dependent_required_inferred.is_some(),
        &[Object],
        "objects",
    );
    wrong("items", items.is_some(), &[Array], "arrays");
    wrong(
        "enum",
        enum_values.is_some(),
        &[String, Integer],
        "strings and integers",
    );
    wrong(
        "const",
        const_value.is_some(),
        &[String, Integer],
        "strings and integers",
    );
    if let Some(r) = inferred_rules {
        let at = o.at("inferred_rules");
        let mut wrong_inferred = |key: &str, present: bool, types: &[ParamType], what: &str| {
            inapplicable(
                &at,
                &format!("inferred_rules.{key}"),
                key,
                present && !types.contains(&ty),
                what,
                diags,
            );
        };
        wrong_inferred("format", r.format.is_some(), &[String], "strings");
        wrong_inferred("pattern", r.pattern.is_some(), &[String], "strings");
        wrong_inferred("min_length", r.min_length.is_some(), &[String], "strings");
        wrong_inferred("max_length", r.max_length.is_some(), &[String], "strings");
        wrong_inferred("minimum", r.minimum.is_some(), &[Integer], "integers");
        wrong_inferred("maximum", r.maximum.is_some(), &[Integer], "integers");
        if r.why.trim().is_empty() {
            diags.push(
                at.at("why")
                    .diag("an inferred rule needs its reason")
                    .hint("say why gatespec expects this when the document does not state it"),
            );
        }
        if let Some(pattern) = &r.pattern
            && let Err(e) =
                check_pattern(pattern).and_then(|()| crate::pattern::shape(pattern).map(|_| ()))
        {
            diags.push(
                at.at("pattern")
                    .diag(format!("invalid regular expression: {e}"))
                    .hint("write the pattern in the syntax of the `regex` crate, anchored with `^` and `$`"),
            );
        }
    }
}

/// A currency a parameter fixes, allows or lists (`const`, `enum`,
/// `known` of a `format: currency` string) that the method does not take:
/// the method's `currencies` would contradict its own request.
pub(super) fn check_currencies_taken(
    currencies: &[String],
    p: &Param,
    o: &Origin,
    diags: &mut Diagnostics,
) {
    if currencies.is_empty() || p.format != Some(crate::model::Format::Currency) {
        return;
    }
    let outside = |v: &serde_json::Value| {
        v.as_str()
            .is_some_and(|c| !currencies.iter().any(|t| t == c))
    };
    let mut report = |at: Origin, v: &serde_json::Value| {
        diags.push(
            at.diag(format!(
                "{} is not among the method's `currencies` ({})",
                v.as_str().unwrap_or_default(),
                currencies.join(", ")
            ))
            .hint("add it to the method's `currencies`, or fix the value"),
        );
    };
    if let Some(c) = &p.const_value
        && outside(c)
    {
        report(o.at("const"), c);
    }
    for (key, list) in [("enum", &p.enum_values), ("known", &p.known)] {
        for (i, v) in list.iter().flatten().enumerate() {
            if outside(v) {
                report(o.at(key).at(&i.to_string()), v);
            }
        }
    }
}
