//! What a merchant did with callbacks: per payment, how many it acted on
//! and the status it holds. Both examples keep one; the probe reads it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{Value, json};

/// One payment as the merchant's books hold it.
#[derive(Debug, Default)]
struct Entry {
    /// Callbacks acted on.
    effects: u64,
    /// The payment status held.
    status: Option<String>,
    /// Whether that status settles the payment.
    settled: bool,
    /// The callbacks already acted on (their identity), so that a resent
    /// one is acknowledged without a second effect.
    seen: HashSet<String>,
}

/// The books, shared by the handlers.
#[derive(Debug, Clone, Default)]
pub struct Ledger(Arc<Mutex<HashMap<String, Entry>>>);

/// What a callback asks the merchant to record.
pub struct Event<'a> {
    /// The payment.
    pub payment_id: &'a str,
    /// Its status in the callback.
    pub status: &'a str,
    /// Whether that status settles it.
    pub settles: bool,
    /// What tells this callback from another of the same payment.
    pub identity: String,
}

impl Ledger {
    /// Acts on `event` unless it was acted on before or the payment is
    /// already settled (a late intermediate callback): what a correct
    /// merchant does. Returns whether it had an effect.
    pub fn once(&self, event: &Event<'_>) -> bool {
        let mut books = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let entry = books.entry(event.payment_id.to_owned()).or_default();
        if entry.settled || !entry.seen.insert(event.identity.clone()) {
            return false;
        }
        entry.effects += 1;
        entry.status = Some(event.status.to_owned());
        entry.settled = event.settles;
        true
    }

    /// Acts on `event` whatever came before: what a naive merchant does.
    pub fn always(&self, event: &Event<'_>) {
        let mut books = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let entry = books.entry(event.payment_id.to_owned()).or_default();
        entry.effects += 1;
        entry.status = Some(event.status.to_owned());
    }

    fn report(&self, payment_id: &str) -> Value {
        let books = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match books.get(payment_id) {
            Some(e) => json!({"effects": e.effects, "status": e.status}),
            None => json!({"effects": 0, "status": null}),
        }
    }
}

/// The probe's query.
#[derive(Debug, Deserialize)]
pub struct Asked {
    payment_id: String,
}

/// `GET /probe?payment_id=<id>`: `{"effects": n, "status": s}`, what
/// `gatespec conform callbacks --probe` reads.
pub async fn probe(State(ledger): State<Ledger>, Query(asked): Query<Asked>) -> Json<Value> {
    Json(ledger.report(&asked.payment_id))
}
