//! Formats and patterns, defined exactly as the published JSON Schemas
//! state them, so the Rust validators and the schemas never disagree.

use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

use regex::Regex;

// The address grammars are spelled once, as pattern pieces, so the
// published schemas and the validators share one text.
macro_rules! dec_octet {
    () => {
        "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
    };
}
macro_rules! ipv4_body {
    () => {
        concat!("(?:", dec_octet!(), "\\.){3}", dec_octet!())
    };
}
macro_rules! h16 {
    () => {
        "[0-9A-Fa-f]{1,4}"
    };
}
macro_rules! ls32 {
    () => {
        concat!("(?:", h16!(), ":", h16!(), "|", ipv4_body!(), ")")
    };
}

/// An IPv4 address in dotted-decimal form: four decimal octets without
/// leading zeros (RFC 3986's `IPv4address`, which is also what Rust's
/// `Ipv4Addr`, ajv-formats and Python's `ipaddress` accept).
pub const IPV4_PATTERN: &str = concat!("^", ipv4_body!(), "$");

/// An IPv6 address as RFC 3986's `IPv6address` spells it: eight groups of
/// one to four hex digits, one `::` for a run of zero groups, an IPv4
/// address in the last 32 bits; no zone identifier and no brackets.
pub const IPV6_PATTERN: &str = concat!(
    "^(?:",
    "(?:",
    h16!(),
    ":){6}",
    ls32!(),
    "|::(?:",
    h16!(),
    ":){5}",
    ls32!(),
    "|(?:",
    h16!(),
    ")?::(?:",
    h16!(),
    ":){4}",
    ls32!(),
    "|(?:(?:",
    h16!(),
    ":){0,1}",
    h16!(),
    ")?::(?:",
    h16!(),
    ":){3}",
    ls32!(),
    "|(?:(?:",
    h16!(),
    ":){0,2}",
    h16!(),
    ")?::(?:",
    h16!(),
    ":){2}",
    ls32!(),
    "|(?:(?:",
    h16!(),
    ":){0,3}",
    h16!(),
    ")?::",
    h16!(),
    ":",
    ls32!(),
    "|(?:(?:",
    h16!(),
    ":){0,4}",
    h16!(),
    ")?::",
    ls32!(),
    "|(?:(?:",
    h16!(),
    ":){0,5}",
    h16!(),
    ")?::",
    h16!(),
    "|(?:(?:",
    h16!(),
    ":){0,6}",
    h16!(),
    ")?::",
    ")$"
);

/// The longest IPv4 address, `255.255.255.255`.
pub const IPV4_MAX_LENGTH: u64 = 15;
/// The longest IPv6 address, six full groups and an IPv4 address.
pub const IPV6_MAX_LENGTH: u64 = 45;

/// An IPv4 address: [`IPV4_PATTERN`], exactly what the schemas say.
pub fn is_ipv4(s: &str) -> bool {
    s.len() as u64 <= IPV4_MAX_LENGTH && compiled::IPV4.is_match(s)
}

/// An IPv6 address: [`IPV6_PATTERN`] within [`IPV6_MAX_LENGTH`]
/// characters, exactly what the schemas say.
pub fn is_ipv6(s: &str) -> bool {
    s.len() as u64 <= IPV6_MAX_LENGTH && compiled::IPV6.is_match(s)
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
/// A phone number without punctuation or special characters, as the
/// documents ask: digits only. Its length and whether it carries a country
/// code are not stated alike by every document, so they are not part of
/// the format (a spec may add them as inferred rules, or say them in the
/// field's description).
pub const PHONE_PATTERN: &str = "^[0-9]+$";
/// The platform's date and time (`2024-12-07T19:08:45+0000`).
pub const DATE_TIME_PATTERN: &str =
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}$";

/// An `http` or `https` URL, as one pattern: the scheme, a host name
/// (labels of letters, digits and hyphens) with an optional port, then an
/// optional path, query or fragment of RFC 3986's characters (`%` for
/// escapes). ASCII classes only and no `\s`, whose members JavaScript,
/// Python and Rust list differently, so every engine decides alike. No
/// user information, no IP literal: a merchant's return address is a host.
pub const URL_PATTERN: &str = "^https?://[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?(?:[/?#][A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*)?$";

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
    /// [`super::URL_PATTERN`].
    pub static URL: Pattern = Pattern::new(super::URL_PATTERN);
    /// [`super::IPV4_PATTERN`].
    pub static IPV4: Pattern = Pattern::new(super::IPV4_PATTERN);
    /// [`super::IPV6_PATTERN`].
    pub static IPV6: Pattern = Pattern::new(super::IPV6_PATTERN);
}

/// The longest e-mail address (RFC 5321's path limit less its brackets).
pub const EMAIL_MAX_LENGTH: u64 = 254;

/// An e-mail address: [`EMAIL_PATTERN`] within [`EMAIL_MAX_LENGTH`]
/// characters, exactly what the schemas say.
pub fn is_email(s: &str) -> bool {
    static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(EMAIL_PATTERN).ok());
    s.len() as u64 <= EMAIL_MAX_LENGTH && EMAIL.as_ref().is_some_and(|r| r.is_match(s))
}

/// An e-mail address as [`is_email`] reads it, but with any character
/// past ASCII allowed where a letter is (RFC 6531's internationalised
/// addresses: `иван@пример.рф`). Used where the e-mail grammar is an
/// inferred rule, reported as a warning: a document that says only
/// "Customer's email" gives no reason to doubt such an address.
pub fn is_email_utf8(s: &str) -> bool {
    // Nearly every address is ASCII: no copy for those.
    if s.is_ascii() {
        return is_email(s);
    }
    let ascii: String = s
        .chars()
        .map(|c| if c.is_ascii() { c } else { 'a' })
        .collect();
    is_email(&ascii)
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
        for (s, ok) in [
            ("иван@пример.рф", true),
            ("δοκιμή@παράδειγμα.δοκιμή", true),
            ("johndoe@example.com", true),
            ("иван@", false),
            ("иван пример.рф", false),
        ] {
            assert_eq!(is_email_utf8(s), ok, "{s:?}");
        }
        assert!(!is_email("иван@пример.рф"));
        let long = format!("{}@example.com", "a".repeat(243));
        assert_eq!(long.len(), 255);
        assert!(!is_email(&long));
        assert!(is_email(&long[1..]));
        assert!(is_ipv4("192.0.2.0"));
        assert!(!is_ipv4("192.0.2.01"));
        assert!(is_ip("::1"));
        assert!(!is_ip("198.51.100"));
    }

    /// The address patterns accept what Rust's own parsers accept, on
    /// every address shape and on near misses.
    #[test]
    fn address_patterns_agree_with_the_standard_parsers() {
        let mut cases: Vec<String> = [
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.4 ",
            " 1.2.3.4",
            "1.2.3.4\n",
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            ":::",
            "12345::",
            "::ffff:1.2.3.4",
            "::1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "fe80::1%eth0",
            "[::1]",
            "ABCD:ef01::",
            "g::",
            "1:2:3:4:5::1.2.3.4",
            "::1.2.3",
            "1::1.2.3.04",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every way to place `::` in eight groups, with and without a
        // trailing IPv4 address.
        for groups in 0..=8usize {
            for at in 0..=groups {
                let g: Vec<String> = (1..=groups).map(|i| format!("{i:x}")).collect();
                let full = format!("{}::{}", g[..at].join(":"), g[at..].join(":"));
                cases.push(full.clone());
                cases.push(format!("{full}:9.8.7.6").replace(":::", "::"));
                cases.push(g.join(":"));
            }
        }
        for s in &cases {
            assert_eq!(
                is_ipv4(s),
                s.parse::<std::net::Ipv4Addr>().is_ok(),
                "ipv4 {s:?}"
            );
            assert_eq!(
                is_ipv6(s),
                s.parse::<std::net::Ipv6Addr>().is_ok(),
                "ipv6 {s:?}"
            );
        }
        assert!(cases.len() > 100);
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
