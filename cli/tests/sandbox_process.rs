//! `gatespec sandbox` as a process: killed with SIGKILL while callbacks
//! are pending, restarted on the same database, it delivers every pending
//! callback (none lost) and still refuses a payment id used before the
//! crash; SIGTERM then stops it cleanly. Loopback only; the secret comes
//! from the environment, never the command line.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gatespec_runtime::signature::{SecretKey, Signed, sign_request, verify_signed_bytes};
use serde_json::{Value, json};

const SECRET: &str = "process-test-secret";
const PAYMENTS: usize = 20;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn start(config: &Path) -> Child {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Command::new(env!("CARGO_BIN_EXE_gatespec"))
        .args(["sandbox", "--config"])
        .arg(config)
        .arg("--specs")
        .arg(root.join("specs"))
        .env("SANDBOX_TEST_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts")
}

fn wait_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the sandbox does not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One HTTP/1.1 POST; the status and the body of the answer.
fn post(port: u16, path: &str, body: &[u8]) -> (u16, Value) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .expect("write");
    s.write_all(body).expect("write");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// A receiver that answers 200 to every callback and keeps the bodies.
fn receiver(port: u16) -> Arc<Mutex<Vec<String>>> {
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("the callback port is free again");
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_ok() {
                kept.lock()
                    .expect("lock")
                    .push(String::from_utf8_lossy(&body).into_owned());
            }
            let _ = reader
                .get_mut()
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
    bodies
}

#[test]
fn sigkill_with_pending_callbacks_loses_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (gate, callbacks) = (free_port(), free_port());
    let config = dir.path().join("sandbox.yaml");
    std::fs::write(
        &config,
        format!(
            "listen: 127.0.0.1:{gate}\ndatabase: sandbox.db\nprojects:\n  - id: 4321\n    brand: flashpay\n    secret_env: SANDBOX_TEST_SECRET\n    callback_url: http://127.0.0.1:{callbacks}/cb\ncallbacks:\n  retry_ms: [50, 100]\n  timeout_ms: 1000\n"
        ),
    )
    .expect("config");
    let compiled =
        gatespec_codegen::compile_dirs(&[&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")])
            .expect("the specs check");
    let (_, op) = compiled
        .ir
        .operations()
        .find(|(m, o)| m.brand == "flashpay" && o.callback.is_some() && o.endpoint.is_some())
        .expect("a flashpay operation with a callback");
    let path = op.endpoint.as_ref().map(|e| e.path.clone()).expect("path");
    let key = SecretKey::new(SECRET.as_bytes());
    let request = |n: usize| {
        let mut v = op.request.examples[0].value.clone();
        v["general"]["project_id"] = json!(4321);
        v["general"]["payment_id"] = json!(format!("crash-{n}"));
        v["payment"]["amount"] = json!(100_000);
        sign_request(&mut v, &key).expect("sign");
        serde_json::to_vec(&v).expect("JSON")
    };

    // The receiver is down while the payments are accepted.
    let mut first = start(&config);
    wait_listening(gate);
    for n in 0..PAYMENTS {
        let (status, ack) = post(gate, &path, &request(n));
        assert_eq!(status, 200, "{ack}");
    }
    std::thread::sleep(Duration::from_millis(200));
    first.kill().expect("SIGKILL");
    let _ = first.wait();

    let received = receiver(callbacks);
    let mut second = start(&config);
    wait_listening(gate);
    let deadline = Instant::now() + Duration::from_secs(30);
    let delivered = loop {
        let ids: BTreeSet<String> = received
            .lock()
            .expect("lock")
            .iter()
            .map(|b| {
                assert_eq!(
                    verify_signed_bytes(b.as_bytes(), &key).expect("JSON"),
                    Signed::Valid,
                    "{b}"
                );
                let v: Value = serde_json::from_str(b).expect("JSON");
                v["payment"]["id"].as_str().unwrap_or_default().to_string()
            })
            .collect();
        if ids.len() == PAYMENTS || Instant::now() > deadline {
            break ids;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(
        delivered.len(),
        PAYMENTS,
        "delivered after the crash: {delivered:?}"
    );
    let (status, answer) = post(gate, &path, &request(0));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("duplicate_payment_id")),
        "{answer}"
    );

    // A client that sends half its headers, and one that keeps an idle
    // connection: neither holds the stop (bounded by the grace period).
    let mut half = TcpStream::connect(("127.0.0.1", gate)).expect("connect");
    write!(
        half,
        "POST /v2/payment HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty"
    )
    .expect("write");
    let _idle = TcpStream::connect(("127.0.0.1", gate)).expect("connect");
    std::thread::sleep(Duration::from_millis(100));
    // SIGTERM: a graceful stop, exit 0, in seconds.
    let stopping = Instant::now();
    let term = Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(term.success());
    let exit = second.wait().expect("the sandbox exits");
    assert!(exit.success(), "{exit:?}");
    assert!(
        stopping.elapsed() < Duration::from_secs(8),
        "the stop took {:?}",
        stopping.elapsed()
    );
    println!(
        "sandbox process: {PAYMENTS} callbacks pending at SIGKILL, {} delivered after the restart",
        delivered.len()
    );
}

/// A database that cannot be opened is reported before the sandbox binds
/// its address, naming the file; nothing listens.
#[test]
fn a_bad_database_is_reported_before_listening() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let gate = free_port();
    let config = dir.path().join("sandbox.yaml");
    std::fs::write(
        &config,
        format!(
            "listen: 127.0.0.1:{gate}\ndatabase: no-such-dir/sandbox.db\nprojects:\n  - id: 4321\n    brand: flashpay\n    secret_env: SANDBOX_TEST_SECRET\n    callback_url: http://127.0.0.1:9/cb\n"
        ),
    )
    .expect("config");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO_BIN_EXE_gatespec"))
        .args(["sandbox", "--config"])
        .arg(&config)
        .arg("--specs")
        .arg(root.join("specs"))
        .env("SANDBOX_TEST_SECRET", SECRET)
        .output()
        .expect("the binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("no-such-dir"), "the database is named: {err}");
    assert!(!err.contains("listening on"), "it bound first: {err}");
}
