//! What a consumer's build costs, printed (not a timed test):
//!
//! 1. The client crate of 1,000 synthetic methods (three brands, one in ten
//!    a purchase with a refund) built with one method's feature on, against
//!    a crate generated from that one method alone: the time `cargo build`
//!    takes for the crate itself once its dependencies are built. A
//!    feature's cost should not grow with the catalogue (target: 1.3x).
//! 2. A clean build of a callback-only consumer (one method, no `client`)
//!    next to a full client consumer (one method with `client`).
//!
//! `cargo bench -p gatespec-codegen --bench compile_cost` (several minutes;
//! it builds offline from the local registry cache, with the workspace's
//! lock file).

mod synth;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Writes the standalone crate of `selection` of `compiled` into `dir`.
fn write_crate(compiled: &gatespec_codegen::Compiled, selection: &[String], dir: &Path) {
    let selected = compiled.select(selection).expect("selection");
    let files =
        gatespec_codegen::emit::rust::standalone::files(&selected, "consumer").expect("crate");
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("directory");
        std::fs::write(path, text).expect("write");
    }
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock");
}

/// Runs `cargo build` in `dir` and returns the wall time in seconds.
fn build(dir: &Path, target: &Path, features: &[&str], default: bool) -> f64 {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "--offline", "--quiet"]);
    if !default {
        cmd.arg("--no-default-features");
    }
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    let start = Instant::now();
    let status = cmd.status().expect("cargo runs");
    assert!(status.success(), "cargo build failed in {}", dir.display());
    start.elapsed().as_secs_f64()
}

/// The crate's own rebuild time: its source touched, dependencies built.
fn rebuild(dir: &Path, target: &Path, features: &[&str]) -> f64 {
    build(dir, target, features, false);
    let mut times: Vec<f64> = (0..3)
        .map(|_| {
            let lib = dir.join("src/items.rs");
            let text = std::fs::read_to_string(&lib).expect("items");
            std::fs::write(&lib, text).expect("touch");
            build(dir, target, features, false)
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[1]
}

fn main() {
    let work = tempfile::tempdir().expect("temporary directory");
    let specs = work.path().join("specs");
    synth::write_mixed(&root().join("specs"), &specs, 1000, true).expect("synthetic specs");
    let compiled =
        gatespec_codegen::compile_dirs(&[&specs]).unwrap_or_else(|f| panic!("{}", f.rendered));
    let method = compiled
        .ir
        .methods
        .iter()
        .find(|m| m.id.ends_with("0001"))
        .expect("a method");
    let selector = format!("{}/{}", method.brand, method.id);
    let feature = gatespec_codegen::naming::method_feature(&method.brand, &method.id);
    let target = work.path().join("target");

    let all = work.path().join("all");
    let one = work.path().join("one");
    write_crate(&compiled, &[], &all);
    write_crate(&compiled, &[selector], &one);
    // Every generated source file of the crate (items.rs and the methods').
    fn lines_under(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| {
                let path = e.path();
                if path.is_dir() {
                    lines_under(&path)
                } else {
                    std::fs::read_to_string(&path).map_or(0, |t| t.lines().count())
                }
            })
            .sum()
    }
    let lines = |d: &Path| lines_under(&d.join("src"));
    let t_all = rebuild(&all, &target, &[&feature]);
    let t_one = rebuild(&one, &target, &[&feature]);
    println!(
        "crate build with one method's feature on (median of 3 rebuilds, dependencies built):"
    );
    println!("  1,000-method crate ({} lines): {t_all:.2} s", lines(&all));
    println!("  one-method crate ({} lines):   {t_one:.2} s", lines(&one));
    println!("  ratio: {:.2}x (target 1.3x)", t_all / t_one);

    let clean = |name: &str, default: bool| {
        let target = work.path().join(format!("target-{name}"));
        build(&one, &target, &[&feature], default)
    };
    let callbacks = clean("callbacks", false);
    let full = clean("full", true);
    println!("clean build of a one-method consumer:");
    println!("  callback-only (no client feature): {callbacks:.1} s");
    println!("  full client (reqwest, tokio, rustls): {full:.1} s");
}
