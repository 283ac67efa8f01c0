//! Rust types from the IR: structs for objects (with `new`, `extra` and
//! their validators), enums for closed sets, and the field docs.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Body, BodyRole, Field, ObjectTy, Operation, Presence, Ty};
use crate::naming;
use crate::rules::field_description;
use crate::typespace::{MethodTypes, TypeRef, closed_values};

use super::http::callback_helpers;
use super::tokens::ident;
use super::validate::{Member, Reader, object_impl};

/// Where types are being emitted.
#[derive(Clone, Copy)]
pub(super) enum Scope<'a> {
    /// A body's module: nested types are re-exports of the method's or
    /// the brand's.
    Body(MethodTypes<'a>),
    /// The brand's `types` module: nested types are siblings.
    Shared(MethodTypes<'a>),
    /// A method's `types` module (the types it owns).
    Local(MethodTypes<'a>),
}

/// Collects the type definitions of one module.
pub(super) struct TypeSink<'a> {
    pub(super) scope: Scope<'a>,
    pub(super) items: Vec<TokenStream>,
    pub(super) names: BTreeSet<String>,
    /// The `cfg` attribute each item being emitted gets (empty outside
    /// the client crate's `types` modules).
    pub(super) cfg: TokenStream,
    /// Whether a struct or enum derives serde's traits, which the module
    /// then imports (short derive lists keep the generated code short).
    pub(super) derives: bool,
    /// The prefixes of the module's rule statics (`ACCOUNT` for
    /// `ACCOUNT_RULES_0`), one per type; when any is used the module
    /// imports the runtime's validation under its short alias `gv`.
    pub(super) rule_prefixes: BTreeSet<String>,
    /// Whether the fields being emitted are an object the brand owns: a
    /// closed set among them is the brand's type too.
    pub(super) within_shared: bool,
}

impl TypeSink<'_> {
    /// The module's items, with serde's derives imported when used.
    pub(super) fn finish(self) -> TokenStream {
        let items = self.items;
        let import = self.derives.then(|| {
            quote! {
                #[allow(unused_imports)]
                use ::gatespec_runtime::__private::serde::{Deserialize, Serialize};
            }
        });
        let rules = (!self.rule_prefixes.is_empty()).then(|| {
            quote! {
                #[allow(unused_imports)]
                use ::gatespec_runtime::validate as gv;
            }
        });
        quote! { #import #rules #(#items)* }
    }
}

impl<'a> TypeSink<'a> {
    pub(super) fn new(scope: Scope<'a>) -> Self {
        TypeSink {
            scope,
            items: Vec::new(),
            names: BTreeSet::new(),
            cfg: TokenStream::new(),
            derives: false,
            rule_prefixes: BTreeSet::new(),
            within_shared: matches!(scope, Scope::Shared(_)),
        }
    }

    /// The type of a nested object or closed set: its owner's type, under
    /// a local name re-exported into a body's module.
    pub(super) fn shared(&mut self, found: Option<TypeRef<'_>>, local: &str) -> TokenStream {
        // The type space names every nested shape of the IR it was built
        // from; the fallback only keeps a broken invariant from panicking
        // (the generated code then fails to compile, naming the type).
        let (name, is_local) = found.map_or(("UnnamedSharedType", false), |t| (t.name, t.local));
        let shared = format_ident!("{}", name);
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

    pub(super) fn types(&self) -> MethodTypes<'a> {
        match self.scope {
            Scope::Body(t) | Scope::Shared(t) | Scope::Local(t) => t,
        }
    }

    /// A fresh, unique type name in this module.
    pub(super) fn name(&mut self, wanted: &str) -> Ident {
        let mut name = wanted.to_string();
        let mut n = 2;
        // The root takes its own name; no other type may shadow a name
        // the generated code uses unqualified.
        let reserved = |name: &str, names: &BTreeSet<String>| {
            !names.is_empty() && crate::naming::reserved(name)
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
pub(super) fn body_items(
    types: MethodTypes<'_>,
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
        sink.within_shared = true;
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
                sink.items.push(callback_helpers(&name, o));
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

pub(super) fn example_doc(body: &Body) -> String {
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
pub(super) fn object_type(
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
    // A request's `general` carries the project id and the signature,
    // which `GateClient` fills in when it sends; `new` does not ask for
    // them (they start as 0 and empty).
    let filled_on_send: &[&str] = if general_shape(o).is_some() {
        &["project_id", "signature"]
    } else {
        &[]
    };
    let mut left_empty = Vec::new();
    let owned_by_brand = o.shared.is_some() || matches!(sink.scope, Scope::Shared(_));
    let outer = std::mem::replace(&mut sink.within_shared, owned_by_brand);
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
                Some(value) => inits.push(quote! { #fname: #value }),
                None if filled_on_send.contains(&f.name.as_str()) => {
                    left_empty.push(format!("`{rust_name}`"));
                    inits.push(quote! { #fname: ::core::default::Default::default() });
                }
                None => args.push(quote! { #fname: #ty }),
            }
        } else {
            fields.push(quote! {
                #[doc = #doc]
                #rename
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub #fname: Option<#ty>,
            });
            inits.push(quote! { #fname: None });
        }
    }
    sink.within_shared = outer;
    let extra = if used.contains("extra") {
        format_ident!("extra_")
    } else {
        format_ident!("extra")
    };
    // Two type names may have one constant spelling (`IPAddress` and
    // `IpAddress`): the second takes a number.
    let base = naming::constant(&name.to_string());
    let mut prefix = base.clone();
    let mut n = 2;
    while !sink.rule_prefixes.insert(prefix.clone()) {
        prefix = format!("{base}{n}");
        n += 1;
    }
    let (statics, validator) = object_impl(&name, &members, o, &extra, &prefix);
    if statics.is_empty() {
        sink.rule_prefixes.remove(&prefix);
    }
    // The runtime's macro writes the usual sentence; a request's
    // `general` adds what `new` leaves for the client to fill in.
    let new_doc = (!left_empty.is_empty()).then(|| {
        let more = format!(
            "{} start empty: `GateClient` fills them in when it sends the request (set them yourself to send it another way).",
            left_empty.join(" and ")
        );
        quote! { #[doc = ""] #[doc = #more] }
    });
    // Clippy's limit on arguments: the allowance only where it is passed.
    let many = (args.len() > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
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
        ::gatespec_runtime::__constructor! {
            #new_doc
            #many
            #name, #extra, (#(#args),*), { #(#inits),* }
        }
        #(#cfg #statics)*
        #cfg
        #validator
    });
    types
}

/// Whether `o` is shaped as a Gate request's `general` object (a strictly
/// required integer `project_id` and string `signature`), and then what
/// its `payment_id` is: `required`, `optional` or `none`.
pub(super) fn general_shape(o: &ObjectTy) -> Option<&'static str> {
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
pub(super) fn fixed_value(ty: &TokenStream, f: &Field) -> Option<TokenStream> {
    match &f.ty {
        Ty::String(t) => {
            let variant = variant_ident(t.const_value.as_ref()?, 0);
            Some(quote! { #ty::#variant })
        }
        _ => None,
    }
}

pub(super) fn variant_ident(value: &str, index: usize) -> Ident {
    format_ident!("{}", naming::variant(value, index))
}

pub(super) fn rust_type(sink: &mut TypeSink<'_>, ty: &Ty, nested: &str) -> TokenStream {
    match ty {
        Ty::String(t) => match closed_values(t) {
            Some(values) => {
                let shared = sink.types().enumeration(&values, sink.within_shared);
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
                let outer = std::mem::replace(&mut sink.within_shared, o.shared.is_some());
                for f in &o.fields {
                    rust_type(sink, &f.ty, &format!("{nested}{}", naming::camel(&f.name)));
                }
                sink.within_shared = outer;
            }
            ty
        }
    }
}

/// A closed set of strings as an enum with `from_json` and `as_str`.
pub(super) fn enum_type(sink: &mut TypeSink<'_>, name: Ident, values: &[String]) {
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
    let variants = values
        .iter()
        .zip(&idents)
        .map(|(v, id)| quote! { #id = #v });
    let cfg = &sink.cfg;
    sink.items.push(quote! {
        #cfg
        ::gatespec_runtime::__closed_enum! {
            #[doc = #doc]
            #name { #(#variants),* }
        }
    });
}

pub(super) fn field_doc(f: &Field) -> String {
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
