//! `gatespec conform callbacks` against the two example merchants
//! (`examples/merchants`), and against endpoints that refuse, hang,
//! redirect or answer without end.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use gatespec_example_merchants::{Kind, Served, serve_in_background};
use gatespec_runtime::signature::SecretKey;

use crate::common::{self, gatespec};

const SECRET: &str = "conform-test-secret";

/// The operations the example merchants integrate, with their paths.
const INTEGRATED: [(&str, &str); 2] = [
    ("monetix/smp-p2p-kz/payout", "/callbacks/smp-p2p-kz/payout"),
    ("monetix/mobile/purchase", "/callbacks/mobile/purchase"),
];

fn merchant(kind: Kind) -> Served {
    serve_in_background(kind, SecretKey::new(SECRET.as_bytes().to_vec())).expect("merchant starts")
}

fn secret_file(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("secret.txt");
    std::fs::write(&path, format!("{SECRET}\n")).expect("write secret");
    path.display().to_string()
}

/// Runs conform on one operation; the exit code, the text and the JUnit.
fn conform(url: &str, op: &str, probe: Option<&str>, extra: &[&str]) -> (u8, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = secret_file(&dir);
    let junit = dir.path().join("report.xml").display().to_string();
    let specs = common::root().join("specs").display().to_string();
    let mut args = vec![
        "conform",
        "callbacks",
        "--url",
        url,
        "--project",
        "7",
        "--secret-file",
        &secret,
        "--select",
        op,
        "--junit",
        &junit,
        "--specs",
        &specs,
    ];
    if let Some(p) = probe {
        args.extend(["--probe", p]);
    }
    args.extend(extra);
    let (code, out, err) = gatespec(&args);
    assert!(err.is_empty() || code == 1, "{err}");
    let xml = std::fs::read_to_string(&junit).unwrap_or_default();
    (code, out, xml)
}

/// The names of the cases the text report marks as failed.
fn failed(out: &str) -> BTreeSet<String> {
    out.lines()
        .filter_map(|l| l.trim_start().strip_prefix("FAIL "))
        .map(|l| l.split(" | ").next().unwrap_or(l).to_owned())
        .collect()
}

/// Case lines (`ok` and `FAIL`) of the text report.
fn case_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.starts_with("  ok   ") || l.starts_with("  FAIL "))
        .collect()
}

/// The `failures` count the JUnit report gives for the whole run.
fn junit_failures(xml: &str) -> usize {
    let head = xml
        .lines()
        .find(|l| l.contains("<testsuites"))
        .expect("a testsuites element");
    let at = head.find("failures=\"").expect("failures attribute") + "failures=\"".len();
    head[at..]
        .split('"')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count")
}

#[test]
fn the_correct_merchant_passes_every_case() {
    let served = merchant(Kind::Correct);
    let probe = format!("http://{}/probe", served.addr);
    let ir = &common::specs().ir;
    for (op, path) in INTEGRATED {
        let url = format!("http://{}{path}", served.addr);
        let (code, out, xml) = conform(&url, op, Some(&probe), &[]);
        assert_eq!(code, 0, "{out}");
        assert!(failed(&out).is_empty(), "{out}");
        assert_eq!(junit_failures(&xml), 0, "{xml}");
        // Every documented callback of the operation is a case, and passed.
        let (_, operation) = ir.operation(op).expect("integrated operation");
        let callback = operation.callback.as_ref().expect("a callback");
        for example in &callback.examples {
            let line = format!("  ok   documented: {} | 2", example.title);
            assert!(out.contains(&line), "no passing case `{line}` in\n{out}");
        }
        // The hostile set ran in full, with the probe.
        for name in [
            "hostile: unsigned",
            "hostile: wrong signature",
            "hostile: signature over other content",
            "hostile: duplicate key",
            "hostile: key holding `:`",
            "hostile: misplaced signature member",
            "hostile: body over the size limit",
            "unknown extra members",
            "replay of an earlier callback",
        ] {
            assert!(out.contains(&format!("  ok   {name} | ")), "{name}:\n{out}");
        }
        let cases = case_lines(&out).len();
        assert!(
            out.contains(&format!("{cases} cases: {cases} passed, 0 failed")),
            "{out}"
        );
    }
}

#[test]
fn the_naive_merchant_fails_with_a_report_naming_each_mistake() {
    let served = merchant(Kind::Naive);
    let probe = format!("http://{}/probe", served.addr);
    let (op, path) = INTEGRATED[1];
    let url = format!("http://{}{path}", served.addr);
    let (code, out, xml) = conform(&url, op, Some(&probe), &[]);
    assert_eq!(code, 1, "{out}");
    let expected: BTreeSet<String> = [
        "hostile: duplicate key",
        "hostile: key holding `:`",
        "hostile: misplaced signature member",
        "hostile: body over the size limit",
        "replay of an earlier callback",
        "final callback, then an intermediate one",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(failed(&out), expected, "{out}");
    assert_eq!(junit_failures(&xml), expected.len(), "{xml}");
    // Each failure says what was expected, what came, and why it matters.
    assert!(out.contains("expected a refusal (anything but a 2xx), answered 200"));
    assert!(out.contains("the merchant acted 2 time(s), expected 1"));
    assert!(out.contains("the merchant holds status `awaiting clarification`, expected"));
    assert!(out.contains("why it matters: "));
    assert!(xml.contains("<failure"), "{xml}");

    // Without a probe, only what the answers show is judged.
    let (code, out, _) = conform(&url, op, None, &[]);
    assert_eq!(code, 1);
    assert!(out.contains("probe: none, so effects are not checked"));
    assert!(
        !failed(&out).contains("replay of an earlier callback"),
        "{out}"
    );
}

/// A loopback server that answers each connection with `answer` until
/// dropped.
struct RawServer {
    addr: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RawServer {
    fn start(answer: impl Fn(TcpStream) + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let answer = Arc::new(answer);
        let thread = std::thread::spawn(move || {
            let mut handlers = Vec::new();
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let _ = stream.set_nonblocking(false);
                        let answer = answer.clone();
                        handlers.push(std::thread::spawn(move || answer(stream)));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            for h in handlers {
                let _ = h.join();
            }
        });
        RawServer {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads one request (headers and its `Content-Length` of body).
fn read_request(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&mut *stream);
    let mut length = 0usize;
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 0 {
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        line.clear();
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
}

#[test]
fn endpoints_that_refuse_hang_redirect_or_flood_are_failures_with_their_reason() {
    let op = INTEGRATED[0].0;
    let timeout = ["--timeout-ms", "300"];

    // Nothing listens.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let (code, out, _) = conform(&format!("http://127.0.0.1:{port}/cb"), op, None, &timeout);
    assert_eq!(code, 1);
    assert_eq!(failed(&out).len(), case_lines(&out).len(), "{out}");
    assert!(
        out.contains("could not connect: nothing answers at the URL"),
        "{out}"
    );

    // Accepts and never answers: each request costs the timeout, no more.
    let stop = Arc::new(AtomicBool::new(false));
    let holding = stop.clone();
    let hang = RawServer::start(move |mut s| {
        read_request(&mut s);
        while !holding.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    let (code, out, _) = conform(&format!("http://{}/cb", hang.addr), op, None, &timeout);
    stop.store(true, Ordering::Relaxed);
    drop(hang);
    assert_eq!(code, 1);
    assert_eq!(failed(&out).len(), case_lines(&out).len(), "{out}");
    assert!(
        out.contains("no answer within the Gate's timeout (300 ms)"),
        "{out}"
    );

    // Redirects: a valid callback answered 302 is not delivered.
    let redirect = RawServer::start(|mut s| {
        read_request(&mut s);
        let _ = s.write_all(
            b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    });
    let (code, out, _) = conform(&format!("http://{}/cb", redirect.addr), op, None, &timeout);
    drop(redirect);
    assert_eq!(code, 1);
    assert!(
        out.contains("answered 302: the Gate follows no redirect"),
        "{out}"
    );
    assert!(failed(&out).iter().any(|n| n.starts_with("documented: ")));

    // Answers 300 MB: at most 64 KiB of it is read.
    let written = Arc::new(AtomicU64::new(0));
    let counter = written.clone();
    let flood = RawServer::start(move |mut s| {
        read_request(&mut s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 314572800\r\n\r\n");
        let chunk = vec![b'x'; 64 * 1024];
        let mut sent = 0u64;
        while sent < 314_572_800 {
            if s.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len() as u64;
        }
        counter.fetch_add(sent, Ordering::Relaxed);
    });
    let (code, out, _) = conform(&format!("http://{}/cb", flood.addr), op, None, &timeout);
    drop(flood);
    assert_eq!(code, 1);
    assert!(out.contains("the answer's body is past 64 KiB"), "{out}");
    let requests = case_lines(&out).len() as u64 + 1;
    let per_request = written.load(Ordering::Relaxed) / requests;
    assert!(
        per_request < 300 * 1024 * 1024 / 10,
        "the client read on: {per_request} bytes per request were written"
    );
}

#[test]
fn bad_arguments_are_usage_errors_that_name_the_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = secret_file(&dir);
    let specs = common::root().join("specs").display().to_string();
    let base = |url: &str, select: &str| {
        vec![
            "conform".to_owned(),
            "callbacks".into(),
            "--url".into(),
            url.into(),
            "--project".into(),
            "1".into(),
            "--secret-file".into(),
            secret.clone(),
            "--select".into(),
            select.into(),
            "--specs".into(),
            specs.clone(),
        ]
    };
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        gatespec(&refs)
    };
    let (code, _, err) = run(base("ftp://example.test/", "monetix"));
    assert_eq!(code, 2);
    assert!(
        err.contains("--url `ftp://example.test/` is not an http or https URL"),
        "{err}"
    );
    let (code, _, err) = run(base("http://127.0.0.1:1/", "monetix/nope"));
    assert_eq!(code, 2);
    assert!(err.contains("`monetix/nope` selects no operation"), "{err}");
    let (code, _, err) = run(base("http://127.0.0.1:1/", "monetix/smp-p2p-kz/banks-list"));
    assert_eq!(code, 2);
    assert!(err.contains("no callback to test"), "{err}");
    let mut args = base("http://127.0.0.1:1/", "monetix");
    args.extend(["--timeout-ms".into(), "0".into()]);
    let (code, _, err) = run(args);
    assert_eq!(code, 2);
    assert!(err.contains("--timeout-ms: 0 is not from 1"), "{err}");
    // No secret file and no GATESPEC_SECRET: refused before anything is sent.
    let mut args = base("http://127.0.0.1:1/", "monetix");
    args[7] = dir.path().join("missing").display().to_string();
    let (code, _, err) = run(args);
    assert_eq!(code, 2);
    assert!(
        err.contains("the secret is never taken from the command line"),
        "{err}"
    );
}
