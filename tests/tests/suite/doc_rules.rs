//! Every rule a validator enforces on a member appears on that member's
//! row of its method's page, and every rule gatespec adds without the
//! document (inferred) is marked so there: a reader sees exactly what can
//! refuse a value and what only warns.

use crate::common;

use gatespec_codegen::emit::docs::method_page;
use gatespec_codegen::ir::{Format, Ty};
use gatespec_runtime::validate::{
    CURRENCY_PATTERN, DATE_TIME_PATTERN, EMAIL_PATTERN, PHONE_PATTERN, URL_PATTERN,
};

/// The row of member `path` in a page's tables for one body (the first
/// table row naming it after `from`).
fn row<'p>(page: &'p str, from: usize, path: &str) -> Option<&'p str> {
    let start = from + page[from..].find(&format!("| `{path}` |"))?;
    let end = page[start..].find('\n').map_or(page.len(), |e| start + e);
    Some(&page[start..end])
}

/// Text as a table cell writes it (pipes escaped).
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Every enforced and every inferred rule of the members under `ty`, as
/// (member path, text the row must hold).
fn rules(ty: &Ty, prefix: &str, out: &mut Vec<(String, String)>) {
    let fields = match ty {
        Ty::Object(o) => &o.fields,
        Ty::Array(item) => return rules(item, &format!("{prefix}[]."), out),
        _ => return,
    };
    for f in fields {
        let path = format!("{prefix}{}", f.name);
        let mut need = |text: String| out.push((path.clone(), text));
        match &f.ty {
            Ty::String(t) if !f.lenient => {
                if let Some(c) = &t.const_value {
                    need(format!("`{c}`"));
                }
                for v in t.enum_values.iter().flatten() {
                    need(format!("`{v}`"));
                }
                let format_pattern = match t.format {
                    Some(Format::Currency) => Some(CURRENCY_PATTERN),
                    Some(Format::Phone) => Some(PHONE_PATTERN),
                    Some(Format::PlatformDateTime) => Some(DATE_TIME_PATTERN),
                    Some(Format::Email) => Some(EMAIL_PATTERN),
                    Some(Format::Url) => Some(URL_PATTERN),
                    _ => None,
                };
                if let Some(p) = t.pattern.as_deref().or(format_pattern) {
                    need(cell(p));
                }
                if let Some(Format::Ipv4 | Format::Ipv6 | Format::Ip) = t.format {
                    need("address".into());
                }
                if let Some(n) = t.min_length {
                    need(format!("at least {n} characters"));
                }
                if let Some(n) = t.max_length {
                    need(format!("at most {n} characters"));
                }
            }
            Ty::Integer(t) if !f.lenient => {
                for n in [t.minimum, t.maximum].into_iter().flatten() {
                    need(n.to_string());
                }
                if let Some(c) = t.const_value {
                    need(c.to_string());
                }
            }
            _ => {}
        }
        let inferred = match &f.ty {
            Ty::String(t) => t.inferred.as_ref(),
            Ty::Integer(t) => t.inferred.as_ref(),
            _ => None,
        };
        if let Some(r) = inferred {
            need("inferred, checked as a warning only".into());
            need(cell(&r.why));
            for n in [r.minimum, r.maximum].into_iter().flatten() {
                need(n.to_string());
            }
            for n in [r.min_length, r.max_length].into_iter().flatten() {
                need(format!("{n}"));
            }
        }
        if f.lenient {
            need("not enforced".into());
        }
        match &f.ty {
            Ty::Object(_) => rules(&f.ty, &format!("{path}."), out),
            Ty::Array(item) => rules(item, &format!("{path}[]."), out),
            _ => {}
        }
    }
}

#[test]
fn every_enforced_and_inferred_rule_is_on_its_row() {
    let compiled = common::specs();
    let mut checked = 0;
    for m in &compiled.ir.methods {
        let page = method_page(m);
        for op in &m.operations {
            let section = page
                .find(&format!("## {}", op.title))
                .unwrap_or_else(|| panic!("{}: no section", op.full_id));
            for (role, body) in op.bodies() {
                let heading = match role {
                    gatespec_codegen::ir::BodyRole::Request => "### Request",
                    gatespec_codegen::ir::BodyRole::Response => "### Response",
                    gatespec_codegen::ir::BodyRole::Callback => "### Callback",
                };
                let from = section
                    + page[section..]
                        .find(heading)
                        .unwrap_or_else(|| panic!("{}: no {heading}", op.full_id));
                let mut wanted = Vec::new();
                rules(&body.ty, "", &mut wanted);
                for (path, text) in wanted {
                    let r = row(&page, from, &path)
                        .unwrap_or_else(|| panic!("{} {heading}: no row for `{path}`", op.full_id));
                    assert!(
                        r.contains(&text),
                        "{} {heading}: the row of `{path}` does not show {text:?}:\n{r}",
                        op.full_id
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0);
    println!("{checked} rules found on their rows");
}
