//! One function over any request's `general` object.
//!
//! Generated types are per brand and per shape, so the `general` object of
//! a Monetix payout and that of a Flashpay payout are different Rust types
//! (and an information request's `general` has no `payment_id`). These
//! traits name what they share, so a service can log, route or fill in
//! requests of every method with one generic function:
//!
//! ```ignore
//! fn describe<R: HasGeneral>(request: &R) -> String {
//!     let g = request.general();
//!     format!("project {} payment {:?}", g.project_id(), g.payment_id())
//! }
//! ```
//!
//! The generator implements [`GeneralObject`] for every object with a
//! strictly required integer `project_id` and string `signature` (and, if
//! it has one, a string `payment_id`), and [`HasGeneral`] for every request
//! whose strictly required `general` member is such an object.

/// A request's `general` object: the project, the payment and the
/// signature, whatever the object's generated type.
pub trait GeneralObject {
    /// The project id.
    fn project_id(&self) -> i64;
    /// The payment id, when this kind of request carries one.
    fn payment_id(&self) -> Option<&str>;
    /// The signature (empty until the request is signed).
    fn signature(&self) -> &str;
    /// Sets the project id.
    fn set_project_id(&mut self, project_id: i64);
}

/// A request with a `general` object.
pub trait HasGeneral {
    /// The generated type of its `general` object.
    type General: GeneralObject;
    /// Its `general` object.
    fn general(&self) -> &Self::General;
    /// Its `general` object, to change.
    fn general_mut(&mut self) -> &mut Self::General;
}

/// Implements [`GeneralObject`] for a generated type; `required`,
/// `optional` or `none` says what its `payment_id` is. For generated code
/// only, which this keeps to one line per type.
#[doc(hidden)]
#[macro_export]
macro_rules! __general_object {
    ($ty:ty, $payment_id:ident) => {
        impl $crate::general::GeneralObject for $ty {
            fn project_id(&self) -> i64 {
                self.project_id
            }
            fn payment_id(&self) -> Option<&str> {
                $crate::__general_object!(@payment_id self $payment_id)
            }
            fn signature(&self) -> &str {
                &self.signature
            }
            fn set_project_id(&mut self, project_id: i64) {
                self.project_id = project_id;
            }
        }
    };
    (@payment_id $self:ident required) => {
        Some($self.payment_id.as_str())
    };
    (@payment_id $self:ident optional) => {
        $self.payment_id.as_deref()
    };
    (@payment_id $self:ident none) => {
        None
    };
}

/// Implements [`HasGeneral`] for a generated request whose `general`
/// member has type `$general`. For generated code only.
#[doc(hidden)]
#[macro_export]
macro_rules! __has_general {
    ($ty:ty, $general:ty) => {
        impl $crate::general::HasGeneral for $ty {
            type General = $general;
            fn general(&self) -> &$general {
                &self.general
            }
            fn general_mut(&mut self) -> &mut $general {
                &mut self.general
            }
        }
    };
}
