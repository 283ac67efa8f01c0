//! What changed inside a body: fields, requiredness, bounds, patterns,
//! fixed values and closed sets, each leveled by the direction of the data;
//! and the Rust API changes a field brings (a renamed type, a new
//! constructor argument).

use crate::ir::{Field, IntegerTy, ObjectTy, Presence, StringTy, Ty};

use super::report::{Direction, Level, Sink, Types, pointer_token};

pub(super) fn object(
    out: &mut Sink,
    dir: Direction,
    at: &str,
    o: &ObjectTy,
    n: &ObjectTy,
    types: Types<'_>,
) {
    if let (Some(ot), Some(nt)) = types
        && let (Some(a), Some(b)) = (ot.object(o), nt.object(n))
    {
        let path = |t: crate::typespace::TypeRef<'_>| {
            let owner = if t.local {
                "the method's"
            } else {
                "the brand's"
            };
            format!("`{}` in {owner} `types`", t.name)
        };
        // Code that names the old path stops compiling; where the old type
        // is still there (another use kept it), this use has a type of its
        // own now, and the body's alias of it keeps its name.
        if (a.name, a.local) != (b.name, b.local) {
            let (level, kind) = if nt.has_rust_name(a.name, a.local) {
                (Level::Warning, "rust-type-split")
            } else {
                (Level::Breaking, "rust-type-renamed")
            };
            out.here(
                at,
                level,
                kind,
                format!(
                    "the generated Rust type is now {} (was {})",
                    path(b),
                    path(a)
                ),
            );
        }
        // Other languages' classes are named by it.
        if a.schema_name != b.schema_name {
            let (level, kind) = if nt.has_schema_name(a.schema_name) {
                (Level::Warning, "schema-type-split")
            } else {
                (Level::Breaking, "schema-name-changed")
            };
            out.here(
                at,
                level,
                kind,
                format!(
                    "the type's name in the schemas and OpenAPI components is now `{}` (was `{}`)",
                    b.schema_name, a.schema_name
                ),
            );
        }
    }
    let find = |fs: &[Field], name: &str| fs.iter().find(|f| f.name == name).cloned();
    for f in &o.fields {
        let here = format!("{at}/{}", pointer_token(&f.name));
        let Some(g) = find(&n.fields, &f.name) else {
            let (level, what) = match (dir, f.presence) {
                (Direction::Read, Presence::Strict) => (Level::Breaking, "was always sent"),
                (Direction::Read, _) => (Level::Warning, "was sometimes sent"),
                (Direction::Sent, _) => (
                    Level::Warning,
                    "is no longer described (sent, it is kept as an extra member)",
                ),
            };
            out.here(
                &here,
                level,
                "field-removed",
                format!("`{}` is gone; it {what}", f.name),
            );
            continue;
        };
        presence(out, dir, &here, &f.name, f.presence, g.presence);
        if (&f.description, &f.notes) != (&g.description, &g.notes) {
            out.here(
                &here,
                Level::Info,
                "description-changed",
                format!("`{}` is described in other words", f.name),
            );
        }
        ty(out, dir, &here, &f.ty, &g.ty, types);
    }
    for g in n
        .fields
        .iter()
        .filter(|g| find(&o.fields, &g.name).is_none())
    {
        let here = format!("{at}/{}", pointer_token(&g.name));
        match (dir, g.presence) {
            (Direction::Sent, Presence::Strict) => out.here(
                &here,
                Level::Breaking,
                "field-added-required",
                format!("`{}` is new and required", g.name),
            ),
            (Direction::Read, Presence::Strict) => {
                out.here(
                    &here,
                    Level::Info,
                    "field-added",
                    format!("`{}` is new and always sent", g.name),
                );
                out.here(
                    &here,
                    Level::Breaking,
                    "rust-constructor-argument",
                    format!("`new` takes `{}` as a new argument", g.name),
                );
            }
            _ => out.here(
                &here,
                Level::Info,
                "field-added",
                format!("`{}` is new and optional", g.name),
            ),
        }
    }
    for (k, deps) in &n.dependent_required {
        let before = o
            .dependent_required
            .iter()
            .find(|(ok, _)| ok == k)
            .map(|(_, d)| d);
        for d in deps
            .iter()
            .filter(|d| !before.is_some_and(|b| b.contains(d)))
        {
            out.here(
                at,
                dir.narrowed(),
                "dependency-added",
                format!("`{d}` is now required with `{k}`"),
            );
        }
    }
    for (k, deps) in &o.dependent_required {
        let after = n
            .dependent_required
            .iter()
            .find(|(nk, _)| nk == k)
            .map(|(_, d)| d);
        for d in deps
            .iter()
            .filter(|d| !after.is_some_and(|a| a.contains(d)))
        {
            out.here(
                at,
                dir.widened(),
                "dependency-removed",
                format!("`{d}` is no longer required with `{k}`"),
            );
        }
    }
    for b in &n.currency_bounds {
        let here = format!("{at}/{}", pointer_token(&b.amount));
        let before = o
            .currency_bounds
            .iter()
            .find(|a| a.amount == b.amount && a.currency == b.currency);
        let what = format!("the {} bound of `{}`", b.currency, b.amount);
        match before {
            None => out.here(
                &here,
                dir.narrowed(),
                "bound-added",
                format!("{what} is new"),
            ),
            Some(a) => {
                bounds(
                    out,
                    dir,
                    &here,
                    &what,
                    (a.minimum, a.maximum),
                    (b.minimum, b.maximum),
                );
                step(out, dir, &here, a.multiple_of, b.multiple_of);
            }
        }
    }
    for a in &o.currency_bounds {
        if !n
            .currency_bounds
            .iter()
            .any(|b| a.amount == b.amount && a.currency == b.currency)
        {
            let here = format!("{at}/{}", pointer_token(&a.amount));
            out.here(
                &here,
                dir.widened(),
                "bound-removed",
                format!("the {} bound of `{}` is gone", a.currency, a.amount),
            );
        }
    }
}

pub(super) fn presence(
    out: &mut Sink,
    dir: Direction,
    at: &str,
    name: &str,
    o: Presence,
    n: Presence,
) {
    let rank = |p: Presence| match p {
        Presence::Optional => 0,
        Presence::Conditional => 1,
        Presence::Strict => 2,
    };
    let word = |p: Presence| match p {
        Presence::Optional => "optional",
        Presence::Conditional => "conditionally required",
        Presence::Strict => "required",
    };
    if rank(n) > rank(o) {
        out.here(
            at,
            dir.narrowed(),
            "field-required",
            format!("`{name}` was {}, now {}", word(o), word(n)),
        );
    } else if rank(n) < rank(o) {
        out.here(
            at,
            dir.widened(),
            "field-optional",
            format!("`{name}` was {}, now {}", word(o), word(n)),
        );
    }
}

/// A change of a `(minimum, maximum)` pair.
pub(super) fn bounds(
    out: &mut Sink,
    dir: Direction,
    at: &str,
    what: &str,
    o: (Option<i64>, Option<i64>),
    n: (Option<i64>, Option<i64>),
) {
    let show = |v: Option<i64>| v.map_or("none".to_string(), |v| v.to_string());
    let tighter_min = match (o.0, n.0) {
        (None, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (Some(a), Some(b)) if a != b => Some(b > a),
        _ => None,
    };
    let tighter_max = match (o.1, n.1) {
        (None, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (Some(a), Some(b)) if a != b => Some(b < a),
        _ => None,
    };
    for (tighter, name, a, b) in [
        (tighter_min, "minimum", o.0, n.0),
        (tighter_max, "maximum", o.1, n.1),
    ] {
        match tighter {
            Some(true) => out.here(
                at,
                dir.narrowed(),
                "bound-tightened",
                format!("{what}: the {name} went from {} to {}", show(a), show(b)),
            ),
            Some(false) => out.here(
                at,
                dir.widened(),
                "bound-relaxed",
                format!("{what}: the {name} went from {} to {}", show(a), show(b)),
            ),
            None => {}
        }
    }
}

pub(super) fn string(out: &mut Sink, dir: Direction, at: &str, o: &StringTy, n: &StringTy) {
    fixed(out, dir, at, o.const_value.as_ref(), n.const_value.as_ref());
    closed(
        out,
        dir,
        at,
        o.enum_values.as_deref(),
        n.enum_values.as_deref(),
    );
    known(out, at, &o.known, &n.known);
    let rule = |f: &StringTy| (f.format.map(crate::rules::format_name), f.pattern.clone());
    match (rule(o), rule(n)) {
        (a, b) if a == b => {}
        ((None, None), _) => out.here(
            at,
            dir.narrowed(),
            "pattern-added",
            "the value now has a format or pattern".into(),
        ),
        (_, (None, None)) => out.here(
            at,
            dir.widened(),
            "pattern-removed",
            "the value no longer has a format or pattern".into(),
        ),
        _ => out.here(
            at,
            Level::Breaking,
            "pattern-changed",
            "the value's format or pattern changed".into(),
        ),
    }
    let length = |v: Option<u64>| v.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
    bounds(
        out,
        dir,
        at,
        "the length",
        (length(o.min_length), length(o.max_length)),
        (length(n.min_length), length(n.max_length)),
    );
}

pub(super) fn integer(out: &mut Sink, dir: Direction, at: &str, o: &IntegerTy, n: &IntegerTy) {
    bounds(
        out,
        dir,
        at,
        "the value",
        (o.minimum, o.maximum),
        (n.minimum, n.maximum),
    );
    step(out, dir, at, o.multiple_of, n.multiple_of);
    fixed(out, dir, at, o.const_value.as_ref(), n.const_value.as_ref());
    closed(
        out,
        dir,
        at,
        o.enum_values.as_deref(),
        n.enum_values.as_deref(),
    );
    known(out, at, &o.known, &n.known);
}

/// A step (`multiple_of`) added or made a multiple of itself narrows; one
/// removed or made a divisor of itself widens; any other change does both.
fn step(out: &mut Sink, dir: Direction, at: &str, o: Option<i64>, n: Option<i64>) {
    let divides = |a: i64, b: i64| a >= 1 && b.checked_rem(a) == Some(0);
    let (level, kind, message) = match (o, n) {
        (None, Some(b)) => (
            dir.narrowed(),
            "multiple-of-added",
            format!("the value must now be a multiple of {b}"),
        ),
        (Some(a), None) => (
            dir.widened(),
            "multiple-of-removed",
            format!("the value no longer has to be a multiple of {a}"),
        ),
        (Some(a), Some(b)) if a != b => {
            let message = format!("the value's step went from {a} to {b}");
            if divides(a, b) {
                (dir.narrowed(), "multiple-of-changed", message)
            } else if divides(b, a) {
                (dir.widened(), "multiple-of-changed", message)
            } else {
                (Level::Breaking, "multiple-of-changed", message)
            }
        }
        _ => return,
    };
    out.here(at, level, kind, message);
}

/// A `const` added (narrows), removed (widens) or changed (breaks both
/// ways: a hard currency, for one).
pub(super) fn fixed<T: PartialEq + std::fmt::Debug>(
    out: &mut Sink,
    dir: Direction,
    at: &str,
    o: Option<&T>,
    n: Option<&T>,
) {
    match (o, n) {
        (None, Some(c)) => out.here(
            at,
            dir.narrowed(),
            "const-added",
            format!("the value is now fixed to {c:?}"),
        ),
        (Some(c), None) => out.here(
            at,
            dir.widened(),
            "const-removed",
            format!("the value is no longer fixed to {c:?}"),
        ),
        (Some(a), Some(b)) if a != b => out.here(
            at,
            Level::Breaking,
            "const-changed",
            format!("the fixed value changed from {a:?} to {b:?}"),
        ),
        _ => {}
    }
}

/// A closed set (`enum`) that loses values (narrows), gains some (widens),
/// appears or goes.
pub(super) fn closed<T: PartialEq + std::fmt::Debug>(
    out: &mut Sink,
    dir: Direction,
    at: &str,
    o: Option<&[T]>,
    n: Option<&[T]>,
) {
    match (o, n) {
        (Some(a), Some(b)) => {
            let removed: Vec<&T> = a.iter().filter(|v| !b.contains(v)).collect();
            let added: Vec<&T> = b.iter().filter(|v| !a.contains(v)).collect();
            if !removed.is_empty() {
                out.here(
                    at,
                    dir.narrowed(),
                    "value-removed",
                    format!("no longer allowed: {removed:?}"),
                );
            }
            if !added.is_empty() {
                out.here(
                    at,
                    dir.widened(),
                    "value-added",
                    format!("newly allowed: {added:?}"),
                );
            }
        }
        (None, Some(b)) => out.here(
            at,
            dir.narrowed(),
            "closed-set-added",
            format!("only {b:?} are allowed now"),
        ),
        (Some(a), None) => out.here(
            at,
            dir.widened(),
            "closed-set-removed",
            format!("any value is allowed now (was {a:?})"),
        ),
        (None, None) => {}
    }
}

/// Informational known values may change freely: reported as information.
pub(super) fn known(
    out: &mut Sink,
    at: &str,
    o: &Option<crate::ir::Known>,
    n: &Option<crate::ir::Known>,
) {
    let values =
        |k: &Option<crate::ir::Known>| k.as_ref().map(|k| k.values.clone()).unwrap_or_default();
    if values(o) != values(n) {
        out.here(
            at,
            Level::Info,
            "known-values-changed",
            "the informational known values changed".into(),
        );
    }
}

pub(super) fn ty(out: &mut Sink, dir: Direction, at: &str, o: &Ty, n: &Ty, types: Types<'_>) {
    match (o, n) {
        (Ty::Object(a), Ty::Object(b)) => object(out, dir, at, a, b, types),
        (Ty::Array(a), Ty::Array(b)) => ty(out, dir, &format!("{at}/-"), a, b, types),
        (Ty::String(a), Ty::String(b)) => string(out, dir, at, a, b),
        (Ty::Integer(a), Ty::Integer(b)) => integer(out, dir, at, a, b),
        (Ty::Boolean, Ty::Boolean) => {}
        (a, b) => out.here(
            at,
            Level::Breaking,
            "type-changed",
            format!("the type changed from {} to {}", kind(a), kind(b)),
        ),
    }
}

pub(super) fn kind(t: &Ty) -> &'static str {
    match t {
        Ty::Object(_) => "object",
        Ty::Array(_) => "array",
        Ty::String(_) => "string",
        Ty::Integer(_) => "integer",
        Ty::Boolean => "boolean",
    }
}
