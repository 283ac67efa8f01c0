//! The generated client on a hostile network, against servers on loopback
//! that this test starts and stops: no redirect is followed, plain http is
//! refused off loopback, an oversized answer is not read, and transport
//! failures say whether the Gate may have received the request.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use gatespec_client::monetix;
use gatespec_runtime::client::{ClientError, GateConfig, TransportKind};
use gatespec_runtime::signature::SecretKey;

fn request() -> monetix::smp_p2p_kz::payout::Request {
    let compiled = common::specs();
    let (_, op) = compiled
        .ir
        .operation("monetix/smp-p2p-kz/payout")
        .expect("operation");
    serde_json::from_value(op.request.examples[0].value.clone()).expect("seed example")
}

fn client(base: &str) -> monetix::Client {
    let mut c = GateConfig::new(base, 1234, SecretKey::new("s"));
    c.timeout = Duration::from_secs(10);
    monetix::Client::new(c).expect("client")
}

/// A server that answers every request with `answer` (status, headers,
/// body) and counts the requests it gets.
fn serve(
    answer: impl Fn() -> tiny_http::ResponseBox + Send + 'static,
) -> (String, Arc<AtomicUsize>, Arc<tiny_http::Server>) {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind loopback"));
    let base = format!("http://{}", server.server_addr().to_ip().expect("ip"));
    let hits = Arc::new(AtomicUsize::new(0));
    let (s, h) = (server.clone(), hits.clone());
    std::thread::spawn(move || {
        for mut rq in s.incoming_requests() {
            h.fetch_add(1, Ordering::SeqCst);
            let mut sink = Vec::new();
            let _ = rq.as_reader().read_to_end(&mut sink);
            let _ = rq.respond(answer());
        }
    });
    (base, hits, server)
}

fn redirect(status: u16, to: &str) -> impl Fn() -> tiny_http::ResponseBox + Send + 'static {
    let to = to.to_string();
    move || {
        tiny_http::Response::from_string("")
            .with_status_code(status)
            .with_header(tiny_http::Header::from_bytes("Location", to.as_bytes()).expect("header"))
            .boxed()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_never_followed() {
    // The other host answers like the Gate would: a followed redirect
    // would turn its answer into an acknowledgement.
    let (other, other_hits, other_server) = serve(|| {
        tiny_http::Response::from_string(r#"{"status":"success","request_id":"x"}"#).boxed()
    });
    for status in [301, 302, 303, 307, 308] {
        let (gate, gate_hits, gate_server) = serve(redirect(status, &format!("{other}/elsewhere")));
        let answer = client(&gate).smp_p2p_kz_payout(&request()).await;
        match answer {
            Err(ClientError::Unexpected { http_status, .. }) => assert_eq!(http_status, status),
            other => panic!("{status}: {other:?}"),
        }
        assert_eq!(gate_hits.load(Ordering::SeqCst), 1);
        gate_server.unblock();
    }
    assert_eq!(
        other_hits.load(Ordering::SeqCst),
        0,
        "nothing reached the other host"
    );
    other_server.unblock();
}

#[test]
fn plain_http_is_for_loopback_only() {
    let new = |url: &str, allow: bool| {
        let mut c = GateConfig::new(url, 1, SecretKey::new("s"));
        c.allow_plain_http = allow;
        monetix::Client::new(c)
    };
    for url in [
        "http://gate.example",
        "http://10.0.0.1:8080",
        "ftp://gate.example",
    ] {
        assert!(
            matches!(new(url, false), Err(ClientError::Config(_))),
            "{url}"
        );
    }
    assert!(matches!(
        new("https://user:pw@gate.example", false),
        Err(ClientError::Config(_))
    ));
    for url in [
        "https://gate.example",
        "http://127.0.0.1:1",
        "http://[::1]:1",
        "http://localhost:1",
    ] {
        assert!(new(url, false).is_ok(), "{url}");
    }
    assert!(new("http://gate.example", true).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_answer_is_not_read() {
    let (gate, _, server) = serve(|| tiny_http::Response::from_data(vec![b' '; 3 << 20]).boxed());
    match client(&gate).smp_p2p_kz_payout(&request()).await {
        Err(ClientError::Unexpected { why, .. }) => assert!(why.contains("larger than"), "{why}"),
        other => panic!("{other:?}"),
    }
    server.unblock();
    // Without a declared length too: a chunked answer.
    let (gate, _, server) = serve(|| {
        let reader = std::io::repeat(b' ').take(3 << 20);
        tiny_http::Response::new(200.into(), vec![], reader, None, None).boxed()
    });
    match client(&gate).smp_p2p_kz_payout(&request()).await {
        Err(ClientError::Unexpected { why, .. }) => assert!(why.contains("larger than"), "{why}"),
        other => panic!("{other:?}"),
    }
    server.unblock();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transport_failures_say_whether_the_request_may_have_arrived() {
    // Refused: a port that was just free.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let refused = client(&format!("http://127.0.0.1:{port}"))
        .smp_p2p_kz_payout(&request())
        .await;
    match &refused {
        Err(
            e @ ClientError::Transport {
                kind: TransportKind::Refused,
                ..
            },
        ) => {
            assert!(!e.outcome_unknown());
        }
        other => panic!("{other:?}"),
    }
    // TLS: https to a server that speaks plain text.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let tls = client(&format!("https://127.0.0.1:{}", addr.port()))
        .smp_p2p_kz_payout(&request())
        .await;
    assert!(
        matches!(
            &tls,
            Err(ClientError::Transport {
                kind: TransportKind::Tls,
                ..
            })
        ),
        "{tls:?}"
    );
    // After sending: the server reads the request and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0; 4096];
            let _ = s.read(&mut buf);
            let _ = rx.recv_timeout(Duration::from_secs(10));
        }
    });
    let mut c = GateConfig::new(format!("http://{addr}"), 1234, SecretKey::new("s"));
    c.timeout = Duration::from_millis(500);
    let late = monetix::Client::new(c)
        .expect("client")
        .smp_p2p_kz_payout(&request())
        .await;
    let _ = tx.send(());
    match &late {
        Err(
            e @ ClientError::Transport {
                kind: TransportKind::TimeoutAfterSend,
                ..
            },
        ) => {
            assert!(e.outcome_unknown());
            assert!(e.to_string().contains("same payment_id"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // After sending: the connection is closed without an answer.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0; 4096];
            let _ = s.read(&mut buf);
        }
    });
    let broken = client(&format!("http://{addr}"))
        .smp_p2p_kz_payout(&request())
        .await;
    assert!(
        matches!(&broken, Err(e @ ClientError::Transport { .. }) if e.outcome_unknown()),
        "{broken:?}"
    );
}
