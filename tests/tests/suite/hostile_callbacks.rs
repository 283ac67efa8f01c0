//! A verified callback means what it says: documents that share a signed
//! text with a genuine callback (duplicate keys, separators in keys,
//! nested `signature` members) are refused by the library and the CLI, and
//! the typed callback of a verified one re-derives the signed text.

use crate::common;

use gatespec_cli::run;
use gatespec_codegen::ir::BodyRole;
use gatespec_runtime::signature::{
    AmbiguityKind, SecretKey, Signed, canonical, canonical_bytes, sign, verify_signed_bytes,
};
use serde_json::{Value, json};

const SECRET: &str = "hostile-secret";

fn key() -> SecretKey {
    SecretKey::new(SECRET)
}

/// `gatespec verify` of `bytes`, with the secret from a file.
fn cli_verify(bytes: &[u8]) -> (u8, String) {
    cli("verify", bytes)
}

/// `gatespec <command>` (`sign` or `verify`) of `bytes`, with the secret
/// from a file; the exit code and everything printed.
fn cli(command: &str, bytes: &[u8]) -> (u8, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let (payload, secret) = (dir.path().join("p.json"), dir.path().join("secret"));
    std::fs::write(&payload, bytes).expect("write");
    std::fs::write(&secret, SECRET).expect("write");
    let argv = [
        "gatespec",
        command,
        &payload.display().to_string(),
        "--secret-file",
        &secret.display().to_string(),
    ]
    .map(std::ffi::OsString::from)
    .to_vec();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(argv, &mut out, &mut err);
    (
        code,
        String::from_utf8_lossy(&[out, err].concat()).into_owned(),
    )
}

/// A genuine signed callback of the seeds: the success payout of 000.
fn genuine() -> Value {
    let compiled = common::specs();
    let (_, op) = compiled
        .ir
        .operation("monetix/smp-p2p-kz/payout")
        .expect("the seed payout");
    let example = op
        .callback
        .as_ref()
        .and_then(|c| {
            c.examples
                .iter()
                .find(|e| e.value["payment"]["status"] == "success")
        })
        .expect("a success callback example");
    let mut v = example.value.clone();
    v["signature"] = json!(sign(&v, &key()));
    v
}

/// The genuine callback's text with `insert` spliced in right after the
/// opening brace of the object under `object_key` (the top level for
/// `None`), its signature left as it was: a replay of the genuine
/// signature on another document.
fn splice(v: &Value, object_key: Option<&str>, insert: &str) -> Vec<u8> {
    let mut text = serde_json::to_string(v).expect("json");
    let at = match object_key {
        None => 1,
        Some(k) => {
            text.find(&format!("\"{k}\":{{"))
                .expect("object in the text")
                + k.len()
                + 4
        }
    };
    text.insert_str(at, insert);
    text.into_bytes()
}

/// The signature of a JSON text as the platform computes it (its signed
/// text through HMAC-SHA512 and Base64), independent of how it parses.
fn sign_text(text: &str) -> String {
    use base64::Engine;
    use hmac::{KeyInit, Mac};
    let canon = canonical_bytes(text.as_bytes()).expect("json");
    let mut mac = hmac::Hmac::<sha2::Sha512>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(canon.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Replaces the value of the last top-level `"signature":"..."` in `text`.
fn replace_signature(text: &str, signature: &str) -> String {
    let start = text.rfind("\"signature\":\"").expect("signed") + "\"signature\":\"".len();
    let end = start + text[start..].find('"').expect("closed");
    format!("{}{signature}{}", &text[..start], &text[end..])
}

#[test]
fn documents_that_share_a_signed_text_are_refused() {
    let v = genuine();
    let genuine_bytes = serde_json::to_vec(&v).expect("json");
    assert_eq!(
        verify_signed_bytes(&genuine_bytes, &key()).ok(),
        Some(Signed::Valid)
    );
    assert_eq!(cli_verify(&genuine_bytes).0, 0);
    // Each document carries a signature that the platform's scheme, applied
    // naively, accepts: the genuine one where the document flattens to the
    // genuine text or a parser drops the extra member, a fresh one over an
    // equivalent nested document for the separator cases.
    let cases: Vec<(&str, Vec<u8>, AmbiguityKind)> = vec![
        (
            // A first-wins parser reads "decline"; a last-wins one (serde_json
            // into a Value, which the CLI verified) reads the genuine text.
            "a duplicate status before the genuine one",
            splice(&v, Some("payment"), r#""status":"decline","#),
            AmbiguityKind::DuplicateKey,
        ),
        (
            // Flattens to the genuine text; a last-wins typed callback
            // would keep only the second half.
            "an object split across two duplicate keys",
            {
                let text = serde_json::to_string(&v).expect("json");
                let op = serde_json::to_string(&v["operation"]).expect("json");
                let obj = v["operation"].as_object().expect("object");
                let half = |parity: usize| {
                    let m: serde_json::Map<String, Value> = obj
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % 2 == parity)
                        .map(|(_, (k, v))| (k.clone(), v.clone()))
                        .collect();
                    serde_json::to_string(&m).expect("json")
                };
                let split = format!("{},\"operation\":{}", half(0), half(1));
                let text = text.replacen(&op, &split, 1);
                assert_eq!(
                    canonical_bytes(text.as_bytes()).ok(),
                    canonical_bytes(&genuine_bytes).ok()
                );
                text.into_bytes()
            },
            AmbiguityKind::DuplicateKey,
        ),
        (
            // Left out of the signed text, so the genuine signature matches.
            "a nested signature member",
            splice(&v, Some("payment"), r#""signature":{"status":"decline"},"#),
            AmbiguityKind::MisplacedSignature,
        ),
        (
            "a key holding a colon, signed as the nested member it flattens like",
            {
                let text = String::from_utf8(splice(&v, None, r#""a:b":"1","#)).expect("utf-8");
                let nested =
                    String::from_utf8(splice(&v, None, r#""a":{"b":"1"},"#)).expect("utf-8");
                replace_signature(&text, &sign_text(&nested)).into_bytes()
            },
            AmbiguityKind::SeparatorInKey,
        ),
        (
            "a key holding a semicolon",
            {
                let text = String::from_utf8(splice(&v, None, r#""a;b":"1","#)).expect("utf-8");
                replace_signature(&text, &sign_text(&text)).into_bytes()
            },
            AmbiguityKind::SeparatorInKey,
        ),
        (
            // Signs like the genuine document: the signed text has no pair
            // for an empty container.
            "an added empty object, under the genuine signature",
            splice(&v, Some("payment"), r#""refund":{},"#),
            AmbiguityKind::EmptyContainer,
        ),
        (
            "an added empty array, under the genuine signature",
            splice(&v, None, r#""errors":[],"#),
            AmbiguityKind::EmptyContainer,
        ),
        (
            // 1e5 is 100000 to a reader, "1e5" or "100000.0" to a signer
            // that copies or reprints the number.
            "an amount in exponent notation, signed over its text",
            {
                let text = serde_json::to_string(&v).expect("json");
                let amount = v["payment"]["sum"]["amount"].to_string();
                let text = text.replacen(&format!("\"amount\":{amount}"), "\"amount\":1e5", 1);
                replace_signature(&text, &sign_text(&text)).into_bytes()
            },
            AmbiguityKind::UnclearNumber,
        ),
        (
            "an integer past 2^53, signed over its text",
            {
                let text =
                    String::from_utf8(splice(&v, None, r#""n":123456789012345678901234567890,"#))
                        .expect("utf-8");
                replace_signature(&text, &sign_text(&text)).into_bytes()
            },
            AmbiguityKind::UnclearNumber,
        ),
        (
            "a signature that is not a string",
            {
                let mut w = v.clone();
                w["signature"] = json!({"s": 1});
                serde_json::to_vec(&w).expect("json")
            },
            AmbiguityKind::NonStringSignature,
        ),
    ];
    for (name, bytes, kind) in cases {
        let found = verify_signed_bytes(&bytes, &key()).expect("JSON");
        match found {
            Signed::Ambiguous(a) => assert_eq!(a.kind, kind, "{name}: {a}"),
            other => panic!("{name}: {other:?}"),
        }
        let typed = gatespec_client::monetix::smp_p2p_kz::payout::Callback::verify(&bytes, &key());
        match typed {
            Err(gatespec_runtime::callback::CallbackError::Ambiguous(a)) => {
                assert_eq!(a.kind, kind, "{name}");
            }
            other => panic!("{name}: the library accepted it: {other:?}"),
        }
        let (code, text) = cli_verify(&bytes);
        assert_eq!(code, 1, "{name}: {text}");
        assert!(text.contains("ambiguous"), "{name}: {text}");
    }
}

/// `sign` and `verify` hold payloads to the input profile, and `sign`
/// refuses a request whose top-level `signature` would travel unsigned.
#[test]
fn sign_and_verify_refuse_what_cannot_mean_one_thing() {
    let run_with = |command: &str, body: &str| cli(command, body.as_bytes());
    let (code, text) = run_with(
        "sign",
        r#"{"general":{"project_id":1,"payment_id":"p"},"signature":"x"}"#,
    );
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("`/signature`"), "{text}");
    let (code, text) = run_with(
        "sign",
        r#"{"general":{"project_id":1},"payment":{"amount":113.0}}"#,
    );
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("/payment/amount"), "{text}");
    // A noncharacter and deep nesting are outside the profile: the CLI
    // says so with the pointer before it looks at the signature.
    let deep = format!(
        r#"{{"a":{}1{},"signature":"x"}}"#,
        "[".repeat(70),
        "]".repeat(70)
    );
    for body in [r#"{"a":"\uFFFE","signature":"x"}"#.to_string(), deep] {
        let (code, text) = run_with("verify", &body);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("outside the input profile"), "{text}");
        let (code, text) = run_with("sign", &body);
        assert_eq!(code, 2, "{text}");
        assert!(text.contains("outside the input profile"), "{text}");
    }
}

#[test]
fn a_separator_in_a_key_flattens_like_nesting() {
    // Why keys holding `:` are refused: the two documents sign alike.
    assert_eq!(
        canonical(&json!({"a:b": "1"})),
        canonical(&json!({"a": {"b": "1"}}))
    );
}

#[test]
fn what_verifies_is_what_is_read() {
    // Every callback example of every operation, signed: the typed value
    // the validator builds re-derives exactly the signed text.
    let compiled = common::specs();
    let mut checked = 0;
    for (_, op) in compiled.ir.operations() {
        let Some(callback) = &op.callback else {
            continue;
        };
        for e in &callback.examples {
            let mut v = e.value.clone();
            v["signature"] = json!(sign(&v, &key()));
            let bytes = serde_json::to_vec(&v).expect("json");
            assert_eq!(
                verify_signed_bytes(&bytes, &key()).ok(),
                Some(Signed::Valid)
            );
            let (typed, _) = common::generated(&op.full_id, BodyRole::Callback, &bytes)
                .unwrap_or_else(|r| panic!("{} {}: {r}", op.full_id, e.title));
            assert_eq!(
                canonical(&typed),
                canonical_bytes(&bytes).expect("json"),
                "{} {}",
                op.full_id,
                e.title
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
    println!("re-derived the signed text of {checked} verified callbacks from their typed values");
}

/// Every object of `v`, at any depth, gets a member the specs do not name.
fn with_extra_members(v: &mut Value, depth: usize) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k != "signature" {
                    with_extra_members(child, depth + 1);
                }
            }
            map.insert(format!("x_unnamed_{depth}"), json!({"kept": depth}));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| with_extra_members(i, depth + 1)),
        _ => {}
    }
}

/// Callbacks the platform may plausibly send that differ from the one
/// example each operation documents: members the specs do not name at
/// every level, string ids, other date forms, statuses the examples do not
/// show. Each verifies, parses with the generated type (with warnings, not
/// errors) and with `gatespec validate --callback`, and its typed value
/// re-derives the signed text: nothing is dropped, nothing is lost.
#[test]
fn plausible_platform_callbacks_verify_and_parse_on_every_operation() {
    let compiled = common::specs();
    type Variant = (&'static str, fn(&mut Value));
    let variants: &[Variant] = &[
        ("extra members at every level", |v| with_extra_members(v, 0)),
        ("a string operation id", |v| {
            if let Some(id) = v.pointer_mut("/operation/id") {
                *id = json!(id.to_string());
            }
        }),
        ("a UTC date with Z", |v| {
            for p in [
                "/payment/date",
                "/operation/date",
                "/operation/created_date",
            ] {
                if let Some(d) = v.pointer_mut(p) {
                    *d = json!("2024-12-07T10:00:00Z");
                }
            }
        }),
        ("a date with a space", |v| {
            if let Some(d) = v.pointer_mut("/payment/date") {
                *d = json!("2024-12-07 10:00:00");
            }
        }),
        ("status processing", |v| set_status(v, "processing")),
        ("status awaiting clarification", |v| {
            set_status(v, "awaiting clarification")
        }),
        ("status refunded", |v| set_status(v, "refunded")),
        ("status partially refunded", |v| {
            set_status(v, "partially refunded")
        }),
    ];
    let mut checked = 0;
    for (_, op) in compiled.ir.operations() {
        let Some(callback) = &op.callback else {
            continue;
        };
        for e in &callback.examples {
            for (name, change) in variants {
                let mut v = e.value.clone();
                if let Some(obj) = v.as_object_mut() {
                    obj.remove("signature");
                }
                change(&mut v);
                v["signature"] = json!(sign(&v, &key()));
                let bytes = serde_json::to_vec(&v).expect("json");
                assert_eq!(
                    verify_signed_bytes(&bytes, &key()).ok(),
                    Some(Signed::Valid),
                    "{} {name}",
                    op.full_id
                );
                let (typed, _warnings) = common::generated(&op.full_id, BodyRole::Callback, &bytes)
                    .unwrap_or_else(|r| panic!("{} {} {name}: dropped:\n{r}", op.full_id, e.title));
                assert_eq!(
                    canonical(&typed),
                    canonical_bytes(&bytes).expect("json"),
                    "{} {name}: the typed value lost something",
                    op.full_id
                );
                // The CLI's rules (`gatespec validate --callback` runs
                // these); the CLI itself once per operation and variant.
                let interpreted = gatespec_codegen::interpret::validate(&callback.ty, &v);
                assert!(
                    interpreted.is_valid(),
                    "{} {name}: the CLI's rules refuse:\n{interpreted}",
                    op.full_id
                );
                if std::ptr::eq(e, &callback.examples[0]) {
                    let dir = tempfile::tempdir().expect("tmp");
                    let file = dir.path().join("c.json");
                    std::fs::write(&file, &bytes).expect("write");
                    let specs = common::root().join("specs");
                    let (code, out, err) = common::gatespec(&[
                        "validate",
                        &op.full_id,
                        file.to_str().expect("UTF-8"),
                        "--callback",
                        "--specs",
                        specs.to_str().expect("UTF-8"),
                    ]);
                    assert_eq!(
                        code, 0,
                        "{} {name}: validate --callback refused:\n{out}{err}",
                        op.full_id
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
    println!("{checked} plausible callbacks verified and parsed");
}

fn set_status(v: &mut Value, status: &str) {
    for p in ["/payment/status", "/operation/status"] {
        if let Some(s) = v.pointer_mut(p) {
            *s = json!(status);
        }
    }
}
