//! `sign` and `verify`. The secret comes from `GATESPEC_SECRET` or a file,
//! never from the command line, and is never printed.

use std::io::Write;
use std::path::Path;

use gatespec_runtime::signature::{
    SecretKey, Signed, ambiguity, sign as sign_value, sign_request, verify_request_bytes,
    verify_signed_bytes,
};
use serde_json::Value;

use super::{FAILED, OK, USAGE, input};

/// The environment variable that holds the project's secret key.
pub const SECRET_VAR: &str = "GATESPEC_SECRET";

/// The project's secret from `file`, else from `GATESPEC_SECRET`; a usage
/// error (worded on `err`) when neither gives one.
pub(crate) fn secret(file: Option<&Path>, err: &mut dyn Write) -> Result<SecretKey, u8> {
    let key = match file {
        Some(f) => SecretKey::from_file(f),
        None => SecretKey::from_env(SECRET_VAR),
    };
    key.map_err(|e| {
        let _ = writeln!(err, "error: {e}\nhelp: set {SECRET_VAR} or pass --secret-file; the secret is never taken from the command line");
        USAGE
    })
}

/// The secret first (so a missing secret is reported before any input is
/// read), then the payload. A payload with a duplicated member is refused:
/// which of its values a receiver reads depends on its parser.
fn secret_and_payload(
    file: Option<&Path>,
    secret_file: Option<&Path>,
    max_bytes: u64,
    err: &mut dyn Write,
) -> Result<(SecretKey, input::Payload), u8> {
    let key = secret(secret_file, err)?;
    let payload = input::read_payload(file, max_bytes, err)?;
    Ok((key, payload))
}

/// Why a payload is outside the input profile (a duplicate member, a
/// noncharacter, nesting past 64 levels), every violation with its
/// pointer; `None` inside it. `sign` and `verify` hold payloads to the same
/// profile as `validate`.
fn outside_profile(read: &gatespec_runtime::Report) -> Option<String> {
    // A duplicate member is reported as what it is for a signature: an
    // ambiguity, by the signature's own check.
    let list: Vec<String> = read
        .errors
        .iter()
        .filter(|v| v.code != gatespec_runtime::validate::Code::DuplicateKey)
        .map(|v| format!("`{}` {}", v.pointer, v.message))
        .collect();
    if list.is_empty() {
        return None;
    }
    Some(format!("is outside the input profile: {}", list.join("; ")))
}

/// Runs `sign`: a Gate request gets `general.signature`, anything else
/// (a callback, a Payment Page parameter set) a top-level `signature`.
/// Only a JSON object that means one thing is signed (see
/// [`gatespec_runtime::signature::Ambiguity`]).
pub fn sign(
    file: Option<&Path>,
    signature_only: bool,
    secret_file: Option<&Path>,
    max_bytes: u64,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let (key, payload) = match secret_and_payload(file, secret_file, max_bytes, err) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let refused = |err: &mut dyn Write, why: &str| {
        let _ = writeln!(err, "error: {} is not signed: {why}", payload.name);
        USAGE
    };
    let mut value = payload.value;
    if !value.is_object() {
        return refused(err, "the payload is not a JSON object");
    }
    if let Some(why) = outside_profile(&payload.duplicates) {
        return refused(err, &why);
    }
    match ambiguity(&payload.bytes) {
        Ok(Some(a)) => return refused(err, &a.to_string()),
        Ok(None) => {}
        Err(e) => return refused(err, &e.to_string()),
    }
    let is_request = value.get("general").is_some_and(Value::is_object);
    if is_request && value.get("signature").is_some() {
        // The request's signature goes in `general`; a top-level one would
        // be left out of the signed text and travel unsigned.
        return refused(
            err,
            "`/signature`: a request is signed in `general.signature`, and a top-level `signature` member would travel unsigned; remove it",
        );
    }
    let signature = sign_value(&value, &key);
    if signature_only {
        let _ = writeln!(out, "{signature}");
        return OK;
    }
    if is_request {
        if let Err(e) = sign_request(&mut value, &key) {
            return refused(err, &e.to_string());
        }
    } else if let Some(obj) = value.as_object_mut() {
        obj.insert("signature".into(), Value::String(signature));
    }
    let _ = write!(out, "{}", gatespec_codegen::format::json(&value));
    OK
}

/// Runs `verify`: checks `signature` (a callback) or `general.signature`
/// (a request) over the bytes as received. An ambiguous document (a
/// duplicate key, a separator in a key, a misplaced signature) is invalid
/// whatever its signature.
pub fn verify(
    file: Option<&Path>,
    secret_file: Option<&Path>,
    max_bytes: u64,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let (key, payload) = match secret_and_payload(file, secret_file, max_bytes, err) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let name = &payload.name;
    if let Some(why) = outside_profile(&payload.duplicates) {
        let _ = writeln!(out, "invalid: {name} {why}");
        return FAILED;
    }
    // A top-level `signature` makes it a callback; otherwise it is a request.
    let checked = if payload.value.get("signature").is_some() {
        verify_signed_bytes(&payload.bytes, &key)
    } else {
        verify_request_bytes(&payload.bytes, &key)
    };
    let (code, verdict) = match checked {
        Ok(Signed::Valid) => (OK, format!("valid: the signature of {name} verifies")),
        Ok(Signed::Mismatch) => (
            FAILED,
            format!("invalid: the signature of {name} does not verify with this secret"),
        ),
        Ok(Signed::Missing) => (
            FAILED,
            format!(
                "invalid: {name} has no signature (neither `signature` nor `general.signature`)"
            ),
        ),
        Ok(Signed::NotAnObject) => (FAILED, format!("invalid: {name} is not a JSON object")),
        Ok(Signed::Ambiguous(a)) => (FAILED, format!("invalid: {name} is ambiguous: {a}")),
        Err(e) => (USAGE, format!("invalid: {name} is not JSON: {e}")),
    };
    let _ = writeln!(out, "{verdict}");
    code
}
