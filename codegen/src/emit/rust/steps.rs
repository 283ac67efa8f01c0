//! `Step`: for an operation whose lifecycle sends more than one callback
//! (seed 003's purchase asks for the OTP, then sends the result), an enum
//! in its `callback` module with one variant per callback step and a
//! fallback for a status the specs list for none, read from the callback's
//! operation status.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Body, Operation, Ty};
use crate::lifecycle::Action;
use crate::naming;

use super::http::has_operation_status;

/// The `Step` enum of `op`'s callback, or nothing when its lifecycle sends
/// one callback (or the callback has no operation status to read).
pub(super) fn callback_steps(op: &Operation, body: &Body) -> TokenStream {
    let Ty::Object(o) = &body.ty else {
        return TokenStream::new();
    };
    let Some(l) = &op.lifecycle else {
        return TokenStream::new();
    };
    let sent: Vec<(usize, &Vec<String>, Option<&String>)> = l
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.action {
            Action::Callback { statuses, asks, .. } => Some((i + 1, statuses, asks.as_ref())),
            _ => None,
        })
        .collect();
    if sent.len() < 2 || !has_operation_status(o) {
        return TokenStream::new();
    }
    let mut names: Vec<String> = Vec::new();
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (n, statuses, asks) in &sent {
        let mut name = naming::camel(&statuses.join(" or ").replace([' ', '-'], "_"));
        if name.is_empty() || names.contains(&name) {
            name = format!("{name}Step{n}");
        }
        names.push(name.clone());
        let ident = format_ident!("{name}");
        let mut doc = format!(
            "Step {n} of the lifecycle: the operation status `{}`",
            statuses.join("` or `")
        );
        if let Some(a) = asks {
            doc.push_str(&format!(", asking for the {a}"));
        }
        doc.push('.');
        variants.push(quote! { #[doc = #doc] #ident, });
        for s in statuses.iter() {
            if !seen.contains(&s.as_str()) {
                seen.push(s);
                arms.push(quote! { Some(#s) => Step::#ident, });
            }
        }
    }
    let fallback = if names.iter().any(|n| n == "Unknown") {
        format_ident!("NotInSpecs")
    } else {
        format_ident!("Unknown")
    };
    quote! {
        /// The step of the operation's lifecycle a callback stands for, by
        /// its operation status.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Step {
            #(#variants)*
            /// A status the specs list for no step of this operation (or
            /// none at all): keep it, settle nothing on it.
            #fallback,
        }
        impl Step {
            /// The step `callback` stands for.
            pub fn of(callback: &Callback) -> Step {
                let status = callback.operation.as_ref().and_then(|o| o.status.as_deref());
                match status {
                    #(#arms)*
                    _ => Step::#fallback,
                }
            }
        }
    }
}
