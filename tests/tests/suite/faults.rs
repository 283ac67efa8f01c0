//! Faults a project opts into: the Gate's answer lost after the payment is
//! committed (the retry finds the recorded payment, never a new one), and
//! callbacks delivered twice, late, replayed and out of order; the same
//! seed gives the same faults; a bad `faults` key is refused by name.

use std::time::{Duration, Instant};

use gatespec_client::monetix::smp_p2p_kz::payout;
use gatespec_runtime::client::{ClientError, GateClient, GateConfig};
use gatespec_runtime::signature::{SecretKey, sign_request};
use gatespec_sandbox::catalog::PAYMENT_PAGE_PATH;
use gatespec_sandbox::{Catalog, Config, Running};
use serde_json::{Value, json};

use crate::common;
use crate::common::harness::{Receiver, catalog, config_text, inspect, project_of};

/// A sandbox whose every project has `faults`.
fn faulted(dir: &std::path::Path, url: &str, catalog: &Catalog, faults: &str) -> Running {
    let text = config_text(dir, url, &format!(", faults: {faults}"), "");
    let config = Config::parse(&text, dir, &catalog.brands()).expect("config");
    Running::start(config, catalog.clone()).expect("sandbox starts")
}

/// The first payout example of `op`, signed as project `id` with `payment_id`.
fn signed(op: &str, id: i64, key: &SecretKey, payment_id: &str) -> Vec<u8> {
    let (_, o) = common::specs().ir.operation(op).expect("operation");
    let mut v = o.request.examples[0].value.clone();
    v["general"]["project_id"] = json!(id);
    v["general"]["payment_id"] = json!(payment_id);
    sign_request(&mut v, key).expect("sign");
    serde_json::to_vec(&v).expect("JSON")
}

/// Posts `body`; the status, or `None` when the answer was lost on the way.
fn post(sandbox: &Running, path: &str, body: &[u8]) -> Option<u16> {
    let r = reqwest::blocking::Client::new()
        .post(format!("http://{}{path}", sandbox.addr))
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .ok()?;
    let status = r.status().as_u16();
    r.bytes().ok()?;
    Some(status)
}

fn names(payment: &Value) -> Vec<String> {
    payment["faults"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_outcome_unknown_and_the_retry_finds_the_recorded_payment() {
    const OP: &str = "monetix/smp-p2p-kz/payout";
    let catalog = catalog();
    for fault in ["gate_error", "gate_close"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let receiver = Receiver::start("127.0.0.1:0", vec![200]);
        let faults = format!("{{seed: 1, apply: [{fault}]}}");
        let (dir_path, url, cat) = (dir.path().to_owned(), receiver.url.clone(), catalog.clone());
        let sandbox = tokio::task::spawn_blocking(move || faulted(&dir_path, &url, &cat, &faults))
            .await
            .expect("started");
        let (id, _) = project_of("monetix");
        let mut config = GateConfig::new(
            format!("http://{}", sandbox.addr),
            id,
            SecretKey::new("monetix-secret"),
        );
        config.timeout = Duration::from_secs(10);
        let client = GateClient::new(config).expect("client");
        let (_, op) = common::specs().ir.operation(OP).expect("operation");
        let mut example = op.request.examples[0].value.clone();
        let payment_id = format!("lost-{fault}");
        example["general"]["payment_id"] = json!(payment_id);
        let request: payout::Request = serde_json::from_value(example).expect("example");

        let first = client.send(&request).await;
        match &first {
            Err(e) => assert!(e.outcome_unknown(), "{fault}: {e}"),
            Ok(ack) => panic!("{fault}: acknowledged {ack:?}"),
        }
        // The payment was committed before the answer was lost.
        let base = format!("http://{}", sandbox.addr);
        let shown: Value = reqwest::get(format!("{base}/sandbox/payments/{id}/{payment_id}"))
            .await
            .expect("inspection")
            .json()
            .await
            .expect("JSON");
        assert_eq!(names(&shown), vec![fault.to_string()], "{shown}");
        // The merchant resends with the same payment id: a duplicate of
        // the recorded payment, never a second one.
        match client.send(&request).await {
            Err(ClientError::Rejected(r)) => {
                assert_eq!(r.code.as_deref(), Some("duplicate_payment_id"), "{fault}");
                assert!(r.http_status < 500);
            }
            other => panic!("{fault}: the retry got {other:?}"),
        }
        receiver.arrived(&payment_id, 1).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(receiver.callbacks_of(&payment_id).len(), 1, "{fault}");
        tokio::task::spawn_blocking(move || drop(sandbox))
            .await
            .expect("stopped");
    }
}

#[test]
fn callbacks_come_twice_late_replayed_and_out_of_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let catalog = catalog();
    let delay = 400;
    let sandbox = faulted(
        dir.path(),
        &receiver.url,
        &catalog,
        &format!(
            "{{seed: 9, delay_ms: {delay}, apply: [callback_twice, callback_delayed, callback_replayed, callback_out_of_order]}}"
        ),
    );
    // A Gate operation whose lifecycle sends a callback, waits for a code,
    // then sends the final one.
    let op = catalog
        .operations
        .iter()
        .find(|o| o.path != PAYMENT_PAGE_PATH && o.code_request().is_some())
        .expect("an operation waiting for a code");
    let (clarification, at) = op.code_request().expect("checked");
    let follow = catalog.by_id(clarification).expect("the follow-up");
    let (id, key) = project_of(&op.brand);
    let started = Instant::now();
    assert_eq!(
        post(&sandbox, &op.path, &signed(&op.id, id, &key, "faulty-1")),
        Some(200)
    );
    let first = receiver.wait_for("faulty-1", 1);
    assert!(
        started.elapsed() >= Duration::from_millis(delay),
        "the first callback came {:?} after the request",
        started.elapsed()
    );
    let asking = first[0]["payment"]["status"].clone();
    let otp = inspect(&sandbox, id, "faulty-1")["otp"]
        .as_str()
        .expect("an OTP")
        .to_string();
    let (_, spec) = common::specs().ir.operation(&follow.id).expect("operation");
    let mut v = spec.request.examples[0].value.clone();
    v["general"]["project_id"] = json!(id);
    v["general"]["payment_id"] = json!("faulty-1");
    *v.pointer_mut(at).expect("the code's place") = json!(otp);
    sign_request(&mut v, &key).expect("sign");
    let body = serde_json::to_vec(&v).expect("JSON");
    assert_eq!(post(&sandbox, &follow.path, &body), Some(200));

    // Each callback twice and replayed (3 copies), and the asking callback
    // once more after the final one: 7 in all.
    let all = receiver.wait_for("faulty-1", 7);
    let statuses: Vec<&Value> = all.iter().map(|c| &c["payment"]["status"]).collect();
    let final_at = statuses
        .iter()
        .position(|s| **s != asking)
        .expect("a final callback");
    assert_eq!(
        statuses.iter().filter(|s| ***s == asking).count(),
        4,
        "{statuses:?}"
    );
    assert!(
        statuses[final_at..].contains(&&asking),
        "an intermediate callback after the final one: {statuses:?}"
    );
    let shown = inspect(&sandbox, id, "faulty-1");
    assert_eq!(
        names(&shown),
        [
            "callback_twice",
            "callback_delayed",
            "callback_out_of_order",
            "callback_replayed"
        ]
    );
    let copies: Vec<&str> = shown["callbacks"]
        .as_array()
        .expect("callbacks")
        .iter()
        .filter_map(|c| c["fault"].as_str())
        .collect();
    assert_eq!(copies.len(), 5, "{copies:?}");
    // Another brand's project without faults is untouched: checked by the
    // other sandbox tests, which configure none.
}

#[test]
fn the_same_seed_gives_the_same_faults_whatever_the_order() {
    const OP: &str = "monetix/smp-p2p-kz/payout";
    let catalog = catalog();
    let path = catalog.by_id(OP).expect("operation").path.clone();
    let (id, key) = project_of("monetix");
    let ids: Vec<String> = (0..12).map(|i| format!("seeded-{i}")).collect();
    let run = |seed: u64, reversed: bool| -> Vec<(Option<u16>, Vec<String>)> {
        let dir = tempfile::tempdir().expect("tempdir");
        let receiver = Receiver::start("127.0.0.1:0", vec![200]);
        let sandbox = faulted(
            dir.path(),
            &receiver.url,
            &catalog,
            &format!("{{seed: {seed}, rate: 0.5, apply: [gate_error, callback_twice]}}"),
        );
        let mut order: Vec<&String> = ids.iter().collect();
        if reversed {
            order.reverse();
        }
        let mut answers = std::collections::HashMap::new();
        for p in order {
            answers.insert(p.clone(), post(&sandbox, &path, &signed(OP, id, &key, p)));
        }
        ids.iter()
            .map(|p| (answers[p], names(&inspect(&sandbox, id, p))))
            .collect()
    };
    let a = run(42, false);
    assert_eq!(a, run(42, true), "the same seed, the other order");
    assert_ne!(a, run(43, false), "another seed");
    let lost = a.iter().filter(|(s, _)| *s == Some(500)).count();
    assert!(
        0 < lost && lost < ids.len(),
        "rate 0.5 hit {lost} of {}",
        ids.len()
    );
    for (status, faults) in &a {
        assert_eq!(
            *status == Some(500),
            faults.contains(&"gate_error".to_string())
        );
    }
}

#[test]
fn a_bad_faults_key_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let brands = catalog().brands();
    for (faults, expected) in [
        (
            "{seed: 1, apply: [callback_twise]}",
            "projects[0].faults.apply[0]: `callback_twise` is not a fault (known: gate_error",
        ),
        (
            "{seed: abc, apply: [gate_error]}",
            "projects[0].faults.seed",
        ),
        (
            "{seed: 1.5, apply: [gate_error]}",
            "projects[0].faults.seed",
        ),
        (
            "{seed: 1, apply: []}",
            "projects[0].faults.apply: name at least one fault",
        ),
        (
            "{seed: 1, rate: 0, apply: [gate_error]}",
            "projects[0].faults.rate: 0 is not a share",
        ),
        (
            "{seed: 1, delay_ms: 0, apply: [gate_error]}",
            "projects[0].faults.delay_ms: 0 is not from 1",
        ),
        (
            "{seed: 1, apply: [gate_error, gate_error]}",
            "projects[0].faults.apply[1]: `gate_error` is listed twice",
        ),
        (
            "{seed: 1, apply: [gate_error], chaos: 1}",
            "unknown field `chaos`",
        ),
    ] {
        let text = config_text(
            dir.path(),
            "http://127.0.0.1:9/cb",
            &format!(", faults: {faults}"),
            "",
        );
        match Config::parse(&text, dir.path(), &brands) {
            Ok(_) => panic!("{faults} was accepted"),
            Err(e) => assert!(e.contains(expected), "{faults}: {e}"),
        }
    }
}
