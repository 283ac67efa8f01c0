//! Helpers shared by the integration tests.

pub mod harness;

use std::path::{Path, PathBuf};

use gatespec_codegen::{Compiled, compile_dirs};

/// The repository root (the tests crate lives in `tests/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the `gatespec` CLI in process with `args` (without the program
/// name): the exit code, standard output and standard error.
pub fn gatespec(args: &[&str]) -> (u8, String, String) {
    let mut argv = vec!["gatespec".into()];
    argv.extend(args.iter().map(|a| (*a).into()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = gatespec_cli::run(argv, &mut out, &mut err);
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// The compiled specs of the repository, compiled once per test binary.
pub fn specs() -> &'static Compiled {
    static SPECS: std::sync::OnceLock<Compiled> = std::sync::OnceLock::new();
    SPECS.get_or_init(|| match compile_dirs(&[&root().join("specs")]) {
        Ok(c) => c,
        Err(f) => panic!("specs/ does not check:\n{}", f.rendered),
    })
}

/// A validator for a published schema, with formats asserted.
pub fn validator(schema: &serde_json::Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}

/// What one validator decided: the typed value's JSON and warnings, or the
/// violations.
pub type Verdict =
    Result<(serde_json::Value, Vec<gatespec_runtime::Violation>), gatespec_runtime::Report>;

/// Runs the generated validator of an operation's body (from the client
/// crate) on JSON bytes. The client crate dispatches on the operation id,
/// so a new method is covered without an edit here.
pub fn generated(op: &str, role: gatespec_codegen::ir::BodyRole, bytes: &[u8]) -> Verdict {
    match gatespec_client::validate_body(op, role, bytes) {
        Some(verdict) => verdict.map(|v| (v.value, v.warnings)),
        None => panic!(
            "the client crate has no {} validator for {op}: run `cargo run -p gatespec-cli --bin gatespec -- generate`",
            role.as_str()
        ),
    }
}

/// The published schema of one body of `ir` (its shared types named from
/// the whole spec set, as `gatespec generate` names them).
pub fn schema(
    compiled: &Compiled,
    method: &gatespec_codegen::ir::Method,
    op: &gatespec_codegen::ir::Operation,
    role: gatespec_codegen::ir::BodyRole,
    body: &gatespec_codegen::ir::Body,
) -> serde_json::Value {
    gatespec_codegen::emit::schema::body_schema(&compiled.types, method, op, role, body)
}

/// `node` with a local `$ref` (`#/$defs/Name`) followed within `root`, the
/// schema file it belongs to.
pub fn deref<'a>(
    root: &'a serde_json::Value,
    node: &'a serde_json::Value,
) -> &'a serde_json::Value {
    match node.get("$ref").and_then(serde_json::Value::as_str) {
        Some(r) => {
            let pointer = r
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("non-local $ref {r}"));
            root.pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {r}"))
        }
        None => node,
    }
}

/// Copies a directory tree of regular files.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
