//! Validation speed on the seed's Kazakhstan payout request, one run, side
//! by side:
//! - floor: bytes -> typed struct with serde, no validation;
//! - generated: bytes -> validated typed request (`Validate::from_json_slice`);
//! - jsonschema: bytes -> `serde_json::Value` -> compiled JSON Schema;
//! - value: bytes -> `serde_json::Value` alone.
//!
//! `cargo bench -p gatespec-tests --bench validate`

use std::hint::black_box;
use std::time::Instant;

use gatespec_client::monetix::smp_p2p_kz::payout::Request;
use gatespec_runtime::Validate;

const PAYLOAD: &[u8] = br#"{
    "general": {"project_id": 1234, "payment_id": "payment_47", "signature": "kUi2x9dKHAVNU0FYldJrxh4yo+52Kt8KU+Y19vySO/RLUkDJrOcZzUCwX6R/ekpZhkIQg=="},
    "customer": {"id": "customer_123", "ip_address": "198.51.100.47", "first_name": "John", "last_name": "Doe", "email": "johndoe@example.com"},
    "account": {"number": "79876543210", "bank_code": "88822"},
    "payment": {"currency": "KZT", "amount": 100000}
}"#;

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../generated/schemas/monetix/smp-p2p-kz/payout.request.json"
    ))
    .expect("published schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn floor() -> bool {
    serde_json::from_slice::<Request>(black_box(PAYLOAD)).is_ok()
}

/// The floor with the UTF-8 check done once up front, as the generated
/// validator does it: shown so the comparison hides nothing.
fn floor_str() -> bool {
    std::str::from_utf8(black_box(PAYLOAD))
        .is_ok_and(|t| serde_json::from_str::<Request>(t).is_ok())
}

fn generated() -> bool {
    Request::from_json_slice(black_box(PAYLOAD)).is_ok()
}

fn value() -> bool {
    serde_json::from_slice::<serde_json::Value>(black_box(PAYLOAD)).is_ok()
}

#[divan::bench]
fn floor_serde_typed() -> bool {
    floor()
}

#[divan::bench]
fn generated_validator() -> bool {
    generated()
}

#[divan::bench]
fn value_only() -> bool {
    value()
}

#[divan::bench]
fn value_then_jsonschema(bencher: divan::Bencher) {
    let v = schema();
    bencher.bench(|| {
        serde_json::from_slice::<serde_json::Value>(black_box(PAYLOAD))
            .is_ok_and(|x| v.is_valid(&x))
    });
}

/// Median time of one call, in microseconds, over `rounds` rounds of `n` calls.
fn median_us(mut f: impl FnMut() -> bool) -> f64 {
    const N: u32 = 20_000;
    let mut rounds: Vec<f64> = (0..15)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..N {
                black_box(f());
            }
            t.elapsed().as_secs_f64() * 1e6 / f64::from(N)
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[rounds.len() / 2]
}

fn main() {
    assert!(floor() && generated() && value(), "the payload is valid");
    divan::main();
    let v = schema();
    let f = median_us(floor);
    let g = median_us(generated);
    let j = median_us(|| {
        serde_json::from_slice::<serde_json::Value>(black_box(PAYLOAD))
            .is_ok_and(|x| v.is_valid(&x))
    });
    let val = median_us(value);
    let fs = median_us(floor_str);
    println!(
        "\nseed payout request ({} bytes), median µs per call:",
        PAYLOAD.len()
    );
    println!("  floor (bytes -> typed, no validation): {f:.3} µs");
    println!(
        "  generated validator (bytes -> validated typed): {g:.3} µs  = {:.2}x floor",
        g / f
    );
    println!(
        "  bytes -> Value -> jsonschema: {j:.3} µs  = {:.2}x floor, {:.2}x generated",
        j / f,
        j / g
    );
    println!(
        "  bytes -> Value alone: {val:.3} µs  = {:.2}x floor",
        val / f
    );
    println!(
        "  floor with one up-front UTF-8 check (the validator's trick): {fs:.3} µs; generated = {:.2}x of it",
        g / fs
    );
}
