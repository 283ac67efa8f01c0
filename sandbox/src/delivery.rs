//! Callback delivery: every undelivered callback in the database is posted
//! to its URL until the receiver answers 2xx, with the configured waits
//! between attempts. Each attempt is recorded; the queue is the database,
//! so a restart resumes where the last run stopped.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use crate::config::Delivery;
use crate::store::{Attempt, Due, Store, now_ms};

/// How many callbacks are in flight at once.
const IN_FLIGHT: usize = 32;
/// How many of one project's callbacks are in flight at once: a hung
/// receiver holds at most these slots, and the others stay free for every
/// other project.
const PER_PROJECT: usize = 8;
/// The longest the worker sleeps without looking at the database.
const IDLE: Duration = Duration::from_millis(500);
/// The longest answer body recorded per attempt.
const ANSWER_BYTES: usize = 1024;

/// Delivers callbacks until `shutdown` turns true; attempts in flight then
/// finish and are recorded.
///
/// One loop records the attempts that have finished (in one transaction)
/// and starts the callbacks now due. Recording writes through the one
/// writing connection, which commits the Gate's open batch of new payments
/// first, so finished attempts are recorded together: when
/// [`RECORD_BATCH`] have landed, when the oldest has waited
/// [`RECORD_WAIT`], or when nothing else is in flight. A landed attempt
/// frees its slot at once; until it is recorded its callback is left out
/// of the due ones, so it is not sent again. Which callbacks are in
/// flight is known to this loop only: a restart makes them due again, at
/// least once and never lost.
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
    // Callback id to project id, for the per-project share of the slots.
    let mut in_flight: HashMap<i64, i64> = HashMap::new();
    let mut landed = Landed::default();
    let mut backoff = WriteBackoff::default();
    loop {
        while let Some(done) = flights.try_join_next() {
            landed.add(done.ok(), &mut in_flight);
        }
        let stopping = *shutdown.borrow();
        let wait = if landed.ready(flights.is_empty() || stopping) {
            backoff.after(landed.record(&store))
        } else {
            None
        };
        if stopping {
            break;
        }
        if let Some(wait) = wait {
            // Nothing new starts while attempts cannot be recorded: each
            // would be sent and then forgotten.
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => {}
            }
            continue;
        }
        let room = IN_FLIGHT.saturating_sub(flights.len());
        let due = store
            .due(now_ms(), &in_flight, &landed.ids, room, PER_PROJECT)
            .unwrap_or_else(|e| {
                tracing::error!("{e}");
                Vec::new()
            });
        let started = due.len();
        for d in due {
            in_flight.insert(d.id, d.project_id);
            let (client, schedule) = (client.clone(), schedule.clone());
            flights.spawn(async move { attempt(&client, &schedule, d).await });
        }
        if started > 0 && started == room {
            // More may be due: look again once a flight lands.
            if let Some(done) = flights.join_next().await {
                landed.add(done.ok(), &mut in_flight);
            }
            continue;
        }
        // A callback due already and not started is in flight or waits for
        // its project's share of the slots: a landing flight (or a new
        // payment) is what can change that, so do not poll for it.
        let mut wait = match store.next_due() {
            Ok(Some(at)) if at > now_ms() => {
                Duration::from_millis((at - now_ms()).min(IDLE.as_millis() as i64) as u64)
            }
            _ => IDLE,
        };
        if let Some(left) = landed.time_left() {
            wait = wait.min(left);
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            Some(done) = flights.join_next(), if !flights.is_empty() => {
                landed.add(done.ok(), &mut in_flight);
            }
            _ = shutdown.changed() => {}
        }
    }
    while let Some(done) = flights.join_next().await {
        landed.add(done.ok(), &mut in_flight);
    }
    if let Err(e) = landed.record(&store) {
        tracing::error!("{e}: the attempts in flight are sent again after a restart");
    }
}

/// How many landed attempts are recorded together at most.
const RECORD_BATCH: usize = 64;
/// The longest a landed attempt waits to be recorded while others are in
/// flight.
const RECORD_WAIT: Duration = Duration::from_millis(20);

/// Attempts that have finished and are not recorded yet.
#[derive(Default)]
struct Landed {
    attempts: Vec<Attempt>,
    /// Their callbacks, left out of the due ones until recorded.
    ids: std::collections::HashSet<i64>,
    /// When the oldest of them landed.
    since: Option<std::time::Instant>,
}

impl Landed {
    /// Takes a finished flight's attempt: its slot is free at once.
    fn add(&mut self, attempt: Option<Attempt>, in_flight: &mut HashMap<i64, i64>) {
        let Some(a) = attempt else {
            return;
        };
        in_flight.remove(&a.id);
        self.ids.insert(a.id);
        self.attempts.push(a);
        self.since.get_or_insert_with(std::time::Instant::now);
    }

    /// Whether to record now: enough have landed, the oldest has waited
    /// long enough, or `anyway` (nothing else is in flight, or the worker
    /// stops).
    fn ready(&self, anyway: bool) -> bool {
        !self.attempts.is_empty()
            && (anyway
                || self.attempts.len() >= RECORD_BATCH
                || self.since.is_some_and(|t| t.elapsed() >= RECORD_WAIT))
    }

    /// How long until the oldest must be recorded, when any waits.
    fn time_left(&self) -> Option<Duration> {
        self.since.map(|t| RECORD_WAIT.saturating_sub(t.elapsed()))
    }

    /// Records them; only once they are recorded do their callbacks
    /// become readable as due again. A failed write (a full disk) keeps
    /// them, so a delivered callback is not sent again at once; the caller
    /// backs off and tries the write again.
    fn record(&mut self, store: &Store) -> Result<(), String> {
        if self.attempts.is_empty() {
            return Ok(());
        }
        store.attempted(&self.attempts)?;
        for a in self.attempts.drain(..) {
            self.ids.remove(&a.id);
        }
        self.since = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write that keeps failing waits longer each time, up to the
    /// longest wait, and never zero; a success ends the pause.
    #[test]
    fn a_failing_write_backs_off_and_recovers() {
        let mut b = WriteBackoff::default();
        assert_eq!(b.after(Ok(())), None);
        let mut waits = Vec::new();
        for _ in 0..12 {
            waits.push(b.after(Err("disk full".into())).expect("a wait"));
        }
        assert_eq!(waits[0], WriteBackoff::FIRST);
        assert!(waits.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(*waits.last().expect("waits"), WriteBackoff::LONGEST);
        assert_eq!(b.after(Ok(())), None);
        assert_eq!(b.after(Err("again".into())), Some(WriteBackoff::FIRST));
    }
}

/// The wait after a failed write of attempts: doubling from 100 ms to 30 s,
/// said once in the log when the trouble starts and once when it ends.
#[derive(Default)]
pub(crate) struct WriteBackoff {
    wait: Option<Duration>,
}

impl WriteBackoff {
    const FIRST: Duration = Duration::from_millis(100);
    const LONGEST: Duration = Duration::from_secs(30);

    /// Takes a write's outcome; the wait before the next try, if any.
    pub(crate) fn after(&mut self, outcome: Result<(), String>) -> Option<Duration> {
        match (outcome, self.wait) {
            (Ok(()), None) => None,
            (Ok(()), Some(_)) => {
                tracing::info!("callback attempts are recorded again; delivery resumes");
                self.wait = None;
                None
            }
            (Err(e), None) => {
                tracing::error!(
                    "cannot record callback attempts ({e}); delivery pauses and the write is retried with growing waits, up to {} s",
                    Self::LONGEST.as_secs()
                );
                self.wait = Some(Self::FIRST);
                self.wait
            }
            (Err(_), Some(w)) => {
                self.wait = Some((w * 2).min(Self::LONGEST));
                self.wait
            }
        }
    }
}

/// What went wrong with an attempt, in words that tell a refused
/// connection from a timeout, without the URL (which may hold a token).
pub(crate) fn failure(e: &reqwest::Error, timeout: Duration) -> String {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    let mut io_kind = None;
    let mut innermost = None;
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        innermost = Some(c.to_string());
        cause = c.source();
    }
    let what = if e.is_timeout() {
        format!("timed out: no answer within {} ms", timeout.as_millis())
    } else if io_kind == Some(std::io::ErrorKind::ConnectionRefused) {
        "connection refused: nothing listens at the callback URL".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else if e.is_body() || e.is_decode() {
        "the answer broke off".to_string()
    } else {
        "the request failed".to_string()
    };
    match innermost {
        Some(detail) if !e.is_timeout() => format!("{what} ({detail})"),
        _ => what,
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
        Ok(mut r) => {
            let status = r.status().as_u16();
            // Only what is kept is read: a receiver answering a huge body
            // costs the sandbox at most ANSWER_BYTES and a closed stream.
            let mut kept: Vec<u8> = Vec::new();
            while kept.len() < ANSWER_BYTES {
                match r.chunk().await {
                    Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
                    _ => break,
                }
            }
            let text = String::from_utf8_lossy(&kept);
            let mut end = text.len().min(ANSWER_BYTES);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            (Some(status), None, Some(text[..end].to_string()))
        }
        Err(e) => (None, Some(failure(&e, schedule.timeout)), None),
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
