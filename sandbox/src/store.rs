//! Durable state: SQLite in WAL mode. Every payment, operation, callback
//! and delivery attempt is written before the Gate answers or the next
//! attempt is scheduled, so a restart (or a SIGKILL) loses nothing: WAL
//! with `synchronous = NORMAL` keeps every committed transaction across a
//! process crash (only a power loss may cost the last ones).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use crate::group::Batched;
pub use crate::group::Commit;

/// The layout this version reads and writes, kept in `PRAGMA
/// user_version`. A database of another layout is refused rather than
/// read wrongly.
const SCHEMA_VERSION: i64 = 2;

/// The layout, created in one transaction with its version (see
/// [`Store::open`]).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS payments (
    project_id INTEGER NOT NULL,
    payment_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    status TEXT NOT NULL,
    amount INTEGER,
    currency TEXT,
    created_ms INTEGER NOT NULL,
    otp TEXT,
    otp_ms INTEGER,
    resends INTEGER NOT NULL DEFAULT 0,
    refunded INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, payment_id)
);
CREATE TABLE IF NOT EXISTS operations (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL,
    payment_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    request_id TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS callbacks (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL,
    payment_id TEXT NOT NULL,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS callbacks_due ON callbacks (delivered, next_ms);
CREATE TABLE IF NOT EXISTS pages (
    token TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL,
    payment_id TEXT NOT NULL,
    params TEXT NOT NULL,
    method TEXT,
    account_number TEXT,
    account_kind TEXT,
    notice TEXT
);
CREATE TABLE IF NOT EXISTS attempts (
    callback_id INTEGER NOT NULL,
    n INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    http_status INTEGER,
    error TEXT,
    answer TEXT,
    PRIMARY KEY (callback_id, n)
) WITHOUT ROWID;
-- The inspection API reads a payment's operations through this index,
-- its callbacks by their ids (a callback's id is its operation's) and
-- their attempts by the key; the page takes the latest payments by rowid.
-- So no read slows down as the database grows, and a payout's commit
-- writes one index more than its tables. Rows are never deleted, so an
-- INTEGER PRIMARY KEY is never reused (no AUTOINCREMENT, which costs a
-- write of sqlite_sequence per insert).
CREATE INDEX IF NOT EXISTS operations_of ON operations (project_id, payment_id);
";

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

/// A new payment, as the Gate accepted it.
pub struct NewPayment<'a> {
    /// The project.
    pub project_id: i64,
    /// The merchant's payment id.
    pub payment_id: &'a str,
    /// The operation that created it (`monetix/sbp-p2p/payout`).
    pub operation: &'a str,
    /// The operation's kind (`payout`).
    pub kind: &'a str,
    /// The final status (`success`, `decline`).
    pub status: &'a str,
    /// The amount in minor units.
    pub amount: Option<i64>,
    /// The currency.
    pub currency: Option<&'a str>,
    /// The operation's code and message.
    pub code: &'a str,
    /// See `code`.
    pub message: &'a str,
    /// The OTP sent to the customer, when the payment waits for one.
    pub otp: Option<&'a str>,
    /// The Payment Page session opened with the payment, if any: its token
    /// and the request's parameters (JSON text).
    pub page: Option<(&'a str, &'a str)>,
}

/// A payment as recorded.
#[derive(Debug, Clone)]
pub struct Payment {
    /// The operation that created it.
    pub operation: String,
    /// Its status.
    pub status: String,
    /// Its amount in minor units.
    pub amount: Option<i64>,
    /// Its currency.
    pub currency: Option<String>,
    /// The current OTP.
    pub otp: Option<String>,
    /// When the current OTP was created.
    pub otp_ms: Option<i64>,
    /// How many new OTPs were asked for.
    pub resends: i64,
    /// How much has been refunded, in minor units.
    pub refunded: i64,
}

/// What a follow-up request does to its payment.
pub struct Change {
    /// The payment's new status.
    pub status: String,
    /// A new OTP (and its creation time), or none to keep the current one.
    pub otp: Option<(String, i64)>,
    /// The new count of OTP resends.
    pub resends: i64,
    /// The new refunded total.
    pub refunded: i64,
    /// The operation recorded, if any: kind, status, code, message.
    pub operation: Option<(String, String, String, String)>,
}

/// A Payment Page session: the customer's side of one payment.
#[derive(Debug, Clone)]
pub struct Page {
    /// The project.
    pub project_id: i64,
    /// The merchant's payment id.
    pub payment_id: String,
    /// The request's parameters, typed.
    pub params: Value,
    /// The customer's state on the page.
    pub state: PageState,
    /// The payment.
    pub payment: Payment,
}

/// What the customer has done on a Payment Page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageState {
    /// The method chosen (its code).
    pub method: Option<String>,
    /// The account the customer gave: number and kind (operator).
    pub account: Option<(String, String)>,
    /// What the page tells the customer next (a wrong code, say).
    pub notice: Option<String>,
}

/// What creating a payment gave.
pub enum Created {
    /// The payment is new: its operation's id and request id.
    New {
        /// The operation row's id.
        operation_id: i64,
        /// The request id the Gate answers with.
        request_id: String,
    },
    /// The project already has a payment with this id.
    Duplicate,
}

/// A callback due for delivery.
pub struct Due {
    /// The callback's id.
    pub id: i64,
    /// The project it belongs to.
    pub project_id: i64,
    /// Where it goes.
    pub url: String,
    /// The signed body.
    pub body: String,
    /// Attempts made so far.
    pub attempts: i64,
}

/// One delivery attempt, as recorded.
#[derive(Debug)]
pub struct Attempt {
    /// The callback's id.
    pub id: i64,
    /// When the attempt ended.
    pub at_ms: i64,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why there was no answer, when there was none.
    pub error: Option<String>,
    /// The start of the receiver's answer.
    pub answer: Option<String>,
    /// Whether the receiver accepted it (2xx).
    pub delivered: bool,
    /// When to try again, if it did not.
    pub next_ms: i64,
}

/// Builds a callback's text from its operation id and request id.
pub type Builder<'b> = Box<dyn FnOnce(i64, &str) -> Result<String, String> + 'b>;

/// The database.
pub struct Store {
    inner: Mutex<Batched>,
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

/// A new payment written into the open batch, not yet committed.
#[derive(Debug)]
pub enum Staged {
    /// The payment is new: its operation's id and request id, and its
    /// place in the batch.
    New {
        /// The operation row's id.
        operation_id: i64,
        /// The request id the Gate answers with.
        request_id: String,
        /// Resolves when the batch is committed.
        commit: Commit,
    },
    /// The project already has a payment with this id.
    Duplicate,
}

/// A database error, worded.
pub type Error = String;

fn err(e: rusqlite::Error) -> Error {
    format!("database: {e}")
}

/// How many prepared statements each connection keeps: more than the store
/// has, so none is parsed twice.
const STATEMENTS: usize = 64;

/// Runs a statement through the connection's statement cache: under load,
/// parsing the SQL cost as much as running it.
fn exec(c: &Connection, sql: &str, p: impl rusqlite::Params) -> rusqlite::Result<usize> {
    c.prepare_cached(sql)?.execute(p)
}

/// Reads one row through the connection's statement cache.
fn row<T>(
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
        let conn = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(err)?;
        let tables: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(err)?;
        if tables > 0 && version != SCHEMA_VERSION {
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
        Ok(Store {
            inner: Mutex::new(Batched::new(conn)),
            _owner: owner,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Batched> {
        // A panic while holding the lock leaves SQLite consistent (every
        // write is a transaction or a savepoint), so a poisoned lock is
        // still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
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
                crate::group::committed(|| self.lock(), commit).await?;
                Ok(Created::New {
                    operation_id,
                    request_id,
                })
            }
        }
    }

    /// Writes a payment, its operation, its callback (built by `body` from
    /// the operation id and request id, when it sends one) and its Payment
    /// Page session into the open batch, in one savepoint: they are
    /// committed together or not at all. Await [`Store::committed`] before
    /// answering.
    pub fn create_payment(
        &self,
        p: &NewPayment<'_>,
        url: &str,
        body: Option<Builder<'_>>,
    ) -> Result<Staged, Error> {
        let mut inner = self.lock();
        let now = now_ms();
        let insert = |c: &Connection| -> Result<bool, Error> {
            exec(
                c,
                "INSERT OR IGNORE INTO payments (project_id, payment_id, operation, status, amount, currency, created_ms, otp, otp_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![p.project_id, p.payment_id, p.operation, p.status, p.amount, p.currency, now, p.otp, p.otp.map(|_| now)],
            )
            .map(|n| n == 1)
            .map_err(err)
        };
        inner.begin().map_err(err)?;
        let waiting = inner.waiting();
        let mut sp = inner.conn.savepoint().map_err(err)?;
        let mut new = insert(&sp)?;
        if !new && waiting {
            // The payment this one repeats may be in the open batch, whose
            // commit could still fail: judge again once it is committed,
            // so a duplicate is refused only for a recorded payment.
            drop(sp);
            inner.flush();
            inner.begin().map_err(err)?;
            sp = inner.conn.savepoint().map_err(err)?;
            new = insert(&sp)?;
        }
        if !new {
            return Ok(Staged::Duplicate);
        }
        if let Some((token, params)) = p.page {
            exec(
                &sp,
                "INSERT INTO pages (token, project_id, payment_id, params) VALUES (?1, ?2, ?3, ?4)",
                params![token, p.project_id, p.payment_id, params],
            )
            .map_err(err)?;
        }
        let operation = (p.kind, p.status, p.code, p.message);
        let (operation_id, request_id) = record(
            &sp,
            p.project_id,
            p.payment_id,
            url,
            now,
            Some(operation),
            body,
        )?;
        sp.commit().map_err(err)?;
        Ok(Staged::New {
            operation_id,
            request_id,
            commit: inner.join(),
        })
    }

    /// Reads a payment, decides what a follow-up request does to it, and
    /// records that (the change, its operation and its callback, built from
    /// the operation id and request id) in one transaction, so two requests
    /// for one payment never decide on the same state. `decide` returns
    /// the rejection to answer instead, as `Err`.
    pub fn follow_up<'b, R>(
        &self,
        project_id: i64,
        payment_id: &str,
        url: &str,
        decide: impl FnOnce(Option<&Payment>, i64) -> Result<(Change, Option<Builder<'b>>), R>,
    ) -> Result<Result<String, R>, Error> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let now = now_ms();
        let payment = read_payment(&tx, project_id, payment_id)?;
        let (change, body) = match decide(payment.as_ref(), now) {
            Ok(d) => d,
            Err(rejection) => return Ok(Err(rejection)),
        };
        let request_id = apply(
            &tx,
            project_id,
            payment_id,
            url,
            now,
            payment.as_ref(),
            change,
            body,
        )?;
        tx.commit().map_err(err)?;
        Ok(Ok(request_id))
    }

    /// The Payment Page session with `token`, if there is one.
    pub fn page(&self, token: &str) -> Result<Option<Page>, Error> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(err)?;
        read_page(&tx, token)
    }

    /// A step of the customer on a Payment Page: like
    /// [`Store::follow_up`], with the session's new state recorded in the
    /// same transaction. `None` when no session has `token`.
    pub fn page_step<'b, R>(
        &self,
        token: &str,
        url: &str,
        decide: impl FnOnce(&Page, i64) -> Result<(Change, PageState, Option<Builder<'b>>), R>,
    ) -> Result<Option<Result<String, R>>, Error> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let now = now_ms();
        let Some(page) = read_page(&tx, token)? else {
            return Ok(None);
        };
        let (change, state, body) = match decide(&page, now) {
            Ok(d) => d,
            Err(rejection) => return Ok(Some(Err(rejection))),
        };
        let (number, kind) = state.account.clone().unzip();
        exec(
            &tx,
            "UPDATE pages SET method = ?1, account_number = ?2, account_kind = ?3, notice = ?4 WHERE token = ?5",
            params![state.method, number, kind, state.notice, token],
        )
        .map_err(err)?;
        let (project_id, payment_id) = (page.project_id, page.payment_id.as_str());
        let request_id = apply(
            &tx,
            project_id,
            payment_id,
            url,
            now,
            Some(&page.payment),
            change,
            body,
        )?;
        tx.commit().map_err(err)?;
        Ok(Some(Ok(request_id)))
    }

    /// The last operation of a payment: its status, code and message.
    pub fn last_operation(
        &self,
        project_id: i64,
        payment_id: &str,
    ) -> Result<Option<(String, String, String)>, Error> {
        row(
            &self.conn(),
            "SELECT status, code, message FROM operations WHERE project_id = ?1 AND payment_id = ?2 ORDER BY id DESC LIMIT 1",
            params![project_id, payment_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(err)
    }

    /// The latest `limit` payments with their delivery counts, newest
    /// first, for the sandbox's page.
    pub fn recent(&self, limit: usize) -> Result<Vec<Value>, Error> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                // The latest payments first (by rowid, the order they were
                // made in), then their callbacks through their operations:
                // the page costs the same at any size.
                "SELECT p.project_id, p.payment_id, p.operation, p.status, p.amount, p.currency, p.created_ms,
                        COUNT(c.id), COALESCE(SUM(c.delivered), 0), COALESCE(SUM(c.attempts), 0)
                 FROM (SELECT rowid AS r, * FROM payments ORDER BY rowid DESC LIMIT ?1) p
                 LEFT JOIN operations o ON o.project_id = p.project_id AND o.payment_id = p.payment_id
                 LEFT JOIN callbacks c ON c.id = o.id
                 GROUP BY p.r ORDER BY p.r DESC",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok(json!({
                    "project_id": r.get::<_, i64>(0)?,
                    "payment_id": r.get::<_, String>(1)?,
                    "operation": r.get::<_, String>(2)?,
                    "status": r.get::<_, String>(3)?,
                    "amount": r.get::<_, Option<i64>>(4)?,
                    "currency": r.get::<_, Option<String>>(5)?,
                    "created_ms": r.get::<_, i64>(6)?,
                    "callbacks": r.get::<_, i64>(7)?,
                    "delivered": r.get::<_, i64>(8)?,
                    "attempts": r.get::<_, i64>(9)?,
                }))
            })
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }

    /// The callbacks due at `now`, oldest first, leaving out those in
    /// `in_flight`: at most `limit`. Reading takes no write: an attempt in
    /// flight is known to the one delivery worker only, so a crash cannot
    /// leave a callback leased, and after a restart every undelivered
    /// callback is due at once.
    ///
    /// At most `per_project` of one project's callbacks are in flight at
    /// once (counting `in_flight`, callback id to project id): a project
    /// whose receiver hangs holds that many slots, never all of them, so
    /// every other project's callbacks still go out at once. The rows are
    /// read in due order from a window past the limit, so a project's
    /// backlog of up to `FAIR_WINDOW` callbacks does not hide the others'.
    pub fn due(
        &self,
        now: i64,
        in_flight: &std::collections::HashMap<i64, i64>,
        limit: usize,
        per_project: usize,
    ) -> Result<Vec<Due>, Error> {
        const FAIR_WINDOW: usize = 512;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut busy: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
        for project in in_flight.values() {
            *busy.entry(*project).or_default() += 1;
        }
        let conn = self.conn();
        // `+next_ms` keeps the bound time out of the index's range, so
        // SQLite (built with STAT4) does not re-prepare the statement for
        // every new time; the index still gives the order.
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, url, body, attempts, project_id FROM callbacks
                 WHERE delivered = 0 AND +next_ms <= ?1 ORDER BY next_ms, id LIMIT ?2",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(
                params![now, (limit + in_flight.len() + FAIR_WINDOW) as i64],
                |r| {
                    Ok(Due {
                        id: r.get(0)?,
                        url: r.get(1)?,
                        body: r.get(2)?,
                        attempts: r.get(3)?,
                        project_id: r.get(4)?,
                    })
                },
            )
            .map_err(err)?;
        let mut due = Vec::with_capacity(limit);
        for d in rows {
            let d = d.map_err(err)?;
            let taken = busy.entry(d.project_id).or_default();
            if !in_flight.contains_key(&d.id) && *taken < per_project {
                *taken += 1;
                due.push(d);
                if due.len() == limit {
                    break;
                }
            }
        }
        Ok(due)
    }

    /// When the next undelivered callback is due, if any.
    pub fn next_due(&self) -> Result<Option<i64>, Error> {
        row(
            &self.conn(),
            "SELECT MIN(next_ms) FROM callbacks WHERE delivered = 0",
            [],
            |r| r.get::<_, Option<i64>>(0),
        )
        .map_err(err)
    }

    /// Records delivery attempts and what follows each (delivered, or the
    /// next attempt at its `next_ms`), all in one transaction: under load,
    /// attempts finish faster than one commit each would allow.
    pub fn attempted(&self, attempts: &[Attempt]) -> Result<(), Error> {
        if attempts.is_empty() {
            return Ok(());
        }
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(err)?;
        for a in attempts {
            let n: i64 = row(
                &tx,
                "UPDATE callbacks SET attempts = attempts + 1, delivered = ?1, next_ms = ?2 WHERE id = ?3 RETURNING attempts",
                params![a.delivered, a.next_ms, a.id],
                |r| r.get(0),
            )
            .map_err(err)?;
            exec(
                &tx,
                "INSERT INTO attempts (callback_id, n, at_ms, http_status, error, answer) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![a.id, n, a.at_ms, a.status, a.error, a.answer],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// Everything about one payment, for the inspection API.
    pub fn payment(&self, project_id: i64, payment_id: &str) -> Result<Option<Value>, Error> {
        let conn = self.conn();
        let payment = row(
            &conn,
            "SELECT operation, status, amount, currency, created_ms, otp, resends, refunded FROM payments WHERE project_id = ?1 AND payment_id = ?2",
            params![project_id, payment_id],
            |r| {
                Ok(json!({
                    "project_id": project_id,
                    "payment_id": payment_id,
                    "operation": r.get::<_, String>(0)?,
                    "status": r.get::<_, String>(1)?,
                    "amount": r.get::<_, Option<i64>>(2)?,
                    "currency": r.get::<_, Option<String>>(3)?,
                    "created_ms": r.get::<_, i64>(4)?,
                    "otp": r.get::<_, Option<String>>(5)?,
                    "otp_resends": r.get::<_, i64>(6)?,
                    "refunded": r.get::<_, i64>(7)?,
                }))
            },
        )
        .optional()
        .map_err(err)?;
        let Some(mut payment) = payment else {
            return Ok(None);
        };
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, kind, status, code, message, request_id, created_ms FROM operations WHERE project_id = ?1 AND payment_id = ?2 ORDER BY id",
            )
            .map_err(err)?;
        let operations: Vec<Value> = stmt
            .query_map(params![project_id, payment_id], |r| {
                Ok(json!({
                    "id": r.get::<_, i64>(0)?,
                    "kind": r.get::<_, String>(1)?,
                    "status": r.get::<_, String>(2)?,
                    "code": r.get::<_, String>(3)?,
                    "message": r.get::<_, String>(4)?,
                    "request_id": r.get::<_, String>(5)?,
                    "created_ms": r.get::<_, i64>(6)?,
                }))
            })
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, url, body, delivered, attempts, next_ms FROM callbacks
                 WHERE id IN (SELECT id FROM operations WHERE project_id = ?1 AND payment_id = ?2) ORDER BY id",
            )
            .map_err(err)?;
        let mut callbacks: Vec<(i64, Value)> = stmt
            .query_map(params![project_id, payment_id], |r| {
                let body: String = r.get(2)?;
                Ok((
                    r.get::<_, i64>(0)?,
                    json!({
                        "url": redacted_url(&r.get::<_, String>(1)?),
                        "body": serde_json::from_str::<Value>(&body).unwrap_or(Value::String(body)),
                        "delivered": r.get::<_, bool>(3)?,
                        "attempts": r.get::<_, i64>(4)?,
                        "next_ms": r.get::<_, i64>(5)?,
                    }),
                ))
            })
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT n, at_ms, http_status, error, answer FROM attempts WHERE callback_id = ?1 ORDER BY n",
            )
            .map_err(err)?;
        for (id, callback) in &mut callbacks {
            let attempts: Vec<Value> = stmt
                .query_map([*id], |r| {
                    Ok(json!({
                        "n": r.get::<_, i64>(0)?,
                        "at_ms": r.get::<_, i64>(1)?,
                        "http_status": r.get::<_, Option<u16>>(2)?,
                        "error": r.get::<_, Option<String>>(3)?,
                        "answer": r.get::<_, Option<String>>(4)?,
                    }))
                })
                .map_err(err)?
                .collect::<Result<_, _>>()
                .map_err(err)?;
            callback["attempt_log"] = Value::Array(attempts);
        }
        payment["operations"] = Value::Array(operations);
        payment["callbacks"] = Value::Array(callbacks.into_iter().map(|(_, c)| c).collect());
        Ok(Some(payment))
    }
}

/// A payment as recorded, read inside a transaction.
fn read_payment(
    tx: &Connection,
    project_id: i64,
    payment_id: &str,
) -> Result<Option<Payment>, Error> {
    row(
        tx,
        "SELECT operation, status, amount, currency, otp, otp_ms, resends, refunded FROM payments WHERE project_id = ?1 AND payment_id = ?2",
        params![project_id, payment_id],
        |r| {
            Ok(Payment {
                operation: r.get(0)?,
                status: r.get(1)?,
                amount: r.get(2)?,
                currency: r.get(3)?,
                otp: r.get(4)?,
                otp_ms: r.get(5)?,
                resends: r.get(6)?,
                refunded: r.get(7)?,
            })
        },
    )
    .optional()
    .map_err(err)
}

/// A Payment Page session with its payment, read inside a transaction.
fn read_page(tx: &Connection, token: &str) -> Result<Option<Page>, Error> {
    let found = row(
        tx,
        "SELECT project_id, payment_id, params, method, account_number, account_kind, notice FROM pages WHERE token = ?1",
        [token],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                PageState {
                    method: r.get(3)?,
                    account: r
                        .get::<_, Option<String>>(4)?
                        .zip(r.get::<_, Option<String>>(5)?),
                    notice: r.get(6)?,
                },
            ))
        },
    )
    .optional()
    .map_err(err)?;
    let Some((project_id, payment_id, params, state)) = found else {
        return Ok(None);
    };
    let Some(payment) = read_payment(tx, project_id, &payment_id)? else {
        return Err(format!(
            "database: the page of `{payment_id}` has no payment"
        ));
    };
    Ok(Some(Page {
        project_id,
        payment_id,
        params: serde_json::from_str(&params).map_err(|e| format!("database: {e}"))?,
        state,
        payment,
    }))
}

/// Writes a decided change: the payment's new state, then its operation
/// and callback.
#[allow(clippy::too_many_arguments)]
fn apply(
    tx: &Connection,
    project_id: i64,
    payment_id: &str,
    url: &str,
    now: i64,
    before: Option<&Payment>,
    change: Change,
    body: Option<Builder<'_>>,
) -> Result<String, Error> {
    let (otp, otp_ms) = match &change.otp {
        Some((otp, at)) => (Some(otp.clone()), Some(*at)),
        None => (
            before.and_then(|p| p.otp.clone()),
            before.and_then(|p| p.otp_ms),
        ),
    };
    exec(
        tx,
        "UPDATE payments SET status = ?1, otp = ?2, otp_ms = ?3, resends = ?4, refunded = ?5 WHERE project_id = ?6 AND payment_id = ?7",
        params![change.status, otp, otp_ms, change.resends, change.refunded, project_id, payment_id],
    )
    .map_err(err)?;
    let operation = change
        .operation
        .as_ref()
        .map(|(k, s, c, m)| (k.as_str(), s.as_str(), c.as_str(), m.as_str()));
    let (_, request_id) = record(tx, project_id, payment_id, url, now, operation, body)?;
    Ok(request_id)
}

/// Records an operation (with its request id) and the callback `body`
/// builds for it. Without an operation there is no request id and no
/// callback.
fn record(
    tx: &Connection,
    project_id: i64,
    payment_id: &str,
    url: &str,
    now: i64,
    operation: Option<(&str, &str, &str, &str)>,
    body: Option<Builder<'_>>,
) -> Result<(i64, String), Error> {
    let Some((kind, status, code, message)) = operation else {
        return Ok((0, String::new()));
    };
    exec(
        tx,
        "INSERT INTO operations (project_id, payment_id, kind, status, code, message, request_id, created_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7)",
        params![project_id, payment_id, kind, status, code, message, now],
    )
    .map_err(err)?;
    let operation_id = tx.last_insert_rowid();
    let request_id = format!("sandbox-{project_id}-{operation_id}");
    exec(
        tx,
        "UPDATE operations SET request_id = ?1 WHERE id = ?2",
        params![request_id, operation_id],
    )
    .map_err(err)?;
    if let Some(body) = body {
        let text = body(operation_id, &request_id)?;
        exec(
            tx,
            "INSERT INTO callbacks (id, project_id, payment_id, url, body, next_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![operation_id, project_id, payment_id, url, text, now],
        )
        .map_err(err)?;
    }
    Ok((operation_id, request_id))
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
        assert!(e.contains("layout 0") && e.contains("layout 2"), "{e}");
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
            "SELECT id FROM callbacks WHERE delivered = 0 AND +next_ms <= 5 ORDER BY next_ms, id LIMIT 3",
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
        NewPayment {
            project_id: 1,
            payment_id: id,
            operation: "b/m/payout",
            kind: "payout",
            status: "success",
            amount: Some(100),
            currency: Some("EUR"),
            code: "0",
            message: "Success",
            otp: None,
            page: None,
        }
    }

    fn committed_rows(path: &Path) -> i64 {
        Connection::open(path)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM payments", [], |r| r.get(0)))
            .expect("count")
    }

    #[tokio::test]
    async fn payments_staged_together_commit_together_even_without_their_leader() {
        let dir = tempfile::tempdir().expect("directory");
        let path = dir.path().join("s.db");
        let store = Store::open(&path).expect("store");
        let body = || -> Option<Builder<'static>> {
            Some(Box::new(|_, r| Ok(format!("{{\"r\":\"{r}\"}}"))))
        };
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
