//! A parameter prepared before it is resolved: examples a shared object
//! must not lend, a type marked inferred, `{brand}` filled in, and the
//! examples a field takes from its operation's own document.

use crate::ir;
use crate::model::Param;

use super::context::Ctx;

/// A shared parameter without its examples, at any depth: a shared
/// object's examples come from one document, and would show another
/// method's values (a KZT currency on a KGS method). A method's fields get
/// their examples from its own refinements and body examples instead.
pub(super) fn without_examples(p: &Param) -> Param {
    let mut p = p.clone();
    strip_examples(&mut p);
    p
}

/// Marks a parameter and everything in it as inferred (unless it says why
/// on its own).
pub(super) fn mark_inferred(p: &mut Param, why: &str) {
    if p.inferred.is_none() {
        p.inferred = Some(why.to_owned());
    }
    for f in p.fields.values_mut() {
        mark_inferred(f, why);
    }
    if let Some(item) = &mut p.items {
        mark_inferred(item, why);
    }
}

pub(super) fn strip_examples(p: &mut Param) {
    p.example = None;
    for f in p.fields.values_mut().chain(p.refine.values_mut()) {
        strip_examples(f);
    }
    if let Some(item) = &mut p.items {
        strip_examples(item);
    }
}

/// Gives every scalar field that has no example of its own the value at its
/// pointer in the first of the body's examples (the method's document) that
/// has one.
pub(super) fn examples_from_the_document(ty: &mut ir::Ty, at: &str, examples: &[ir::Example]) {
    match ty {
        ir::Ty::Object(o) => {
            for f in &mut o.fields {
                let pointer = format!("{at}/{}", crate::load::escape(&f.name));
                let scalar = !matches!(f.ty, ir::Ty::Object(_) | ir::Ty::Array(_));
                if scalar && f.example.is_none() {
                    f.example = examples
                        .iter()
                        .find_map(|e| e.value.pointer(&pointer))
                        .filter(|v| !v.is_object() && !v.is_array())
                        .cloned();
                }
                examples_from_the_document(&mut f.ty, &pointer, examples);
            }
        }
        ir::Ty::Array(item) => examples_from_the_document(item, &format!("{at}/0"), examples),
        _ => {}
    }
}

pub(super) fn fill(ctx: &Ctx<'_>, text: &str) -> String {
    text.replace("{brand}", ctx.brand_name)
        .replace("{method}", &ctx.method.name)
}
