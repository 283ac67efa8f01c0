//! The checks across methods: within a brand, one operation per HTTP
//! method and path, one method per code, and one method per Rust module. Each method alone can be
//! right while the catalogue is not: a second operation on a path would
//! silently replace the first in the OpenAPI document and the sandbox.

use std::collections::HashMap;

use crate::check::variants::{Placement, locate};
use crate::diagnostics::Diagnostics;
use crate::naming;
use crate::{ir, model};

use super::context::Origin;

/// A method as resolved, with where it was written.
pub(super) struct Written<'a> {
    /// The method as the spec gives it.
    pub(super) spec: &'a model::Method,
    /// Where it is (`/method` of its file).
    pub(super) origin: &'a Origin,
    /// Where a brand's copy came from.
    pub(super) placement: &'a Placement,
    /// The resolved method, when it resolved.
    pub(super) resolved: Option<&'a ir::Method>,
}

/// Reports, at the later one, an operation on the method and path of an
/// earlier one of the same brand, and a method whose code an earlier one
/// of the brand has; both locations are named.
pub(super) fn check_catalogue(methods: &[Written<'_>], diags: &mut Diagnostics) {
    let mut endpoints: HashMap<(&str, String, &str), (String, String)> = HashMap::new();
    let mut codes: HashMap<(&str, &str), String> = HashMap::new();
    let mut modules: HashMap<(&str, String), (String, &str)> = HashMap::new();
    for w in methods {
        let mut own = Diagnostics::default();
        let brand = w.spec.brand.as_str();
        let place = |o: &Origin| format!("{}, at {}", o.file, o.pointer);
        if let Some(first) = codes.get(&(brand, w.spec.code.as_str())) {
            own.push(
                w.origin
                    .at("code")
                    .diag(format!(
                        "another {brand} method already has the code `{}`",
                        w.spec.code
                    ))
                    .hint(format!(
                        "the code names the method on the platform (the first is in {first}); give this one its own"
                    )),
            );
        } else {
            codes.insert((brand, &w.spec.code), place(&w.origin.at("code")));
        }
        // A method is a Rust module (and a file of the client crate) of
        // its brand: two ids that differ only in `-` and `_` would be one.
        let module = naming::snake(&w.spec.id);
        match modules.get(&(brand, module.clone())) {
            Some((first, other)) => own.push(
                w.origin
                    .at("id")
                    .diag(format!(
                        "methods `{other}` and `{}` of {brand} would both be the Rust module `{module}`",
                        w.spec.id
                    ))
                    .hint(format!(
                        "method ids must differ in more than `-` and `_` (the first is in {first})"
                    )),
            ),
            None => {
                modules.insert((brand, module), (place(&w.origin.at("id")), &w.spec.id));
            }
        }
        for (id, op) in &w.spec.operations {
            // The path as written, or as the template filled it in; a
            // method with other problems is still checked where it can be.
            let Some(e) = &op.endpoint else { continue };
            let resolved = w
                .resolved
                .and_then(|m| m.operations.iter().find(|o| &o.id == id))
                .and_then(|o| o.endpoint.as_ref())
                .map(|e| e.path.as_str());
            let Some(path) = e.path.as_deref().or(resolved) else {
                continue;
            };
            let full_id = format!("{brand}/{}/{id}", w.spec.id);
            let at = w.origin.at("operations").at(id).at("endpoint");
            let key = (brand, format!("{:?}", e.method), path);
            match endpoints.get(&key) {
                Some((first, id)) => own.push(
                    at.diag(format!(
                        "{} {} is already the endpoint of {id}",
                        key.1.to_uppercase(),
                        path
                    ))
                    .on_key()
                    .hint(format!(
                        "one path is one operation (the first is in {first}): a second would replace it in the OpenAPI document and the sandbox"
                    )),
                ),
                None => {
                    endpoints.insert(key, (place(&at), full_id));
                }
            }
        }
        locate(w.placement, &mut own.0);
        diags.0.extend(own.0);
    }
}
