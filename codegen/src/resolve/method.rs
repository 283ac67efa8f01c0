//! A method: its brand, operations (with Rust module collisions), timings
//! and reference tables.

use std::collections::HashMap;

use crate::diagnostics::Diagnostics;
use crate::load::LoadedFile;
use crate::naming;
use crate::naming::RESERVED_MODULES;
use crate::suggest::{did_you_mean, one_of};
use crate::{ir, model};

use super::check::{check_currency, check_id, check_notes};
use super::context::{Ctx, Globals, Origin};
use super::money::resolve_limits;
use super::operation::{resolve_operation, timing};

pub(super) fn resolve_method(
    g: &Globals,
    file: &LoadedFile,
    m: &model::Method,
    origin: &Origin,
    diags: &mut Diagnostics,
    notes: &mut Diagnostics,
) -> Option<ir::Method> {
    let start = diags.len();
    check_id(&m.id, &origin.at("id"), "method", diags);
    let brand_name = match g.brands.get(&m.brand) {
        Some(b) => b.name.clone(),
        None if m.brand.is_empty() => String::new(),
        None => {
            diags.push(
                origin
                    .at("brand")
                    .diag(format!("unknown brand `{}`", m.brand))
                    .maybe_hint(
                        did_you_mean(&m.brand, g.brands.keys().map(String::as_str)).or_else(|| {
                            Some(if g.brands.is_empty() {
                                "no brand is defined: add brands.yaml at the root of the spec directory".to_owned()
                            } else {
                                format!(
                                    "known brands: {}",
                                    g.brands.keys().cloned().collect::<Vec<_>>().join(", ")
                                )
                            })
                        }),
                    ),
            );
            m.brand.clone()
        }
    };
    if m.brand.is_empty() {
        diags.push(
            origin
                .diag("the method names no brand")
                .hint("add `brand: <brand>`, or `brands: [...]` for a method several brands offer"),
        );
    }
    // A method of several brands belongs to none of their directories.
    let expected = if m.brands.is_empty() {
        format!("{}/{}.yaml", m.brand, m.id)
    } else {
        format!("methods/{}.yaml", m.id)
    };
    // A method without a brand is reported once, above, not again for
    // its place.
    if file.rel != expected && !m.brand.is_empty() {
        diags.push(
            origin
                .at("id")
                .diag(format!("method `{}/{}` is in `{}`", m.brand, m.id, file.rel))
                .hint(format!("a method lives in `<brand>/<method>.yaml` (`methods/<method>.yaml` when it names `brands`): move it to `{expected}` or fix `brand`/`id`")),
        );
    }
    for (i, c) in m.countries.iter().enumerate() {
        if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            diags.push(
                origin
                    .at("countries")
                    .at(&i.to_string())
                    .diag(format!("`{c}` is not an ISO 3166-1 alpha-2 code"))
                    .hint("use two upper-case letters, e.g. KZ"),
            );
        }
    }
    for (i, c) in m.currencies.iter().enumerate() {
        check_currency(c, &origin.at("currencies").at(&i.to_string()), diags);
    }
    let limits = resolve_limits(m, &origin.at("limits"), diags);
    for (id, t) in &m.timings {
        if let (Some(a), Some(b)) = (t.min_seconds, t.max_seconds)
            && a > b
        {
            diags.push(
                origin
                    .at("timings")
                    .at(id)
                    .at("min_seconds")
                    .diag(format!(
                        "the timing's minimum ({a} s) is above its maximum ({b} s)"
                    ))
                    .hint("check the document's figures: `min_seconds` is the shorter one"),
            );
        }
    }
    let tables = resolve_tables(m, &origin.at("tables"), diags);
    let ctx = Ctx {
        globals: g,
        method: m,
        brand_name: &brand_name,
        limits: &limits,
        origin,
    };
    // A document's overview may list what its pages do not describe (a
    // page about payouts that says refunds exist): a note, not an error.
    for (kind, _) in &m.interfaces {
        if !m.operations.values().any(|o| o.kind.as_str() == kind) {
            notes.push(
                origin
                    .at("interfaces")
                    .at(kind)
                    .diag(format!(
                        "the overview lists `{kind}`, which no operation of the method describes"
                    ))
                    .on_key()
                    .hint("gatespec generates nothing for it until an operation of that kind is written under `operations`"),
            );
        }
    }
    let mut operations = Vec::new();
    // Operation ids become module names inside the method's module, which
    // already has `types` and `timings`; two ids that differ only in `-`
    // and `_` would become one module.
    let mut modules: HashMap<String, &str> = HashMap::new();
    for (id, op) in &m.operations {
        let o = origin.at("operations").at(id);
        check_id(id, &o, "operation", diags);
        let module = naming::snake(id);
        if RESERVED_MODULES.contains(&module.as_str()) {
            diags.push(
                o.diag(format!(
                    "operation id `{id}` would be the Rust module `{module}`, which every method's module already has"
                ))
                .on_key()
                .hint(format!("rename the operation (for example `{id}-request`)")),
            );
        } else if let Some(other) = modules.insert(module.clone(), id) {
            diags.push(
                o.diag(format!(
                    "operations `{other}` and `{id}` would both be the Rust module `{module}`"
                ))
                .on_key()
                .hint("operation ids must differ in more than `-` and `_`"),
            );
        }
        if let Some(op) = resolve_operation(&ctx, id, op, &o, diags) {
            operations.push(op);
        }
    }
    let scope = super::lifecycle::Scope {
        method: m,
        ops: &operations,
        origin,
    };
    let lifecycles: Vec<_> = operations
        .iter()
        .map(|op| super::lifecycle::resolve_lifecycle(&scope, &op.id, &g.lifecycles, diags))
        .collect();
    for (op, l) in operations.iter_mut().zip(lifecycles) {
        op.lifecycle = l;
    }
    // A method's own outcome rule, else shared.yaml's.
    let testing = match (&m.testing, &g.testing) {
        (Some(t), _) => super::lifecycle::resolve_testing(t, &origin.at("testing"), diags),
        (None, Some((t, o))) => super::lifecycle::resolve_testing(t, o, diags),
        (None, None) => None,
    };
    for t in &tables {
        if let Some(list) = &t.current_list
            && !m.operations.contains_key(list)
        {
            diags.push(
                origin
                    .at("tables")
                    .at(&t.id)
                    .at("current_list")
                    .diag(format!("unknown operation `{list}`"))
                    .hint(one_of(list, m.operations.keys().map(String::as_str))),
            );
        }
    }
    for (i, kind) in m.inferred_interfaces.iter().enumerate() {
        if !m.interfaces.contains_key(kind) {
            diags.push(
                origin
                    .at("inferred_interfaces")
                    .at(&i.to_string())
                    .diag(format!("`{kind}` is not a row of `interfaces`"))
                    .hint(one_of(kind, m.interfaces.keys().map(String::as_str))),
            );
        }
    }
    if diags.len() > start {
        return None;
    }
    Some(ir::Method {
        brand: m.brand.clone(),
        brand_name,
        id: m.id.clone(),
        code: m.code.clone(),
        name: m.name.clone(),
        spec_file: file.rel.clone(),
        source: m.source.clone(),
        summary: m.summary.clone(),
        countries: m.countries.clone(),
        currencies: m.currencies.clone(),
        overview: m
            .overview
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        special_considerations: m.special_considerations.clone(),
        interfaces: m
            .interfaces
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        inferred_interfaces: m.inferred_interfaces.clone(),
        inferred_notes: m.inferred_notes.clone(),
        limits,
        timings: m.timings.iter().map(|(id, t)| timing(id, t)).collect(),
        references: m.references.clone(),
        notes: {
            check_notes(&m.notes, &origin.at("notes"), diags);
            m.notes.clone()
        },
        tables,
        dashboard: m.dashboard.as_ref().map(|d| ir::Dashboard {
            operations: d.operations.clone(),
            description: d.description.clone(),
        }),
        operations,
        testing,
    })
}

pub(super) fn resolve_tables(
    m: &model::Method,
    o: &Origin,
    diags: &mut Diagnostics,
) -> Vec<ir::Table> {
    let mut out = Vec::new();
    for (id, t) in &m.tables {
        let to = o.at(id);
        if !t.columns.contains_key(&t.key) {
            diags.push(
                to.at("key")
                    .diag(format!("`{}` is not a column of this table", t.key))
                    .hint(one_of(&t.key, t.columns.keys().map(String::as_str))),
            );
        }
        let mut rows = Vec::new();
        for (i, row) in t.rows.iter().enumerate() {
            let ro = to.at("rows").at(&i.to_string());
            for k in row.keys() {
                if !t.columns.contains_key(k) {
                    diags.push(
                        ro.at(k)
                            .diag(format!("unknown column `{k}`"))
                            .on_key()
                            .hint(one_of(k, t.columns.keys().map(String::as_str))),
                    );
                }
            }
            let mut cells = Vec::new();
            for c in t.columns.keys() {
                match row.get(c) {
                    Some(v) => cells.push(v.clone()),
                    None => {
                        diags.push(
                            ro.diag(format!("row has no `{c}` cell"))
                                .hint("every row has a cell for every column"),
                        );
                        cells.push(String::new());
                    }
                }
            }
            rows.push(cells);
        }
        out.push(ir::Table {
            id: id.clone(),
            title: t.title.clone(),
            informational: t.informational,
            note: t.note.clone(),
            key: t.key.clone(),
            columns: t
                .columns
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            rows,
            current_list: t.current_list.clone(),
        });
    }
    out
}
