//! One JSON Schema document per brand (`schemas/<brand>.bundle.json`):
//! every type of the brand once, under its brand-wide name, and every
//! body's root under its title, so a code generator given the bundle
//! writes one class per name. The per-operation files stay as standalone
//! entry points; the index lists both.

use serde_json::{Map, Value, json};

use super::DRAFT;
use crate::format::JSON_PREAMBLE;

/// The bundle's path under `generated/`.
pub fn path(brand: &str) -> String {
    format!("schemas/{brand}.bundle.json")
}

/// The bundle's `$id`.
pub fn id(brand: &str) -> String {
    format!("urn:gatespec:{brand}")
}

/// The bundle of a brand from its per-operation schemas (in spec order):
/// their definitions merged (one name is one type: the type space gives
/// each name to one shape) and their roots added by title.
pub fn document(brand: &str, brand_name: &str, schemas: &[&Value]) -> Value {
    let mut defs = Map::new();
    for schema in schemas {
        let Value::Object(root) = schema else {
            continue;
        };
        if let Some(Value::Object(inner)) = root.get("$defs") {
            for (name, def) in inner {
                defs.entry(name.clone()).or_insert_with(|| def.clone());
            }
        }
        let mut own = root.clone();
        // A definition inside a bundle has no `$id` (it would rebase the
        // references inside it), no draft and no definitions of its own.
        for k in ["$schema", "$id", "$comment", "$defs"] {
            own.remove(k);
        }
        if let Some(Value::String(title)) = own.get("title").cloned() {
            defs.insert(title, Value::Object(own));
        }
    }
    let mut defs = Value::Object(defs);
    plain_refs(&mut defs);
    json!({
        "$schema": DRAFT,
        "$id": id(brand),
        "$comment": JSON_PREAMBLE,
        "title": format!("{brand_name}Gate"),
        "description": format!("Every body of {brand_name}'s Gate operations and callbacks, and every type they use, each once under its name in `$defs`. Validate a body against `#/$defs/<title>` (the title is the per-operation schema's); a code generator given this file writes one class per name."),
        "$defs": defs,
    })
}

/// A reference with words beside it (`{"$ref": ..., "description": ...}`)
/// becomes `{"description": ..., "allOf": [{"$ref": ...}]}`: the same rule,
/// and json-schema-to-typescript, which merges the words into a copy of the
/// referenced type (`General1`), then names the type itself.
fn plain_refs(node: &mut Value) {
    match node {
        Value::Object(o) => {
            o.values_mut().for_each(plain_refs);
            if o.len() > 1
                && let Some(r) = o.remove("$ref")
            {
                o.insert("allOf".into(), json!([{ "$ref": r }]));
            }
        }
        Value::Array(a) => a.iter_mut().for_each(plain_refs),
        _ => {}
    }
}
