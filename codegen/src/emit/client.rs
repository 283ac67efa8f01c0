//! The generated client crate (`generated/client`), a workspace member
//! built with warnings denied, with a cargo feature per brand and method.

use crate::format;
use crate::ir::Ir;

/// The client crate's files, by path relative to `generated/`.
pub fn files(ir: &Ir, types: &super::types::TypeTable) -> Vec<(String, String)> {
    let cargo = format!(
        "{}[package]\nname = \"gatespec-client\"\ndescription = \"Typed requests and callbacks of every payment method in specs/.\"\nedition.workspace = true\nversion.workspace = true\nlicense.workspace = true\nrust-version.workspace = true\npublish.workspace = true\n\n[dependencies]\ngatespec-runtime.workspace = true\n\n{}\n[lints.rust]\nwarnings = \"deny\"\nmissing_docs = \"deny\"\n",
        format::toml_preamble(),
        features(ir)
    );
    let (items, methods) =
        super::rust::emit_files(ir, types, super::rust::Options { features: true });
    // rustfmt would reformat prettyplease's output (the crate is a workspace
    // member) and make `generated/` stale; the items live in a module that
    // rustfmt skips, and lib.rs is written as rustfmt writes it.
    let lib = format!(
        "{}//! Typed requests, responses and callbacks of every payment method\n//! described in `specs/`, one module per brand and method.\n\n#[rustfmt::skip]\nmod items;\n\npub use items::*;\n",
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

/// Each method's module as a file under `dir` (`<brand>/<method>.rs`).
pub fn method_files(
    dir: &str,
    methods: Vec<(String, proc_macro2::TokenStream)>,
) -> Vec<(String, String)> {
    methods
        .into_iter()
        .map(|(path, tokens)| (format!("{dir}/{path}"), format::rust_file(&tokens)))
        .collect()
}

/// The crate's `[features]`: one per method (`monetix-mobile`), one per
/// brand enabling its methods, `client` for the HTTP client, and `all`.
/// A method's feature brings exactly the types its bodies use, so it builds
/// alone; the default is everything.
pub fn features(ir: &Ir) -> String {
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
        let methods: Vec<String> = ir
            .methods
            .iter()
            .filter(|m| m.brand == *b)
            .map(|m| super::rust::method_feature(b, &m.id))
            .collect();
        out.push_str(&format!("{b} = {}\n", list(&methods)));
        for m in &methods {
            out.push_str(&format!("{m} = []\n"));
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
