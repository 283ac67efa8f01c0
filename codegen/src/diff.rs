//! The breaking-change report: two IRs compared operation by operation and
//! body by body, each change with a level decided by the role of the data.
//!
//! A request is what the merchant sends, so narrowing it breaks them (a new
//! required field, a tighter bound, a removed value, a new `const`). A
//! response or callback is what the merchant's parser reads, so widening it
//! breaks them (a field that was always sent becomes optional, a bound is
//! relaxed, a closed set gains a value). A changed type, a removed operation,
//! a changed endpoint and a changed fixed value (a hard currency) break
//! either way. Informational known values may change freely. Changes to the
//! generated Rust API (a renamed type, a new constructor argument) are
//! reported too, as warnings: the wire is unchanged, code that names them
//! is not. Pointers locate data in the body; `-` stands for every element
//! of an array.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ir::{BodyRole, Field, IntegerTy, Method, ObjectTy, Operation, Presence, StringTy, Ty};
use crate::typespace::BrandTypes;

/// How much a change matters to the merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing that worked stops working.
    Info,
    /// Worth a look: code may need a change, the wire does not.
    Warning,
    /// Something that worked stops working.
    Breaking,
}

impl Level {
    /// The level's name, as JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Breaking => "breaking",
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The operation id (`monetix/smp-p2p-kz/payout`).
    pub operation: String,
    /// `request`, `response`, `callback`, or `operation` for the operation
    /// itself.
    pub role: String,
    /// Where in the body (a JSON pointer; `-` for every array element).
    pub pointer: String,
    /// How much it matters.
    pub level: Level,
    /// A stable name of the kind of change (`field-required`).
    pub kind: &'static str,
    /// A sentence for people.
    pub message: String,
}

/// The report: whether anything breaks, and every change.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// True when any change is breaking.
    pub breaking: bool,
    /// Every change, by operation, role and pointer.
    pub changes: Vec<Change>,
}

/// Compares two spec sets.
pub fn diff(old: &crate::Compiled, new: &crate::Compiled) -> Report {
    let (old_types, new_types) = (&old.types, &new.types);
    let (old, new) = (&old.ir, &new.ir);
    let mut out = Sink::default();
    let old_ops: BTreeMap<&str, (&Method, &Operation)> = old
        .operations()
        .map(|(m, o)| (o.full_id.as_str(), (m, o)))
        .collect();
    let new_ops: BTreeMap<&str, (&Method, &Operation)> = new
        .operations()
        .map(|(m, o)| (o.full_id.as_str(), (m, o)))
        .collect();
    for (id, (om, o)) in &old_ops {
        let Some((nm, n)) = new_ops.get(id) else {
            out.push(
                id,
                "operation",
                "",
                Level::Breaking,
                "operation-removed",
                "the operation is gone".into(),
            );
            continue;
        };
        out.op = id.to_string();
        operation(&mut out, o, n);
        let types = (old_types.brand(&om.brand), new_types.brand(&nm.brand));
        for role in [BodyRole::Request, BodyRole::Response, BodyRole::Callback] {
            let (ob, nb) = (body_of(o, role), body_of(n, role));
            out.role = role.as_str().to_string();
            match (ob, nb) {
                (Some(ob), Some(nb)) => {
                    let dir = Direction::of(role);
                    ty(&mut out, dir, "", &ob.ty, &nb.ty, types);
                }
                (Some(_), None) => out.here(
                    "",
                    Level::Warning,
                    "body-removed",
                    format!("the operation no longer has a {}", role.as_str()),
                ),
                (None, Some(_)) => out.here(
                    "",
                    Level::Info,
                    "body-added",
                    format!("the operation now has a {}", role.as_str()),
                ),
                (None, None) => {}
            }
        }
    }
    for id in new_ops.keys().filter(|id| !old_ops.contains_key(*id)) {
        out.push(
            id,
            "operation",
            "",
            Level::Info,
            "operation-added",
            "a new operation".into(),
        );
    }
    let breaking = out.changes.iter().any(|c| c.level == Level::Breaking);
    Report {
        breaking,
        changes: out.changes,
    }
}

fn body_of(op: &Operation, role: BodyRole) -> Option<&crate::ir::Body> {
    match role {
        BodyRole::Request => Some(&op.request),
        BodyRole::Response => op.response.as_ref(),
        BodyRole::Callback => op.callback.as_ref(),
    }
}

#[derive(Default)]
struct Sink {
    op: String,
    role: String,
    changes: Vec<Change>,
}

impl Sink {
    fn push(
        &mut self,
        op: &str,
        role: &str,
        pointer: &str,
        level: Level,
        kind: &'static str,
        message: String,
    ) {
        self.changes.push(Change {
            operation: op.to_string(),
            role: role.to_string(),
            pointer: pointer.to_string(),
            level,
            kind,
            message,
        });
    }

    fn here(&mut self, pointer: &str, level: Level, kind: &'static str, message: String) {
        let (op, role) = (self.op.clone(), self.role.clone());
        self.push(&op, &role, pointer, level, kind, message);
    }
}

/// Which way the data flows: what the merchant sends, or what it reads.
#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Sent,
    Read,
}

impl Direction {
    fn of(role: BodyRole) -> Self {
        match role {
            BodyRole::Request => Direction::Sent,
            BodyRole::Response | BodyRole::Callback => Direction::Read,
        }
    }

    /// The level of a change that narrows what is accepted.
    fn narrowed(self) -> Level {
        match self {
            Direction::Sent => Level::Breaking,
            Direction::Read => Level::Info,
        }
    }

    /// The level of a change that widens what is accepted.
    fn widened(self) -> Level {
        match self {
            Direction::Sent => Level::Info,
            Direction::Read => Level::Breaking,
        }
    }
}

fn operation(out: &mut Sink, o: &Operation, n: &Operation) {
    out.role = "operation".into();
    match (&o.endpoint, &n.endpoint) {
        (Some(a), Some(b)) if a.method != b.method || a.path != b.path => out.here(
            "",
            Level::Breaking,
            "endpoint-changed",
            format!(
                "the endpoint changed from {} {} to {} {}",
                a.method.as_str(),
                a.path,
                b.method.as_str(),
                b.path
            ),
        ),
        (Some(a), None) => out.here(
            "",
            Level::Breaking,
            "endpoint-removed",
            format!("the endpoint {} {} is gone", a.method.as_str(), a.path),
        ),
        (None, Some(b)) => out.here(
            "",
            Level::Breaking,
            "endpoint-added",
            format!(
                "the operation moved to the Gate endpoint {} {}",
                b.method.as_str(),
                b.path
            ),
        ),
        _ => {}
    }
}

type Types<'a> = (Option<&'a BrandTypes>, Option<&'a BrandTypes>);

fn ty(out: &mut Sink, dir: Direction, at: &str, o: &Ty, n: &Ty, types: Types<'_>) {
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

fn kind(t: &Ty) -> &'static str {
    match t {
        Ty::Object(_) => "object",
        Ty::Array(_) => "array",
        Ty::String(_) => "string",
        Ty::Integer(_) => "integer",
        Ty::Boolean => "boolean",
    }
}

fn object(out: &mut Sink, dir: Direction, at: &str, o: &ObjectTy, n: &ObjectTy, types: Types<'_>) {
    if let (Some(ot), Some(nt)) = types
        && let (Some(a), Some(b)) = (ot.object(o), nt.object(n))
        && a != b
    {
        out.here(
            at,
            Level::Warning,
            "rust-type-renamed",
            format!("the generated Rust type is now `{b}` (was `{a}`)"),
        );
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
                    Level::Warning,
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
            Some(a) => bounds(
                out,
                dir,
                &here,
                &what,
                (a.minimum, a.maximum),
                (b.minimum, b.maximum),
            ),
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

fn presence(out: &mut Sink, dir: Direction, at: &str, name: &str, o: Presence, n: Presence) {
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
fn bounds(
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

fn string(out: &mut Sink, dir: Direction, at: &str, o: &StringTy, n: &StringTy) {
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

fn integer(out: &mut Sink, dir: Direction, at: &str, o: &IntegerTy, n: &IntegerTy) {
    bounds(
        out,
        dir,
        at,
        "the value",
        (o.minimum, o.maximum),
        (n.minimum, n.maximum),
    );
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

/// A `const` added (narrows), removed (widens) or changed (breaks both
/// ways: a hard currency, for one).
fn fixed<T: PartialEq + std::fmt::Debug>(
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
fn closed<T: PartialEq + std::fmt::Debug>(
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
fn known(out: &mut Sink, at: &str, o: &Option<crate::ir::Known>, n: &Option<crate::ir::Known>) {
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

/// A member name as a JSON pointer token.
fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The report as Markdown, for a pull request.
pub fn markdown(report: &Report) -> String {
    let mut s = String::from("## gatespec diff\n\n");
    if report.changes.is_empty() {
        s.push_str("No change to any operation.\n");
        return s;
    }
    s.push_str(if report.breaking {
        "**Breaking changes.**\n\n"
    } else {
        "No breaking change.\n\n"
    });
    s.push_str("| level | operation | role | pointer | change |\n|---|---|---|---|---|\n");
    for c in &report.changes {
        let level = c.level.as_str();
        s.push_str(&format!(
            "| {level} | `{}` | {} | `{}` | {} ({}) |\n",
            c.operation,
            c.role,
            c.pointer,
            c.message.replace('|', "\\|"),
            c.kind
        ));
    }
    s
}

/// The report as plain text, one change per line.
pub fn text(report: &Report) -> String {
    let mut s = String::new();
    for c in &report.changes {
        let level = c.level.as_str();
        let pointer = if c.pointer.is_empty() {
            "/"
        } else {
            &c.pointer
        };
        s.push_str(&format!(
            "{level}: {} {} {pointer}: {} [{}]\n",
            c.operation, c.role, c.message, c.kind
        ));
    }
    s.push_str(&format!(
        "{} changes, {}\n",
        report.changes.len(),
        if report.breaking {
            "breaking"
        } else {
            "none breaking"
        }
    ));
    s
}
