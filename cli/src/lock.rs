//! The name lock beside the specs (`<specs>/names.lock`): written by a
//! full `generate`, compared by `generate --check`, explained by `check`.

use std::io::Write;
use std::path::Path;

use gatespec_codegen::Compiled;
use gatespec_codegen::format::REGENERATE;
use gatespec_codegen::typespace::lock::FILE;

/// What the lock file should hold for `compiled`.
fn wanted(compiled: &Compiled) -> String {
    compiled.types.lock().render()
}

/// Writes the lock when it differs (through a file beside it, renamed over
/// it, so a failure leaves the old one); with `check`, reports a stale lock
/// instead. Returns whether all is well.
pub fn sync(compiled: &Compiled, specs: &Path, check: bool, err: &mut dyn Write) -> bool {
    let path = specs.join(FILE);
    let text = wanted(compiled);
    let current = std::fs::read_to_string(&path).ok();
    if current.as_deref() == Some(text.as_str()) {
        return true;
    }
    if check {
        let _ = writeln!(
            err,
            "error: {} is not up to date with the specs (new or removed types)\nhelp: run `{REGENERATE}` and commit {}",
            path.display(),
            path.display()
        );
        return false;
    }
    let temp = specs.join(format!(".{FILE}.tmp"));
    let written = std::fs::write(&temp, &text).and_then(|()| std::fs::rename(&temp, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
        return false;
    }
    true
}

/// Says, for each type the specs alone would now name differently, which
/// name the lock keeps and how to rename it on purpose.
pub fn explain(compiled: &Compiled, specs: &Path, out: &mut dyn Write) {
    let path = specs.join(FILE);
    for r in &compiled.types.renames {
        let _ = writeln!(
            out,
            "note: {}: the type the lock names `{}` (schema `{}`) would be named `{}` (schema `{}`) by the specs alone; the lock keeps it\n  = help: to rename it, edit the line \"{}\" under `{}` in {} (or delete the line to take the specs' name), then run `{REGENERATE}`; `gatespec diff` reports the rename",
            r.brand,
            r.kept,
            r.kept_schema,
            r.derived,
            r.derived_schema,
            r.identity,
            r.brand,
            path.display()
        );
    }
    // Names the lock holds for identities no type has now: a type whose
    // shape changed has a new identity, and `generate` would drop the old
    // line (and a name given by hand with it).
    let current = compiled.types.lock();
    for (brand, entries) in &compiled.lock.brands {
        for (identity, entry) in entries {
            if current
                .brands
                .get(brand)
                .is_none_or(|e| !e.contains_key(identity))
            {
                let _ = writeln!(
                    out,
                    "note: {brand}: the lock's `{}` (\"{identity}\") names no type now; `generate` drops the line\n  = help: if a type changed shape and should keep that name, give its new line `rust: {}` and `schema: {}` in {}",
                    entry.rust,
                    entry.rust,
                    entry.schema,
                    path.display()
                );
            }
        }
    }
    let held = std::fs::read_to_string(&path).ok();
    if held.as_deref() != Some(current.render().as_str()) {
        let _ = writeln!(
            out,
            "note: {} does not hold every current name yet; `{REGENERATE}` writes it",
            path.display()
        );
    }
}
