//! The platform's signature: flatten, sort, join, HMAC-SHA512, Base64.
//!
//! Every request carries `general.signature` and every callback carries
//! `signature`. The signed text is built from the JSON without its
//! `signature` members:
//!
//! - each scalar becomes `path:value`, the path joining object keys and
//!   array indices with `:` (`a:b:1`, `e:0:4`);
//! - booleans are `1` and `0`; numbers are written as JSON writes them;
//!   strings are taken as they are;
//! - the strings are sorted and joined with `;`.
//!
//! Where the official SDKs differ, this implementation chooses, and the
//! tests pin the choice:
//! - **null** is written as an empty value (`key:`), as the PHP SDK's string
//!   conversion does, so a member that is present but null still counts;
//! - **sorting** is plain byte order of the whole `path:value` strings, so
//!   `e:10:x` sorts before `e:2:x` (the SDKs sort strings, not indices);
//! - **every** member named `signature` is dropped, at any depth;
//! - empty objects and arrays contribute nothing;
//! - **depth** is bounded only by the JSON parser (serde_json stops at 128).
//!
//! Comparison is constant-time (`hmac`'s `verify_slice`).

use std::fmt;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha512;
use zeroize::Zeroizing;

type HmacSha512 = Hmac<Sha512>;

/// A project's secret key. It has no `Display`, its `Debug` is redacted,
/// and its bytes are zeroed when it is dropped.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<Vec<u8>>);

impl SecretKey {
    /// A key from its bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        SecretKey(Zeroizing::new(bytes.into()))
    }

    /// The key from an environment variable (never from the command line).
    pub fn from_env(var: &str) -> Result<Self, SecretError> {
        match std::env::var_os(var) {
            Some(v) if !v.is_empty() => Ok(SecretKey::new(v.into_encoded_bytes())),
            _ => Err(SecretError(format!(
                "the environment variable {var} is not set"
            ))),
        }
    }

    /// The key from a file; one trailing newline is not part of the key.
    pub fn from_file(path: &Path) -> Result<Self, SecretError> {
        let mut bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
            SecretError(format!(
                "cannot read the secret file {}: {e}",
                path.display()
            ))
        })?);
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        if bytes.is_empty() {
            return Err(SecretError(format!(
                "the secret file {} is empty",
                path.display()
            )));
        }
        Ok(SecretKey(Zeroizing::new(std::mem::take(&mut *bytes))))
    }

    fn mac(&self) -> HmacSha512 {
        // HMAC takes keys of any length; this cannot fail.
        <HmacSha512 as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A secret that could not be obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretError(pub String);

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SecretError {}

/// The `path:value` strings of a JSON value, sorted (see the module docs).
pub fn flatten(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut path = String::new();
    walk(value, &mut path, &mut out);
    out.sort_unstable();
    out
}

fn walk(value: &Value, path: &mut String, out: &mut Vec<String>) {
    let len = path.len();
    let enter = |path: &mut String, segment: &str| {
        if !path.is_empty() {
            path.push(':');
        }
        path.push_str(segment);
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "signature" {
                    continue;
                }
                enter(path, k);
                walk(v, path, out);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                enter(path, &i.to_string());
                walk(v, path, out);
                path.truncate(len);
            }
        }
        scalar => {
            let text = match scalar {
                Value::Bool(true) => "1".to_string(),
                Value::Bool(false) => "0".to_string(),
                Value::Null => String::new(),
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => unreachable!("objects and arrays are handled above"),
            };
            out.push(format!("{path}:{text}"));
        }
    }
}

/// The text that is signed: the flattened strings joined with `;`.
pub fn canonical(value: &Value) -> String {
    flatten(value).join(";")
}

/// The signature of a JSON value (its `signature` members ignored).
pub fn sign(value: &Value, key: &SecretKey) -> String {
    let mut mac = key.mac();
    for (i, part) in flatten(value).iter().enumerate() {
        if i > 0 {
            mac.update(b";");
        }
        mac.update(part.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `signature` is the signature of `value`, compared in constant time.
pub fn verify(value: &Value, signature: &str, key: &SecretKey) -> bool {
    let Ok(expected) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    let mut mac = key.mac();
    for (i, part) in flatten(value).iter().enumerate() {
        if i > 0 {
            mac.update(b";");
        }
        mac.update(part.as_bytes());
    }
    mac.verify_slice(&expected).is_ok()
}

/// Signs a Gate request in place: sets `general.signature` (creating
/// `general` if needed) to the signature of everything else.
pub fn sign_request(request: &mut Value, key: &SecretKey) -> Result<(), SignError> {
    let sig = sign(request, key);
    let obj = request.as_object_mut().ok_or(SignError::NotAnObject)?;
    let general = obj
        .entry("general")
        .or_insert_with(|| Value::Object(Default::default()));
    general
        .as_object_mut()
        .ok_or(SignError::GeneralNotAnObject)?
        .insert("signature".into(), Value::String(sig));
    Ok(())
}

/// Why a payload could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignError {
    /// The payload is not a JSON object.
    NotAnObject,
    /// `general` is present but not an object.
    GeneralNotAnObject,
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::NotAnObject => f.write_str("the payload is not a JSON object"),
            SignError::GeneralNotAnObject => f.write_str("`general` is not a JSON object"),
        }
    }
}

impl std::error::Error for SignError {}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_published_vector_signs() {
        let params = json!({"project_id": 11, "payment_currency": "EUR", "some_bool_param": true, "two_levels_param": {"param1": 1, "param2": 2}});
        let key = SecretKey::new("qwerty");
        assert_eq!(
            sign(&params, &key),
            "ehwG+e+Sq6b0QEek2hmHGUFzViX9/Xfcgnh0Ysn1+AqCY8BsKhC/Vcyr4XH8CKXW3iS0vW9S2mTwOt/0Ozf5pg=="
        );
        assert!(verify(
            &params,
            "ehwG+e+Sq6b0QEek2hmHGUFzViX9/Xfcgnh0Ysn1+AqCY8BsKhC/Vcyr4XH8CKXW3iS0vW9S2mTwOt/0Ozf5pg==",
            &key
        ));
        assert!(!verify(
            &params,
            "ehwG+e+Sq6b0QEek2hmHGUFzViX9/Xfcgnh0Ysn1+AqCY8BsKhC/Vcyr4XH8CKXW3iS0vW9S2mTwOt/0Ozf5pA==",
            &key
        ));
        assert!(!verify(&params, "not base64!", &key));
    }

    #[test]
    fn the_published_nested_object_flattens() {
        let v = json!({"a": {"b": 1111111111111111u64, "c": 2}, "d": false, "f": ["g", {"h": 7, "i": {"k": 8}}], "e": [4, 5]});
        assert_eq!(
            canonical(&v),
            "a:b:1111111111111111;a:c:2;d:0;e:0:4;e:1:5;f:0:g;f:1:h:7;f:1:i:k:8"
        );
    }

    #[test]
    fn documented_choices_hold() {
        // Null is an empty value; every `signature` member is dropped;
        // indices past 9 sort as strings; empty containers add nothing.
        let v = json!({"n": null, "signature": "x", "g": {"signature": "y", "z": 1}, "e": [0,1,2,3,4,5,6,7,8,9,10], "o": {}, "a": []});
        let flat = flatten(&v);
        assert!(flat.contains(&"n:".to_string()));
        assert!(!flat.iter().any(|s| s.contains("signature")));
        let e10 = flat.iter().position(|s| s == "e:10:10");
        let e2 = flat.iter().position(|s| s == "e:2:2");
        assert!(e10 < e2, "{flat:?}");
        assert!(
            !flat
                .iter()
                .any(|s| s.starts_with("o") || s.starts_with("a:"))
        );
    }

    #[test]
    fn requests_get_their_signature_in_general() {
        let key = SecretKey::new("secret");
        let mut req = json!({"general": {"project_id": 1, "payment_id": "p", "signature": "old"}, "payment": {"amount": 1}});
        sign_request(&mut req, &key).expect("signs");
        let sig = req["general"]["signature"]
            .as_str()
            .expect("set")
            .to_string();
        assert_ne!(sig, "old");
        assert!(verify(&req, &sig, &key));
        assert!(!verify(&req, &sig, &SecretKey::new("other")));
        assert_eq!(
            sign_request(&mut json!([1]), &key),
            Err(SignError::NotAnObject)
        );
    }

    #[test]
    fn the_secret_never_shows() {
        let key = SecretKey::new("hunter2");
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }
}
