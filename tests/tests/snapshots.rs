//! Snapshots of every emitter for every spec: the Rust module of each
//! method, the JSON Schema of each body, the Markdown of each method and
//! the index, and the spec format's own schema.

mod common;

use gatespec_codegen::emit::{docs, rust, schema, spec_schema};
use gatespec_codegen::format;

#[test]
fn rust_per_method() {
    for m in &common::specs().ir.methods {
        let text = format::rust_file(&rust::method_module(m));
        insta::assert_snapshot!(format!("rust_{}_{}", m.brand, m.id), text);
    }
}

#[test]
fn json_schema_per_body() {
    let ir = common::specs().ir;
    for (m, op) in ir.operations() {
        for (role, body) in op.bodies() {
            let s = schema::body_schema(m, op, role, body);
            insta::assert_snapshot!(
                format!("schema_{}_{}_{}_{}", m.brand, m.id, op.id, role.as_str()),
                format::json(&s)
            );
        }
    }
}

#[test]
fn docs_per_method_and_index() {
    let ir = common::specs().ir;
    insta::assert_snapshot!("docs_index", docs::index(&ir));
    for m in &ir.methods {
        insta::assert_snapshot!(format!("docs_{}_{}", m.brand, m.id), docs::method_page(m));
    }
}

#[test]
fn spec_format_schema() {
    insta::assert_snapshot!("spec_schema", format::json(&spec_schema::spec_schema()));
}
