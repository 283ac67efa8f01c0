//! The input profile: what a payload must be before any schema question is
//! asked. It is I-JSON (RFC 7493) with a nesting limit:
//!
//! - UTF-8 without a byte order mark; no lone surrogate, raw or escaped;
//! - no Unicode noncharacter (U+FDD0 to U+FDEF, and the last two code
//!   points of every plane), raw or escaped;
//! - no object that names a member twice;
//! - numbers finite and within IEEE 754 binary64 (no NaN, no Infinity);
//!   integers exact only within ±(2^53 − 1), which the schemas bound;
//! - objects and arrays nested at most [`MAX_DEPTH`] levels.
//!
//! JSON Schema cannot state these rules, so validators in other languages
//! decide them differently, or not at all. Everything that reads a payload
//! here (the generated validators, `verify_callback`, `gatespec validate`)
//! enforces all of them: serde_json refuses the encoding errors, lone
//! surrogates and out-of-range numbers; this module words the rest.

use super::path::Path;
use super::report::{Code, MAX_DEPTH, MAX_SAFE_INTEGER, Report};

/// The largest payload, in bytes, that the profile admits (and
/// `verify_callback` and `gatespec validate` read by default).
pub const MAX_BYTES: usize = 1 << 20;

/// The profile's rules, one sentence each, as the docs and the schema
/// index publish them.
pub const RULES: &[&str] = &[
    "The payload is UTF-8 without a byte order mark.",
    "No string or member name holds a lone surrogate, raw or escaped.",
    "No string or member name holds a Unicode noncharacter (U+FDD0 to U+FDEF, or the last two code points of a plane), raw or escaped.",
    "No object names a member twice.",
    "Numbers are finite and within IEEE 754 binary64: no NaN, no Infinity, no 1e400.",
    "Integers are exact only within ±(2^53 − 1); every integer the schemas describe is bounded so.",
    "No object or array sits deeper than 64 levels below the top-level value (a JSON pointer of at most 64 tokens).",
    "The payload is at most 1 MiB.",
];

// The sentences above spell the limits out; these keep them true.
const _: () = assert!(MAX_DEPTH == 64 && MAX_BYTES == 1 << 20);
const _: () = assert!(MAX_SAFE_INTEGER == (1 << 53) - 1);

/// Whether `bytes` is a payload within the profile: JSON that the schemas
/// can be asked about. Every rule is checked, whatever the payload's shape.
pub fn admits(bytes: &[u8]) -> bool {
    bytes.len() <= MAX_BYTES
        && std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| super::parse_strict(text).ok())
            .is_some_and(|(_, report)| report.is_valid())
}

/// Whether `c` is a Unicode noncharacter, which I-JSON excludes.
pub fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// Reports the first noncharacter of `text` (a string or a member name)
/// at `path`. ASCII text, nearly all of it, costs one word-wise scan.
pub fn check_text(text: &str, path: &Path<'_>, report: &mut Report) {
    if text.is_ascii() {
        return;
    }
    if let Some(c) = text.chars().find(|&c| is_noncharacter(c)) {
        report.error(
            path,
            Code::Noncharacter,
            format!(
                "holds U+{:04X}, a Unicode noncharacter, which I-JSON (RFC 7493) excludes",
                u32::from(c)
            ),
        );
    }
}

/// Reports a container nested past [`MAX_DEPTH`] at `path`; true when it
/// is, and the caller skips its content.
pub fn too_deep(path: &Path<'_>, report: &mut Report) -> bool {
    let deep = path.depth() > MAX_DEPTH;
    if deep {
        report.error(
            path,
            Code::Depth,
            format!("nests deeper than {MAX_DEPTH} levels"),
        );
    }
    deep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noncharacters_are_the_unicode_set() {
        for c in [
            '\u{FDD0}',
            '\u{FDEF}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{1FFFE}',
            '\u{10FFFF}',
        ] {
            assert!(is_noncharacter(c), "{c:?}");
        }
        for c in [
            'a',
            '\u{FDCF}',
            '\u{FDF0}',
            '\u{FFFD}',
            '\u{1F4B8}',
            '\u{10FFFD}',
        ] {
            assert!(!is_noncharacter(c), "{c:?}");
        }
    }

    #[test]
    fn text_is_checked_with_its_pointer() {
        let mut report = Report::default();
        let root = Path::root();
        check_text("plain", &root.key("a"), &mut report);
        check_text("é💸", &root.key("b"), &mut report);
        check_text("x\u{FFFF}", &root.key("c"), &mut report);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].pointer, "/c");
        assert_eq!(report.errors[0].code, Code::Noncharacter);
    }

    /// Every rule of the profile, as a whole payload meets it.
    #[test]
    fn payloads_outside_the_profile_are_refused() {
        use crate::validate::parse_strict;
        // serde_json refuses these before any rule runs.
        for text in [
            "\u{FEFF}{}",
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\udc00x"}"#,
            r#"{"a":1e400}"#,
            r#"{"a":-1e400}"#,
            r#"{"a":NaN}"#,
            r#"{"a":Infinity}"#,
        ] {
            assert!(parse_strict(text).is_err(), "{text:?}");
        }
        // The rest is reported with its pointer.
        let codes = |text: &str| -> Vec<(String, Code)> {
            let (_, report) = parse_strict(text).expect("JSON");
            report
                .errors
                .iter()
                .map(|v| (v.pointer.clone(), v.code))
                .collect()
        };
        assert_eq!(
            codes(r#"{"a":"\uFDD0","\uDBFF\uDFFF":1,"b":"ok \ud83d\udcb8"}"#),
            [
                ("/a".to_string(), Code::Noncharacter),
                ("/\u{10FFFF}".to_string(), Code::Noncharacter)
            ]
        );
        let deep = |n: usize| format!("{{\"a\":{}1{}}}", "[".repeat(n), "]".repeat(n));
        assert_eq!(codes(&deep(MAX_DEPTH)), []);
        let too = codes(&deep(MAX_DEPTH + 1));
        assert_eq!(too.len(), 1);
        assert_eq!(too[0].1, Code::Depth);
        assert_eq!(
            codes(r#"{"a":1,"a":2}"#),
            [("/a".to_string(), Code::DuplicateKey)]
        );
    }
}
