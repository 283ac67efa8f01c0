//! A crate a team can take away (`gatespec generate --crate NAME`): the
//! generated items of a selection of methods, with its own package
//! metadata, its cargo features, a README of what it covers, and a copy of
//! the runtime beside it (`gatespec-runtime/`) whose manifest spells every
//! dependency version out. Nothing inherits from this workspace, so the
//! directory builds wherever it is put, can be vendored, or published to a
//! team's own registry (the runtime first).

use toml::{Table, Value};

use super::client_crate as client;
use crate::format;
use crate::ir::Ir;

/// The runtime's sources, as this build of gatespec has them.
const RUNTIME_SOURCES: &[(&str, &str)] = &[
    ("src/lib.rs", include_str!("../../../../runtime/src/lib.rs")),
    (
        "src/callback.rs",
        include_str!("../../../../runtime/src/callback.rs"),
    ),
    (
        "src/closed.rs",
        include_str!("../../../../runtime/src/closed.rs"),
    ),
    (
        "src/client.rs",
        include_str!("../../../../runtime/src/client.rs"),
    ),
    (
        "src/general.rs",
        include_str!("../../../../runtime/src/general.rs"),
    ),
    (
        "src/pointer.rs",
        include_str!("../../../../runtime/src/pointer.rs"),
    ),
    (
        "src/rejection.rs",
        include_str!("../../../../runtime/src/rejection.rs"),
    ),
    (
        "src/signature.rs",
        include_str!("../../../../runtime/src/signature.rs"),
    ),
    (
        "src/signature/ambiguity.rs",
        include_str!("../../../../runtime/src/signature/ambiguity.rs"),
    ),
    (
        "src/signature/canon.rs",
        include_str!("../../../../runtime/src/signature/canon.rs"),
    ),
    (
        "src/signature/scan.rs",
        include_str!("../../../../runtime/src/signature/scan.rs"),
    ),
    (
        "src/signature/numbers.rs",
        include_str!("../../../../runtime/src/signature/numbers.rs"),
    ),
    (
        "src/signature/tests.rs",
        include_str!("../../../../runtime/src/signature/tests.rs"),
    ),
    (
        "src/signature/ser.rs",
        include_str!("../../../../runtime/src/signature/ser.rs"),
    ),
    (
        "src/timing.rs",
        include_str!("../../../../runtime/src/timing.rs"),
    ),
    (
        "src/validate/entry.rs",
        include_str!("../../../../runtime/src/validate/entry.rs"),
    ),
    (
        "src/validate/report.rs",
        include_str!("../../../../runtime/src/validate/report.rs"),
    ),
    (
        "src/validate/formats.rs",
        include_str!("../../../../runtime/src/validate/formats.rs"),
    ),
    (
        "src/validate/lenient.rs",
        include_str!("../../../../runtime/src/validate/lenient.rs"),
    ),
    (
        "src/validate/loose.rs",
        include_str!("../../../../runtime/src/validate/loose.rs"),
    ),
    (
        "src/validate/object_macro.rs",
        include_str!("../../../../runtime/src/validate/object_macro.rs"),
    ),
    (
        "src/validate/mod.rs",
        include_str!("../../../../runtime/src/validate/mod.rs"),
    ),
    (
        "src/validate/path.rs",
        include_str!("../../../../runtime/src/validate/path.rs"),
    ),
    (
        "src/validate/profile.rs",
        include_str!("../../../../runtime/src/validate/profile.rs"),
    ),
    (
        "src/validate/rules.rs",
        include_str!("../../../../runtime/src/validate/rules.rs"),
    ),
    (
        "src/validate/strict.rs",
        include_str!("../../../../runtime/src/validate/strict.rs"),
    ),
];

const RUNTIME_MANIFEST: &str = include_str!("../../../../runtime/Cargo.toml");
const WORKSPACE_MANIFEST: &str = include_str!("../../../../Cargo.toml");

/// The runtime source files the crate carries (for a test that holds the
/// list to the runtime's directory).
pub fn runtime_sources() -> impl Iterator<Item = &'static str> {
    RUNTIME_SOURCES.iter().map(|(p, _)| *p)
}

/// The files of the crate `name`, by path relative to its directory, or
/// why it cannot be written.
pub fn files(
    compiled: &crate::compiled::Compiled,
    name: &str,
) -> Result<Vec<(String, String)>, String> {
    let (ir, types) = (&compiled.ir, &compiled.types);
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        || !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || name == "gatespec-runtime"
    {
        return Err(format!(
            "`{name}` is not a crate name: use ASCII letters, digits, `-` and `_`, starting with a letter (and not gatespec-runtime)"
        ));
    }
    let (package, runtime) = manifests()?;
    let version = package_field(&package, "version").unwrap_or_else(|| "0.1.0".into());
    let edition = package_field(&package, "edition").unwrap_or_else(|| "2024".into());
    let rust_version = package_field(&package, "rust-version").unwrap_or_else(|| "1.88".into());
    let license = package_field(&package, "license").unwrap_or_else(|| "MIT OR Apache-2.0".into());
    let ops: Vec<&str> = ir.operations().map(|(_, o)| o.full_id.as_str()).collect();
    let cargo = format!(
        "{}[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"{edition}\"\nrust-version = \"{rust_version}\"\nlicense = \"{license}\"\ndescription = \"Typed requests, callbacks and validators of {} payment operations, generated by gatespec.\"\n\n[dependencies]\ngatespec-runtime = {{ version = \"{version}\", path = \"gatespec-runtime\", default-features = false }}\n\n{}\n[lints.rust]\nmissing_docs = \"deny\"\n",
        format::toml_preamble(),
        ops.len(),
        client::features(ir, types)
    );
    let (items, methods) = super::emit_files(ir, types, super::Options { features: true });
    let lib = format!(
        "{}//! Typed requests, responses and callbacks of the payment methods this\n//! crate was generated for (see README.md), one module per brand and method.\n//! The runtime's types a caller names are re-exported.\n\n#[rustfmt::skip]\nmod items;\n\npub use items::*;\n\n{}",
        format::rust_preamble(),
        client::RUNTIME_EXPORTS
    );
    let mut out = vec![
        ("Cargo.toml".to_string(), cargo),
        ("src/lib.rs".to_string(), lib),
        ("src/items.rs".to_string(), format::rust_file(&items)),
        ("README.md".to_string(), readme(ir, name)),
        ("gatespec-runtime/Cargo.toml".to_string(), runtime),
    ];
    out.extend(client::method_files("src/items", methods));
    for (path, text) in RUNTIME_SOURCES {
        out.push((format!("gatespec-runtime/{path}"), (*text).to_string()));
    }
    Ok(out)
}

/// The workspace's `[workspace.package]` and the runtime's manifest with
/// every inherited field and dependency written out.
fn manifests() -> Result<(Table, String), String> {
    let workspace: Table = WORKSPACE_MANIFEST
        .parse()
        .map_err(|e| format!("the workspace manifest does not parse: {e}"))?;
    let ws = workspace.get("workspace").and_then(Value::as_table);
    let package = ws
        .and_then(|w| w.get("package"))
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    let deps = ws
        .and_then(|w| w.get("dependencies"))
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    let mut runtime: Table = RUNTIME_MANIFEST
        .parse()
        .map_err(|e| format!("the runtime manifest does not parse: {e}"))?;
    if let Some(Value::Table(p)) = runtime.get_mut("package") {
        for (key, value) in p.iter_mut() {
            if is_inherited(value) {
                *value = package
                    .get(key)
                    .cloned()
                    .ok_or_else(|| format!("the workspace does not set package.{key}"))?;
            }
        }
        // A team publishes to its own registry.
        p.remove("publish");
    }
    if let Some(Value::Table(d)) = runtime.get_mut("dependencies") {
        for (key, value) in d.iter_mut() {
            if !is_inherited(value) {
                continue;
            }
            let mut spec = match deps.get(key) {
                Some(Value::String(v)) => {
                    let mut t = Table::new();
                    t.insert("version".into(), Value::String(v.clone()));
                    t
                }
                Some(Value::Table(t)) => t.clone(),
                _ => return Err(format!("the workspace does not define dependency `{key}`")),
            };
            // What the member adds to the workspace's definition.
            if let Value::Table(own) = value {
                for (k, v) in own.iter() {
                    if k != "workspace" {
                        spec.insert(k.clone(), v.clone());
                    }
                }
            }
            *value = Value::Table(spec);
        }
    }
    // Tests and lints stay with the workspace.
    runtime.remove("dev-dependencies");
    runtime.remove("lints");
    let text =
        toml::to_string(&runtime).map_err(|e| format!("cannot write the runtime manifest: {e}"))?;
    Ok((package, format!("{}{text}", format::toml_preamble())))
}

fn is_inherited(value: &Value) -> bool {
    value
        .as_table()
        .and_then(|t| t.get("workspace"))
        .and_then(Value::as_bool)
        == Some(true)
}

fn package_field(package: &Table, key: &str) -> Option<String> {
    package.get(key).and_then(Value::as_str).map(str::to_string)
}

fn readme(ir: &Ir, name: &str) -> String {
    let mut text = format!(
        "{}# {name}\n\nGenerated by gatespec from its YAML specs: the typed requests, responses and\ncallbacks of the operations below, with their validators, and a copy of the\nruntime they need (`gatespec-runtime/`). It inherits nothing from the\nrepository it came from: vendor the directory, or publish `gatespec-runtime`\nand then this crate to your own registry.\n\n## Features\n\nEach method is a cargo feature (`<brand>-<method>`), each brand one that\nenables its methods, `all` every method, and `client` the Gate's HTTP client\n(reqwest). The default is `client` and `all`. A service that only validates\nrequests and verifies callbacks uses `default-features = false` with the\nfeatures of its methods and builds without an HTTP stack.\n\n## Operations\n\n| operation | method | endpoint | feature |\n|---|---|---|---|\n",
        format::markdown_preamble()
    );
    for (m, op) in ir.operations() {
        let endpoint = op
            .endpoint
            .as_ref()
            .map(|e| format!("`{} {}`", e.method.as_str(), e.path))
            .unwrap_or_else(|| "Payment Page".into());
        text.push_str(&format!(
            "| `{}` | {} ({}) | {endpoint} | `{}` |\n",
            op.full_id,
            m.name,
            m.brand_name,
            crate::naming::method_feature(&m.brand, &m.id)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_copy_is_complete() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/src");
        let mut on_disk = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("runtime/src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let rel = path
                        .strip_prefix(root.parent().expect("runtime"))
                        .expect("under runtime");
                    on_disk.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = runtime_sources().map(str::to_string).collect();
        listed.sort();
        assert_eq!(
            listed, on_disk,
            "list every runtime source in RUNTIME_SOURCES"
        );
    }

    #[test]
    fn the_runtime_manifest_spells_versions_out() {
        let (_, text) = manifests().expect("manifests");
        assert!(!text.contains("workspace"), "{text}");
        let parsed: Table = text.parse().expect("TOML");
        let deps = parsed["dependencies"].as_table().expect("dependencies");
        assert!(deps.values().all(|d| d.get("version").is_some()), "{text}");
        assert_eq!(
            deps["reqwest"].get("optional").and_then(Value::as_bool),
            Some(true)
        );
    }
}
