//! Loading: the filesystem edge of the pipeline.
//!
//! Reads every `*.yaml` file under one or more spec roots, parses each into a
//! JSON value and indexes its positions. Later roots overlay earlier ones,
//! which is how a test adds a method (or a broken file) to the real specs
//! without copying them. Nothing here interprets the content.

mod spans;
mod yaml;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use spans::{SpanIndex, escape};

use crate::diagnostics::{Diagnostic, Diagnostics, Sources};

/// One parsed spec file.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// Display name (root joined with the relative path).
    pub name: String,
    /// Path relative to its root, with `/` separators (`monetix/mobile.yaml`).
    pub rel: String,
    /// The parsed content.
    pub value: Value,
}

/// A file's text handed to [`load_texts`].
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Display name.
    pub name: String,
    /// Path relative to its root, with `/` separators.
    pub rel: String,
    /// The file's content.
    pub text: String,
}

/// Everything loading produced: the files that parsed, the sources for
/// rendering, and the problems found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Files that parsed, ordered by root then relative path.
    pub files: Vec<LoadedFile>,
    /// Text and spans of every file, for diagnostics.
    pub sources: Sources,
    /// Problems found while reading and parsing.
    pub diagnostics: Diagnostics,
    /// Every file read, for rebuild tracking (the macro emits `include_str!`).
    pub paths: Vec<PathBuf>,
}

/// Reads every spec file under `roots` (recursively, `*.yaml`/`*.yml`,
/// sorted) and parses it.
pub fn load_dirs(roots: &[&Path]) -> Loaded {
    let mut texts = Vec::new();
    let mut diagnostics = Diagnostics::default();
    let mut paths = Vec::new();
    for root in roots {
        let shown = root.display().to_string();
        let mut files = Vec::new();
        if let Err(e) = collect(root, root, &mut files) {
            diagnostics.push(
                Diagnostic::new(shown.clone(), "", format!("cannot read the spec directory: {e}"))
                    .hint("pass the directory that holds brands.yaml, shared.yaml and <brand>/<method>.yaml"),
            );
            continue;
        }
        files.sort();
        for (rel, path) in files {
            let name = format!("{}/{}", shown.trim_end_matches('/'), rel);
            match std::fs::read(&path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => texts.push(SourceText { name, rel, text }),
                    Err(e) => diagnostics.push(
                        Diagnostic::new(name, "", format!("not valid UTF-8 ({})", e.utf8_error()))
                            .hint("save spec files as UTF-8"),
                    ),
                },
                Err(e) => diagnostics.push(Diagnostic::new(
                    name,
                    "",
                    format!("cannot read the file: {e}"),
                )),
            }
            paths.push(path);
        }
    }
    let mut loaded = load_texts(texts);
    diagnostics.0.append(&mut loaded.diagnostics.0);
    loaded.diagnostics = diagnostics;
    loaded.paths = paths;
    loaded
}

/// Parses files already in memory (no I/O).
pub fn load_texts(texts: Vec<SourceText>) -> Loaded {
    let mut loaded = Loaded::default();
    for SourceText { name, rel, text } in texts {
        let spans = SpanIndex::build(&text);
        let mut duplicate = false;
        for (pointer, pos) in spans.duplicates() {
            let key = pointer
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .replace("~1", "/")
                .replace("~0", "~");
            let mut d = Diagnostic::new(
                name.clone(),
                pointer.clone(),
                format!("duplicate key `{key}`"),
            )
            .hint("a mapping names each key once; YAML would silently keep only the last value")
            .on_key();
            d.position = Some(*pos);
            loaded.diagnostics.push(d);
            duplicate = true;
        }
        match yaml::parse(&text) {
            Ok(_) if duplicate => {}
            Ok(value) => loaded.files.push(LoadedFile {
                name: name.clone(),
                rel,
                value,
            }),
            Err(e) => {
                let mut d = Diagnostic::new(name.clone(), "", format!("YAML syntax error: {}", e.message))
                    .hint("check the indentation and quoting on this line; YAML does not allow tabs or duplicate keys");
                d.position = e.position;
                loaded.diagnostics.push(d);
            }
        }
        loaded.sources.add(name, text, spans);
    }
    loaded
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(root, &path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
    Ok(())
}
