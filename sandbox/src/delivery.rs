//! Callback delivery: every undelivered callback in the database is posted
//! to its URL until the receiver answers 2xx, with the configured waits
//! between attempts. Each attempt is recorded; the queue is the database,
//! so a restart resumes where the last run stopped.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use crate::config::Delivery;
use crate::store::{Due, Store, now_ms};

/// How many callbacks are in flight at once.
const IN_FLIGHT: usize = 32;
/// The longest the worker sleeps without looking at the database.
const IDLE: Duration = Duration::from_millis(500);
/// The longest answer body recorded per attempt.
const ANSWER_BYTES: usize = 1024;

/// Delivers callbacks until `shutdown` turns true; attempts in flight then
/// finish and are recorded.
pub async fn run(
    store: Arc<Store>,
    schedule: Delivery,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    let client = match reqwest::Client::builder()
        .timeout(schedule.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("callback delivery cannot start: {e}");
            return;
        }
    };
    let lease = schedule.timeout.as_millis() as i64 + 1_000;
    let mut flights = JoinSet::new();
    loop {
        if *shutdown.borrow() {
            break;
        }
        let room = IN_FLIGHT.saturating_sub(flights.len());
        let now = now_ms();
        let due = if room > 0 {
            store.claim(now, now + lease, room).unwrap_or_else(|e| {
                tracing::error!("{e}");
                Vec::new()
            })
        } else {
            Vec::new()
        };
        let claimed = due.len();
        for d in due {
            let (client, store, schedule) = (client.clone(), store.clone(), schedule.clone());
            flights.spawn(async move { attempt(&client, &store, &schedule, d).await });
        }
        if claimed > 0 && flights.len() < IN_FLIGHT {
            continue;
        }
        let wait = match store.next_due() {
            Ok(Some(at)) => {
                Duration::from_millis((at - now_ms()).clamp(1, IDLE.as_millis() as i64) as u64)
            }
            _ => IDLE,
        };
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            Some(_) = flights.join_next(), if !flights.is_empty() => {}
            _ = shutdown.changed() => {}
        }
    }
    while flights.join_next().await.is_some() {}
}

/// One attempt at one callback, recorded with its outcome.
async fn attempt(client: &reqwest::Client, store: &Store, schedule: &Delivery, d: Due) {
    let sent = client
        .post(&d.url)
        .header("content-type", "application/json")
        .body(d.body)
        .send()
        .await;
    let (status, error, answer) = match sent {
        Ok(r) => {
            let status = r.status().as_u16();
            let text = r.text().await.unwrap_or_default();
            let mut end = text.len().min(ANSWER_BYTES);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            (Some(status), None, Some(text[..end].to_string()))
        }
        Err(e) => (None, Some(e.to_string()), None),
    };
    let delivered = status.is_some_and(|s| (200..300).contains(&s));
    let n = d.attempts as usize;
    let wait = schedule.retry[n.min(schedule.retry.len() - 1)];
    let next = now_ms() + wait.as_millis() as i64;
    tracing::info!(
        callback = d.id,
        attempt = n + 1,
        status = status.map(i64::from).unwrap_or(-1),
        delivered,
        "callback attempt"
    );
    if let Err(e) = store.attempted(
        d.id,
        status,
        error.as_deref(),
        answer.as_deref(),
        delivered,
        next,
    ) {
        tracing::error!("{e}");
    }
}
