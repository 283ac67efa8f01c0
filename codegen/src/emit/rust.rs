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

use std::collections::BTreeSet;

use crate::typespace::naming;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::emit::validate::{Member, Reader, object_impl, opt};
use crate::ir::{Body, BodyRole, Field, Ir, Method, ObjectTy, Operation, Presence, Table, Ty};
use crate::model::TimingKind;
use crate::rules::field_description;
use crate::typespace::{BrandTypes, Shape, TypeSpace, closed_values};

/// How the items are emitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Gate every method behind a cargo feature `<brand>-<method>` and the
    /// HTTP client behind `client`, each closed under what it needs (the
    /// client crate); off for the macro and build scripts, whose crate has
    /// no such features.
    pub features: bool,
}

pub use crate::typespace::naming::{method_feature, type_feature};

/// `#[cfg(feature = "<brand>-<method>")]`, or nothing when features are
/// off.
fn gate(opts: Options, brand: &str, method: &str) -> TokenStream {
    feature_gate(opts, &method_feature(brand, method))
}

/// `#[cfg(feature = "<feature>")]` in the client crate, nothing elsewhere
/// (the macro's and build scripts' crates have no such features).
fn feature_gate(opts: Options, feature: &str) -> TokenStream {
    if opts.features {
        quote! { #[cfg(feature = #feature)] }
    } else {
        TokenStream::new()
    }
}

/// All generated items of a spec set, followed by `OPERATIONS` and
/// `ITEMS_DIGEST` (a SHA-256 of the items' tokens, which lets a test prove
/// that every frontend emitted the same items).
pub fn emit(compiled: &crate::Compiled) -> TokenStream {
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
fn brands<'a>(
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
fn brand_module(
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
fn rest(ir: &Ir, opts: Options) -> TokenStream {
    let ids: Vec<&str> = ir.operations().map(|(_, o)| o.full_id.as_str()).collect();
    let mut rest = quote! {
        /// Every operation id, `<brand>/<method>/<operation>`, in spec order.
        pub const OPERATIONS: &[&str] = &[#(#ids),*];
    };
    rest.extend(dispatch(ir, opts));
    rest
}

fn digest_const(digest: &str) -> TokenStream {
    quote! {
        /// SHA-256 of the tokens of the items above, the same from every
        /// frontend (macro, build script, CLI) for the same specs.
        pub const ITEMS_DIGEST: &str = #digest;
    }
}

/// `validate_body`: the generated validator of any body, chosen by
/// operation id and role at run time, so tools and tests need no table of
/// their own that a new method would have to extend. It hands the id's
/// operation part to the method's own `validate_body`, so the crate-level
/// match has one short arm per method.
fn dispatch(ir: &Ir, opts: Options) -> TokenStream {
    let arms = ir.methods.iter().map(|m| {
        let path = [&m.brand, &m.id].map(|s| ident(&naming::snake(s)));
        let cfg = gate(opts, &m.brand, &m.id);
        let (brand, id) = (&m.brand, &m.id);
        let [b, me] = &path;
        quote! {
            #cfg
            (#brand, #id) => #b::#me::validate_body(operation, role, bytes),
        }
    });
    quote! {
        /// Runs the generated validator of one body (`role` is `request`,
        /// `response` or `callback`) of an operation on JSON bytes, and
        /// hands back the typed value as JSON with its warnings, or every
        /// violation; `None` when the operation has no such body.
        pub fn validate_body(
            operation_id: &str,
            role: &str,
            bytes: &[u8],
        ) -> Option<::gatespec_runtime::validate::JsonVerdict> {
            let mut parts = operation_id.splitn(3, '/');
            let (Some(brand), Some(method), Some(operation)) = (parts.next(), parts.next(), parts.next()) else {
                return None;
            };
            match (brand, method) {
                #(#arms)*
                // The arguments are unused when no method's feature is on.
                _ => {
                    let _ = (operation, role, bytes);
                    None
                }
            }
        }
    }
}

/// A method's `validate_body`: its bodies' generated validators by
/// operation and role (the crate's `validate_body` calls it).
fn method_dispatch(m: &Method) -> TokenStream {
    let arms = m.operations.iter().flat_map(|op| {
        let o = ident(&naming::snake(&op.id));
        let id = &op.id;
        op.bodies().map(move |(role, _)| {
            let role_name = role.as_str();
            let root = format_ident!("{}", naming::camel(role_name));
            quote! { (#id, #role_name) => Some(v::<#o::#root>(bytes)), }
        })
    });
    quote! {
        /// Runs the generated validator of one body of this method's
        /// `operation` (`role` is `request`, `response` or `callback`);
        /// `None` when there is no such body.
        pub fn validate_body(operation: &str, role: &str, bytes: &[u8]) -> Option<::gatespec_runtime::validate::JsonVerdict> {
            use ::gatespec_runtime::validate::validate_as_json as v;
            match (operation, role) {
                #(#arms)*
                _ => None,
            }
        }
    }
}

/// The client of one brand over `gatespec_runtime::client::GateClient`;
/// each method's module adds one method per operation (see
/// [`method_client`]).
fn brand_client(opts: Options, brand: &str) -> TokenStream {
    let rt = quote! { ::gatespec_runtime::client };
    let doc = format!(
        "A client of {brand}'s Gate for one project: one method per operation (each method's module adds its own)."
    );
    let cfg = feature_gate(opts, "client");
    quote! {
        #[doc = #doc]
        #cfg
        #[derive(Debug, Clone)]
        pub struct Client {
            gate: #rt::GateClient,
        }
        #cfg
        impl Client {
            /// Builds the client from the Gate's base URL, the project id, its secret key and timeouts.
            pub fn new(config: #rt::GateConfig) -> Result<Self, #rt::ClientError> {
                Ok(Self { gate: #rt::GateClient::new(config)? })
            }
            /// The underlying client (to sign or prepare a request without sending it).
            pub fn gate(&self) -> &#rt::GateClient {
                &self.gate
            }
        }
    }
}

/// A method's operations on its brand's `Client`, in the method's own
/// module (and file), so the brand's module does not grow with each
/// method.
fn method_client(opts: Options, brand: &str, m: &Method) -> TokenStream {
    let rt = quote! { ::gatespec_runtime::client };
    let mut fns = Vec::new();
    for op in &m.operations {
        let op_mod = ident(&naming::snake(&op.id));
        let fname = ident(&format!(
            "{}_{}",
            naming::snake(&m.id),
            naming::snake(&op.id)
        ));
        let req = quote! { #op_mod::Request };
        match &op.endpoint {
            Some(e) => {
                let doc = format!(
                    "{} ({}): `{} {}`. Validates the request, fills `general.project_id` and `general.signature`, and posts it.",
                    op.title,
                    m.name,
                    e.method.as_str(),
                    e.path
                );
                if op.response.is_some() {
                    fns.push(quote! {
                        #[doc = #doc]
                        pub async fn #fname(&self, request: &#req) -> Result<#op_mod::Response, #rt::ClientError> {
                            self.gate.send_for(request).await
                        }
                    });
                } else {
                    fns.push(quote! {
                        #[doc = #doc]
                        pub async fn #fname(&self, request: &#req) -> Result<#rt::GateAck, #rt::ClientError> {
                            self.gate.send(request).await
                        }
                    });
                }
            }
            None => {
                let fname = ident(&format!(
                    "{}_{}_url",
                    naming::snake(&m.id),
                    naming::snake(&op.id)
                ));
                let doc = format!(
                    "{} ({}): the signed Payment Page URL for the request, under `payment_page_url` (the page's address as {brand} gives it).",
                    op.title, m.name
                );
                fns.push(quote! {
                    #[doc = #doc]
                    pub fn #fname(&self, payment_page_url: &str, request: &#req) -> Result<String, #rt::ClientError> {
                        self.gate.payment_page_url(payment_page_url, request)
                    }
                });
            }
        }
    }
    let cfg = feature_gate(opts, "client");
    quote! {
        #cfg
        impl super::Client {
            #(#fns)*
        }
    }
}

/// Helpers of a callback type built on the shared envelope: verify from the
/// raw body, and the payment and operation statuses.
fn callback_helpers(o: &ObjectTy) -> TokenStream {
    let field = |o: &ObjectTy, name: &str| o.fields.iter().find(|f| f.name == name).cloned();
    let status_of = |f: Option<Field>| match f.map(|f| f.ty) {
        Some(Ty::Object(inner)) => field(&inner, "status").map(|s| s.presence),
        _ => None,
    };
    let payment = field(o, "payment");
    let payment_strict = payment
        .as_ref()
        .is_some_and(|p| p.presence == Presence::Strict);
    let mut out = quote! {
        /// Verifies the callback's signature from the raw body of the web
        /// request, then validates it; nothing is handed out before both.
        pub fn verify(body: &[u8], secret: &::gatespec_runtime::signature::SecretKey) -> Result<::gatespec_runtime::callback::VerifiedCallback<Self>, ::gatespec_runtime::callback::CallbackError> {
            ::gatespec_runtime::callback::verify_callback(body, secret)
        }
    };
    if payment_strict && status_of(payment) == Some(Presence::Strict) {
        out.extend(quote! {
            /// The payment's status (unknown values kept); `is_final` tells whether it settles the payment.
            pub fn payment_status(&self) -> ::gatespec_runtime::callback::PaymentStatus {
                ::gatespec_runtime::callback::PaymentStatus::parse(&self.payment.status)
            }
        });
    }
    let operation = field(o, "operation");
    let op_optional = operation
        .as_ref()
        .is_some_and(|p| p.presence != Presence::Strict);
    if op_optional && status_of(operation).is_some_and(|p| p != Presence::Strict) {
        out.extend(quote! {
            /// The operation's status, when the callback has one.
            pub fn operation_status(&self) -> Option<::gatespec_runtime::callback::OperationStatus> {
                self.operation.as_ref().and_then(|o| o.status.as_deref()).map(::gatespec_runtime::callback::OperationStatus::parse)
            }
        });
    }
    out
}

/// SHA-256 (hex) of a token stream's canonical form.
pub fn digest(tokens: &TokenStream) -> String {
    let mut text = String::new();
    canonical(tokens.clone(), &mut text);
    crate::format::digest(text.as_bytes())
}

/// Writes tokens one per space-separated word. `TokenStream::to_string`
/// spaces tokens differently inside a proc-macro (the compiler's
/// implementation) than outside it, so the digest walks the tokens itself.
fn canonical(tokens: TokenStream, out: &mut String) {
    use proc_macro2::{Delimiter, TokenTree};
    let mut tokens = tokens.into_iter().peekable();
    while let Some(tt) = tokens.next() {
        // `#[cfg(...)]` is left out: the client crate gates items by
        // feature, the other frontends do not, and their items are the same.
        if let TokenTree::Punct(p) = &tt
            && p.as_char() == '#'
            && let Some(TokenTree::Group(g)) = tokens.peek()
            && g.delimiter() == Delimiter::Bracket
            && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "cfg")
        {
            tokens.next();
            continue;
        }
        match tt {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                out.push(' ');
                canonical(g.stream(), out);
                out.push_str(close);
            }
            TokenTree::Ident(i) => out.push_str(&i.to_string()),
            TokenTree::Punct(p) => out.push(p.as_char()),
            TokenTree::Literal(l) => out.push_str(&l.to_string()),
        }
        out.push(' ');
    }
}

fn ident(name: &str) -> Ident {
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

/// `types`: the brand's shared types, each object and closed set once
/// per shape (see [`crate::typespace`]).
fn types_module(opts: Options, brand: &crate::ir::Brand, types: &BrandTypes) -> TokenStream {
    let mut sink = TypeSink::new(Scope::Shared(types));
    for t in types.types.iter().filter(|t| t.users.len() > 1) {
        let name = format_ident!("{}", t.name);
        // Each item of the type (struct, impls) exists when its feature is
        // on, which every method that uses it enables: a fixed-size `cfg`,
        // so adding a method does not touch the types it shares.
        sink.cfg = feature_gate(opts, &type_feature(&brand.id, &t.name));
        shared_type(&mut sink, name, t);
    }
    let brand = &brand.name;
    let doc = format!(
        "The types several of {brand}'s methods use: one per object shape (documentation aside), named where it is first used. A type only one method uses is in that method's `types` module. Each body's module re-exports the ones it uses under their local names."
    );
    let items = sink.finish();
    quote! {
        #[doc = #doc]
        pub mod types {
            #items
        }
    }
}

/// The items of one shared type.
fn shared_type(sink: &mut TypeSink<'_>, name: Ident, t: &crate::typespace::Shared) {
    match &t.shape {
        Shape::Object(o) => {
            let doc = format!("The `{}` object.", t.name);
            object_type(sink, name.clone(), &doc, o, "");
            // Only nested objects: a callback's root has a project id and a
            // signature too, but it is not a request's `general`.
            if let Some(payment_id) = general_shape(o) {
                let payment_id = format_ident!("{payment_id}");
                let cfg = &sink.cfg;
                sink.items.push(quote! {
                    #cfg
                    ::gatespec_runtime::__general_object!(#name, #payment_id);
                });
            }
        }
        Shape::Enum(values) => enum_type(sink, name, values),
        Shape::Callback(o) => {
            let doc = format!(
                "The `{}` callback, which several operations send unchanged; each operation's `callback` module has its own description and examples.",
                t.name
            );
            object_type(sink, name.clone(), &doc, o, "");
            let helpers = callback_helpers(o);
            let cfg = &sink.cfg;
            sink.items.push(quote! { #cfg impl #name { #helpers } });
        }
    }
}

/// `types`: the shared types only this method uses (see
/// [`crate::typespace`]), so they come and go with its feature.
fn local_types(types: &BrandTypes, m: &Method) -> TokenStream {
    let mut sink = TypeSink::new(Scope::Local(types));
    let mut any = false;
    for t in types.types.iter().filter(|t| t.users == [m.id.as_str()]) {
        any = true;
        shared_type(&mut sink, format_ident!("{}", t.name), t);
    }
    if !any {
        return TokenStream::new();
    }
    let items = sink.finish();
    quote! {
        /// The types only this method's bodies use (the brand's `types`
        /// module has those several methods share).
        pub mod types {
            #items
        }
    }
}

/// The module of one method: its name, its doc and its items.
fn method_module(opts: Options, types: &BrandTypes, m: &Method) -> (Ident, String, TokenStream) {
    let name = ident(&naming::snake(&m.id));
    let doc = format!(
        "{} ({}, {}): {}\n\nCountries: {}. Currencies: {}. Source: `{}`.",
        m.name,
        m.brand_name,
        m.code,
        m.summary,
        m.countries.join(", "),
        m.currencies.join(", "),
        m.source
    );
    let id = &m.id;
    let code = &m.code;
    let title = &m.name;
    let tables = m.tables.iter().map(table_const);
    let timings = timings_module(m);
    let ops = m.operations.iter().map(|op| operation_module(types, op));
    let local = local_types(types, m);
    let client = method_client(opts, &m.brand_name, m);
    let dispatch = method_dispatch(m);
    let body = quote! {
        /// The method id in the specs.
        pub const METHOD_ID: &str = #id;
        /// The method's code in the platform's paths and callbacks.
        pub const METHOD_CODE: &str = #code;
        /// The method's name in its document.
        pub const METHOD_NAME: &str = #title;
        #(#tables)*
        #timings
        #local
        #(#ops)*
        #client
        #dispatch
    };
    (name, doc, body)
}

/// The name of a timing's constant (`otp-validity` is `OTP_VALIDITY`).
fn timing_ident(id: &str) -> Ident {
    format_ident!("{}", naming::constant(id))
}

/// `timings`: one constant per timing of the method's document.
fn timings_module(m: &Method) -> TokenStream {
    if m.timings.is_empty() {
        return TokenStream::new();
    }
    let consts = m.timings.iter().map(|t| {
        let name = timing_ident(&t.id);
        let id = &t.id;
        let description = &t.description;
        let kind = format_ident!(
            "{}",
            match t.kind {
                TimingKind::Within => "Within",
                TimingKind::After => "After",
                TimingKind::Average => "Average",
            }
        );
        let min = opt(t.min_seconds);
        let max = opt(t.max_seconds);
        let attempts = opt(t.max_attempts);
        quote! {
            #[doc = #description]
            pub const #name: ::gatespec_runtime::Timing = ::gatespec_runtime::Timing {
                id: #id,
                kind: ::gatespec_runtime::TimingKind::#kind,
                min_seconds: #min,
                max_seconds: #max,
                max_attempts: #attempts,
                description: #description,
            };
        }
    });
    quote! {
        /// The timings of the method's document, as data.
        pub mod timings {
            #(#consts)*
        }
    }
}

fn table_const(t: &Table) -> TokenStream {
    let name = format_ident!("{}", naming::constant(&t.id));
    let headers: Vec<&str> = t.columns.iter().map(|(_, h)| h.as_str()).collect();
    let doc = format!(
        "{} ({}). Columns: {}.{}",
        t.title,
        t.note,
        headers.join(", "),
        if t.informational {
            " Informational: values outside this table are accepted."
        } else {
            ""
        }
    );
    let n = t.columns.len();
    let rows = t.rows.iter().map(|r| quote! { [#(#r),*] });
    let keys = t.keys();
    let key_name = format_ident!("{}_KEYS", naming::constant(&t.id));
    let key_doc = format!("The `{}` column of [`{}`].", t.key, name);
    quote! {
        #[doc = #doc]
        pub const #name: &[[&str; #n]] = &[#(#rows),*];
        #[doc = #key_doc]
        pub const #key_name: &[&str] = &[#(#keys),*];
    }
}

fn operation_module(types: &BrandTypes, op: &Operation) -> TokenStream {
    let name = ident(&naming::snake(&op.id));
    let mut doc = format!("{} ({}).", op.title, op.interface.title());
    if let Some(s) = &op.summary {
        doc.push_str(&format!("\n\n{s}"));
    }
    let full_id = &op.full_id;
    let timings = op.timings.iter().map(|t| {
        let name = timing_ident(&t.id);
        quote! { super::timings::#name }
    });
    let (method, path) = match &op.endpoint {
        Some(e) => {
            let m = e.method.as_str();
            let p = &e.path;
            (quote! { Some(#m) }, quote! { Some(#p) })
        }
        None => (quote! { None }, quote! { None }),
    };
    let mut bodies = TokenStream::new();
    let mut reexports = TokenStream::new();
    for (role, body) in op.bodies() {
        let module = format_ident!("{}", role.as_str());
        let root = format_ident!("{}", naming::camel(role.as_str()));
        let (items, body_doc) = body_items(types, op, role, body);
        let mdoc = body_doc.unwrap_or_else(|| format!("The {} of {}.", role.as_str(), op.full_id));
        bodies.extend(quote! {
            #[doc = #mdoc]
            pub mod #module {
                #items
            }
        });
        reexports.extend(quote! { pub use #module::#root; });
    }
    quote! {
        #[doc = #doc]
        pub mod #name {
            /// The operation id, `<brand>/<method>/<operation>`.
            pub const OPERATION_ID: &str = #full_id;
            /// The HTTP method of the endpoint (Gate operations).
            pub const HTTP_METHOD: Option<&str> = #method;
            /// The endpoint path (Gate operations).
            pub const PATH: Option<&str> = #path;
            /// The timings of the method's document that apply to this operation.
            pub const TIMINGS: &[::gatespec_runtime::Timing] = &[#(#timings),*];
            #bodies
            #reexports
            impl ::gatespec_runtime::Endpoint for Request {
                const OPERATION_ID: &'static str = OPERATION_ID;
                const HTTP_METHOD: Option<&'static str> = HTTP_METHOD;
                const PATH: Option<&'static str> = PATH;
            }
        }
    }
}

/// Where types are being emitted.
#[derive(Clone, Copy)]
enum Scope<'a> {
    /// A body's module: nested types are re-exports of shared ones.
    Body(&'a BrandTypes),
    /// The brand's `types` module: nested types are siblings.
    Shared(&'a BrandTypes),
    /// A method's `types` module (the types only it uses).
    Local(&'a BrandTypes),
}

/// Collects the type definitions of one module.
struct TypeSink<'a> {
    scope: Scope<'a>,
    items: Vec<TokenStream>,
    names: BTreeSet<String>,
    /// The `cfg` attribute each item being emitted gets (empty outside
    /// the client crate's `types` modules).
    cfg: TokenStream,
    /// Whether a struct or enum derives serde's traits, which the module
    /// then imports (short derive lists keep the generated code short).
    derives: bool,
}

impl TypeSink<'_> {
    /// The module's items, with serde's derives imported when used.
    fn finish(self) -> TokenStream {
        let items = self.items;
        let import = self.derives.then(|| {
            quote! {
                #[allow(unused_imports)]
                use ::gatespec_runtime::__private::serde::{Deserialize, Serialize};
            }
        });
        quote! { #import #(#items)* }
    }
}

impl<'a> TypeSink<'a> {
    fn new(scope: Scope<'a>) -> Self {
        TypeSink {
            scope,
            items: Vec::new(),
            names: BTreeSet::new(),
            cfg: TokenStream::new(),
            derives: false,
        }
    }

    /// The type of a nested object or closed set: the shared type, under
    /// a local name re-exported into a body's module.
    fn shared(&mut self, shared: Option<&str>, local: &str) -> TokenStream {
        // The table names every nested shape of the IR it was built from;
        // the fallback only keeps a broken invariant from panicking (the
        // generated code then fails to compile, naming the type).
        let shared = format_ident!("{}", shared.unwrap_or("UnnamedSharedType"));
        let is_local = self.types().is_local(&shared.to_string());
        match self.scope {
            Scope::Shared(_) => quote! { #shared },
            // A method's own types module: its siblings, or the brand's.
            Scope::Local(_) if is_local => quote! { #shared },
            Scope::Local(_) => quote! { super::super::types::#shared },
            Scope::Body(_) => {
                let alias = self.name(local);
                let path = if is_local {
                    quote! { super::super::types::#shared }
                } else {
                    quote! { super::super::super::types::#shared }
                };
                self.items.push(if alias == shared {
                    quote! { pub use #path; }
                } else {
                    quote! { pub use #path as #alias; }
                });
                quote! { #alias }
            }
        }
    }

    fn types(&self) -> &'a BrandTypes {
        match self.scope {
            Scope::Body(t) | Scope::Shared(t) | Scope::Local(t) => t,
        }
    }

    /// A fresh, unique type name in this module.
    fn name(&mut self, wanted: &str) -> Ident {
        let mut name = wanted.to_string();
        let mut n = 2;
        // The root takes its own name; no other type may shadow a name
        // the generated code uses unqualified.
        let reserved = |name: &str, names: &BTreeSet<String>| {
            !names.is_empty() && crate::typespace::naming::RESERVED.contains(&name)
        };
        while reserved(&name, &self.names) || !self.names.insert(name.clone()) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        format_ident!("{}", name)
    }
}

/// The items of one body's module, and the module's documentation when
/// the root is a shared type (whose own documentation is generic).
fn body_items(
    types: &BrandTypes,
    op: &Operation,
    role: BodyRole,
    body: &Body,
) -> (TokenStream, Option<String>) {
    let mut sink = TypeSink::new(Scope::Body(types));
    let root = naming::camel(role.as_str());
    let doc = format!(
        "{}{}",
        body.description.clone().unwrap_or_else(|| format!(
            "The {} of {}.",
            role.as_str(),
            op.title
        )),
        example_doc(body)
    );
    if role == BodyRole::Callback
        && let Ty::Object(o) = &body.ty
        && let Some(shared) = types.callback(o)
    {
        // A callback several operations share: the root is the shared type
        // under its usual name (named first, so it takes `Callback`
        // itself), its nested types keep their local names too, and the
        // description and examples go on the module.
        sink.shared(Some(shared), &root);
        for f in &o.fields {
            rust_type(&mut sink, &f.ty, &naming::camel(&f.name));
        }
        return (sink.finish(), Some(doc));
    }
    match &body.ty {
        Ty::Object(o) => {
            let name = sink.name(&root);
            let types = object_type(&mut sink, name.clone(), &doc, o, "");
            // A request with a `general` object: one function can take any
            // such request (`gatespec_runtime::general`).
            if role == BodyRole::Request
                && let Some(general) = o.fields.iter().find(|f| f.name == "general")
                && general.presence == Presence::Strict
                && matches!(&general.ty, Ty::Object(g) if general_shape(g).is_some())
                && let Some((_, ty)) = types.iter().find(|(n, _)| n == "general")
            {
                sink.items
                    .push(quote! { ::gatespec_runtime::__has_general!(#name, #ty); });
            }
            if role == BodyRole::Callback {
                let helpers = callback_helpers(o);
                sink.items.push(quote! { impl #name { #helpers } });
            }
        }
        other => {
            let name = sink.name(&root);
            let ty = rust_type(&mut sink, other, "Item");
            sink.items.push(quote! {
                #[doc = #doc]
                pub type #name = #ty;
            });
        }
    }
    (sink.finish(), None)
}

fn example_doc(body: &Body) -> String {
    body.examples
        .iter()
        .map(|e| {
            // Compact: the Markdown docs and the schemas show it pretty.
            let json = serde_json::to_string(&e.value).unwrap_or_default();
            format!("\n\n# Example: {}\n\n```json\n{json}\n```", e.title)
        })
        .collect()
}

/// Emits an object's struct, constructor and validator; returns the Rust
/// type of each field (before `Option`), by JSON name.
fn object_type(
    sink: &mut TypeSink<'_>,
    name: Ident,
    doc: &str,
    o: &ObjectTy,
    prefix: &str,
) -> Vec<(String, TokenStream)> {
    let serde_crate = quote! { #[serde(crate = "::gatespec_runtime::__private::serde")] };
    let mut fields = Vec::new();
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut members = Vec::new();
    let mut types = Vec::new();
    for f in &o.fields {
        let rust_name = naming::snake(&f.name);
        used.insert(rust_name.clone());
        let fname = ident(&rust_name);
        let nested = format!("{prefix}{}", naming::camel(&f.name));
        let ty = rust_type(sink, &f.ty, &nested);
        types.push((f.name.clone(), ty.clone()));
        members.push(Member {
            name: f.name.clone(),
            ident: fname.clone(),
            presence: f.presence,
            reader: match &f.ty {
                Ty::String(t) if t.const_value.is_some() || t.enum_values.is_some() => {
                    Reader::String(t.clone(), Some(ty.clone()))
                }
                Ty::String(t) => Reader::String(t.clone(), None),
                Ty::Integer(t) => Reader::Integer(t.clone()),
                _ => Reader::Value(ty.clone()),
            },
            lenient: f.lenient,
        });
        let doc = field_doc(f);
        let rename = (rust_name != f.name).then(|| {
            let n = &f.name;
            quote! { #[serde(rename = #n)] }
        });
        if f.presence == Presence::Strict {
            fields.push(quote! { #[doc = #doc] #rename pub #fname: #ty, });
            match fixed_value(&ty, f) {
                Some(value) => inits.push(quote! { #fname: #value, }),
                None => {
                    args.push(quote! { #fname: #ty });
                    inits.push(quote! { #fname, });
                }
            }
        } else {
            fields.push(quote! {
                #[doc = #doc]
                #rename
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub #fname: Option<#ty>,
            });
            inits.push(quote! { #fname: None, });
        }
    }
    let extra = if used.contains("extra") {
        format_ident!("extra_")
    } else {
        format_ident!("extra")
    };
    let validator = object_impl(&name, &members, o, &extra);
    let new_doc = "Builds the object from its strictly required fields (fields with a fixed value are filled in); optional fields start empty.";
    // An object without required fields is its own default.
    let default = args.is_empty().then(|| quote! { Default, });
    sink.derives = true;
    let cfg = &sink.cfg;
    sink.items.push(quote! {
        #cfg
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
        #serde_crate
        pub struct #name {
            #(#fields)*
            /// Parameters the specs do not name: the documents allow any
            /// further parameter, and nothing received is dropped.
            #[serde(flatten)]
            pub #extra: ::gatespec_runtime::Extra,
        }
        #cfg
        impl #name {
            #[doc = #new_doc]
            #[allow(clippy::too_many_arguments)]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits)* #extra: ::gatespec_runtime::Extra::new() }
            }
        }
        #cfg
        #validator
    });
    types
}

/// Whether `o` is shaped as a Gate request's `general` object (a strictly
/// required integer `project_id` and string `signature`), and then what
/// its `payment_id` is: `required`, `optional` or `none`.
fn general_shape(o: &ObjectTy) -> Option<&'static str> {
    let field = |n: &str| o.fields.iter().find(|f| f.name == n);
    let text = |f: &Field| matches!(&f.ty, Ty::String(t) if closed_values(t).is_none());
    field("project_id")
        .filter(|f| f.presence == Presence::Strict && matches!(f.ty, Ty::Integer(_)))?;
    field("signature").filter(|f| f.presence == Presence::Strict && text(f))?;
    match field("payment_id") {
        None => Some("none"),
        Some(f) if !text(f) => None,
        Some(f) if f.presence == Presence::Strict => Some("required"),
        Some(_) => Some("optional"),
    }
}

/// The value of a strictly required field whose value the spec fixes (a
/// string `const`, generated as a one-variant enum `ty`), so constructors
/// fill it in.
fn fixed_value(ty: &TokenStream, f: &Field) -> Option<TokenStream> {
    match &f.ty {
        Ty::String(t) => {
            let variant = variant_ident(t.const_value.as_ref()?, 0);
            Some(quote! { #ty::#variant })
        }
        _ => None,
    }
}

fn variant_ident(value: &str, index: usize) -> Ident {
    format_ident!("{}", naming::variant(value, index))
}

fn rust_type(sink: &mut TypeSink<'_>, ty: &Ty, nested: &str) -> TokenStream {
    match ty {
        Ty::String(t) => match closed_values(t) {
            Some(values) => {
                let shared = sink.types().enumeration(&values);
                sink.shared(shared, nested)
            }
            None => quote! { String },
        },
        Ty::Integer(_) => quote! { i64 },
        Ty::Boolean => quote! { bool },
        Ty::Array(item) => {
            let inner = rust_type(sink, item, &format!("{nested}Item"));
            quote! { Vec<#inner> }
        }
        Ty::Object(o) => {
            let shared = sink.types().object(o);
            let ty = sink.shared(shared, nested);
            // A body's module also re-exports the object's own nested
            // types under the names they had before types were shared
            // (`request::PaymentCurrency`).
            if let Scope::Body(_) = sink.scope {
                for f in &o.fields {
                    rust_type(sink, &f.ty, &format!("{nested}{}", naming::camel(&f.name)));
                }
            }
            ty
        }
    }
}

/// A closed set of strings as an enum with `from_json` and `as_str`.
fn enum_type(sink: &mut TypeSink<'_>, name: Ident, values: &[String]) {
    let doc = format!("A closed set of values: {}.", values.join(", "));
    let mut seen = BTreeSet::new();
    let idents: Vec<Ident> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let id = variant_ident(v, i);
            if seen.insert(id.to_string()) {
                id
            } else {
                format_ident!("{}{}", id, i)
            }
        })
        .collect();
    let variants = values.iter().zip(&idents).map(|(v, id)| {
        let vdoc = format!("`{v}`");
        quote! { #[doc = #vdoc] #[serde(rename = #v)] #id, }
    });
    let arms = values
        .iter()
        .zip(&idents)
        .map(|(v, id)| quote! { #v => Some(Self::#id), });
    let as_str = values
        .iter()
        .zip(&idents)
        .map(|(v, id)| quote! { Self::#id => #v, });
    sink.derives = true;
    let cfg = &sink.cfg;
    sink.items.push(quote! {
        #cfg
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(crate = "::gatespec_runtime::__private::serde")]
        pub enum #name { #(#variants)* }
        #cfg
        impl #name {
            /// The variant for a JSON value, if it is one of the set.
            pub fn from_json(value: &str) -> Option<Self> {
                match value { #(#arms)* _ => None }
            }
            /// The JSON value of the variant.
            pub fn as_str(self) -> &'static str {
                match self { #(#as_str)* }
            }
        }
    });
}

fn field_doc(f: &Field) -> String {
    let mut doc = field_description(f);
    let presence = match f.presence {
        Presence::Strict => "Strictly required.",
        Presence::Optional => "Optional.",
        Presence::Conditional => "Conditionally required.",
    };
    doc = format!("{presence} {doc}");
    // The document's own wording of the example says it already.
    if let (Some(e), None) = (&f.example, &f.example_note) {
        doc.push_str(&format!("\n\nExample: `{e}`"));
    }
    doc
}
