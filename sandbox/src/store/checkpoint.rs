//! Checkpoints off the request path.
//!
//! In WAL mode a commit appends pages to the log without waiting for the
//! disk (`synchronous = NORMAL`); a checkpoint copies the log back into the
//! database and waits for the disk twice (`fsync` of the log, then of the
//! database). SQLite runs it by default inside the commit that takes the
//! log past 1,000 pages, under the writer's lock: on a disk whose `fsync`
//! takes 10 ms, that commit, and every request queued behind the lock,
//! waited 20 ms or more, which was the sandbox's latency tail.
//!
//! Here a thread with its own connection copies the log back every
//! [`EVERY`] without blocking the writer (a passive checkpoint), and the
//! writer checkpoints only when the log has not been restarted for
//! [`WRITER_PAGES`] pages. A passive checkpoint finishes only when no
//! commit lands while it copies, and SQLite restarts the log only after a
//! finished one; under sustained load the writer's own checkpoint is what
//! bounds the log, and by then the thread has copied nearly all of it, so
//! that checkpoint has little left to copy.

use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// How often the thread copies the log back.
pub(super) const EVERY: Duration = Duration::from_millis(100);

/// The log's length (in 4 KiB pages, so 256 MiB) at which the writer
/// checkpoints itself. Between two of these, the log's file may grow to
/// this size; after one, it is cut back to [`KEPT_BYTES`].
pub(super) const WRITER_PAGES: i64 = 65_536;

/// The log's file is cut back to this many bytes when it restarts.
pub(super) const KEPT_BYTES: i64 = 64 << 20;

/// The checkpointing thread; dropping it stops the thread and waits for it.
pub(super) struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread on its own connection to `path`.
    pub(super) fn start(path: &Path) -> Result<Checkpointer, String> {
        let conn = super::connect(path)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sandbox-checkpoint".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    // A checkpoint that fails (the disk is full, say) leaves
                    // the log as it was: commits still land in it, and the
                    // next turn tries again.
                    if let Err(e) = passive(&conn) {
                        tracing::warn!("checkpoint: {e}");
                    }
                }
            })
            .map_err(|e| format!("the checkpoint thread: {e}"))?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// Copies back what the log holds, waiting for no reader or writer.
fn passive(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Created, NewPayment, Store};

    /// Committed payments reach the database's own file without any
    /// further write and without the writer checkpointing: the thread
    /// copied them back. (With SQLite's default, they would stay in the log
    /// until it held 1,000 pages.)
    #[tokio::test]
    async fn the_log_is_copied_back_without_the_writer() {
        let dir = tempfile::tempdir().expect("directory");
        let path = dir.path().join("c.db");
        let store = Store::open(&path).expect("store");
        let before = std::fs::metadata(&path).expect("database file").len();
        let ids: Vec<String> = (0..50).map(|n| format!("p{n}")).collect();
        for id in &ids {
            let payment = NewPayment::settled_payout(1, id, "b/m/payout");
            let staged = store.create_payment(&payment, "http://127.0.0.1:9/cb", None);
            assert!(matches!(
                store.committed(staged).await,
                Ok(Created::New { .. })
            ));
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::fs::metadata(&path).expect("database file").len() <= before {
            assert!(
                std::time::Instant::now() < deadline,
                "the database file stayed at {before} bytes: nothing was checkpointed"
            );
            std::thread::sleep(EVERY / 2);
        }
        drop(store);
        // And the thread stops with the store: the file can be opened and
        // read by another connection at once.
        let rows: i64 = Connection::open(&path)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM payments", [], |r| r.get(0)))
            .expect("count");
        assert_eq!(rows, ids.len() as i64);
    }
}
