//! An operation: its endpoint (templates filled per brand), its bodies,
//! and the examples each body takes from the operation's own document.

use crate::diagnostics::Diagnostics;
use crate::suggest::one_of;
use crate::{ir, model};

use super::check::check_notes;
use super::context::{Ctx, Origin};
use super::param::examples_from_the_document;
use super::types::{lenient_where_inferred, resolve_ty};

pub(super) fn resolve_operation(
    ctx: &Ctx<'_>,
    id: &str,
    op: &model::Operation,
    o: &Origin,
    diags: &mut Diagnostics,
) -> Option<ir::Operation> {
    let start = diags.len();
    match (&op.endpoint, op.interface) {
        (None, model::Interface::Gate) => diags.push(
            o.diag("a Gate operation needs an `endpoint`")
                .on_key()
                .hint("add `endpoint: {method: POST, path: /v2/...}`"),
        ),
        (Some(_), model::Interface::PaymentPage) => diags.push(
            o.at("endpoint")
                .diag("a Payment Page operation has no Gate endpoint")
                .on_key()
                .hint("remove `endpoint`; Payment Page parameters are passed to the checkout page"),
        ),
        (_, model::Interface::Dashboard) => diags.push(
            o.at("interface")
                .diag("Dashboard operations are described under `method.dashboard`, not as operations")
                .hint("move the operation's description under `method.dashboard`"),
        ),
        _ => {}
    }
    let endpoint = op
        .endpoint
        .as_ref()
        .and_then(|e| resolve_endpoint(e, &o.at("endpoint"), diags));
    let mut timings = Vec::new();
    for (i, t) in op.timings.iter().enumerate() {
        match ctx.method.timings.get(t) {
            Some(def) => timings.push(timing(t, def)),
            None => diags.push(
                o.at("timings")
                    .at(&i.to_string())
                    .diag(format!("unknown timing `{t}`"))
                    .hint(one_of(t, ctx.method.timings.keys().map(String::as_str))),
            ),
        }
    }
    let request = resolve_body(ctx, &op.request, &o.at("request"), diags);
    let response = op
        .response
        .as_ref()
        .map(|b| resolve_body(ctx, b, &o.at("response"), diags));
    let callback = op
        .callback
        .as_ref()
        .map(|b| resolve_body(ctx, b, &o.at("callback"), diags))
        .map(|b| {
            b.map(|mut b| {
                lenient_where_inferred(&mut b.ty);
                b
            })
        });
    if diags.len() > start {
        return None;
    }
    Some(ir::Operation {
        id: id.to_string(),
        full_id: format!("{}/{}/{}", ctx.method.brand, ctx.method.id, id),
        title: op.title.clone(),
        kind: op.kind,
        interface: op.interface,
        summary: op.summary.clone(),
        steps: op.steps.clone(),
        flow: op.flow.clone(),
        endpoint,
        request: request?,
        response: response.flatten(),
        callback: callback.flatten(),
        timings,
        notes: {
            check_notes(&op.notes, &o.at("notes"), diags);
            op.notes.clone()
        },
        // Resolved with the method's other operations, which a step may
        // name.
        lifecycle: None,
    })
}

/// An endpoint's concrete path: as written, or the template with its
/// placeholder values filled in; both when given must agree.
pub(super) fn resolve_endpoint(
    e: &model::Endpoint,
    o: &Origin,
    diags: &mut Diagnostics,
) -> Option<ir::Endpoint> {
    let before = diags.len();
    let filled = e
        .template
        .as_ref()
        .and_then(|t| fill_template(t, &e.values, o, diags));
    // A template that could not be filled has said why; no echo of it as
    // a missing path.
    if diags.len() > before {
        return None;
    }
    let path = match (&e.path, filled) {
        (Some(p), Some(f)) if !e.values.is_empty() && *p != f => {
            diags.push(
                o.at("path")
                    .diag(format!(
                        "the path `{p}` is not the template filled in (`{f}`)"
                    ))
                    .hint(
                        "fix `path` or `values`, or leave `path` out and let the template give it",
                    ),
            );
            return None;
        }
        (Some(p), _) => p.clone(),
        (None, Some(f)) if !e.values.is_empty() || !f.contains('{') => f,
        (None, _) => {
            diags.push(
                o.diag("the endpoint has no path")
                    .on_key()
                    .hint("give `path`, or `template` with the `values` of its placeholders"),
            );
            return None;
        }
    };
    if !path.starts_with('/') || path.contains(char::is_whitespace) {
        diags.push(
            o.at("path")
                .diag(format!("`{path}` is not an absolute path"))
                .hint("paths start with `/`, e.g. /v2/payment/mobile/payout"),
        );
        return None;
    }
    Some(ir::Endpoint {
        method: e.method,
        path,
        template: e.template.clone(),
    })
}

/// A template (`/v2/{method}/payout`) with every `{placeholder}` replaced
/// by its value; every placeholder needs one and every value a placeholder.
pub(super) fn fill_template(
    template: &str,
    values: &indexmap::IndexMap<String, String>,
    o: &Origin,
    diags: &mut Diagnostics,
) -> Option<String> {
    let mut out = String::new();
    let mut used = std::collections::HashSet::new();
    let mut rest = template;
    let mut ok = true;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            diags.push(
                o.at("template")
                    .diag(format!("`{template}` has an unclosed `{{`"))
                    .hint("close the placeholder with `}`"),
            );
            return None;
        };
        let name = &rest[open + 1..open + close];
        match values.get(name) {
            Some(v)
                if !v.is_empty()
                    && !v.contains(['/', '{', '}', '?', '#'])
                    && !v.contains(char::is_whitespace) =>
            {
                out.push_str(v);
                used.insert(name.to_string());
            }
            Some(v) => {
                used.insert(name.to_string());
                diags.push(
                    o.at("values")
                        .at(name)
                        .diag(format!("`{v}` cannot fill a path segment"))
                        .hint("use a non-empty value without `/`, `?`, `#`, braces or spaces"),
                );
                ok = false;
            }
            None if values.is_empty() => {
                // A template given for the record only, next to a path.
                return None;
            }
            None => {
                diags.push(
                    o.at("values")
                        .diag(format!(
                            "no value for the placeholder `{{{name}}}` of the template"
                        ))
                        .on_key()
                        .hint(format!("add `{name}: <value>` under `values`")),
                );
                ok = false;
            }
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    for name in values.keys() {
        if !used.contains(name) {
            diags.push(
                o.at("values")
                    .at(name)
                    .diag(format!("the template has no placeholder `{{{name}}}`"))
                    .on_key()
                    .hint(format!("the template is `{template}`")),
            );
            ok = false;
        }
    }
    ok.then_some(out)
}

pub(super) fn resolve_body(
    ctx: &Ctx<'_>,
    body: &model::Body,
    o: &Origin,
    diags: &mut Diagnostics,
) -> Option<ir::Body> {
    let start = diags.len();
    let mut ty = resolve_ty(ctx, &body.as_param(), o, diags, 0);
    let examples: Vec<ir::Example> = body
        .examples
        .iter()
        .enumerate()
        .map(|(i, e)| ir::Example {
            title: e.title.clone(),
            source_format: e.source_format.clone(),
            call: e.call.clone(),
            value: e.value.clone(),
            pointer: o.at("examples").at(&i.to_string()).at("value").pointer,
        })
        .collect();
    if diags.len() > start {
        return None;
    }
    if let Some(ty) = &mut ty {
        examples_from_the_document(ty, "", &examples);
    }
    Some(ir::Body {
        description: body.description.clone(),
        ty: ty?,
        examples,
        legend: body.legend.clone(),
    })
}

pub(super) fn timing(id: &str, t: &model::Timing) -> ir::Timing {
    ir::Timing {
        id: id.to_string(),
        description: t.description.clone(),
        kind: t.kind,
        min_seconds: t.min_seconds,
        max_seconds: t.max_seconds,
        max_attempts: t.max_attempts,
    }
}
