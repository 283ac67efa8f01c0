//! Formats and patterns, defined exactly as the published JSON Schemas are
//! checked (the `jsonschema` crate with formats asserted), so the Rust
//! validators and the schemas never disagree.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::{LazyLock, OnceLock};

use regex::Regex;

/// An IPv4 address in dotted-decimal form (as `Ipv4Addr` parses it, which
/// is what the schemas' `ipv4` format means).
pub fn is_ipv4(s: &str) -> bool {
    s.parse::<Ipv4Addr>().is_ok()
}

/// An IPv6 address (as `Ipv6Addr` parses it).
pub fn is_ipv6(s: &str) -> bool {
    s.parse::<Ipv6Addr>().is_ok()
}

/// An IPv4 or IPv6 address.
pub fn is_ip(s: &str) -> bool {
    is_ipv4(s) || is_ipv6(s)
}

/// The `email` format of JSON Schema, decided by the jsonschema crate itself:
/// its e-mail rules (RFC 5321 addresses, RFC 1123 host names with IDNA
/// checks) are too intricate to restate without drifting from them, and
/// other teams check our schemas with it.
pub fn is_email(s: &str) -> bool {
    static EMAIL: LazyLock<Option<jsonschema::Validator>> = LazyLock::new(|| {
        jsonschema::options()
            .should_validate_formats(true)
            .build(&serde_json::json!({"type": "string", "format": "email"}))
            .ok()
    });
    // Addresses of the ordinary shape are decided here without allocating;
    // anything else goes to the reference implementation.
    if let Some(answer) = plain_email(s) {
        return answer;
    }
    EMAIL
        .as_ref()
        .is_some_and(|v| v.is_valid(&serde_json::Value::String(s.to_owned())))
}

/// Decides addresses of the plain shape `local@label.label...` made of
/// ASCII letters, digits and `._+-` only, where the answer is certain; `None`
/// for anything else.
fn plain_email(s: &str) -> Option<bool> {
    let (local, domain) = s.split_once('@')?;
    let atom = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'+' || c == b'-';
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(atom));
    if !local_ok {
        return None;
    }
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && b.len() <= 63
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
            // `xx--` labels are IDNA A-labels: leave them to the reference.
            && !(b.len() >= 4 && b[2] == b'-' && b[3] == b'-')
            // All-digit labels border on IP literals: leave them too.
            && !b.iter().all(u8::is_ascii_digit)
    };
    let domain_ok = domain.len() <= 253 && domain.contains('.') && domain.split('.').all(label_ok);
    domain_ok.then_some(true)
}

/// A regular expression from a spec, compiled on first use.
#[derive(Debug)]
pub struct Pattern {
    source: Cow<'static, str>,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    /// A pattern (ECMA 262 syntax restricted to what the `regex` crate
    /// reads identically; codegen checks that it compiles).
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source: Cow::Borrowed(source),
            compiled: OnceLock::new(),
        }
    }

    /// A pattern read at run time (the CLI's interpreter of the specs).
    pub fn owned(source: String) -> Self {
        Pattern {
            source: Cow::Owned(source),
            compiled: OnceLock::new(),
        }
    }

    /// The pattern's text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether `s` matches (anywhere, as JSON Schema's `pattern` does; the
    /// specs anchor their patterns). A pattern that does not compile
    /// matches nothing.
    pub fn is_match(&self, s: &str) -> bool {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_the_reference() {
        for s in [
            "johndoe@example.com",
            "a.b+c@x-y.example.org",
            "a..b@example.com",
            "@example.com",
            "a@b",
            "a@-b.com",
            "a@1.2.3.4",
            "a@[127.0.0.1]",
            "\"q\"@example.com",
            "a@xn--80ak6aa92e.com",
            "a@ab--c.com",
            "é@example.com",
            "",
        ] {
            let reference = jsonschema::options()
                .should_validate_formats(true)
                .build(&serde_json::json!({"format": "email"}))
                .map(|v| v.is_valid(&serde_json::json!(s)))
                .unwrap_or(false);
            assert_eq!(is_email(s), reference, "{s:?}");
        }
        assert!(is_ipv4("192.0.2.0"));
        assert!(!is_ipv4("192.0.2.01"));
        assert!(is_ip("::1"));
        assert!(!is_ip("198.51.100"));
    }

    #[test]
    fn patterns_compile_lazily_and_match() {
        static P: Pattern = Pattern::new("^[A-Z]{3}$");
        assert!(P.is_match("KZT"));
        assert!(!P.is_match("KZTT"));
        assert!(!P.is_match("KZT\n"));
        static BAD: Pattern = Pattern::new("(");
        assert!(!BAD.is_match("("));
    }
}
