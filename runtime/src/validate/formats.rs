//! Formats and patterns, defined exactly as the published JSON Schemas
//! state them, so the Rust validators and the schemas never disagree.

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

/// What an e-mail address is, as one pattern: a dot-atom local part
/// (RFC 5322 `atext`), `@`, and a host name of at least two labels whose
/// last starts with a letter (so no IP literal, no single-label host). It
/// uses only ASCII classes and no look-around, so the schemas publish it as
/// it is and JavaScript, Python, Go and Rust decide alike; formats'
/// `email` differs between those libraries, so the schemas do not use it.
pub const EMAIL_PATTERN: &str = "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$";

/// An ISO 4217 alpha-3 code.
pub const CURRENCY_PATTERN: &str = "^[A-Z]{3}$";
/// A phone number of digits only, with the country code.
pub const PHONE_PATTERN: &str = "^[0-9]{7,15}$";
/// The platform's date and time (`2024-12-07T19:08:45+0000`).
pub const DATE_TIME_PATTERN: &str =
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}$";

/// The compiled patterns of the named formats, for generated validators
/// (one static each, shared by every field of that format).
pub mod compiled {
    use super::Pattern;

    /// [`super::CURRENCY_PATTERN`].
    pub static CURRENCY: Pattern = Pattern::new(super::CURRENCY_PATTERN);
    /// [`super::PHONE_PATTERN`].
    pub static PHONE: Pattern = Pattern::new(super::PHONE_PATTERN);
    /// [`super::DATE_TIME_PATTERN`].
    pub static DATE_TIME: Pattern = Pattern::new(super::DATE_TIME_PATTERN);
    /// [`super::EMAIL_PATTERN`].
    pub static EMAIL: Pattern = Pattern::new(super::EMAIL_PATTERN);
}

/// The longest e-mail address (RFC 5321's path limit less its brackets).
pub const EMAIL_MAX_LENGTH: u64 = 254;

/// An e-mail address: [`EMAIL_PATTERN`] within [`EMAIL_MAX_LENGTH`]
/// characters, exactly what the schemas say.
pub fn is_email(s: &str) -> bool {
    static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(EMAIL_PATTERN).ok());
    s.len() as u64 <= EMAIL_MAX_LENGTH && EMAIL.as_ref().is_some_and(|r| r.is_match(s))
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
    fn formats_decide_as_the_published_rules() {
        for (s, ok) in [
            ("johndoe@example.com", true),
            ("a.b+c@x-y.example.org", true),
            ("o'hara@example.com", true),
            ("a@xn--80ak6aa92e.com", true),
            ("a..b@example.com", false),
            (".a@example.com", false),
            ("@example.com", false),
            ("a@b", false),
            ("a@-b.com", false),
            ("a@1.2.3.4", false),
            ("a@[127.0.0.1]", false),
            ("\"q\"@example.com", false),
            ("é@example.com", false),
            ("a@example.com\n", false),
            ("", false),
        ] {
            assert_eq!(is_email(s), ok, "{s:?}");
        }
        let long = format!("{}@example.com", "a".repeat(243));
        assert_eq!(long.len(), 255);
        assert!(!is_email(&long));
        assert!(is_email(&long[1..]));
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
