//! Rust: a module per brand and method, and per operation a request type
//! (plus callback and response types) with nested structs per object.
//!
//! Generated code names its dependencies through `::gatespec_runtime`, so a
//! consumer depends on the runtime crate only. Objects keep unknown fields
//! in `extra` (the documents allow extra parameters), closed sets become
//! enums, informational lists stay strings with their known values listed,
//! and every struct has a `new` that takes exactly its strictly required
//! fields that have no fixed value, so a required field cannot be
//! forgotten.

use crate::naming::{self};
use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Ir, Method};
use crate::typespace::{BrandTypes, TypeSpace};

pub mod client_crate;
mod digest;
mod dispatch;
mod http;
mod modules;
pub mod standalone;
mod steps;
mod tokens;
mod types;
pub mod validate;

pub use tokens::Options;
use tokens::{gate, ident};

use digest::{canonical, digest, digest_const};
use dispatch::dispatch;
use http::brand_client;
use modules::{method_module, types_module};

/// All generated items of a spec set, followed by `OPERATIONS` and
/// `ITEMS_DIGEST` (a SHA-256 of the items' tokens, which lets a test prove
/// that every frontend emitted the same items).
pub fn emit(compiled: &crate::compiled::Compiled) -> TokenStream {
    emit_with(&compiled.ir, &compiled.types, Options::default())
}

/// [`emit`] with options. `ITEMS_DIGEST` leaves `cfg` attributes out, so it
/// is the same with features on or off.
pub fn emit_with(ir: &Ir, table: &TypeSpace, opts: Options) -> TokenStream {
    let mut items = TokenStream::new();
    for (brand, types, methods) in brands(ir, table) {
        let mods = methods.iter().map(|m| {
            let cfg = gate(opts, &m.brand, &m.id);
            let (module, mdoc, body) = method_module(opts, types, m);
            quote! { #[doc = #mdoc] #cfg pub mod #module { #body } }
        });
        let (head, inner) = brand_module(opts, brand, types);
        items.extend(quote! { #head { #inner #(#mods)* } });
    }
    items.extend(rest(ir, opts));
    let digest = digest(&items);
    items.extend(digest_const(&digest));
    items
}

/// The items with each method's module in a file of its own: the tokens
/// of `items.rs` (where a method is `#[cfg(..)] pub mod <method>;`) and
/// the formatted files under `items/<brand>/<method>.rs`. A feature that
/// is off then costs the compiler nothing: a `cfg`'d-out `mod` is never
/// read. `ITEMS_DIGEST` is the one [`emit_with`] computes for the inline
/// items. `table` is the IR's [`TypeSpace`].
///
/// The methods are emitted and formatted in parallel. Token streams cannot
/// cross threads, so each worker hands back its file's text and its part
/// of the digest's canonical text, which compose exactly as the inline
/// items' would (a test compares the digests of every frontend).
pub fn emit_files(
    ir: &Ir,
    table: &TypeSpace,
    opts: Options,
) -> (TokenStream, Vec<(String, String)>) {
    let all: Vec<(&crate::ir::Brand, &BrandTypes, &Method)> = brands(ir, table)
        .flat_map(|(b, t, ms)| ms.into_iter().map(move |m| (b, t, m)))
        .collect();
    let done = crate::parallel::map(&all, |&(_, types, m)| {
        let cfg = gate(opts, &m.brand, &m.id);
        let (module, mdoc, body) = method_module(opts, types, m);
        let mut canonical_text = String::new();
        canonical(
            quote! { #[doc = #mdoc] #cfg pub mod #module { #body } },
            &mut canonical_text,
        );
        (
            format!("{}/{}.rs", naming::snake(&m.brand), naming::snake(&m.id)),
            crate::format::rust_file(&body),
            canonical_text,
            (module.to_string(), mdoc),
        )
    });
    let mut items = TokenStream::new();
    let mut text = String::new();
    let mut files = Vec::new();
    let mut done = done.into_iter();
    for (brand, types, methods) in brands(ir, table) {
        let (head, inner) = brand_module(opts, brand, types);
        let mut mods = Vec::new();
        let mut inner_text = String::new();
        canonical(inner.clone(), &mut inner_text);
        // `done` holds the methods in this same order.
        for (m, (path, file, part, (module, mdoc))) in methods.iter().zip(done.by_ref()) {
            inner_text.push_str(&part);
            files.push((path, file));
            let cfg = gate(opts, &m.brand, &m.id);
            let module = ident(&module);
            mods.push(quote! { #[doc = #mdoc] #cfg pub mod #module; });
        }
        canonical(head.clone(), &mut text);
        // As `canonical` writes a brace group and the space after it.
        text.push_str("{ ");
        text.push_str(&inner_text);
        text.push_str("} ");
        items.extend(quote! { #head { #inner #(#mods)* } });
    }
    let rest = rest(ir, opts);
    canonical(rest.clone(), &mut text);
    items.extend(rest);
    items.extend(digest_const(&crate::format::digest(text.as_bytes())));
    (items, files)
}

/// Each brand with methods, its shared types and its methods, in order.
pub(super) fn brands<'a>(
    ir: &'a Ir,
    table: &'a TypeSpace,
) -> impl Iterator<Item = (&'a crate::ir::Brand, &'a BrandTypes, Vec<&'a Method>)> {
    ir.brands.iter().filter_map(move |brand| {
        let types = table.brand(&brand.id)?;
        let methods = ir.methods.iter().filter(|m| m.brand == brand.id).collect();
        Some((brand, types, methods))
    })
}

/// A brand's module: its head (`#[doc] pub mod <brand>`) and the items
/// before its methods' modules (the client and the shared types).
pub(super) fn brand_module(
    opts: Options,
    brand: &crate::ir::Brand,
    types: &BrandTypes,
) -> (TokenStream, TokenStream) {
    let name = ident(&naming::snake(&brand.id));
    let doc = format!("{}: {}", brand.name, brand.description);
    let client = brand_client(opts, &brand.name);
    let shared = types_module(opts, brand, types);
    // The brand's module itself is not gated: with none of its methods on
    // it holds an empty client and nothing else, and a gate listing every
    // method would grow with each one added.
    (
        quote! { #[doc = #doc] pub mod #name },
        quote! { #client #shared },
    )
}

/// The items after the brands: `OPERATIONS` and `validate_body`.
pub(super) fn rest(ir: &Ir, opts: Options) -> TokenStream {
    let ids: Vec<&str> = ir.operations().map(|(_, o)| o.full_id.as_str()).collect();
    let mut rest = quote! {
        /// Every operation id, `<brand>/<method>/<operation>`, in spec order.
        pub const OPERATIONS: &[&str] = &[#(#ids),*];
    };
    rest.extend(dispatch(ir, opts));
    rest
}
