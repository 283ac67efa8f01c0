//! What changed in an operation's lifecycle. Both directions break
//! someone: a status or step a lifecycle gains is one the merchant's
//! callback receiver has never seen, and one it loses is one the merchant's
//! code may wait for in vain.

use crate::ir::Operation;
use crate::lifecycle::{Action, Lifecycle};

use super::report::{Level, Sink};

/// A step in words, as the report names it.
fn signature(action: &Action) -> String {
    match action {
        Action::Request { operation, gives } => match gives {
            Some((what, at)) => format!("request `{operation}` giving the {what} at `{at}`"),
            None => format!("request `{operation}`"),
        },
        Action::Customer { action, .. } => format!("customer {}", action.as_str()),
        Action::Callback { statuses, asks, .. } => match asks {
            Some(a) => format!("callback `{}` asking for the {a}", statuses.join("` or `")),
            None => format!("callback `{}`", statuses.join("` or `")),
        },
    }
}

fn statuses(l: Option<&Lifecycle>) -> Vec<&str> {
    l.map(Lifecycle::statuses).unwrap_or_default()
}

fn steps(l: Option<&Lifecycle>) -> Vec<String> {
    l.map(|l| l.steps.iter().map(|s| signature(&s.action)).collect())
        .unwrap_or_default()
}

/// Reports the lifecycle changes of one operation.
pub(super) fn lifecycle(out: &mut Sink, o: &Operation, n: &Operation) {
    out.role = "lifecycle".into();
    let (old, new) = (o.lifecycle.as_ref(), n.lifecycle.as_ref());
    let (os, ns) = (statuses(old), statuses(new));
    for s in ns.iter().filter(|s| !os.contains(s)) {
        out.here(
            &format!("/statuses/{s}"),
            Level::Breaking,
            "status-added",
            format!("callbacks may now carry the status `{s}`, which a receiver written for the old ones does not expect"),
        );
    }
    for s in os.iter().filter(|s| !ns.contains(s)) {
        out.here(
            &format!("/statuses/{s}"),
            Level::Breaking,
            "status-removed",
            format!("no callback carries the status `{s}` any more: code that waits for it waits in vain"),
        );
    }
    // Steps compared as multisets of their signatures: each one the new
    // lifecycle has more of is added, each it has fewer of is removed.
    let (mut left, right) = (steps(old), steps(new));
    let mut added = Vec::new();
    for step in right {
        match left.iter().position(|s| *s == step) {
            Some(i) => {
                left.remove(i);
            }
            None => added.push(step),
        }
    }
    for step in added {
        out.here(
            &format!("/steps/{step}"),
            Level::Breaking,
            "step-added",
            format!("a new step: {step}; an integration that does not take it stops there"),
        );
    }
    for step in left {
        out.here(
            &format!("/steps/{step}"),
            Level::Breaking,
            "step-removed",
            format!("the step {step} is gone: code that waits for it waits in vain"),
        );
    }
}
