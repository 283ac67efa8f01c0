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

use crate::ir::{BodyRole, Method, Operation};

mod render;
mod report;
mod shape;

pub use render::{markdown, text};
pub use report::{Change, Level, Report};
use report::{Direction, Sink};
use shape::ty;

/// Compares two spec sets.
pub fn diff(old: &crate::compiled::Compiled, new: &crate::compiled::Compiled) -> Report {
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
