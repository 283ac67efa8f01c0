//! The network edge of `conform`: each case's requests posted to the
//! merchant's endpoint in order, the answers judged, the probe asked.
//!
//! Everything is bounded: one timeout per request (the Gate's), no
//! redirects followed, at most [`ANSWER_BYTES`] of any answer read, so an
//! endpoint that hangs, redirects or answers 300 MB costs a timeout and
//! 64 KiB, and is reported as a failure with its reason.

use std::time::{Duration, Instant};

use reqwest::{Client, Url};
use serde_json::Value;

use super::cases::{Case, Effect, Expect};

/// The most of an answer read; the rest is not waited for.
pub const ANSWER_BYTES: usize = 64 * 1024;

/// Where the cases go.
pub struct Target {
    /// The merchant's callback endpoint.
    pub url: Url,
    /// The merchant's probe, if it has one.
    pub probe: Option<Url>,
    /// How long the Gate waits for an answer.
    pub timeout: Duration,
}

/// What one request got.
#[derive(Debug, Clone)]
pub enum Answer {
    /// An HTTP answer with this status (its body read up to the bound).
    Status(u16),
    /// No usable answer, and why.
    Failed(Failure),
}

/// Why a request got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Nothing listens there (or it is unreachable).
    Connect,
    /// No answer within the timeout.
    Timeout,
    /// The connection closed before a whole answer came.
    Closed,
    /// The answer's body was past [`ANSWER_BYTES`].
    TooLarge,
    /// Anything else, worded.
    Other(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Connect => f.write_str("no connection"),
            Failure::Timeout => f.write_str("no answer in time"),
            Failure::Closed => f.write_str("connection closed"),
            Failure::TooLarge => f.write_str("answer too large"),
            Failure::Other(why) => f.write_str(why),
        }
    }
}

/// One request's outcome.
#[derive(Debug, Clone)]
pub struct Sent {
    /// What a correct endpoint answers.
    pub expect: Expect,
    /// What it answered.
    pub answer: Answer,
    /// How long it took.
    pub elapsed: Duration,
    /// Why this does not conform (`None` when it does).
    pub problem: Option<String>,
}

/// One case's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The requests' outcomes, in order.
    pub sent: Vec<Sent>,
    /// What the probe reported that does not conform.
    pub probe_problems: Vec<String>,
}

impl Outcome {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.sent.iter().all(|s| s.problem.is_none()) && self.probe_problems.is_empty()
    }
}

/// Runs `cases` in order against `target` (one request at a time: a
/// replay and an out-of-order pair only mean something in order).
pub fn run(cases: &[Case], target: &Target) -> Result<Vec<Outcome>, String> {
    let client = Client::builder()
        .timeout(target.timeout)
        .connect_timeout(target.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot start an HTTP client: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    Ok(runtime.block_on(async {
        let mut outcomes = Vec::with_capacity(cases.len());
        for case in cases {
            outcomes.push(one(&client, case, target).await);
        }
        outcomes
    }))
}

async fn one(client: &Client, case: &Case, target: &Target) -> Outcome {
    let mut sent = Vec::with_capacity(case.sends.len());
    for send in &case.sends {
        let start = Instant::now();
        let answer = post(client, &target.url, send.body.clone()).await;
        let elapsed = start.elapsed();
        let problem = judge(send.expect, &answer, target.timeout);
        sent.push(Sent {
            expect: send.expect,
            answer,
            elapsed,
            problem,
        });
    }
    let mut probe_problems = Vec::new();
    if let Some(probe) = &target.probe {
        for effect in &case.effects {
            if let Some(problem) = ask(client, probe, effect).await {
                probe_problems.push(problem);
            }
        }
    }
    Outcome {
        sent,
        probe_problems,
    }
}

/// Whether `answer` is what a correct endpoint gives, and if not, why.
fn judge(expect: Expect, answer: &Answer, timeout: Duration) -> Option<String> {
    let timeout = format!("{} ms", timeout.as_millis());
    match (expect, answer) {
        (Expect::Accept, Answer::Status(code)) if (200..300).contains(code) => None,
        (Expect::Accept, Answer::Status(code)) if (300..400).contains(code) => Some(format!(
            "expected a 2xx, answered {code}: the Gate follows no redirect, so the callback counts as not delivered"
        )),
        (Expect::Accept, Answer::Status(code)) => Some(format!(
            "expected a 2xx, answered {code}: the Gate would resend a valid callback"
        )),
        (Expect::Refuse, Answer::Status(code)) if (200..300).contains(code) => Some(format!(
            "expected a refusal (anything but a 2xx), answered {code}: the endpoint trusts what the platform did not send"
        )),
        (Expect::Refuse, Answer::Status(_)) => None,
        // A receiver may refuse an oversized or hostile body by closing
        // the connection: the Gate sees no 2xx.
        (Expect::Refuse, Answer::Failed(Failure::Closed)) => None,
        (_, Answer::Failed(f)) => Some(match f {
            Failure::Connect => "could not connect: nothing answers at the URL".into(),
            Failure::Timeout => format!("no answer within the Gate's timeout ({timeout})"),
            Failure::Closed => "the connection closed before an answer".into(),
            Failure::TooLarge => format!(
                "the answer's body is past {} KiB (the Gate reads at most 1 KiB of it)",
                ANSWER_BYTES / 1024
            ),
            Failure::Other(why) => why.clone(),
        }),
    }
}

/// Posts `body`; the answer's status, or why there is none.
async fn post(client: &Client, url: &Url, body: Vec<u8>) -> Answer {
    let sent = client
        .post(url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            match bounded_body(response).await {
                Ok(_) => Answer::Status(status),
                Err(f) => Answer::Failed(f),
            }
        }
        Err(e) => Answer::Failed(failure(&e)),
    }
}

/// At most [`ANSWER_BYTES`] of the answer's body.
async fn bounded_body(mut response: reqwest::Response) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > ANSWER_BYTES {
                    return Err(Failure::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(failure(&e)),
        }
    }
}

fn failure(e: &reqwest::Error) -> Failure {
    if e.is_timeout() {
        Failure::Timeout
    } else if e.is_connect() {
        Failure::Connect
    } else if e.is_request() || e.is_body() {
        Failure::Closed
    } else {
        // Worded without the URL, which the report already names.
        Failure::Other(
            e.to_string()
                .replace(e.url().map_or("", |u| u.as_str()), "the endpoint"),
        )
    }
}

/// Asks the probe about one payment; why its answer does not conform.
///
/// The probe answers `GET <probe>?payment_id=<id>` with
/// `{"effects": <callbacks acted on>, "status": <payment status held or null>}`.
async fn ask(client: &Client, probe: &Url, want: &Effect) -> Option<String> {
    let mut url = probe.clone();
    url.query_pairs_mut()
        .append_pair("payment_id", &want.payment_id);
    let response = match client.get(url).send().await {
        Ok(r) => r,
        Err(e) => return Some(format!("the probe gave no answer: {}", failure(&e))),
    };
    let status = response.status();
    if !status.is_success() {
        return Some(format!("the probe answered {}", status.as_u16()));
    }
    let body = match bounded_body(response).await {
        Ok(b) => b,
        Err(f) => return Some(format!("the probe's answer was not read: {f}")),
    };
    let read: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return Some(format!("the probe's answer is not JSON: {e}")),
    };
    let Some(effects) = read.get("effects").and_then(Value::as_u64) else {
        return Some(
            "the probe's answer has no `effects` count (expected {\"effects\": <n>, \"status\": ...})"
                .into(),
        );
    };
    let id = &want.payment_id;
    let mut problems = Vec::new();
    if effects != want.effects {
        problems.push(format!(
            "payment `{id}`: the merchant acted {effects} time(s), expected {}",
            want.effects
        ));
    }
    let held = read.get("status").and_then(Value::as_str);
    if let Some(status) = &want.status
        && held != Some(status.as_str())
    {
        problems.push(format!(
            "payment `{id}`: the merchant holds status {}, expected `{status}`",
            held.map_or("none".into(), |h| format!("`{h}`"))
        ));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}
