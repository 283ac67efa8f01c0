//! The generated validators: for each object type, a lenient
//! deserialization (`gatespec_runtime::validate::LenientObject`) that
//! checks every rule of the IR in the same pass that builds the typed
//! value. The rules are the ones the JSON Schema emitter publishes (a
//! format's pattern is the runtime's constant on both sides, compiled once
//! in `gatespec_runtime::validate::compiled`), so the two agree.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Format, IntegerTy, ObjectTy, Presence, StringTy};
use crate::rules::format_name;

/// How one member is read and checked.
pub enum Reader {
    /// A string with its rules; `enum_type` when it converts to a closed enum.
    String(StringTy, Option<TokenStream>),
    /// An integer with its rules.
    Integer(IntegerTy),
    /// Any other lenient type (objects, arrays, booleans).
    Value(TokenStream),
}

/// One member of an object, as the Rust emitter named and typed it.
pub struct Member {
    /// JSON name.
    pub name: String,
    /// Rust field name.
    pub ident: Ident,
    /// Requiredness.
    pub presence: Presence,
    /// How to read it.
    pub reader: Reader,
    /// Read leniently (`ir::Field::lenient`): what does not fit is a
    /// warning and kept in `extra`.
    pub lenient: bool,
}

/// The `LenientObject` impl of one object type, as one call of the
/// runtime's `__lenient_object!` (per member its names, requiredness and
/// reader, then the object's own checks: dependencies between members, an
/// amount's bounds per currency), and the statics of rules it names, each
/// an item of the module named `<prefix>_RULES_<n>` or `<prefix>_BOUND_<n>`.
/// The macro writes the loop, so a method adds a few lines per object.
pub fn object_impl(
    name: &Ident,
    members: &[Member],
    o: &ObjectTy,
    extra: &Ident,
    prefix: &str,
) -> (Vec<TokenStream>, TokenStream) {
    let v = quote! { gv };
    let mut statics = Vec::new();
    let entries: Vec<TokenStream> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let id = &m.ident;
            let key = &m.name;
            let rules_name = format_ident!("{prefix}_RULES_{i}");
            let read = match &m.reader {
                Reader::String(t, None) if *t == StringTy::default() => quote! { any_string },
                Reader::String(t, enum_type) => {
                    let rules = string_rules(t);
                    statics.push(
                        quote! { static #rules_name: #v::rules::StringRules<'static> = #rules; },
                    );
                    let convert = enum_type.as_ref().map(|ty| quote! { as #ty });
                    quote! { string #rules_name #convert }
                }
                Reader::Integer(t) if *t == IntegerTy::default() => quote! { any_integer },
                Reader::Integer(t) => {
                    let rules = integer_rules(t);
                    statics.push(
                        quote! { static #rules_name: #v::rules::IntegerRules<'static> = #rules; },
                    );
                    quote! { integer #rules_name }
                }
                Reader::Value(ty) => quote! { value #ty },
            };
            let presence = if m.presence == Presence::Strict {
                quote! { strict }
            } else {
                quote! { optional }
            };
            let lenient = m.lenient.then(|| quote! { lenient });
            quote! { #id #key #presence #lenient (#read) }
        })
        .collect();
    let ident_of = |json: &str| members.iter().find(|m| m.name == json).map(|m| &m.ident);
    let mut checks = Vec::new();
    for (k, deps) in &o.dependent_required {
        let Some(present) = ident_of(k) else { continue };
        for d in deps {
            if let Some(needed) = ident_of(d) {
                checks.push(quote! { requires(#present #k #needed #d) });
            }
        }
    }
    for (i, b) in o.currency_bounds.iter().enumerate() {
        let (Some(amount), Some(currency)) = (ident_of(&b.amount), ident_of(&b.currency_field))
        else {
            continue;
        };
        let (key, code) = (&b.amount, &b.currency);
        let min = opt(b.minimum);
        let max = opt(b.maximum);
        let step = b.multiple_of.map(|n| quote! { multiple_of: Some(#n), });
        let note = &b.note;
        let bound_name = format_ident!("{prefix}_BOUND_{i}");
        statics.push(quote! {
            static #bound_name: #v::rules::IntegerRules<'static> = #v::rules::IntegerRules {
                minimum: #min,
                maximum: #max,
                #step
                bounds_note: Some(#note),
                ..#v::rules::IntegerRules::NONE
            };
        });
        checks.push(quote! { bound(#currency #amount #code #key #bound_name) });
    }
    let invocation = quote! {
        ::gatespec_runtime::__lenient_object! {
            #name, #extra,
            [ #(#entries),* ],
            [ #(#checks),* ]
        }
    };
    (statics, invocation)
}

/// `Some(v)` or `None` as tokens.
pub(crate) fn opt<T: quote::ToTokens>(v: Option<T>) -> TokenStream {
    match v {
        Some(v) => quote! { Some(#v) },
        None => quote! { None },
    }
}

/// `name: Some(value)` for each rule that is set; the rest come from
/// `..NONE`, so a static names only what it sets.
fn set_fields(fields: Vec<(&str, Option<TokenStream>)>) -> Vec<TokenStream> {
    fields
        .into_iter()
        .filter_map(|(name, value)| {
            let name = format_ident!("{}", name);
            value.map(|v| quote! { #name: Some(#v), })
        })
        .collect()
}

fn string_rules(t: &StringTy) -> TokenStream {
    let v = quote! { gv };
    // A spec's own pattern gets a static here; a format's is the runtime's.
    let pattern = match (&t.pattern, t.format) {
        (Some(p), _) => Some(quote! { (::gatespec_runtime::__pattern!(#p), "a match") }),
        (None, Some(f)) => {
            let what = format_name(f);
            let compiled = match f {
                Format::Currency => Some(quote! { CURRENCY }),
                Format::Phone => Some(quote! { PHONE }),
                Format::PlatformDateTime => Some(quote! { DATE_TIME }),
                Format::Email => Some(quote! { EMAIL }),
                Format::Url => Some(quote! { URL }),
                Format::Ipv4 | Format::Ipv6 | Format::Ip => None,
            };
            compiled.map(|c| quote! { (&#v::compiled::#c, #what) })
        }
        (None, None) => None,
    };
    let fields = set_fields(vec![
        ("const_value", t.const_value.as_ref().map(|c| quote! { #c })),
        (
            "enum_values",
            t.enum_values.as_ref().map(|e| quote! { &[#(#e),*] }),
        ),
        ("pattern", pattern),
        (
            "format",
            match t.format {
                Some(Format::Ipv4) => Some(quote! { #v::rules::Format::Ipv4 }),
                Some(Format::Ipv6) => Some(quote! { #v::rules::Format::Ipv6 }),
                Some(Format::Ip) => Some(quote! { #v::rules::Format::Ip }),
                _ => None,
            },
        ),
        ("min_length", t.min_length.map(|n| quote! { #n })),
        (
            "max_length",
            crate::rules::max_length(t).map(|n| quote! { #n }),
        ),
        (
            "known",
            t.known.as_ref().map(|k| {
                let values = &k.values;
                let list = &k.list;
                quote! { (&[#(#values),*], #list) }
            }),
        ),
        ("inferred", t.inferred.as_ref().map(inferred_rules)),
    ]);
    quote! { #v::rules::StringRules { #(#fields)* ..#v::rules::StringRules::NONE } }
}

/// Rules no document states, as a reference to a `rules::Inferred`: a
/// value that breaks one gets a warning, never an error.
fn inferred_rules(r: &crate::ir::InferredRules) -> TokenStream {
    let v = quote! { gv };
    let why = &r.why;
    let rule_format = match r.format {
        Some(Format::Ipv4) => Some(quote! { #v::rules::Format::Ipv4 }),
        Some(Format::Ipv6) => Some(quote! { #v::rules::Format::Ipv6 }),
        Some(Format::Ip) => Some(quote! { #v::rules::Format::Ip }),
        Some(Format::Email) => Some(quote! { #v::rules::Format::Email }),
        _ => None,
    };
    let pattern = match (&r.pattern, r.format) {
        (Some(p), _) => Some(quote! { (::gatespec_runtime::__pattern!(#p), "a match") }),
        (None, Some(f)) if rule_format.is_none() => {
            let what = format_name(f);
            let compiled = match f {
                Format::Currency => quote! { CURRENCY },
                Format::Phone => quote! { PHONE },
                Format::Url => quote! { URL },
                _ => quote! { DATE_TIME },
            };
            Some(quote! { (&#v::compiled::#compiled, #what) })
        }
        _ => None,
    };
    let fields = set_fields(vec![
        ("pattern", pattern),
        ("format", rule_format),
        ("min_length", r.min_length.map(|n| quote! { #n })),
        ("max_length", r.max_length.map(|n| quote! { #n })),
        ("minimum", r.minimum.map(|n| quote! { #n })),
        ("maximum", r.maximum.map(|n| quote! { #n })),
    ]);
    quote! { &#v::rules::Inferred { why: #why, #(#fields)* ..#v::rules::Inferred::NONE } }
}

fn integer_rules(t: &IntegerTy) -> TokenStream {
    let v = quote! { gv };
    let fields = set_fields(vec![
        ("minimum", t.minimum.map(|n| quote! { #n })),
        ("maximum", t.maximum.map(|n| quote! { #n })),
        ("multiple_of", t.multiple_of.map(|n| quote! { #n })),
        ("bounds_note", t.bounds_note.as_ref().map(|n| quote! { #n })),
        ("const_value", t.const_value.map(|n| quote! { #n })),
        (
            "enum_values",
            t.enum_values.as_ref().map(|e| quote! { &[#(#e),*] }),
        ),
        (
            "known",
            t.known.as_ref().map(|k| {
                let values = k.integers();
                let list = &k.list;
                quote! { (&[#(#values),*], #list) }
            }),
        ),
        ("inferred", t.inferred.as_ref().map(inferred_rules)),
    ]);
    quote! { #v::rules::IntegerRules { #(#fields)* ..#v::rules::IntegerRules::NONE } }
}
