//! The sandbox Gate, driven over loopback as a merchant's service would:
//! every payout example signed, sent, acknowledged and called back (the
//! callback verified, valid under the generated validator and the published
//! schema); every rejection path; the outcome rule; retries against a
//! failing receiver; and a restart that loses nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use gatespec_runtime::signature::{SecretKey, Signed, sign_request, verify_signed_bytes};
use gatespec_sandbox::catalog::PAYMENT_PAGE_PATH;
use gatespec_sandbox::{Catalog, Config, Operation, Role, Running};
use serde_json::{Value, json};

use crate::common;
use crate::common::harness::{
    Receiver, SECRETS, catalog, inspect, project_of, sandbox, sandbox_with,
};

fn post(sandbox: &Running, path: &str, body: &[u8]) -> (u16, Value) {
    let r = reqwest::blocking::Client::new()
        .post(format!("http://{}{path}", sandbox.addr))
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .expect("the sandbox answers");
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

/// `example` as project `id` sends it: its own payment id and amount, signed.
fn signed(
    example: &Value,
    id: i64,
    key: &SecretKey,
    payment_id: &str,
    amount: Option<i64>,
) -> Vec<u8> {
    let mut v = example.clone();
    v["general"]["project_id"] = json!(id);
    v["general"]["payment_id"] = json!(payment_id);
    if let (Some(a), Some(slot)) = (amount, v.pointer_mut("/payment/amount")) {
        *slot = json!(a);
    }
    sign_request(&mut v, key).expect("sign");
    serde_json::to_vec(&v).expect("JSON")
}

#[test]
fn every_payout_example_is_acknowledged_and_called_back() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let catalog = catalog();
    let sandbox = sandbox(dir.path(), &receiver.url, &catalog);
    let compiled = common::specs();
    let (mut checked, mut uncalled) = (0, 0);
    for op in catalog.operations.iter().filter(|o| o.is_payout()) {
        let (_, spec_op) = compiled.ir.operation(&op.id).expect("operation");
        let (id, key) = project_of(&op.brand);
        let Some(schema_cb) = spec_op.callback.as_ref() else {
            // The specs document no callback: the payout is still checked,
            // recorded and acknowledged, and nothing is sent.
            for (n, example) in spec_op.request.examples.iter().enumerate() {
                let payment_id = format!("{}-{n}", op.id.replace('/', "-"));
                let body = signed(&example.value, id, &key, &payment_id, None);
                let (status, ack) = post(&sandbox, &op.path, &body);
                assert_eq!(
                    (status, &ack["status"]),
                    (200, &json!("success")),
                    "{}: {ack}",
                    op.id
                );
                let recorded = inspect(&sandbox, id, &payment_id);
                assert_eq!(recorded["callbacks"], json!([]), "{}", op.id);
                uncalled += 1;
            }
            continue;
        };
        let (m, _) = compiled.ir.operation(&op.id).expect("operation");
        let published = common::validator(&common::schema(
            compiled,
            m,
            spec_op,
            gatespec_codegen::ir::BodyRole::Callback,
            schema_cb,
        ));
        for (n, example) in spec_op.request.examples.iter().enumerate() {
            let payment_id = format!("{}-{n}", op.id.replace('/', "-"));
            let (status, ack) = post(
                &sandbox,
                &op.path,
                &signed(&example.value, id, &key, &payment_id, None),
            );
            assert_eq!(status, 200, "{}: {ack}", op.id);
            assert_eq!(ack["status"], "success", "{}: {ack}", op.id);
            assert_eq!(ack["payment_id"], payment_id.as_str());
            let callbacks = receiver.wait_for(&payment_id, 1);
            let text = serde_json::to_vec(&callbacks[0]).expect("JSON");
            assert_eq!(
                verify_signed_bytes(&text, &key).expect("JSON"),
                Signed::Valid,
                "{}",
                op.id
            );
            let typed = gatespec_client::validate_body(
                &op.id,
                gatespec_runtime::validate::Role::Callback,
                &text,
            )
            .expect("validator");
            assert!(typed.is_ok(), "{}: {typed:?}", op.id);
            assert!(
                published.is_valid(&callbacks[0]),
                "{}: {}",
                op.id,
                callbacks[0]
            );
            let amount = example
                .value
                .pointer("/payment/amount")
                .and_then(Value::as_i64);
            let expected = if amount.is_some_and(|a| a % 100 == 13) {
                "decline"
            } else {
                "success"
            };
            assert_eq!(callbacks[0]["payment"]["status"], expected, "{}", op.id);
            checked += 1;
        }
    }
    assert!(checked > 0, "the specs have payout examples with callbacks");
    println!(
        "sandbox: {checked} payout examples acknowledged and called back, {uncalled} acknowledged without a documented callback"
    );
    sandbox.stop().expect("stops");
}

#[test]
fn every_rejection_answers_as_the_gate_does() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let catalog = catalog();
    let sandbox = sandbox(dir.path(), &receiver.url, &catalog);
    let compiled = common::specs();
    let op = catalog
        .operations
        .iter()
        .find(|o| o.is_payout())
        .expect("a payout");
    let (_, spec_op) = compiled.ir.operation(&op.id).expect("operation");
    let example = &spec_op.request.examples[0].value;
    let (id, key) = project_of(&op.brand);

    // Accepted once, then the same payment id again.
    let body = signed(example, id, &key, "once", Some(100_000));
    assert_eq!(post(&sandbox, &op.path, &body).0, 200);
    let (status, answer) = post(&sandbox, &op.path, &body);
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("duplicate_payment_id")),
        "{answer}"
    );

    // Signed with another key.
    let (_, other) = project_of(if op.brand == "monetix" {
        "flashpay"
    } else {
        "monetix"
    });
    let (status, answer) = post(
        &sandbox,
        &op.path,
        &signed(example, id, &other, "wrong-key", None),
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_signature")),
        "{answer}"
    );
    assert!(
        !answer
            .to_string()
            .contains(&String::from_utf8_lossy(&body)[..20])
    );

    // An amount in float notation, signed over its own text: the signed
    // text and a reader's number could differ (`11313.0` reads as 11313,
    // which declines), so the sandbox refuses it, names where, and records
    // nothing: no payment is stored or acted on with another amount.
    for (n, written) in ["11313.0", "1.1313e4"].into_iter().enumerate() {
        let payment_id = format!("float-{n}");
        let mut v = example.clone();
        v["general"]["project_id"] = json!(id);
        v["general"]["payment_id"] = json!(payment_id);
        v["general"]["signature"] = json!("PLACEHOLDER");
        v["payment"]["amount"] = json!(424_242);
        let text = serde_json::to_string(&v)
            .expect("json")
            .replace("424242", written);
        let sig = gatespec_runtime::signature::sign_bytes(text.as_bytes(), &key).expect("json");
        let body = text.replace("PLACEHOLDER", &sig);
        let (status, answer) = post(&sandbox, &op.path, body.as_bytes());
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some("invalid_signature")),
            "{written}: {answer}"
        );
        assert!(
            answer["message"]
                .as_str()
                .is_some_and(|m| m.contains("/payment/amount")),
            "{answer}"
        );
        let inspected = reqwest::blocking::get(format!(
            "http://{}/sandbox/payments/{id}/{payment_id}",
            sandbox.addr
        ))
        .expect("inspection answers");
        assert_eq!(inspected.status().as_u16(), 404, "{written} was recorded");
    }

    // A payment id of 60 KB is refused (the sandbox keeps at most
    // 255 characters; the documents state no limit), so neither the
    // database nor `/sandbox` grows with what a client sends.
    let huge = "p".repeat(60_000);
    let (status, answer) = post(&sandbox, &op.path, &signed(example, id, &key, &huge, None));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_request")),
        "{}",
        &answer.to_string()[..200.min(answer.to_string().len())]
    );
    assert!(
        answer["errors"].as_array().is_some_and(|e| e
            .iter()
            .any(|v| v["pointer"] == "/general/payment_id" && v["code"] == "max_length")),
        "{}",
        &answer.to_string()[..300.min(answer.to_string().len())]
    );

    // An unknown project.
    let (status, answer) = post(
        &sandbox,
        &op.path,
        &signed(example, 999, &key, "nobody", None),
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("unknown_project")),
        "{answer}"
    );

    // Invalid: every violation with its pointer.
    let mut bad = example.clone();
    bad["payment"]["amount"] = json!("lots");
    bad["payment"]["currency"] = json!("xx");
    let (status, answer) = post(&sandbox, &op.path, &signed(&bad, id, &key, "invalid", None));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_request")),
        "{answer}"
    );
    let pointers: Vec<&str> = answer["errors"]
        .as_array()
        .expect("violations")
        .iter()
        .filter_map(|e| e["pointer"].as_str())
        .collect();
    assert!(
        pointers.contains(&"/payment/amount") && pointers.contains(&"/payment/currency"),
        "{answer}"
    );

    // Too large, and not JSON.
    let (status, answer) = post(&sandbox, &op.path, &vec![b' '; 70_000]);
    assert_eq!(
        (status, answer["code"].as_str()),
        (413, Some("body_too_large")),
        "{answer}"
    );
    let (status, answer) = post(&sandbox, &op.path, b"{\"general\": ");
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_json")),
        "{answer}"
    );

    // A path no operation has, and an operation of another brand.
    let (status, answer) = post(&sandbox, "/v2/nothing", &body);
    assert_eq!(
        (status, answer["code"].as_str()),
        (404, Some("unknown_operation")),
        "{answer}"
    );
    if let Some(foreign) = catalog.operations.iter().find(|o| {
        o.brand != op.brand
            && !catalog
                .operations
                .iter()
                .any(|p| p.brand == op.brand && p.path == o.path)
    }) {
        let (status, answer) = post(&sandbox, &foreign.path, &body);
        assert_eq!(
            (status, answer["code"].as_str()),
            (404, Some("unknown_operation")),
            "{answer}"
        );
    }

    // The outcome rule: an amount ending in 13 is declined with 20000.
    let (status, _) = post(
        &sandbox,
        &op.path,
        &signed(example, id, &key, "declined", Some(100_013)),
    );
    assert_eq!(status, 200);
    let callback = &receiver.wait_for("declined", 1)[0];
    assert_eq!(callback["payment"]["status"], "decline");
    assert_eq!(
        callback["operation"]["code"].to_string().trim_matches('"'),
        "20000"
    );

    // The inspection API shows the payment and its delivery (the attempt
    // is recorded just after the receiver answers: wait for it).
    let deadline = Instant::now() + Duration::from_secs(10);
    let inspect: Value = loop {
        let v: Value = reqwest::blocking::get(format!(
            "http://{}/sandbox/payments/{id}/declined",
            sandbox.addr
        ))
        .expect("inspection")
        .json()
        .expect("JSON");
        if !v["callbacks"][0]["attempt_log"][0].is_null() || Instant::now() > deadline {
            break v;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(inspect["status"], "decline", "{inspect}");
    assert_eq!(
        inspect["callbacks"][0]["attempt_log"][0]["http_status"], 200,
        "{inspect}"
    );
    sandbox.stop().expect("stops");
}

#[test]
fn a_failing_receiver_gets_the_callback_again_until_it_accepts() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![500, 500, 200]);
    let catalog = catalog();
    let sandbox = sandbox(dir.path(), &receiver.url, &catalog);
    let (id, _) = send_payout(&catalog, &sandbox, "retried");
    let got = receiver.wait_for("retried", 3);
    assert_eq!(got.len(), 3);
    // Delivered: no fourth attempt follows.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(receiver.wait_for("retried", 3).len(), 3);
    let inspect: Value = reqwest::blocking::get(format!(
        "http://{}/sandbox/payments/{id}/retried",
        sandbox.addr
    ))
    .expect("inspection")
    .json()
    .expect("JSON");
    let statuses: Vec<i64> = inspect["callbacks"][0]["attempt_log"]
        .as_array()
        .expect("attempts")
        .iter()
        .filter_map(|a| a["http_status"].as_i64())
        .collect();
    assert_eq!(statuses, [500, 500, 200], "{inspect}");
    assert_eq!(inspect["callbacks"][0]["delivered"], true);
    sandbox.stop().expect("stops");
}

#[test]
fn a_restart_loses_no_pending_callback_and_no_payment_id() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // The receiver is down: its port is taken and released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://127.0.0.1:{port}/callbacks");
    let catalog = catalog();
    let compiled = common::specs();
    let op = catalog
        .operations
        .iter()
        .find(|o| o.is_payout())
        .expect("a payout");
    let (_, spec_op) = compiled.ir.operation(&op.id).expect("operation");
    let (id, key) = project_of(&op.brand);
    let body = signed(
        &spec_op.request.examples[0].value,
        id,
        &key,
        "kept",
        Some(100_000),
    );
    let first = sandbox(dir.path(), &url, &catalog);
    assert_eq!(post(&first, &op.path, &body).0, 200);
    std::thread::sleep(Duration::from_millis(200));
    first.stop().expect("stops");

    let receiver = Receiver::start(&format!("127.0.0.1:{port}"), vec![200]);
    let second = sandbox(dir.path(), &url, &catalog);
    let got = receiver.wait_for("kept", 1);
    let text = serde_json::to_vec(&got[0]).expect("JSON");
    assert_eq!(
        verify_signed_bytes(&text, &key).expect("JSON"),
        Signed::Valid
    );
    let (status, answer) = post(&second, &op.path, &body);
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("duplicate_payment_id")),
        "{answer}"
    );
    second.stop().expect("stops");
}

#[test]
fn a_bad_config_names_the_key_and_nothing_starts() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let brands = catalog().brands();
    for (text, names) in [
        (
            "listen: 127.0.0.1:0\ndatabase: s.db\nprojects: []\n",
            "projects",
        ),
        ("listen: nowhere\ndatabase: s.db\nprojects: []\n", "listen"),
        (
            "listen: 127.0.0.1:0\ndatabase: s.db\nprojects:\n  - {id: 1, brand: acme, secret_env: X, callback_url: \"http://127.0.0.1:1/\"}\n",
            "projects[0].brand",
        ),
        (
            "listen: 127.0.0.1:0\ndatabase: s.db\nprojects:\n  - {id: 1, brand: monetix, secret: abc, callback_url: \"http://127.0.0.1:1/\"}\n",
            "secret",
        ),
        (
            "listen: 127.0.0.1:0\ndatabase: s.db\nprojects:\n  - {id: 1, brand: monetix, callback_url: \"http://127.0.0.1:1/\"}\n",
            "projects[0]",
        ),
        (
            "listen: 127.0.0.1:0\ndatabase: s.db\nprojects:\n  - {id: 1, brand: monetix, secret_file: missing.txt, callback_url: \"http://127.0.0.1:1/\"}\n",
            "projects[0].secret_file",
        ),
        (
            "listen: 127.0.0.1:0\ndatabase: s.db\nprojects:\n  - {id: 1, brand: monetix, secret_env: PATH, callback_url: \"ftp://x/\"}\n",
            "projects[0].callback_url",
        ),
        // A wait that overflows the clock, no wait at all, no timeout.
        (
            "database: s.db\nprojects:\n  - {id: 1, brand: monetix, secret_env: PATH, callback_url: \"http://127.0.0.1:1/\"}\ncallbacks: {retry_ms: [9223372036854775807]}\n",
            "callbacks.retry_ms[0]",
        ),
        (
            "database: s.db\nprojects:\n  - {id: 1, brand: monetix, secret_env: PATH, callback_url: \"http://127.0.0.1:1/\"}\ncallbacks: {retry_ms: [100, 0]}\n",
            "callbacks.retry_ms[1]",
        ),
        (
            "database: s.db\nprojects:\n  - {id: 1, brand: monetix, secret_env: PATH, callback_url: \"http://127.0.0.1:1/\"}\ncallbacks: {timeout_ms: 0}\n",
            "callbacks.timeout_ms",
        ),
    ] {
        let e = Config::parse(text, dir.path(), &brands)
            .err()
            .unwrap_or_else(|| panic!("accepted:\n{text}"));
        assert!(e.contains(names), "{names}: {e}");
    }
    assert!(
        !dir.path().join("s.db").exists(),
        "nothing starts on a bad config"
    );
    // Without `listen`, the sandbox listens on loopback only; another
    // address is accepted with a warning, since the inspection API has no
    // authentication.
    let project = "projects:\n  - {id: 1, brand: monetix, secret_env: PATH, callback_url: \"http://127.0.0.1:1/\"}\n";
    let config =
        Config::parse(&format!("database: s.db\n{project}"), dir.path(), &brands).expect("config");
    assert!(config.listen.ip().is_loopback(), "{}", config.listen);
    assert!(config.warnings.is_empty());
    let open = Config::parse(
        &format!("listen: 0.0.0.0:8080\ndatabase: s.db\n{project}"),
        dir.path(),
        &brands,
    )
    .expect("config");
    assert!(
        open.warnings.iter().any(|w| w.contains("0.0.0.0")),
        "{:?}",
        open.warnings
    );
    // Which Host headers are served: loopback names, and those allowed.
    let allowed = Config::parse(
        &format!("database: s.db\nallowed_hosts: [sandbox.test]\n{project}"),
        dir.path(),
        &brands,
    )
    .expect("config");
    for (host, ok) in [
        ("127.0.0.1:8080", true),
        ("localhost", true),
        ("LOCALHOST:1", true),
        ("[::1]:8080", true),
        ("sandbox.test:8080", true),
        ("evil.example", false),
        ("evil.example:8080", false),
        ("127.0.0.1.evil.example", false),
        ("", false),
    ] {
        assert_eq!(allowed.host_allowed(host), ok, "{host}");
    }
}

/// Sends the first payout example of the catalogue as `payment_id` (for
/// 1,000.00) and checks it is acknowledged; the project's id and key.
fn send_payout(catalog: &Catalog, sandbox: &Running, payment_id: &str) -> (i64, SecretKey) {
    let compiled = common::specs();
    let op = catalog
        .operations
        .iter()
        .find(|o| o.is_payout())
        .expect("a payout");
    let (_, spec_op) = compiled.ir.operation(&op.id).expect("operation");
    let (id, key) = project_of(&op.brand);
    let body = signed(
        &spec_op.request.examples[0].value,
        id,
        &key,
        payment_id,
        Some(100_000),
    );
    assert_eq!(post(sandbox, &op.path, &body).0, 200);
    (id, key)
}

/// The request example of the operation `id`, and its path.
fn example_of(catalog: &Catalog, id: &str) -> (String, Value) {
    let op = catalog
        .by_id(id)
        .unwrap_or_else(|| panic!("no operation {id}"));
    let compiled = common::specs();
    let (_, spec_op) = compiled.ir.operation(&op.id).expect("operation");
    (op.path.clone(), spec_op.request.examples[0].value.clone())
}

/// A Gate operation whose lifecycle waits for a request giving a code
/// (seed 003's Mobile Commerce purchase): the operation, that request's
/// id and where it carries the code.
fn otp_purchase(catalog: &Catalog) -> (&Operation, String, String) {
    let op = catalog
        .operations
        .iter()
        .find(|o| o.path != PAYMENT_PAGE_PATH && o.code_request().is_some())
        .expect("a Gate operation whose lifecycle waits for a code");
    let (request, at) = op.code_request().expect("checked");
    (op, request.to_string(), at.to_string())
}

#[test]
fn the_otp_flow_follows_the_document() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let catalog = catalog();
    // 80 s are 0.4 s here.
    let sandbox = sandbox_with(dir.path(), &receiver.url, &catalog, "time_scale: 0.005\n");
    let (purchase_op, clarification, pointer) = otp_purchase(&catalog);
    let (id, key) = project_of(&purchase_op.brand);
    let (purchase, purchase_example) = example_of(&catalog, &purchase_op.id);
    let (clarify, clarify_example) = example_of(&catalog, &clarification);
    let (resend, resend_example) = example_of(&catalog, purchase_op.renewal().expect("a resend"));
    let with_otp = |payment: &str, otp: &str| {
        let mut v = clarify_example.clone();
        *v.pointer_mut(&pointer).expect("the OTP's place") = json!(otp);
        signed(&v, id, &key, payment, None)
    };
    let otp_of = |payment: &str| {
        inspect(&sandbox, id, payment)["otp"]
            .as_str()
            .expect("an OTP")
            .to_string()
    };
    let compiled = common::specs();
    let (m, spec_op) = compiled.ir.operation(&purchase_op.id).expect("purchase");
    let published = common::validator(&common::schema(
        compiled,
        m,
        spec_op,
        gatespec_codegen::ir::BodyRole::Callback,
        spec_op.callback.as_ref().expect("callback"),
    ));
    let check = |v: &Value| {
        let text = serde_json::to_vec(v).expect("JSON");
        assert_eq!(
            verify_signed_bytes(&text, &key).expect("JSON"),
            Signed::Valid
        );
        assert!(published.is_valid(v), "{v}");
        let typed = gatespec_client::validate_body(
            &purchase_op.id,
            gatespec_runtime::validate::Role::Callback,
            &text,
        )
        .expect("validator");
        assert!(typed.is_ok(), "{typed:?}");
    };

    // The right OTP, after a wrong one.
    assert_eq!(
        post(
            &sandbox,
            &purchase,
            &signed(&purchase_example, id, &key, "otp-1", Some(100_000))
        )
        .0,
        200
    );
    let asked = receiver.wait_for("otp-1", 1);
    assert_eq!(asked[0]["payment"]["status"], "awaiting clarification");
    check(&asked[0]);
    assert_eq!(
        post(&sandbox, &clarify, &with_otp("otp-1", "not-it")).0,
        200
    );
    let again = receiver.wait_for("otp-1", 2);
    assert_eq!(again[1]["payment"]["status"], "awaiting clarification");
    let (status, _) = post(&sandbox, &clarify, &with_otp("otp-1", &otp_of("otp-1")));
    assert_eq!(status, 200);
    let done = receiver.wait_for("otp-1", 3);
    assert_eq!(done[2]["payment"]["status"], "success");
    check(&done[2]);
    // Nothing waits for an OTP any more.
    let (status, answer) = post(&sandbox, &clarify, &with_otp("otp-1", "123456"));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("not_awaiting_clarification"))
    );

    // An expired OTP is asked for again; a new one after the window works.
    assert_eq!(
        post(
            &sandbox,
            &purchase,
            &signed(&purchase_example, id, &key, "otp-2", Some(100_000))
        )
        .0,
        200
    );
    receiver.wait_for("otp-2", 1);
    let first = otp_of("otp-2");
    let (status, answer) = post(
        &sandbox,
        &resend,
        &signed(&resend_example, id, &key, "otp-2", None),
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("otp_resend_too_early")),
        "{answer}"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(post(&sandbox, &clarify, &with_otp("otp-2", &first)).0, 200);
    assert_eq!(
        receiver.wait_for("otp-2", 2)[1]["payment"]["status"],
        "awaiting clarification"
    );
    assert_eq!(
        post(
            &sandbox,
            &resend,
            &signed(&resend_example, id, &key, "otp-2", None)
        )
        .0,
        200
    );
    receiver.wait_for("otp-2", 3);
    let second = otp_of("otp-2");
    assert_eq!(inspect(&sandbox, id, "otp-2")["otp_resends"], 1);
    assert_eq!(post(&sandbox, &clarify, &with_otp("otp-2", &second)).0, 200);
    assert_eq!(
        receiver.wait_for("otp-2", 4)[3]["payment"]["status"],
        "success"
    );

    // Three new OTPs at most.
    assert_eq!(
        post(
            &sandbox,
            &purchase,
            &signed(&purchase_example, id, &key, "otp-3", Some(100_000))
        )
        .0,
        200
    );
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(450));
        let (status, answer) = post(
            &sandbox,
            &resend,
            &signed(&resend_example, id, &key, "otp-3", None),
        );
        assert_eq!(status, 200, "{answer}");
    }
    std::thread::sleep(Duration::from_millis(450));
    let (status, answer) = post(
        &sandbox,
        &resend,
        &signed(&resend_example, id, &key, "otp-3", None),
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("otp_resend_limit")),
        "{answer}"
    );
    sandbox.stop().expect("stops");
}

#[test]
fn refunds_return_at_most_what_is_left_of_a_successful_purchase() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let catalog = catalog();
    let sandbox = sandbox_with(dir.path(), &receiver.url, &catalog, "time_scale: 0.005\n");
    let (purchase_op, clarification, pointer) = otp_purchase(&catalog);
    let (id, key) = project_of(&purchase_op.brand);
    let (purchase, purchase_example) = example_of(&catalog, &purchase_op.id);
    let (clarify, clarify_example) = example_of(&catalog, &clarification);
    let refund_op = catalog
        .operations
        .iter()
        .find(|o| {
            o.brand == purchase_op.brand && o.method == purchase_op.method && o.role == Role::Refund
        })
        .expect("a refund");
    let (refund, refund_example) = example_of(&catalog, &refund_op.id);
    // A successful purchase of 1,000.00.
    assert_eq!(
        post(
            &sandbox,
            &purchase,
            &signed(&purchase_example, id, &key, "bought", Some(100_000))
        )
        .0,
        200
    );
    receiver.wait_for("bought", 1);
    let mut v = clarify_example.clone();
    *v.pointer_mut(&pointer).expect("the OTP's place") =
        inspect(&sandbox, id, "bought")["otp"].clone();
    assert_eq!(
        post(&sandbox, &clarify, &signed(&v, id, &key, "bought", None)).0,
        200
    );
    receiver.wait_for("bought", 2);

    let refund_of = |payment: &str, amount: Option<i64>, currency: Option<&str>| {
        let mut v = refund_example.clone();
        let p = v["payment"].as_object_mut().expect("payment");
        p.remove("amount");
        p.remove("currency");
        if let Some(a) = amount {
            p.insert("amount".into(), json!(a));
        }
        if let Some(c) = currency {
            p.insert("currency".into(), json!(c));
        }
        signed(&v, id, &key, payment, None)
    };
    // A partial refund needs its currency (the spec's rule).
    let (status, answer) = post(&sandbox, &refund, &refund_of("bought", Some(30_000), None));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_request")),
        "{answer}"
    );
    // Partial, then too much, then the rest.
    assert_eq!(
        post(
            &sandbox,
            &refund,
            &refund_of("bought", Some(30_000), Some("KZT"))
        )
        .0,
        200
    );
    let partial = &receiver.wait_for("bought", 3)[2];
    assert_eq!(
        partial["payment"]["status"], "partially refunded",
        "{partial}"
    );
    assert_eq!(partial["payment"]["sum"]["amount"], 70_000, "{partial}");
    assert_eq!(
        partial["operation"]["sum_initial"]["amount"], 30_000,
        "{partial}"
    );
    let (status, answer) = post(
        &sandbox,
        &refund,
        &refund_of("bought", Some(80_000), Some("KZT")),
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("refund_exceeds_amount")),
        "{answer}"
    );
    assert_eq!(
        post(&sandbox, &refund, &refund_of("bought", None, None)).0,
        200
    );
    let full = &receiver.wait_for("bought", 4)[3];
    assert_eq!(full["payment"]["status"], "refunded", "{full}");
    assert_eq!(full["payment"]["sum"]["amount"], 0, "{full}");
    let (status, answer) = post(&sandbox, &refund, &refund_of("bought", None, None));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("not_refundable")),
        "{answer}"
    );
    // Refund callbacks meet the refund's published rules.
    let refund_id = &refund_op.id;
    for cb in [partial, full] {
        let text = serde_json::to_vec(cb).expect("JSON");
        let typed = gatespec_client::validate_body(
            refund_id,
            gatespec_runtime::validate::Role::Callback,
            &text,
        )
        .expect("validator");
        assert!(typed.is_ok(), "{typed:?}");
        assert_eq!(
            verify_signed_bytes(&text, &key).expect("JSON"),
            Signed::Valid
        );
    }
    // Nothing to refund: an unknown payment, a payment still waiting.
    let (status, answer) = post(&sandbox, &refund, &refund_of("never", None, None));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("unknown_payment")),
        "{answer}"
    );
    assert_eq!(
        post(
            &sandbox,
            &purchase,
            &signed(&purchase_example, id, &key, "waiting", Some(100_000))
        )
        .0,
        200
    );
    let (status, answer) = post(&sandbox, &refund, &refund_of("waiting", None, None));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("not_refundable")),
        "{answer}"
    );
    sandbox.stop().expect("stops");
}

#[test]
fn a_thousand_payouts_from_fifty_clients_lose_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let catalog = catalog();
    let sandbox = sandbox(dir.path(), &receiver.url, &catalog);
    let compiled = common::specs();
    let op = catalog
        .operations
        .iter()
        .find(|o| o.is_payout())
        .expect("a payout");
    let (_, spec_op) = compiled.ir.operation(&op.id).expect("operation");
    let (id, key) = project_of(&op.brand);
    let (clients, per_client) = (50usize, 20usize);
    let bodies: Vec<Vec<(String, Vec<u8>)>> = (0..clients)
        .map(|c| {
            (0..per_client)
                .map(|n| {
                    let pid = format!("load-{c}-{n}");
                    // Every fifth amount ends in 13: declined.
                    let amount = if n % 5 == 0 { 100_013 } else { 100_000 };
                    let body = signed(
                        &spec_op.request.examples[0].value,
                        id,
                        &key,
                        &pid,
                        Some(amount),
                    );
                    (pid, body)
                })
                .collect()
        })
        .collect();
    let url = format!("http://{}{}", sandbox.addr, op.path);
    let threads: Vec<_> = bodies
        .into_iter()
        .map(|mine| {
            let url = url.clone();
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                mine.into_iter()
                    .filter(|(_, body)| {
                        client
                            .post(&url)
                            .header("content-type", "application/json")
                            .body(body.clone())
                            .send()
                            .is_ok_and(|r| r.status().as_u16() == 200)
                    })
                    .count()
            })
        })
        .collect();
    let acked: usize = threads.into_iter().map(|t| t.join().expect("client")).sum();
    assert_eq!(acked, clients * per_client, "every payout is acknowledged");
    // Every final callback arrives, verified, one final status per payment.
    let deadline = Instant::now() + Duration::from_secs(60);
    let finals = loop {
        let mut finals: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            Default::default();
        for b in receiver.bodies() {
            assert_eq!(verify_signed_bytes(&b, &key).expect("JSON"), Signed::Valid);
            let v: Value = serde_json::from_slice(&b).expect("JSON");
            let pid = v["payment"]["id"].as_str().unwrap_or_default().to_string();
            let status = v["payment"]["status"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            finals.entry(pid).or_default().insert(status);
        }
        if finals.len() == acked || Instant::now() > deadline {
            break finals;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(finals.len(), acked, "callbacks lost");
    for (pid, statuses) in &finals {
        let n: usize = pid
            .rsplit('-')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("index");
        let expected = if n.is_multiple_of(5) {
            "decline"
        } else {
            "success"
        };
        assert_eq!(statuses.iter().collect::<Vec<_>>(), [expected], "{pid}");
    }
    println!(
        "sandbox load: {acked} payouts from {clients} clients acknowledged; {} final callbacks delivered and verified, 0 lost, 0 with two final statuses",
        finals.len()
    );
    sandbox.stop().expect("stops");
}

/// The flat Payment Page parameters of `example` for project `id`, signed
/// as the URL builder signs them (objects as JSON text, every value as the
/// text the URL carries), and the query string.
fn page_query(example: &Value, id: i64, key: &SecretKey, changes: &[(&str, Value)]) -> String {
    let mut flat = example.as_object().expect("a flat object").clone();
    flat.remove("signature");
    flat.insert("project_id".into(), json!(id));
    for (k, v) in changes {
        flat.insert((*k).into(), v.clone());
    }
    let text: serde_json::Map<String, Value> = flat
        .into_iter()
        .map(|(k, v)| {
            let t = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, Value::String(t))
        })
        .collect();
    let signature = gatespec_runtime::signature::sign(&Value::Object(text.clone()), key);
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &text {
        query.append_pair(k, v.as_str().unwrap_or_default());
    }
    query.append_pair("signature", &signature);
    query.finish()
}

/// A browser without a browser: follows the page's redirects, posts its
/// forms, keeps the last page's address and text.
struct Customer {
    client: reqwest::blocking::Client,
    base: String,
    at: String,
    html: String,
    status: u16,
}

impl Customer {
    fn new(sandbox: &Running) -> Customer {
        Customer {
            client: reqwest::blocking::Client::new(),
            base: format!("http://{}", sandbox.addr),
            at: String::new(),
            html: String::new(),
            status: 0,
        }
    }

    fn read(&mut self, r: reqwest::blocking::Response) -> &mut Self {
        self.status = r.status().as_u16();
        self.at = r.url().to_string();
        self.html = r.text().expect("a page");
        self
    }

    fn open(&mut self, query: &str) -> &mut Self {
        let r = self
            .client
            .get(format!("{}/payment?{query}", self.base))
            .send()
            .expect("the sandbox answers");
        self.read(r)
    }

    fn post(&mut self, step: &str, form: &[(&str, &str)]) -> &mut Self {
        let r = self
            .client
            .post(format!("{}/{step}", self.at))
            .form(form)
            .send()
            .expect("the sandbox answers");
        self.read(r)
    }

    /// The refusal's code on a refusal page.
    fn refusal(&self) -> Option<&str> {
        let at = self.html.find("data-code=\"")? + "data-code=\"".len();
        self.html[at..].split('"').next()
    }
}

#[test]
fn the_payment_page_checks_the_url_and_walks_the_customer_through_the_otp() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let catalog = catalog();
    // 80 s are 0.4 s here.
    let sandbox = sandbox_with(dir.path(), &receiver.url, &catalog, "time_scale: 0.005\n");
    let compiled = common::specs();
    let pages: Vec<_> = catalog
        .operations
        .iter()
        .filter(|o| o.role == Role::PaymentPage)
        .collect();
    assert!(!pages.is_empty(), "the specs have a Payment Page");
    for op in pages {
        let (_, spec_op) = compiled.ir.operation(&op.id).expect("operation");
        let (id, key) = project_of(&op.brand);
        // Every documented example opens a checkout page.
        for (n, e) in spec_op.request.examples.iter().enumerate() {
            let pid = format!("{}-example-{n}", op.method);
            let query = page_query(&e.value, id, &key, &[("payment_id", json!(pid))]);
            let mut customer = Customer::new(&sandbox);
            customer.open(&query);
            assert_eq!(
                customer.status, 200,
                "{} example {n}: {}",
                op.id, customer.html
            );
            assert!(customer.at.contains("/payment/"), "{}", customer.at);
            assert_eq!(inspect(&sandbox, id, &pid)["status"], "awaiting customer");
        }
        // The last example is the fullest (seed 003: with the operator).
        let example = &spec_op.request.examples.last().expect("an example").value;
        let callback = op.callback.as_ref().expect("a purchase callback");
        let mut customer = Customer::new(&sandbox);
        let pid = |s: &str| format!("{}-{s}", op.method);

        // Refusals, each with the Gate's code.
        let good = page_query(example, id, &key, &[("payment_id", json!(pid("paid")))]);
        let tampered = good.replace("payment_amount=", "payment_amount=1");
        assert_eq!(
            customer.open(&tampered).refusal(),
            Some("invalid_signature")
        );
        assert_eq!(customer.status, 400);
        let unsigned = good.split("&signature=").next().expect("query").to_string();
        assert_eq!(
            customer.open(&unsigned).refusal(),
            Some("invalid_signature")
        );
        let stranger = page_query(example, 999_999, &key, &[]);
        assert_eq!(customer.open(&stranger).refusal(), Some("unknown_project"));
        let twice = format!("{good}&payment_id=again");
        assert_eq!(customer.open(&twice).refusal(), Some("invalid_request"));
        // Lossy decoding would read %FF and %FE alike (one signature for
        // two texts): a value that is not UTF-8 is refused.
        for bad in ["%FF", "%FE", "a%C3"] {
            let not_utf8 = format!("{good}&customer_note={bad}");
            customer.open(&not_utf8);
            assert_eq!(
                customer.refusal(),
                Some("invalid_request"),
                "{bad}: {}",
                customer.html
            );
            assert!(customer.html.contains("not UTF-8"), "{}", customer.html);
        }
        // JSON text in a parameter is held to the input profile: a member
        // named twice, nesting past 64 levels.
        for (json_text, pointer) in [
            (r#"{"a":1,"a":2}"#.to_string(), "/options/a"),
            (
                format!("{}1{}", "[".repeat(100), "]".repeat(100)),
                "/options/0/0",
            ),
        ] {
            let encoded: String =
                url::form_urlencoded::byte_serialize(json_text.as_bytes()).collect();
            let query = format!("{good}&options={encoded}");
            customer.open(&query);
            assert_eq!(
                customer.refusal(),
                Some("invalid_request"),
                "{}",
                customer.html
            );
            assert!(
                customer.html.contains(pointer),
                "{pointer}: {}",
                customer.html
            );
        }
        let invalid = page_query(
            example,
            id,
            &key,
            &[
                ("payment_amount", json!("ten")),
                ("payment_currency", json!("kzt")),
            ],
        );
        customer.open(&invalid);
        assert_eq!(
            customer.refusal(),
            Some("invalid_request"),
            "{}",
            customer.html
        );
        for pointer in ["/payment_amount", "/payment_currency"] {
            assert!(
                customer.html.contains(pointer),
                "{pointer} listed: {}",
                customer.html
            );
        }

        // The customer pays: the method is forced in the example, so the
        // page asks for the account with the operator preselected.
        customer.open(&good);
        assert_eq!(customer.status, 200, "{}", customer.html);
        // What the page asks for comes from the method's lifecycle: each
        // callback member the customer fills, a choice preselected by the
        // request member the step names.
        let (fills, chooses) = op.page_entries().expect("the page asks for entries");
        let preselect = chooses
            .and_then(|p| example.pointer(p))
            .and_then(Value::as_str);
        let first_choice = fills.iter().position(|(_, c)| !c.is_empty());
        let entries: Vec<(String, String, String)> = fills
            .iter()
            .enumerate()
            .map(|(i, (pointer, choices))| {
                let name = pointer.trim_start_matches('/').replace('/', "-");
                let value = match choices.first() {
                    None => "77011234567".to_string(),
                    Some(first) => preselect
                        .filter(|_| first_choice == Some(i))
                        .unwrap_or(first)
                        .to_string(),
                };
                (pointer.clone(), name, value)
            })
            .collect();
        if let Some(kind) = preselect {
            assert!(
                customer
                    .html
                    .contains(&format!("<option value=\"{kind}\" selected>")),
                "{kind} preselected: {}",
                customer.html
            );
        }
        // An empty entry, or a choice not listed, is refused.
        let form = |replace: Option<(usize, &str)>| -> Vec<(String, String)> {
            entries
                .iter()
                .enumerate()
                .map(|(i, (_, name, value))| {
                    let value = match replace {
                        Some((j, v)) if j == i => v.to_string(),
                        _ => value.clone(),
                    };
                    (name.clone(), value)
                })
                .collect()
        };
        let post = |customer: &mut Customer, form: Vec<(String, String)>| {
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            customer.post("entries", &pairs);
        };
        post(&mut customer, form(Some((0, ""))));
        assert!(
            customer.html.contains("id=\"notice\""),
            "an empty entry is refused"
        );
        if let Some(i) = first_choice {
            post(&mut customer, form(Some((i, "NOT-LISTED"))));
            assert!(
                customer.html.contains("id=\"notice\""),
                "a choice not listed is refused"
            );
        }
        post(&mut customer, form(None));
        assert!(customer.html.contains("id=\"otp\""), "{}", customer.html);
        customer.post("otp", &[("otp", "not the code")]);
        assert!(customer.html.contains("not right"), "{}", customer.html);
        let otp = inspect(&sandbox, id, &pid("paid"))["otp"]
            .as_str()
            .expect("the OTP is visible")
            .to_string();
        customer.post("otp", &[("otp", &otp)]);
        assert!(
            customer.html.contains("data-status=\"success\""),
            "{}",
            customer.html
        );
        // A reload shows the result again and repeats nothing.
        let again = customer.at.clone();
        let r = customer.client.get(&again).send().expect("reload");
        assert!(customer.read(r).html.contains("data-status=\"success\""));
        customer.post("otp", &[("otp", &otp)]);
        assert!(customer.html.contains("step is over"));

        // The callback: signed, within the published rules, with what the
        // customer gave.
        let got = receiver.wait_for(&pid("paid"), 1);
        assert_eq!(got.len(), 1, "one callback for one purchase");
        let text = serde_json::to_vec(&got[0]).expect("JSON");
        assert_eq!(
            verify_signed_bytes(&text, &key).expect("JSON"),
            Signed::Valid
        );
        assert!((callback.rules)(&got[0]).is_empty(), "{}", got[0]);
        assert_eq!(got[0]["payment"]["status"], "success");
        assert_eq!(
            got[0]["payment"]["sum"]["amount"],
            example["payment_amount"]
        );
        for (pointer, _, value) in &entries {
            assert_eq!(
                got[0].pointer(pointer).and_then(Value::as_str),
                Some(value.as_str()),
                "{pointer} carries what the customer entered"
            );
        }
        if let Some(c) = example.get("customer_id") {
            assert_eq!(&got[0]["customer"]["id"], c);
        }

        // The payment id is now taken.
        assert_eq!(customer.open(&good).refusal(), Some("duplicate_payment_id"));

        // A declined amount, an early resend, an expired code and a resend.
        let declined = page_query(
            example,
            id,
            &key,
            &[
                ("payment_id", json!(pid("declined"))),
                ("payment_amount", json!(100_013)),
            ],
        );
        customer.open(&declined);
        post(&mut customer, form(None));
        customer.post("resend", &[]);
        assert!(customer.html.contains("only after"), "{}", customer.html);
        std::thread::sleep(Duration::from_millis(600));
        let stale = inspect(&sandbox, id, &pid("declined"))["otp"]
            .as_str()
            .expect("OTP")
            .to_string();
        customer.post("otp", &[("otp", &stale)]);
        assert!(customer.html.contains("expired"), "{}", customer.html);
        customer.post("resend", &[]);
        assert!(
            customer.html.contains("new code was sent"),
            "{}",
            customer.html
        );
        let fresh = inspect(&sandbox, id, &pid("declined"))["otp"]
            .as_str()
            .expect("OTP")
            .to_string();
        customer.post("otp", &[("otp", &fresh)]);
        assert!(
            customer.html.contains("data-status=\"decline\""),
            "{}",
            customer.html
        );
        let got = receiver.wait_for(&pid("declined"), 1);
        assert_eq!(got[0]["operation"]["code"], "20000");

        // The people's page lists both.
        let index = reqwest::blocking::get(format!("http://{}/sandbox", sandbox.addr))
            .expect("index")
            .text()
            .expect("HTML");
        for p in [pid("paid"), pid("declined")] {
            assert!(index.contains(&p), "{p} listed");
        }
    }
    sandbox.stop().expect("stops");
}

#[test]
fn a_receiver_that_is_down_for_a_while_gets_the_callback_when_it_is_back() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // A loopback port with nobody listening, for now.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let catalog = catalog();
    let sandbox = sandbox(dir.path(), &format!("http://{addr}/callbacks"), &catalog);
    let (id, key) = send_payout(&catalog, &sandbox, "waited");
    // Refused attempts pile up, each recorded with its error.
    let deadline = Instant::now() + Duration::from_secs(20);
    let refused = loop {
        let log = inspect(&sandbox, id, "waited")["callbacks"][0]["attempt_log"].clone();
        let n = log.as_array().map_or(0, Vec::len);
        if n >= 3 {
            break log;
        }
        assert!(Instant::now() < deadline, "no attempts recorded: {log}");
        std::thread::sleep(Duration::from_millis(20));
    };
    for attempt in refused.as_array().expect("attempts") {
        assert!(attempt["http_status"].is_null(), "{attempt}");
        // A refused connection says so (not a timeout, not a bare
        // "error sending request").
        assert!(
            attempt["error"]
                .as_str()
                .is_some_and(|e| e.starts_with("connection refused")),
            "{attempt}"
        );
    }
    // The receiver comes back on the same address: delivered once.
    let receiver = Receiver::start(&addr.to_string(), vec![200]);
    let got = receiver.wait_for("waited", 1);
    let text = serde_json::to_vec(&got[0]).expect("JSON");
    assert_eq!(
        verify_signed_bytes(&text, &key).expect("JSON"),
        Signed::Valid
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        receiver.wait_for("waited", 1).len(),
        1,
        "no attempt after delivery"
    );
    let after = inspect(&sandbox, id, "waited");
    assert_eq!(after["callbacks"][0]["delivered"], true, "{after}");
    sandbox.stop().expect("stops");
}

/// What the sandbox trusts: its own host names only (a rebound DNS name
/// is refused), JSON bodies only; what it shows: callback URLs without
/// their credentials or query tokens; what callbacks carry: the payment's
/// own time, not the example's.
#[test]
fn the_sandbox_serves_its_own_host_and_shows_no_secrets() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let url = receiver
        .url
        .replacen("http://", "http://merchant:hunter2@", 1)
        + "?token=s3cr3t-token&x=1";
    let catalog = catalog();
    let sandbox = sandbox(dir.path(), &url, &catalog);
    let client = reqwest::blocking::Client::new();
    // DNS rebinding: a page at evil.example whose name now points here.
    let r = client
        .get(format!("http://{}/sandbox", sandbox.addr))
        .header("host", "evil.example")
        .send()
        .expect("answers");
    assert_eq!(r.status().as_u16(), 421);
    let r = client
        .get(format!("http://{}/sandbox", sandbox.addr))
        .send()
        .expect("answers");
    assert_eq!(r.status().as_u16(), 200);
    // Another method at a Gate path: 405 with the methods it takes.
    let r = client
        .get(format!(
            "http://{}{}",
            sandbox.addr,
            catalog
                .operations
                .iter()
                .find(|o| o.is_payout())
                .expect("a payout")
                .path
        ))
        .send()
        .expect("answers");
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(
        r.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    // A form or text body is not read as JSON.
    let op = catalog
        .operations
        .iter()
        .find(|o| o.is_payout())
        .expect("a payout");
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let r = client
            .post(format!("http://{}{}", sandbox.addr, op.path))
            .header("content-type", content_type)
            .body("{}")
            .send()
            .expect("answers");
        assert_eq!(r.status().as_u16(), 415, "{content_type}");
        let v: Value = r.json().expect("JSON");
        assert_eq!(v["code"], "unsupported_media_type");
    }
    // The callback URL's secrets never show in the inspection API.
    let (id, _) = send_payout(&catalog, &sandbox, "redacted");
    let callbacks = receiver.wait_for("redacted", 1);
    let shown = inspect(&sandbox, id, "redacted").to_string();
    assert!(
        !shown.contains("hunter2") && !shown.contains("s3cr3t-token"),
        "{shown}"
    );
    assert!(shown.contains("REDACTED"), "{shown}");
    // The callback's dates are the payment's own (now), not the example's.
    let compiled = common::specs();
    let (_, spec_op) = compiled.ir.operation(&op.id).expect("operation");
    let example_dates: Vec<String> = spec_op
        .callback
        .iter()
        .flat_map(|c| c.examples.iter())
        .flat_map(|e| {
            [
                "/payment/date",
                "/operation/date",
                "/operation/created_date",
            ]
            .map(|p| e.value.pointer(p).cloned())
        })
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let today = gatespec_sandbox::callback::platform_time(now_ms)[..10].to_string();
    for p in [
        "/payment/date",
        "/operation/date",
        "/operation/created_date",
    ] {
        if let Some(d) = callbacks[0].pointer(p).and_then(Value::as_str) {
            assert!(
                !example_dates.iter().any(|e| e == d),
                "{p} copies the example: {d}"
            );
            assert!(d.starts_with(&today), "{p} is not today's ({today}): {d}");
        }
    }
}

/// One project's receiver that never answers holds only its share of the
/// delivery slots: another project's callback still goes out at once, not
/// after the hung attempts time out.
#[test]
fn a_hung_receiver_does_not_delay_another_projects_callbacks() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // Accepts connections and never answers.
    let hung = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let hung_url = format!("http://{}/callbacks", hung.local_addr().expect("addr"));
    hung.set_nonblocking(true).expect("nonblocking");
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let holder = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                match hung.accept() {
                    Ok((s, _)) => held.push(s),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        })
    };
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let catalog = catalog();
    let mut projects = String::new();
    for (brand, id, secret) in SECRETS {
        std::fs::write(dir.path().join(format!("{brand}.secret")), secret).expect("secret");
        let url = if brand == "monetix" {
            &hung_url
        } else {
            &receiver.url
        };
        projects.push_str(&format!(
            "  - {{id: {id}, brand: {brand}, secret_file: {brand}.secret, callback_url: \"{url}\"}}\n"
        ));
    }
    let text = format!(
        "listen: 127.0.0.1:0\ndatabase: sandbox.db\nprojects:\n{projects}callbacks: {{retry_ms: [5000], timeout_ms: 4000}}\n"
    );
    let config = Config::parse(&text, dir.path(), &catalog.brands()).expect("config");
    let sandbox = Running::start(config, catalog.clone()).expect("sandbox starts");
    let compiled = common::specs();
    let payout_of = |brand: &str| {
        let op = catalog
            .operations
            .iter()
            .find(|o| o.is_payout() && o.brand == brand)
            .expect("a payout");
        let (_, spec_op) = compiled.ir.operation(&op.id).expect("operation");
        (op.path.clone(), spec_op.request.examples[0].value.clone())
    };
    // More hung callbacks than there are delivery slots.
    let (path, example) = payout_of("monetix");
    let (id, key) = project_of("monetix");
    for n in 0..40 {
        let body = signed(&example, id, &key, &format!("hung-{n}"), Some(100_000));
        assert_eq!(post(&sandbox, &path, &body).0, 200);
    }
    std::thread::sleep(Duration::from_millis(300));
    let (path, example) = payout_of("rocketpay");
    let (id, key) = project_of("rocketpay");
    let sent = Instant::now();
    let body = signed(&example, id, &key, "prompt", Some(100_000));
    assert_eq!(post(&sandbox, &path, &body).0, 200);
    receiver.wait_for("prompt", 1);
    let took = sent.elapsed();
    // Well under the hung attempts' 4 s timeout.
    assert!(
        took < Duration::from_millis(2500),
        "the callback took {took:?}"
    );
    drop(sandbox);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = holder.join();
}

/// Half-sent headers do not keep a connection open: the sandbox closes it
/// after its header timeout (10 s), and answers an unfinished body with 408
/// after its body timeout.
#[test]
fn half_sent_requests_are_closed_after_their_timeouts() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let catalog = catalog();
    let sandbox = sandbox(dir.path(), &receiver.url, &catalog);
    let op = catalog
        .operations
        .iter()
        .find(|o| o.is_payout())
        .expect("a payout");
    let started = Instant::now();
    let mut headers = std::net::TcpStream::connect(sandbox.addr).expect("connect");
    write!(
        headers,
        "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty",
        op.path
    )
    .expect("write");
    let mut body = std::net::TcpStream::connect(sandbox.addr).expect("connect");
    write!(
        body,
        "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{{\"a\":",
        op.path
    )
    .expect("write");
    headers
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    body.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut rest = Vec::new();
    let _ = headers.read_to_end(&mut rest);
    let closed_after = started.elapsed();
    assert!(
        closed_after < Duration::from_secs(20),
        "half-sent headers kept the connection {closed_after:?}"
    );
    let mut answer = [0u8; 64];
    let n = body.read(&mut answer).unwrap_or(0);
    let text = String::from_utf8_lossy(&answer[..n]);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
}

/// A receiver that answers 200 with a body announced at 300 MB (and never
/// finishes it) costs the sandbox the 1 KiB it keeps: the attempt is
/// recorded as delivered at once, not after reading (or waiting for) the
/// rest.
#[test]
fn a_huge_answer_is_read_only_as_far_as_it_is_kept() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().expect("temporary directory");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/callbacks", listener.local_addr().expect("addr"));
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("a callback");
        let mut buf = [0u8; 65536];
        let _ = s.read(&mut buf);
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 314572800\r\n\r\n",
        );
        let _ = s.write_all(&[b'x'; 8192]);
        // Hold the connection, the rest of the body never comes.
        std::thread::sleep(Duration::from_secs(6));
    });
    let catalog = catalog();
    let sandbox = sandbox(dir.path(), &url, &catalog);
    let sent = Instant::now();
    let (id, _) = send_payout(&catalog, &sandbox, "huge-answer");
    let deadline = Instant::now() + Duration::from_secs(10);
    let attempt = loop {
        let v = inspect(&sandbox, id, "huge-answer");
        let a = v["callbacks"][0]["attempt_log"][0].clone();
        if !a.is_null() {
            break a;
        }
        assert!(Instant::now() < deadline, "no attempt recorded: {v}");
        std::thread::sleep(Duration::from_millis(20));
    };
    // Reading the whole answer would wait for the attempt's timeout (2 s
    // here) before recording anything.
    let took = sent.elapsed();
    assert!(
        took < Duration::from_millis(1500),
        "recorded after {took:?}"
    );
    assert_eq!(attempt["http_status"], 200, "{attempt}");
    let kept = attempt["answer"].as_str().map_or(0, str::len);
    assert!(kept <= 1024, "kept {kept} bytes");
    drop(sandbox);
    let _ = server.join();
}

/// Advances project `id`'s clock; the HTTP status and the answer.
fn advance(sandbox: &Running, id: i64, body: &str) -> (u16, Value) {
    post(
        sandbox,
        &format!("/sandbox/clock/{id}/advance"),
        body.as_bytes(),
    )
}

#[test]
fn a_projects_clock_passes_the_otp_window_in_no_time() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let catalog = catalog();
    // Real time: the spec's 80 s window, which only the clock can pass.
    let sandbox = sandbox(dir.path(), &receiver.url, &catalog);
    let (purchase_op, clarification, pointer) = otp_purchase(&catalog);
    let (id, key) = project_of(&purchase_op.brand);
    let (purchase, purchase_example) = example_of(&catalog, &purchase_op.id);
    let (clarify, clarify_example) = example_of(&catalog, &clarification);
    let (resend, resend_example) = example_of(&catalog, purchase_op.renewal().expect("a resend"));
    let window = purchase_op
        .lifecycle
        .iter()
        .find_map(|s| s.within)
        .expect("the OTP step has a window");
    let with_otp = |otp: &str| {
        let mut v = clarify_example.clone();
        *v.pointer_mut(&pointer).expect("the OTP's place") = json!(otp);
        signed(&v, id, &key, "clock-1", None)
    };
    assert_eq!(
        post(
            &sandbox,
            &purchase,
            &signed(&purchase_example, id, &key, "clock-1", Some(100_000))
        )
        .0,
        200
    );
    receiver.wait_for("clock-1", 1);
    let first = inspect(&sandbox, id, "clock-1")["otp"]
        .as_str()
        .expect("an OTP")
        .to_string();
    // Past the window on the project's clock: the right OTP has expired
    // and is asked for again, and a new one may now be sent.
    let (status, answer) = advance(
        &sandbox,
        id,
        &format!("{{\"seconds\": {}}}", window.as_secs() + 1),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["offset_seconds"], window.as_secs() + 1);
    assert_eq!(post(&sandbox, &clarify, &with_otp(&first)).0, 200);
    assert_eq!(
        receiver.wait_for("clock-1", 2)[1]["payment"]["status"],
        "awaiting clarification",
        "the expired OTP is refused"
    );
    assert_eq!(
        post(
            &sandbox,
            &resend,
            &signed(&resend_example, id, &key, "clock-1", None)
        )
        .0,
        200
    );
    receiver.wait_for("clock-1", 3);
    let second = inspect(&sandbox, id, "clock-1")["otp"]
        .as_str()
        .expect("an OTP")
        .to_string();
    assert_eq!(post(&sandbox, &clarify, &with_otp(&second)).0, 200);
    assert_eq!(
        receiver.wait_for("clock-1", 4)[3]["payment"]["status"],
        "success"
    );
    // Time never goes backward; only whole seconds move it; another
    // project's clock is its own; an unknown project has none.
    for bad in [
        "{\"seconds\": -5}",
        "{\"seconds\": 0}",
        "{\"seconds\": 1.5}",
        "[]",
        "x",
    ] {
        let (status, answer) = advance(&sandbox, id, bad);
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some("invalid_request")),
            "{bad}"
        );
    }
    let other = project_of("rocketpay").0;
    assert_eq!(
        advance(&sandbox, other, "{\"seconds\": 1}").1["offset_seconds"],
        1
    );
    assert_eq!(advance(&sandbox, 999_999, "{\"seconds\": 1}").0, 404);
    sandbox.stop().expect("stops");
}
