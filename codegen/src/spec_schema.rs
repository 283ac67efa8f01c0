//! The spec format's own JSON Schema, generated from the spec model.
//!
//! Editors use it (through the `yaml-language-server` line at the top of
//! every spec file) and the structural check validates every file with it,
//! so what the editor flags and what `gatespec check` reports agree.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use crate::model::SpecFile;

/// The `$id` of the spec format's schema.
pub const SPEC_SCHEMA_ID: &str = "urn:gatespec:spec-format";

/// The spec format's JSON Schema (draft 2020-12).
pub fn spec_schema() -> Value {
    let schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<SpecFile>();
    let mut value = schema.to_value();
    simplify(&mut value);
    if let Value::Object(map) = &mut value {
        let mut out = Map::new();
        out.insert(
            "$schema".into(),
            map.remove("$schema").unwrap_or(Value::Null),
        );
        out.insert("$id".into(), Value::String(SPEC_SCHEMA_ID.into()));
        out.insert(
            "$comment".into(),
            Value::String(crate::format::JSON_PREAMBLE.into()),
        );
        out.extend(std::mem::take(map));
        value = Value::Object(out);
    }
    value
}

/// Makes the schemars output strict and its errors precise: optional
/// fields may be omitted but not written as `null`, and enums of documented
/// unit variants become a plain `enum` (so a bad value reports the allowed
/// values instead of "not valid under any of the schemas").
fn simplify(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(alts)) = map.get_mut(key) {
                    alts.retain(|a| a.get("type") != Some(&Value::String("null".into())));
                    if alts.iter().all(|a| a.get("const").is_some()) && !alts.is_empty() {
                        let values: Vec<Value> = alts
                            .iter()
                            .filter_map(|a| a.get("const").cloned())
                            .collect();
                        map.remove(key);
                        map.insert("enum".into(), Value::Array(values));
                        if !map.contains_key("type") {
                            map.insert("type".into(), Value::String("string".into()));
                        }
                    } else if alts.len() == 1 {
                        let only = alts.remove(0);
                        map.remove(key);
                        if let Value::Object(inner) = only {
                            for (k, v) in inner {
                                map.entry(k).or_insert(v);
                            }
                        }
                    }
                }
            }
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            // schemars names Rust integer widths as formats (`uint8`); they
            // are not JSON Schema formats and strict validators reject them.
            // The bounds they stand for are kept as minimum/maximum.
            if map.get("format").and_then(Value::as_str).is_some_and(|f| {
                f.starts_with("uint") || f.starts_with("int") || f == "double" || f == "float"
            }) {
                map.remove("format");
            }
            for v in map.values_mut() {
                simplify(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(simplify),
        _ => {}
    }
}
