//! `refine`: a parameter narrowed by a refinement; a refinement may
//! narrow an inherited constraint, never widen it.

use crate::diagnostics::Diagnostics;
use crate::model::Param;

use super::check::check_notes;
use super::context::Origin;

/// Applies a refinement to an inherited parameter. A refinement may narrow
/// a constraint (add a `const`, raise a minimum) but never widen or
/// contradict one: that would make a hard constraint of the document
/// unenforced for this method.
pub(super) fn refine(base: &Param, r: &Param, o: &Origin, diags: &mut Diagnostics) -> Param {
    let start = diags.len();
    let mut out = base.clone();
    if let (Some(a), Some(b)) = (base.ty, r.ty)
        && a != b
    {
        diags.push(
            o.at("type")
                .diag("a refinement cannot change the type")
                .hint("define a new field under `fields` instead"),
        );
    }
    if let (Some(a), Some(b)) = (&base.const_value, &r.const_value)
        && a != b
    {
        diags.push(
            o.at("const")
                .diag(format!(
                    "contradicts the inherited hard constraint `const: {}`",
                    shown(a)
                ))
                .hint("a refinement may only narrow a constraint"),
        );
    }
    if let Some(set) = &base.enum_values {
        if let Some(c) = &r.const_value
            && !set.contains(c)
        {
            diags.push(
                o.at("const")
                    .diag(format!("`{}` is outside the inherited `enum`", shown(c)))
                    .hint("a refinement may only narrow a constraint"),
            );
        }
        if let Some(sub) = &r.enum_values {
            for v in sub {
                if !set.contains(v) {
                    diags.push(
                        o.at("enum")
                            .diag(format!("`{}` widens the inherited `enum`", shown(v)))
                            .hint("a refinement may only narrow a constraint"),
                    );
                }
            }
        }
    }
    let widen =
        |key: &str, base: Option<i64>, new: Option<i64>, lower: bool, diags: &mut Diagnostics| {
            if let (Some(a), Some(b)) = (base, new)
                && ((lower && b < a) || (!lower && b > a))
            {
                diags.push(
                    o.at(key)
                        .diag(format!("{key} {b} widens the inherited {key} {a}"))
                        .hint("a refinement may only narrow a constraint"),
                );
            }
        };
    widen("minimum", base.minimum, r.minimum, true, diags);
    widen("maximum", base.maximum, r.maximum, false, diags);
    // A step narrows only to a multiple of itself (every value the new step
    // allows, the inherited one allowed).
    if let (Some(a), Some(b)) = (base.multiple_of, r.multiple_of)
        && (a < 1 || b.checked_rem(a).is_none_or(|r| r != 0))
    {
        diags.push(
            o.at("multiple_of")
                .diag(format!(
                    "multiple_of {b} widens the inherited multiple_of {a}"
                ))
                .hint(format!(
                    "a refinement may only narrow a constraint: use a multiple of {a}"
                )),
        );
    }
    let as_i = |v: Option<u64>| v.and_then(|n| i64::try_from(n).ok());
    widen(
        "min_length",
        as_i(base.min_length),
        as_i(r.min_length),
        true,
        diags,
    );
    widen(
        "max_length",
        as_i(base.max_length),
        as_i(r.max_length),
        false,
        diags,
    );
    if let (Some(a), Some(b)) = (base.format, r.format)
        && a != b
    {
        diags.push(
            o.at("format")
                .diag("a refinement cannot replace the inherited format")
                .hint("define a new field under `fields` instead"),
        );
    }
    if let (Some(a), Some(b)) = (&base.pattern, &r.pattern)
        && a != b
    {
        diags.push(
            o.at("pattern")
                .diag("a refinement cannot replace the inherited pattern")
                .hint("define a new field under `fields` instead"),
        );
    }
    // Every key of a refinement, named: a key added to `Param` is a compile
    // error here until it is decided how a refinement treats it.
    let Param {
        ty,
        required,
        condition,
        description,
        notes,
        inferred,
        replace_notes,
        example,
        example_note,
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
        refine: nested,
        fields,
        items,
        dependent_required,
        dependent_required_inferred,
        inferred_rules,
    } = r;
    // A refinement that gives a key replaces the inherited value (the
    // checks above refused what would widen a constraint).
    macro_rules! take {
        ($($f:ident),*) => { $( if $f.is_some() { out.$f = $f.clone(); } )* };
    }
    take!(
        ty,
        inferred,
        required,
        condition,
        description,
        example,
        example_note,
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
        items,
        inferred_rules,
        dependent_required_inferred
    );
    // Which shared object a field is, and which of its fields it keeps,
    // are the field's identity, not a constraint to narrow.
    for (key, given) in [("object", object.is_some()), ("only", only.is_some())] {
        if given {
            diags.push(
                o.at(key)
                    .diag(format!("a refinement cannot replace `{key}`"))
                    .on_key()
                    .hint("define a new field under `fields` instead"),
            );
        }
    }
    check_notes(notes, &o.at("notes"), diags);
    if *replace_notes {
        out.notes.clear();
    }
    out.notes.extend(notes.iter().cloned());
    for (k, v) in fields {
        out.fields.insert(k.clone(), v.clone());
    }
    for (k, v) in nested {
        out.refine.insert(k.clone(), v.clone());
    }
    for (k, v) in dependent_required {
        out.dependent_required.insert(k.clone(), v.clone());
    }
    // A refused refinement is not applied: what it would have made would
    // only echo the refusal as further problems.
    if diags.len() > start {
        return base.clone();
    }
    out
}

/// A spec value as the spec writes it: text without JSON's quotes.
fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
