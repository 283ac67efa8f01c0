//! JSON pointer tokens (RFC 6901): the one place a key is escaped into a
//! pointer or read back out of one, for the validators, the signature's
//! refusals, the generator's diagnostics and the sandbox (through the
//! `jsonptr` crate).

use std::borrow::Cow;

/// `key` as one token of a JSON pointer (`a/b` is `a~1b`, `m~n` is `m~0n`).
pub fn token(key: &str) -> Cow<'_, str> {
    if key.contains(['~', '/']) {
        Cow::Owned(jsonptr::Token::new(key).encoded().to_owned())
    } else {
        Cow::Borrowed(key)
    }
}

/// Appends `/` and `key` as a token to `pointer`.
pub fn push(pointer: &mut String, key: &str) {
    pointer.push('/');
    pointer.push_str(&token(key));
}

/// The key a token stands for (`a~1b` is `a/b`); a `~` not followed by `0`
/// or `1` is kept as written.
pub fn key(token: &str) -> Cow<'_, str> {
    match jsonptr::Token::from_encoded(token) {
        Ok(t) => Cow::Owned(t.decoded().into_owned()),
        Err(_) => Cow::Borrowed(token),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_reads_back_the_two_special_characters() {
        assert_eq!(token("plain"), "plain");
        assert_eq!(token("a/b~c"), "a~1b~0c");
        assert_eq!(key("a~1b~0c"), "a/b~c");
        assert_eq!(key("~01"), "~1");
        let mut p = String::new();
        push(&mut p, "x/y");
        push(&mut p, "");
        assert_eq!(p, "/x~1y/");
        for k in ["", "~", "/", "~1", "a/~0b", "ключ"] {
            assert_eq!(key(&token(k)), k);
        }
    }
}
