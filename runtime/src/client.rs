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
}

impl GateConfig {
    /// A configuration with 30 s request and 10 s connect timeouts.
    pub fn new(base_url: impl Into<String>, project_id: i64, secret: SecretKey) -> Self {
        GateConfig {
            base_url: base_url.into(),
            project_id,
            secret,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
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

/// What went wrong with a request.
#[derive(Debug)]
pub enum ClientError {
    /// The configuration is unusable (bad base URL, TLS setup).
    Config(String),
    /// The request does not validate; nothing was sent.
    Invalid(Report),
    /// The operation has no Gate endpoint (Payment Page operations).
    NoEndpoint(&'static str),
    /// The request did not complete: connection, timeout, TLS.
    Transport {
        /// Whether it timed out.
        timeout: bool,
        /// The transport's message.
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
            ClientError::Transport {
                timeout: true,
                message,
            } => write!(f, "the Gate did not answer in time: {message}"),
            ClientError::Transport { message, .. } => {
                write!(f, "the request did not reach the Gate: {message}")
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

/// A client of one project on one brand's Gate.
#[derive(Debug, Clone)]
pub struct GateClient {
    http: reqwest::Client,
    config: GateConfig,
}

impl GateClient {
    /// Builds the client.
    pub fn new(config: GateConfig) -> Result<Self, ClientError> {
        url::Url::parse(&config.base_url)
            .map_err(|e| ClientError::Config(format!("base URL {:?}: {e}", config.base_url)))?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
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
        let text = response.text().await.map_err(transport)?;
        let parsed: Option<Value> = serde_json::from_str(&text).ok();
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

fn transport(e: reqwest::Error) -> ClientError {
    ClientError::Transport {
        timeout: e.is_timeout(),
        message: e.to_string(),
    }
}

fn snippet(text: &str) -> String {
    text.chars().take(200).collect()
}
