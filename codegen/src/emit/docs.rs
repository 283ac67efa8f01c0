//! Markdown: one page per method and an index.

use std::fmt::Write;

use crate::format::markdown_preamble;
use crate::ir::{Body, BodyRole, Field, Ir, Method, Operation, Presence, Ty};
use crate::rules::{field_description, string_rules, type_words};

/// Relative path of a method's page under `docs/`.
pub fn method_page_path(m: &Method) -> String {
    format!("{}/{}.md", m.brand, m.id)
}

/// The index page: every brand, method and operation.
pub fn index(ir: &Ir) -> String {
    let mut out = markdown_preamble();
    out.push_str("# Payment methods\n\n");
    out.push_str("Generated from the YAML specs in `specs/`. Each operation has a JSON Schema per body under `schemas/`.\n\n");
    for brand in &ir.brands {
        let _ = writeln!(out, "## {}\n\n{}\n", brand.name, brand.description);
        let methods: Vec<&Method> = ir.methods.iter().filter(|m| m.brand == brand.id).collect();
        if methods.is_empty() {
            out.push_str("No methods yet.\n\n");
            continue;
        }
        out.push_str("| method | countries | currencies | operations |\n|---|---|---|---|\n");
        for m in methods {
            let ops: Vec<String> = m
                .operations
                .iter()
                .map(|o| format!("`{}`", o.full_id))
                .collect();
            let _ = writeln!(
                out,
                "| [{}]({}) | {} | {} | {} |",
                m.name,
                method_page_path(m),
                m.countries.join(", "),
                m.currencies.join(", "),
                ops.join("<br>")
            );
        }
        out.push('\n');
    }
    input_profile(&mut out);
    out
}

/// The input profile every schema presumes (also in `schemas/index.json`).
fn input_profile(out: &mut String) {
    use gatespec_runtime::validate::profile::RULES;
    out.push_str(
        "## Input profile

",
    );
    out.push_str("Every payload is I-JSON (RFC 7493) with a nesting limit before any schema applies. JSON Schema cannot state these rules, so validators in other languages decide them differently or not at all: check them before validating. gatespec's validators, its callback verification and `gatespec validate` refuse every payload outside the profile.\n\n");
    for rule in RULES {
        let _ = writeln!(out, "- {rule}");
    }
    out.push('\n');
}

/// A method's page.
pub fn method_page(m: &Method) -> String {
    let mut out = markdown_preamble();
    let _ = writeln!(out, "# {}: {} (`{}`)\n", m.brand_name, m.name, m.code);
    let _ = writeln!(out, "{}\n", m.summary);
    let _ = writeln!(
        out,
        "- Countries: {}\n- Currencies: {}\n- Spec: `specs/{}`\n- Source document: `{}`\n",
        m.countries.join(", "),
        m.currencies.join(", "),
        m.spec_file,
        m.source
    );
    if !m.overview.is_empty() {
        out.push_str("## Overview\n\n| property | value |\n|---|---|\n");
        for (k, v) in &m.overview {
            let _ = writeln!(
                out,
                "| {} | {} |",
                cell(k),
                // An empty cell of the document stays empty.
                cell(v)
            );
        }
        out.push('\n');
    }
    list_section(
        &mut out,
        "Special considerations",
        &m.special_considerations,
    );
    out.push_str("## Operations support\n\n| operation | interfaces |\n|---|---|\n");
    for (kind, interfaces) in &m.interfaces {
        let names: Vec<&str> = interfaces.iter().map(|i| i.title()).collect();
        let mark = if m.inferred_interfaces.contains(kind) {
            " (inferred)"
        } else {
            ""
        };
        let _ = writeln!(out, "| {kind}{mark} | {} |", names.join(", "));
    }
    out.push('\n');
    if !m.limits.is_empty() {
        out.push_str("## Amount limits\n\n| limit | currency | minimum | maximum | in minor units | notes |\n|---|---|---|---|---|---|\n");
        for l in &m.limits {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {}–{}{} | {} |",
                l.id,
                l.currency,
                l.min_major.as_deref().unwrap_or("–"),
                l.max_major.as_deref().unwrap_or("–"),
                l.min_minor.map(|n| n.to_string()).unwrap_or_default(),
                l.max_minor.map(|n| n.to_string()).unwrap_or_default(),
                l.step_minor
                    .map(|n| format!(", multiples of {n}"))
                    .unwrap_or_default(),
                cell(&l.description)
            );
        }
        out.push('\n');
    }
    if !m.timings.is_empty() {
        out.push_str("## Timings\n\n");
        for t in &m.timings {
            let _ = writeln!(out, "- **{}**: {}", timing_summary(t), t.description);
        }
        out.push('\n');
    }
    let notes: Vec<String> = m
        .notes
        .iter()
        .cloned()
        .chain(m.inferred_notes.iter().map(|n| format!("(inferred) {n}")))
        .collect();
    list_section(&mut out, "Notes", &notes);
    if !m.references.is_empty() {
        out.push_str("## References\n\nSections of the platform's documentation that the source document points to:\n\n| section | where |\n|---|---|\n");
        for r in &m.references {
            let at = match &r.parameter {
                Some(p) => format!("line {} (`{p}`)", r.line),
                None => format!("line {}", r.line),
            };
            let _ = writeln!(out, "| {} | {at} |", cell(&r.title));
        }
        out.push('\n');
    }
    for t in &m.tables {
        let _ = writeln!(out, "## {}\n\n{}\n", t.title, t.note);
        if t.informational {
            out.push_str("Informational: validators report a value outside this table as a warning, not an error.\n\n");
        }
        let headers: Vec<&str> = t.columns.iter().map(|(_, h)| h.as_str()).collect();
        let _ = writeln!(
            out,
            "| {} |\n|{}",
            headers.join(" | "),
            "---|".repeat(headers.len())
        );
        for r in &t.rows {
            let _ = writeln!(
                out,
                "| {} |",
                r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
            );
        }
        if let Some(op) = &t.current_list {
            let _ = writeln!(
                out,
                "\nCurrent list: operation `{}/{}/{op}`.",
                m.brand, m.id
            );
        }
        out.push('\n');
    }
    for op in &m.operations {
        operation_section(&mut out, op);
    }
    if let Some(d) = &m.dashboard {
        let _ = writeln!(out, "## Dashboard ({})\n", d.operations.join(", "));
        for p in &d.description {
            let _ = writeln!(out, "{p}\n");
        }
    }
    super::docs_behaviour::testing_section(&mut out, m);
    out
}

fn list_section(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {title}\n");
    for i in items {
        let _ = writeln!(out, "- {i}");
    }
    out.push('\n');
}

fn operation_section(out: &mut String, op: &Operation) {
    let _ = writeln!(out, "## {} (`{}`)\n", op.title, op.full_id);
    if let Some(s) = &op.summary {
        let _ = writeln!(out, "{s}\n");
    }
    if let Some(e) = &op.endpoint {
        let _ = writeln!(out, "- Endpoint: `{} {}`", e.method.as_str(), e.path);
        if let Some(t) = &e.template {
            let _ = writeln!(out, "- Full endpoint specification: `{t}`");
        }
        out.push_str("- Body format: JSON\n");
    } else {
        let _ = writeln!(out, "- Interface: {}", op.interface.title());
    }
    out.push('\n');
    numbered(out, "Steps", &op.steps);
    numbered(out, "Processing flow", &op.flow);
    super::docs_behaviour::lifecycle_section(out, op);
    for t in &op.timings {
        let _ = writeln!(out, "- Timing ({}): {}", timing_summary(t), t.description);
    }
    if !op.timings.is_empty() {
        out.push('\n');
    }
    for n in &op.notes {
        let _ = writeln!(out, "{n}\n");
    }
    for (role, body) in op.bodies() {
        body_section(out, op, role, body);
    }
}

fn numbered(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "**{title}**\n");
    for (i, s) in items.iter().enumerate() {
        let _ = writeln!(out, "{}. {s}", i + 1);
    }
    out.push('\n');
}

fn body_section(out: &mut String, op: &Operation, role: BodyRole, body: &Body) {
    let title = match role {
        BodyRole::Request => "Request",
        BodyRole::Response => "Response",
        BodyRole::Callback => "Callback",
    };
    let _ = writeln!(
        out,
        "### {title}\n\nSchema: `schemas/{}/{}.json`\n",
        op.full_id
            .rsplit_once('/')
            .map(|(a, _)| a)
            .unwrap_or(&op.full_id),
        format_args!("{}.{}", op.id, role.as_str())
    );
    if let Some(d) = &body.description {
        let _ = writeln!(out, "{d}\n");
    }
    for line in &body.legend {
        let _ = writeln!(out, "- {line}");
    }
    if !body.legend.is_empty() {
        out.push('\n');
    }
    out.push_str("| parameter | type | presence | description |\n|---|---|---|---|\n");
    rows(out, "", &body.ty);
    out.push('\n');
    let mut conditional = Vec::new();
    dependencies(&mut conditional, "", &body.ty);
    if !conditional.is_empty() {
        out.push_str("Conditional requirements:\n\n");
        for line in conditional {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }
    for e in &body.examples {
        let json = serde_json::to_string_pretty(&e.value).unwrap_or_default();
        match (&e.call, e.source_format.as_deref()) {
            // As the document shows it: the object inside its call.
            (Some(call), format) => {
                let lang = format.unwrap_or("javascript");
                let _ = writeln!(
                    out,
                    "**{}**\n\n```{lang}\n{call}(\n{json}\n)\n```\n",
                    e.title
                );
            }
            (None, _) => {
                let _ = writeln!(out, "**{}**\n\n```json\n{json}\n```\n", e.title);
            }
        }
    }
}

fn rows(out: &mut String, prefix: &str, ty: &Ty) {
    match ty {
        Ty::Object(o) => {
            for f in &o.fields {
                row(out, prefix, f);
            }
        }
        Ty::Array(item) => rows(out, &format!("{prefix}[]."), item),
        _ => {}
    }
}

/// The conditional requirements of a body, at any depth, in words (shown
/// after the parameter table, not as rows of empty cells in it).
fn dependencies(out: &mut Vec<String>, prefix: &str, ty: &Ty) {
    match ty {
        Ty::Object(o) => {
            for (k, deps) in &o.dependent_required {
                let needed: Vec<String> = deps.iter().map(|d| format!("`{prefix}{d}`")).collect();
                let inferred = o
                    .dependent_required_inferred
                    .as_ref()
                    .map(|why| format!(" (inferred: {why})"))
                    .unwrap_or_default();
                out.push(format!(
                    "With `{prefix}{k}`, also give {}.{inferred}",
                    needed.join(" and ")
                ));
            }
            for b in &o.currency_bounds {
                out.push(format!(
                    "When `{prefix}{}` is {}, `{prefix}{}` is {}–{} ({}); in another currency this limit is not checked here.",
                    b.currency_field,
                    b.currency,
                    b.amount,
                    b.minimum.map(|n| n.to_string()).unwrap_or_default(),
                    b.maximum.map(|n| n.to_string()).unwrap_or_default(),
                    b.note
                ));
            }
            for f in &o.fields {
                dependencies(out, &format!("{prefix}{}.", f.name), &f.ty);
            }
        }
        Ty::Array(item) => dependencies(out, &format!("{prefix}[]."), item),
        _ => {}
    }
}

fn row(out: &mut String, prefix: &str, f: &Field) {
    let path = format!("{prefix}{}", f.name);
    let presence = match f.presence {
        Presence::Strict => "strictly required",
        Presence::Optional => "optional",
        Presence::Conditional => "conditional",
    };
    let mut desc = field_description(f);
    // The document's own wording of the example says it already.
    if let (Some(e), None) = (&f.example, &f.example_note) {
        desc.push_str(&format!("\n\nExample: `{e}`"));
    }
    let ty = if f.lenient {
        format!("{} (expected, not enforced)", type_words(&f.ty))
    } else {
        type_name(&f.ty)
    };
    let _ = writeln!(out, "| `{path}` | {ty} | {presence} | {} |", cell(&desc));
    match &f.ty {
        Ty::Object(_) => rows(out, &format!("{path}."), &f.ty),
        Ty::Array(item) => rows(out, &format!("{path}[]."), item),
        _ => {}
    }
}

/// The type with every rule a validator enforces on it (a reader sees on
/// the row exactly what can refuse a value).
fn type_name(ty: &Ty) -> String {
    match ty {
        Ty::String(t) => {
            let mut out = match (&t.const_value, &t.enum_values) {
                (Some(c), _) => format!("string = `{c}`"),
                (None, Some(e)) => format!(
                    "string, one of {}",
                    e.iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => "string".into(),
            };
            for rule in string_rules(t) {
                out.push_str("; ");
                out.push_str(&rule);
            }
            out
        }
        Ty::Integer(t) => {
            let mut out = match (t.minimum, t.maximum) {
                (Some(a), Some(b)) => format!("integer {a}–{b}"),
                (Some(a), None) => format!("integer ≥ {a}"),
                (None, Some(b)) => format!("integer ≤ {b}"),
                (None, None) => "integer".into(),
            };
            if let Some(step) = t.multiple_of {
                out.push_str(&format!("; a multiple of {step}"));
            }
            out
        }
        Ty::Boolean => "boolean".into(),
        Ty::Object(_) => "object".into(),
        Ty::Array(item) => format!("array of {}", type_name(item)),
    }
}

/// Escapes a table cell: pipes and line breaks would break the table.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace("\n\n", "<br><br>")
        .replace('\n', " ")
}

/// A timing's id and figures: `otp-resend: after 80–90 s, at most 3 times`.
fn timing_summary(t: &crate::ir::Timing) -> String {
    let span = match (t.min_seconds, t.max_seconds) {
        (Some(a), Some(b)) if a == b => format!(" {a} s"),
        (Some(a), Some(b)) => format!(" {a}–{b} s"),
        (Some(a), None) => format!(" at least {a} s"),
        (None, Some(b)) => format!(" at most {b} s"),
        (None, None) => " (no figure given)".into(),
    };
    let attempts = t
        .max_attempts
        .map(|n| format!(", at most {n} times"))
        .unwrap_or_default();
    format!("{}: {}{span}{attempts}", t.id, t.kind.as_str())
}
