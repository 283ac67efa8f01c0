//! The sandbox Gate under load, over loopback: acknowledged payouts per
//! second and the acknowledgement's p50/p99 latency for 1 and for 50
//! concurrent clients, with durable state and every callback delivered to
//! a loopback receiver; and the time from an acknowledgement to its
//! callback's arrival. Prints figures (`cargo bench -p gatespec-tests
//! --bench sandbox`); it asserts nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gatespec_runtime::signature::{SecretKey, sign_request};
use gatespec_sandbox::{Config, Running};
use serde_json::{Value, json};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let compiled = gatespec_codegen::compile_dirs(&[&root.join("specs")]).expect("the specs check");
    let catalog = gatespec_cli::sandbox::catalog(&compiled.ir);
    let op = catalog
        .operations
        .iter()
        .find(|o| o.is_payout())
        .expect("a payout")
        .clone();
    let (_, spec_op) = compiled.ir.operation(&op.id).expect("operation");
    let example = spec_op.request.examples[0].value.clone();

    // A receiver with four threads, stamping each callback's arrival.
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind"));
    let arrivals: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    for _ in 0..4 {
        let (server, arrivals) = (server.clone(), arrivals.clone());
        std::thread::spawn(move || {
            while let Ok(mut r) = server.recv() {
                let mut body = String::new();
                let _ = r.as_reader().read_to_string(&mut body);
                if let Ok(v) = serde_json::from_str::<Value>(&body)
                    && let Some(id) = v.pointer("/payment/id").and_then(Value::as_str)
                {
                    arrivals
                        .lock()
                        .expect("lock")
                        .entry(id.to_string())
                        .or_insert_with(Instant::now);
                }
                let _ = r.respond(tiny_http::Response::from_string("ok"));
            }
        });
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("secret"), "bench-secret").expect("secret");
    let config = format!(
        "listen: 127.0.0.1:0\ndatabase: bench.db\nprojects:\n  - {{id: 1, brand: {}, secret_file: secret, callback_url: \"http://{}/cb\"}}\n",
        op.brand,
        server.server_addr()
    );
    let config = Config::parse(&config, dir.path(), &catalog.brands()).expect("config");
    let sandbox = Running::start(config, catalog.clone()).expect("sandbox");
    let key = SecretKey::new(b"bench-secret".to_vec());
    let url = format!("http://{}{}", sandbox.addr, op.path);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");

    println!(
        "sandbox bench: {} on a {}-core machine, SQLite WAL",
        op.id,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for (clients, per_client) in [(1usize, 1000usize), (50, 60)] {
        // Signed before the clock starts: signing is the client's cost.
        let work: Vec<Vec<(String, Vec<u8>)>> = (0..clients)
            .map(|c| {
                (0..per_client)
                    .map(|n| {
                        let pid = format!("bench-{clients}-{c}-{n}");
                        let mut v = example.clone();
                        v["general"]["project_id"] = json!(1);
                        v["general"]["payment_id"] = json!(pid);
                        sign_request(&mut v, &key).expect("sign");
                        (pid, serde_json::to_vec(&v).expect("JSON"))
                    })
                    .collect()
            })
            .collect();
        // The clients are tasks on one runtime, each with its own
        // connection, as a load generator (wrk, say) drives a server: a
        // thread per client would spend the two cores on switching between
        // a hundred threads rather than on the server measured.
        let start = Instant::now();
        let results: Vec<(String, Duration, Instant)> = runtime.block_on(async {
            let tasks: Vec<_> = work
                .into_iter()
                .map(|mine| {
                    let url = url.clone();
                    tokio::spawn(async move {
                        let client = reqwest::Client::new();
                        let mut done = Vec::with_capacity(mine.len());
                        for (pid, body) in mine {
                            let t = Instant::now();
                            let ok = client
                                .post(&url)
                                .header("content-type", "application/json")
                                .body(body)
                                .send()
                                .await
                                .is_ok_and(|r| r.status().is_success());
                            assert!(ok, "acknowledged");
                            done.push((pid, t.elapsed(), Instant::now()));
                        }
                        done
                    })
                })
                .collect();
            let mut all = Vec::new();
            for t in tasks {
                all.extend(t.await.expect("client"));
            }
            all
        });
        let wall = start.elapsed();
        let mut latencies: Vec<Duration> = results.iter().map(|r| r.1).collect();
        latencies.sort();
        // Every callback, then the time from each acknowledgement to it.
        let deadline = Instant::now() + Duration::from_secs(60);
        let prefix = format!("bench-{clients}-");
        while arrivals
            .lock()
            .expect("lock")
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .count()
            < results.len()
        {
            assert!(Instant::now() < deadline, "callbacks missing");
            std::thread::sleep(Duration::from_millis(5));
        }
        let arrived = arrivals.lock().expect("lock").clone();
        let mut to_callback: Vec<Duration> = results
            .iter()
            .map(|(pid, _, acked)| arrived[pid].saturating_duration_since(*acked))
            .collect();
        to_callback.sort();
        println!(
            "  {clients:>2} client(s): {} payouts in {:.2} s = {:.0} acknowledged/s; ack latency p50 {:.2} ms, p99 {:.2} ms; ack to callback p50 {:.2} ms, p99 {:.2} ms",
            results.len(),
            wall.as_secs_f64(),
            results.len() as f64 / wall.as_secs_f64(),
            percentile(&latencies, 0.5).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            percentile(&to_callback, 0.5).as_secs_f64() * 1e3,
            percentile(&to_callback, 0.99).as_secs_f64() * 1e3,
        );
    }
    sandbox.stop().expect("stops");
    server.unblock();
}
