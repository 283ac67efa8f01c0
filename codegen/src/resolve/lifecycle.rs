//! Lifecycles: each operation's steps, its own or shared.yaml's for its
//! kind, with every reference checked once all the method's operations are
//! resolved (a step may name another operation and point into its request).

use crate::diagnostics::Diagnostics;
use crate::lifecycle::{Action, CustomerAction, Lifecycle, Renew, Step, StepExample, Testing};
use crate::suggest::one_of;
use crate::{ir, model};

use super::context::Origin;

/// The type at `pointer` inside `ty`, if the pointer names a member.
pub(crate) fn ty_at<'a>(ty: &'a ir::Ty, pointer: &str) -> Option<&'a ir::Ty> {
    if pointer.is_empty() {
        return Some(ty);
    }
    let rest = pointer.strip_prefix('/')?;
    let (head, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let key = head.replace("~1", "/").replace("~0", "~");
    let tail = if tail.is_empty() {
        String::new()
    } else {
        format!("/{tail}")
    };
    match ty {
        ir::Ty::Object(o) => {
            let f = o.fields.iter().find(|f| f.name == key)?;
            ty_at(&f.ty, &tail)
        }
        ir::Ty::Array(item) if key.parse::<usize>().is_ok() => ty_at(item, &tail),
        _ => None,
    }
}

/// What a lifecycle is resolved against: the method, its operations as
/// resolved, and where each was written.
pub(super) struct Scope<'a> {
    pub(super) method: &'a model::Method,
    pub(super) ops: &'a [ir::Operation],
    pub(super) origin: &'a Origin,
}

/// The lifecycle of operation `id`: its own, else shared.yaml's for its
/// kind (`defaults`), else none.
pub(super) fn resolve_lifecycle(
    s: &Scope<'_>,
    id: &str,
    defaults: &indexmap::IndexMap<String, (model::Lifecycle, Origin)>,
    diags: &mut Diagnostics,
) -> Option<Lifecycle> {
    let op = s.method.operations.get(id)?;
    let own = s.ops.iter().find(|o| o.id == id)?;
    let (written, at, shared) = match &op.lifecycle {
        Some(l) => (l, s.origin.at("operations").at(id).at("lifecycle"), false),
        // A default describes callbacks; an operation whose document
        // describes none has no lifecycle to take from it (the sandbox
        // acknowledges it and sends nothing, as it knows nothing to send).
        None if own.callback.is_none() => return None,
        None => {
            let (l, o) = defaults.get(op.kind.as_str())?;
            (l, o.clone(), true)
        }
    };
    let start = diags.len();
    let mut steps = Vec::new();
    let mut asked: Vec<String> = Vec::new();
    let mut last_flow = 0;
    let mut carried: Vec<String> = Vec::new();
    for (i, step) in written.steps.iter().enumerate() {
        let o = at.at("steps").at(&i.to_string());
        if let Some(action) = resolve_action(s, own, step, i, &o, &asked, &carried, diags) {
            match &action {
                Action::Callback { asks, carries, .. } => {
                    asked.extend(asks.iter().cloned());
                    carried.clone_from(carries);
                }
                Action::Customer { asks, .. } => asked.extend(asks.iter().cloned()),
                Action::Request { .. } => {}
            }
            let within = step
                .within
                .as_ref()
                .and_then(|t| known_timing(s, t, &o.at("within"), diags).map(|_| t.clone()));
            let renew = step.renew.as_ref().and_then(|r| {
                if let Some(req) = &r.request {
                    known_operation(s, req, &o.at("renew").at("request"), diags);
                }
                known_timing(s, &r.after, &o.at("renew").at("after"), diags)?;
                Some(Renew {
                    request: r.request.clone(),
                    after: r.after.clone(),
                })
            });
            for (j, &n) in step.flow.iter().enumerate() {
                if n == 0 || n > own.flow.len() {
                    diags.push(
                        o.at("flow")
                            .at(&j.to_string())
                            .diag(format!(
                                "flow item {n} does not exist: the operation's `flow` has {} item(s)",
                                own.flow.len()
                            ))
                            .hint("cite the operation's numbered flow items, counting from 1"),
                    );
                } else if n < last_flow && !shared {
                    diags.push(
                        o.at("flow")
                            .at(&j.to_string())
                            .diag(format!(
                                "flow item {n} comes before item {last_flow}, which an earlier step cites"
                            ))
                            .hint("steps follow the document's numbered flow in order"),
                    );
                } else {
                    last_flow = n;
                }
            }
            steps.push(Step {
                action,
                within,
                renew,
                flow: if shared {
                    Vec::new()
                } else {
                    step.flow.clone()
                },
                inferred: step.inferred.clone(),
            });
        }
    }
    if written.steps.is_empty() {
        diags.push(
            at.at("steps")
                .diag("a lifecycle has no steps")
                .hint("start with `- request: this`"),
        );
    }
    if diags.len() > start {
        return None;
    }
    Some(Lifecycle {
        inferred: written.inferred.clone(),
        shared,
        steps,
    })
}

#[allow(clippy::too_many_arguments)]
fn resolve_action(
    s: &Scope<'_>,
    own: &ir::Operation,
    step: &model::Step,
    i: usize,
    o: &Origin,
    asked: &[String],
    carried: &[String],
    diags: &mut Diagnostics,
) -> Option<Action> {
    let set = [
        step.request.is_some(),
        step.customer.is_some(),
        step.callback.is_some(),
    ];
    if set.iter().filter(|b| **b).count() != 1 {
        diags.push(
            o.diag("a step is exactly one of `request`, `customer` or `callback`")
                .hint("split it into one step per action, in order"),
        );
        return None;
    }
    let gives_known = |g: &str, at: &Origin, diags: &mut Diagnostics| {
        if !asked.iter().any(|a| a == g) {
            diags.push(
                at.diag(format!("`{g}` is given before any callback asks for it"))
                    .hint("an earlier `callback` step names it in `asks`"),
            );
        }
    };
    if let Some(req) = &step.request {
        let first = i == 0;
        if first != (req == "this") {
            diags.push(
                o.at("request")
                    .diag(if first {
                        "the first step is the operation's own request".to_string()
                    } else {
                        format!("`request: this` can only start the lifecycle (step {i})")
                    })
                    .hint("write `- request: this` first, then other operations by id"),
            );
            return None;
        }
        let operation = if first {
            own.id.clone()
        } else {
            known_operation(s, req, &o.at("request"), diags)?;
            req.clone()
        };
        let gives = match (&step.gives, &step.at) {
            (Some(g), Some(p)) => {
                gives_known(g, &o.at("gives"), diags);
                let target = s.ops.iter().find(|x| x.id == operation)?;
                pointer_in(&target.request.ty, p, &o.at("at"), "request", diags)?;
                Some((g.clone(), p.clone()))
            }
            (Some(_), None) => {
                diags.push(
                    o.at("gives")
                        .diag("a request that gives something says where it carries it")
                        .hint("add `at: /<member>`, a JSON pointer into that operation's request"),
                );
                return None;
            }
            (None, Some(_)) => {
                diags.push(
                    o.at("at")
                        .diag("`at` without `gives`")
                        .hint("add `gives: <name>`"),
                );
                return None;
            }
            (None, None) => None,
        };
        return Some(Action::Request { operation, gives });
    }
    if let Some(action) = step.customer {
        if i == 0 {
            diags.push(
                o.diag("the first step is the operation's own request")
                    .hint("write `- request: this` first"),
            );
            return None;
        }
        if let Some(g) = &step.gives
            && step.asks.as_ref() != Some(g)
        {
            gives_known(g, &o.at("gives"), diags);
        }
        let chooses = match &step.chooses {
            Some(p) => {
                let ty = pointer_in(&own.request.ty, p, &o.at("chooses"), "request", diags)?;
                Some((p.clone(), choices(ty)))
            }
            None => None,
        };
        let mut fills = Vec::new();
        for (j, f) in step.fills.iter().enumerate() {
            let Some(cb) = &own.callback else {
                diags.push(
                    o.at("fills")
                        .diag(format!(
                            "operation `{}` describes no callback to fill",
                            own.id
                        ))
                        .hint("add the operation's `callback` body, or remove `fills`"),
                );
                return None;
            };
            let ty = pointer_in(
                &cb.ty,
                f,
                &o.at("fills").at(&j.to_string()),
                "callback",
                diags,
            )?;
            fills.push((f.clone(), choices(ty)));
        }
        if action != CustomerAction::Page && (step.asks.is_some() || !step.fills.is_empty()) {
            diags.push(
                o.at("customer")
                    .diag(
                        "only the checkout page (`customer: page`) asks the customer for anything",
                    )
                    .hint("remove `asks` and `fills`, or write `customer: page`"),
            );
        }
        let redirect = matches!(action, CustomerAction::Redirect | CustomerAction::Challenge);
        if redirect && step.url.is_none() {
            diags.push(
                o.at("customer")
                    .diag(format!(
                        "a `{}` step says where the customer is sent",
                        action.as_str()
                    ))
                    .hint("add `url: /<member>`, the callback member an earlier step carries"),
            );
            return None;
        }
        if let Some(u) = &step.url {
            let cb = own.callback.as_ref()?;
            pointer_in(&cb.ty, u, &o.at("url"), "callback", diags)?;
            if !carried
                .iter()
                .any(|c| u == c || u.starts_with(&format!("{c}/")))
            {
                diags.push(
                    o.at("url")
                        .diag(format!(
                            "`{u}` is not carried by the callback before this step"
                        ))
                        .hint(
                            "list it (or the object holding it) in that callback step's `carries`",
                        ),
                );
            }
        }
        if let Some(r) = &step.returns {
            pointer_in(&own.request.ty, r, &o.at("returns"), "request", diags)?;
        }
        return Some(Action::Customer {
            action,
            asks: step.asks.clone(),
            gives: step.gives.clone(),
            fills,
            chooses,
            url: step.url.clone(),
            returns: step.returns.clone(),
        });
    }
    let statuses = step.callback.as_ref()?.to_vec();
    if statuses.is_empty() || statuses.iter().any(|s| s.trim().is_empty()) {
        diags.push(
            o.at("callback")
                .diag("a callback step names the status it carries")
                .hint(
                    "write `callback: success`, or `[success, decline]` when the outcome decides",
                ),
        );
        return None;
    }
    // Statuses become Rust variants and the sandbox's records: the
    // platform's own form, lower-case words.
    for (j, status) in statuses.iter().enumerate() {
        let well_formed = status.starts_with(|c: char| c.is_ascii_lowercase())
            && status.ends_with(|c: char| c.is_ascii_lowercase())
            && status.len() <= 64
            && status
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b' ' || b == b'-');
        if !well_formed {
            let at = match &step.callback {
                Some(model::Statuses::Many(_)) => o.at("callback").at(&j.to_string()),
                _ => o.at("callback"),
            };
            diags.push(
                at.diag(format!("`{status}` is not a status as the platform writes them"))
                    .hint("lower-case words separated by spaces or `-`, at most 64 characters: `awaiting redirect result`"),
            );
            return None;
        }
    }
    let Some(cb) = &own.callback else {
        diags.push(
            o.at("callback")
                .diag(format!("operation `{}` describes no callback", own.id))
                .hint("add the operation's `callback` body, or remove this step"),
        );
        return None;
    };
    for (j, c) in step.carries.iter().enumerate() {
        pointer_in(
            &cb.ty,
            c,
            &o.at("carries").at(&j.to_string()),
            "callback",
            diags,
        );
    }
    let examples = step
        .examples
        .iter()
        .enumerate()
        .map(|(j, e)| StepExample {
            title: e.title.clone(),
            value: e.value.clone(),
            pointer: o.at("examples").at(&j.to_string()).at("value").pointer,
        })
        .collect();
    Some(Action::Callback {
        statuses,
        asks: step.asks.clone(),
        carries: step.carries.clone(),
        examples,
    })
}

/// The choices a field offers: its known or allowed values.
fn choices(ty: &ir::Ty) -> Vec<String> {
    match ty {
        ir::Ty::String(st) => st
            .known
            .as_ref()
            .map(|k| k.values.clone())
            .or_else(|| st.enum_values.clone())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn known_operation(s: &Scope<'_>, id: &str, o: &Origin, diags: &mut Diagnostics) -> Option<()> {
    if s.method.operations.contains_key(id) {
        return Some(());
    }
    diags.push(
        o.diag(format!("unknown operation `{id}`"))
            .hint(one_of(id, s.method.operations.keys().map(String::as_str))),
    );
    None
}

fn known_timing<'a>(
    s: &Scope<'a>,
    id: &str,
    o: &Origin,
    diags: &mut Diagnostics,
) -> Option<&'a model::Timing> {
    let t = s.method.timings.get(id);
    if t.is_none() {
        diags.push(
            o.diag(format!("unknown timing `{id}`"))
                .hint(one_of(id, s.method.timings.keys().map(String::as_str))),
        );
    }
    t
}

fn pointer_in<'t>(
    ty: &'t ir::Ty,
    pointer: &str,
    o: &Origin,
    role: &str,
    diags: &mut Diagnostics,
) -> Option<&'t ir::Ty> {
    let found = pointer
        .starts_with('/')
        .then(|| ty_at(ty, pointer))
        .flatten();
    if found.is_none() {
        diags.push(
            o.diag(format!("`{pointer}` names no member of the {role}"))
                .hint(format!(
                    "write a JSON pointer to a field of the {role} body, such as `/payment/amount`"
                )),
        );
    }
    found
}

/// The sandbox's outcome rule `t`, written at `o`.
pub(super) fn resolve_testing(
    t: &model::Testing,
    o: &Origin,
    diags: &mut Diagnostics,
) -> Option<Testing> {
    let mut ok = true;
    for (key, digits) in [
        ("decline_minor_units", &t.decline_minor_units),
        ("pending_minor_units", &t.pending_minor_units),
    ] {
        if let Some(d) = digits.iter().find(|&&d| d > 99) {
            diags.push(
                o.at(key)
                    .diag(format!("{d} is not the last two digits of an amount"))
                    .hint("each is 0 to 99: 13 declines 100013, 77 leaves 100077 pending"),
            );
            ok = false;
        }
    }
    if let Some(d) = t
        .pending_minor_units
        .iter()
        .find(|d| t.decline_minor_units.contains(d))
    {
        diags.push(
            o.at("pending_minor_units")
                .diag(format!("{d} both declines and leaves a payment pending"))
                .hint("an amount has one outcome: list its last two digits once"),
        );
        ok = false;
    }
    if !ok {
        return None;
    }
    Some(Testing {
        inferred: t.inferred.clone(),
        decline_minor_units: t.decline_minor_units.clone(),
        pending_minor_units: t.pending_minor_units.clone(),
        decline_code: t.decline_code.clone(),
        decline_message: t.decline_message.clone(),
    })
}
