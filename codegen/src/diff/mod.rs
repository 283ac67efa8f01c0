//! The breaking-change report: two IRs compared operation by operation and
//! body by body, each change with a level decided by the role of the data.
//!
//! A request is what the merchant sends, so narrowing it breaks them (a new
//! required field, a tighter bound, a removed value, a new `const`). A
//! response or callback is what the merchant's parser reads, so widening it
//! breaks them (a field that was always sent becomes optional, a bound is
//! relaxed, a closed set gains a value). A changed type, a removed operation,
//! a changed endpoint and a changed fixed value (a hard currency) break
//! either way. Informational known values may change freely.
//!
//! Each change has a [`Category`]: the wire (above), the names other
//! languages' classes take (a type's schema name), the generated Rust API (a
//! renamed or moved type, a new constructor argument: breaking, since code
//! that names them stops compiling) and the docs (words only). `gatespec
//! diff --fail-on` chooses the categories that fail the run. Each change has
//! a fingerprint that stays the same from run to run and the spec file and
//! line it comes from. Pointers locate data in the body; `-` stands for every
//! element of an array.

use std::collections::BTreeMap;

use crate::ir::{BodyRole, Method, Operation};

mod lifecycle;
mod render;
mod report;
mod shape;

pub use render::{github, markdown, sarif, text};
pub use report::{Category, Change, Level, Report};
use report::{Direction, Sink};
use shape::ty;

/// Compares two spec sets.
pub fn diff(old: &crate::compiled::Compiled, new: &crate::compiled::Compiled) -> Report {
    let (old_types, new_types) = (&old.types, &new.types);
    let (old_src, new_src) = (&*old.sources, &*new.sources);
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
        lifecycle::lifecycle(&mut out, o, n);
        let types = (
            old_types.brand(&om.brand).map(|t| t.of(&om.id)),
            new_types.brand(&nm.brand).map(|t| t.of(&nm.id)),
        );
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
    let mut changes = out.changes;
    for c in &mut changes {
        // What is gone is found in the old specs; the rest in the new.
        let from = match new_ops.get(c.operation.as_str()) {
            Some((m, _)) => (new_src, *m),
            None => match old_ops.get(c.operation.as_str()) {
                Some((m, _)) => (old_src, *m),
                None => continue,
            },
        };
        locate(c, from.0, from.1);
    }
    let mut categories = BTreeMap::new();
    for c in &changes {
        let level = categories.entry(c.category).or_insert(c.level);
        *level = (*level).max(c.level);
    }
    let mut report = Report {
        breaking: false,
        categories,
        changes,
    };
    report.breaking = report.breaks(&Category::FAIL_BY_DEFAULT);
    report
}

/// The spec file and line of a change: the body's field as the method's
/// file writes it, or its nearest ancestor there (a field a shared object
/// brings is found at the method's use of the object).
fn locate(c: &mut Change, sources: &crate::load::Sources, m: &Method) {
    let op = c.operation.rsplit('/').next().unwrap_or_default();
    let mut pointer = format!("/method/operations/{}", crate::load::escape(op));
    if c.role == "lifecycle" {
        // A lifecycle's change is placed at the operation's own lifecycle
        // (else at the operation, which takes shared.yaml's).
        pointer.push_str("/lifecycle");
    } else if c.role != "operation" {
        pointer.push('/');
        pointer.push_str(&c.role);
        for token in c.pointer.split('/').skip(1) {
            if token == "-" {
                pointer.push_str("/items");
            } else {
                pointer.push_str("/fields/");
                pointer.push_str(token);
            }
        }
    }
    if let Some((name, line)) = sources.line_of(&m.spec_file, &pointer) {
        c.file = Some(name);
        c.line = Some(line);
    }
}

fn body_of(op: &Operation, role: BodyRole) -> Option<&crate::ir::Body> {
    match role {
        BodyRole::Request => Some(&op.request),
        BodyRole::Response => op.response.as_ref(),
        BodyRole::Callback => op.callback.as_ref(),
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
