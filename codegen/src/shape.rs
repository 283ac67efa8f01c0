//! Shape keys: what makes two uses of an object one generated type (its
//! fields, requiredness, types and constraints, none of its words),
//! computed once per object when a body is finished. Beside the IR, not
//! in it: the IR is data, this is what the type space and resolve compute
//! over it.

use crate::ir::{ObjectTy, Ty};

impl ObjectTy {
    /// The shape of the object without its documentation: what decides the
    /// generated code and the validation (two uses with one key are one
    /// type). A digest, computed once when the body is finished
    /// ([`finish_shapes`]); an object not finished yet is keyed afresh.
    pub fn shape_key(&self) -> String {
        if self.key.is_empty() {
            shape_digest(self)
        } else {
            self.key.clone()
        }
    }
}

/// Computes the shape key of every object in `ty` (and of the shared
/// objects' words as written), inner objects first, so a key is computed
/// from its members' keys once instead of from the whole tree at every
/// lookup.
pub fn finish_shapes(ty: &mut Ty) {
    match ty {
        Ty::Object(o) => {
            for f in &mut o.fields {
                finish_shapes(&mut f.ty);
            }
            if let Some(base) = o.shared.as_mut().and_then(|s| s.base.as_mut()) {
                let mut inner = Ty::Object(std::mem::take(base.as_mut()));
                finish_shapes(&mut inner);
                if let Ty::Object(done) = inner {
                    **base = done;
                }
            }
            o.key = shape_digest(o);
        }
        Ty::Array(item) => finish_shapes(item),
        _ => {}
    }
}

/// The digest of an object's shape: its members' names, requiredness,
/// leniency and types (a nested object by its own key), its conditional
/// requirements and currency bounds; no documentation, and no property
/// left unset (so a later gatespec whose IR gains a property keeps the key
/// of every shape that does not use it).
fn shape_digest(o: &ObjectTy) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for f in &o.fields {
        let _ = write!(s, "{}|{:?}|{}|", f.name, f.presence, f.lenient);
        ty_shape(&f.ty, &mut s);
        s.push(';');
    }
    let _ = write!(
        s,
        "{:?}|{:?}|{:?}",
        o.dependent_required, o.dependent_required_inferred, o.currency_bounds
    );
    crate::format::digest(unset_removed(&s).as_bytes())[..32].to_string()
}

fn ty_shape(ty: &Ty, s: &mut String) {
    use std::fmt::Write;
    match ty {
        Ty::Object(o) => {
            let _ = write!(s, "object {}", o.shape_key());
        }
        Ty::Array(item) => {
            s.push('[');
            ty_shape(item, s);
            s.push(']');
        }
        other => {
            let _ = write!(s, "{other:?}");
        }
    }
}

/// The text without its unset properties (`limit: None, `, `notes: [], `,
/// `lenient: false, `): a property name (lowercase letters and `_`, not
/// inside another word) followed by an unset value, and the separator
/// after it. A scan, not a regular expression: this runs for every object
/// of every body.
fn unset_removed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(": ") {
        let after = &rest[i + 2..];
        let unset = ["None", "[]", "false"].into_iter().find(|u| {
            after.starts_with(u)
                && !after[u.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        });
        let start = rest[..i]
            .rfind(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .map_or(0, |j| j + 1);
        let whole_word = !rest[..start].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        match unset {
            Some(u) if start < i && whole_word => {
                out.push_str(&rest[..start]);
                let mut next = i + 2 + u.len();
                if rest[next..].starts_with(", ") {
                    next += 2;
                }
                rest = &rest[next..];
            }
            _ => {
                out.push_str(&rest[..i + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod shape_tests {
    use super::unset_removed;

    #[test]
    fn unset_properties_leave_the_shape_text() {
        assert_eq!(
            unset_removed(
                "StringTy { max_length: Some(4), limit: None, notes: [], lenient: false }"
            ),
            "StringTy { max_length: Some(4),  }"
        );
        // Only whole property names; values that merely look unset stay.
        assert_eq!(
            unset_removed("Known: None, x: Nonesuch, y: \"a: b\""),
            "Known: None, x: Nonesuch, y: \"a: b\""
        );
        assert_eq!(unset_removed("a: None"), "");
    }
}
