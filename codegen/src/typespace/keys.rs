//! The keys of the type space: what makes two uses one type (a shape,
//! documentation aside), and the closed sets of strings.

use crate::ir::{ObjectTy, StringTy};

/// The key of a brand's object type: its shape.
pub(super) fn shared_key(o: &ObjectTy) -> String {
    format!("object {}", o.shape_key())
}

/// The key of a brand's callback root.
pub(super) fn root_key(o: &ObjectTy) -> String {
    format!("root {}", o.shape_key())
}

/// The key of a method's object type: its shape.
pub(super) fn local_key(o: &ObjectTy) -> String {
    format!("object {}", o.shape_key())
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
