//! The client crate's cargo features: a service that only validates and
//! verifies callbacks (one method's feature, no `client`) builds without an
//! HTTP stack or a JSON Schema engine, and every method has its feature.
//! `.ci/run` builds each feature alone and all together.

use crate::common;

use std::process::Command;

/// The normal (non-dev) dependencies of the client crate with `features`.
fn dependencies(features: &[&str]) -> Vec<String> {
    tree("gatespec-client", features)
}

/// The normal (non-dev) dependencies of `package` with `features` and no
/// default features.
fn tree(package: &str, features: &[&str]) -> Vec<String> {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(common::root()).args([
        "tree",
        "--offline",
        "--locked",
        "-p",
        package,
        "-e",
        "normal",
        "--prefix",
        "none",
        "--no-default-features",
    ]);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    let out = cmd.output().expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn a_callback_only_consumer_has_no_http_stack() {
    let compiled = common::specs();
    let heavy = ["reqwest", "tokio", "rustls", "hyper", "jsonschema"];
    for m in &compiled.ir.methods {
        let feature = gatespec_codegen::naming::method_feature(&m.brand, &m.id);
        let deps = dependencies(&[&feature]);
        assert!(deps.contains(&"gatespec-runtime".to_string()), "{deps:?}");
        for h in heavy {
            assert!(
                !deps.iter().any(|d| d == h),
                "{feature} pulls in {h}: {deps:?}"
            );
        }
    }
    let full = dependencies(&["client", "all"]);
    assert!(full.iter().any(|d| d == "reqwest"), "{full:?}");
}

#[test]
fn every_method_has_its_feature() {
    let cargo = std::fs::read_to_string(common::root().join("generated/client/Cargo.toml"))
        .expect("the client crate's manifest");
    for m in &common::specs().ir.methods {
        let feature = gatespec_codegen::naming::method_feature(&m.brand, &m.id);
        assert!(
            cargo.contains(&format!("\n{feature} = [")),
            "no feature {feature}"
        );
    }
}

/// The macro and build scripts run the generator in other people's builds:
/// the generator library must not bring the CLI's parser, its temporary
/// files, its allocator or the sandbox's server and database with it.
#[test]
fn the_generator_library_has_no_cli_or_server_dependencies() {
    for package in ["gatespec-macros", "gatespec-codegen"] {
        let deps = tree(package, &[]);
        assert!(deps.iter().any(|d| d == "syn"), "{package}: {deps:?}");
        for heavy in [
            "clap",
            "tempfile",
            "mimalloc",
            "axum",
            "rusqlite",
            "gatespec-sandbox",
        ] {
            assert!(
                !deps.iter().any(|d| d == heavy),
                "{package} depends on {heavy}: {deps:?}"
            );
        }
    }
}
