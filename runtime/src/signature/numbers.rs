//! Numbers the signed text cannot tell apart.
//!
//! The platform signs a number as text, and the receiver reads it as a
//! number: `1.0`, `1e0` and `1` are one value to every JSON reader but
//! three texts to a signer that copies the digits (Python's), and one text
//! to a signer that writes the value (PHP's, JavaScript's). An integer past
//! 2^53 − 1 is rounded by JavaScript and Python's `float` readers, so
//! `9007199254740993` can verify as one number and be read as another. So a
//! signed document may hold only numbers in their one shortest plain form:
//! an integer of at most 2^53 − 1 in magnitude without a sign on zero, or a
//! decimal fraction written as the shortest text that reads back as the
//! same binary64 value, with no exponent and no trailing zero.
//!
//! This pass runs only on text that serde_json has already walked (so it is
//! JSON); it finds the first number not in that form and its pointer.

use crate::validate::MAX_SAFE_INTEGER;

/// Whether `token` (a JSON number) is written in its one shortest plain form.
pub(crate) fn is_canonical(token: &str) -> bool {
    if token.contains(['e', 'E']) {
        return false;
    }
    if token.contains('.') {
        // Rust writes a binary64 value as the shortest decimal that reads
        // back as it, without an exponent: exactly the form we accept.
        return token
            .parse::<f64>()
            .is_ok_and(|v| v.is_finite() && v.fract() != 0.0 && format!("{v}") == token);
    }
    token != "-0"
        && token
            .parse::<i64>()
            .is_ok_and(|n| (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&n))
}

/// Where a walk of the text is.
enum Frame {
    /// An object, with the key of the member being read.
    Object(String),
    /// An array, with the index of the element being read.
    Array(usize),
}

/// The JSON pointer of the first number in `text` (valid JSON) that is not
/// in its shortest plain form, with the number's text.
pub(super) fn first_unclear(text: &[u8]) -> Option<(String, String)> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        match b {
            b'{' => {
                stack.push(Frame::Object(String::new()));
                expect_key = true;
                i += 1;
            }
            b'[' => {
                stack.push(Frame::Array(0));
                expect_key = false;
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Object(_)) => expect_key = true,
                    Some(Frame::Array(n)) => *n += 1,
                    None => {}
                }
                i += 1;
            }
            b'"' => {
                let end = string_end(text, i);
                if expect_key {
                    let key = text
                        .get(i..end)
                        .and_then(|raw| serde_json::from_slice::<String>(raw).ok())
                        .unwrap_or_default();
                    if let Some(Frame::Object(k)) = stack.last_mut() {
                        *k = key;
                    }
                    expect_key = false;
                }
                i = end;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = text.get(i) {
                    i += 1;
                }
                let token = String::from_utf8_lossy(text.get(start..i).unwrap_or_default());
                if !is_canonical(&token) {
                    return Some((pointer(&stack), token.into_owned()));
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The index just past the string that starts at `start` (a `"`).
fn string_end(text: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&b) = text.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

fn pointer(stack: &[Frame]) -> String {
    let mut out = String::new();
    for frame in stack {
        match frame {
            Frame::Object(k) => crate::pointer::push(&mut out, k),
            Frame::Array(n) => crate::pointer::push(&mut out, &n.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_shortest_plain_form_is_canonical() {
        for ok in [
            "0",
            "1",
            "-1",
            "113",
            "9007199254740991",
            "-9007199254740991",
            "1.5",
            "0.1",
            "-0.5",
            "0.30000000000000004",
        ] {
            assert!(is_canonical(ok), "{ok}");
        }
        for bad in [
            "-0",
            "1.0",
            "113.0",
            "1e0",
            "1e5",
            "1E5",
            "1.50",
            "-0.0",
            "9007199254740992",
            "-9007199254740992",
            "123456789012345678901234567890",
            "0.10000000000000001",
        ] {
            assert!(!is_canonical(bad), "{bad}");
        }
    }

    #[test]
    fn the_first_unclear_number_is_found_with_its_pointer() {
        let text = br#"{"a":1,"b/c":[2,{"d~":"1e5","e":1e5}],"f":1.0}"#;
        assert_eq!(
            first_unclear(text),
            Some(("/b~1c/1/e".to_string(), "1e5".to_string()))
        );
        assert_eq!(first_unclear(br#"{"x":"1.0","y":[1,2.5]}"#), None);
        assert_eq!(
            first_unclear(br#"{"p":{"amount":113.0}}"#),
            Some(("/p/amount".to_string(), "113.0".to_string()))
        );
        assert_eq!(
            first_unclear(br#"{"s":"a\"b","n":[0,-0]}"#),
            Some(("/n/1".to_string(), "-0".to_string()))
        );
    }
}
