//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use gatespec_codegen::{Compiled, compile_dirs};

/// The repository root (the tests crate lives in `tests/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The compiled specs of the repository.
pub fn specs() -> Compiled {
    match compile_dirs(&[&root().join("specs")]) {
        Ok(c) => c,
        Err(f) => panic!("specs/ does not check:\n{}", f.rendered),
    }
}

/// A validator for a published schema, with formats asserted.
pub fn validator(schema: &serde_json::Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}
