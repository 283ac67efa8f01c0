//! The modules: a brand's shared `types`, a method's module with its
//! local types, `timings` and reference tables, and an operation's module.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Method, Operation, Table};
use crate::model::TimingKind;
use crate::naming;
use crate::naming::type_feature;
use crate::typespace::{BrandTypes, MethodTypes, Shape};

use super::dispatch::method_dispatch;
use super::http::{callback_helpers, method_client};
use super::tokens::{Options, feature_gate, ident};
use super::types::{Scope, TypeSink, body_items, enum_type, general_shape, object_type};
use super::validate::opt;

/// `types`: the brand's shared types, each object and closed set once
/// per shape (see [`crate::typespace`]).
pub(super) fn types_module(
    opts: Options,
    brand: &crate::ir::Brand,
    types: &BrandTypes,
) -> TokenStream {
    let mut sink = TypeSink::new(Scope::Shared(types.of("")));
    for t in &types.shared.types {
        let name = format_ident!("{}", t.name);
        // Each item of the type (struct, impls) exists when its feature is
        // on, which every method that uses it enables: a fixed-size `cfg`,
        // so adding a method does not touch the types it shares.
        sink.cfg = feature_gate(opts, &type_feature(&brand.id, &t.name));
        shared_type(&mut sink, name, t);
    }
    let brand = &brand.name;
    let doc = format!(
        "The types of {brand}'s shared objects (`shared.yaml`) as written, and of the objects written inside them: one per shape, documentation aside, named after the shared object. A type a method writes itself is in that method's `types` module. Each body's module re-exports the ones it uses under their local names."
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
pub(super) fn shared_type(sink: &mut TypeSink<'_>, name: Ident, t: &crate::typespace::Named) {
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
            let helpers = callback_helpers(&name, o);
            let cfg = &sink.cfg;
            sink.items.push(quote! { #cfg #helpers });
        }
    }
}

/// `types`: the types the method owns (see [`crate::typespace`]), so they
/// come and go with its feature.
pub(super) fn local_types(types: &BrandTypes, m: &Method) -> TokenStream {
    let mut sink = TypeSink::new(Scope::Local(types.of(&m.id)));
    let mut any = false;
    for t in types.local(&m.id) {
        any = true;
        shared_type(&mut sink, format_ident!("{}", t.name), t);
    }
    if !any {
        return TokenStream::new();
    }
    let items = sink.finish();
    quote! {
        /// The types this method writes itself (the brand's `types`
        /// module has its shared objects).
        pub mod types {
            #items
        }
    }
}

/// The module of one method: its name, its doc and its items.
pub(super) fn method_module(
    opts: Options,
    types: &BrandTypes,
    m: &Method,
) -> (Ident, String, TokenStream) {
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
    let ops = m
        .operations
        .iter()
        .map(|op| operation_module(types.of(&m.id), op));
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
pub(super) fn timing_ident(id: &str) -> Ident {
    format_ident!("{}", naming::constant(id))
}

/// `timings`: one constant per timing of the method's document.
pub(super) fn timings_module(m: &Method) -> TokenStream {
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

pub(super) fn table_const(t: &Table) -> TokenStream {
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

pub(super) fn operation_module(types: MethodTypes<'_>, op: &Operation) -> TokenStream {
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
        let (mut items, body_doc) = body_items(types, op, role, body);
        if role == crate::ir::BodyRole::Callback {
            items.extend(super::steps::callback_steps(op, body));
        }
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
            ::gatespec_runtime::__endpoint!(Request);
        }
    }
}
