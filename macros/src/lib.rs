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
    dirs: Vec<LitStr>,
    select: Vec<LitStr>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut dirs = Vec::new();
        let mut select = Vec::new();
        while !input.is_empty() {
            if input.peek(syn::Ident) {
                let key: syn::Ident = input.parse()?;
                if key != "select" {
                    return Err(syn::Error::new(
                        key.span(),
                        "expected `select = [\"<brand>\", \"<brand>/<method>\", ...]`",
                    ));
                }
                input.parse::<Token![=]>()?;
                let content;
                syn::bracketed!(content in input);
                let items: Punctuated<LitStr, Token![,]> = Punctuated::parse_terminated(&content)?;
                select.extend(items);
            } else {
                dirs.push(input.parse()?);
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        if dirs.is_empty() {
            return Err(input.error("expected the spec directory, e.g. include_specs!(\"specs\")"));
        }
        Ok(Args { dirs, select })
    }
}

/// Emits the generated types of every spec under the given directories
/// (relative to the calling crate's manifest; later directories overlay
/// earlier ones), e.g. `gatespec_macros::include_specs!("../specs");`.
///
/// The items are the same the CLI writes to `generated/client` and a build
/// script writes to `OUT_DIR`: every brand module, `OPERATIONS` and
/// `ITEMS_DIGEST`. `select = ["monetix", "flashpay/bank-transfer-kyrgyzstan"]`
/// after the directories keeps only those brands and methods.
///
/// A proc-macro on stable Rust cannot watch a directory: it sees the spec
/// files that existed when it last ran (each is tracked with
/// `include_str!`), so a method file added later is not picked up until
/// the crate is rebuilt for another reason. Teams that add methods should
/// use a build script (`println!("cargo:rerun-if-changed=specs")` watches
/// the directory, new files included), as `tests/build.rs` does.
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
            let selectors: Vec<String> = args.select.iter().map(LitStr::value).collect();
            let selected = match compiled.select(&selectors) {
                Ok(selected) => selected,
                Err(why) => {
                    let at = args.select.first().unwrap_or(first);
                    return syn::Error::new(at.span(), why).to_compile_error().into();
                }
            };
            let items = gatespec_codegen::emit::rust::emit(&selected);
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
