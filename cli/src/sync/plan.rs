//! What `generate` would do to an output directory, decided before anything
//! is written: which files it writes, keeps and removes, and what it finds
//! there that it does not own.
//!
//! Ownership is precise. A file is gatespec's when the previous manifest
//! lists it, or when it is byte for byte what gatespec is about to write.
//! One more rule adopts trees written before manifests existed: with no
//! manifest at all, a file at a path gatespec writes may be overwritten if
//! its first two lines are the do-not-edit header gatespec writes there.
//! Removal is stricter: only a listed file whose content still has the
//! listed hash is removed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::walk::{Kind, Tree};
use gatespec_codegen::emit::manifest::{self, MANIFEST_PATH};

/// Something in the output directory that gatespec does not own. It is
/// never changed or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreign {
    /// Path relative to the output directory.
    pub path: PathBuf,
    /// Why it is not gatespec's.
    pub why: &'static str,
}

/// What `generate` would do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files to write: new, or changed and owned.
    pub write: Vec<String>,
    /// Files already as they should be.
    pub unchanged: Vec<String>,
    /// Owned files no longer produced, to remove.
    pub remove: Vec<String>,
    /// Entries gatespec does not own (kept, or a reason to refuse).
    pub foreign: Vec<Foreign>,
    /// Paths gatespec must write where something it does not own stands.
    pub conflicts: Vec<String>,
}

impl Plan {
    /// Whether the directory already is what generation produces.
    pub fn is_current(&self) -> bool {
        self.write.is_empty() && self.remove.is_empty() && self.conflicts.is_empty()
    }
}

/// Plans writing `files` into `dir`, whose entries are `tree` (empty when
/// `dir` does not exist).
pub fn plan(files: &BTreeMap<String, String>, dir: &Path, tree: &Tree) -> Plan {
    let read = |rel: &Path| std::fs::read(dir.join(rel)).ok();
    let previous = match tree.get(Path::new(MANIFEST_PATH)) {
        Some(Kind::File) => read(Path::new(MANIFEST_PATH))
            .and_then(|bytes| manifest::parse(&String::from_utf8_lossy(&bytes))),
        _ => None,
    };
    // Every directory the outputs need.
    let wanted_dirs: BTreeSet<PathBuf> = files
        .keys()
        .flat_map(|rel| Path::new(rel).ancestors().skip(1).map(Path::to_path_buf))
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    // Listed in the manifest: a generated file at its own path, which a new
    // version may overwrite (it says not to edit it).
    let listed = |rel: &Path| rel_listed(&previous, rel);
    // Listed with the hash of what is there now: gatespec wrote it and
    // nobody changed it since. Only such a file may go where a directory
    // is needed (the swap would remove it); a listed path whose content
    // differs is the user's, whatever the manifest says.
    let unedited = |rel: &Path| {
        rel.to_str()
            .and_then(|r| previous.as_ref()?.get(r))
            .is_some_and(|h| read(rel).is_some_and(|b| gatespec_codegen::format::digest(&b) == *h))
    };
    let mut plan = Plan::default();
    for dir_path in &wanted_dirs {
        match tree.get(dir_path) {
            None | Some(Kind::Dir) => {}
            Some(Kind::File) if unedited(dir_path) => {}
            Some(Kind::File) if listed(dir_path) => plan.conflicts.push(format!(
                "{} is a file gatespec did not write (its content is not what the manifest lists), where gatespec needs a directory",
                dir_path.display()
            )),
            Some(kind) => plan.conflicts.push(format!(
                "{} is {}, where gatespec needs a directory",
                dir_path.display(),
                kind.describe()
            )),
        }
    }
    for (rel, text) in files {
        let path = Path::new(rel);
        match tree.get(path) {
            None => plan.write.push(rel.clone()),
            Some(Kind::File) => match read(path) {
                Some(existing) if existing == text.as_bytes() => plan.unchanged.push(rel.clone()),
                Some(existing) => {
                    // The manifest is ours when it reads as one.
                    let ours = if rel == MANIFEST_PATH {
                        previous.is_some()
                    } else {
                        listed(path)
                            || (previous.is_none() && same_header(&existing, text.as_bytes()))
                    };
                    if ours {
                        plan.write.push(rel.clone());
                    } else {
                        plan.conflicts.push(format!(
                            "{rel} exists and gatespec did not write it; it would be overwritten"
                        ));
                    }
                }
                None => plan
                    .conflicts
                    .push(format!("{rel} exists but cannot be read")),
            },
            Some(kind) => plan.conflicts.push(format!(
                "{rel} is {}, where gatespec writes a file",
                kind.describe()
            )),
        }
    }
    for (path, kind) in tree {
        let produced = path.to_str().is_some_and(|p| files.contains_key(p));
        if produced || wanted_dirs.contains(path) {
            continue;
        }
        let why = match kind {
            Kind::File => {
                let hash = path
                    .to_str()
                    .and_then(|r| previous.as_ref()?.get(r).cloned());
                match hash {
                    Some(h)
                        if read(path)
                            .is_some_and(|b| gatespec_codegen::format::digest(&b) == h) =>
                    {
                        if let Some(p) = path.to_str() {
                            plan.remove.push(p.to_owned());
                        }
                        continue;
                    }
                    Some(_) => "edited since gatespec wrote it",
                    None => "not written by gatespec",
                }
            }
            Kind::Dir => {
                // A directory goes with its content; only an empty one that
                // no output needs is reported, since it is not ours either.
                let empty = tree
                    .range(path.clone()..)
                    .nth(1)
                    .is_none_or(|(next, _)| !next.starts_with(path));
                if !empty {
                    continue;
                }
                "an empty directory gatespec did not create"
            }
            Kind::Symlink => "a symbolic link (never followed or removed)",
            Kind::Special => "a FIFO, socket or device",
        };
        plan.foreign.push(Foreign {
            path: path.clone(),
            why,
        });
    }
    plan
}

/// Whether the previous manifest lists `rel`, whatever its hash.
fn rel_listed(previous: &Option<BTreeMap<String, String>>, rel: &Path) -> bool {
    rel.to_str()
        .and_then(|r| previous.as_ref()?.get(r))
        .is_some()
}

/// Whether `existing` starts with the same lines as `new` up to and
/// including `new`'s do-not-edit line, which must be among its first four:
/// the first line of Rust, Markdown and TOML files, the `$comment` member
/// after `$schema` and `$id` in JSON.
fn same_header(existing: &[u8], new: &[u8]) -> bool {
    const MARK: &[u8] = b"@generated by gatespec";
    let Some(last) = new
        .split(|&c| c == b'\n')
        .take(4)
        .position(|line| line.windows(MARK.len()).any(|w| w == MARK))
    else {
        return false;
    };
    let head = |b: &[u8]| -> Vec<u8> {
        b.split(|&c| c == b'\n')
            .take(last + 1)
            .flat_map(|line| line.iter().chain(b"\n"))
            .copied()
            .collect()
    };
    head(existing) == head(new)
}
