//! Listing an output directory without following anything.
//!
//! Symbolic links are entries like any other, never followed, so a link
//! cannot lead the generator out of `--out` or round a loop. The walk is
//! bounded in depth and in entries, so a hostile tree ends it with an error
//! rather than a hang.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Deeper trees are not something the generator wrote.
const MAX_DEPTH: usize = 64;
/// More entries than any generated tree holds by far.
const MAX_ENTRIES: usize = 500_000;

/// What an entry of the tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A directory (its entries are listed too).
    Dir,
    /// A symbolic link (not followed).
    Symlink,
    /// A FIFO, socket or device.
    Special,
}

impl Kind {
    /// How the kind is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::File => "a file",
            Kind::Dir => "a directory",
            Kind::Symlink => "a symbolic link",
            Kind::Special => "a FIFO, socket or device",
        }
    }
}

/// Every entry under a root, by relative path (`/`-separated where the
/// name is UTF-8), in path order.
pub type Tree = BTreeMap<PathBuf, Kind>;

/// Lists `root` (which must be a directory, not a link to one).
pub fn walk(root: &Path) -> io::Result<Tree> {
    let mut tree = Tree::new();
    visit(root, Path::new(""), 0, &mut tree)?;
    Ok(tree)
}

fn visit(root: &Path, rel: &Path, depth: usize, tree: &mut Tree) -> io::Result<()> {
    if depth > MAX_DEPTH {
        return Err(io::Error::other(format!(
            "{} is nested more than {MAX_DEPTH} directories deep",
            root.join(rel).display()
        )));
    }
    for entry in std::fs::read_dir(root.join(rel))? {
        let entry = entry?;
        // `DirEntry::file_type` does not follow links.
        let ty = entry.file_type()?;
        let kind = if ty.is_symlink() {
            Kind::Symlink
        } else if ty.is_dir() {
            Kind::Dir
        } else if ty.is_file() {
            Kind::File
        } else {
            Kind::Special
        };
        let child = rel.join(entry.file_name());
        if tree.len() >= MAX_ENTRIES {
            return Err(io::Error::other(format!(
                "{} holds more than {MAX_ENTRIES} entries; this is not a generated tree",
                root.display()
            )));
        }
        tree.insert(child.clone(), kind);
        if kind == Kind::Dir {
            visit(root, &child, depth + 1, tree)?;
        }
    }
    Ok(())
}
