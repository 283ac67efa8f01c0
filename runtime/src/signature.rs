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
//! - **every** member named `signature` is dropped, at any depth, when
//!   signing; verification accepts one only at the top of a callback or in
//!   `general` of a request;
//! - empty objects and arrays contribute nothing, so verification refuses
//!   them below the top level (they sign like an absent member);
//! - numbers are signed as written, so verification refuses any number
//!   not in its one shortest plain form (`1.0`, `1e5`, `-0`, `1.50`, an
//!   integer past 2^53 − 1): see `numbers.rs`;
//! - **depth** is bounded only by the JSON parser (serde_json stops at 128).
//!
//! JSON bytes are walked by a strict scanner for the plain shape signed
//! documents have (no escapes, integers only); anything else goes to
//! serde_json, which has the final word. Both give the same text, which a
//! differential property test holds them to.
//!
//! Verification refuses a document that means more than one thing (see
//! [`Ambiguity`]): a key named twice in an object, a key holding `:` or
//! `;`, a `signature` member where none belongs. What the scheme cannot
//! rule out is a `;` inside a value: `{"a": "1;b:2"}` and
//! `{"a": "1", "b": "2"}` share a signed text, because the platform does not
//! escape values. A receiver should decide only on the members its
//! operation declares, validated (as typed callbacks are), and not on
//! unknown members next to a value that could hold `;`.
//!
//! A signature is compared in constant time (`constant_time_eq`) as Base64
//! text, outer ASCII whitespace trimmed: the standard alphabet with padding,
//! as the platform writes it. No other text decodes to the same MAC, so this
//! is the same as comparing decoded MACs.

use std::fmt;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use sha2::Sha512;
use zeroize::Zeroizing;

use crate::validate::Key;

mod ambiguity;
mod canon;
mod numbers;
mod scan;
mod ser;

pub use ambiguity::{Ambiguity, AmbiguityKind};

#[cfg(test)]
use canon::byte_order;
use canon::{Canon, Signature};

type HmacSha512 = Hmac<Sha512>;

/// The largest secret file read: a project's key is tens of bytes.
pub const MAX_SECRET_BYTES: usize = 4096;

/// A project's secret key. It has no `Display` and its `Debug` is
/// redacted.
///
/// It holds the HMAC state already keyed (SHA-512 over the key's inner and
/// outer pads), not the key: every signature starts from a copy of that
/// state, which saves setting up the key (two SHA-512 blocks, about half a
/// microsecond) on each sign and verify. The key's bytes are zeroed as soon
/// as the state is made, and every state, this one and each copy, is
/// zeroed when it is dropped (hmac's and sha2's `zeroize` features).
#[derive(Clone)]
pub struct SecretKey(HmacSha512);

// An HMAC state is two SHA-512 states (keyed with the inner and outer
// pads) and a buffer of the message. sha2's `zeroize` feature wipes each
// SHA-512 state when it drops; the build fails if a dependency update loses
// that.
const _: fn() = || {
    fn zeroized_on_drop<T: hmac::digest::zeroize::ZeroizeOnDrop>() {}
    zeroized_on_drop::<<Sha512 as hmac::EagerHash>::Core>();
};

impl SecretKey {
    /// A key from its bytes (zeroed once the keyed state is made).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        let bytes = Zeroizing::new(bytes.into());
        // HMAC takes keys of any length; this cannot fail.
        let keyed = <HmacSha512 as KeyInit>::new_from_slice(&bytes)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        SecretKey(keyed)
    }

    /// The key from an environment variable (never from the command line).
    /// As for [`SecretKey::from_file`], one trailing newline (`\n` or
    /// `\r\n`) is not part of the key, so `export S="$(cat f)"` and a file
    /// saved by an editor give the same key.
    pub fn from_env(var: &str) -> Result<Self, SecretError> {
        let Some(value) = std::env::var_os(var) else {
            return Err(SecretError(format!(
                "the environment variable {var} is not set"
            )));
        };
        let bytes = Zeroizing::new(value.into_encoded_bytes());
        Self::from_text(bytes, || format!("the environment variable {var} is empty"))
    }

    /// The key from a file; one trailing newline (`\n` or `\r\n`) is not
    /// part of the key. Files larger than [`MAX_SECRET_BYTES`] and files
    /// that are not regular (a FIFO would block) are refused.
    pub fn from_file(path: &Path) -> Result<Self, SecretError> {
        use std::io::Read;
        let fail = |why: String| SecretError(format!("the secret file {}: {why}", path.display()));
        let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
        if !meta.is_file() {
            return Err(fail("not a regular file".into()));
        }
        let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
        let mut bytes = Zeroizing::new(Vec::new());
        file.take(MAX_SECRET_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("cannot read it: {e}")))?;
        if bytes.len() > MAX_SECRET_BYTES {
            return Err(fail(format!(
                "larger than {MAX_SECRET_BYTES} bytes; a project's secret key is a short string"
            )));
        }
        Self::from_text(bytes, || {
            format!("the secret file {} is empty", path.display())
        })
    }

    /// The key from text read from a file or the environment: one trailing
    /// newline dropped, emptiness refused.
    fn from_text(
        mut bytes: Zeroizing<Vec<u8>>,
        empty: impl FnOnce() -> String,
    ) -> Result<Self, SecretError> {
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        if bytes.is_empty() {
            return Err(SecretError(empty()));
        }
        Ok(SecretKey::new(std::mem::take(&mut *bytes)))
    }

    /// A fresh keyed state.
    fn mac(&self) -> HmacSha512 {
        self.0.clone()
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

/// The HMAC of the pairs in order, joined with `;`.
fn mac_of(canon: &mut Canon, key: &SecretKey) -> HmacSha512 {
    // One update over the joined text: some fifty small updates cost
    // more than copying the text once (measured: 0.16 µs of 2 µs).
    let mut mac = key.mac();
    mac.update(&canon.text());
    mac
}

/// Walks any serde data (JSON bytes, a `Value`) into a [`Canon`].
struct Walk<'c> {
    canon: &'c mut Canon,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.canon.scalar(if v { "1" } else { "0" });
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.canon.scalar(itoa::Buffer::new().format(v));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.canon.scalar(itoa::Buffer::new().format(v));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        // Written as serde_json writes the number.
        let text = serde_json::Number::from_f64(v)
            .map(|n| n.to_string())
            .unwrap_or_default();
        self.canon.scalar(&text);
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.canon.scalar(v);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.canon.scalar("");
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.canon.scalar("");
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.depth == 0 {
            self.canon.root_is_object = true;
        }
        // Keys seen in this object, to find duplicates; a hash set, since
        // a hostile object may have very many.
        let mut seen = std::collections::HashSet::new();
        let mut members = 0usize;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            members += 1;
            let key = key.as_str();
            if !seen.insert(key.to_owned()) {
                self.canon
                    .ambiguous(AmbiguityKind::DuplicateKey, key.as_bytes());
            }
            if key.contains([':', ';']) {
                self.canon
                    .ambiguous(AmbiguityKind::SeparatorInKey, key.as_bytes());
            }
            if key == "signature" {
                if self.depth == 0 {
                    // Only a string is a signature; any other value leaves
                    // the document unsigned.
                    self.canon.signature = match map.next_value()? {
                        Value::String(s) => Some(Signature::Owned(s)),
                        _ => {
                            self.canon
                                .ambiguous(AmbiguityKind::NonStringSignature, b"signature");
                            None
                        }
                    };
                } else {
                    self.canon.nested_signature();
                    map.next_value::<de::IgnoredAny>()?;
                }
                continue;
            }
            let member = self.canon.enter(key);
            map.next_value_seed(Walk {
                canon: self.canon,
                depth: self.depth + 1,
            })?;
            self.canon.leave(member);
        }
        if members == 0 && self.depth > 0 {
            self.canon.ambiguous_here(AmbiguityKind::EmptyContainer);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = itoa::Buffer::new();
        for i in 0usize.. {
            let member = self.canon.enter(index.format(i));
            let more = seq
                .next_element_seed(Walk {
                    canon: self.canon,
                    depth: self.depth + 1,
                })?
                .is_some();
            self.canon.leave(member);
            if !more {
                if i == 0 && self.depth > 0 {
                    self.canon.ambiguous_here(AmbiguityKind::EmptyContainer);
                }
                break;
            }
        }
        Ok(())
    }
}

fn walk_value(value: &Value) -> Canon {
    let mut canon = Canon::default();
    // Walking a `Value` cannot fail: it is JSON already.
    let _ = Walk {
        canon: &mut canon,
        depth: 0,
    }
    .deserialize(value);
    canon
}

fn walk_bytes(json: &[u8]) -> Result<Canon, serde_json::Error> {
    let mut canon = Canon::with_capacity(json.len());
    if scan::scan(json, &mut canon).is_ok() {
        return Ok(canon);
    }
    // The scanner left a partial walk; serde_json starts afresh, on text
    // checked once for the whole document (faster than per string).
    let text = std::str::from_utf8(json)
        .map_err(|e| <serde_json::Error as de::Error>::custom(format!("not UTF-8: {e}")))?;
    let mut canon = Canon::with_capacity(json.len());
    walk_text(text, &mut canon)?;
    // The scanner takes only integers of up to fifteen digits; any other
    // number is checked here for the one form every reader agrees on.
    if !canon.is_ambiguous()
        && canon.misplaced_signature.is_none()
        && let Some((pointer, _)) = numbers::first_unclear(json)
    {
        canon.ambiguity = Some(Ambiguity {
            kind: AmbiguityKind::UnclearNumber,
            pointer,
        });
    }
    Ok(canon)
}

/// The walk through serde_json: every JSON text, and every error message.
fn walk_text(text: &str, canon: &mut Canon) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    Walk { canon, depth: 0 }.deserialize(&mut de)?;
    de.end()
}

/// Whether the fast scanner walks these bytes itself rather than leaving
/// them to serde_json. Both sign alike; this is for tests and benchmarks
/// that check real payloads take the fast path.
#[doc(hidden)]
pub fn takes_fast_path(json: &[u8]) -> bool {
    scan::scan(json, &mut Canon::with_capacity(json.len())).is_ok()
}

/// The `path:value` strings of a JSON value, sorted (see the module docs).
pub fn flatten(value: &Value) -> Vec<String> {
    sorted_pairs(&mut walk_value(value))
}

/// The pairs of a walk, in order, as strings.
fn sorted_pairs(canon: &mut Canon) -> Vec<String> {
    canon
        .sorted()
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect()
}

/// The signed text as a string. Every piece of it is UTF-8 (from a `str`
/// or checked by the scanner); the lossy fallback only keeps this free of
/// panics.
fn utf8(text: Vec<u8>) -> String {
    String::from_utf8(text).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The text that is signed: the flattened strings joined with `;`.
pub fn canonical(value: &Value) -> String {
    utf8(walk_value(value).text())
}

/// The signed text of JSON bytes, without building a `Value`.
pub fn canonical_bytes(json: &[u8]) -> Result<String, serde_json::Error> {
    let mut canon = walk_bytes(json)?;
    Ok(utf8(canon.text()))
}

/// The signature of a JSON value (its `signature` members ignored).
pub fn sign(value: &Value, key: &SecretKey) -> String {
    STANDARD.encode(mac_of(&mut walk_value(value), key).finalize().into_bytes())
}

/// The signature of JSON bytes, without building a `Value`.
pub fn sign_bytes(json: &[u8], key: &SecretKey) -> Result<String, serde_json::Error> {
    Ok(STANDARD.encode(mac_of(&mut walk_bytes(json)?, key).finalize().into_bytes()))
}

/// The signature of a typed request or callback, walked straight from the
/// type (no JSON text, no `Value`). Shapes JSON has no plain form for (enum
/// variants with fields) go through serde_json's text instead.
pub fn sign_serialize<T: serde::Serialize>(
    value: &T,
    key: &SecretKey,
) -> Result<String, serde_json::Error> {
    let mut canon = Canon::with_capacity(512);
    match value.serialize(ser::CanonSerializer { canon: &mut canon }) {
        Ok(()) => Ok(STANDARD.encode(mac_of(&mut canon, key).finalize().into_bytes())),
        Err(_) => sign_bytes(&serde_json::to_vec(value)?, key),
    }
}

fn verify_mac(canon: &mut Canon, signature: &[u8], key: &SecretKey) -> bool {
    // The standard engine is canonical both ways: it writes a MAC one way
    // only and decodes nothing else (padding required, no stray bits). So
    // the signature decodes to our MAC exactly when it is our MAC's text,
    // and comparing the texts skips a decode and an allocation.
    let mut ours = [0; 88];
    let mac = mac_of(canon, key).finalize().into_bytes();
    let written = STANDARD.encode_slice(mac, &mut ours).unwrap_or(0);
    constant_time_eq::constant_time_eq(&ours[..written], signature.trim_ascii())
}

/// Whether `signature` is the signature of `value`, compared in constant time.
pub fn verify(value: &Value, signature: &str, key: &SecretKey) -> bool {
    verify_mac(&mut walk_value(value), signature.as_bytes(), key)
}

/// What checking a signed document found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signed {
    /// The signature verifies.
    Valid,
    /// The signature does not match.
    Mismatch,
    /// There is no signature where the document's kind has it.
    Missing,
    /// The document is not a JSON object.
    NotAnObject,
    /// The document could be read as something other than what was signed
    /// (see [`Ambiguity`]); it is not checked further.
    Ambiguous(Ambiguity),
}

/// Verifies JSON bytes that carry their own top-level `signature` (a
/// callback) in one pass, without building a `Value`; `Err` when the bytes
/// are not JSON.
///
/// Only a document that means one thing verifies: a duplicate key at any
/// depth, a key holding `:` or `;`, a `signature` member below the top
/// level and a top-level `signature` that is not a string each make it
/// [`Signed::Ambiguous`]. So every member a parser reads from a verified
/// document is one the signature covers.
pub fn verify_signed_bytes(json: &[u8], key: &SecretKey) -> Result<Signed, serde_json::Error> {
    let mut canon = walk_bytes(json)?;
    if !canon.root_is_object {
        return Ok(Signed::NotAnObject);
    }
    if canon.general_signature && canon.misplaced_signature.is_none() {
        canon.misplaced_signature = Some("/general/signature".into());
    }
    if let Some(ambiguity) = unambiguous(&mut canon) {
        return Ok(Signed::Ambiguous(ambiguity));
    }
    Ok(match canon.signature.take() {
        Some(sig) if verify_mac(&mut canon, sig.in_text(json), key) => Signed::Valid,
        Some(_) => Signed::Mismatch,
        None => Signed::Missing,
    })
}

/// Verifies a signed Gate request from its JSON bytes: the signature is
/// `general.signature`, and, as for callbacks, only a document that means
/// one thing verifies (no duplicate keys, no separators in keys, no other
/// `signature` member, a string signature).
pub fn verify_request_bytes(json: &[u8], key: &SecretKey) -> Result<Signed, serde_json::Error> {
    let mut canon = walk_bytes(json)?;
    if !canon.root_is_object {
        return Ok(Signed::NotAnObject);
    }
    if let Some(ambiguity) = unambiguous(&mut canon) {
        return Ok(Signed::Ambiguous(ambiguity));
    }
    if canon.signature.is_some() {
        // A request carries no top-level signature.
        return Ok(Signed::Ambiguous(Ambiguity {
            kind: AmbiguityKind::MisplacedSignature,
            pointer: "/signature".into(),
        }));
    }
    if !canon.general_signature {
        return Ok(Signed::Missing);
    }
    // No key is duplicated, so the parsed value holds exactly the members
    // that were walked.
    let value: Value = serde_json::from_slice(json)?;
    Ok(match value.pointer("/general/signature") {
        Some(Value::String(sig)) if verify_mac(&mut canon, sig.as_bytes(), key) => Signed::Valid,
        Some(Value::String(_)) => Signed::Mismatch,
        _ => Signed::Ambiguous(Ambiguity {
            kind: AmbiguityKind::NonStringSignature,
            pointer: "/general/signature".into(),
        }),
    })
}

/// The walk's first ambiguity, counting a `signature` member below the top
/// level (but a request's, in `general`) as one.
fn unambiguous(canon: &mut Canon) -> Option<Ambiguity> {
    if let Some(ambiguity) = canon.ambiguity.take() {
        return Some(ambiguity);
    }
    canon.misplaced_signature.take().map(|pointer| Ambiguity {
        kind: AmbiguityKind::MisplacedSignature,
        pointer,
    })
}

/// The first ambiguity of a JSON document (see [`Ambiguity`]), with a
/// `signature` member allowed only at the top level and in `general`:
/// what `gatespec sign` refuses to sign. `Err` when it is not JSON.
pub fn ambiguity(json: &[u8]) -> Result<Option<Ambiguity>, serde_json::Error> {
    let mut canon = walk_bytes(json)?;
    Ok(unambiguous(&mut canon))
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
mod tests;
