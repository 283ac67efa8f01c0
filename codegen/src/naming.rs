//! How spec names become Rust names: one module that the resolver's
//! collision checks and every emitter use, so a name the resolver accepts
//! is the name the emitters write, and a change of rule is made once.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// A module, field or function name (`smp-p2p-kz` is `smp_p2p_kz`).
pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// A type name or a part of one (`payment_page` is `PaymentPage`).
pub fn camel(name: &str) -> String {
    name.to_upper_camel_case()
}

/// A constant's name (`otp-validity` is `OTP_VALIDITY`).
pub fn constant(name: &str) -> String {
    name.to_snake_case().to_uppercase()
}

/// The variant of a closed set's value (`awaiting redirect` is
/// `AwaitingRedirect`); a value with no letters or digits takes its
/// position, one that starts with a digit a `V`.
pub fn variant(value: &str, index: usize) -> String {
    let camel = value.to_upper_camel_case();
    if camel.is_empty() {
        format!("Value{index}")
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else {
        camel
    }
}

/// A name that is a valid Rust type name: non-empty, not starting with a
/// digit.
pub fn rust_safe(name: &str) -> String {
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{name}")
    } else {
        name.to_string()
    }
}

/// The name of one item of a collection (`banks` is `bank`,
/// `currencies` is `currency`); a name that is not an English plural gets
/// `_item` (`data_item`), so an item never has its collection's name.
pub fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies")
        && !stem.is_empty()
    {
        format!("{stem}y")
    } else if let Some(stem) = name.strip_suffix("ses").filter(|s| !s.is_empty()) {
        format!("{stem}s")
    } else if let Some(stem) = name
        .strip_suffix('s')
        // `class`, `status`: not plurals.
        .filter(|s| !s.is_empty() && !s.ends_with('s') && !s.ends_with('u'))
    {
        stem.to_string()
    } else {
        format!("{name}_item")
    }
}

/// The cargo feature of a method (`monetix-smp-p2p-kz`).
pub fn method_feature(brand: &str, method: &str) -> String {
    format!("{brand}-{method}")
}

/// The internal cargo feature of a type several of a brand's methods share
/// (`_monetix-type-General`); every method that uses the type enables it.
pub fn type_feature(brand: &str, name: &str) -> String {
    format!("_{brand}-type-{name}")
}

/// Modules every generated method module has, which an operation's own
/// module must not shadow.
pub const RESERVED_MODULES: [&str; 2] = ["types", "timings"];

/// Names generated code uses unqualified (the prelude's and its own
/// generic parameters): a type of that name would shadow them.
pub const PRELUDE: &[&str] = &[
    "Option",
    "Serialize",
    "Deserialize",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Self",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "Fn",
    "Iterator",
    "GatespecMap",
    "GatespecDeserializer",
];

/// The names of a body module's root types: no other type of a body's
/// module may take them (a `types` module may).
pub const ROOTS: &[&str] = &["Request", "Response", "Callback"];

/// Whether a type of a body's module may not take `name`.
pub fn reserved(name: &str) -> bool {
    PRELUDE.contains(&name) || ROOTS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::singular;

    #[test]
    fn an_item_is_named_after_its_collection() {
        assert_eq!(singular("banks"), "bank");
        assert_eq!(singular("currencies"), "currency");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("status"), "status_item");
        assert_eq!(singular("data"), "data_item");
        assert_eq!(singular("s"), "s_item");
    }
}
