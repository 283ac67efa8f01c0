//! End to end over loopback: the generated clients send every Gate
//! operation of the seeds to a Gate simulator on 127.0.0.1, which checks
//! each request's signature (with an independent implementation of the
//! algorithm, below) and schema, answers like the Gate, and posts the
//! seeds' callbacks, signed, to a receiver in the same test; the receiver
//! verifies and parses every callback with the generated types.

use crate::common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use gatespec_client::{flashpay, monetix, rocketpay};
use gatespec_runtime::callback::{CallbackError, OperationStatus, PaymentStatus};
use gatespec_runtime::client::{ClientError, GateConfig, TransportKind};
use gatespec_runtime::signature::SecretKey;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};

const SECRET: &str = "e2e-secret";
const PROJECT: i64 = 4242;

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

struct Route {
    op: String,
    schema: jsonschema::Validator,
    response: Option<Value>,
    callbacks: Vec<Value>,
}

/// A Gate simulator: `/ok` answers like the Gate, `/slow` too late,
/// `/fail` with a 500 page, `/text` with a body that is not JSON.
fn start_gate(
    routes: HashMap<String, Route>,
    receiver: String,
) -> (String, Arc<tiny_http::Server>, std::thread::JoinHandle<()>) {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind loopback"));
    let addr = format!(
        "http://{}",
        server.server_addr().to_ip().expect("ip address")
    );
    let handle = {
        let server = server.clone();
        std::thread::spawn(move || {
            let poster = reqwest::blocking::Client::new();
            for mut rq in server.incoming_requests() {
                let url = rq.url().to_string();
                let mut body = String::new();
                let _ = std::io::Read::read_to_string(rq.as_reader(), &mut body);
                let (mode, path) = url[1..]
                    .split_once('/')
                    .map(|(m, p)| (m.to_string(), format!("/{p}")))
                    .unwrap_or_default();
                let reply = |status: u16, text: String| {
                    tiny_http::Response::from_string(text).with_status_code(status)
                };
                match mode.as_str() {
                    "slow" => {
                        // Answer late, without holding up other requests.
                        std::thread::spawn(move || {
                            std::thread::sleep(Duration::from_millis(3000));
                            let _ = rq.respond(tiny_http::Response::from_string("{}"));
                        });
                        continue;
                    }
                    "fail" => {
                        let _ = rq.respond(reply(500, "<html>Internal Server Error</html>".into()));
                        continue;
                    }
                    "text" => {
                        let _ = rq.respond(reply(200, "OK".into()));
                        continue;
                    }
                    _ => {}
                }
                let Some(route) = routes.get(&path) else {
                    let _ = rq.respond(reply(
                        404,
                        json!({"status": "error", "code": "404", "message": "Unknown endpoint"})
                            .to_string(),
                    ));
                    continue;
                };
                let Ok(v) = serde_json::from_str::<Value>(&body) else {
                    let _ = rq.respond(reply(
                        400,
                        json!({"status": "error", "code": "1", "message": "Malformed JSON"})
                            .to_string(),
                    ));
                    continue;
                };
                let sig = v["general"]["signature"].as_str().unwrap_or_default();
                if sig != independent_sign(&v, SECRET) {
                    let _ = rq.respond(reply(
                        400,
                        json!({"status": "error", "code": "1302", "message": "Invalid signature"})
                            .to_string(),
                    ));
                    continue;
                }
                if !route.schema.is_valid(&v) || v["general"]["project_id"] != PROJECT {
                    let _ = rq.respond(reply(400, json!({"status": "error", "code": "1001", "message": format!("Invalid request for {}", route.op)}).to_string()));
                    continue;
                }
                let answer = route.response.clone().unwrap_or_else(|| {
                    json!({"status": "success", "request_id": format!("req-{}", route.op), "project_id": PROJECT, "payment_id": v["general"]["payment_id"]})
                });
                let _ = rq.respond(reply(200, answer.to_string()));
                for cb in &route.callbacks {
                    let mut cb = cb.clone();
                    cb["project_id"] = json!(PROJECT);
                    let signature = independent_sign(&cb, SECRET);
                    cb["signature"] = json!(signature);
                    let _ = poster.post(&receiver).body(cb.to_string()).send();
                }
            }
        })
    };
    (addr, server, handle)
}

/// Raw callback bodies, as the receiver got them.
type Received = Arc<Mutex<Vec<Vec<u8>>>>;

/// The merchant's callback endpoint: records raw bodies.
fn start_receiver() -> (
    String,
    Arc<tiny_http::Server>,
    Received,
    std::thread::JoinHandle<()>,
) {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind loopback"));
    let addr = format!(
        "http://{}/callbacks",
        server.server_addr().to_ip().expect("ip address")
    );
    let got = Arc::new(Mutex::new(Vec::new()));
    let handle = {
        let server = server.clone();
        let got = got.clone();
        std::thread::spawn(move || {
            for mut rq in server.incoming_requests() {
                let mut body = Vec::new();
                let _ = std::io::Read::read_to_end(rq.as_reader(), &mut body);
                got.lock().expect("lock").push(body);
                let _ = rq.respond(tiny_http::Response::from_string("OK"));
            }
        })
    };
    (addr, server, got, handle)
}

fn routes() -> HashMap<String, Route> {
    let compiled = common::specs();
    let mut routes = HashMap::new();
    for (m, op) in compiled.ir.operations() {
        let Some(e) = &op.endpoint else { continue };
        let schema = common::validator(&common::schema(
            &compiled.ir,
            m,
            op,
            gatespec_codegen::ir::BodyRole::Request,
            &op.request,
        ));
        let mut callbacks: Vec<Value> = op
            .callback
            .iter()
            .flat_map(|c| c.examples.iter().map(|e| e.value.clone()))
            .collect();
        // The purchase's result comes after the OTP: the document gives no
        // example of the callback asking for it, so the simulator sends the
        // final callback when the clarification arrives.
        if op.full_id == "monetix/mobile/purchase" {
            callbacks.clear();
        }
        if op.full_id == "monetix/mobile/clarification" {
            let (_, purchase) = compiled
                .ir
                .operation("monetix/mobile/purchase")
                .expect("purchase");
            callbacks = vec![
                purchase.callback.as_ref().expect("callback").examples[0]
                    .value
                    .clone(),
            ];
        }
        let response = op.response.as_ref().map(|r| r.examples[0].value.clone());
        routes.insert(
            e.path.clone(),
            Route {
                op: op.full_id.clone(),
                schema,
                response,
                callbacks,
            },
        );
    }
    routes
}

fn example<T: serde::de::DeserializeOwned>(op: &str) -> T {
    let compiled = common::specs();
    let (_, o) = compiled.ir.operation(op).expect("operation");
    serde_json::from_value(o.request.examples[0].value.clone()).expect("seed example deserializes")
}

fn config(base: &str, secret: &str) -> GateConfig {
    let mut c = GateConfig::new(base, PROJECT, SecretKey::new(secret));
    // Generous, so a loaded CI machine does not turn answers into timeouts;
    // the timeout case uses its own short one.
    c.timeout = Duration::from_secs(10);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_gate_operation_round_trips_over_loopback() {
    let (receiver, receiver_server, received, receiver_thread) = start_receiver();
    let (gate, gate_server, gate_thread) = start_gate(routes(), receiver);
    let ok = format!("{gate}/ok");
    let monetix = monetix::Client::new(config(&ok, SECRET)).expect("client");
    let rocketpay = rocketpay::Client::new(config(&ok, SECRET)).expect("client");
    let flashpay = flashpay::Client::new(config(&ok, SECRET)).expect("client");

    let acks = vec![
        monetix
            .smp_p2p_kz_payout(&example("monetix/smp-p2p-kz/payout"))
            .await,
        monetix
            .sbp_p2p_payout(&example("monetix/sbp-p2p/payout"))
            .await,
        monetix
            .mobile_operators_list(&example("monetix/mobile/operators-list"))
            .await,
        monetix
            .mobile_purchase(&example("monetix/mobile/purchase"))
            .await,
        monetix
            .mobile_otp_resend(&example("monetix/mobile/otp-resend"))
            .await,
        monetix
            .mobile_clarification(&example("monetix/mobile/clarification"))
            .await,
        monetix
            .mobile_refund(&example("monetix/mobile/refund"))
            .await,
        rocketpay
            .mobile_operators_list(&example("rocketpay/mobile/operators-list"))
            .await,
        rocketpay
            .mobile_payout(&example("rocketpay/mobile/payout"))
            .await,
        flashpay
            .bank_transfer_kyrgyzstan_payout(&example("flashpay/bank-transfer-kyrgyzstan/payout"))
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

    // 2 callbacks each for the three payouts of the four methods with
    // callbacks, the refund's 2, and the purchase's final one.
    let deadline = Instant::now() + Duration::from_secs(10);
    while received.lock().expect("lock").len() < 11 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let bodies = received.lock().expect("lock").clone();
    assert_eq!(bodies.len(), 11);
    let key = SecretKey::new(SECRET);
    let mut finals = 0;
    for body in &bodies {
        let v: Value = serde_json::from_slice(body).expect("json");
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
                    monetix::smp_p2p_kz::payout::Callback::verify(body, &key).expect("verified");
                (c.callback.payment_status(), c.callback.operation_status())
            }
            (_, "SBP P2P transfer", _) => {
                let c = monetix::sbp_p2p::payout::Callback::verify(body, &key).expect("verified");
                (c.callback.payment_status(), c.callback.operation_status())
            }
            (Some("payout"), "mobile", _) => {
                let c = rocketpay::mobile::payout::Callback::verify(body, &key).expect("verified");
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
                let c = flashpay::bank_transfer_kyrgyzstan::payout::Callback::verify(body, &key)
                    .expect("verified");
                assert!(c.callback.decision.is_some(), "decision is kept");
                (c.callback.payment_status(), c.callback.operation_status())
            }
            (Some("purchase"), "mobile", Some("refund")) => {
                let c = monetix::mobile::refund::Callback::verify(body, &key).expect("verified");
                (c.callback.payment_status(), c.callback.operation_status())
            }
            (Some("purchase"), "mobile", _) => {
                let c = monetix::mobile::purchase::Callback::verify(body, &key).expect("verified");
                assert_eq!(
                    c.callback.payment_status(),
                    PaymentStatus::Success,
                    "the OTP flow ends in success"
                );
                (c.callback.payment_status(), c.callback.operation_status())
            }
            other => panic!("unexpected callback {other:?}"),
        };
        assert!(op_status.as_ref().is_some_and(OperationStatus::is_final));
        if status.is_final() {
            finals += 1;
        }
    }
    assert_eq!(finals, 11);

    // A tampered callback and an unsigned one are rejected.
    let mut tampered: Value = serde_json::from_slice(&bodies[0]).expect("json");
    tampered["payment"]["sum"]["amount"] = json!(1);
    let err = monetix::smp_p2p_kz::payout::Callback::verify(tampered.to_string().as_bytes(), &key)
        .expect_err("tampered");
    assert_eq!(err, CallbackError::BadSignature);
    tampered.as_object_mut().map(|o| o.remove("signature"));
    let err = monetix::smp_p2p_kz::payout::Callback::verify(tampered.to_string().as_bytes(), &key)
        .expect_err("unsigned");
    assert_eq!(err, CallbackError::Unsigned);
    let err = monetix::smp_p2p_kz::payout::Callback::verify(&bodies[0], &SecretKey::new("wrong"))
        .expect_err("wrong secret");
    assert_eq!(err, CallbackError::BadSignature);
    let err =
        monetix::smp_p2p_kz::payout::Callback::verify(b"not json", &key).expect_err("not json");
    assert!(matches!(err, CallbackError::NotJson(_)));

    // A wrong secret: the Gate rejects, as it says it.
    let wrong = monetix::Client::new(config(&ok, "wrong-secret")).expect("client");
    match wrong
        .smp_p2p_kz_payout(&example("monetix/smp-p2p-kz/payout"))
        .await
    {
        Err(ClientError::Rejected(r)) => {
            assert_eq!(
                (r.http_status, r.code.as_deref(), r.message.as_deref()),
                (400, Some("1302"), Some("Invalid signature"))
            );
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    // A timeout, a 5xx and a non-JSON body are told apart.
    let mut short = config(&format!("{gate}/slow"), SECRET);
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
    let fail = monetix::Client::new(config(&format!("{gate}/fail"), SECRET)).expect("client");
    assert!(matches!(
        fail.smp_p2p_kz_payout(&example("monetix/smp-p2p-kz/payout"))
            .await,
        Err(ClientError::Unexpected {
            http_status: 500,
            ..
        })
    ));
    let text = monetix::Client::new(config(&format!("{gate}/text"), SECRET)).expect("client");
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
    bad.payment.amount = 0;
    assert!(matches!(
        monetix.smp_p2p_kz_payout(&bad).await,
        Err(ClientError::Invalid(_))
    ));

    gate_server.unblock();
    receiver_server.unblock();
    let _ = gate_thread.join();
    let _ = receiver_thread.join();
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
