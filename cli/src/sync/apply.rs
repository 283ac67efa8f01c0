//! Writing a planned tree: all of it or none of it.
//!
//! The new tree is built in a staging directory beside `--out` (same
//! filesystem, so renames are atomic), then swapped in with two renames.
//! Until the swap nothing in `--out` has changed, so any failure before it
//! leaves the previous tree as it was. Unchanged files and the kept entries
//! gatespec does not own are hard links to the old ones, not copies: their
//! content and modification times stay as they were, so a build that
//! depends on the generated crate does not rebuild for nothing.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use super::plan::Plan;

/// Where the output directory lives: its parent (where staging goes) and
/// its name.
pub struct Target {
    /// The output directory.
    pub dir: PathBuf,
    /// Its parent directory.
    pub parent: PathBuf,
    /// Its last component.
    pub name: String,
    /// Whether it exists now.
    pub exists: bool,
}

/// Writes the planned tree into `target.dir`, keeping the `plan`'s foreign
/// entries when `keep_foreign`.
pub fn apply(
    target: &Target,
    files: &BTreeMap<String, String>,
    plan: &Plan,
    keep_foreign: bool,
) -> io::Result<()> {
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{}.gatespec-staging-", target.name))
        .tempdir_in(&target.parent)?;
    // A directory made with the default mode (tempfile's own is 0700), so
    // the output keeps the permissions a plain `mkdir` would give it.
    let tree = staging.path().join("tree");
    std::fs::create_dir(&tree)?;
    if target.exists {
        std::fs::set_permissions(&tree, std::fs::metadata(&target.dir)?.permissions())?;
    }
    for rel in &plan.unchanged {
        place(&tree, rel.as_ref())?;
        link_or_copy(&target.dir.join(rel), &tree.join(rel))?;
    }
    for rel in &plan.write {
        place(&tree, rel.as_ref())?;
        std::fs::write(tree.join(rel), &files[rel])?;
    }
    if keep_foreign {
        for foreign in &plan.foreign {
            keep(&target.dir, &tree, &foreign.path)?;
        }
    }
    if !target.exists {
        return std::fs::rename(&tree, &target.dir);
    }
    let old = tempfile::Builder::new()
        .prefix(&format!(".{}.gatespec-old-", target.name))
        .tempdir_in(&target.parent)?;
    let parked = old.path().join("tree");
    std::fs::rename(&target.dir, &parked)?;
    if let Err(e) = std::fs::rename(&tree, &target.dir) {
        // Put the previous tree back; it was never changed.
        std::fs::rename(&parked, &target.dir)?;
        return Err(e);
    }
    // `old` now holds the previous tree; dropping it removes it without
    // following links. Kept entries live on through their new links.
    Ok(())
}

/// Creates the parent directories of `rel` under `tree`.
fn place(tree: &Path, rel: &Path) -> io::Result<()> {
    match rel.parent() {
        Some(p) if !p.as_os_str().is_empty() => std::fs::create_dir_all(tree.join(p)),
        _ => Ok(()),
    }
}

/// A hard link, or where the filesystem has none, a copy with the same
/// modification time.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)?;
    let modified = std::fs::metadata(from)?.modified()?;
    std::fs::File::options()
        .write(true)
        .open(to)?
        .set_modified(modified)
}

/// Carries an entry gatespec does not own into the new tree as it is: a
/// directory is made, a link is made again with the same target, anything
/// else is hard-linked (FIFOs and devices included, never opened).
fn keep(old: &Path, tree: &Path, rel: &Path) -> io::Result<()> {
    place(tree, rel)?;
    let (from, to) = (old.join(rel), tree.join(rel));
    let meta = std::fs::symlink_metadata(&from)?;
    if meta.is_dir() {
        std::fs::create_dir_all(&to)?;
        return std::fs::set_permissions(&to, meta.permissions());
    }
    if meta.is_symlink() {
        return symlink(&std::fs::read_link(&from)?, &to);
    }
    std::fs::hard_link(&from, &to)
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, link: &Path) -> io::Result<()> {
    Err(io::Error::other(format!(
        "cannot keep the link {}: links are kept on Unix only",
        link.display()
    )))
}
