//! `generate`: write the outputs into `--out`, all at once, touching only
//! what gatespec owns; or, with `--check`, report what is stale.
//!
//! - [`walk`] lists `--out` without following links;
//! - [`plan`] decides, before any write, what is written, kept and removed,
//!   and what is there that gatespec does not own;
//! - [`apply`] builds the new tree beside `--out` and swaps it in.
//!
//! `--out` is refused when it holds anything gatespec does not own, unless
//! `--keep-foreign` says to keep it; it is refused always when a path
//! gatespec must write is taken by something it does not own, when it is
//! a link, and when it holds the spec directory.

mod apply;
mod plan;
mod walk;

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{FAILED, OK, USAGE};
use std::collections::BTreeMap;

use gatespec_codegen::format::REGENERATE;

/// How many entries of a long list are printed.
const SHOWN: usize = 20;

/// Options of `generate`.
pub struct Options<'a> {
    /// The output directory.
    pub dir: &'a Path,
    /// The spec directory (which must not be inside `dir`).
    pub specs: &'a Path,
    /// Write nothing; report what is stale.
    pub check: bool,
    /// Keep entries gatespec does not own instead of refusing.
    pub keep_foreign: bool,
}

/// Runs `generate` (or `generate --check`).
pub fn generate(
    files: BTreeMap<String, String>,
    opts: &Options<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    // Relative output goes under the current directory, wherever `--specs`
    // points: say which directory that is when it is not plain to see.
    let shown = match (opts.dir.is_relative(), std::env::current_dir()) {
        (true, Ok(cwd))
            if opts.dir != std::path::Path::new("generated") || !cwd.join("specs").is_dir() =>
        {
            format!("{} ({})", opts.dir.display(), cwd.join(opts.dir).display())
        }
        _ => opts.dir.display().to_string(),
    };
    let target = match target(opts.dir, opts.specs, !opts.check) {
        Ok(t) => t,
        Err(why) => {
            let _ = writeln!(err, "error: --out {shown}: {why}");
            return USAGE;
        }
    };
    let tree = if target.exists {
        match walk::walk(&target.dir) {
            Ok(tree) => tree,
            Err(e) => {
                let _ = writeln!(err, "error: cannot list {shown}: {e}");
                return FAILED;
            }
        }
    } else {
        walk::Tree::new()
    };
    let plan = plan::plan(&files, &target.dir, &tree);
    list(err, "error: ", &plan.conflicts);
    if !opts.keep_foreign {
        let foreign: Vec<String> = plan
            .foreign
            .iter()
            .map(|f| format!("{}: {}", f.path.display(), f.why))
            .collect();
        list(err, "not gatespec's: ", &foreign);
    }
    let refuse_foreign = !plan.foreign.is_empty() && !opts.keep_foreign;
    if opts.check {
        if plan.is_current() && !refuse_foreign {
            let _ = writeln!(out, "ok: {} files up to date in {shown}", files.len());
            return OK;
        }
        list(err, &format!("stale: {shown}/"), &plan.write);
        list(err, &format!("no longer generated: {shown}/"), &plan.remove);
        let _ = writeln!(err, "error: {shown} is out of date; run `{REGENERATE}`");
        return FAILED;
    }
    if !plan.conflicts.is_empty() {
        let _ = writeln!(
            err,
            "error: nothing was written; move the entries above out of {shown}, or choose another --out"
        );
        return FAILED;
    }
    if refuse_foreign {
        let _ = writeln!(
            err,
            "error: {shown} holds {} entries gatespec did not write; nothing was written\n\
             help: choose an empty or generated directory, or pass --keep-foreign to keep them as they are",
            plan.foreign.len()
        );
        return FAILED;
    }
    if plan.is_current() {
        let _ = writeln!(
            out,
            "ok: {} files in {shown} (0 written, 0 removed, {} unchanged)",
            files.len(),
            files.len()
        );
        return OK;
    }
    if let Err(e) = apply::apply(&target, &files, &plan, opts.keep_foreign) {
        let _ = writeln!(
            err,
            "error: cannot write {shown}: {e}\nnote: the previous content of {shown} is unchanged"
        );
        return FAILED;
    }
    let kept = if opts.keep_foreign && !plan.foreign.is_empty() {
        format!(", {} entries not gatespec's kept", plan.foreign.len())
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "ok: {} files in {shown} ({} written, {} removed, {} unchanged{kept})",
        files.len(),
        plan.write.len(),
        plan.remove.len(),
        plan.unchanged.len()
    );
    OK
}

/// Prints the first [`SHOWN`] items, one per line after `lead`, and how
/// many more there were.
fn list(err: &mut dyn Write, lead: &str, items: &[impl std::fmt::Display]) {
    for item in items.iter().take(SHOWN) {
        let _ = writeln!(err, "{lead}{item}");
    }
    if items.len() > SHOWN {
        let _ = writeln!(err, "{lead}... and {} more", items.len() - SHOWN);
    }
}

/// Resolves `--out`: not a link, a directory if it exists, and not holding
/// the spec directory. Its parent is created when `create` and missing.
fn target(dir: &Path, specs: &Path, create: bool) -> Result<apply::Target, String> {
    let (parent, name, exists) = match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_symlink() => {
            return Err("is a symbolic link; pass the directory it points to".into());
        }
        Ok(meta) if !meta.is_dir() => return Err("exists and is not a directory".into()),
        Ok(_) => {
            let abs = std::fs::canonicalize(dir).map_err(|e| e.to_string())?;
            let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
                return Err("is the root directory".into());
            };
            (parent.to_path_buf(), name.to_os_string(), true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let name = dir
                .file_name()
                .ok_or("names no directory (it ends in `..`)")?
                .to_os_string();
            let parent = match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            if create {
                std::fs::create_dir_all(&parent)
                    .map_err(|e| format!("cannot create its parent: {e}"))?;
            }
            let parent = std::fs::canonicalize(&parent).map_err(|e| e.to_string())?;
            (parent, name, false)
        }
        Err(e) => return Err(e.to_string()),
    };
    let dir = parent.join(&name);
    if let Ok(specs) = std::fs::canonicalize(specs)
        && specs.starts_with(&dir)
    {
        return Err(format!(
            "holds the spec directory {}; generated files go in a directory of their own",
            specs.display()
        ));
    }
    Ok(apply::Target {
        dir,
        parent,
        name: name.to_string_lossy().into_owned(),
        exists,
    })
}
