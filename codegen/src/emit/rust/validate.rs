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

/// The `LenientObject` and `Lenient` impls of one object type.
pub fn object_impl(name: &Ident, members: &[Member], o: &ObjectTy, extra: &Ident) -> TokenStream {
    // Generated code is kept short: a path alias, one runtime call per
    // step, and rules as statics that name only what they set.
    let v = quote! { gv };
    let mut statics = Vec::new();
    let decls = members.iter().map(|m| {
        let id = &m.ident;
        quote! { let mut #id = #v::Field::Missing; }
    });
    let arms: Vec<TokenStream> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let id = &m.ident;
            let key = &m.name;
            let rules_name = format_ident!("RULES_{}", i);
            let read = match &m.reader {
                Reader::String(t, None) if *t == StringTy::default() => {
                    quote! { #v::any_string(&mut map, &at, report)? }
                }
                Reader::String(t, enum_type) => {
                    let rules = string_rules(t);
                    statics.push(
                        quote! { static #rules_name: #v::rules::StringRules<'static> = #rules; },
                    );
                    let convert = enum_type
                        .as_ref()
                        .map(|ty| quote! { .and_then(|s| #ty::from_json(&s)) });
                    quote! { #v::string(&mut map, &at, &#rules_name, report)? #convert }
                }
                Reader::Integer(t) if *t == IntegerTy::default() => {
                    quote! { #v::any_integer(&mut map, &at, report)? }
                }
                Reader::Integer(t) => {
                    let rules = integer_rules(t);
                    statics.push(
                        quote! { static #rules_name: #v::rules::IntegerRules<'static> = #rules; },
                    );
                    quote! { #v::integer(&mut map, &at, &#rules_name, report)? }
                }
                Reader::Value(ty) => quote! { #v::value::<#ty, _>(&mut map, &at, report)? },
            };
            if m.lenient {
                // The reader runs on the value alone (`map` is the one
                // value); what it refuses is kept in `extra` with a warning.
                return quote! {
                    #key => {
                        let at = #v::member(&#id, #key, path, report);
                        #id = #v::lenient_member(&mut map, path, #key, &mut #extra, report, |mut map, report| {
                            let field = #read;
                            Ok(field)
                        })?;
                    }
                };
            }
            quote! {
                #key => {
                    let at = #v::member(&#id, #key, path, report);
                    #id = #read;
                }
            }
        })
        .collect();
    let required = members
        .iter()
        .filter(|m| m.presence == Presence::Strict)
        .map(|m| {
            let id = &m.ident;
            let key = &m.name;
            quote! { #v::require(&#id, #key, path, report); }
        });
    let dependent = o.dependent_required.iter().flat_map(|(k, deps)| {
        let present = members
            .iter()
            .find(|m| &m.name == k)
            .map(|m| m.ident.clone());
        let v = v.clone();
        deps.iter().filter_map(move |d| {
            let present = present.clone()?;
            let needed = members.iter().find(|m| &m.name == d)?.ident.clone();
            Some(quote! {
                if !#present.is_missing() && #needed.is_missing() {
                    #v::rules::missing_dependency(#k, #d, path, report);
                }
            })
        })
    });
    let strict: Vec<&Ident> = members
        .iter()
        .filter(|m| m.presence == Presence::Strict)
        .map(|m| &m.ident)
        .collect();
    // Strict members are taken out of their `Field` at once; after the
    // error check above they are all valid, so the `else` never runs.
    let take = match strict.as_slice() {
        [] => TokenStream::new(),
        [one] => quote! { let #v::Field::Valid(#one) = #one else { return Ok(None) }; },
        many => quote! {
            let (#(#v::Field::Valid(#many)),*) = (#(#many),*) else { return Ok(None) };
        },
    };
    let inits = members.iter().map(|m| {
        let id = &m.ident;
        if m.presence == Presence::Strict {
            quote! { #id, }
        } else {
            quote! { #id: #id.into_option(), }
        }
    });
    let bounds = o.currency_bounds.iter().enumerate().filter_map(|(i, b)| {
        let amount = members.iter().find(|m| m.name == b.amount)?.ident.clone();
        let currency = members
            .iter()
            .find(|m| m.name == b.currency_field)?
            .ident
            .clone();
        let (key, code) = (&b.amount, &b.currency);
        let min = opt(b.minimum);
        let max = opt(b.maximum);
        let step = b.multiple_of.map(|n| quote! { multiple_of: Some(#n), });
        let note = &b.note;
        let bound_name = format_ident!("BOUND_{}", i);
        Some(quote! {
            if let (#v::Field::Valid(currency), #v::Field::Valid(amount)) = (&#currency, &#amount)
                && currency.as_str() == #code
            {
                static #bound_name: #v::rules::IntegerRules<'static> = #v::rules::IntegerRules {
                    minimum: #min,
                    maximum: #max,
                    #step
                    bounds_note: Some(#note),
                    ..#v::rules::IntegerRules::NONE
                };
                #bound_name.check(*amount, &path.key(#key), report);
            }
        })
    });
    let unknown = quote! { #v::unknown(&mut map, &mut #extra, other, path, report)? };
    // An object without fields keeps every member: a `match` with one
    // arm would be a lint in the consumer's crate.
    let dispatch = if arms.is_empty() {
        quote! { let other = key.as_str(); #unknown; }
    } else {
        quote! {
            match key.as_str() {
                #(#arms)*
                other => #unknown,
            }
        }
    };
    quote! {
        impl ::gatespec_runtime::validate::LenientObject for #name {
            fn members<'de, GatespecMap: ::gatespec_runtime::__private::serde::de::MapAccess<'de>>(
                mut map: GatespecMap,
                path: &::gatespec_runtime::validate::Path<'_>,
                report: &mut ::gatespec_runtime::validate::Report,
            ) -> Result<Option<Self>, GatespecMap::Error> {
                use ::gatespec_runtime::validate as gv;
                #(#statics)*
                let before = report.errors.len();
                #(#decls)*
                let mut #extra = ::gatespec_runtime::Extra::new();
                while let Some(key) = map.next_key::<#v::Key<'de>>()? {
                    #dispatch
                }
                #(#required)*
                #(#dependent)*
                #(#bounds)*
                if report.errors.len() > before {
                    return Ok(None);
                }
                #take
                Ok(Some(Self { #(#inits)* #extra }))
            }
        }
    }
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
        (Some(p), _) => Some(
            quote! { ({ static PATTERN: #v::Pattern = #v::Pattern::new(#p); &PATTERN }, "a match") },
        ),
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
        (Some(p), _) => Some(
            quote! { ({ static PATTERN: #v::Pattern = #v::Pattern::new(#p); &PATTERN }, "a match") },
        ),
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
