//! Every example in the specs must validate against the schema generated
//! for its body, and every parameter example against its parameter: an
//! example that does not is either a wrong spec or a wrong example, and
//! either way the spec must not pass.

use jsonschema::Validator;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::emit::schema::body_schema;
use crate::ir::Ir;

/// Builds a validator that asserts formats, as the published schemas are
/// meant to be used.
pub fn validator(schema: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| e.to_string())
}

/// Validates every body example against its generated schema.
pub fn check_examples(ir: &Ir, spec_root_names: &dyn Fn(&str) -> String, diags: &mut Diagnostics) {
    let types = crate::emit::types::TypeTable::build(ir);
    for (method, op) in ir.operations() {
        let file = spec_root_names(&method.spec_file);
        for (role, body) in op.bodies() {
            if body.examples.is_empty() {
                continue;
            }
            let schema = body_schema(&types, method, op, role, body);
            let v = match validator(&schema) {
                Ok(v) => v,
                Err(e) => {
                    diags.push(Diagnostic::new(
                        file.clone(),
                        "",
                        format!(
                            "the generated {} schema of {} does not compile: {e}",
                            role.as_str(),
                            op.full_id
                        ),
                    ));
                    continue;
                }
            };
            for e in &body.examples {
                for err in v.iter_errors(&e.value) {
                    let at = err.instance_path().as_str().to_string();
                    diags.push(
                        Diagnostic::new(file.clone(), format!("{}{}", e.pointer, at), format!("example \"{}\" does not match the {} of {}: {err}", e.title, role.as_str(), op.full_id))
                            .hint("fix the example, or the parameter's constraints if the document allows this value"),
                    );
                }
            }
        }
    }
}
