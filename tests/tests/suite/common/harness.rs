//! The scaffolding the sandbox, end-to-end and browser tests share: the
//! merchant's callback receiver, the projects and their secrets, a sandbox
//! started on loopback (and stopped when dropped), its catalogue and the
//! inspection API.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gatespec_runtime::signature::SecretKey;
use gatespec_sandbox::{Catalog, Config, Running};
use serde_json::Value;

/// A callback receiver on loopback that answers with `statuses` in turn
/// (the last one repeats) and keeps every body it gets.
pub(crate) struct Receiver {
    pub(crate) url: String,
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    pub(crate) fn start(addr: &str, statuses: Vec<u16>) -> Receiver {
        let server = Arc::new(tiny_http::Server::http(addr).expect("bind loopback"));
        let url = format!("http://{}/callbacks", server.server_addr());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (s, b) = (server.clone(), bodies.clone());
        let thread = std::thread::spawn(move || {
            for (n, mut request) in s.incoming_requests().enumerate() {
                let mut body = Vec::new();
                let _ = request.as_reader().read_to_end(&mut body);
                b.lock().expect("lock").push(body);
                let status = statuses[n.min(statuses.len() - 1)];
                let _ = request
                    .respond(tiny_http::Response::from_string("ok").with_status_code(status));
            }
        });
        Receiver {
            url,
            bodies,
            server,
            thread: Some(thread),
        }
    }

    /// Every body received so far, as sent.
    pub(crate) fn bodies(&self) -> Vec<Vec<u8>> {
        self.bodies.lock().expect("lock").clone()
    }

    /// The callbacks received so far for `payment_id`, parsed.
    pub(crate) fn callbacks_of(&self, payment_id: &str) -> Vec<Value> {
        self.bodies
            .lock()
            .expect("lock")
            .iter()
            .filter_map(|b| serde_json::from_slice::<Value>(b).ok())
            .filter(|v| v.pointer("/payment/id").and_then(Value::as_str) == Some(payment_id))
            .collect()
    }

    /// Waits (from a test thread) until a callback for `payment_id` has
    /// arrived `count` times.
    pub(crate) fn wait_for(&self, payment_id: &str, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self.callbacks_of(payment_id);
            if found.len() >= count {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "no callback for {payment_id} ({} of {count})",
                found.len()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Receiver {
    /// [`Receiver::wait_for`] from async code, yielding while it waits.
    pub(crate) async fn arrived(&self, payment_id: &str, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self.callbacks_of(payment_id);
            if found.len() >= count {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "{payment_id}: {} of {count} callbacks",
                found.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The sandbox's projects: one per brand, each with its own secret.
pub(crate) const SECRETS: [(&str, i64, &str); 3] = [
    ("monetix", 1234, "monetix-secret"),
    ("rocketpay", 2345, "rocketpay-secret"),
    ("flashpay", 3456, "flashpay-secret"),
];

pub(crate) fn project_of(brand: &str) -> (i64, SecretKey) {
    let (_, id, secret) = SECRETS
        .iter()
        .find(|(b, _, _)| *b == brand)
        .unwrap_or_else(|| panic!("the test has no project for brand {brand}: add one to SECRETS"));
    (*id, SecretKey::new(secret.as_bytes()))
}

/// A sandbox with every project calling back to `callback_url`.
pub(crate) fn sandbox(dir: &Path, callback_url: &str, catalog: &Catalog) -> Running {
    sandbox_with(dir, callback_url, catalog, "")
}

/// A sandbox with `extra` configuration lines.
pub(crate) fn sandbox_with(
    dir: &Path,
    callback_url: &str,
    catalog: &Catalog,
    extra: &str,
) -> Running {
    let config = Config::parse(
        &config_text(dir, callback_url, "", extra),
        dir,
        &catalog.brands(),
    )
    .expect("config");
    Running::start(config, catalog.clone()).expect("sandbox starts")
}

/// The configuration the sandboxes of the tests share: every project
/// calling back to `callback_url`, with `project_extra` added to each
/// project (`, faults: {...}`) and `extra` lines after.
pub(crate) fn config_text(
    dir: &Path,
    callback_url: &str,
    project_extra: &str,
    extra: &str,
) -> String {
    let mut projects = String::new();
    for (brand, id, secret) in SECRETS {
        std::fs::write(dir.join(format!("{brand}.secret")), secret).expect("secret");
        projects.push_str(&format!(
            "  - {{id: {id}, brand: {brand}, secret_file: {brand}.secret, callback_url: \"{callback_url}\"{project_extra}}}\n"
        ));
    }
    format!(
        "listen: 127.0.0.1:0\ndatabase: sandbox.db\nprojects:\n{projects}callbacks: {{retry_ms: [20, 50], timeout_ms: 2000}}\nmax_body_bytes: 65536\n{extra}"
    )
}

/// The catalogue of the repository's specs.
pub(crate) fn catalog() -> Catalog {
    gatespec_cli::sandbox::catalog(&super::specs().ir)
}

/// A payment as the inspection API shows it.
pub(crate) fn inspect(sandbox: &Running, id: i64, payment: &str) -> Value {
    reqwest::blocking::get(format!(
        "http://{}/sandbox/payments/{id}/{payment}",
        sandbox.addr
    ))
    .expect("inspection")
    .json()
    .expect("JSON")
}
