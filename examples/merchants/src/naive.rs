//! The naive merchant, kept to show what `conform` catches: it parses the
//! body into a JSON value (the last of two equal keys wins), signs what it
//! parsed and compares with `==`, and acts on every callback it accepts.
//! Do not copy it.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use gatespec_runtime::signature::{SecretKey, sign};
use serde_json::Value;
use std::sync::Arc;

use crate::ledger::{Event, Ledger, probe};

#[derive(Clone)]
struct App {
    secret: Arc<SecretKey>,
    ledger: Ledger,
}

async fn callback(State(app): State<App>, body: Bytes) -> StatusCode {
    let Ok(mut value) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let given = value
        .as_object_mut()
        .and_then(|o| o.remove("signature"))
        .and_then(|s| s.as_str().map(str::to_owned));
    // The mistakes: `==` on a signature made over the parsed value.
    if given != Some(sign(&value, &app.secret)) {
        return StatusCode::FORBIDDEN;
    }
    let text = |p: &str| value.pointer(p).and_then(Value::as_str).unwrap_or_default();
    app.ledger.always(&Event {
        payment_id: text("/payment/id"),
        status: text("/payment/status"),
        settles: false,
        identity: String::new(),
    });
    StatusCode::OK
}

/// The routes: `POST /callbacks/<anything>` and `GET /probe`.
pub fn router(secret: SecretKey) -> Router {
    let app = App {
        secret: Arc::new(secret),
        ledger: Ledger::default(),
    };
    Router::new()
        .route("/callbacks/{*operation}", post(callback))
        .with_state(app.clone())
        .merge(
            Router::new()
                .route("/probe", get(probe))
                .with_state(app.ledger),
        )
}
