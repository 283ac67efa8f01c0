//! The HTTP client the generated per-brand clients wrap (reqwest over
//! rustls; no OpenSSL).
//!
//! `send` validates the request, fills `general.project_id` and
//! `general.signature`, posts the JSON to the operation's path under the
//! configured base URL (never a guessed production URL), and tells
//! transport failures, the Gate's rejections and unexpected responses
//! apart.

use std::fmt;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::Endpoint;
use crate::signature::{SecretKey, sign, sign_request};
use crate::validate::{Report, Validate};

/// How to reach one project on one brand's Gate.
#[derive(Debug, Clone)]
pub struct GateConfig {
    /// The Gate's base URL, as the brand gives it to the merchant.
    pub base_url: String,
    /// The project id.
    pub project_id: i64,
    /// The project's secret key.
    pub secret: SecretKey,
    /// Timeout of a whole request.
    pub timeout: Duration,
    /// Timeout of connecting.
    pub connect_timeout: Duration,
    /// The largest answer read, in bytes; a larger one is
    /// [`ClientError::Unexpected`] and is not read further.
    pub max_answer_bytes: usize,
    /// Allow a plain `http://` base URL to a host that is not loopback.
    /// Off by default: the requests carry personal data and a signature.
    pub allow_plain_http: bool,
}

/// The default of [`GateConfig::max_answer_bytes`]: 1 MiB. The Gate's
/// answers are a few hundred bytes.
pub const DEFAULT_MAX_ANSWER: usize = 1 << 20;

impl GateConfig {
    /// A configuration with 30 s request and 10 s connect timeouts, a
    /// 1 MiB answer limit, and https required unless the host is loopback.
    pub fn new(base_url: impl Into<String>, project_id: i64, secret: SecretKey) -> Self {
        GateConfig {
            base_url: base_url.into(),
            project_id,
            secret,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_answer_bytes: DEFAULT_MAX_ANSWER,
            allow_plain_http: false,
        }
    }
}

/// Where a request failed on its way, so a caller knows whether the Gate
/// may have received it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// The connection was refused: nothing was sent.
    Refused,
    /// The host name did not resolve: nothing was sent.
    Dns,
    /// The TLS handshake failed (certificate, protocol): nothing was sent.
    Tls,
    /// Connecting took longer than the connect timeout: nothing was sent.
    ConnectTimeout,
    /// Connecting failed otherwise: nothing was sent.
    Connect,
    /// The request timed out after it was (or may have been) sent: the
    /// outcome is unknown.
    TimeoutAfterSend,
    /// The connection broke after the request was (or may have been) sent:
    /// the outcome is unknown.
    BrokenAfterSend,
}

impl TransportKind {
    /// Whether the Gate may have received and processed the request.
    pub fn outcome_unknown(self) -> bool {
        matches!(
            self,
            TransportKind::TimeoutAfterSend | TransportKind::BrokenAfterSend
        )
    }
}

/// The Gate's acknowledgement of a request (its fields as the platform
/// sends them; none is guaranteed by the documents).
#[derive(Debug, Clone, PartialEq)]
pub struct GateAck {
    /// The HTTP status.
    pub http_status: u16,
    /// The acknowledgement body.
    pub body: Map<String, Value>,
}

impl GateAck {
    /// `status` of the acknowledgement, if sent.
    pub fn status(&self) -> Option<&str> {
        self.body.get("status").and_then(Value::as_str)
    }

    /// `request_id` of the acknowledgement, if sent.
    pub fn request_id(&self) -> Option<&str> {
        self.body.get("request_id").and_then(Value::as_str)
    }
}

/// What a generated client method returns: the Gate's acknowledgement (or
/// the operation's own response type `T`), or why there is none.
pub type GateResult<T = GateAck> = Result<T, ClientError>;

/// What went wrong with a request.
#[derive(Debug)]
pub enum ClientError {
    /// The configuration is unusable (bad base URL, TLS setup).
    Config(String),
    /// The request does not validate; nothing was sent.
    Invalid(Report),
    /// The operation has no Gate endpoint (Payment Page operations).
    NoEndpoint(&'static str),
    /// The request did not complete. When [`TransportKind::outcome_unknown`],
    /// the Gate may have processed it: do not send the payment again under
    /// a new `payment_id`; resend it with the same one (the Gate refuses a
    /// duplicate) or ask for its status.
    Transport {
        /// Where it failed.
        kind: TransportKind,
        /// The transport's message, with its causes.
        message: String,
    },
    /// The Gate answered with an error, as it sends it.
    Rejected(Box<Rejection>),
    /// The Gate answered something that is neither an acknowledgement nor
    /// an error body (a 5xx page, non-JSON, an unexpected shape).
    Unexpected {
        /// The HTTP status.
        http_status: u16,
        /// The start of the body, for the log.
        body: String,
        /// What was expected.
        why: String,
    },
}

/// The Gate's rejection of a request, as the platform sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// The HTTP status.
    pub http_status: u16,
    /// `code` of the error body, if any.
    pub code: Option<String>,
    /// `message` of the error body, if any.
    pub message: Option<String>,
    /// The whole error body.
    pub body: Value,
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Config(m) => write!(f, "client configuration: {m}"),
            ClientError::Invalid(r) => {
                write!(f, "the request is not valid, nothing was sent:\n{r}")
            }
            ClientError::NoEndpoint(op) => write!(f, "{op} has no Gate endpoint"),
            ClientError::Transport { kind, message } if kind.outcome_unknown() => write!(
                f,
                "the outcome is unknown ({kind:?}): the request may have reached the Gate; resend it with the same payment_id or check its status: {message}"
            ),
            ClientError::Transport { kind, message } => {
                write!(
                    f,
                    "the request did not reach the Gate ({kind:?}): {message}"
                )
            }
            ClientError::Rejected(r) => write!(
                f,
                "the Gate rejected the request (HTTP {}, code {}, {})",
                r.http_status,
                r.code.as_deref().unwrap_or("none"),
                r.message.as_deref().unwrap_or("no message")
            ),
            ClientError::Unexpected {
                http_status,
                why,
                body,
            } => write!(f, "unexpected answer (HTTP {http_status}): {why}: {body}"),
        }
    }
}

impl std::error::Error for ClientError {}

impl ClientError {
    /// Whether the Gate may have received and processed the request: a
    /// timeout or a broken connection after it was sent, or a 5xx answer
    /// (a server error says nothing of whether the payment was recorded
    /// before it).
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ClientError::Transport { kind, .. } => kind.outcome_unknown(),
            ClientError::Rejected(r) => r.http_status >= 500,
            ClientError::Unexpected { http_status, .. } => *http_status >= 500,
            _ => false,
        }
    }
}

/// A client of one project on one brand's Gate.
#[derive(Debug, Clone)]
pub struct GateClient {
    http: reqwest::Client,
    config: GateConfig,
}

impl GateClient {
    /// Builds the client. The base URL must be `https`, unless its host is
    /// loopback or [`GateConfig::allow_plain_http`] is set. Redirects are
    /// never followed: a 3xx would send the signed request, with its
    /// personal data, to another host (or turn it into a GET whose answer
    /// looks like an acknowledgement); it is [`ClientError::Unexpected`].
    pub fn new(config: GateConfig) -> Result<Self, ClientError> {
        let url = url::Url::parse(&config.base_url)
            .map_err(|e| ClientError::Config(format!("base URL {:?}: {e}", config.base_url)))?;
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => false,
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback || config.allow_plain_http => {}
            other => {
                return Err(ClientError::Config(format!(
                    "base URL {:?}: the scheme is {other:?}; the Gate is reached over https (plain http only to a loopback host, or with allow_plain_http)",
                    config.base_url
                )));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ClientError::Config(
                "base URL: credentials in the URL would be sent and logged; remove them".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ClientError::Config(e.to_string()))?;
        Ok(GateClient { http, config })
    }

    /// The configured project id.
    pub fn project_id(&self) -> i64 {
        self.config.project_id
    }

    /// The body `send` would post: the request with `general.project_id`
    /// and `general.signature` filled, validated.
    pub fn prepare<R: Serialize + Validate>(&self, request: &R) -> Result<Value, ClientError> {
        let mut value = serde_json::to_value(request)
            .map_err(|e| ClientError::Config(format!("cannot serialize the request: {e}")))?;
        if let Some(general) = value.get_mut("general").and_then(Value::as_object_mut) {
            general.insert("project_id".into(), Value::from(self.config.project_id));
        }
        sign_request(&mut value, &self.config.secret)
            .map_err(|e| ClientError::Config(e.to_string()))?;
        R::from_json_value(&value).map_err(ClientError::Invalid)?;
        Ok(value)
    }

    /// Sends a request and returns the Gate's acknowledgement.
    pub async fn send<R: Serialize + Validate + Endpoint>(
        &self,
        request: &R,
    ) -> Result<GateAck, ClientError> {
        let (http_status, body) = self.post(request).await?;
        match body {
            Value::Object(body) => Ok(GateAck { http_status, body }),
            other => Err(ClientError::Unexpected {
                http_status,
                body: snippet(&other.to_string()),
                why: "expected a JSON object".into(),
            }),
        }
    }

    /// Sends a request whose answer is a typed document (the banks list).
    pub async fn send_for<R: Serialize + Validate + Endpoint, T: Validate>(
        &self,
        request: &R,
    ) -> Result<T, ClientError> {
        let (http_status, body) = self.post(request).await?;
        T::from_json_value(&body)
            .map(|v| v.value)
            .map_err(|report| ClientError::Unexpected {
                http_status,
                body: snippet(&body.to_string()),
                why: format!(
                    "the answer is not the documented response: {}",
                    report
                        .errors
                        .first()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                ),
            })
    }

    async fn post<R: Serialize + Validate + Endpoint>(
        &self,
        request: &R,
    ) -> Result<(u16, Value), ClientError> {
        let path = R::PATH.ok_or(ClientError::NoEndpoint(R::OPERATION_ID))?;
        let body = self.prepare(request)?;
        let url = format!("{}{}", self.config.base_url.trim_end_matches('/'), path);
        let bytes = serde_json::to_vec(&body).map_err(|e| ClientError::Config(e.to_string()))?;
        let response = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(bytes)
            .send()
            .await
            .map_err(transport)?;
        let http_status = response.status().as_u16();
        if response.status().is_redirection() {
            let to = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or("nowhere");
            return Err(ClientError::Unexpected {
                http_status,
                body: snippet(to),
                why: "a redirect, which is not followed (the signed request would go elsewhere)"
                    .into(),
            });
        }
        let bytes = read_bounded(response, self.config.max_answer_bytes)
            .await
            .map_err(|e| match e {
                Bounded::Transport(e) => transport(e),
                Bounded::TooLarge => ClientError::Unexpected {
                    http_status,
                    body: String::new(),
                    why: format!(
                        "the answer is larger than {} bytes; it was not read further",
                        self.config.max_answer_bytes
                    ),
                },
            })?;
        let text = String::from_utf8_lossy(&bytes);
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        let is_error_body = |v: &Value| v.get("status").and_then(Value::as_str) == Some("error");
        match parsed {
            Some(v) if (200..300).contains(&http_status) && !is_error_body(&v) => {
                Ok((http_status, v))
            }
            Some(v)
                if v.is_object() && (is_error_body(&v) || (400..500).contains(&http_status)) =>
            {
                Err(ClientError::Rejected(Box::new(Rejection {
                    http_status,
                    code: v
                        .get("code")
                        .map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_owned)),
                    message: v.get("message").and_then(Value::as_str).map(str::to_owned),
                    body: v,
                })))
            }
            Some(_) => Err(ClientError::Unexpected {
                http_status,
                body: snippet(&text),
                why: "an HTTP error without an error body".into(),
            }),
            None => Err(ClientError::Unexpected {
                http_status,
                body: snippet(&text),
                why: "the answer is not JSON".into(),
            }),
        }
    }

    /// The Payment Page URL of a purchase: the flat parameters (objects and
    /// arrays as JSON text, as the SDKs send them), `project_id` filled,
    /// signed over exactly what is sent, and URL-encoded after
    /// `<payment_page_url>?`.
    pub fn payment_page_url<R: Serialize + Validate>(
        &self,
        payment_page_url: &str,
        request: &R,
    ) -> Result<String, ClientError> {
        let mut value =
            serde_json::to_value(request).map_err(|e| ClientError::Config(e.to_string()))?;
        let Some(obj) = value.as_object_mut() else {
            return Err(ClientError::Config(
                "a Payment Page request is a flat object".into(),
            ));
        };
        obj.insert("project_id".into(), Value::from(self.config.project_id));
        obj.remove("signature");
        R::from_json_value(&Value::Object({
            let mut with_sig = obj.clone();
            with_sig.insert("signature".into(), Value::String(String::new()));
            with_sig
        }))
        .map_err(ClientError::Invalid)?;
        let flat: Map<String, Value> = obj
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::Object(_) | Value::Array(_) => Value::String(v.to_string()),
                    other => other.clone(),
                };
                (k.clone(), v)
            })
            .collect();
        let flat = Value::Object(flat);
        let signature = sign(&flat, &self.config.secret);
        let mut url = url::Url::parse(payment_page_url)
            .map_err(|e| ClientError::Config(format!("Payment Page URL: {e}")))?;
        {
            let mut q = url.query_pairs_mut();
            if let Value::Object(m) = &flat {
                for (k, v) in m {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
                        Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    q.append_pair(k, &text);
                }
            }
            q.append_pair("signature", &signature);
        }
        Ok(url.into())
    }
}

/// Why an answer was not read whole.
enum Bounded {
    Transport(reqwest::Error),
    TooLarge,
}

/// The answer's body, refused past `max` bytes: by its declared length
/// before anything is read, and while reading, chunk by chunk.
async fn read_bounded(mut response: reqwest::Response, max: usize) -> Result<Vec<u8>, Bounded> {
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Err(Bounded::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Bounded::Transport)? {
        if body.len() + chunk.len() > max {
            return Err(Bounded::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A transport error with where it happened and its causes.
fn transport(e: reqwest::Error) -> ClientError {
    let mut causes = Vec::new();
    let mut refused = false;
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        causes.push(s.to_string());
        source = s.source();
    }
    let chain = causes.join(": ").to_ascii_lowercase();
    let kind = if e.is_connect() {
        if refused {
            TransportKind::Refused
        } else if chain.contains("dns error") || chain.contains("failed to lookup") {
            TransportKind::Dns
        } else if e.is_timeout() {
            TransportKind::ConnectTimeout
        } else if [
            "tls",
            "certificate",
            "handshake",
            "invalidcontenttype",
            "corrupt message",
        ]
        .iter()
        .any(|m| chain.contains(m))
        {
            TransportKind::Tls
        } else {
            TransportKind::Connect
        }
    } else if e.is_timeout() {
        TransportKind::TimeoutAfterSend
    } else {
        TransportKind::BrokenAfterSend
    };
    let mut message = e.to_string();
    for cause in causes {
        message.push_str(": ");
        message.push_str(&cause);
    }
    ClientError::Transport { kind, message }
}

fn snippet(text: &str) -> String {
    text.chars().take(200).collect()
}
