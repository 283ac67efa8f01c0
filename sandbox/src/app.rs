//! The state every handler shares, and what they answer alike: the
//! configuration, the catalogue, the database and the delivery worker's
//! wake-up; the internal-error answer; the limits the sandbox adds (body
//! time, payment id length). Handlers import this module, never each other.

use std::hash::BuildHasher;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use gatespec_runtime::Violation;
use gatespec_runtime::rejection::RejectionCode;
use gatespec_runtime::validate::Code;
use serde_json::Value;
use tokio::sync::Notify;

use crate::answer::reject;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::store::{Store, now_ms};

/// What every handler shares.
pub struct App {
    /// The checked configuration.
    pub config: Config,
    /// The operations served.
    pub catalog: Catalog,
    /// The database.
    pub store: Arc<Store>,
    /// Wakes the delivery worker when a callback is queued.
    pub wake: Arc<Notify>,
    /// The address it listens on (the port picked, when the config says
    /// 0): the sandbox's own pages are addressed through it.
    pub addr: std::net::SocketAddr,
}

/// Logs an internal failure and answers 500 without its details.
pub fn internal(e: &str) -> Response {
    tracing::error!("{e}");
    reject(
        StatusCode::INTERNAL_SERVER_ERROR,
        RejectionCode::Internal,
        "the sandbox could not record the request",
    )
}

/// How long a request body may take to arrive once its headers have.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The longest payment id the sandbox keeps, in characters. The documents
/// state no limit; every id of theirs is a few dozen characters. Without
/// one, a client could store megabytes per payment and make `/sandbox`
/// answer hundreds of them.
pub const MAX_PAYMENT_ID_CHARS: usize = 255;

/// A violation for a payment id past [`MAX_PAYMENT_ID_CHARS`], at `pointer`.
pub fn long_payment_id(id: Option<&Value>, pointer: &str) -> Option<Violation> {
    let n = id?.as_str()?.chars().count();
    (n > MAX_PAYMENT_ID_CHARS).then(|| Violation {
        pointer: pointer.to_string(),
        code: Code::MaxLength,
        message: format!(
            "must be at most {MAX_PAYMENT_ID_CHARS} characters long in the sandbox (the documents state no limit), got {n}"
        ),
    })
}

/// A six-digit OTP. Not a secret: the inspection API shows it.
pub fn new_otp(payment_id: &str) -> String {
    let n = std::collections::hash_map::RandomState::new().hash_one((payment_id, now_ms()));
    format!("{:06}", n % 1_000_000)
}

/// A fresh unguessable token (128 random bits, hex): a checkout page's
/// address, a redirect's.
pub fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for a token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
