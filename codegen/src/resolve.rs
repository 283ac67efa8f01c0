//! Resolve: the spec model becomes the IR.
//!
//! References (brands, shared objects, tables, limits, timings, currencies)
//! are looked up, refinements applied and checked for contradictions, and
//! every problem is collected with the file and pointer where it was
//! written. Resolution goes on after an error wherever it can, so one run
//! reports everything.

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use serde_json::Value;

use crate::check::variants::{Placement, locate};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir;
use crate::load::{LoadedFile, escape};
use crate::model::{self, Param, ParamType, Presence};
use crate::suggest::did_you_mean;
use crate::typespace::naming::{self, RESERVED_MODULES};

/// Where a piece of the spec was written.
#[derive(Debug, Clone)]
struct Origin {
    file: String,
    pointer: String,
}

impl Origin {
    fn at(&self, key: &str) -> Origin {
        Origin {
            file: self.file.clone(),
            pointer: format!("{}/{}", self.pointer, escape(key)),
        }
    }

    fn diag(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.file.clone(), self.pointer.clone(), message)
    }
}

/// Reports notes that start in the middle of a sentence: a comma splits an
/// item of a YAML flow list (`notes: [If so, do this.]` is two notes), and
/// the second half then reads as a note of its own.
fn check_notes(notes: &[String], origin: &Origin, diags: &mut Diagnostics) {
    for (i, note) in notes.iter().enumerate() {
        if note.trim_start().starts_with(char::is_lowercase) {
            let shown: String = note.chars().take(60).collect();
            diags.push(
                origin
                    .at(&i.to_string())
                    .diag(format!("this note starts in the middle of a sentence: \"{shown}\""))
                    .hint("a comma splits an item of a flow list (`notes: [a, b]`); quote the note, or write the list in block style (`- ...`)"),
            );
        }
    }
}

struct SharedObject {
    def: model::ObjectDef,
    origin: Origin,
}

/// Everything global that methods refer to.
struct Globals {
    brands: IndexMap<String, model::Brand>,
    objects: IndexMap<String, SharedObject>,
}

/// What a parameter may refer to inside one method.
struct Ctx<'a> {
    globals: &'a Globals,
    method: &'a model::Method,
    brand_name: &'a str,
    limits: &'a [ir::Limit],
    /// Where the method is (`/method` of its file).
    origin: &'a Origin,
}

/// Nesting bound for objects, so a self-referencing shared object is an
/// error instead of a stack overflow.
const MAX_DEPTH: usize = 16;

/// Resolves all files into the IR, collecting problems into `diags`.
pub fn resolve(
    files: &[(LoadedFile, model::SpecFile, Placement)],
    diags: &mut Diagnostics,
) -> ir::Ir {
    let globals = collect_globals(files, diags);
    let mut todo = Vec::new();
    let mut seen: HashMap<(String, String), String> = HashMap::new();
    for (file, spec, placement) in files {
        let Some(method) = &spec.method else { continue };
        let origin = Origin {
            file: file.name.clone(),
            pointer: "/method".into(),
        };
        let key = (method.brand.clone(), method.id.clone());
        if let Some(first) = seen.get(&key) {
            diags.push(
                origin
                    .at("id")
                    .diag(format!("duplicate method `{}/{}`", method.brand, method.id))
                    .hint(format!(
                        "it is already defined in {first}; give this method another id"
                    )),
            );
            continue;
        }
        seen.insert(key, file.name.clone());
        todo.push((file, method, origin, placement));
    }
    // Methods resolve independently of each other (in parallel), each
    // with its own diagnostics, gathered in file order.
    let resolved = crate::parallel::map(&todo, |(file, method, origin, placement)| {
        let mut own = Diagnostics::default();
        let m = resolve_method(&globals, file, method, origin, &mut own);
        // A brand's copy: what its variant wrote is reported there.
        locate(placement, &mut own.0);
        (m, own)
    });
    let mut methods = Vec::new();
    for (m, own) in resolved {
        diags.0.extend(own.0);
        methods.extend(m);
    }
    methods.sort_by(|a, b| (&a.brand, &a.id).cmp(&(&b.brand, &b.id)));
    let brands = globals
        .brands
        .iter()
        .map(|(id, b)| ir::Brand {
            id: id.clone(),
            name: b.name.clone(),
            description: b.description.clone(),
        })
        .collect();
    ir::Ir { brands, methods }
}

fn collect_globals(
    files: &[(LoadedFile, model::SpecFile, Placement)],
    diags: &mut Diagnostics,
) -> Globals {
    let mut g = Globals {
        brands: IndexMap::new(),
        objects: IndexMap::new(),
    };
    let mut brand_files: HashMap<String, String> = HashMap::new();
    for (file, spec, _) in files {
        let root = Origin {
            file: file.name.clone(),
            pointer: String::new(),
        };
        for (id, brand) in &spec.brands {
            let o = root.at("brands").at(id);
            check_id(id, &o, "brand", diags);
            if let Some(first) = brand_files.get(id) {
                diags.push(
                    o.diag(format!("duplicate brand `{id}`"))
                        .on_key()
                        .hint(format!("already defined in {first}")),
                );
                continue;
            }
            brand_files.insert(id.clone(), file.name.clone());
            g.brands.insert(id.clone(), brand.clone());
        }
        for (id, def) in &spec.objects {
            let o = root.at("objects").at(id);
            check_id(id, &o, "object", diags);
            if let Some(first) = g.objects.get(id) {
                diags.push(
                    o.diag(format!("duplicate object `{id}`"))
                        .on_key()
                        .hint(format!("already defined in {}", first.origin.file)),
                );
                continue;
            }
            g.objects.insert(
                id.clone(),
                SharedObject {
                    def: def.clone(),
                    origin: o,
                },
            );
        }
    }
    g
}

fn check_id(id: &str, o: &Origin, what: &str, diags: &mut Diagnostics) {
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && id.as_bytes()[0].is_ascii_lowercase();
    if !ok {
        diags.push(
            o.diag(format!("`{id}` is not a valid {what} id"))
                .on_key()
                .hint("ids are lower-case letters, digits, `-` and `_`, starting with a letter"),
        );
    }
}

fn resolve_method(
    g: &Globals,
    file: &LoadedFile,
    m: &model::Method,
    origin: &Origin,
    diags: &mut Diagnostics,
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
    if file.rel != expected {
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
    let tables = resolve_tables(m, &origin.at("tables"), diags);
    let ctx = Ctx {
        globals: g,
        method: m,
        brand_name: &brand_name,
        limits: &limits,
        origin,
    };
    for (kind, _) in &m.interfaces {
        if !m.operations.values().any(|o| op_kind_name(o.kind) == kind) {
            diags.push(
                origin
                    .at("interfaces")
                    .at(kind)
                    .diag(format!("no operation of kind `{kind}` is described"))
                    .on_key()
                    .hint(
                        "list the kinds of the method's operations (payout, purchase, refund, ...)",
                    ),
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
                    .maybe_hint(did_you_mean(list, m.operations.keys().map(String::as_str))),
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
        inferred_interfaces: {
            for (i, kind) in m.inferred_interfaces.iter().enumerate() {
                if !m.interfaces.contains_key(kind) {
                    diags.push(
                        origin
                            .at("inferred_interfaces")
                            .at(&i.to_string())
                            .diag(format!("`{kind}` is not a row of `interfaces`"))
                            .maybe_hint(did_you_mean(
                                kind,
                                m.interfaces.keys().map(String::as_str),
                            )),
                    );
                }
            }
            m.inferred_interfaces.clone()
        },
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
    })
}

fn op_kind_name(kind: model::OperationKind) -> &'static str {
    match kind {
        model::OperationKind::Payout => "payout",
        model::OperationKind::Purchase => "purchase",
        model::OperationKind::Refund => "refund",
        model::OperationKind::Clarification => "clarification",
        model::OperationKind::OtpResend => "otp-resend",
        model::OperationKind::Info => "info",
    }
}

fn timing(id: &str, t: &model::Timing) -> ir::Timing {
    ir::Timing {
        id: id.to_string(),
        description: t.description.clone(),
        kind: t.kind,
        min_seconds: t.min_seconds,
        max_seconds: t.max_seconds,
        max_attempts: t.max_attempts,
    }
}

fn check_currency(code: &str, o: &Origin, diags: &mut Diagnostics) {
    if let Err(why) = crate::currency::exponent(code) {
        diags.push(
            o.diag(why)
                .maybe_hint(crate::currency::suggest(code).or_else(|| {
                    Some("use an ISO 4217 alpha-3 code with minor units, e.g. KZT".into())
                })),
        );
    }
}

fn resolve_limits(m: &model::Method, o: &Origin, diags: &mut Diagnostics) -> Vec<ir::Limit> {
    let mut out = Vec::new();
    for (id, l) in &m.limits {
        let lo = o.at(id);
        check_currency(&l.currency, &lo.at("currency"), diags);
        let exponent = crate::currency::exponent(&l.currency).unwrap_or(2);
        let convert = |key: &str, v: &Option<String>, diags: &mut Diagnostics| -> Option<i64> {
            let v = v.as_ref()?;
            match major_to_minor(v, exponent) {
                Ok(n) => Some(n),
                Err(why) => {
                    // An example in this currency's own precision: "15" for
                    // KRW, "15.00" for EUR, "15.000" for KWD.
                    let example = format!(
                        "15{}{}",
                        if exponent > 0 { "." } else { "" },
                        "0".repeat(exponent.into())
                    );
                    diags.push(lo.at(key).diag(format!("`{v}` is not an amount in {}: {why}", l.currency)).hint(format!(
                        "write the amount in major units as the document does, with at most {exponent} decimals, e.g. \"{example}\""
                    )));
                    None
                }
            }
        };
        let min_minor = convert("min", &l.min, diags);
        let max_minor = convert("max", &l.max, diags);
        if let (Some(a), Some(b)) = (min_minor, max_minor)
            && a > b
        {
            diags.push(
                lo.at("min")
                    .diag(format!(
                        "the minimum ({}) is above the maximum ({})",
                        l.min.as_deref().unwrap_or(""),
                        l.max.as_deref().unwrap_or("")
                    ))
                    .hint("swap min and max"),
            );
        }
        out.push(ir::Limit {
            id: id.clone(),
            currency: l.currency.clone(),
            min_major: l.min.clone(),
            max_major: l.max.clone(),
            min_minor,
            max_minor,
            description: l.description.clone(),
        });
    }
    out
}

/// Converts a major-unit decimal (`15,000.00`) to minor units with the
/// currency's exponent (`1500000`).
pub fn major_to_minor(text: &str, exponent: u8) -> Result<i64, String> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let groups: Vec<&str> = int.split(',').collect();
    let grouped_ok =
        groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    let digits: String = groups.concat();
    if digits.is_empty()
        || !grouped_ok
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("expected digits, optional thousands commas and a decimal point".into());
    }
    if frac.len() > usize::from(exponent) {
        return Err(format!("more than {exponent} decimals"));
    }
    let padded = format!("{digits}{frac:0<width$}", width = usize::from(exponent));
    padded.parse::<i64>().map_err(|_| "too large".into())
}

fn resolve_tables(m: &model::Method, o: &Origin, diags: &mut Diagnostics) -> Vec<ir::Table> {
    let mut out = Vec::new();
    for (id, t) in &m.tables {
        let to = o.at(id);
        if !t.columns.contains_key(&t.key) {
            diags.push(
                to.at("key")
                    .diag(format!("`{}` is not a column of this table", t.key))
                    .maybe_hint(did_you_mean(&t.key, t.columns.keys().map(String::as_str))),
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
                            .maybe_hint(did_you_mean(k, t.columns.keys().map(String::as_str))),
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

fn resolve_operation(
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
        (_, model::Interface::Dashboard) => diags.push(o.at("interface").diag(
            "Dashboard operations are described under `method.dashboard`, not as operations",
        )),
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
                    .maybe_hint(did_you_mean(
                        t,
                        ctx.method.timings.keys().map(String::as_str),
                    )),
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
    })
}

/// An endpoint's concrete path: as written, or the template with its
/// placeholder values filled in; both when given must agree.
fn resolve_endpoint(
    e: &model::Endpoint,
    o: &Origin,
    diags: &mut Diagnostics,
) -> Option<ir::Endpoint> {
    let filled = e
        .template
        .as_ref()
        .and_then(|t| fill_template(t, &e.values, o, diags));
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
fn fill_template(
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

fn resolve_body(
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

/// A shared parameter without its examples, at any depth: a shared
/// object's examples come from one document, and would show another
/// method's values (a KZT currency on a KGS method). A method's fields get
/// their examples from its own refinements and body examples instead.
fn without_examples(p: &Param) -> Param {
    let mut p = p.clone();
    strip_examples(&mut p);
    p
}

/// Marks a parameter and everything in it as inferred (unless it says why
/// on its own).
fn mark_inferred(p: &mut Param, why: &str) {
    if p.inferred.is_none() {
        p.inferred = Some(why.to_owned());
    }
    for f in p.fields.values_mut() {
        mark_inferred(f, why);
    }
    if let Some(item) = &mut p.items {
        mark_inferred(item, why);
    }
}

fn strip_examples(p: &mut Param) {
    p.example = None;
    for f in p.fields.values_mut().chain(p.refine.values_mut()) {
        strip_examples(f);
    }
    if let Some(item) = &mut p.items {
        strip_examples(item);
    }
}

/// Gives every scalar field that has no example of its own the value at its
/// pointer in the first of the body's examples (the method's document) that
/// has one.
fn examples_from_the_document(ty: &mut ir::Ty, at: &str, examples: &[ir::Example]) {
    match ty {
        ir::Ty::Object(o) => {
            for f in &mut o.fields {
                let pointer = format!("{at}/{}", crate::load::escape(&f.name));
                let scalar = !matches!(f.ty, ir::Ty::Object(_) | ir::Ty::Array(_));
                if scalar && f.example.is_none() {
                    f.example = examples
                        .iter()
                        .find_map(|e| e.value.pointer(&pointer))
                        .filter(|v| !v.is_object() && !v.is_array())
                        .cloned();
                }
                examples_from_the_document(&mut f.ty, &pointer, examples);
            }
        }
        ir::Ty::Array(item) => examples_from_the_document(item, &format!("{at}/0"), examples),
        _ => {}
    }
}

fn fill(ctx: &Ctx<'_>, text: &str) -> String {
    text.replace("{brand}", ctx.brand_name)
        .replace("{method}", &ctx.method.name)
}

fn resolve_ty(
    ctx: &Ctx<'_>,
    p: &Param,
    o: &Origin,
    diags: &mut Diagnostics,
    depth: usize,
) -> Option<ir::Ty> {
    if depth > MAX_DEPTH {
        diags.push(
            o.diag(format!("objects nest deeper than {MAX_DEPTH} levels"))
                .hint("a shared object probably refers to itself"),
        );
        return None;
    }
    let ty = match p.ty {
        Some(t) => t,
        None if p.object.is_some() || !p.fields.is_empty() => ParamType::Object,
        None if p.items.is_some() => ParamType::Array,
        None => {
            diags.push(
                o.diag("missing `type`")
                    .on_key()
                    .hint("add `type: string` (or integer, boolean, object, array)"),
            );
            return None;
        }
    };
    check_applicable(p, ty, o, diags);
    match ty {
        ParamType::String => Some(ir::Ty::String(string_ty(ctx, p, o, diags))),
        ParamType::Integer => Some(ir::Ty::Integer(integer_ty(ctx, p, o, diags))),
        ParamType::Boolean => Some(ir::Ty::Boolean),
        ParamType::Array => {
            let Some(items) = &p.items else {
                diags.push(
                    o.diag("an array needs `items`")
                        .on_key()
                        .hint("add `items: {type: ...}`"),
                );
                return None;
            };
            let item = resolve_ty(ctx, items, &o.at("items"), diags, depth + 1)?;
            let constrained = match &item {
                ir::Ty::String(t) => *t != ir::StringTy::default(),
                ir::Ty::Integer(t) => *t != ir::IntegerTy::default(),
                _ => false,
            };
            if constrained {
                diags.push(
                    o.at("items")
                        .diag("constraints on array items of strings or integers are not supported")
                        .on_key()
                        .hint("use an array of objects, or drop the item constraints"),
                );
            }
            Some(ir::Ty::Array(Box::new(item)))
        }
        ParamType::Object => resolve_object(ctx, p, o, diags, depth).map(ir::Ty::Object),
    }
}

/// Marks the optional scalar members of a callback whose text or type is
/// inferred as read leniently (see `ir::Field::lenient`). Members needed to
/// identify the payment are strictly required and stay strict; objects
/// keep their shape, their own scalars are marked in turn.
fn lenient_where_inferred(ty: &mut ir::Ty) {
    match ty {
        ir::Ty::Object(o) => {
            for f in &mut o.fields {
                let scalar = matches!(
                    f.ty,
                    ir::Ty::String(_) | ir::Ty::Integer(_) | ir::Ty::Boolean
                );
                if scalar && f.inferred.is_some() && f.presence != ir::Presence::Strict {
                    f.lenient = true;
                }
                lenient_where_inferred(&mut f.ty);
            }
        }
        ir::Ty::Array(item) => lenient_where_inferred(item),
        _ => {}
    }
}

/// Reports `shown` (a key at `o.at(key)`) as applying to `what` only, when
/// `wrong`.
fn inapplicable(
    o: &Origin,
    shown: &str,
    key: &str,
    wrong: bool,
    what: &str,
    diags: &mut Diagnostics,
) {
    if wrong {
        diags.push(
            o.at(key)
                .diag(format!("`{shown}` applies to {what} only"))
                .on_key()
                .hint(format!("remove `{key}` or change `type`")),
        );
    }
}

/// Constraint keys that only make sense for some types.
fn check_applicable(p: &Param, ty: ParamType, o: &Origin, diags: &mut Diagnostics) {
    let mut wrong = |key: &str, present: bool, types: &[ParamType], what: &str| {
        inapplicable(o, key, key, present && !types.contains(&ty), what, diags);
    };
    use ParamType::*;
    wrong("format", p.format.is_some(), &[String], "strings");
    wrong("pattern", p.pattern.is_some(), &[String], "strings");
    wrong("min_length", p.min_length.is_some(), &[String], "strings");
    wrong("max_length", p.max_length.is_some(), &[String], "strings");
    wrong(
        "known_values",
        p.known_values.is_some(),
        &[String, Integer],
        "strings and integers",
    );
    wrong(
        "known",
        p.known.is_some(),
        &[String, Integer],
        "strings and integers",
    );
    wrong("minimum", p.minimum.is_some(), &[Integer], "integers");
    wrong("maximum", p.maximum.is_some(), &[Integer], "integers");
    wrong(
        "amount_limit",
        p.amount_limit.is_some(),
        &[Integer],
        "integers",
    );
    wrong("object", p.object.is_some(), &[Object], "objects");
    wrong("fields", !p.fields.is_empty(), &[Object], "objects");
    wrong("refine", !p.refine.is_empty(), &[Object], "objects");
    wrong("only", p.only.is_some(), &[Object], "objects");
    wrong(
        "dependent_required",
        !p.dependent_required.is_empty(),
        &[Object],
        "objects",
    );
    wrong("items", p.items.is_some(), &[Array], "arrays");
    wrong(
        "enum",
        p.enum_values.is_some(),
        &[String, Integer],
        "strings and integers",
    );
    wrong(
        "const",
        p.const_value.is_some(),
        &[String, Integer],
        "strings and integers",
    );
    if let Some(r) = &p.inferred_rules {
        let at = o.at("inferred_rules");
        let mut wrong_inferred = |key: &str, present: bool, types: &[ParamType], what: &str| {
            inapplicable(
                &at,
                &format!("inferred_rules.{key}"),
                key,
                present && !types.contains(&ty),
                what,
                diags,
            );
        };
        wrong_inferred("format", r.format.is_some(), &[String], "strings");
        wrong_inferred("pattern", r.pattern.is_some(), &[String], "strings");
        wrong_inferred("min_length", r.min_length.is_some(), &[String], "strings");
        wrong_inferred("max_length", r.max_length.is_some(), &[String], "strings");
        wrong_inferred("minimum", r.minimum.is_some(), &[Integer], "integers");
        wrong_inferred("maximum", r.maximum.is_some(), &[Integer], "integers");
        if r.why.trim().is_empty() {
            diags.push(
                at.at("why")
                    .diag("an inferred rule needs its reason")
                    .hint("say why gatespec expects this when the document does not state it"),
            );
        }
        if let Some(pattern) = &r.pattern
            && let Err(e) =
                check_pattern(pattern).and_then(|()| crate::pattern::shape(pattern).map(|_| ()))
        {
            diags.push(
                at.at("pattern")
                    .diag(format!("invalid regular expression: {e}")),
            );
        }
    }
}

fn string_ty(ctx: &Ctx<'_>, p: &Param, o: &Origin, diags: &mut Diagnostics) -> ir::StringTy {
    let const_value = match &p.const_value {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            diags.push(
                o.at("const")
                    .diag(format!(
                        "`const` of a string must be a string, found {other}"
                    ))
                    .hint("quote the value"),
            );
            None
        }
        None => None,
    };
    let enum_values = p.enum_values.as_ref().map(|vs| {
        vs.iter()
            .enumerate()
            .filter_map(|(i, v)| match v {
                Value::String(s) => Some(s.clone()),
                other => {
                    diags.push(
                        o.at("enum")
                            .at(&i.to_string())
                            .diag(format!(
                                "enum values of a string must be strings, found {other}"
                            ))
                            .hint("quote the value"),
                    );
                    None
                }
            })
            .collect::<Vec<_>>()
    });
    if let Some(pattern) = &p.pattern {
        let problem = match check_pattern(pattern).and_then(|()| crate::pattern::shape(pattern)) {
            Err(e) => Some((
                format!("invalid regular expression: {e}"),
                "patterns use the ECMA 262 regex syntax of JSON Schema, without look-around or back-references",
            )),
            Ok(s) if !s.anchored => Some((
                "the pattern is not anchored at both ends".to_string(),
                "write it as `^...$`: JSON Schema finds a pattern anywhere in the value, so an unanchored pattern accepts whatever contains a match",
            )),
            Ok(s) if s.newline => Some((
                "the pattern can match a line break".to_string(),
                "leave `\\n` out of its classes: Python's `$` also matches before a final line break, so no published schema could decide such a value alike in every language",
            )),
            Ok(_) => None,
        };
        if let Some((what, hint)) = problem {
            diags.push(o.at("pattern").diag(what).hint(hint));
        }
    }
    let known = known_of(ctx, p, o, false, diags);
    if p.known.is_some() && p.known_values.is_some() {
        diags.push(o.at("known").diag("give known values either inline (`known`) or by table (`known_values`), not both").on_key());
    }
    if let (Some(c), Some(e)) = (&const_value, &enum_values)
        && !e.contains(c)
    {
        diags.push(
            o.at("const")
                .diag(format!("`const` {c:?} is not among the `enum` values"))
                .hint("a value cannot be both fixed and outside the allowed set"),
        );
    }
    if let (Some(a), Some(b)) = (p.min_length, p.max_length)
        && a > b
    {
        diags.push(
            o.at("min_length")
                .diag(format!("min_length {a} is above max_length {b}")),
        );
    }
    ir::StringTy {
        format: p.format,
        pattern: p.pattern.clone(),
        const_value,
        enum_values,
        known,
        min_length: p.min_length,
        max_length: p.max_length,
        inferred: p.inferred_rules.clone(),
    }
}

/// Checks a pattern compiles as JSON Schema would compile it.
fn check_pattern(pattern: &str) -> Result<(), String> {
    let schema = serde_json::json!({ "type": "string", "pattern": pattern });
    jsonschema::validator_for(&schema)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn integer_ty(ctx: &Ctx<'_>, p: &Param, o: &Origin, diags: &mut Diagnostics) -> ir::IntegerTy {
    let as_int = |v: &Value, key: &str, diags: &mut Diagnostics| -> Option<i64> {
        match v.as_i64() {
            Some(n) => Some(n),
            None => {
                diags.push(
                    o.at(key)
                        .diag(format!(
                            "`{key}` of an integer must be an integer, found {v}"
                        ))
                        .hint("write a whole number without quotes"),
                );
                None
            }
        }
    };
    let const_value = p
        .const_value
        .as_ref()
        .and_then(|v| as_int(v, "const", diags));
    let enum_values = p.enum_values.as_ref().map(|vs| {
        vs.iter()
            .filter_map(|v| as_int(v, "enum", diags))
            .collect::<Vec<_>>()
    });
    let mut minimum = p.minimum;
    let mut maximum = p.maximum;
    let mut bounds_note = None;
    let ids = p
        .amount_limit
        .as_ref()
        .map(model::LimitRef::ids)
        .unwrap_or_default();
    for id in &ids {
        match ctx.limits.iter().find(|l| &l.id == id) {
            Some(l) => {
                minimum = max_opt(minimum, l.min_minor);
                maximum = min_opt(maximum, l.max_minor);
                bounds_note = Some(limit_note(l));
            }
            None => diags.push(
                o.at("amount_limit")
                    .diag(format!("unknown amount limit `{id}`"))
                    .maybe_hint(
                        did_you_mean(id, ctx.method.limits.keys().map(String::as_str))
                            .or_else(|| Some("declare it under `method.limits`".into())),
                    ),
            ),
        }
    }
    if let (Some(a), Some(b)) = (minimum, maximum)
        && a > b
    {
        diags.push(
            o.diag(format!("no integer satisfies minimum {a} and maximum {b}"))
                .hint("check `minimum`, `maximum` and the amount limit"),
        );
    }
    ir::IntegerTy {
        minimum,
        maximum,
        const_value,
        enum_values,
        limit: (!ids.is_empty()).then(|| ids.join(", ")),
        bounds_note,
        known: known_of(ctx, p, o, true, diags),
        inferred: p.inferred_rules.clone(),
    }
}

/// The known (informational) values of a string or integer parameter:
/// from a method table's key column (`known_values`) or inline (`known`).
/// For an integer, every value must be a whole number.
fn known_of(
    ctx: &Ctx<'_>,
    p: &Param,
    o: &Origin,
    integer: bool,
    diags: &mut Diagnostics,
) -> Option<ir::Known> {
    let mut known = None;
    let check = |values: &[String], at: &Origin, diags: &mut Diagnostics| -> bool {
        let bad: Vec<&String> = values
            .iter()
            .filter(|v| integer && v.parse::<i64>().map_or(true, |n| n.to_string() != **v))
            .collect();
        if let Some(v) = bad.first() {
            diags.push(
                at.diag(format!(
                    "`{v}` is not a whole number, and this parameter is an integer"
                ))
                .hint("an integer's known values are integers, e.g. 840"),
            );
        }
        bad.is_empty()
    };
    if let Some(table) = &p.known_values {
        match ctx.method.tables.get(table) {
            Some(t) => {
                let i = t.columns.get_index_of(&t.key).unwrap_or(0);
                let key = t
                    .columns
                    .get_index(i)
                    .map(|(k, _)| k.clone())
                    .unwrap_or_default();
                let values: Vec<String> =
                    t.rows.iter().filter_map(|r| r.get(&key).cloned()).collect();
                if check(&values, &o.at("known_values"), diags) {
                    known = Some(ir::Known {
                        table: Some(table.clone()),
                        list: format!("values of \"{}\"", t.title),
                        values,
                        // The table's note is the document's words about it.
                        changes_without_notice: t
                            .note
                            .to_ascii_lowercase()
                            .contains("may change without notice"),
                    });
                }
            }
            None => diags.push(
                o.at("known_values")
                    .diag(format!("unknown table `{table}`"))
                    .maybe_hint(
                        did_you_mean(table, ctx.method.tables.keys().map(String::as_str))
                            .or_else(|| Some("declare the table under `method.tables`".into())),
                    ),
            ),
        }
    }
    if let Some(values) = &p.known {
        let mut texts = Vec::new();
        for (i, v) in values.iter().enumerate() {
            match (v, integer) {
                (Value::String(s), false) => texts.push(s.clone()),
                (Value::Number(n), true) if n.is_i64() => texts.push(n.to_string()),
                _ => diags.push(
                    o.at("known")
                        .at(&i.to_string())
                        .diag(format!(
                            "`{v}` is not {}",
                            if integer { "an integer" } else { "a string" }
                        ))
                        .hint("known values have the parameter's type"),
                ),
            }
        }
        if check(&texts, &o.at("known"), diags) {
            known = Some(ir::Known {
                table: None,
                list: "values".into(),
                values: texts,
                changes_without_notice: false,
            });
        }
    }
    known
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn resolve_object(
    ctx: &Ctx<'_>,
    p: &Param,
    o: &Origin,
    diags: &mut Diagnostics,
    depth: usize,
) -> Option<ir::ObjectTy> {
    // (name, param, where it was written)
    let mut members: Vec<(String, Param, Origin)> = Vec::new();
    let mut dependent: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(id) = &p.object {
        match ctx.globals.objects.get(id) {
            Some(shared) => {
                for (name, fp) in &shared.def.fields {
                    let mut fp = without_examples(fp);
                    if let Some(why) = &shared.def.inferred {
                        mark_inferred(&mut fp, why);
                    }
                    members.push((name.clone(), fp, shared.origin.at("fields").at(name)));
                }
                for (k, v) in &shared.def.dependent_required {
                    dependent.insert(k.clone(), v.clone());
                }
                if let Some(only) = &p.only {
                    for (i, name) in only.iter().enumerate() {
                        if !shared.def.fields.contains_key(name) {
                            diags.push(
                                o.at("only")
                                    .at(&i.to_string())
                                    .diag(format!("object `{id}` has no field `{name}`"))
                                    .maybe_hint(did_you_mean(
                                        name,
                                        shared.def.fields.keys().map(String::as_str),
                                    )),
                            );
                        }
                    }
                    members.retain(|(n, _, _)| only.contains(n));
                    dependent.retain(|k, _| only.contains(k));
                }
            }
            None => diags.push(
                o.at("object")
                    .diag(format!("unknown object `{id}`"))
                    .maybe_hint(
                        did_you_mean(id, ctx.globals.objects.keys().map(String::as_str)).or_else(
                            || {
                                Some(
                                    "shared objects are declared under `objects:` in shared.yaml"
                                        .into(),
                                )
                            },
                        ),
                    ),
            ),
        }
    } else if p.only.is_some() || !p.refine.is_empty() {
        diags.push(
            o.diag("`only` and `refine` need `object`")
                .on_key()
                .hint("name the shared object to take fields from"),
        );
    }
    for (name, r) in &p.refine {
        let ro = o.at("refine").at(name);
        match members.iter_mut().find(|(n, _, _)| n == name) {
            Some((_, base, _)) => {
                let merged = refine(base, r, &ro, diags);
                *base = merged;
            }
            None => diags.push(
                ro.diag(format!(
                    "`refine` names `{name}`, which the object does not have"
                ))
                .on_key()
                .maybe_hint(
                    did_you_mean(name, members.iter().map(|(n, _, _)| n.as_str()))
                        .or_else(|| Some("add new fields under `fields`".into())),
                ),
            ),
        }
    }
    for (name, fp) in &p.fields {
        let fo = o.at("fields").at(name);
        if members.iter().any(|(n, _, _)| n == name) {
            diags.push(
                fo.diag(format!(
                    "field `{name}` is already defined by object `{}`",
                    p.object.as_deref().unwrap_or("")
                ))
                .on_key()
                .hint("use `refine` to narrow an inherited field"),
            );
            continue;
        }
        members.push((name.clone(), fp.clone(), fo));
    }
    for (k, v) in &p.dependent_required {
        dependent.insert(k.clone(), v.clone());
    }
    // What is inferred about an object is inferred about what it holds.
    if let Some(why) = &p.inferred {
        for (_, member, _) in &mut members {
            mark_inferred(member, why);
        }
    }
    let mut fields = Vec::new();
    let mut currency_bounds = Vec::new();
    let mut rust_names: HashMap<String, String> = HashMap::new();
    for (name, fp, fo) in &members {
        // A limit in one currency bounds an amount whose currency may be
        // another only when the currency is the limit's: the field gets its
        // own rules, and the limit becomes a rule of the object.
        let (conditional, outright) = currency_bounds_of(ctx, name, fp, &members, fo, diags);
        let fp = &Param {
            amount_limit: match outright.len() {
                0 => None,
                1 => Some(model::LimitRef::One(outright[0].clone())),
                _ => Some(model::LimitRef::PerCurrency(outright)),
            },
            ..fp.clone()
        };
        currency_bounds.extend(conditional);
        let snake = naming::snake(name);
        if let Some(other) = rust_names.insert(snake.clone(), name.clone()) {
            diags.push(
                fo.diag(format!(
                    "fields `{other}` and `{name}` both become `{snake}` in Rust"
                ))
                .on_key()
                .hint("rename one of them"),
            );
        }
        let Some(ty) = resolve_ty(ctx, fp, fo, diags, depth + 1) else {
            continue;
        };
        let presence = fp.required.unwrap_or(Presence::Optional);
        if presence == Presence::Conditional && fp.condition.is_none() {
            diags.push(
                fo.diag("a conditional field needs a `condition`")
                    .on_key()
                    .hint("quote the document, e.g. \"required when performing a partial refund\""),
            );
        }
        if fp.required.is_none() {
            diags.push(
                fo.diag("missing `required`").on_key().hint(
                    "say `required: strict`, `optional` or `conditional` as the document does",
                ),
            );
        }
        check_notes(&fp.notes, &fo.at("notes"), diags);
        fields.push(ir::Field {
            name: name.clone(),
            presence,
            condition: fp.condition.clone(),
            description: fill(ctx, fp.description.as_deref().unwrap_or_default()),
            notes: fp.notes.iter().map(|n| fill(ctx, n)).collect(),
            example: fp.example.clone(),
            example_note: fp.example_note.as_ref().map(|n| fill(ctx, n)),
            inferred: fp.inferred.clone(),
            lenient: false,
            ty,
        });
        if fp.description.is_none() {
            diags.push(
                fo.diag("missing `description`")
                    .on_key()
                    .hint("copy the document's description of the parameter"),
            );
        }
    }
    for (k, deps) in &dependent {
        let dp = o.at("dependent_required").at(k);
        for name in std::iter::once(k).chain(deps) {
            if !fields.iter().any(|f| &f.name == name) {
                diags.push(
                    dp.diag(format!(
                        "`dependent_required` names `{name}`, which is not a field here"
                    ))
                    .on_key()
                    .maybe_hint(did_you_mean(name, fields.iter().map(|f| f.name.as_str()))),
                );
            }
        }
    }
    Some(ir::ObjectTy {
        fields,
        dependent_required: dependent.into_iter().collect(),
        dependent_required_inferred: p.dependent_required_inferred.clone(),
        currency_bounds,
    })
}

/// How messages give a limit: `15.00 to 15,000.00 KGS in minor units`.
fn limit_note(l: &ir::Limit) -> String {
    format!(
        "{} to {} {} in minor units",
        l.min_major.as_deref().unwrap_or("any"),
        l.max_major.as_deref().unwrap_or("any"),
        l.currency
    )
}

/// The conditional forms of a member's amount limits: a limit holds only
/// when the object's `currency` is the limit's, unless that currency is
/// fixed to it (then it bounds the amount outright). Returns the
/// conditional bounds and the ids of the limits that stay outright.
fn currency_bounds_of(
    ctx: &Ctx<'_>,
    name: &str,
    fp: &Param,
    members: &[(String, Param, Origin)],
    fo: &Origin,
    diags: &mut Diagnostics,
) -> (Vec<ir::CurrencyBound>, Vec<String>) {
    let ids = fp
        .amount_limit
        .as_ref()
        .map(model::LimitRef::ids)
        .unwrap_or_default();
    let limits: Vec<&ir::Limit> = ids
        .iter()
        .filter_map(|id| ctx.limits.iter().find(|l| &l.id == id))
        .collect();
    let currency = members.iter().find(|(n, _, _)| n == "currency");
    let Some((currency_field, currency)) = currency.map(|(n, p, _)| (n, p)) else {
        if limits.len() > 1 {
            diags.push(
                fo.at("amount_limit")
                    .diag("several amount limits on an amount with no `currency` beside it")
                    .hint("limits per currency need a `currency` field in the same object to choose between them"),
            );
        }
        return (Vec::new(), ids);
    };
    let fixed = currency.const_value.as_ref().and_then(Value::as_str);
    let allowed: Option<Vec<&str>> = currency
        .enum_values
        .as_ref()
        .map(|vs| vs.iter().filter_map(Value::as_str).collect());
    let mut bounds = Vec::new();
    let mut outright = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, limit) in limits.iter().enumerate() {
        let at = if ids.len() > 1 {
            fo.at("amount_limit").at(&i.to_string())
        } else {
            fo.at("amount_limit")
        };
        if !seen.insert(limit.currency.as_str()) {
            diags.push(
                at.diag(format!("a second limit in {}", limit.currency))
                    .hint("give one limit per currency"),
            );
            continue;
        }
        let dead = match (fixed, &allowed) {
            (Some(f), _) => f != limit.currency,
            (None, Some(a)) => !a.contains(&limit.currency.as_str()),
            (None, None) => false,
        };
        if dead {
            // Reported at the limit (the amount may be a shared field, whose
            // place is in another file), unless ISO 4217 does not know the
            // currency, which is reported where it is given.
            if crate::currency::exponent(&limit.currency).is_ok() {
                let at = ctx.origin.at("limits").at(&limit.id).at("currency");
                diags.push(
                    at.diag(format!(
                        "a limit in {} on an amount whose currency can never be {}",
                        limit.currency, limit.currency
                    ))
                    .hint("remove the limit, or allow its currency in the `currency` field"),
                );
            }
            continue;
        }
        if fixed == Some(limit.currency.as_str()) {
            outright.push(limit.id.clone());
            continue;
        }
        bounds.push(ir::CurrencyBound {
            amount: name.to_owned(),
            currency_field: currency_field.clone(),
            currency: limit.currency.clone(),
            minimum: limit.min_minor,
            maximum: limit.max_minor,
            note: limit_note(limit),
        });
    }
    // Unknown ids stay with the field, whose check reports them.
    outright.extend(
        ids.iter()
            .filter(|id| !ctx.limits.iter().any(|l| &l.id == *id))
            .cloned(),
    );
    (bounds, outright)
}

/// Applies a refinement to an inherited parameter. A refinement may narrow
/// a constraint (add a `const`, raise a minimum) but never widen or
/// contradict one: that would make a hard constraint of the document
/// unenforced for this method.
fn refine(base: &Param, r: &Param, o: &Origin, diags: &mut Diagnostics) -> Param {
    let mut out = base.clone();
    if let (Some(a), Some(b)) = (base.ty, r.ty)
        && a != b
    {
        diags.push(
            o.at("type")
                .diag("a refinement cannot change the type")
                .hint("define a new field under `fields` instead"),
        );
    }
    if let (Some(a), Some(b)) = (&base.const_value, &r.const_value)
        && a != b
    {
        diags.push(
            o.at("const")
                .diag(format!(
                    "contradicts the inherited hard constraint `const: {a}`"
                ))
                .hint("a refinement may only narrow a constraint"),
        );
    }
    if let Some(set) = &base.enum_values {
        if let Some(c) = &r.const_value
            && !set.contains(c)
        {
            diags.push(
                o.at("const")
                    .diag(format!("`{c}` is outside the inherited `enum`"))
                    .hint("a refinement may only narrow a constraint"),
            );
        }
        if let Some(sub) = &r.enum_values {
            for v in sub {
                if !set.contains(v) {
                    diags.push(
                        o.at("enum")
                            .diag(format!("`{v}` widens the inherited `enum`"))
                            .hint("a refinement may only narrow a constraint"),
                    );
                }
            }
        }
    }
    let widen =
        |key: &str, base: Option<i64>, new: Option<i64>, lower: bool, diags: &mut Diagnostics| {
            if let (Some(a), Some(b)) = (base, new)
                && ((lower && b < a) || (!lower && b > a))
            {
                diags.push(
                    o.at(key)
                        .diag(format!("{key} {b} widens the inherited {key} {a}"))
                        .hint("a refinement may only narrow a constraint"),
                );
            }
        };
    widen("minimum", base.minimum, r.minimum, true, diags);
    widen("maximum", base.maximum, r.maximum, false, diags);
    let as_i = |v: Option<u64>| v.and_then(|n| i64::try_from(n).ok());
    widen(
        "min_length",
        as_i(base.min_length),
        as_i(r.min_length),
        true,
        diags,
    );
    widen(
        "max_length",
        as_i(base.max_length),
        as_i(r.max_length),
        false,
        diags,
    );
    if let (Some(a), Some(b)) = (base.format, r.format)
        && a != b
    {
        diags.push(
            o.at("format")
                .diag("a refinement cannot replace the inherited format")
                .hint("define a new field under `fields` instead"),
        );
    }
    if let (Some(a), Some(b)) = (&base.pattern, &r.pattern)
        && a != b
    {
        diags.push(
            o.at("pattern")
                .diag("a refinement cannot replace the inherited pattern")
                .hint("define a new field under `fields` instead"),
        );
    }
    macro_rules! take {
        ($($f:ident),*) => { $( if r.$f.is_some() { out.$f = r.$f.clone(); } )* };
    }
    take!(
        ty,
        inferred,
        required,
        condition,
        description,
        example,
        example_note,
        format,
        pattern,
        const_value,
        enum_values,
        known_values,
        known,
        minimum,
        maximum,
        min_length,
        max_length,
        amount_limit,
        items,
        inferred_rules,
        dependent_required_inferred
    );
    check_notes(&r.notes, &o.at("notes"), diags);
    if r.replace_notes {
        out.notes.clear();
    }
    out.notes.extend(r.notes.iter().cloned());
    for (k, v) in &r.fields {
        out.fields.insert(k.clone(), v.clone());
    }
    for (k, v) in &r.refine {
        out.refine.insert(k.clone(), v.clone());
    }
    for (k, v) in &r.dependent_required {
        out.dependent_required.insert(k.clone(), v.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::major_to_minor;

    #[test]
    fn converts_major_to_minor_units() {
        assert_eq!(major_to_minor("15.00", 2), Ok(1500));
        assert_eq!(major_to_minor("15,000.00", 2), Ok(1_500_000));
        assert_eq!(major_to_minor("15000", 2), Ok(1_500_000));
        assert_eq!(major_to_minor("7", 0), Ok(7));
        assert!(major_to_minor("1.234", 2).is_err());
        assert!(major_to_minor("1,00.00", 2).is_err());
        assert!(major_to_minor("", 2).is_err());
        assert!(major_to_minor("-5", 2).is_err());
    }
}
