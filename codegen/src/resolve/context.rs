//! What resolution carries: where a piece of the spec was written
//! ([`Origin`]), the global lookup ([`Globals`]) and what a parameter may
//! refer to inside one method ([`Ctx`]).

use indexmap::IndexMap;

use crate::diagnostics::Diagnostic;
use crate::load::escape;
use crate::{ir, model};

/// Where a piece of the spec was written.
#[derive(Debug, Clone)]
pub(super) struct Origin {
    pub(super) file: String,
    pub(super) pointer: String,
}

impl Origin {
    pub(super) fn at(&self, key: &str) -> Origin {
        Origin {
            file: self.file.clone(),
            pointer: format!("{}/{}", self.pointer, escape(key)),
        }
    }

    pub(super) fn diag(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.file.clone(), self.pointer.clone(), message)
    }
}

pub(super) struct SharedObject {
    pub(super) def: model::ObjectDef,
    pub(super) origin: Origin,
}

/// Everything global that methods refer to.
pub(super) struct Globals {
    pub(super) brands: IndexMap<String, model::Brand>,
    pub(super) objects: IndexMap<String, SharedObject>,
    /// shared.yaml's lifecycles by operation kind, each where written.
    pub(super) lifecycles: IndexMap<String, (model::Lifecycle, Origin)>,
    /// shared.yaml's outcome rule for the sandbox, where written.
    pub(super) testing: Option<(model::Testing, Origin)>,
}

/// What a parameter may refer to inside one method.
pub(super) struct Ctx<'a> {
    pub(super) globals: &'a Globals,
    pub(super) method: &'a model::Method,
    pub(super) brand_name: &'a str,
    pub(super) limits: &'a [ir::Limit],
    /// Where the method is (`/method` of its file).
    pub(super) origin: &'a Origin,
}

/// Nesting bound for objects, so a self-referencing shared object is an
/// error instead of a stack overflow.
pub(super) const MAX_DEPTH: usize = 16;
