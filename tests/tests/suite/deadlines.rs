//! A payment the testing rule leaves pending waits for its final callback;
//! where the lifecycle bounds that wait (Flashpay's 24-hour threshold), it
//! declines once the project's clock passes it, in no wall time. Found from
//! the specs: no method is named here.

use std::time::{Duration, Instant};

use gatespec_codegen::ir::{Method, Operation};
use gatespec_runtime::signature::sign_request;
use serde_json::{Value, json};

use crate::common;
use crate::common::harness::{Receiver, catalog, inspect, project_of, sandbox};

/// A Gate operation whose last callback the lifecycle bounds in time, with
/// its method and the timing's longest duration in seconds.
fn bounded() -> Vec<(&'static Method, &'static Operation, u64)> {
    let ir = &common::specs().ir;
    let mut found = Vec::new();
    for m in &ir.methods {
        for op in &m.operations {
            let Some(l) = &op.lifecycle else { continue };
            let last = l.steps.iter().rev().find(|s| s.action.kind() == "callback");
            let Some(id) = last.and_then(|s| s.within.as_deref()) else {
                continue;
            };
            let seconds = m
                .timings
                .iter()
                .find(|t| t.id == id)
                .and_then(|t| t.max_seconds)
                .expect("the timing has a longest duration");
            if op.endpoint.is_some() {
                found.push((m, op, seconds));
            }
        }
    }
    found
}

/// `op`'s first request example as the test project of `brand` sends it,
/// its amount ending in `digits`.
fn pending_request(op: &Operation, brand: &str, payment_id: &str, digits: u8) -> Vec<u8> {
    let (id, key) = project_of(brand);
    let mut v = op.request.examples[0].value.clone();
    v["general"]["project_id"] = json!(id);
    v["general"]["payment_id"] = json!(payment_id);
    let amount = v["payment"]["amount"].as_i64().expect("an amount");
    v["payment"]["amount"] = json!(amount - amount % 100 + i64::from(digits));
    sign_request(&mut v, &key).expect("sign");
    serde_json::to_vec(&v).expect("JSON")
}

fn post(addr: std::net::SocketAddr, path: &str, body: &[u8]) -> (u16, Value) {
    let r = reqwest::blocking::Client::new()
        .post(format!("http://{addr}{path}"))
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .expect("answered");
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

#[test]
fn a_pending_payment_declines_when_its_projects_clock_passes_the_threshold() {
    let cases = bounded();
    assert!(!cases.is_empty(), "the seeds have Flashpay's threshold");
    let catalog = catalog();
    for (method, op, seconds) in cases {
        let testing = method.testing.as_ref().expect("a testing rule");
        let digits = *testing
            .pending_minor_units
            .first()
            .expect("shared.yaml leaves some amounts pending");
        let dir = tempfile::tempdir().expect("tempdir");
        let receiver = Receiver::start("127.0.0.1:0", vec![200]);
        let sandbox = sandbox(dir.path(), &receiver.url, &catalog);
        let (id, _) = project_of(&method.brand);
        let path = catalog.by_id(&op.full_id).expect("served").path.clone();
        let payment = format!("pending-{}", op.id);
        let (status, ack) = post(
            sandbox.addr,
            &path,
            &pending_request(op, &method.brand, &payment, digits),
        );
        assert_eq!(status, 200, "{ack}");
        std::thread::sleep(Duration::from_millis(300));
        assert!(receiver.callbacks_of(&payment).is_empty(), "no result yet");
        assert_eq!(inspect(&sandbox, id, &payment)["status"], "processing");

        let advance = |by: u64| -> Value {
            reqwest::blocking::Client::new()
                .post(format!(
                    "http://{}/sandbox/clock/{id}/advance",
                    sandbox.addr
                ))
                .body(format!("{{\"seconds\": {by}}}"))
                .send()
                .expect("advanced")
                .json()
                .expect("JSON")
        };
        let started = Instant::now();
        // Just short of the threshold: still waiting.
        assert_eq!(advance(seconds - 1)["settled"], 0);
        std::thread::sleep(Duration::from_millis(200));
        assert!(receiver.callbacks_of(&payment).is_empty());
        // Past it: declined, with the final callback, dated on the
        // project's clock.
        let answer = advance(2);
        assert_eq!(answer["settled"], 1, "{answer}");
        let callback = receiver.wait_for(&payment, 1).remove(0);
        println!(
            "{}: {seconds} s threshold passed in {:?} of wall time",
            op.full_id,
            started.elapsed()
        );
        assert_eq!(callback["payment"]["status"], "decline", "{callback}");
        if let Some(code) = callback.pointer("/operation/code") {
            assert_eq!(code.to_string().trim_matches('"'), testing.decline_code);
        }
        let offset_ms = answer["offset_seconds"].as_i64().expect("offset") * 1000;
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("time")
            .as_millis() as i64;
        if let Some(date) = callback.pointer("/payment/date").and_then(Value::as_str) {
            let expected = gatespec_sandbox::callback::platform_time(now_ms + offset_ms);
            assert_eq!(&date[..10], &expected[..10], "the date is the project's");
        }
        assert_eq!(inspect(&sandbox, id, &payment)["status"], "decline");
        // Nothing else is settled twice.
        assert_eq!(advance(seconds)["settled"], 0);
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(receiver.callbacks_of(&payment).len(), 1);
    }
}

#[test]
fn a_pending_payment_with_no_deadline_keeps_waiting() {
    let ir = &common::specs().ir;
    let bounded: Vec<&str> = bounded()
        .iter()
        .map(|(_, op, _)| op.full_id.as_str())
        .collect();
    // A Gate operation that opens a payment, whose lifecycle is a request
    // then its final callback, not bounded in time.
    let Some((method, op)) = ir.operations().find(|(m, op)| {
        op.endpoint.is_some()
            && matches!(op.kind.as_str(), "payout" | "purchase")
            && !bounded.contains(&op.full_id.as_str())
            && m.testing
                .as_ref()
                .is_some_and(|t| !t.pending_minor_units.is_empty())
            && op.lifecycle.as_ref().is_some_and(|l| {
                l.steps.len() == 2
                    && l.steps[0].action.kind() == "request"
                    && l.steps[1].action.kind() == "callback"
            })
    }) else {
        panic!("the seeds have an unbounded payout");
    };
    let digits = method
        .testing
        .as_ref()
        .expect("testing")
        .pending_minor_units[0];
    let catalog = catalog();
    let dir = tempfile::tempdir().expect("tempdir");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let sandbox = sandbox(dir.path(), &receiver.url, &catalog);
    let (id, _) = project_of(&method.brand);
    let path = catalog.by_id(&op.full_id).expect("served").path.clone();
    let (status, sent) = post(
        sandbox.addr,
        &path,
        &pending_request(op, &method.brand, "waits", digits),
    );
    assert_eq!(status, 200, "{}: {sent}", op.full_id);
    let answer: Value = reqwest::blocking::Client::new()
        .post(format!(
            "http://{}/sandbox/clock/{id}/advance",
            sandbox.addr
        ))
        .body("{\"seconds\": 315360000}")
        .send()
        .expect("advanced")
        .json()
        .expect("JSON");
    assert_eq!(answer["settled"], 0);
    std::thread::sleep(Duration::from_millis(300));
    assert!(receiver.callbacks_of("waits").is_empty());
    assert_eq!(inspect(&sandbox, id, "waits")["status"], "processing");
}
