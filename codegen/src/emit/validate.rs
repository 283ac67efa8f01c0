//! The generated validators: for each object type, a lenient
//! deserialization (`gatespec_runtime::validate::LenientObject`) that
//! checks every rule of the IR in the same pass that builds the typed
//! value. The rules are the ones the JSON Schema emitter publishes
//! (`format_pattern` is shared), so the two agree.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::emit::schema::format_pattern;
use crate::ir::{Format, IntegerTy, ObjectTy, Presence, StringTy};

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
}

/// The `LenientObject` and `Lenient` impls of one object type.
pub fn object_impl(name: &Ident, members: &[Member], o: &ObjectTy, extra: &Ident) -> TokenStream {
    let v = quote! { ::gatespec_runtime::validate };
    let decls = members.iter().map(|m| {
        let id = &m.ident;
        quote! { let mut #id = #v::Field::Missing; }
    });
    let arms = members.iter().map(|m| {
        let id = &m.ident;
        let key = &m.name;
        let read = match &m.reader {
            Reader::String(t, None) if *t == StringTy::default() => {
                quote! { #id = #v::string(&mut map, &at, &#v::rules::StringRules::NONE, report)?; }
            }
            Reader::String(t, enum_type) => {
                let rules = string_rules(t);
                let convert = enum_type
                    .as_ref()
                    .map(|ty| quote! { .and_then(|s| #ty::from_json(&s)) });
                quote! {
                    static RULES: #v::rules::StringRules<'static> = #rules;
                    #id = #v::string(&mut map, &at, &RULES, report)? #convert;
                }
            }
            Reader::Integer(t) if *t == IntegerTy::default() => {
                quote! { #id = #v::integer(&mut map, &at, &#v::rules::IntegerRules::NONE, report)?; }
            }
            Reader::Integer(t) => {
                let rules = integer_rules(t);
                quote! {
                    static RULES: #v::rules::IntegerRules<'static> = #rules;
                    #id = #v::integer(&mut map, &at, &RULES, report)?;
                }
            }
            Reader::Value(ty) => quote! { #id = #v::value::<#ty, _>(&mut map, &at, report)?; },
        };
        quote! {
            #key => {
                if !#id.is_missing() {
                    #v::rules::duplicate(#key, path, report);
                }
                let at = path.key(#key);
                #read
            }
        }
    });
    let required = members
        .iter()
        .filter(|m| m.presence == Presence::Strict)
        .map(|m| {
            let id = &m.ident;
            let key = &m.name;
            quote! { if #id.is_missing() { #v::rules::missing(#key, path, report); } }
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
    let inits = members.iter().map(|m| {
        let id = &m.ident;
        if m.presence == Presence::Strict {
            quote! { #id: match #id { #v::Field::Valid(value) => value, _ => return Ok(None) }, }
        } else {
            quote! { #id: #id.into_option(), }
        }
    });
    let bounds = o.currency_bounds.iter().filter_map(|b| {
        let amount = members.iter().find(|m| m.name == b.amount)?.ident.clone();
        let currency = members
            .iter()
            .find(|m| m.name == b.currency_field)?
            .ident
            .clone();
        let (key, code) = (&b.amount, &b.currency);
        let min = opt(b.minimum);
        let max = opt(b.maximum);
        let note = &b.note;
        Some(quote! {
            if let (#v::Field::Valid(currency), #v::Field::Valid(amount)) = (&#currency, &#amount)
                && currency.as_str() == #code
            {
                static RULES: #v::rules::IntegerRules<'static> = #v::rules::IntegerRules {
                    minimum: #min,
                    maximum: #max,
                    bounds_note: Some(#note),
                    const_value: None,
                    enum_values: None,
                    known: None,
                };
                RULES.check(*amount, &path.key(#key), report);
            }
        })
    });
    let unknown = quote! {
        if #extra.contains_key(other) {
            #v::rules::duplicate(other, path, report);
        }
        let at = path.key(other);
        let value = map.next_value_seed(#v::StrictValue::new(&at, report))?;
        #extra.insert(other.to_owned(), value);
    };
    // An object without fields keeps every member: a `match` with one
    // arm would be a lint in the consumer's crate.
    let arms: Vec<TokenStream> = arms.collect();
    let dispatch = if arms.is_empty() {
        quote! { let other = key.as_str(); #unknown }
    } else {
        quote! {
            match key.as_str() {
                #(#arms)*
                other => { #unknown }
            }
        }
    };
    quote! {
        impl #v::LenientObject for #name {
            fn members<'de, GatespecMap: ::gatespec_runtime::__private::serde::de::MapAccess<'de>>(
                mut map: GatespecMap,
                path: &#v::Path<'_>,
                report: &mut #v::Report,
            ) -> Result<Option<Self>, GatespecMap::Error> {
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
                Ok(Some(Self { #(#inits)* #extra }))
            }
        }
        impl #v::Lenient for #name {
            fn lenient<'de, GatespecDeserializer: ::gatespec_runtime::__private::serde::Deserializer<'de>>(
                d: GatespecDeserializer,
                path: &#v::Path<'_>,
                report: &mut #v::Report,
            ) -> Result<Option<Self>, GatespecDeserializer::Error> {
                #v::object::<Self, GatespecDeserializer>(d, path, report)
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

fn string_rules(t: &StringTy) -> TokenStream {
    let v = quote! { ::gatespec_runtime::validate };
    let const_value = opt(t.const_value.as_deref());
    let enum_values = opt(t.enum_values.as_ref().map(|e| quote! { &[#(#e),*] }));
    let (pattern_src, what) = match (&t.pattern, t.format) {
        (Some(p), _) => (Some(p.clone()), "a match".to_string()),
        (None, Some(f)) => (
            format_pattern(f).map(str::to_string),
            format_name(f).to_string(),
        ),
        (None, None) => (None, String::new()),
    };
    let pattern = opt(pattern_src.map(
        |p| quote! { ({ static PATTERN: #v::Pattern = #v::Pattern::new(#p); &PATTERN }, #what) },
    ));
    let format = opt(match t.format {
        Some(Format::Ipv4) => Some(quote! { #v::rules::Format::Ipv4 }),
        Some(Format::Ipv6) => Some(quote! { #v::rules::Format::Ipv6 }),
        Some(Format::Ip) => Some(quote! { #v::rules::Format::Ip }),
        _ => None,
    });
    let min_length = opt(t.min_length);
    let max_length = opt(crate::emit::schema::max_length(t));
    let known = opt(t.known.as_ref().map(|k| {
        let values = &k.values;
        let list = &k.list;
        quote! { (&[#(#values),*], #list) }
    }));
    quote! {
        #v::rules::StringRules {
            const_value: #const_value,
            enum_values: #enum_values,
            pattern: #pattern,
            format: #format,
            min_length: #min_length,
            max_length: #max_length,
            known: #known,
        }
    }
}

/// How messages name what a format's pattern stands for.
pub fn format_name(f: Format) -> &'static str {
    match f {
        Format::Currency => "an ISO 4217 alpha-3 currency code",
        Format::Phone => "a phone number of digits only, with the country code",
        Format::PlatformDateTime => "a date and time like 2024-12-07T19:08:45+0000",
        Format::Email => "an e-mail address",
        Format::Ipv4 => "an IPv4 address",
        Format::Ipv6 => "an IPv6 address",
        Format::Ip => "an IPv4 or IPv6 address",
    }
}

fn integer_rules(t: &IntegerTy) -> TokenStream {
    let v = quote! { ::gatespec_runtime::validate };
    let minimum = opt(t.minimum);
    let maximum = opt(t.maximum);
    let note = opt(t.bounds_note.as_deref());
    let const_value = opt(t.const_value);
    let enum_values = opt(t.enum_values.as_ref().map(|e| quote! { &[#(#e),*] }));
    let known = opt(t.known.as_ref().map(|k| {
        let values = k.integers();
        let list = &k.list;
        quote! { (&[#(#values),*], #list) }
    }));
    quote! {
        #v::rules::IntegerRules {
            minimum: #minimum,
            maximum: #maximum,
            bounds_note: #note,
            const_value: #const_value,
            enum_values: #enum_values,
            known: #known,
        }
    }
}
