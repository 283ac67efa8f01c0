//! The behaviour parts of a method's doc page: each operation's lifecycle
//! as a Mermaid sequence diagram (which GitHub renders) with a table that
//! cites the document's numbered flow items, and the sandbox's outcome rule
//! under "Testing this method".

use std::fmt::Write;

use crate::ir::{Method, Operation};
use crate::lifecycle::{Action, CustomerAction, Lifecycle, Step};

/// Mermaid message text: no `;` or `#` (which end or escape a message) and
/// no line breaks.
fn label(text: &str) -> String {
    text.replace([';', '#', '\n'], " ")
}

/// One step in words (the table) and as a diagram arrow.
fn describe(op: &Operation, step: &Step) -> (String, String) {
    let mut words = match &step.action {
        Action::Request { operation, gives } => {
            let mut w = if *operation == op.id && op.endpoint.is_none() {
                format!(
                    "The merchant opens the checkout page with the `{}` parameters",
                    op.id
                )
            } else if *operation == op.id {
                format!(
                    "The merchant sends the `{}` request; the platform acknowledges it",
                    op.id
                )
            } else {
                format!("The merchant sends `{operation}`")
            };
            if let Some((what, at)) = gives {
                let _ = write!(w, ", giving the {what} at `{at}`");
            }
            w
        }
        Action::Customer {
            action,
            asks,
            gives,
            fills,
            chooses,
            url,
            returns,
        } => {
            let mut w = match action {
                CustomerAction::Page => "The customer acts on the checkout page".to_string(),
                CustomerAction::Redirect => "The customer is redirected".to_string(),
                CustomerAction::Challenge => "The customer completes a challenge".to_string(),
            };
            if let Some(u) = url {
                let _ = write!(w, " to the URL the callback carries at `{u}`");
            }
            if let Some(r) = returns {
                let _ = write!(w, " and returns to `{r}`");
            }
            if !fills.is_empty() {
                let members: Vec<String> = fills.iter().map(|(p, _)| format!("`{p}`")).collect();
                let _ = write!(w, ", entering {}", members.join(" and "));
            }
            if let Some((p, _)) = chooses {
                let _ = write!(w, " (the request may preselect it with `{p}`)");
            }
            if let Some(a) = asks {
                let _ = write!(w, "; the platform sends them the {a}");
            }
            if let Some(g) = gives {
                let _ = write!(w, "; the customer gives the {g}");
            }
            w
        }
        Action::Callback {
            statuses,
            asks,
            carries,
            ..
        } => {
            let mut w = format!("The platform sends a callback: {}", statuses.join(" or "));
            if let Some(a) = asks {
                let _ = write!(w, ", asking for the {a}");
            }
            if !carries.is_empty() {
                let members: Vec<String> = carries.iter().map(|c| format!("`{c}`")).collect();
                let _ = write!(w, ", carrying {}", members.join(" and "));
            }
            w
        }
    };
    if let Some(t) = &step.within {
        let _ = write!(words, " (within timing `{t}`)");
    }
    if let Some(r) = &step.renew {
        match &r.request {
            Some(op) => {
                let _ = write!(words, "; `{op}` asks again, paced by `{}`", r.after);
            }
            None => {
                let _ = write!(
                    words,
                    "; the customer may ask again, paced by `{}`",
                    r.after
                );
            }
        }
    }
    let arrow = match &step.action {
        Action::Request { operation, .. } => format!("M->>P: {}", label(operation)),
        Action::Customer {
            action,
            fills,
            gives,
            ..
        } => match action {
            CustomerAction::Page => {
                let entered: Vec<&str> = fills
                    .iter()
                    .map(|(p, _)| p.as_str())
                    .chain(gives.as_deref())
                    .collect();
                if entered.is_empty() {
                    "C->>P: on the checkout page".to_string()
                } else {
                    format!(
                        "C->>P: on the checkout page: {}",
                        label(&entered.join(", "))
                    )
                }
            }
            CustomerAction::Redirect => "P-->>C: redirect, and back".to_string(),
            CustomerAction::Challenge => "P-->>C: challenge, and back".to_string(),
        },
        Action::Callback { statuses, asks, .. } => {
            let mut a = format!("P->>M: callback {}", label(&statuses.join(" or ")));
            if let Some(x) = asks {
                let _ = write!(a, " (asks for the {})", label(x));
            }
            a
        }
    };
    (words, arrow)
}

/// The lifecycle section of an operation, if it has one.
pub(super) fn lifecycle_section(out: &mut String, op: &Operation) {
    let Some(l) = &op.lifecycle else { return };
    out.push_str("**Lifecycle**\n\n");
    if let Some(why) = &l.inferred {
        let origin = if l.shared {
            "shared.yaml's lifecycle for this kind of operation"
        } else {
            "written for this operation"
        };
        let _ = writeln!(out, "(inferred: {origin}) {why}\n");
    }
    out.push_str("```mermaid\nsequenceDiagram\n    participant M as Merchant\n    participant P as Platform\n");
    if l.steps
        .iter()
        .any(|s| matches!(s.action, Action::Customer { .. }))
    {
        out.push_str("    participant C as Customer\n");
    }
    let described: Vec<(String, String)> = l.steps.iter().map(|s| describe(op, s)).collect();
    for (i, (_, arrow)) in described.iter().enumerate() {
        let _ = writeln!(out, "    {arrow}");
        // A Gate request is answered at once; the checkout page is not.
        if i == 0 && op.endpoint.is_some() {
            out.push_str("    P-->>M: acknowledgement\n");
        }
    }
    out.push_str("```\n\n| # | step | the document's flow | note |\n|---|---|---|---|\n");
    for (i, (step, (words, _))) in l.steps.iter().zip(&described).enumerate() {
        let flow: Vec<String> = step.flow.iter().map(usize::to_string).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            i + 1,
            words.replace('|', "\\|"),
            flow.join(", "),
            step.inferred
                .as_deref()
                .map(|w| format!("(inferred) {}", w.replace('|', "\\|")))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "\nStatuses: {}; it ends in {}.\n",
        quoted(l.statuses()),
        ends(l)
    );
}

fn quoted<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn ends(l: &Lifecycle) -> String {
    let e = l.ends();
    if e.is_empty() {
        "its acknowledgement".into()
    } else {
        quoted(e.iter().map(String::as_str))
    }
}

/// "Testing this method": how the sandbox decides an outcome.
pub(super) fn testing_section(out: &mut String, m: &Method) {
    let Some(t) = &m.testing else { return };
    out.push_str("## Testing this method\n\n");
    let _ = writeln!(
        out,
        "In the sandbox (`gatespec sandbox`), an operation whose amount in minor units ends in {} is declined with code `{}` (\"{}\"){}. A project's sandbox configuration may set its own rule under `outcomes`.\n",
        endings(&t.decline_minor_units),
        t.decline_code,
        t.decline_message,
        if t.pending_minor_units.is_empty() {
            "; any other amount succeeds"
        } else {
            ""
        }
    );
    if !t.pending_minor_units.is_empty() {
        let _ = write!(
            out,
            "An amount ending in {} is never processed: the payment waits for its final callback.",
            endings(&t.pending_minor_units)
        );
        for (op, timing) in deadlines(m) {
            let _ = write!(
                out,
                " `{op}` bounds that wait by `{}`{}: once the project's clock (`POST /sandbox/clock/{{project_id}}/advance`) passes it, the payment is declined with code `{}`.",
                timing.id,
                timing
                    .max_seconds
                    .map(|s| format!(" ({s} s)"))
                    .unwrap_or_default(),
                t.decline_code
            );
        }
        out.push_str(" Any other amount succeeds.\n\n");
    }
    if let Some(why) = &t.inferred {
        let _ = writeln!(out, "(inferred) {why}\n");
    }
}

/// Last two digits of amounts, as written (`13 or 77`).
fn endings(digits: &[u8]) -> String {
    let units: Vec<String> = digits.iter().map(|d| format!("{d:02}")).collect();
    units.join(" or ")
}

/// The operations whose final callback the lifecycle bounds in time, with
/// the timing that bounds it.
fn deadlines(m: &Method) -> Vec<(&str, &crate::ir::Timing)> {
    m.operations
        .iter()
        .filter_map(|op| {
            let steps = &op.lifecycle.as_ref()?.steps;
            let last = steps
                .iter()
                .rev()
                .find(|s| matches!(s.action, Action::Callback { .. }))?;
            let id = last.within.as_deref()?;
            let timing = m.timings.iter().find(|t| t.id == id)?;
            Some((op.id.as_str(), timing))
        })
        .collect()
}
