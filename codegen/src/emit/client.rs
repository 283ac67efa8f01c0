//! The generated client crate (`generated/client`), a workspace member
//! built with warnings denied.

use quote::quote;

use crate::format;
use crate::ir::Ir;

/// The client crate's files, by path relative to `generated/`.
pub fn files(ir: &Ir) -> Vec<(String, String)> {
    let cargo = format!(
        "{}[package]\nname = \"gatespec-client\"\ndescription = \"Typed requests and callbacks of every payment method in specs/.\"\nedition.workspace = true\nversion.workspace = true\nlicense.workspace = true\nrust-version.workspace = true\npublish.workspace = true\n\n[dependencies]\ngatespec-runtime.workspace = true\n\n[lints.rust]\nwarnings = \"deny\"\nmissing_docs = \"deny\"\n",
        format::toml_preamble()
    );
    let items = super::rust::emit(ir);
    let lib = quote! {
        //! Typed requests, responses and callbacks of every payment method
        //! described in `specs/`, one module per brand and method.
        #items
    };
    vec![
        ("client/Cargo.toml".to_string(), cargo),
        ("client/src/lib.rs".to_string(), format::rust_file(&lib)),
    ]
}
