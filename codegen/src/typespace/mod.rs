//! The type space: which generated types exist, who owns each, and what
//! each is called. It is built once per compiled spec set
//! ([`crate::Compiled`]) and every emitter and `diff` read that one.
//!
//! Every object nested in a body, and every closed set of strings, is a
//! type with an *owner*, and its name depends only on that owner:
//!
//! - A shared object of `shared.yaml` used as written (a refinement that
//!   only rewords it keeps it so), and any object written inside one,
//!   belongs to the brand: one type per shape in the brand's `types`
//!   module, named after the shared object (`General`, `Callback`) or its
//!   path inside one (`CallbackPayment`). Its words are `shared.yaml`'s.
//! - Any other object or closed set belongs to the method that writes it:
//!   one type per shape in that method's `types` module, named from where
//!   the method first uses it (`Account`, `PaymentSum`).
//!
//! So adding a method never renames, moves or rewords a type of another
//! method or of the brand; documentation aside, a shape used twice by one
//! owner is one type. Other languages see every type of a brand in one
//! namespace (the schema bundle, the OpenAPI components): there a method's
//! type is qualified by the method (`SmpP2pKzAccount`).
//!
//! Names are first derived from the specs ([`names`]), then held by the
//! committed name lock ([`lock`]), so a name changes only when someone
//! changes the lock.

mod build;
mod keys;
pub mod lock;
mod names;
mod space;

use crate::ir::Ir;

pub use keys::closed_values;
pub use lock::{Lock, Rename};
pub use space::{BrandTypes, MethodTypes, Named, Namespace, Shape, TypeRef, TypeSpace};

impl TypeSpace {
    /// Names every nested object and closed set of every body of `ir`,
    /// keeping the names `lock` holds.
    pub fn build(ir: &Ir, lock: &Lock) -> Self {
        names::assign(ir, build::collect(ir), lock)
    }

    /// The lock that holds every name of this type space.
    pub fn lock(&self) -> Lock {
        names::lock_of(self)
    }
}
