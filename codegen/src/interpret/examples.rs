//! Every example in the specs must satisfy the rules of its body, and every
//! parameter example its parameter: an example that does not is either a
//! wrong spec or a wrong example, and either way the spec must not pass.
//!
//! The rules are applied by [`crate::interpret`], the same rules and words
//! as the generated validators and `gatespec validate`. It needs no schema
//! compiled per body, which at catalogue scale was most of the check's
//! time; the tests hold the published schemas to the same verdict on every
//! example (and on mutations of them).

use super as interpret;
use crate::check::variants::{Placement, locate};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::Ir;

/// Checks every body example against the rules of its body. `placement`
/// gives the brand copy a method is (by spec file and brand), so that an
/// example a variant wrote is reported in the variant.
pub fn check_examples(
    ir: &Ir,
    spec_root_names: &dyn Fn(&str) -> String,
    placement: &dyn Fn(&str, &str) -> Option<Placement>,
    diags: &mut Diagnostics,
) {
    for (method, op) in ir.operations() {
        let placed = placement(&method.spec_file, &method.brand);
        for (role, body) in op.bodies() {
            for e in &body.examples {
                let before = diags.len();
                let report = interpret::validate(&body.ty, &e.value);
                for err in report.errors {
                    let file = spec_root_names(&method.spec_file);
                    diags.push(
                        Diagnostic::new(
                            file,
                            format!("{}{}", e.pointer, err.pointer),
                            format!(
                                "example \"{}\" does not match the {} of {}: {}",
                                e.title,
                                role.as_str(),
                                op.full_id,
                                err.message
                            ),
                        )
                        .hint("fix the example, or the parameter's constraints if the document allows this value"),
                    );
                }
                if let Some(p) = &placed {
                    locate(p, &mut diags.0[before..]);
                }
            }
        }
        check_step_examples(op, &spec_root_names(&method.spec_file), diags);
    }
}

/// A lifecycle step's own callback examples: each meets the callback's
/// rules and has every member the step says it carries.
fn check_step_examples(op: &crate::ir::Operation, file: &str, diags: &mut Diagnostics) {
    use crate::lifecycle::Action;
    let (Some(l), Some(cb)) = (&op.lifecycle, &op.callback) else {
        return;
    };
    for step in &l.steps {
        let Action::Callback {
            examples, carries, ..
        } = &step.action
        else {
            continue;
        };
        for e in examples {
            let errors = interpret::validate(&cb.ty, &e.value).errors;
            let missing = carries.iter().filter(|c| e.value.pointer(c).is_none());
            for (at, message) in errors
                .into_iter()
                .map(|err| (err.pointer, err.message))
                .chain(missing.map(|c| {
                    (
                        String::new(),
                        format!("the step carries `{c}`, which the example lacks"),
                    )
                }))
            {
                diags.push(
                    Diagnostic::new(
                        file.to_string(),
                        format!("{}{at}", e.pointer),
                        format!(
                            "example \"{}\" does not match this step's callback of {}: {message}",
                            e.title, op.full_id
                        ),
                    )
                    .hint("fix the example, or the step's `carries`"),
                );
            }
        }
    }
}
