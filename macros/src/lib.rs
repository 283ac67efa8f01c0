//! `include_specs!`: a thin frontend over `gatespec-codegen`.
//!
//! It parses its arguments, resolves the paths against the calling crate's
//! `CARGO_MANIFEST_DIR`, runs the same pipeline as the CLI and build
//! scripts, and maps problems to a `compile_error!` on the literal. Every
//! spec file read is named in an `include_str!`, so editing a spec rebuilds
//! the crate.

use std::path::PathBuf;

use proc_macro::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{LitStr, Token, parse_macro_input};

struct Args {
    dirs: Punctuated<LitStr, Token![,]>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let dirs = Punctuated::parse_terminated(input)?;
        if dirs.is_empty() {
            return Err(input.error("expected the spec directory, e.g. include_specs!(\"specs\")"));
        }
        Ok(Args { dirs })
    }
}

/// Emits the generated types of every spec under the given directories
/// (relative to the calling crate's manifest; later directories overlay
/// earlier ones), e.g. `gatespec_macros::include_specs!("../specs");`.
///
/// The items are the same the CLI writes to `generated/client` and a build
/// script writes to `OUT_DIR`: every brand module, `OPERATIONS` and
/// `ITEMS_DIGEST`.
#[proc_macro]
pub fn include_specs(input: TokenStream) -> TokenStream {
    let args = parse_macro_input!(input as Args);
    let base = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let dirs: Vec<PathBuf> = args.dirs.iter().map(|l| base.join(l.value())).collect();
    let roots: Vec<&std::path::Path> = dirs.iter().map(PathBuf::as_path).collect();
    let first = &args.dirs[0];
    match gatespec_codegen::compile_dirs(&roots) {
        Ok(compiled) => {
            let items = gatespec_codegen::emit::rust::emit(&compiled.ir);
            let tracked = compiled.paths.iter().filter_map(|p| p.to_str()).map(|p| {
                quote! { const _: &str = include_str!(#p); }
            });
            quote! { #items #(#tracked)* }.into()
        }
        Err(failure) => syn::Error::new(first.span(), failure.rendered)
            .to_compile_error()
            .into(),
    }
}
