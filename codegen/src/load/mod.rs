//! Loading: the filesystem edge of the pipeline.
//!
//! Reads every `*.yaml` file under one or more spec roots, parses each into a
//! JSON value and indexes its positions. Later roots overlay earlier ones,
//! which is how a test adds a method (or a broken file) to the real specs
//! without copying them. Nothing here interprets the content.

mod sources;
mod spans;
mod yaml;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use sources::Sources;
pub use spans::{SpanIndex, escape};

use crate::diagnostics::{Diagnostic, Diagnostics, line_column};

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
    /// The name lock (`names.lock` at a root; the last root's that has
    /// one), by display name and text.
    pub lock: Option<SourceText>,
}

/// The name lock's file at the root of a spec directory: read as text
/// beside the specs, never parsed as a spec (see `crate::typespace::lock`).
pub const LOCK_FILE: &str = "names.lock";

/// The largest spec file read. A method spec is a few hundred lines; a
/// file past this is a mistake or an attack, and parsing it would cost
/// memory in proportion.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// Directories deeper than this under a root are not read.
const MAX_DIR_DEPTH: usize = 16;

/// Reads every spec file under `roots` (recursively, `*.yaml`/`*.yml`,
/// sorted) and parses it. Symbolic links are followed, each directory at
/// most once (so a link loop ends); FIFOs, sockets and devices are reported
/// and never opened.
pub fn load_dirs(roots: &[&Path]) -> Loaded {
    let mut texts = Vec::new();
    let mut diagnostics = Diagnostics::default();
    let mut paths = Vec::new();
    for root in roots {
        let shown = root.display().to_string();
        let mut walk = Walk {
            root,
            shown: &shown,
            visited: Vec::new(),
            files: Vec::new(),
            diagnostics: &mut diagnostics,
        };
        if let Err(e) = walk.dir(root, 0) {
            diagnostics.push(
                Diagnostic::new(
                    shown.clone(),
                    "",
                    format!(
                        "cannot read the spec directory `{shown}`{}: {e}",
                        std::env::current_dir()
                            .map(|d| format!(" (looked in {})", d.join(root).display()))
                            .unwrap_or_default()
                    ),
                )
                .hint("run gatespec from the checkout's root, or pass `--specs DIR`: the directory that holds brands.yaml, shared.yaml and <brand>/<method>.yaml"),
            );
            continue;
        }
        let mut files = walk.files;
        files.sort();
        // The name lock is not a spec: it is read as it is, never parsed
        // as YAML of the spec format.
        let lock = root.join(LOCK_FILE);
        if lock.is_file() {
            files.push((LOCK_FILE.to_string(), lock));
        }
        for (rel, path) in files {
            let name = format!("{}/{}", shown.trim_end_matches('/'), rel);
            match read_bounded(&path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => texts.push(SourceText { name, rel, text }),
                    Err(e) => {
                        let bytes = e.as_bytes();
                        let at = e.utf8_error().valid_up_to();
                        let (line, column) = line_column(bytes, at);
                        let mut d = Diagnostic::new(
                            name,
                            "",
                            format!("not valid UTF-8 at line {line}, column {column} (byte {at})"),
                        )
                        .hint("save spec files as UTF-8");
                        d.position = Some(crate::diagnostics::Position {
                            line,
                            column,
                            offset: at,
                        });
                        diagnostics.push(d);
                    }
                },
                Err(e) => diagnostics.push(Diagnostic::new(name, "", e)),
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

/// A file's bytes, refusing one larger than [`MAX_FILE_BYTES`] (checked on
/// the open file and again while reading, so a file that grows is caught).
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let too_big = || {
        format!(
            "the file is larger than {} MiB; a spec file is a few hundred lines",
            MAX_FILE_BYTES >> 20
        )
    };
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

/// The walk of one spec root.
struct Walk<'a> {
    root: &'a Path,
    shown: &'a str,
    /// Canonical paths of the directories entered, so each is read once.
    visited: Vec<PathBuf>,
    files: Vec<(String, PathBuf)>,
    diagnostics: &'a mut Diagnostics,
}

impl Walk<'_> {
    fn report(&mut self, path: &Path, message: String, hint: &str) {
        let name = match path.strip_prefix(self.root) {
            Ok(rel) => format!("{}/{}", self.shown.trim_end_matches('/'), rel.display()),
            Err(_) => path.display().to_string(),
        };
        self.diagnostics
            .push(Diagnostic::new(name, "", message).hint(hint));
    }

    fn dir(&mut self, dir: &Path, depth: usize) -> std::io::Result<()> {
        let canonical = std::fs::canonicalize(dir)?;
        if self.visited.contains(&canonical) {
            self.report(
                dir,
                format!(
                    "this directory was already read (as {}): a symbolic link loops or repeats it",
                    canonical.display()
                ),
                "remove the link, or point it at a directory outside the spec tree",
            );
            return Ok(());
        }
        if depth > MAX_DIR_DEPTH {
            self.report(
                dir,
                format!("more than {MAX_DIR_DEPTH} directories deep; not read"),
                "specs live in <brand>/<method>.yaml",
            );
            return Ok(());
        }
        self.visited.push(canonical);
        let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let path = entry.path();
            let yaml = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            );
            // `metadata` follows links: a link is read as what it points to.
            let meta = match std::fs::metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    self.report(
                        &path,
                        format!("cannot follow this entry: {e}"),
                        "a symbolic link here points at nothing; remove it or fix its target",
                    );
                    continue;
                }
            };
            if meta.is_dir() {
                if let Err(e) = self.dir(&path, depth + 1) {
                    self.report(
                        &path,
                        format!("cannot read the directory: {e}"),
                        "check its permissions",
                    );
                }
            } else if !yaml {
                continue;
            } else if meta.is_file() {
                let rel = path
                    .strip_prefix(self.root)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                self.files.push((rel, path));
            } else {
                self.report(
                    &path,
                    "not a regular file (a FIFO, socket or device); not read".into(),
                    "a spec is a plain YAML file",
                );
            }
        }
        Ok(())
    }
}

/// Parses files already in memory (no I/O), each on its own (in parallel),
/// gathered in the given order.
pub fn load_texts(mut texts: Vec<SourceText>) -> Loaded {
    let mut lock = None;
    texts.retain(|t| {
        if t.rel == LOCK_FILE {
            lock = Some(t.clone());
            return false;
        }
        true
    });
    let parsed = crate::parallel::map(&texts, parse_one);
    let mut loaded = Loaded::default();
    if let Some(l) = &lock {
        // Its problems are shown with its lines, like a spec's.
        loaded
            .sources
            .add(l.name.clone(), l.text.clone(), SpanIndex::default());
    }
    loaded.lock = lock;
    for (SourceText { name, text, .. }, one) in texts.into_iter().zip(parsed) {
        loaded.diagnostics.0.extend(one.diagnostics);
        loaded.files.extend(one.file);
        if let Some(spans) = one.spans {
            loaded.sources.add(name, text, spans);
        }
    }
    loaded
}

/// What parsing one file produced.
struct ParsedOne {
    diagnostics: Vec<Diagnostic>,
    file: Option<LoadedFile>,
    /// The spans of the file's text, for diagnostics (none for a file too
    /// large to keep).
    spans: Option<SpanIndex>,
}

fn parse_one(source: &SourceText) -> ParsedOne {
    let SourceText { name, rel, text } = source;
    let mut out = ParsedOne {
        diagnostics: Vec::new(),
        file: None,
        spans: None,
    };
    if text.len() as u64 > MAX_FILE_BYTES {
        out.diagnostics.push(
            Diagnostic::new(
                name.clone(),
                "",
                format!("the file is larger than {} MiB", MAX_FILE_BYTES >> 20),
            )
            .hint("a spec file is a few hundred lines"),
        );
        return out;
    }
    if let Some(d) = control_character(name, text) {
        out.diagnostics.push(d);
        out.spans = Some(SpanIndex::default());
        return out;
    }
    let spans = SpanIndex::build(text);
    if let Some(limit) = spans.limit() {
        let mut d = Diagnostic::new(name.clone(), "", limit.message.clone())
            .hint("a spec is plain nested data: flatten it, or repeat fewer aliases");
        d.position = Some(limit.position);
        out.diagnostics.push(d);
    }
    for (pointer, pos) in spans.duplicates() {
        let key = gatespec_runtime::pointer::key(pointer.rsplit('/').next().unwrap_or_default())
            .into_owned();
        let mut d = Diagnostic::new(
            name.clone(),
            pointer.clone(),
            format!("duplicate key `{key}`"),
        )
        .hint("a mapping names each key once; YAML would silently keep only the last value")
        .on_key();
        d.position = Some(*pos);
        out.diagnostics.push(d);
    }
    // Past a bound, parsing into a value is what the bound protects
    // from. With duplicates, parsing still reports syntax errors, but
    // the value (which kept only the last of each) is not used.
    if spans.limit().is_none() {
        match yaml::parse(text) {
            Ok(value) if spans.duplicates().is_empty() => {
                out.file = Some(LoadedFile {
                    name: name.clone(),
                    rel: rel.clone(),
                    value,
                })
            }
            Ok(_) => {}
            Err(e) => {
                let at = e
                    .position
                    .and_then(|p| text.get(p.offset..))
                    .and_then(|rest| rest.chars().next());
                let mut d = Diagnostic::new(
                    name.clone(),
                    "",
                    format!("YAML syntax error: {}", e.message),
                )
                .hint(yaml::hint(&e.message, at));
                d.position = e.position;
                out.diagnostics.push(d);
            }
        }
    }
    out.spans = Some(spans);
    out
}

/// A diagnostic for the first control character of `text` other than tab,
/// line feed and carriage return, at its line and column: YAML allows none,
/// and the parser would report it at the start of the file.
fn control_character(name: &str, text: &str) -> Option<Diagnostic> {
    let (offset, c) = text
        .char_indices()
        .find(|&(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))?;
    let (line, column) = line_column(text.as_bytes(), offset);
    let mut d = Diagnostic::new(
        name.to_owned(),
        "",
        format!("control character U+{:04X} at line {line}, column {column}", u32::from(c)),
    )
    .hint("YAML allows no control characters; remove it (a NUL often means a binary file or a bad paste)");
    d.position = Some(crate::diagnostics::Position {
        line,
        column,
        offset,
    });
    Some(d)
}
