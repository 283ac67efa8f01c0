//! The keys of the type space: what makes two uses one type (a shape,
//! documentation aside), and the closed sets of strings.

use crate::ir::{ObjectTy, StringTy};

/// The key of an object type, in the brand's namespace or a method's:
/// its shape.
pub(super) fn object_key(o: &ObjectTy) -> String {
    format!("object {}", o.shape_key())
}

/// The key of a brand's callback root.
pub(super) fn root_key(o: &ObjectTy) -> String {
    format!("root {}", o.shape_key())
}

/// The key of a closed set, in either namespace.
pub(super) fn enum_key(values: &[String]) -> String {
    format!("enum {values:?}")
}

/// The values of a closed set of strings, if the string type is one.
pub fn closed_values(t: &StringTy) -> Option<Vec<String>> {
    match (&t.const_value, &t.enum_values) {
        (Some(c), _) => Some(vec![c.clone()]),
        (None, Some(e)) => Some(e.clone()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Field, ObjectTy, Presence, StringTy, Ty};

    fn field(name: &str, description: &str, ty: Ty) -> Field {
        Field {
            name: name.into(),
            presence: Presence::Strict,
            condition: None,
            description: description.into(),
            notes: Vec::new(),
            example: None,
            example_note: None,
            inferred: None,
            lenient: false,
            ty,
        }
    }

    #[test]
    fn documentation_does_not_make_a_new_shape_but_constraints_do() {
        let a = ObjectTy {
            fields: vec![field("id", "The id.", Ty::String(StringTy::default()))],
            ..ObjectTy::default()
        };
        let mut reworded = a.clone();
        reworded.fields[0].description = "Another wording.".into();
        let mut narrowed = a.clone();
        narrowed.fields[0].ty = Ty::String(StringTy {
            max_length: Some(4),
            ..StringTy::default()
        });
        assert_eq!(a.shape_key(), reworded.shape_key());
        assert_ne!(a.shape_key(), narrowed.shape_key());
        // A nested object counts by its own shape, finished or not.
        let outer = |inner: &ObjectTy| ObjectTy {
            fields: vec![field("inner", "", Ty::Object(inner.clone()))],
            ..ObjectTy::default()
        };
        let mut finished = Ty::Object(outer(&a));
        crate::shape::finish_shapes(&mut finished);
        let Ty::Object(finished) = finished else {
            unreachable!("an object stays an object")
        };
        assert_eq!(finished.shape_key(), outer(&reworded).shape_key());
        assert_ne!(finished.shape_key(), outer(&narrowed).shape_key());
    }
}
