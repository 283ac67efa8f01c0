//! Structural check: every file against the spec format's JSON Schema.
//!
//! Serde stops at the first error of a file; the schema reports all of them,
//! each with the pointer of the offending node. Only files that pass are
//! deserialized into the model, so serde's own messages are a fallback that
//! a valid schema makes unreachable in practice.

use jsonschema::Validator;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{LoadedFile, escape};
use crate::model::SpecFile;
use crate::spec_schema::spec_schema;
use crate::suggest::did_you_mean;

use super::variants;

/// Checks the shape of every file and deserializes those that pass; each
/// comes back with its names and without its value, which the model
/// replaces.
pub fn check_structure(
    files: &[LoadedFile],
    diags: &mut Diagnostics,
) -> Vec<(LoadedFile, SpecFile, variants::Placement)> {
    let schema = spec_schema();
    let validator = match jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
    {
        Ok(v) => v,
        Err(e) => {
            diags.push(Diagnostic::new(
                "<spec format>",
                "",
                format!("internal: the spec schema does not compile: {e}"),
            ));
            return Vec::new();
        }
    };
    let names = variants::brand_names(files);
    // Files are independent: checked in parallel, gathered in order, so
    // the problems come out as a sequential pass would give them.
    let checked = crate::parallel::map(files, |file| {
        let mut diags = Diagnostics::default();
        let out = check_file(&validator, &schema, file, &names, &mut diags);
        (out, diags)
    });
    let mut out = Vec::new();
    for (specs, found) in checked {
        out.extend(specs);
        diags.0.extend(found.0);
    }
    out
}

/// One file's structural check, and its copies deserialized when they pass.
fn check_file(
    validator: &Validator,
    schema: &Value,
    file: &LoadedFile,
    names: &std::collections::HashMap<String, String>,
    diags: &mut Diagnostics,
) -> Vec<(LoadedFile, SpecFile, variants::Placement)> {
    let mut out = Vec::new();
    let before = diags.len();
    report(validator, schema, file, diags);
    if diags.len() > before {
        return out;
    }
    // The copies are checked even when the variants have problems of
    // their own, so every problem is reported at once.
    for copy in variants::expand(file, names, diags) {
        let before = diags.len();
        // A brand's copy is checked again: its variant may have
        // written anything.
        if copy.placement.brand.is_some() {
            report(validator, schema, &copy.file, diags);
            variants::locate(&copy.placement, &mut diags.0[before..]);
            if diags.len() > before {
                continue;
            }
        }
        // Read from the value in place: no copy of the whole tree. The
        // model holds everything later phases read, so the file goes on
        // with its names only.
        match <SpecFile as serde::Deserialize>::deserialize(&copy.file.value) {
            Ok(spec) => out.push((
                LoadedFile {
                    name: copy.file.name.clone(),
                    rel: copy.file.rel.clone(),
                    value: Value::Null,
                },
                spec,
                copy.placement,
            )),
            Err(e) => diags.push(Diagnostic::new(
                file.name.clone(),
                "",
                format!("does not match the spec format: {e}"),
            )),
        }
    }
    out
}

fn report(validator: &Validator, schema: &Value, file: &LoadedFile, diags: &mut Diagnostics) {
    for error in validator.iter_errors(&file.value) {
        let pointer = error.instance_path().as_str().to_string();
        let schema_path = error.schema_path().as_str().to_string();
        let d = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = allowed_keys(schema, &schema_path);
                for key in unexpected {
                    let hint = did_you_mean(key, allowed.iter().map(String::as_str))
                        .unwrap_or_else(|| format!("allowed keys here: {}", allowed.join(", ")));
                    diags.push(
                        Diagnostic::new(
                            file.name.clone(),
                            format!("{pointer}/{}", escape(key)),
                            format!("unknown key `{key}`"),
                        )
                        .hint(hint)
                        .on_key(),
                    );
                }
                continue;
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                Diagnostic::new(
                    file.name.clone(),
                    pointer,
                    format!("missing required key `{name}`"),
                )
                .hint(format!("add `{name}:` to this mapping"))
                .on_key()
            }
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    TypeKind::Single(t) => t.to_string(),
                    TypeKind::Multiple(ts) => ts
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(" or "),
                };
                let found = json_type(error.instance());
                Diagnostic::new(
                    file.name.clone(),
                    pointer,
                    format!("expected {expected}, found {found}"),
                )
                .hint(type_hint(&expected))
            }
            ValidationErrorKind::Enum { options } => {
                let found = error
                    .instance()
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| error.instance().to_string());
                let names: Vec<&str> = options
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let hint = did_you_mean(&found, names.iter().copied())
                    .unwrap_or_else(|| format!("use one of: {}", names.join(", ")));
                Diagnostic::new(
                    file.name.clone(),
                    pointer,
                    format!("`{found}` is not allowed here"),
                )
                .hint(hint)
            }
            ValidationErrorKind::Minimum { limit } => Diagnostic::new(
                file.name.clone(),
                pointer,
                format!("must be at least {limit}"),
            ),
            ValidationErrorKind::Maximum { limit } => Diagnostic::new(
                file.name.clone(),
                pointer,
                format!("must be at most {limit}"),
            ),
            _ => Diagnostic::new(file.name.clone(), pointer, format!("invalid: {error}")),
        };
        diags.push(d);
    }
}

/// The keys the schema allows at the object whose `additionalProperties`
/// rejected a key.
fn allowed_keys(schema: &Value, schema_path: &str) -> Vec<String> {
    let parent = schema_path
        .strip_suffix("/additionalProperties")
        .unwrap_or(schema_path);
    let node = resolve(schema, parent);
    node.and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Follows a schema location, stepping through `$ref`s on the way.
fn resolve<'a>(schema: &'a Value, path: &str) -> Option<&'a Value> {
    let mut node = schema;
    for part in path.split('/').skip(1) {
        let part = gatespec_runtime::pointer::key(part);
        if part == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            node = schema.pointer(target)?;
            continue;
        }
        node = match node {
            Value::Object(m) => m.get(part.as_ref())?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null (an empty value)",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn type_hint(expected: &str) -> String {
    match expected {
        "object" => "write a mapping (`key: value` lines indented under this key)".into(),
        "array" => "write a list (`- item` lines, or `[a, b]`)".into(),
        "string" => "quote the value to make it a string".into(),
        "integer" => "write a whole number without quotes".into(),
        "boolean" => "write `true` or `false`".into(),
        other => format!("write a value of type {other}"),
    }
}
