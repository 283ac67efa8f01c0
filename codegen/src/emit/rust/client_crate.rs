//! The generated client crate (`generated/client`), a workspace member
//! built with warnings denied, with a cargo feature per brand and method.

use crate::format;
use crate::ir::{Ir, Method};
use crate::naming::{method_feature, type_feature};
use crate::typespace::TypeSpace;

/// What the client crate re-exports from the runtime: what a caller names
/// to configure the client, handle its errors, hold the secret and verify
/// callbacks (written as rustfmt writes it: the file is a workspace
/// member's).
pub(super) const RUNTIME_EXPORTS: &str = "pub use gatespec_runtime::callback::{
    CallbackError, OperationStatus, PaymentStatus, VerifiedCallback, verify_callback,
    verify_callback_limited,
};
#[cfg(feature = \"client\")]
pub use gatespec_runtime::client::{
    ClientError, GateAck, GateClient, GateConfig, GateResult, Rejection, TransportKind,
};
pub use gatespec_runtime::closed::NotInSet;
pub use gatespec_runtime::signature::SecretKey;
pub use gatespec_runtime::{Report, Validate, Validated, Violation};
";

/// The client crate's files, by path relative to `generated/`.
pub fn files(ir: &Ir, types: &TypeSpace) -> Vec<(String, String)> {
    let cargo = format!(
        "{}[package]\nname = \"gatespec-client\"\ndescription = \"Typed requests and callbacks of every payment method in specs/.\"\nedition.workspace = true\nversion.workspace = true\nlicense.workspace = true\nrust-version.workspace = true\npublish.workspace = true\n\n[dependencies]\ngatespec-runtime.workspace = true\n\n{}\n[lints.rust]\nwarnings = \"deny\"\nmissing_docs = \"deny\"\n",
        format::toml_preamble(),
        features(ir, types)
    );
    let (items, methods) = super::emit_files(ir, types, super::Options { features: true });
    // rustfmt would reformat prettyplease's output (the crate is a workspace
    // member) and make `generated/` stale; the items live in a module that
    // rustfmt skips, and lib.rs is written as rustfmt writes it.
    let lib = format!(
        "{}//! Typed requests, responses and callbacks of every payment method\n//! described in `specs/`, one module per brand and method. The runtime's\n//! types a caller names are re-exported, so this crate is the one\n//! dependency a service needs.\n\n#[rustfmt::skip]\nmod items;\n\npub use items::*;\n\n{RUNTIME_EXPORTS}",
        format::rust_preamble()
    );
    let mut files = vec![
        ("client/Cargo.toml".to_string(), cargo),
        ("client/src/lib.rs".to_string(), lib),
        ("client/src/items.rs".to_string(), format::rust_file(&items)),
    ];
    files.extend(method_files("client/src/items", methods));
    files
}

/// Each method's formatted module as a file under `dir`
/// (`<brand>/<method>.rs`).
pub fn method_files(dir: &str, methods: Vec<(String, String)>) -> Vec<(String, String)> {
    methods
        .into_iter()
        .map(|(path, text)| (format!("{dir}/{path}"), text))
        .collect()
}

/// The crate's `[features]`: one per method (`monetix-mobile`), one per
/// brand enabling its methods, `client` for the HTTP client, and `all`.
/// Each type several methods share has an internal feature
/// (`_monetix-type-General`) that enables the shared types it names; a
/// method's feature enables those of every shared type it uses, so it builds
/// alone. The default is everything.
pub fn features(ir: &Ir, types: &TypeSpace) -> String {
    let mut out = String::from(
        "[features]\ndefault = [\"client\", \"all\"]\n# The Gate's HTTP client (reqwest on rustls). Leave it out to validate and\n# verify callbacks with no HTTP stack.\nclient = [\"gatespec-runtime/client\"]\n",
    );
    let brands: Vec<&str> = ir
        .brands
        .iter()
        .filter(|b| ir.methods.iter().any(|m| m.brand == b.id))
        .map(|b| b.id.as_str())
        .collect();
    out.push_str(&format!(
        "# Every method of every brand.\nall = {}\n",
        list(&brands)
    ));
    for b in &brands {
        let Some(shared) = types.brand(b) else {
            continue;
        };
        let methods: Vec<&Method> = ir.methods.iter().filter(|m| m.brand == *b).collect();
        let names: Vec<String> = methods.iter().map(|m| method_feature(b, &m.id)).collect();
        out.push_str(&format!("{b} = {}\n", list(&names)));
        for (m, name) in methods.iter().zip(&names) {
            let needs: Vec<String> = shared
                .shared_by(&m.id)
                .map(|t| type_feature(b, &t.name))
                .collect();
            out.push_str(&format!("{name} = {}\n", list(&needs)));
        }
        let internal = &shared.shared.types;
        if !internal.is_empty() {
            out.push_str(&format!(
                "# Internal: the types of {b}'s shared objects, enabled by the methods that use them.\n"
            ));
        }
        for t in internal {
            let needs: Vec<String> = shared
                .dependencies(t)
                .into_iter()
                .map(|d| type_feature(b, d))
                .collect();
            out.push_str(&format!(
                "{} = {}\n",
                type_feature(b, &t.name),
                list(&needs)
            ));
        }
    }
    out
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect();
    format!("[{}]", quoted.join(", "))
}
