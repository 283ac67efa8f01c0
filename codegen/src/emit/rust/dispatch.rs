//! `validate_body` and `OPERATIONS`: a body validated by operation id, one
//! arm per method.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Ir, Method};
use crate::naming;

use super::tokens::{Options, gate, ident};

/// `validate_body`: the generated validator of any body, chosen by
/// operation id and role at run time, so tools and tests need no table of
/// their own that a new method would have to extend. It hands the id's
/// operation part to the method's own `validate_body`, so the crate-level
/// match has one short arm per method.
pub(super) fn dispatch(ir: &Ir, opts: Options) -> TokenStream {
    let arms = ir.methods.iter().map(|m| {
        let path = [&m.brand, &m.id].map(|s| ident(&naming::snake(s)));
        let cfg = gate(opts, &m.brand, &m.id);
        let (brand, id) = (&m.brand, &m.id);
        let [b, me] = &path;
        quote! {
            #cfg
            (#brand, #id) => #b::#me::validate_body(op, role, bytes),
        }
    });
    quote! {
        /// Runs the generated validator of one body of an operation on JSON
        /// bytes, and hands back the typed value as JSON with its warnings,
        /// or every violation; `None` when the operation has no such body.
        pub fn validate_body(
            operation_id: &str,
            role: ::gatespec_runtime::validate::Role,
            bytes: &[u8],
        ) -> Option<::gatespec_runtime::validate::JsonVerdict> {
            let mut parts = operation_id.splitn(3, '/');
            // `op`, the operation's part of the id, is short so that each
            // method's arm stays on one line.
            let (Some(brand), Some(method), Some(op)) = (parts.next(), parts.next(), parts.next()) else {
                return None;
            };
            match (brand, method) {
                #(#arms)*
                // The arguments are unused when no method's feature is on.
                _ => {
                    let _ = (op, role, bytes);
                    None
                }
            }
        }
    }
}

/// A method's `validate_body`: its bodies' generated validators by
/// operation and role (the crate's `validate_body` calls it).
pub(super) fn method_dispatch(m: &Method) -> TokenStream {
    let arms = m.operations.iter().flat_map(|op| {
        let o = ident(&naming::snake(&op.id));
        let id = &op.id;
        op.bodies().map(move |(role, _)| {
            let root = format_ident!("{}", naming::camel(role.as_str()));
            quote! { (#id, #root, #o::#root) }
        })
    });
    quote! { ::gatespec_runtime::__validate_body!(#(#arms),*); }
}
