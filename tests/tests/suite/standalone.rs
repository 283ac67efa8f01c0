//! `gatespec generate --crate NAME --select ...` writes a crate a team can
//! take away: built here outside the workspace, with nothing inherited.

use crate::common;

use std::process::Command;

#[test]
fn a_standalone_crate_builds_outside_the_workspace() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let dir = tmp.path().join("team-payouts");
    let specs = common::root().join("specs");
    let compiled = common::specs();
    let method = &compiled.ir.methods[0];
    let selector = format!("{}/{}", method.brand, method.id);
    let (code, out, err) = common::gatespec(&[
        "generate",
        "--specs",
        specs.to_str().expect("UTF-8 path"),
        "--select",
        &selector,
        "--crate",
        "team-payouts",
        "--out",
        dir.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    // Nothing is inherited from a workspace.
    for manifest in ["Cargo.toml", "gatespec-runtime/Cargo.toml"] {
        let text = std::fs::read_to_string(dir.join(manifest)).expect("manifest");
        assert!(!text.contains(".workspace"), "{manifest}:\n{text}");
    }
    // One dependency suffices: the runtime's types a caller names are
    // re-exported (and compiled below).
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).expect("lib.rs");
    assert!(
        lib.contains("pub use gatespec_runtime::signature::SecretKey;"),
        "{lib}"
    );
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("README");
    for (m, op) in compiled.ir.operations() {
        assert_eq!(
            readme.contains(&format!("`{}`", op.full_id)),
            m.brand == method.brand && m.id == method.id,
            "{}",
            op.full_id
        );
    }
    // The workspace's lock pins the same versions the tests use; the crate's
    // build trims it to what it needs.
    std::fs::copy(common::root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock");
    let feature = gatespec_codegen::naming::method_feature(&method.brand, &method.id);
    let build = Command::new(env!("CARGO"))
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", common::root().join("target/standalone"))
        .args([
            "build",
            "--offline",
            "--quiet",
            "--no-default-features",
            "--features",
            &feature,
        ])
        .output()
        .expect("cargo runs");
    assert!(
        build.status.success(),
        "the standalone crate does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    // Running generate again changes nothing: the crate's files are owned.
    let (code, out, err) = common::gatespec(&[
        "generate",
        "--check",
        "--specs",
        specs.to_str().expect("UTF-8 path"),
        "--select",
        &selector,
        "--crate",
        "team-payouts",
        "--out",
        dir.to_str().expect("UTF-8 path"),
        "--keep-foreign",
    ]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn bad_selections_and_crate_names_are_usage_errors() {
    let specs = common::root().join("specs");
    let specs = specs.to_str().expect("UTF-8 path");
    let (code, _, err) = common::gatespec(&[
        "generate", "--specs", specs, "--select", "nobrand", "--check",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`nobrand` selects no method"), "{err}");
    let (code, _, err) = common::gatespec(&["generate", "--specs", specs, "--crate", "x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--crate needs --out"), "{err}");
    let tmp = tempfile::tempdir().expect("temporary directory");
    let out = tmp.path().join("c");
    let (code, _, err) = common::gatespec(&[
        "generate",
        "--specs",
        specs,
        "--crate",
        "../evil",
        "--out",
        out.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a crate name"), "{err}");
}
