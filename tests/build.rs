//! The build-script frontend: generates the specs' types into OUT_DIR, the
//! recipe a crate uses when it wants generated code without the macro.

use std::path::{Path, PathBuf};

fn generate(roots: &[&Path], out: &Path) {
    match gatespec_codegen::compile_dirs(roots) {
        Ok(compiled) => {
            for p in &compiled.paths {
                println!("cargo:rerun-if-changed={}", p.display());
            }
            let tokens = gatespec_codegen::emit::rust::emit(&compiled);
            let text = gatespec_codegen::format::rust_file(&tokens);
            if let Err(e) = std::fs::write(out, text) {
                panic!("cannot write {}: {e}", out.display());
            }
        }
        // A build script reports by failing; the rendered diagnostics say
        // where and why.
        Err(failure) => panic!("the specs do not check:\n{}", failure.rendered),
    }
}

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let specs = manifest.join("../specs");
    let fixture = manifest.join("fixtures/new-method");
    let edges = manifest.join("fixtures/edge-shapes");
    println!("cargo:rerun-if-changed={}", specs.display());
    println!("cargo:rerun-if-changed={}", fixture.display());
    println!("cargo:rerun-if-changed={}", edges.display());
    // A machine without Chromium may opt out of the browser test; the test
    // is then reported as ignored, not as passed.
    println!("cargo::rustc-check-cfg=cfg(browser_skipped)");
    println!("cargo:rerun-if-env-changed=GATESPEC_BROWSER");
    if std::env::var("GATESPEC_BROWSER").as_deref() == Ok("skip") {
        println!("cargo:rustc-cfg=browser_skipped");
    }
    generate(&[&specs], &out.join("gatespec.rs"));
    generate(&[&specs, &fixture], &out.join("with_new_method.rs"));
    generate(&[&specs, &edges], &out.join("edge_shapes.rs"));
}
