//! `sign` and `verify`. The secret comes from `GATESPEC_SECRET` or a file,
//! never from the command line, and is never printed.

use std::io::Write;
use std::path::Path;

use gatespec_runtime::signature::{
    SecretKey, sign as sign_value, sign_request, verify as verify_value,
};
use serde_json::Value;

use super::{FAILED, OK, USAGE, input};

/// The environment variable that holds the project's secret key.
pub const SECRET_VAR: &str = "GATESPEC_SECRET";

fn secret(file: Option<&Path>, err: &mut dyn Write) -> Result<SecretKey, u8> {
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
/// read), then the payload.
fn secret_and_payload(
    file: Option<&Path>,
    secret_file: Option<&Path>,
    err: &mut dyn Write,
) -> Result<(SecretKey, String, Value), u8> {
    let key = secret(secret_file, err)?;
    let (name, payload) = input::read_json(file, err)?;
    Ok((key, name, payload))
}

/// Runs `sign`: a Gate request gets `general.signature`, anything else
/// (a callback, a Payment Page parameter set) a top-level `signature`.
pub fn sign(
    file: Option<&Path>,
    signature_only: bool,
    secret_file: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let (key, _, mut payload) = match secret_and_payload(file, secret_file, err) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let signature = sign_value(&payload, &key);
    if signature_only {
        let _ = writeln!(out, "{signature}");
        return OK;
    }
    let is_request = payload.get("general").is_some_and(Value::is_object);
    let signed = if is_request {
        sign_request(&mut payload, &key).map_err(|e| e.to_string())
    } else {
        match payload.as_object_mut() {
            Some(obj) => {
                obj.insert("signature".into(), Value::String(signature));
                Ok(())
            }
            None => Err("the payload is not a JSON object".to_string()),
        }
    };
    match signed {
        Ok(()) => {
            let _ = write!(out, "{}", crate::format::json(&payload));
            OK
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            USAGE
        }
    }
}

/// Runs `verify`: checks `signature` (a callback) or `general.signature`
/// (a request).
pub fn verify(
    file: Option<&Path>,
    secret_file: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let (key, name, payload) = match secret_and_payload(file, secret_file, err) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let signature = payload
        .get("signature")
        .or_else(|| payload.get("general").and_then(|g| g.get("signature")))
        .and_then(Value::as_str);
    match signature {
        None => {
            let _ = writeln!(
                out,
                "invalid: {name} has no signature (neither `signature` nor `general.signature`)"
            );
            FAILED
        }
        Some(sig) if verify_value(&payload, sig, &key) => {
            let _ = writeln!(out, "valid: the signature of {name} verifies");
            OK
        }
        Some(_) => {
            let _ = writeln!(
                out,
                "invalid: the signature of {name} does not verify with this secret"
            );
            FAILED
        }
    }
}
