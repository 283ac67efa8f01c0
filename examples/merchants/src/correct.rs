//! The correct merchant: the README's recipe. Each integrated operation has
//! its own endpoint, which verifies the raw body with the generated
//! callback type (size, then an unambiguous signature, then the rules)
//! before reading anything, and acts on each callback once.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use gatespec_client::monetix::{mobile, smp_p2p_kz};
use gatespec_runtime::callback::{CallbackError, VerifiedCallback};
use gatespec_runtime::signature::SecretKey;
use std::sync::Arc;

use crate::ledger::{Event, Ledger, probe};

#[derive(Clone)]
struct App {
    secret: Arc<SecretKey>,
    ledger: Ledger,
}

/// The answer to a callback that did not verify: 413 for a body past the
/// limit, 401 for a signature that does not hold, 400 for the rest. None
/// is a 2xx, so the platform never takes it as delivered.
fn refused(e: &CallbackError) -> StatusCode {
    match e {
        CallbackError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        CallbackError::Unsigned | CallbackError::BadSignature | CallbackError::Ambiguous(_) => {
            StatusCode::UNAUTHORIZED
        }
        _ => StatusCode::BAD_REQUEST,
    }
}

/// Records a verified callback once; every verified callback is answered
/// 200, a resent or late one too, so that the platform stops resending.
fn record<C>(
    ledger: &Ledger,
    verified: Result<VerifiedCallback<C>, CallbackError>,
    read: impl Fn(&C) -> Event<'_>,
) -> StatusCode {
    match verified {
        Ok(v) => {
            ledger.once(&read(&v.callback));
            StatusCode::OK
        }
        Err(e) => refused(&e),
    }
}

async fn payout(State(app): State<App>, body: Bytes) -> StatusCode {
    let verified = smp_p2p_kz::payout::Callback::verify(&body, &app.secret);
    record(&app.ledger, verified, |c| Event {
        payment_id: &c.payment.id,
        status: &c.payment.status,
        settles: c.payment_status().is_final(),
        identity: identity(&c.payment.status, c.operation.as_ref().and_then(|o| o.id)),
    })
}

async fn purchase(State(app): State<App>, body: Bytes) -> StatusCode {
    let verified = mobile::purchase::Callback::verify(&body, &app.secret);
    record(&app.ledger, verified, |c| Event {
        payment_id: &c.payment.id,
        status: &c.payment.status,
        settles: c.payment_status().is_final(),
        identity: identity(&c.payment.status, c.operation.as_ref().and_then(|o| o.id)),
    })
}

/// A callback is the same callback when it reports the same status of the
/// same operation.
fn identity(status: &str, operation: Option<i64>) -> String {
    format!("{}:{status}", operation.unwrap_or_default())
}

/// The routes: `POST /callbacks/smp-p2p-kz/payout`,
/// `POST /callbacks/mobile/purchase` and `GET /probe`.
pub fn router(secret: SecretKey) -> Router {
    let app = App {
        secret: Arc::new(secret),
        ledger: Ledger::default(),
    };
    Router::new()
        .route("/callbacks/smp-p2p-kz/payout", post(payout))
        .route("/callbacks/mobile/purchase", post(purchase))
        // Past verify's own limit, so that it (not the framework) refuses
        // an oversized body, with a 413.
        .layer(DefaultBodyLimit::max(
            gatespec_runtime::callback::DEFAULT_MAX_BODY + 1024,
        ))
        .with_state(app.clone())
        .merge(
            Router::new()
                .route("/probe", get(probe))
                .with_state(app.ledger),
        )
}
