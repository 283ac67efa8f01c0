//! What a string pattern admits, read from its syntax tree: whether every
//! match spans the whole value, whether it can hold a line break, and how
//! many characters it matches.
//!
//! The schemas need this because regex engines disagree at one point that
//! matters: Python's `$` also matches before a final `\n`, so
//! python-jsonschema accepts `"KZT\n"` for `^[A-Z]{3}$` where JavaScript,
//! Go and Rust reject it. A fixed-width pattern closes the gap with a
//! `maxLength`; a variable-width one with a rule that no line break ends
//! the value. Both are exact only when the pattern itself can never match
//! a line break and is anchored at both ends, which `check` therefore
//! requires of every pattern a spec writes.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// The facts about one pattern that the emitters need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Every match starts at the value's start and ends at its end.
    pub anchored: bool,
    /// Some match contains a line feed.
    pub newline: bool,
    /// The fewest characters a match holds.
    pub min_chars: u64,
    /// The most characters a match holds, when bounded.
    pub max_chars: Option<u64>,
}

/// Reads a pattern (the ECMA 262 subset the `regex` crate reads alike).
pub fn shape(pattern: &str) -> Result<Shape, String> {
    let hir = regex_syntax::Parser::new()
        .parse(pattern)
        .map_err(|e| e.to_string())?;
    let props = hir.properties();
    let (min_chars, max_chars) = chars(&hir);
    Ok(Shape {
        anchored: props.look_set_prefix().contains(Look::Start)
            && props.look_set_suffix().contains(Look::End),
        newline: newline(&hir),
        min_chars,
        max_chars,
    })
}

/// The fewest and the most characters `hir` matches (`None`: unbounded).
fn chars(hir: &Hir) -> (u64, Option<u64>) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => (0, Some(0)),
        HirKind::Literal(l) => {
            let n = String::from_utf8_lossy(&l.0).chars().count() as u64;
            (n, Some(n))
        }
        HirKind::Class(_) => (1, Some(1)),
        HirKind::Repetition(r) => {
            let (lo, hi) = chars(&r.sub);
            let min = lo.saturating_mul(u64::from(r.min));
            let max = match (hi, r.max) {
                (Some(0), _) => Some(0),
                (Some(h), Some(m)) => Some(h.saturating_mul(u64::from(m))),
                _ => None,
            };
            (min, max)
        }
        HirKind::Capture(c) => chars(&c.sub),
        HirKind::Concat(parts) => parts.iter().map(chars).fold((0, Some(0)), |a, b| {
            (
                a.0.saturating_add(b.0),
                a.1.zip(b.1).map(|(x, y)| x.saturating_add(y)),
            )
        }),
        HirKind::Alternation(parts) => {
            let all: Vec<_> = parts.iter().map(chars).collect();
            let min = all.iter().map(|c| c.0).min().unwrap_or(0);
            let max = all.iter().try_fold(0u64, |m, c| c.1.map(|x| m.max(x)));
            (min, max)
        }
    }
}

/// Whether some match of `hir` contains a line feed.
fn newline(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(l) => l.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Repetition(r) => r.max != Some(0) && newline(&r.sub),
        HirKind::Capture(c) => newline(&c.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().any(newline),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let s = shape("^[A-Z]{3}$").expect("parses");
        assert!(s.anchored && !s.newline);
        assert_eq!((s.min_chars, s.max_chars), (3, Some(3)));
        let s = shape("^[0-9]{7,15}$").expect("parses");
        assert_eq!((s.min_chars, s.max_chars), (7, Some(15)));
        let s = shape("^é[a-z]?$").expect("parses");
        assert_eq!((s.min_chars, s.max_chars), (1, Some(2)));
        assert_eq!(shape("^a+$").expect("parses").max_chars, None);
        assert!(!shape("[A-Z]{3}$").expect("parses").anchored);
        assert!(!shape("^[A-Z]{3}").expect("parses").anchored);
        assert!(!shape("^a$|b").expect("parses").anchored);
        assert!(shape("^(?:a$|b$)").expect("parses").anchored);
        assert!(shape("^[^a]$").expect("parses").newline);
        assert!(!shape("^.$").expect("parses").newline);
        assert!(shape("^\\s$").expect("parses").newline);
        assert!(shape("(").is_err());
        let ip = shape(gatespec_runtime::validate::IPV6_PATTERN).expect("parses");
        assert!(ip.anchored && !ip.newline);
        assert_eq!(
            ip.max_chars,
            Some(gatespec_runtime::validate::IPV6_MAX_LENGTH)
        );
        let ip = shape(gatespec_runtime::validate::IPV4_PATTERN).expect("parses");
        assert_eq!(
            ip.max_chars,
            Some(gatespec_runtime::validate::IPV4_MAX_LENGTH)
        );
    }
}
