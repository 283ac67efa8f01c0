//! Group commit: new payments that arrive together share one SQLite commit.
//!
//! Each payment is written in a savepoint of the batch that is open on the
//! connection, so a payment that fails undoes only itself. The first
//! payment of a batch leads it: it lets the tasks that are ready run (and
//! join the batch), then commits them all. Every request is acknowledged
//! only after the commit that holds it, so an acknowledged payment is as
//! durable as before; a commit costs about as much for twenty payments as
//! for one. Any other use of the connection commits the open batch first,
//! so no other read or write sees or mixes with an uncommitted payment; and
//! a payment id found in the open batch is refused as a duplicate only
//! after that batch is committed.

use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::oneshot;

/// Why a commit failed, worded (the same text as the store's `Error`, which
/// this module does not import: the store imports it).
type Error = String;

/// How long a payment waits for its leader before committing the batch
/// itself: a leader whose client hung up is dropped with its task.
const LEADER_GRACE: Duration = Duration::from_millis(20);

/// The connection with its open batch.
pub(crate) struct Batched {
    /// The connection.
    pub conn: Connection,
    /// Whether a batch transaction is open.
    open: bool,
    /// Which batch is open (or next): counts commits.
    generation: u64,
    /// Who waits for the open batch's commit.
    waiters: Vec<oneshot::Sender<Result<(), Error>>>,
}

/// A staged payment's place in its batch: await it with
/// [`crate::store::Store::committed`].
#[derive(Debug)]
pub struct Commit {
    result: oneshot::Receiver<Result<(), Error>>,
    /// The batch this payment is in.
    generation: u64,
    /// Whether this payment leads its batch.
    leader: bool,
}

impl Batched {
    /// The connection, with no batch open.
    pub fn new(conn: Connection) -> Batched {
        Batched {
            conn,
            open: false,
            generation: 0,
            waiters: Vec::new(),
        }
    }

    /// Opens a batch if none is open.
    pub fn begin(&mut self) -> rusqlite::Result<()> {
        if !self.open {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.open = true;
        }
        Ok(())
    }

    /// Whether the open batch holds payments waiting for its commit.
    pub fn waiting(&self) -> bool {
        !self.waiters.is_empty()
    }

    /// Joins the open batch: the returned ticket resolves when it commits.
    pub fn join(&mut self) -> Commit {
        let (tx, rx) = oneshot::channel();
        let leader = self.waiters.is_empty();
        self.waiters.push(tx);
        Commit {
            result: rx,
            generation: self.generation,
            leader,
        }
    }

    /// Commits the open batch, if any, and tells everyone in it.
    pub fn flush(&mut self) {
        self.flush_if(self.generation);
    }

    /// Commits batch `generation` if it is still the open one.
    fn flush_if(&mut self, generation: u64) {
        if !self.open || self.generation != generation {
            return;
        }
        let result = self.conn.execute_batch("COMMIT").map_err(|e| {
            // A failed COMMIT may leave the transaction open; nothing of
            // it was acknowledged, so it is undone.
            let _ = self.conn.execute_batch("ROLLBACK");
            format!("database: {e}")
        });
        self.open = false;
        self.generation += 1;
        for w in self.waiters.drain(..) {
            // A waiter that is gone (its client hung up) needs no answer.
            let _ = w.send(result.clone());
        }
    }
}

/// Waits for `commit`'s batch to be committed, leading it if it is the
/// leader. `lock` gives the connection.
pub(crate) async fn committed<G>(lock: impl Fn() -> G, commit: Commit) -> Result<(), Error>
where
    G: std::ops::DerefMut<Target = Batched>,
{
    let Commit {
        mut result,
        generation,
        leader,
    } = commit;
    if leader {
        // Let the requests that are ready join the batch first.
        tokio::task::yield_now().await;
        lock().flush_if(generation);
    } else if let Ok(r) = tokio::time::timeout(LEADER_GRACE, &mut result).await {
        return r.unwrap_or_else(|_| Err(abandoned()));
    } else {
        lock().flush_if(generation);
    }
    result.await.unwrap_or_else(|_| Err(abandoned()))
}

fn abandoned() -> Error {
    "database: the commit of this payment was abandoned".to_string()
}
