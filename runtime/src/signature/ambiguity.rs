//! What makes a signed document mean more than one thing.
//!
//! The platform's signature covers a flattened text (`path:value` pairs
//! joined with `;`, every `signature` member left out), not the document.
//! Different documents can therefore share one signed text, and a receiver
//! could read a document other than the one the sender signed. A walk
//! records the first such feature it meets; verification rejects a
//! document that has one.

use std::fmt;

/// Why a signed document is ambiguous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmbiguityKind {
    /// An object names a member twice. Parsers disagree on which one
    /// counts, and the signed text holds both.
    DuplicateKey,
    /// A key holds `:` or `;`, the separators of the signed text, so
    /// `{"a:b": 1}` signs like `{"a": {"b": 1}}`.
    SeparatorInKey,
    /// A `signature` member where none belongs: the signed text leaves it
    /// out, so whatever it holds would be read but not signed.
    MisplacedSignature,
    /// The `signature` member is not a string.
    NonStringSignature,
    /// A number not in its one shortest plain form (`1.0`, `1e5`, `-0`,
    /// `1.50`) or an integer past 2^53 − 1 in magnitude: readers disagree
    /// on its text or its value, and the signed text is its text.
    UnclearNumber,
    /// An empty object or array below the top level: the signed text has
    /// no pair for it, so `{}`, `[]` and no member at all sign alike.
    EmptyContainer,
}

/// An ambiguity and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguity {
    /// What it is.
    pub kind: AmbiguityKind,
    /// The JSON pointer of the member concerned.
    pub pointer: String,
}

impl fmt::Display for Ambiguity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = &self.pointer;
        match self.kind {
            AmbiguityKind::DuplicateKey => write!(
                f,
                "`{at}` appears more than once in its object: parsers disagree on which one counts, and the signature covers both"
            ),
            AmbiguityKind::SeparatorInKey => write!(
                f,
                "the key of `{at}` holds `:` or `;`, which separate the signed text: the signature cannot tell it from nested members"
            ),
            AmbiguityKind::MisplacedSignature => write!(
                f,
                "a `signature` member at `{at}`: the signed text leaves every `signature` member out, so its content would be read but not signed"
            ),
            AmbiguityKind::NonStringSignature => {
                write!(f, "the signature at `{at}` is not a string")
            }
            AmbiguityKind::UnclearNumber => write!(
                f,
                "the number at `{at}` is not in its shortest plain form (an integer within ±(2^53 − 1), or a decimal without exponent or trailing zero): readers disagree on what was signed"
            ),
            AmbiguityKind::EmptyContainer => write!(
                f,
                "`{at}` is an empty object or array: the signed text has nothing for it, so it signs like an absent member"
            ),
        }
    }
}

/// The JSON pointer of `key` under a signed-text path (`a:b` is `/a/b`).
/// Keys holding `:` are rejected before their path is used, so splitting
/// at `:` gives the segments back.
pub(super) fn pointer(path: &[u8], key: &[u8]) -> String {
    let mut out = String::new();
    let segments = path.split(|&b| b == b':').filter(|_| !path.is_empty());
    for segment in segments.chain(std::iter::once(key)) {
        crate::pointer::push(&mut out, &String::from_utf8_lossy(segment));
    }
    out
}
