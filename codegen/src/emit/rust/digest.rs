//! `ITEMS_DIGEST`: a SHA-256 over a canonical form of the items' tokens
//! (`cfg` attributes left out), so a test proves every frontend emitted the
//! same items.

use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn digest_const(digest: &str) -> TokenStream {
    quote! {
        /// SHA-256 of the tokens of the items above, the same from every
        /// frontend (macro, build script, CLI) for the same specs.
        pub const ITEMS_DIGEST: &str = #digest;
    }
}

/// SHA-256 (hex) of a token stream's canonical form.
pub fn digest(tokens: &TokenStream) -> String {
    let mut text = String::new();
    canonical(tokens.clone(), &mut text);
    crate::format::digest(text.as_bytes())
}

/// Writes tokens one per space-separated word. `TokenStream::to_string`
/// spaces tokens differently inside a proc-macro (the compiler's
/// implementation) than outside it, so the digest walks the tokens itself.
pub(super) fn canonical(tokens: TokenStream, out: &mut String) {
    use proc_macro2::{Delimiter, TokenTree};
    let mut tokens = tokens.into_iter().peekable();
    while let Some(tt) = tokens.next() {
        // `#[cfg(...)]` is left out: the client crate gates items by
        // feature, the other frontends do not, and their items are the same.
        if let TokenTree::Punct(p) = &tt
            && p.as_char() == '#'
            && let Some(TokenTree::Group(g)) = tokens.peek()
            && g.delimiter() == Delimiter::Bracket
            && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "cfg")
        {
            tokens.next();
            continue;
        }
        match tt {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                out.push(' ');
                canonical(g.stream(), out);
                out.push_str(close);
            }
            TokenTree::Ident(i) => out.push_str(&i.to_string()),
            TokenTree::Punct(p) => out.push(p.as_char()),
            TokenTree::Literal(l) => out.push_str(&l.to_string()),
        }
        out.push(' ');
    }
}
