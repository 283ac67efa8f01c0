//! Emitters: one module per output format, each a pure function of the IR
//! and its type space.

pub mod docs;
mod docs_behaviour;
pub mod manifest;
pub mod rust;
pub mod schema;

use std::collections::BTreeMap;

use crate::compiled::Compiled;
use crate::format;

/// Every file of `generated/`, by path relative to it, in a stable order.
pub fn outputs(compiled: &Compiled) -> BTreeMap<String, String> {
    let Compiled { ir, types, .. } = compiled;
    let mut files = BTreeMap::new();
    files.insert(
        "schemas/spec.schema.json".to_string(),
        format::json(&crate::spec_schema::spec_schema()),
    );
    let ops: Vec<_> = ir.operations().collect();
    // Schemas and pages are independent of each other: built in parallel,
    // gathered in order.
    let schemas = crate::parallel::map(&ops, |(method, op)| {
        op.bodies()
            .map(|(role, body)| {
                let path = format!(
                    "schemas/{}/{}/{}.{}.json",
                    method.brand,
                    method.id,
                    op.id,
                    role.as_str()
                );
                let schema = schema::body_schema(types, method, op, role, body);
                let text = format::json(&schema);
                let entry = schema::index_entry(op, role, &path, &schema, &text);
                (method.brand.as_str(), path, text, entry, schema)
            })
            .collect::<Vec<_>>()
    });
    let schemas: Vec<_> = schemas.into_iter().flatten().collect();
    let mut bundles = Vec::new();
    for brand in &ir.brands {
        let own: Vec<&serde_json::Value> = schemas
            .iter()
            .filter(|s| s.0 == brand.id)
            .map(|s| &s.4)
            .collect();
        if own.is_empty() {
            continue;
        }
        let path = schema::bundle::path(&brand.id);
        let text = format::json(&schema::bundle::document(&brand.id, &brand.name, &own));
        bundles.push(serde_json::json!({
            "$id": schema::bundle::id(&brand.id),
            "brand": brand.id,
            "path": path.strip_prefix("schemas/").unwrap_or(&path),
            "sha256": format::digest(text.as_bytes()),
        }));
        files.insert(path, text);
    }
    let mut index = Vec::new();
    for (_, path, text, entry, _) in schemas {
        index.push(entry);
        files.insert(path, text);
    }
    files.insert(
        "schemas/index.json".to_string(),
        format::json(&schema::index(index, bundles)),
    );
    for (brand, doc) in schema::openapi::documents(ir, types) {
        files.insert(schema::openapi::path(&brand), format::json(&doc));
    }
    files.insert("docs/README.md".to_string(), docs::index(ir));
    let pages = crate::parallel::map(&ir.methods, |m| {
        (
            format!("docs/{}", docs::method_page_path(m)),
            docs::method_page(m),
        )
    });
    files.extend(pages);
    for (path, text) in rust::client_crate::files(ir, types) {
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
