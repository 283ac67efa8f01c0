//! What every part of the Rust emitter shares: its [`Options`], the `cfg`
//! gates of the client crate's features, and identifiers from spec names.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::naming::method_feature;

/// How the items are emitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Gate every method behind a cargo feature `<brand>-<method>` and the
    /// HTTP client behind `client`, each closed under what it needs (the
    /// client crate); off for the macro and build scripts, whose crate has
    /// no such features.
    pub features: bool,
}

/// `#[cfg(feature = "<brand>-<method>")]`, or nothing when features are
/// off.
pub(super) fn gate(opts: Options, brand: &str, method: &str) -> TokenStream {
    feature_gate(opts, &method_feature(brand, method))
}

/// `#[cfg(feature = "<feature>")]` in the client crate, nothing elsewhere
/// (the macro's and build scripts' crates have no such features).
pub(super) fn feature_gate(opts: Options, feature: &str) -> TokenStream {
    if opts.features {
        quote! { #[cfg(feature = #feature)] }
    } else {
        TokenStream::new()
    }
}

pub(super) fn ident(name: &str) -> Ident {
    let name = if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name.to_string()
    };
    match syn::parse_str::<Ident>(&name) {
        Ok(i) => i,
        // Keywords (`type`, `ref`, ...) become raw identifiers.
        Err(_) => Ident::new_raw(&name, Span::call_site()),
    }
}
