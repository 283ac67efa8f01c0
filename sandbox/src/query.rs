//! Reading a Payment Page query or a checkout form as one set of
//! parameters, strictly: a name given twice, a name or value that is not
//! UTF-8 once decoded, and JSON text outside the input profile are each
//! refused, since a signature over the flat text could otherwise verify a
//! set the sandbox reads differently.

use gatespec_runtime::Violation;
use serde_json::{Map, Value};

/// Why a query or form cannot be read as one set of parameters.
pub(crate) enum Unreadable {
    /// A name comes twice: the text could be read two ways, and only one
    /// of them was signed.
    Twice(String),
    /// A name or value is not UTF-8 once decoded: lossy decoding would read
    /// `%FF` and `%FE` alike, so one signature would verify both.
    NotUtf8(String),
}

/// Pairs of a query or a form (`+` is a space, `%XX` a byte), each name
/// and value strictly UTF-8.
pub(crate) fn pairs(text: &str) -> Result<Map<String, Value>, Unreadable> {
    let decode = |s: &str| -> Result<String, String> {
        let spaced = s.replace('+', " ");
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| s.to_owned())
    };
    let mut map = Map::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = decode(k).map_err(Unreadable::NotUtf8)?;
        let v = decode(v).map_err(|_| Unreadable::NotUtf8(k.clone()))?;
        if map.insert(k.clone(), Value::String(v)).is_some() {
            return Err(Unreadable::Twice(k));
        }
    }
    Ok(map)
}

/// The input profile (I-JSON: no member named twice, no noncharacter, at
/// most 64 levels) over every parameter whose text is a JSON object or
/// array, as the Gate's bodies are held to it: every violation, its
/// pointer under the parameter's name.
pub(crate) fn outside_profile(flat: &Map<String, Value>) -> Vec<Violation> {
    let mut found = Vec::new();
    for (name, v) in flat {
        let Some(text) = v.as_str() else { continue };
        if !text.trim_start().starts_with(['{', '[']) {
            continue;
        }
        if let Ok((_, read)) = gatespec_runtime::validate::parse_strict(text) {
            let at = format!("/{}", gatespec_runtime::pointer::token(name));
            found.extend(read.errors.into_iter().map(|mut e| {
                e.pointer = format!("{at}{}", e.pointer);
                e
            }));
        }
    }
    found
}
