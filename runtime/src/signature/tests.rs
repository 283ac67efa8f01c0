//! The signature's tests: the published vectors, every documented choice,
//! the refusals, and the scanner held to serde_json.

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
fn only_the_exact_base64_text_of_the_mac_verifies() {
    // The comparison is of Base64 texts; that is the same as comparing
    // decoded MACs only if no other text decodes to the MAC. Every
    // variant below decodes to something else or not at all.
    let params = json!({"project_id": 11, "payment_currency": "EUR"});
    let key = SecretKey::new("qwerty");
    let good = sign(&params, &key);
    let mac = STANDARD.decode(&good).expect("our own signature decodes");
    assert_eq!(good.len(), 88);
    assert!(good.ends_with("=="));
    assert!(verify(&params, &good, &key));
    assert!(
        verify(&params, &format!(" {good}\n"), &key),
        "outer whitespace is trimmed"
    );
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let digit = ALPHABET
        .iter()
        .position(|&c| c == good.as_bytes()[85])
        .expect("a Base64 digit");
    assert_eq!(digit % 16, 0, "a 64-byte MAC leaves four unused bits");
    let with_last = |d: usize| format!("{}{}==", &good[..85], char::from(ALPHABET[d]));
    let variants = [
        // The unused bits set: decodes to the MAC under a lax engine.
        with_last(digit | 1),
        // Another MAC.
        with_last((digit + 16) % 64),
        good.trim_end_matches('=').to_owned(),
        format!("{good}="),
        format!("{}\n{}", &good[..40], &good[40..]),
        good.replace('+', "-").replace('/', "_"),
        String::new(),
    ];
    for variant in variants {
        if variant == good {
            continue;
        }
        let decodes_to_mac = STANDARD
            .decode(variant.trim_ascii())
            .is_ok_and(|bytes| bytes == mac);
        assert!(!decodes_to_mac, "{variant:?}");
        assert!(!verify(&params, &variant, &key), "{variant:?}");
    }
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
fn bytes_values_and_typed_data_sign_alike() {
    let key = SecretKey::new("k");
    let text = r#"{"b": [true, null, 1.5, -7, 18446744073709551615], "a": {"x": "y", "signature": "z"}, "signature": "top"}"#;
    let v: Value = serde_json::from_str(text).expect("json");
    assert_eq!(
        sign_bytes(text.as_bytes(), &key).expect("json"),
        sign(&v, &key)
    );
    assert_eq!(sign_serialize(&v, &key).expect("json"), sign(&v, &key));
    // Typed data walks the same pairs: structs, options, enums, floats.
    #[derive(serde::Serialize)]
    #[serde(crate = "serde")]
    struct Typed {
        b: (bool, Option<u8>, f32, i64, Vec<u64>),
        #[serde(rename = "a")]
        inner: std::collections::BTreeMap<String, &'static str>,
        signature: &'static str,
        kind: Kind,
    }
    #[derive(serde::Serialize)]
    enum Kind {
        Plain,
    }
    let typed = Typed {
        b: (true, None, 1.1, -7, vec![u64::MAX]),
        inner: [("x".to_string(), "y"), ("signature".to_string(), "z")]
            .into_iter()
            .collect(),
        signature: "top",
        kind: Kind::Plain,
    };
    // The wire form is what gets signed: serde_json's text of the value.
    let wire = serde_json::to_vec(&typed).expect("json");
    assert_eq!(
        sign_serialize(&typed, &key).expect("walks"),
        sign_bytes(&wire, &key).expect("json")
    );
    assert_eq!(
        canonical(&v),
        "a:x:y;b:0:1;b:1:;b:2:1.5;b:3:-7;b:4:18446744073709551615"
    );
    // A nested `signature` signs (it is left out) but never verifies:
    // what it holds would be read without being signed.
    let mut signed = v.clone();
    signed["signature"] = Value::String(sign(&v, &key));
    let bytes = serde_json::to_vec(&signed).expect("json");
    assert_eq!(
        verify_signed_bytes(&bytes, &key).ok(),
        Some(Signed::Ambiguous(Ambiguity {
            kind: AmbiguityKind::MisplacedSignature,
            pointer: "/a/signature".into()
        }))
    );
    let mut signed = v.clone();
    if let Some(a) = signed["a"].as_object_mut() {
        a.remove("signature");
    }
    signed["signature"] = Value::String(sign(&v, &key));
    let bytes = serde_json::to_vec(&signed).expect("json");
    // 2^64 − 1 is past what JavaScript and Python's float readers hold
    // exactly: refused, with its pointer.
    assert_eq!(
        verify_signed_bytes(&bytes, &key).ok(),
        Some(Signed::Ambiguous(Ambiguity {
            kind: AmbiguityKind::UnclearNumber,
            pointer: "/b/4".into()
        }))
    );
    signed["b"][4] = Value::from(4);
    signed["signature"] = Value::String(sign(&signed, &key));
    let bytes = serde_json::to_vec(&signed).expect("json");
    assert_eq!(verify_signed_bytes(&bytes, &key).ok(), Some(Signed::Valid));
    assert_eq!(
        verify_signed_bytes(&bytes, &SecretKey::new("other")).ok(),
        Some(Signed::Mismatch)
    );
    assert_eq!(
        verify_signed_bytes(br#"{"a": 1}"#, &key).ok(),
        Some(Signed::Missing)
    );
    assert_eq!(
        verify_signed_bytes(b"[1]", &key).ok(),
        Some(Signed::NotAnObject)
    );
    assert!(verify_signed_bytes(b"{", &key).is_err());
}

/// Documents the scheme cannot tell apart are refused when a reader
/// could see something else than what was signed: numbers in another
/// form than their shortest plain one, and empty containers.
#[test]
fn documents_that_sign_alike_but_read_apart_are_refused() {
    let key = SecretKey::new("k");
    let signed = |text: &str| -> Vec<u8> {
        let v: Value = serde_json::from_str(text).expect("json");
        let mut v = v;
        v["signature"] = Value::String(sign_bytes(text.as_bytes(), &key).expect("json"));
        serde_json::to_vec(&v).expect("json")
    };
    for (text, kind, at) in [
        (
            r#"{"a":{"amount":113.0}}"#,
            AmbiguityKind::UnclearNumber,
            "/a/amount",
        ),
        (r#"{"a":1e5}"#, AmbiguityKind::UnclearNumber, "/a"),
        (
            r#"{"a":123456789012345678901234567890}"#,
            AmbiguityKind::UnclearNumber,
            "/a",
        ),
        (
            r#"{"a":9007199254740993}"#,
            AmbiguityKind::UnclearNumber,
            "/a",
        ),
        (r#"{"a":1,"b":{}}"#, AmbiguityKind::EmptyContainer, "/b"),
        (
            r#"{"a":1,"b":[1,[]]}"#,
            AmbiguityKind::EmptyContainer,
            "/b/1",
        ),
    ] {
        // Written by hand, so the number keeps its form.
        let sig = sign_bytes(text.as_bytes(), &key).expect("json");
        let body = format!(r#"{},"signature":"{sig}"}}"#, &text[..text.len() - 1]);
        assert_eq!(
            verify_signed_bytes(body.as_bytes(), &key).ok(),
            Some(Signed::Ambiguous(Ambiguity {
                kind,
                pointer: at.into()
            })),
            "{text}"
        );
    }
    // Their plain neighbours verify.
    for text in [
        r#"{"a":{"amount":113}}"#,
        r#"{"a":1.5,"b":[1,2]}"#,
        r#"{"a":9007199254740991}"#,
    ] {
        assert_eq!(
            verify_signed_bytes(&signed(text), &key).ok(),
            Some(Signed::Valid),
            "{text}"
        );
    }
}

#[test]
fn byte_order_is_the_order_of_the_bytes() {
    let words = [
        "",
        "a",
        "a:",
        "a:b",
        "a:b:1",
        "a:b:10",
        "a:b:2",
        "a-b",
        "operation:sum_converted:amount:1",
        "operation:sum_converted:currency:KZT",
        "operation:sum_initial:amount:1",
        "é",
        "zzzzzzzzzzzzzzzzz",
    ];
    for x in words {
        for y in words {
            assert_eq!(
                byte_order(x.as_bytes(), y.as_bytes()),
                x.as_bytes().cmp(y.as_bytes()),
                "{x:?} {y:?}"
            );
        }
    }
}

/// What a walk found: the sorted pairs, the signature, the root kind,
/// the first ambiguity and the objects with a nested signature.
type Found = (
    Vec<String>,
    Option<String>,
    bool,
    Option<Ambiguity>,
    (bool, Option<String>),
);

fn found(mut canon: Canon, text: &[u8]) -> Found {
    let pairs = sorted_pairs(&mut canon);
    let signature = canon
        .signature
        .as_ref()
        .map(|s| String::from_utf8_lossy(s.in_text(text)).into_owned());
    (
        pairs,
        signature,
        canon.root_is_object,
        canon.ambiguity.take(),
        (canon.general_signature, canon.misplaced_signature.take()),
    )
}

/// The scanner's walk, or `None` where it leaves the text to serde_json.
fn scanned(text: impl AsRef<[u8]>) -> Option<Found> {
    let text = text.as_ref();
    let mut canon = Canon::with_capacity(text.len());
    scan::scan(text, &mut canon)
        .ok()
        .map(|()| found(canon, text))
}

/// serde_json's walk, or `None` where the bytes are not JSON (UTF-8
/// included).
fn by_serde(text: impl AsRef<[u8]>) -> Option<Found> {
    let text = text.as_ref();
    let mut canon = Canon::with_capacity(text.len());
    walk_text(std::str::from_utf8(text).ok()?, &mut canon)
        .ok()
        .map(|()| found(canon, text))
}

#[test]
fn the_scanner_leaves_what_is_not_plain_to_serde_json() {
    let plain = r#" {"b": [1, -20, true, false, null, "x y"], "a": {"signature": {"k": 1}, "z": ""}, "signature": "s=="} "#;
    assert_eq!(scanned(plain), by_serde(plain));
    assert!(scanned(plain).is_some());
    for text in [
        r#"{"a": "\n"}"#,
        r#"{"a\u0041": 1}"#,
        r#"{"a": 1.5}"#,
        r#"{"a": 1e3}"#,
        r#"{"a": -0}"#,
        r#"{"a": 1234567890123456789}"#,
        r#"{"a": 01}"#,
        r#"{"a": 1,}"#,
        r#"{"a" 1}"#,
        r#"{"a": tru}"#,
        "{\"a\": \"\t\"}",
        r#"{"a": 1} x"#,
        "",
        "   ",
        &format!("{}1{}", "[".repeat(100), "]".repeat(100)),
    ] {
        assert_eq!(scanned(text), None, "{text:?}");
    }
    // Bytes past ASCII are checked: `é` whole, cut short, and a stray
    // continuation byte.
    assert!(scanned("{\"é\": \"é\"}").is_some());
    for bytes in [
        &b"{\"a\": \"\xc3\"}"[..],
        b"{\"a\": \"\xa9\"}",
        b"{\"\xff\": 1}",
    ] {
        assert_eq!(scanned(bytes), None, "{bytes:?}");
        assert_eq!(by_serde(bytes), None, "{bytes:?}");
    }
    // Duplicate keys and keys holding a separator are left to
    // serde_json's walk, which records them; only a string signature
    // counts.
    for (text, kind, pointer) in [
        (
            r#"{"signature": "a", "signature": "b"}"#,
            AmbiguityKind::DuplicateKey,
            "/signature",
        ),
        (
            r#"{"p": {"s": 1, "t": 2, "s": 3}}"#,
            AmbiguityKind::DuplicateKey,
            "/p/s",
        ),
        (r#"{"a:b": 1}"#, AmbiguityKind::SeparatorInKey, "/a:b"),
        (
            r#"{"p": [{"a;b": 1}]}"#,
            AmbiguityKind::SeparatorInKey,
            "/p/0/a;b",
        ),
    ] {
        assert_eq!(scanned(text), None, "{text}");
        let found = by_serde(text).expect("json");
        assert_eq!(
            found.3,
            Some(Ambiguity {
                kind,
                pointer: pointer.into()
            }),
            "{text}"
        );
    }
    let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
    let many = format!("{{{}, \"k7\": 0}}", many.join(", "));
    assert_eq!(
        by_serde(&many).and_then(|f| f.3).map(|a| a.pointer),
        Some("/k7".into())
    );
    for walked in [
        scanned(r#"{"signature": 1}"#),
        by_serde(r#"{"signature": 1}"#),
    ] {
        let (_, signature, _, ambiguity, _) = walked.expect("walked");
        assert_eq!(signature, None);
        assert_eq!(
            ambiguity.map(|a| a.kind),
            Some(AmbiguityKind::NonStringSignature)
        );
    }
    for walked in [
        scanned(r#"{"general": {"signature": "x"}, "p": {"q": {"signature": {}}}}"#),
        by_serde(r#"{"general": {"signature": "x"}, "p": {"q": {"signature": {}}}}"#),
    ] {
        assert_eq!(
            walked.expect("walked").4,
            (true, Some("/p/q/signature".into()))
        );
    }
}

/// JSON-like text from pieces chosen to hit both the scanner's plain
/// shape and everything it gives up on, valid or not.
fn json_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let space = || prop::sample::select(vec!["", " ", "\n", "\t", "\r\n  "]);
    // Plain pieces four times as often as those the scanner gives up on.
    let key = prop_oneof![
        4 => prop::sample::select(vec!["a", "b", "ab", "a-b", "a:b", "signature", "sum", "é", "", "10", "2", "id"]),
        1 => Just("q\\\""),
    ];
    let scalar = prop_oneof![
        4 => prop::sample::select(vec![
            "0", "7", "-1", "10", "123456789012345678", "true", "false", "null", "\"s\"",
            "\"\"", "\"é\"", "\"signature\"", "\"ab:cd;ef\"",
        ]),
        1 => prop::sample::select(vec![
            "-0", "01", "1.5", "1e3", "2E-1", "1234567890123456789", "18446744073709551615",
            "-9223372036854775808", "tru", "nul", "\"a\\nb\"", "\"\t\"", "\"\\u0000\"",
        ]),
    ];
    let leaf = scalar.prop_map(str::to_owned);
    leaf.prop_recursive(4, 40, 6, move |inner| {
        prop_oneof![
            prop::collection::vec((key.clone(), space(), inner.clone()), 0..6).prop_map(
                |members| {
                    let body: Vec<String> = members
                        .iter()
                        .map(|(k, w, v)| format!("{w}\"{k}\"{w}:{w}{v}{w}"))
                        .collect();
                    format!("{{{}}}", body.join(","))
                }
            ),
            prop::collection::vec((space(), inner), 0..12).prop_map(|items| {
                let body: Vec<String> = items.iter().map(|(w, v)| format!("{w}{v}{w}")).collect();
                format!("[{}]", body.join(","))
            }),
        ]
    })
}

#[test]
fn the_scanner_agrees_with_serde_json() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let mut runner = TestRunner::new(Config {
        cases: 3000,
        failure_persistence: None,
        ..Config::default()
    });
    let (fast, total) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    // Each text as generated, and with one byte cut or changed, so that
    // broken text (broken UTF-8 too) is tried as well as whole.
    let cases = (
        json_text(),
        any::<prop::sample::Index>(),
        any::<Option<u8>>(),
    );
    runner
        .run(&cases, |(text, at, byte)| {
            let mut bytes = text.into_bytes();
            if !bytes.is_empty() && at.index(4) == 0 {
                let i = at.index(bytes.len());
                match byte {
                    Some(b) => bytes[i] = b,
                    None => drop(bytes.remove(i)),
                }
            }
            total.set(total.get() + 1);
            // The pairs come out in plain byte order, whichever walk
            // made them (the sort compares 16-byte heads first).
            if let Some((pairs, ..)) = by_serde(&bytes) {
                let mut plain = pairs.clone();
                plain.sort();
                prop_assert_eq!(pairs, plain);
            }
            if let Some(scan) = scanned(&bytes) {
                fast.set(fast.get() + 1);
                prop_assert_eq!(
                    Some(scan),
                    by_serde(&bytes),
                    "{:?}",
                    String::from_utf8_lossy(&bytes)
                );
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let (fast, total) = (fast.get(), total.get());
    println!("scanner vs serde_json: {total} texts, {fast} walked by the scanner, all alike");
    // Not a vacuous test: the scanner takes a good share of the texts
    // (not most: it leaves empty containers and long integers, common
    // in these random texts and rare in signed documents, to serde_json).
    assert!(fast * 10 > total, "{fast} of {total}");
}

#[test]
fn the_secret_never_shows() {
    let key = SecretKey::new("hunter2");
    assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
}
