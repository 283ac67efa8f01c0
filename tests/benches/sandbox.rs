//! The sandbox Gate under load, over loopback: acknowledged payouts per
//! second and the acknowledgement's p50/p99 latency for 1 and for 50
//! concurrent clients, with durable state and every callback delivered to
//! a loopback receiver; and the time from an acknowledgement to its
//! callback's arrival. Then where the time goes: the Gate's own checks per
//! request on one core (JSON, signature, rules), the store's commit of one
//! payout alone and the disk's `fsync` (which the sandbox keeps off the
//! request path: a slow disk shows here, not in the latency), and 50 clients again on a
//! project whose callbacks a fault holds back for a day, so the difference
//! from the run before is what delivering the callbacks costs. Prints
//! figures (`cargo bench -p gatespec-tests --bench sandbox`); it asserts
//! nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gatespec_runtime::signature::{SecretKey, sign_request};
use gatespec_sandbox::{Config, Running};
use serde_json::{Value, json};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Microseconds per call of `f`, over `n` calls.
fn per_call(n: u32, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
}

/// The store alone, in `dir`: one payout and its callback written and
/// committed at a time, 2,000 times; the p50 and p99 of each.
fn commits_alone(dir: &std::path::Path, runtime: &tokio::runtime::Runtime) -> (Duration, Duration) {
    use gatespec_sandbox::store::{Created, NewPayment, Store};
    let store = Store::open(&dir.join("alone.db")).expect("store");
    let mut times: Vec<Duration> = (0..2000)
        .map(|n| {
            let id = format!("alone-{n}");
            let payment = NewPayment::settled_payout(1, &id, "b/m/payout");
            let t = Instant::now();
            let staged = store.create_payment(
                &payment,
                "http://127.0.0.1:9/cb",
                Some(Box::new(|_, r, _| Ok(format!("{{\"r\":\"{r}\"}}")))),
            );
            let created = runtime.block_on(store.committed(staged));
            assert!(matches!(created, Ok(Created::New { .. })), "committed");
            t.elapsed()
        })
        .collect();
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

/// The median time of writing 4 KiB to a file in `dir` and waiting for the
/// disk (`fsync`), over 20 writes.
fn disk_sync(dir: &std::path::Path) -> Duration {
    use std::io::Write;
    let mut f = std::fs::File::create(dir.join("fsync-probe")).expect("probe file");
    let mut times: Vec<Duration> = (0..20)
        .map(|_| {
            let t = Instant::now();
            f.write_all(&[7u8; 4096]).expect("write");
            f.sync_data().expect("fsync");
            t.elapsed()
        })
        .collect();
    times.sort();
    percentile(&times, 0.5)
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
        "listen: 127.0.0.1:0\ndatabase: bench.db\nprojects:\n  - {{id: 1, brand: {}, secret_file: secret, callback_url: \"http://{}/cb\"}}\n  - {{id: 2, brand: {}, secret_file: secret, callback_url: \"http://{}/cb\", faults: {{seed: 1, apply: [callback_delayed], delay_ms: 86400000}}}}\n",
        op.brand,
        server.server_addr(),
        op.brand,
        server.server_addr(),
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
    // Where a request's time goes in the Gate's own checks, one core:
    // reading the JSON, the signature over the bytes, the method's rules.
    let mut sample = example.clone();
    sample["general"]["project_id"] = json!(1);
    sign_request(&mut sample, &key).expect("sign");
    let bytes = serde_json::to_vec(&sample).expect("JSON");
    let parse = per_call(5000, || {
        std::hint::black_box(serde_json::from_slice::<Value>(&bytes).expect("JSON"));
    });
    let signature = per_call(5000, || {
        std::hint::black_box(
            gatespec_runtime::signature::verify_request_bytes(&bytes, &key).expect("JSON"),
        );
    });
    let rules = per_call(5000, || {
        std::hint::black_box((op.request)(&sample));
    });
    println!(
        "  per request, one core: JSON {parse:.1} us, signature {signature:.1} us, rules {rules:.1} us"
    );
    let (commit_p50, commit_p99) = commits_alone(dir.path(), &runtime);
    let fsync = disk_sync(dir.path());
    println!(
        "  SQLite, one payout and its callback committed alone: p50 {:.0} us, p99 {:.0} us; the disk's fsync p50 {:.2} ms",
        commit_p50.as_secs_f64() * 1e6,
        commit_p99.as_secs_f64() * 1e6,
        fsync.as_secs_f64() * 1e3,
    );
    for (clients, per_client, project) in [(1usize, 1000usize, 1i64), (50, 300, 1), (50, 60, 2)] {
        // Signed before the clock starts: signing is the client's cost.
        let work: Vec<Vec<(String, Vec<u8>)>> = (0..clients)
            .map(|c| {
                (0..per_client)
                    .map(|n| {
                        let pid = format!("bench-{project}-{clients}-{c}-{n}");
                        let mut v = example.clone();
                        v["general"]["project_id"] = json!(project);
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
        if project == 2 {
            println!(
                "  {clients:>2} client(s), callbacks held for a day (no delivery): {:.0} acknowledged/s; ack latency p50 {:.2} ms, p99 {:.2} ms",
                results.len() as f64 / wall.as_secs_f64(),
                percentile(&latencies, 0.5).as_secs_f64() * 1e3,
                percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            );
            continue;
        }
        // Every callback, then the time from each acknowledgement to it.
        let deadline = Instant::now() + Duration::from_secs(60);
        let prefix = format!("bench-{project}-{clients}-");
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
