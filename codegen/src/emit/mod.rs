//! Emitters: one module per output format, each a pure function of the IR.

pub mod client;
pub mod docs;
pub mod manifest;
pub mod rust;
pub mod schema;
pub mod spec_schema;
pub mod standalone;
pub mod types;
pub mod validate;

use std::collections::BTreeMap;

use crate::format;
use crate::ir::Ir;

/// Every file of `generated/`, by path relative to it, in a stable order.
pub fn outputs(ir: &Ir) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert(
        "schemas/spec.schema.json".to_string(),
        format::json(&spec_schema::spec_schema()),
    );
    let types = types::TypeTable::build(ir);
    let mut index = Vec::new();
    for (method, op) in ir.operations() {
        for (role, body) in op.bodies() {
            let path = format!(
                "schemas/{}/{}/{}.{}.json",
                method.brand,
                method.id,
                op.id,
                role.as_str()
            );
            let schema = schema::body_schema(&types, method, op, role, body);
            let text = format::json(&schema);
            index.push(schema::index_entry(op, role, &path, &schema, &text));
            files.insert(path, text);
        }
    }
    files.insert(
        "schemas/index.json".to_string(),
        format::json(&schema::index(index)),
    );
    files.insert("docs/README.md".to_string(), docs::index(ir));
    for m in &ir.methods {
        files.insert(
            format!("docs/{}", docs::method_page_path(m)),
            docs::method_page(m),
        );
    }
    for (path, text) in client::files(ir, &types) {
        files.insert(path, text);
    }
    with_manifest(files)
}

/// `files` and, last, the manifest that lists them all.
pub fn with_manifest(mut files: BTreeMap<String, String>) -> BTreeMap<String, String> {
    let listed = manifest::manifest(&files);
    files.insert(manifest::MANIFEST_PATH.to_string(), listed);
    files
}
