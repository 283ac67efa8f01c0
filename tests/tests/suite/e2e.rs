//! End to end over loopback: the generated clients send every Gate
//! operation of the seeds to the sandbox Gate (`gatespec-sandbox`) on
//! 127.0.0.1, which checks each request as the Gate does, answers, and
//! posts signed callbacks to a receiver in the same test. The receiver
//! checks every callback's signature with an independent implementation of
//! the algorithm (below), then verifies and parses it with the generated
//! types. A misbehaving server stands in for the Gate's failures (a late
//! answer, a 500 page, a body that is not JSON), which the sandbox never
//! produces.

use crate::common;
use crate::common::harness::{Receiver, SECRETS, catalog, sandbox};

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use gatespec_client::{flashpay, monetix, rocketpay};
use gatespec_runtime::callback::{CallbackError, OperationStatus, PaymentStatus};
use gatespec_runtime::client::{ClientError, GateConfig, TransportKind};
use gatespec_runtime::signature::SecretKey;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};

/// The monetix project of the shared sandbox set-up.
const PROJECT: i64 = SECRETS[0].1;
/// Its secret.
const SECRET: &str = SECRETS[0].2;

/// The secret of the project a callback names.
fn secret_of(callback: &Value) -> &'static str {
    SECRETS
        .iter()
        .find(|(_, id, _)| callback["project_id"] == json!(id))
        .map_or("", |(_, _, secret)| secret)
}

/// The signature algorithm written again from the brief, independent of
/// the runtime: flatten to `path:value`, booleans as 1/0, drop
/// `signature`, sort, join with `;`, HMAC-SHA512, Base64.
fn independent_sign(v: &Value, secret: &str) -> String {
    fn flat(v: &Value, prefix: Option<String>, out: &mut Vec<String>) {
        let join = |k: &str| {
            prefix
                .as_ref()
                .map_or(k.to_string(), |p| format!("{p}:{k}"))
        };
        match v {
            Value::Object(m) => m
                .iter()
                .filter(|(k, _)| k.as_str() != "signature")
                .for_each(|(k, x)| flat(x, Some(join(k)), out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| flat(x, Some(join(&i.to_string())), out)),
            Value::Bool(b) => out.push(format!(
                "{}:{}",
                prefix.unwrap_or_default(),
                if *b { 1 } else { 0 }
            )),
            Value::Null => out.push(format!("{}:", prefix.unwrap_or_default())),
            Value::String(s) => out.push(format!("{}:{s}", prefix.unwrap_or_default())),
            Value::Number(n) => out.push(format!("{}:{n}", prefix.unwrap_or_default())),
        }
    }
    let mut parts = Vec::new();
    flat(v, None, &mut parts);
    parts.sort();
    let mut mac =
        hmac::Hmac::<sha2::Sha512>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(parts.join(";").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A server that fails as a Gate may: `/slow` answers too late, `/fail`
/// with a 500 page, `/text` with a body that is not JSON.
fn start_faulty() -> (String, Arc<tiny_http::Server>, std::thread::JoinHandle<()>) {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind loopback"));
    let addr = format!(
        "http://{}",
        server.server_addr().to_ip().expect("ip address")
    );
    let handle = {
        let server = server.clone();
        std::thread::spawn(move || {
            for mut rq in server.incoming_requests() {
                let mut body = String::new();
                let _ = std::io::Read::read_to_string(rq.as_reader(), &mut body);
                let reply = |status: u16, text: &str| {
                    tiny_http::Response::from_string(text).with_status_code(status)
                };
                if rq.url().starts_with("/slow/") {
                    // Answer late, without holding up other requests.
                    std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_millis(3000));
                        let _ = rq.respond(tiny_http::Response::from_string("{}"));
                    });
                } else if rq.url().starts_with("/fail/") {
                    let _ = rq.respond(reply(500, "<html>Internal Server Error</html>"));
                } else {
                    let _ = rq.respond(reply(200, "OK"));
                }
            }
        })
    };
    (addr, server, handle)
}

/// The seed example of `op`, with its own payment id.
fn example_as<T: serde::de::DeserializeOwned>(op: &str, payment_id: &str) -> T {
    let compiled = common::specs();
    let (_, o) = compiled.ir.operation(op).expect("operation");
    let mut v = o.request.examples[0].value.clone();
    if let Some(general) = v.get_mut("general") {
        general["payment_id"] = json!(payment_id);
    }
    serde_json::from_value(v).expect("seed example deserializes")
}

fn example<T: serde::de::DeserializeOwned>(op: &str) -> T {
    let compiled = common::specs();
    let (_, o) = compiled.ir.operation(op).expect("operation");
    serde_json::from_value(o.request.examples[0].value.clone()).expect("seed example deserializes")
}

fn config(base: &str, project: i64, secret: &str) -> GateConfig {
    let mut c = GateConfig::new(base, project, SecretKey::new(secret));
    // Generous, so a loaded CI machine does not turn answers into timeouts;
    // the timeout case uses its own short one.
    c.timeout = Duration::from_secs(10);
    c
}

/// The sandbox's inspection of a payment.
async fn inspect(sandbox: &gatespec_sandbox::Running, project: i64, payment_id: &str) -> Value {
    reqwest::get(format!(
        "http://{}/sandbox/payments/{project}/{payment_id}",
        sandbox.addr
    ))
    .await
    .expect("inspection")
    .json()
    .await
    .expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_gate_operation_round_trips_over_loopback() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let sandbox = sandbox(dir.path(), &receiver.url, &catalog());
    let gate = format!("http://{}", sandbox.addr);
    let client = |i: usize| config(&gate, SECRETS[i].1, SECRETS[i].2);
    let monetix = monetix::Client::new(client(0)).expect("client");
    let rocketpay = rocketpay::Client::new(client(1)).expect("client");
    let flashpay = flashpay::Client::new(client(2)).expect("client");

    // Payouts and information requests.
    let acks = vec![
        monetix
            .smp_p2p_kz_payout(&example_as("monetix/smp-p2p-kz/payout", "e2e-smp"))
            .await,
        monetix
            .sbp_p2p_payout(&example_as("monetix/sbp-p2p/payout", "e2e-sbp"))
            .await,
        rocketpay
            .mobile_payout(&example_as("rocketpay/mobile/payout", "e2e-rp"))
            .await,
        flashpay
            .bank_transfer_kyrgyzstan_payout(&example_as(
                "flashpay/bank-transfer-kyrgyzstan/payout",
                "e2e-fp",
            ))
            .await,
        // The purchase waits for the customer's OTP (seed 003).
        monetix
            .mobile_purchase(&example_as("monetix/mobile/purchase", "e2e-buy"))
            .await,
    ];
    for ack in &acks {
        let ack = ack.as_ref().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ack.status(), Some("success"));
    }
    let banks = monetix
        .smp_p2p_kz_banks_list(&example("monetix/smp-p2p-kz/banks-list"))
        .await
        .expect("typed banks list");
    assert_eq!(banks[0].name.as_deref(), Some("Example Bank"));
    // The operators list answers from the spec's table.
    for ack in [
        monetix
            .mobile_operators_list(&example("monetix/mobile/operators-list"))
            .await,
        rocketpay
            .mobile_operators_list(&example("rocketpay/mobile/operators-list"))
            .await,
    ] {
        let ack = ack.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ack.status(), Some("success"));
        let rows = ack.body["operators"].as_array().expect("the table's rows");
        assert!(rows.iter().any(|r| r["id"] == "TELE2"), "{rows:?}");
    }

    // The OTP: asked for in a callback; a new one is refused this early;
    // the right one (read from the inspection API, as the customer would
    // read the message) settles the purchase; then a refund of all of it.
    receiver.arrived("e2e-buy", 1).await;
    match monetix
        .mobile_otp_resend(&example_as("monetix/mobile/otp-resend", "e2e-buy"))
        .await
    {
        Err(ClientError::Rejected(r)) => {
            assert_eq!(
                (r.http_status, r.code.as_deref()),
                (400, Some("otp_resend_too_early"))
            )
        }
        other => panic!("expected a refused resend, got {other:?}"),
    }
    let otp = inspect(&sandbox, PROJECT, "e2e-buy").await["otp"].clone();
    let mut clarification: Value =
        serde_json::to_value(example_as::<monetix::mobile::clarification::Request>(
            "monetix/mobile/clarification",
            "e2e-buy",
        ))
        .expect("JSON");
    let pointer = gatespec_cli::sandbox::catalog(&common::specs().ir)
        .by_id("monetix/mobile/purchase")
        .and_then(|o| o.code_request().map(|(_, at)| at.to_string()))
        .expect("the purchase's lifecycle says where the clarification carries the OTP");
    *clarification
        .pointer_mut(&pointer)
        .expect("the OTP's place") = otp;
    let clarification: monetix::mobile::clarification::Request =
        serde_json::from_value(clarification).expect("typed");
    monetix
        .mobile_clarification(&clarification)
        .await
        .expect("the OTP is taken");
    receiver.arrived("e2e-buy", 2).await;
    monetix
        .mobile_refund(&example_as("monetix/mobile/refund", "e2e-buy"))
        .await
        .expect("the refund is taken");

    // Every payment's callbacks: the independent signature check first,
    // then the generated types; exactly one final callback per payment.
    let key = SecretKey::new(SECRET);
    let payments = ["e2e-smp", "e2e-sbp", "e2e-rp", "e2e-fp", "e2e-buy"];
    for payment in payments {
        // The purchase: the ask, the result, the refund.
        let n = if payment == "e2e-buy" { 3 } else { 1 };
        receiver.arrived(payment, n).await;
    }
    let bodies = receiver.bodies();
    let mut finals: HashMap<String, Vec<String>> = HashMap::new();
    for body in &bodies {
        let v: Value = serde_json::from_slice(body).expect("json");
        let own = SecretKey::new(secret_of(&v));
        assert_eq!(
            v["signature"].as_str(),
            Some(independent_sign(&v, secret_of(&v)).as_str()),
            "the sandbox signs as the brief says: {v}"
        );
        let method = v["payment"]["method"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let (status, op_status) = match (
            v["payment"]["type"].as_str(),
            method.as_str(),
            v["operation"]["type"].as_str(),
        ) {
            (_, "smp-p2p-kz", _) => {
                let c =
                    monetix::smp_p2p_kz::payout::Callback::verify(body, &own).expect("verified");
                (c.callback.payment_status(), c.callback.operation_status())
            }
            (_, "SBP P2P transfer", _) => {
                let c = monetix::sbp_p2p::payout::Callback::verify(body, &own).expect("verified");
                (c.callback.payment_status(), c.callback.operation_status())
            }
            (Some("payout"), "mobile", _) => {
                let c = rocketpay::mobile::payout::Callback::verify(body, &own).expect("verified");
                assert_eq!(
                    c.callback
                        .account
                        .as_ref()
                        .and_then(|a| a.r#type.as_deref()),
                    Some("TELE2")
                );
                (c.callback.payment_status(), c.callback.operation_status())
            }
            (_, "Bank transfer Kyrgyzstan", _) => {
                let c = flashpay::bank_transfer_kyrgyzstan::payout::Callback::verify(body, &own)
                    .expect("verified");
                assert!(c.callback.decision.is_some(), "decision is kept");
                (c.callback.payment_status(), c.callback.operation_status())
            }
            (Some("purchase"), "mobile", Some("refund")) => {
                let c = monetix::mobile::refund::Callback::verify(body, &own).expect("verified");
                (c.callback.payment_status(), c.callback.operation_status())
            }
            (Some("purchase"), "mobile", _) => {
                let c = monetix::mobile::purchase::Callback::verify(body, &own).expect("verified");
                // The lifecycle's step, read by the generated enum: the
                // ask for the OTP, then the result; never a status the
                // specs do not list.
                use monetix::mobile::purchase::callback::Step;
                let step = Step::of(&c.callback);
                assert_ne!(step, Step::Unknown, "{v}");
                assert_eq!(
                    step == Step::AwaitingClarification,
                    c.callback.operation_status().is_some_and(|s| !s.is_final()),
                    "{v}"
                );
                (c.callback.payment_status(), c.callback.operation_status())
            }
            other => panic!("unexpected callback {other:?}"),
        };
        if op_status.as_ref().is_some_and(OperationStatus::is_final) && status.is_final() {
            finals
                .entry(v["payment"]["id"].as_str().unwrap_or_default().to_string())
                .or_default()
                .push(format!("{:?}", status));
        }
    }
    for payment in payments {
        let expected = if payment == "e2e-buy" { 2 } else { 1 };
        assert_eq!(
            finals.get(payment).map_or(0, Vec::len),
            expected,
            "{payment}: {:?}",
            finals.get(payment)
        );
    }
    assert_eq!(
        finals["e2e-buy"][0],
        format!("{:?}", PaymentStatus::Success),
        "the OTP flow ends in success"
    );

    // A tampered callback and an unsigned one are rejected.
    let smp = serde_json::to_vec(&receiver.callbacks_of("e2e-smp")[0]).expect("JSON");
    let mut tampered: Value = serde_json::from_slice(&smp).expect("json");
    tampered["payment"]["sum"]["amount"] = json!(1);
    let err = monetix::smp_p2p_kz::payout::Callback::verify(tampered.to_string().as_bytes(), &key)
        .expect_err("tampered");
    assert_eq!(err, CallbackError::BadSignature);
    tampered.as_object_mut().map(|o| o.remove("signature"));
    let err = monetix::smp_p2p_kz::payout::Callback::verify(tampered.to_string().as_bytes(), &key)
        .expect_err("unsigned");
    assert_eq!(err, CallbackError::Unsigned);
    let err = monetix::smp_p2p_kz::payout::Callback::verify(&smp, &SecretKey::new("wrong"))
        .expect_err("wrong secret");
    assert_eq!(err, CallbackError::BadSignature);
    let err =
        monetix::smp_p2p_kz::payout::Callback::verify(b"not json", &key).expect_err("not json");
    assert!(matches!(err, CallbackError::NotJson(_)));

    // A wrong secret: the sandbox rejects, as the Gate does; a reused
    // payment id too.
    let wrong = monetix::Client::new(config(&gate, PROJECT, "wrong-secret")).expect("client");
    match wrong
        .smp_p2p_kz_payout(&example_as("monetix/smp-p2p-kz/payout", "e2e-wrong"))
        .await
    {
        Err(ClientError::Rejected(r)) => {
            assert_eq!(
                (r.http_status, r.code.as_deref()),
                (400, Some("invalid_signature"))
            );
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    match monetix
        .smp_p2p_kz_payout(&example_as("monetix/smp-p2p-kz/payout", "e2e-smp"))
        .await
    {
        Err(ClientError::Rejected(r)) => {
            assert_eq!(
                (r.http_status, r.code.as_deref()),
                (400, Some("duplicate_payment_id"))
            );
        }
        other => panic!("expected a rejection, got {other:?}"),
    }

    // A timeout, a 5xx and a non-JSON body are told apart.
    let (faulty, faulty_server, faulty_thread) = start_faulty();
    let mut short = config(&format!("{faulty}/slow"), PROJECT, SECRET);
    short.timeout = Duration::from_millis(300);
    let slow = monetix::Client::new(short).expect("client");
    let timed_out = slow
        .smp_p2p_kz_payout(&example("monetix/smp-p2p-kz/payout"))
        .await;
    assert!(
        matches!(
            &timed_out,
            Err(e @ ClientError::Transport { kind: TransportKind::TimeoutAfterSend, .. }) if e.outcome_unknown()
        ),
        "{timed_out:?}"
    );
    let fail =
        monetix::Client::new(config(&format!("{faulty}/fail"), PROJECT, SECRET)).expect("client");
    assert!(matches!(
        fail.smp_p2p_kz_payout(&example("monetix/smp-p2p-kz/payout"))
            .await,
        Err(ClientError::Unexpected {
            http_status: 500,
            ..
        })
    ));
    let text =
        monetix::Client::new(config(&format!("{faulty}/text"), PROJECT, SECRET)).expect("client");
    assert!(matches!(
        text.smp_p2p_kz_payout(&example("monetix/smp-p2p-kz/payout"))
            .await,
        Err(ClientError::Unexpected {
            http_status: 200,
            ..
        })
    ));
    // An invalid request is never sent.
    let mut bad: monetix::smp_p2p_kz::payout::Request = example("monetix/smp-p2p-kz/payout");
    bad.customer.ip_address = "not an address".into();
    assert!(matches!(
        monetix.smp_p2p_kz_payout(&bad).await,
        Err(ClientError::Invalid(_))
    ));

    // Stopping the sandbox blocks this thread while it drains: off the
    // runtime's workers.
    tokio::task::spawn_blocking(move || sandbox.stop().expect("stops"))
        .await
        .expect("stopped");
    faulty_server.unblock();
    let _ = faulty_thread.join();
}

#[test]
fn the_payment_page_url_is_signed_over_what_it_sends() {
    let client = monetix::Client::new(GateConfig::new(
        "http://127.0.0.1:1",
        PROJECT,
        SecretKey::new(SECRET),
    ))
    .expect("client");
    let compiled = common::specs();
    let (_, op) = compiled
        .ir
        .operation("monetix/mobile/purchase-page")
        .expect("op");
    let request: monetix::mobile::purchase_page::Request =
        serde_json::from_value(op.request.examples[1].value.clone()).expect("example");
    let url = client
        .mobile_purchase_page_url("https://paymentpage.example/payment", &request)
        .expect("url");
    let parsed = url::Url::parse(&url).expect("url");
    let params: serde_json::Map<String, Value> = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    let signature = params["signature"].as_str().expect("signed").to_string();
    assert_eq!(params["project_id"], json!(PROJECT.to_string()));
    assert_eq!(
        params["payment_methods_options"],
        json!("{\"enable_mobile_service\":1,\"selected_operator\":\"TELE2\"}")
    );
    // Re-sign what the page receives (all strings) with the independent implementation.
    let typed_back: serde_json::Map<String, Value> = params
        .iter()
        .map(|(k, v)| {
            let s = v.as_str().unwrap_or_default();
            (
                k.clone(),
                s.parse::<i64>().map_or_else(|_| v.clone(), |n| json!(n)),
            )
        })
        .collect();
    assert_eq!(
        signature,
        independent_sign(&Value::Object(typed_back), SECRET)
    );
}

#[test]
fn seed_requests_signed_by_the_runtime_verify_independently() {
    let compiled = common::specs();
    let key = SecretKey::new(SECRET);
    for (_, op) in compiled.ir.operations() {
        for e in &op.request.examples {
            let mut v = e.value.clone();
            if v.get("general").is_some() {
                gatespec_runtime::signature::sign_request(&mut v, &key).expect("sign");
                let sig = v["general"]["signature"].as_str().expect("set").to_string();
                assert_eq!(sig, independent_sign(&v, SECRET), "{}", op.full_id);
                assert!(gatespec_runtime::signature::verify(&v, &sig, &key));
            }
        }
        for e in op.callback.iter().flat_map(|c| &c.examples) {
            let mut v = e.value.clone();
            let sig = gatespec_runtime::signature::sign(&v, &key);
            v["signature"] = json!(sig.clone());
            assert_eq!(sig, independent_sign(&v, SECRET), "{} callback", op.full_id);
        }
    }
}

#[test]
fn seed_payloads_take_the_fast_path_from_bytes_and_sign_alike() {
    use gatespec_runtime::signature::{
        Signed, sign_bytes, takes_fast_path, verify_request_bytes, verify_signed_bytes,
    };
    let compiled = common::specs();
    let key = SecretKey::new(SECRET);
    let mut checked = 0;
    let mut expected_count = 0;
    for (_, op) in compiled.ir.operations() {
        let requests = op.request.examples.iter().map(|e| (e, true));
        let callbacks = op
            .callback
            .iter()
            .flat_map(|c| &c.examples)
            .map(|e| (e, false));
        for (e, is_request) in requests.chain(callbacks) {
            expected_count += 1;
            let mut v = e.value.clone();
            let expected = independent_sign(&v, SECRET);
            // Compact as a service sends it, and indented as a person does.
            let compact = serde_json::to_vec(&v).expect("json");
            let pretty = serde_json::to_vec_pretty(&v).expect("json");
            for bytes in [&compact, &pretty] {
                assert!(takes_fast_path(bytes), "{} {:?}", op.full_id, e.title);
                assert_eq!(sign_bytes(bytes, &key).ok(), Some(expected.clone()));
            }
            // A Gate request carries its signature in `general`, a callback
            // at the top; each verifies only where it belongs.
            let slot = if is_request && v.get("general").is_some() {
                v.get_mut("general").and_then(Value::as_object_mut)
            } else {
                v.as_object_mut()
            };
            if let Some(obj) = slot {
                obj.insert("signature".into(), json!(expected));
            }
            let signed = serde_json::to_vec(&v).expect("json");
            let verified = if is_request && v.get("general").is_some() {
                verify_request_bytes(&signed, &key)
            } else {
                verify_signed_bytes(&signed, &key)
            };
            assert_eq!(
                verified.ok(),
                Some(Signed::Valid),
                "{} {:?}",
                op.full_id,
                e.title
            );
            checked += 1;
        }
    }
    assert_eq!(checked, expected_count);
    assert!(checked > 0, "the specs have examples");
}
