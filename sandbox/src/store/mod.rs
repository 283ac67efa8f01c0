//! Durable state: SQLite in WAL mode. Every payment, operation, callback
//! and delivery attempt is written before the Gate answers or the next
//! attempt is scheduled, so a restart (or a SIGKILL) loses nothing: WAL
//! with `synchronous = NORMAL` keeps every committed transaction across a
//! process crash (only a power loss may cost the last ones).
//!
//! `schema` holds the layout, `records` what is read and written,
//! `payments` the writes of the Gate and the Payment Page, `queue` the
//! delivery queue, `views` the inspection API's JSON, `group` the group
//! commit of new payments, `checkpoint` the thread that copies the log
//! back into the database.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

use group::Batched;
pub use group::Commit;

mod checkpoint;
pub mod clock;
mod group;
mod payments;
mod queue;
mod records;
mod schema;
mod views;

pub use crate::machine::{Change, Payment, Recorded};
pub use records::{Attempt, Builder, Created, Due, NewPayment, Page, PageState, Staged};
use schema::{SCHEMA, SCHEMA_VERSION, UPGRADES_FROM};

/// A callback URL as the inspection API shows it: a user name, password
/// and query values (where receivers often carry a token) are replaced by
/// `REDACTED`, since anyone who can reach the sandbox reads this view.
pub fn redacted_url(url: &str) -> String {
    let Ok(mut u) = url::Url::parse(url) else {
        return "REDACTED".into();
    };
    if !u.username().is_empty() {
        let _ = u.set_username("REDACTED");
    }
    if u.password().is_some() {
        let _ = u.set_password(Some("REDACTED"));
    }
    if u.query().is_some() {
        let names: Vec<String> = u.query_pairs().map(|(k, _)| k.into_owned()).collect();
        let mut q = u.query_pairs_mut();
        q.clear();
        for k in names {
            q.append_pair(&k, "REDACTED");
        }
    }
    u.to_string()
}

/// The database's canonical path: links resolved, for a file that exists;
/// for a new one, its directory's canonical path and its name.
fn canonical_database(path: &Path) -> Result<std::path::PathBuf, Error> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Ok(p);
    }
    let name = path
        .file_name()
        .ok_or_else(|| format!("{}: not a file name", path.display()))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let dir = std::fs::canonicalize(dir)
        .map_err(|e| format!("{}: the database's directory: {e}", path.display()))?;
    Ok(dir.join(name))
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A connection to the database at `path` as every one of the store's is
/// set up: `synchronous = NORMAL` (a commit does not wait for the disk; a
/// checkpoint does) and a wait of up to 5 s for a lock another connection
/// holds.
fn connect(path: &Path) -> Result<Connection, Error> {
    let conn = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(err)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(err)?;
    Ok(conn)
}

/// The database.
pub struct Store {
    inner: Mutex<Batched>,
    /// A second connection, for the delivery queue's reads only: it sees
    /// what is committed (WAL readers do not wait for the writer), so
    /// looking for due callbacks neither waits for nor commits the open
    /// batch of new payments, which would break it up (see `group.rs`).
    reader: Mutex<Connection>,
    /// Each project's clock offset (see `clock.rs`).
    clocks: Mutex<std::collections::HashMap<i64, i64>>,
    /// The faults each project opted into (see [`Store::with_faults`]).
    faults: std::collections::HashMap<i64, crate::faults::Faults>,
    /// The thread that checkpoints the log (see `checkpoint.rs`).
    _checkpoints: checkpoint::Checkpointer,
    /// An exclusive lock on `<database>.lock`, held while the store is
    /// open: which callbacks are in flight is known to one process only,
    /// so a second sandbox on the same file would send them twice. The
    /// system drops the lock when the process ends, even by SIGKILL.
    _owner: std::fs::File,
}

/// The connection, locked, with no batch of new payments open.
struct Locked<'a>(MutexGuard<'a, Batched>);

impl std::ops::Deref for Locked<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.0.conn
    }
}

impl std::ops::DerefMut for Locked<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.0.conn
    }
}

/// A database error, worded.
pub type Error = String;

pub(super) fn err(e: rusqlite::Error) -> Error {
    format!("database: {e}")
}

/// How many prepared statements each connection keeps: more than the store
/// has, so none is parsed twice.
pub(super) const STATEMENTS: usize = 64;

/// Runs a statement through the connection's statement cache: under load,
/// parsing the SQL cost as much as running it.
pub(super) fn exec(c: &Connection, sql: &str, p: impl rusqlite::Params) -> rusqlite::Result<usize> {
    c.prepare_cached(sql)?.execute(p)
}

/// Reads one row through the connection's statement cache.
pub(super) fn row<T>(
    c: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    c.prepare_cached(sql)?.query_row(p, f)
}

impl Store {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, Error> {
        // The lock is keyed on the file itself, not the name it was given:
        // through a symbolic link or another relative path, two sandboxes
        // would otherwise share one database and send every callback twice.
        let canonical = canonical_database(path)?;
        let path = canonical.as_path();
        let mut lock_path = path.as_os_str().to_owned();
        lock_path.push(".lock");
        let owner = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| format!("{}: {e}", Path::new(&lock_path).display()))?;
        match owner.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "{}: another sandbox is using this database; stop it, or give `database` another file",
                    path.display()
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("{}: {e}", Path::new(&lock_path).display()));
            }
        }
        let conn = connect(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        // The writer checkpoints only a log that has grown long; the
        // checkpoint thread copies it back before then (see `checkpoint.rs`).
        conn.pragma_update(None, "wal_autocheckpoint", checkpoint::WRITER_PAGES)
            .map_err(err)?;
        conn.pragma_update(None, "journal_size_limit", checkpoint::KEPT_BYTES)
            .map_err(err)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(err)?;
        let tables: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(err)?;
        if tables > 0 && version != SCHEMA_VERSION && !UPGRADES_FROM.contains(&version) {
            return Err(format!(
                "{}: this database has layout {version}, made by another version of the sandbox (this one reads layout {SCHEMA_VERSION}); remove it or give `database` another file",
                path.display()
            ));
        }
        conn.execute_batch(&format!(
            "BEGIN;{SCHEMA}PRAGMA user_version = {SCHEMA_VERSION};COMMIT;"
        ))
        .map_err(err)?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS);
        let reader = connect(path)?;
        reader
            .pragma_update(None, "query_only", true)
            .map_err(err)?;
        reader.set_prepared_statement_cache_capacity(STATEMENTS);
        let checkpoints = checkpoint::Checkpointer::start(path)?;
        let store = Store {
            inner: Mutex::new(Batched::new(conn)),
            reader: Mutex::new(reader),
            clocks: Mutex::default(),
            faults: std::collections::HashMap::new(),
            _checkpoints: checkpoints,
            _owner: owner,
        };
        store.load_clocks()?;
        Ok(store)
    }

    fn lock(&self) -> MutexGuard<'_, Batched> {
        // A panic while holding the lock leaves SQLite consistent (every
        // write is a transaction or a savepoint), so a poisoned lock is
        // still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The reading connection (see [`Store::reader`]'s field): committed
    /// data only.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        self.reader.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The connection for anything but a new payment: the open batch of
    /// new payments is committed first.
    fn conn(&self) -> Locked<'_> {
        let mut inner = self.lock();
        inner.flush();
        Locked(inner)
    }

    /// Waits until a payment staged by [`Store::create_payment`] is
    /// committed (see [`crate::group`]): only then may it be acknowledged.
    pub async fn committed(&self, staged: Result<Staged, Error>) -> Result<Created, Error> {
        match staged? {
            Staged::Duplicate => Ok(Created::Duplicate),
            Staged::New {
                operation_id,
                request_id,
                commit,
            } => {
                group::committed(|| self.lock(), commit).await?;
                Ok(Created::New {
                    operation_id,
                    request_id,
                })
            }
        }
    }
}

impl Store {
    /// The store, staging each project's faults (by project id) on the
    /// callbacks it queues for that project.
    pub fn with_faults(
        mut self,
        faults: std::collections::HashMap<i64, crate::faults::Faults>,
    ) -> Store {
        self.faults = faults;
        self
    }

    /// The faults that hit a payment (none for a project without faults).
    pub fn faults_of(&self, project_id: i64, payment_id: &str) -> Vec<crate::faults::Fault> {
        self.faults
            .get(&project_id)
            .map(|f| f.hit(payment_id))
            .unwrap_or_default()
    }

    /// What the payment's callbacks go through, given the faults that hit
    /// it.
    fn callback_faults(
        &self,
        project_id: i64,
        hits: &[crate::faults::Fault],
    ) -> crate::faults::CallbackFaults {
        self.faults
            .get(&project_id)
            .map(|f| f.callbacks(hits))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_of_another_layout_is_refused_and_ours_reopens() {
        let dir = tempfile::tempdir().expect("directory");
        let old = dir.path().join("old.db");
        Connection::open(&old)
            .and_then(|c| {
                c.execute_batch("CREATE TABLE callbacks (id INTEGER PRIMARY KEY AUTOINCREMENT);")
            })
            .expect("an old database");
        let e = Store::open(&old).err().expect("refused");
        assert!(e.contains("layout 0") && e.contains("layout 4"), "{e}");
        let ours = dir.path().join("new.db");
        let first = Store::open(&ours).expect("created");
        // One sandbox per database: a second is refused while the first
        // has it open.
        let e = Store::open(&ours).err().expect("refused");
        assert!(e.contains("another sandbox is using this database"), "{e}");
        // Through a symbolic link, or a path with `..`, it is the same
        // file, and the same refusal.
        #[cfg(unix)]
        {
            let link = dir.path().join("link.db");
            std::os::unix::fs::symlink(&ours, &link).expect("link");
            let e = Store::open(&link).err().expect("refused through a link");
            assert!(e.contains("another sandbox is using this database"), "{e}");
            std::fs::create_dir(dir.path().join("sub")).expect("dir");
            let dotted = dir.path().join("sub/../new.db");
            let e = Store::open(&dotted).err().expect("refused through ..");
            assert!(e.contains("another sandbox is using this database"), "{e}");
        }
        drop(first);
        Store::open(&ours).expect("reopened");
    }

    #[test]
    fn a_layout_3_database_gains_the_faults_table_and_keeps_its_rows() {
        let dir = tempfile::tempdir().expect("directory");
        let path = dir.path().join("v3.db");
        {
            let store = Store::open(&path).expect("store");
            let conn = store.conn();
            conn.execute_batch(
                "DROP TABLE faults; PRAGMA user_version = 3;
                 INSERT INTO clocks (project_id, offset_ms) VALUES (5, 1000);",
            )
            .expect("a layout 3 database");
        }
        let store = Store::open(&path).expect("upgraded");
        let conn = store.conn();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("version");
        assert_eq!(version, SCHEMA_VERSION);
        let kept: i64 = conn
            .query_row(
                "SELECT offset_ms FROM clocks WHERE project_id = 5",
                [],
                |r| r.get(0),
            )
            .expect("the row is kept");
        assert_eq!(kept, 1000);
        let faults: i64 = conn
            .query_row("SELECT COUNT(*) FROM faults", [], |r| r.get(0))
            .expect("the faults table exists");
        assert_eq!(faults, 0);
    }

    #[test]
    fn reads_go_through_keys_and_indexes() {
        let dir = tempfile::tempdir().expect("directory");
        let store = Store::open(&dir.path().join("s.db")).expect("store");
        let conn = store.conn();
        // Every statement that reads a payment's rows or the latest ones:
        // none may scan a whole table (the query planner says "SCAN t"
        // without an index for that).
        for sql in [
            "SELECT id FROM operations WHERE project_id = 1 AND payment_id = 'p' ORDER BY id",
            "SELECT id FROM callbacks WHERE id IN (SELECT id FROM operations WHERE project_id = 1 AND payment_id = 'p') ORDER BY id",
            "SELECT n FROM attempts WHERE callback_id = 1 ORDER BY n",
            "SELECT status FROM payments WHERE project_id = 1 AND payment_id = 'p'",
            "SELECT id, attempts, project_id, next_ms FROM callbacks WHERE delivered = 0 ORDER BY next_ms, id LIMIT 3",
            "SELECT url, body FROM callbacks WHERE id = 1",
            "SELECT names FROM faults WHERE project_id = 1 AND payment_id = 'p'",
            "SELECT payment_id FROM deadlines WHERE project_id = 1 AND due_ms <= 5 ORDER BY due_ms LIMIT 3",
            "SELECT c.body FROM operations o JOIN callbacks c ON c.id = o.id WHERE o.project_id = 1 AND o.payment_id = 'p' AND o.id < 9 ORDER BY o.id DESC LIMIT 1",
        ] {
            let mut stmt = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .expect("plan");
            let plan: Vec<String> = stmt
                .query_map([], |r| r.get::<_, String>(3))
                .expect("rows")
                .collect::<Result<_, _>>()
                .expect("plan");
            for step in &plan {
                let full_scan = step.starts_with("SCAN ") && !step.contains(" USING ");
                assert!(!full_scan, "{sql}: {plan:?}");
            }
        }
    }

    fn payout(id: &str) -> NewPayment<'_> {
        NewPayment::settled_payout(1, id, "b/m/payout")
    }

    /// A store in a new directory (kept alive by the first element), and
    /// the database's path.
    fn fresh_store() -> (tempfile::TempDir, std::path::PathBuf, Store) {
        let dir = tempfile::tempdir().expect("directory");
        let path = dir.path().join("s.db");
        let store = Store::open(&path).expect("store");
        (dir, path, store)
    }

    /// A callback body that names its request.
    fn body() -> Option<Builder<'static>> {
        Some(Box::new(|_, r, _| Ok(format!("{{\"r\":\"{r}\"}}"))))
    }

    fn committed_rows(path: &Path) -> i64 {
        Connection::open(path)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM payments", [], |r| r.get(0)))
            .expect("count")
    }

    /// The delivery queue reads committed callbacks only, and reading it
    /// leaves the open batch of new payments open: a look for due
    /// callbacks under load must not cut the Gate's group commit short.
    #[tokio::test]
    async fn reading_the_queue_neither_sees_nor_commits_the_open_batch() {
        let (_dir, path, store) = fresh_store();
        let staged = store
            .create_payment(&payout("a"), "http://127.0.0.1:9/cb", body())
            .expect("staged");
        let none = std::collections::HashMap::new();
        let landed = std::collections::HashSet::new();
        let due = store.due(now_ms() + 1, &none, &landed, 32, 8).expect("due");
        assert!(due.is_empty(), "an uncommitted callback was read as due");
        assert_eq!(store.next_due().expect("next due"), None);
        assert_eq!(
            committed_rows(&path),
            0,
            "reading the queue committed the batch"
        );
        assert!(matches!(
            store.committed(Ok(staged)).await,
            Ok(Created::New { .. })
        ));
        let due = store.due(now_ms() + 1, &none, &landed, 32, 8).expect("due");
        assert_eq!(due.len(), 1, "the committed callback is due");
        // Landed and not recorded: left out until its attempt is recorded.
        let landed: std::collections::HashSet<i64> = due.iter().map(|d| d.id).collect();
        assert!(
            store
                .due(now_ms() + 1, &none, &landed, 32, 8)
                .expect("due")
                .is_empty()
        );
    }

    #[tokio::test]
    async fn payments_staged_together_commit_together_even_without_their_leader() {
        let (_dir, path, store) = fresh_store();
        let staged: Vec<Staged> = ["a", "b", "c"]
            .iter()
            .map(|id| {
                store
                    .create_payment(&payout(id), "http://127.0.0.1:9/cb", body())
                    .expect("staged")
            })
            .collect();
        // Nothing is visible outside before the commit.
        assert_eq!(committed_rows(&path), 0);
        let mut staged = staged.into_iter();
        // The leader's client hung up: its ticket is dropped unawaited.
        drop(staged.next());
        for s in staged {
            assert!(matches!(
                store.committed(Ok(s)).await,
                Ok(Created::New { .. })
            ));
        }
        assert_eq!(committed_rows(&path), 3);
        // Every callback was written with its payment.
        let callbacks: i64 = Connection::open(&path)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM callbacks", [], |r| r.get(0)))
            .expect("count");
        assert_eq!(callbacks, 3);
    }

    #[tokio::test]
    async fn a_repeat_is_judged_against_a_committed_payment() {
        let dir = tempfile::tempdir().expect("directory");
        let path = dir.path().join("s.db");
        let store = Store::open(&path).expect("store");
        let first = store
            .create_payment(&payout("a"), "http://127.0.0.1:9/cb", None)
            .expect("staged");
        assert_eq!(committed_rows(&path), 0);
        // The repeat finds the first in the open batch, which could still
        // fail: the batch is committed before the repeat is refused.
        assert!(matches!(
            store.create_payment(&payout("a"), "http://127.0.0.1:9/cb", None),
            Ok(Staged::Duplicate)
        ));
        assert_eq!(committed_rows(&path), 1);
        assert!(matches!(
            store.committed(Ok(first)).await,
            Ok(Created::New { .. })
        ));
    }

    #[tokio::test]
    async fn any_other_use_of_the_database_commits_the_batch_first() {
        let dir = tempfile::tempdir().expect("directory");
        let path = dir.path().join("s.db");
        let store = Store::open(&path).expect("store");
        let staged = store
            .create_payment(&payout("a"), "http://127.0.0.1:9/cb", None)
            .expect("staged");
        assert_eq!(committed_rows(&path), 0);
        assert!(store.payment(1, "a").expect("read").is_some());
        assert_eq!(committed_rows(&path), 1);
        assert!(matches!(
            store.committed(Ok(staged)).await,
            Ok(Created::New { .. })
        ));
    }
}
