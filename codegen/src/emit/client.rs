//! The generated client crate (`generated/client`), a workspace member
//! built with warnings denied.

use crate::format;
use crate::ir::Ir;

/// The client crate's files, by path relative to `generated/`.
pub fn files(ir: &Ir) -> Vec<(String, String)> {
    let cargo = format!(
        "{}[package]\nname = \"gatespec-client\"\ndescription = \"Typed requests and callbacks of every payment method in specs/.\"\nedition.workspace = true\nversion.workspace = true\nlicense.workspace = true\nrust-version.workspace = true\npublish.workspace = true\n\n[dependencies]\ngatespec-runtime.workspace = true\n\n[lints.rust]\nwarnings = \"deny\"\nmissing_docs = \"deny\"\n",
        format::toml_preamble()
    );
    let items = super::rust::emit(ir);
    // rustfmt would reformat prettyplease's output (the crate is a workspace
    // member) and make `generated/` stale; the items live in a module that
    // rustfmt skips, and lib.rs is written as rustfmt writes it.
    let lib = format!(
        "{}//! Typed requests, responses and callbacks of every payment method\n//! described in `specs/`, one module per brand and method.\n\n#[rustfmt::skip]\nmod items;\n\npub use items::*;\n",
        format::rust_preamble()
    );
    vec![
        ("client/Cargo.toml".to_string(), cargo),
        ("client/src/lib.rs".to_string(), lib),
        ("client/src/items.rs".to_string(), format::rust_file(&items)),
    ]
}
