//! `gatespec diff`: loads two spec sets (the old one from a directory or a
//! git revision) and prints the breaking-change report.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use super::args::{DiffFormat, FailOn};
use super::{FAILED, OK, USAGE};
use gatespec_codegen::diff::{self, Category, Report};

/// Runs the comparison; exit 0 when nothing breaks, 1 when something of a
/// `fail_on` category does, 2 for usage errors and spec sets that do not
/// check.
pub fn run(
    old: Option<&Path>,
    new: Option<&Path>,
    base: Option<&str>,
    format: DiffFormat,
    fail_on: &[FailOn],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    // With --base, one directory is the new one (`diff --base REV DIR`).
    let (old, new) = match (old, new, base) {
        (Some(dir), None, Some(_)) => (None, dir),
        (old, new, _) => (old, new.unwrap_or(Path::new("specs"))),
    };
    // Held until the comparison is done: the old specs checked out of git.
    let mut checkout = None;
    let mut shown_old: Option<String> = None;
    let old_dir = match (old, base) {
        (Some(_), Some(_)) => {
            let _ = writeln!(
                err,
                "error: give OLD or --base, not both (with --base, the one directory is the new one)"
            );
            return USAGE;
        }
        (None, None) => {
            let _ = writeln!(
                err,
                "error: give OLD (a spec directory) or --base REV (the same directory at a git revision)"
            );
            return USAGE;
        }
        (Some(dir), None) => dir.to_path_buf(),
        (None, Some(rev)) => match from_git(new, rev) {
            Ok(dir) => {
                let path = checkout.insert(dir).path().to_path_buf();
                shown_old = Some(format!("{}@{rev}", new.display()));
                path
            }
            Err(why) => {
                let _ = writeln!(err, "error: --base {rev}: {why}");
                return USAGE;
            }
        },
    };
    let load = |dir: &Path, which: &str, shown: Option<&str>, err: &mut dyn Write| {
        match gatespec_codegen::compile_dirs(&[dir]) {
            Ok(c) => Some(c),
            Err(f) => {
                // Specs read out of git are named by the revision, not by
                // the temporary directory they were written to.
                let rendered = match shown {
                    Some(name) => f.rendered.replace(&dir.display().to_string(), name),
                    None => f.rendered,
                };
                let _ = write!(err, "error: the {which} specs do not check:\n{rendered}");
                None
            }
        }
    };
    let (Some(a), Some(b)) = (
        load(&old_dir, "old", shown_old.as_deref(), err),
        load(new, "new", None, err),
    ) else {
        return USAGE;
    };
    drop(checkout);
    let report = diff::diff(&a, &b);
    let fail_on: Vec<Category> = fail_on
        .iter()
        .map(|f| match f {
            FailOn::Wire => Category::Wire,
            FailOn::SchemaNames => Category::SchemaNames,
            FailOn::RustApi => Category::RustApi,
            FailOn::Docs => Category::Docs,
        })
        .collect();
    let written = match format {
        DiffFormat::Text => write!(out, "{}", diff::text(&report)),
        DiffFormat::Markdown => write!(out, "{}", diff::markdown(&report)),
        DiffFormat::Json => writeln!(out, "{}", json(&report)),
        DiffFormat::Github => write!(out, "{}", diff::github(&report, &fail_on)),
        DiffFormat::Sarif => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&diff::sarif(&report, &fail_on)).unwrap_or_default()
        ),
    };
    if written.is_err() {
        return FAILED;
    }
    if report.breaks(&fail_on) { FAILED } else { OK }
}

fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

/// Writes the files of `dir` as they are at `rev` into a temporary
/// directory (git's own paths; nothing outside the directory is read).
fn from_git(dir: &Path, rev: &str) -> Result<tempfile::TempDir, String> {
    if rev.starts_with('-') {
        return Err("a revision cannot start with `-`".into());
    }
    let git = |args: &[&str]| -> Result<Vec<u8>, String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    };
    let listing = git(&["ls-tree", "-r", "-z", "--name-only", rev, "--", "."])?;
    let tmp =
        tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let mut count = 0;
    for name in listing.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name =
            String::from_utf8(name.to_vec()).map_err(|_| "a file name is not UTF-8".to_string())?;
        // The specs and the name lock beside them (without it the old
        // names would be given afresh and read as renames).
        let lock = name == gatespec_codegen::load::LOCK_FILE;
        if !(name.ends_with(".yaml") || name.ends_with(".yml") || lock) {
            continue;
        }
        // Git never stores `..` or absolute paths; refuse them anyway.
        let rel = Path::new(&name);
        if rel
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(format!("unexpected path {name:?} in the revision"));
        }
        let bytes = git(&["show", &format!("{rev}:./{name}")])?;
        let path = tmp.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
        count += 1;
    }
    if count == 0 {
        return Err(format!(
            "no spec files under {} at that revision",
            dir.display()
        ));
    }
    Ok(tmp)
}
