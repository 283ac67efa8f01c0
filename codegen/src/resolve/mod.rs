//! Resolve: the spec model becomes the IR.
//!
//! References (brands, shared objects, tables, limits, timings, currencies)
//! are looked up, refinements applied and checked for contradictions, and
//! every problem is collected with the file and pointer where it was
//! written. Resolution goes on after an error wherever it can, so one run
//! reports everything.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::check::variants::{Placement, locate};
use crate::diagnostics::Diagnostics;
use crate::ir;
use crate::load::LoadedFile;
use crate::model::{self};

mod catalogue;
mod check;
mod context;
mod lifecycle;
mod method;
mod money;
mod operation;
mod param;
mod refine;
mod scalars;
mod types;

use catalogue::{Written, check_catalogue};
use check::check_id;
use context::{Globals, Origin, SharedObject};
use method::resolve_method;

/// Resolves all files into the IR, collecting problems into `diags`.
/// What is worth saying but breaks nothing (an interface the overview
/// lists and no operation describes) goes to `notes`.
pub fn resolve(
    files: &[(LoadedFile, model::SpecFile, Placement)],
    diags: &mut Diagnostics,
    notes: &mut Diagnostics,
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
        let mut own_notes = Diagnostics::default();
        let mut m = resolve_method(&globals, file, method, origin, &mut own, &mut own_notes);
        // Every body is final now (callbacks read leniently): each
        // object's shape key is computed once, here.
        for op in m.iter_mut().flat_map(|m| m.operations.iter_mut()) {
            crate::shape::finish_shapes(&mut op.request.ty);
            for body in op.response.iter_mut().chain(op.callback.iter_mut()) {
                crate::shape::finish_shapes(&mut body.ty);
            }
        }
        // A brand's copy: what its variant wrote is reported there.
        locate(placement, &mut own.0);
        locate(placement, &mut own_notes.0);
        (m, own, own_notes)
    });
    let written: Vec<Written<'_>> = todo
        .iter()
        .zip(&resolved)
        .map(|((_, spec, origin, placement), (m, _, _))| Written {
            spec,
            origin,
            placement,
            resolved: m.as_ref(),
        })
        .collect();
    let mut across = Diagnostics::default();
    check_catalogue(&written, &mut across);
    drop(written);
    let mut methods = Vec::new();
    for (m, own, own_notes) in resolved {
        diags.0.extend(own.0);
        notes.0.extend(own_notes.0);
        methods.extend(m);
    }
    diags.0.extend(across.0);
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
    ir::Ir {
        brands,
        methods,
        shared_objects: globals.objects.keys().cloned().collect(),
    }
}

fn collect_globals(
    files: &[(LoadedFile, model::SpecFile, Placement)],
    diags: &mut Diagnostics,
) -> Globals {
    let mut g = Globals {
        brands: IndexMap::new(),
        objects: IndexMap::new(),
        lifecycles: IndexMap::new(),
        testing: None,
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
        for (kind, l) in &spec.lifecycles {
            let o = root.at("lifecycles").at(kind);
            const KINDS: [&str; 3] = ["payout", "purchase", "refund"];
            if !KINDS.contains(&kind.as_str()) {
                diags.push(
                    o.diag(format!(
                        "`{kind}` is not an operation kind with a lifecycle of its own"
                    ))
                    .on_key()
                    .hint(crate::suggest::one_of(kind, KINDS)),
                );
            } else if let Some((_, first)) = g.lifecycles.get(kind) {
                diags.push(
                    o.diag(format!("a second shared lifecycle for `{kind}`"))
                        .on_key()
                        .hint(format!("already defined in {}", first.file)),
                );
            } else {
                g.lifecycles.insert(kind.clone(), (l.clone(), o));
            }
        }
        if let Some(t) = &spec.testing {
            let o = root.at("testing");
            if let Some((_, first)) = &g.testing {
                diags.push(
                    o.diag("a second shared `testing`")
                        .on_key()
                        .hint(format!("already defined in {}", first.file)),
                );
            } else {
                g.testing = Some((t.clone(), o));
            }
        }
    }
    g
}
