//! Callback delivery: every undelivered callback in the database is posted
//! to its URL until the receiver answers 2xx, with the configured waits
//! between attempts. Each attempt is recorded; the queue is the database,
//! so a restart resumes where the last run stopped.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use crate::config::Delivery;
use crate::store::{Attempt, Due, Store, now_ms};

/// How many callbacks are in flight at once.
const IN_FLIGHT: usize = 32;
/// The longest the worker sleeps without looking at the database.
const IDLE: Duration = Duration::from_millis(500);
/// The longest answer body recorded per attempt.
const ANSWER_BYTES: usize = 1024;

/// Delivers callbacks until `shutdown` turns true; attempts in flight then
/// finish and are recorded.
///
/// One loop records every attempt that has finished since its last turn
/// (in one transaction) and starts the callbacks now due, so under load the
/// database sees one commit per batch, not one per callback. Which
/// callbacks are in flight is known to this loop only: a restart makes
/// them due again, at least once and never lost.
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
    let mut flights: JoinSet<Attempt> = JoinSet::new();
    let mut in_flight: HashSet<i64> = HashSet::new();
    let mut finished: Vec<Attempt> = Vec::new();
    loop {
        while let Some(done) = flights.try_join_next() {
            finished.extend(done.ok());
        }
        record(&store, &mut finished, &mut in_flight);
        if *shutdown.borrow() {
            break;
        }
        let room = IN_FLIGHT.saturating_sub(flights.len());
        let due = store.due(now_ms(), &in_flight, room).unwrap_or_else(|e| {
            tracing::error!("{e}");
            Vec::new()
        });
        let started = due.len();
        for d in due {
            in_flight.insert(d.id);
            let (client, schedule) = (client.clone(), schedule.clone());
            flights.spawn(async move { attempt(&client, &schedule, d).await });
        }
        if started > 0 && started == room {
            // More may be due: look again once a flight lands.
            if let Some(done) = flights.join_next().await {
                finished.extend(done.ok());
            }
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
            Some(done) = flights.join_next(), if !flights.is_empty() => finished.extend(done.ok()),
            _ = shutdown.changed() => {}
        }
    }
    while let Some(done) = flights.join_next().await {
        finished.extend(done.ok());
    }
    record(&store, &mut finished, &mut in_flight);
}

/// Records finished attempts; their callbacks leave the flight set either
/// way (a failed write leaves them due, to be sent again).
fn record(store: &Store, finished: &mut Vec<Attempt>, in_flight: &mut HashSet<i64>) {
    if finished.is_empty() {
        return;
    }
    if let Err(e) = store.attempted(finished) {
        tracing::error!("{e}");
    }
    for a in finished.drain(..) {
        in_flight.remove(&a.id);
    }
}

/// One attempt at one callback, with its outcome.
async fn attempt(client: &reqwest::Client, schedule: &Delivery, d: Due) -> Attempt {
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
    let at_ms = now_ms();
    tracing::info!(
        callback = d.id,
        attempt = n + 1,
        status = status.map(i64::from).unwrap_or(-1),
        delivered,
        "callback attempt"
    );
    Attempt {
        id: d.id,
        at_ms,
        status,
        error,
        answer,
        delivered,
        next_ms: at_ms + wait.as_millis() as i64,
    }
}
