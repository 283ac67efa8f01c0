//! Adding a method changes nothing that exists (issue 22, item 1): the
//! catalogue is generated, one method of each kind is added
//! (`fixtures/catalogue-growth`), and the catalogue is generated again. No
//! generated file that existed changes except the listings, and every name
//! the lock held is still the same type's name.

use std::collections::BTreeMap;
use std::path::Path;

use gatespec_codegen::Compiled;
use gatespec_codegen::emit::outputs;

/// The files that list the catalogue: they change when a method comes.
fn is_listing(path: &str) -> bool {
    let brand_level = |dir: &str, ext: &str| {
        path.strip_prefix(dir)
            .and_then(|rest| rest.strip_suffix(ext))
            .is_some_and(|brand| !brand.contains('/'))
    };
    matches!(
        path,
        // Features; the brands' modules, their method lists, every
        // operation id and the dispatch over them.
        "client/Cargo.toml"
            | "client/src/items.rs"
            | "schemas/index.json"
            | "docs/README.md"
            | ".gatespec-manifest"
    ) || brand_level("openapi/", ".json")
        || brand_level("schemas/", ".bundle.json")
}

fn compile(roots: &[&Path]) -> Compiled {
    gatespec_codegen::compile_dirs(roots).unwrap_or_else(|f| panic!("{}", f.rendered))
}

fn grown_by(
    kind: &str,
) -> (
    BTreeMap<String, String>,
    BTreeMap<String, String>,
    Compiled,
    Compiled,
) {
    let specs = Path::new("../specs");
    let fixture = Path::new("fixtures/catalogue-growth").join(kind);
    let before = compile(&[specs]);
    let after = compile(&[specs, &fixture]);
    assert!(
        after.ir.methods.len() > before.ir.methods.len(),
        "{kind}: the fixture adds a method"
    );
    (outputs(&before), outputs(&after), before, after)
}

fn kinds() -> Vec<String> {
    let mut kinds: Vec<String> = std::fs::read_dir("fixtures/catalogue-growth")
        .expect("fixtures/catalogue-growth")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    kinds.sort();
    assert!(
        kinds.len() >= 3,
        "one fixture per kind of method: {kinds:?}"
    );
    kinds
}

#[test]
fn adding_a_method_changes_only_the_listings() {
    let mut problems = Vec::new();
    for kind in kinds() {
        let (before, after, _, _) = grown_by(&kind);
        let mut added = 0;
        for (path, text) in &before {
            match after.get(path) {
                None => problems.push(format!("{kind}: {path} is gone")),
                Some(now) if now != text && !is_listing(path) => {
                    let line = text
                        .lines()
                        .zip(now.lines())
                        .position(|(a, b)| a != b)
                        .map_or(0, |i| i + 1);
                    problems.push(format!("{kind}: {path} changed (first at line {line})"));
                }
                Some(_) => {}
            }
        }
        for path in after.keys() {
            if !before.contains_key(path) {
                added += 1;
            }
        }
        assert!(added > 0, "{kind}: the new method adds files");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn adding_a_method_keeps_every_locked_name() {
    for kind in kinds() {
        let (_, _, before, after) = grown_by(&kind);
        let (old, new) = (before.types.lock(), after.types.lock());
        for (brand, entries) in &old.brands {
            for (identity, entry) in entries {
                let now = new.brands.get(brand).and_then(|e| e.get(identity));
                assert_eq!(now, Some(entry), "{kind}: {brand} {identity} was {entry:?}");
            }
        }
        assert!(
            after.types.renames.is_empty(),
            "{kind}: {:?}",
            after.types.renames
        );
    }
}

#[test]
fn the_committed_lock_holds_every_name() {
    let compiled = compile(&[Path::new("../specs")]);
    let committed = std::fs::read_to_string("../specs/names.lock").expect("specs/names.lock");
    assert_eq!(
        compiled.types.lock().render(),
        committed,
        "specs/names.lock is stale: run `{}`",
        gatespec_codegen::format::REGENERATE
    );
}

#[test]
fn a_lock_that_does_not_read_is_reported_at_its_line() {
    use gatespec_codegen::load::SourceText;
    let text = |rel: &str| SourceText {
        name: rel.into(),
        rel: rel.into(),
        text: std::fs::read_to_string(Path::new("../specs").join(rel)).expect(rel),
    };
    let texts = vec![
        text("brands.yaml"),
        text("shared.yaml"),
        text("monetix/sbp-p2p.yaml"),
        SourceText {
            name: "names.lock".into(),
            rel: "names.lock".into(),
            text: "brands:\n  monetix:\n    \"x\": {rust: a, schema: b, colour: red}\n".into(),
        },
    ];
    let failure = gatespec_codegen::compile_texts(texts).expect_err("a broken lock fails");
    assert!(
        failure.rendered.contains("names.lock:3:")
            && failure.rendered.contains("the name lock does not read: ")
            && failure.rendered.contains("colour"),
        "{}",
        failure.rendered
    );
}

/// The lock as a team uses it: a name changed by hand is kept by
/// `generate` and explained by `check`; a line whose type is gone is named
/// by `check` and dropped by `generate`.
#[test]
fn check_explains_the_lock_and_generate_keeps_its_names() {
    let dir = tempfile::tempdir().expect("temp");
    let specs = dir.path().join("specs");
    crate::common::copy_dir(&crate::common::root().join("specs"), &specs);
    let lock_path = specs.join("names.lock");
    let lock = std::fs::read_to_string(&lock_path).expect("lock");
    let renamed = lock.replacen(
        "rust: monetix::smp_p2p_kz::types::Account,",
        "rust: monetix::smp_p2p_kz::types::PhoneAccount,",
        1,
    );
    assert_ne!(renamed, lock, "the lock names smp-p2p-kz's account");
    let stale = renamed.replacen(
        "  monetix:\n",
        "  monetix:\n    \"gone:payout.request:wallet\": {rust: monetix::gone::types::Wallet, schema: GoneWallet}\n",
        1,
    );
    std::fs::write(&lock_path, &stale).expect("write");
    let shown = specs.display().to_string();
    let (code, out, err) = crate::common::gatespec(&["check", "--specs", &shown]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("the type the lock names `PhoneAccount` (schema `SmpP2pKzAccount`) would be named `Account`"),
        "{out}"
    );
    assert!(
        out.contains("the lock's `monetix::gone::types::Wallet` (\"gone:payout.request:wallet\") names no type now"),
        "{out}"
    );
    let out_dir = dir.path().join("generated");
    let shown_out = out_dir.display().to_string();
    let (code, _, err) =
        crate::common::gatespec(&["generate", "--specs", &shown, "--out", &shown_out]);
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(&lock_path).expect("lock");
    assert!(written.contains("monetix::smp_p2p_kz::types::PhoneAccount"));
    assert!(!written.contains("gone:payout.request:wallet"));
    let client = std::fs::read_to_string(out_dir.join("client/src/items/monetix/smp_p2p_kz.rs"))
        .expect("client");
    assert!(
        client.contains("pub struct PhoneAccount"),
        "the lock's name is the type's"
    );
    // Now the lock holds every name: generate --check agrees.
    let (code, _, err) = crate::common::gatespec(&[
        "generate", "--specs", &shown, "--out", &shown_out, "--check",
    ]);
    assert_eq!(code, 0, "{err}");
}
