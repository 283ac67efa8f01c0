//! The gatespec generator core.
//!
//! Pipeline, one module per stage: [`load`] (YAML with positions; the only
//! filesystem reads) -> [`check::structure`] (every file against the spec
//! format's schema) -> [`model`] (serde types) -> [`resolve`] (references,
//! refinements, contradictions) -> [`ir`] (plain data) -> [`interpret::examples`]
//! -> [`emit`] (Rust, JSON Schema, Markdown, the client crate) -> [`format`].
//! The three frontends (the `gatespec` CLI in the `gatespec-cli` crate, the
//! proc-macro crate and build scripts) all call [`compile_dirs`] and the
//! emitters, so they produce the same items. This crate does no writing and
//! depends on no CLI parser, allocator or server, so the macro's build stays
//! small.

pub mod check;
mod compiled;
pub mod currency;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod format;
pub mod interpret;
pub mod ir;
pub mod lifecycle;
pub mod load;
pub mod model;
pub mod naming;
pub mod parallel;
pub mod pattern;
pub mod resolve;
pub mod rules;
pub mod shape;
pub mod spec_schema;
pub mod suggest;
pub mod typespace;

use std::path::Path;

pub use compiled::{Compiled, Failure};
use diagnostics::Diagnostics;
use load::Sources;

/// Loads, checks and resolves the specs under `roots` (later roots overlay
/// earlier ones). Never panics on bad input; reports every problem at once.
pub fn compile_dirs(roots: &[&Path]) -> Result<Compiled, Failure> {
    compile(load::load_dirs(roots))
}

/// Like [`compile_dirs`] for files already in memory.
pub fn compile_texts(texts: Vec<load::SourceText>) -> Result<Compiled, Failure> {
    compile(load::load_texts(texts))
}

fn compile(loaded: load::Loaded) -> Result<Compiled, Failure> {
    let load::Loaded {
        files,
        sources,
        mut diagnostics,
        paths,
        lock,
    } = loaded;
    let specs = check::structure::check_structure(&files, &mut diagnostics);
    let mut notes = Diagnostics::default();
    // References are resolved only in a structurally sound spec set: a
    // broken shared file would otherwise show up again as a dangling
    // reference in every method that uses it.
    let ir = if diagnostics.is_empty() {
        resolve::resolve(&specs, &mut diagnostics, &mut notes)
    } else {
        ir::Ir {
            brands: Vec::new(),
            methods: Vec::new(),
            shared_objects: Vec::new(),
        }
    };
    if diagnostics.is_empty() {
        let name_of = |rel: &str| {
            files
                .iter()
                .rev()
                .find(|f| f.rel == rel)
                .map(|f| f.name.clone())
                .unwrap_or_else(|| rel.to_string())
        };
        let copies: std::collections::HashMap<(&str, &str), &check::variants::Placement> = specs
            .iter()
            .filter_map(|(f, _, p)| Some(((f.rel.as_str(), p.brand.as_deref()?), p)))
            .collect();
        let placement_of = |rel: &str, brand: &str| copies.get(&(rel, brand)).map(|p| (*p).clone());
        interpret::examples::check_examples(&ir, &name_of, &placement_of, &mut diagnostics);
    }
    if files.is_empty() && diagnostics.is_empty() {
        diagnostics.push(
            diagnostics::Diagnostic::new("<specs>", "", "no spec files found").hint(
                "the spec directory holds brands.yaml, shared.yaml and <brand>/<method>.yaml",
            ),
        );
    }
    let lock = read_lock(lock.as_ref(), &mut diagnostics);
    if diagnostics.is_empty() {
        let types = typespace::TypeSpace::build(&ir, &lock);
        sources.locate(&mut notes);
        notes.sort();
        return Ok(Compiled {
            notes,
            ir,
            types,
            lock,
            paths,
            sources: std::sync::Arc::new(sources),
        });
    }
    Err(fail(&sources, diagnostics))
}

/// The name lock, or none; a lock that does not read is a problem at its
/// line and column.
fn read_lock(lock: Option<&load::SourceText>, diagnostics: &mut Diagnostics) -> typespace::Lock {
    let Some(source) = lock else {
        return typespace::Lock::default();
    };
    match typespace::Lock::parse(&source.text) {
        Ok(lock) => lock,
        Err((line, column, message)) => {
            let mut d = diagnostics::Diagnostic::new(
                source.name.clone(),
                "",
                format!("the name lock does not read: {message}"),
            )
            .hint("fix the line, or delete the file and run `gatespec generate` to write it again (names not in it are given afresh)");
            let offset = source
                .text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum::<usize>()
                + column.saturating_sub(1);
            d.position = Some(diagnostics::Position {
                line,
                column,
                offset: offset.min(source.text.len()),
            });
            diagnostics.push(d);
            typespace::Lock::default()
        }
    }
}

fn fail(sources: &Sources, mut diagnostics: Diagnostics) -> Failure {
    sources.locate(&mut diagnostics);
    diagnostics.sort();
    let rendered = sources.render(&diagnostics);
    Failure {
        diagnostics,
        rendered,
    }
}
