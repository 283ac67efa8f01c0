//! Signing and verifying, one run, side by side, against the floor of
//! HMAC-SHA512 + Base64 over the already-built canonical string, from an
//! HMAC state already keyed (as `SecretKey` keeps one):
//! - a seed payout request signed from its typed struct;
//! - the same request signed from raw JSON bytes (flatten + sort + HMAC + Base64);
//! - a seed callback verified from raw bytes.
//!
//! `cargo bench -p gatespec-tests --bench sign`

use std::hint::black_box;
use std::time::Instant;

use base64::Engine;
use gatespec_client::monetix::smp_p2p_kz::payout::Request;
use gatespec_runtime::signature::{
    SecretKey, Signed, canonical, canonical_bytes, sign_bytes, sign_serialize, verify_signed_bytes,
};
use hmac::{Hmac, KeyInit, Mac};
use serde::de::IgnoredAny;
use sha2::Sha512;

const KEY: &[u8] = b"a project's secret key of a realistic length";

const REQUEST: &[u8] = br#"{"general": {"project_id": 1234, "payment_id": "payment_47", "signature": "kUi2x9dKHAVNU0FYldJrxh4yo+52Kt8KU+Y19vySO/RLUkDJrOcZzUCwX6R/ekpZhkIQg=="}, "customer": {"id": "customer_123", "ip_address": "198.51.100.47", "first_name": "John", "last_name": "Doe", "email": "johndoe@example.com"}, "account": {"number": "79876543210", "bank_code": "88822"}, "payment": {"currency": "KZT", "amount": 100000}}"#;
const CALLBACK: &str = r#"{"project_id": 1234, "payment": {"id": "payment_47", "type": "payout", "status": "success", "date": "2024-12-07T19:08:45+0000", "method": "smp-p2p-kz", "sum": {"amount": 100000, "currency": "KZT"}, "description": ""}, "customer": {"id": "customer_123"}, "operation": {"id": 47, "type": "payout", "status": "success", "date": "2024-12-07T19:08:45+0000", "created_date": "2024-12-07T19:08:05+0000", "request_id": "1a23456bc7890de", "sum_initial": {"amount": 100000, "currency": "KZT"}, "sum_converted": {"amount": 100000, "currency": "KZT"}, "code": "0", "message": "Success", "provider": {"id": 12345, "payment_id": "123abc123-123", "auth_code": ""}}}"#;

struct Fixture {
    key: SecretKey,
    keyed: Hmac<Sha512>,
    typed: Request,
    canonical: String,
    callback: Vec<u8>,
    callback_canonical: String,
}

fn fixture() -> Fixture {
    let key = SecretKey::new(KEY);
    let typed: Request = serde_json::from_slice(REQUEST).expect("seed request");
    let value: serde_json::Value = serde_json::from_slice(REQUEST).expect("json");
    let mut cb: serde_json::Value = serde_json::from_str(CALLBACK).expect("json");
    let sig = gatespec_runtime::signature::sign(&cb, &key);
    cb["signature"] = serde_json::Value::String(sig);
    Fixture {
        keyed: Hmac::<Sha512>::new_from_slice(KEY).expect("key"),
        callback_canonical: canonical(&cb),
        canonical: canonical(&value),
        typed,
        callback: serde_json::to_vec(&cb).expect("json"),
        key,
    }
}

fn floor_of(f: &Fixture, text: &str) -> String {
    let mut mac = f.keyed.clone();
    mac.update(black_box(text.as_bytes()));
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn floor(f: &Fixture) -> String {
    floor_of(f, &f.canonical)
}

fn typed(f: &Fixture) -> String {
    sign_serialize(black_box(&f.typed), &f.key).expect("serializes")
}

fn bytes(f: &Fixture) -> String {
    sign_bytes(black_box(REQUEST), &f.key).expect("json")
}

fn verify(f: &Fixture) -> bool {
    verify_signed_bytes(black_box(&f.callback), &f.key).ok() == Some(Signed::Valid)
}

#[divan::bench]
fn floor_hmac_base64(b: divan::Bencher) {
    let f = fixture();
    b.bench(|| floor(&f));
}

#[divan::bench]
fn sign_typed_request(b: divan::Bencher) {
    let f = fixture();
    b.bench(|| typed(&f));
}

#[divan::bench]
fn sign_raw_bytes(b: divan::Bencher) {
    let f = fixture();
    b.bench(|| bytes(&f));
}

#[divan::bench]
fn verify_callback_bytes(b: divan::Bencher) {
    let f = fixture();
    b.bench(|| verify(&f));
}

/// Times each of `ops` in turn, round after round, so that a slow spell on
/// a shared machine falls on all of them alike; returns each op's median
/// µs per call and, for each op, the median over rounds of its time
/// divided by the time of the op `base_of[i]` in the same round.
fn interleaved(ops: &mut [&mut dyn FnMut()], base_of: &[usize]) -> (Vec<f64>, Vec<f64>) {
    const ROUNDS: usize = 31;
    const N: u32 = 5_000;
    let mut times = vec![Vec::with_capacity(ROUNDS); ops.len()];
    for _ in 0..ROUNDS {
        for (op, t) in ops.iter_mut().zip(&mut times) {
            let start = Instant::now();
            for _ in 0..N {
                op();
            }
            t.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(N));
        }
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let ratios = base_of
        .iter()
        .enumerate()
        .map(|(i, &b)| median(times[i].iter().zip(&times[b]).map(|(t, f)| t / f).collect()))
        .collect();
    (times.into_iter().map(median).collect(), ratios)
}

fn main() {
    let f = fixture();
    assert_eq!(floor(&f), bytes(&f), "the floor signs the same text");
    assert_eq!(typed(&f), bytes(&f));
    assert!(verify(&f));
    // The figures below are of the scanner's path, not serde_json's.
    assert!(gatespec_runtime::signature::takes_fast_path(REQUEST));
    assert!(gatespec_runtime::signature::takes_fast_path(&f.callback));
    divan::main();
    let (us, ratio) = interleaved(
        &mut [
            &mut || {
                black_box(floor(&f));
            },
            &mut || {
                black_box(typed(&f));
            },
            &mut || {
                black_box(bytes(&f));
            },
            &mut || {
                black_box(floor_of(&f, &f.callback_canonical));
            },
            &mut || {
                black_box(verify(&f));
            },
            &mut || {
                black_box(canonical_bytes(black_box(REQUEST)).ok());
            },
            &mut || {
                black_box(serde_json::from_slice::<IgnoredAny>(black_box(REQUEST)).ok());
            },
            &mut || {
                black_box(Hmac::<Sha512>::new_from_slice(black_box(KEY)).ok());
            },
        ],
        // Each op against its floor: the request's three against the
        // request's floor (op 0), the callback's against its own (op 3).
        &[0, 0, 0, 3, 3, 0, 0, 0],
    );
    let (fl, t, b, fc, v, walk, parse, key_setup) =
        (us[0], us[1], us[2], us[3], us[4], us[5], us[6], us[7]);
    println!(
        "\nparts: parse alone {parse:.3} µs, canonical text from bytes {walk:.3} µs, HMAC key setup {key_setup:.3} µs"
    );
    println!(
        "\nmedian µs per call over interleaved rounds; each ratio is the median of the rounds' ratios (canonical string of {} bytes):",
        f.canonical.len()
    );
    println!(
        "  floor (pre-keyed HMAC-SHA512 + Base64 of the built string): {fl:.3} µs ({:.0}/s)",
        1e6 / fl
    );
    println!(
        "  sign from the typed request:   {t:.3} µs = {:.2}x floor",
        ratio[1]
    );
    println!(
        "  sign from raw JSON bytes:      {b:.3} µs = {:.2}x floor",
        ratio[2]
    );
    println!(
        "  verify a callback from bytes:  {v:.3} µs = {:.2}x its own floor ({fc:.3} µs for {} bytes)",
        ratio[4],
        f.callback_canonical.len()
    );
}
