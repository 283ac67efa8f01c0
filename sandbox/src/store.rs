//! Durable state: SQLite in WAL mode. Every payment, operation, callback
//! and delivery attempt is written before the Gate answers or the next
//! attempt is scheduled, so a restart (or a SIGKILL) loses nothing: WAL
//! with `synchronous = NORMAL` keeps every committed transaction across a
//! process crash (only a power loss may cost the last ones).

use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    payment_id TEXT NOT NULL,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS callbacks_due ON callbacks (delivered, next_ms);
CREATE TABLE IF NOT EXISTS attempts (
    callback_id INTEGER NOT NULL,
    n INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    http_status INTEGER,
    error TEXT,
    answer TEXT
);
";

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
    /// The operation recorded: kind, status, code, message.
    pub operation: (String, String, String, String),
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
    /// Where it goes.
    pub url: String,
    /// The signed body.
    pub body: String,
    /// Attempts made so far.
    pub attempts: i64,
}

/// Builds a callback's text from its operation id and request id.
pub type Builder<'b> = Box<dyn FnOnce(i64, &str) -> Result<String, String> + 'b>;

/// The database.
pub struct Store {
    conn: Mutex<Connection>,
}

/// A database error, worded.
pub type Error = String;

fn err(e: rusqlite::Error) -> Error {
    format!("database: {e}")
}

impl Store {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, Error> {
        let conn = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (every
        // write is one transaction), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a payment, its operation and its callback (built by `body`
    /// from the operation id and request id) in one transaction.
    pub fn create_payment(
        &self,
        p: &NewPayment<'_>,
        url: &str,
        body: impl FnOnce(i64, &str) -> Result<String, String>,
    ) -> Result<Created, Error> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(err)?;
        let now = now_ms();
        let inserted = tx
            .execute(
                "INSERT OR IGNORE INTO payments (project_id, payment_id, operation, status, amount, currency, created_ms, otp, otp_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![p.project_id, p.payment_id, p.operation, p.status, p.amount, p.currency, now, p.otp, p.otp.map(|_| now)],
            )
            .map_err(err)?;
        if inserted == 0 {
            return Ok(Created::Duplicate);
        }
        tx.execute(
            "INSERT INTO operations (project_id, payment_id, kind, status, code, message, request_id, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7)",
            params![p.project_id, p.payment_id, p.kind, p.status, p.code, p.message, now],
        )
        .map_err(err)?;
        let operation_id = tx.last_insert_rowid();
        let request_id = format!("sandbox-{}-{operation_id}", p.project_id);
        tx.execute(
            "UPDATE operations SET request_id = ?1 WHERE id = ?2",
            params![request_id, operation_id],
        )
        .map_err(err)?;
        let text = body(operation_id, &request_id)?;
        tx.execute(
            "INSERT INTO callbacks (project_id, payment_id, url, body, next_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![p.project_id, p.payment_id, url, text, now],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(Created::New {
            operation_id,
            request_id,
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
        decide: impl FnOnce(Option<&Payment>, i64) -> Result<(Change, Builder<'b>), R>,
    ) -> Result<Result<String, R>, Error> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let now = now_ms();
        let payment = tx
            .query_row(
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
            .map_err(err)?;
        let (change, body) = match decide(payment.as_ref(), now) {
            Ok(d) => d,
            Err(rejection) => return Ok(Err(rejection)),
        };
        let (otp, otp_ms) = match &change.otp {
            Some((otp, at)) => (Some(otp.clone()), Some(*at)),
            None => (
                payment.as_ref().and_then(|p| p.otp.clone()),
                payment.as_ref().and_then(|p| p.otp_ms),
            ),
        };
        tx.execute(
            "UPDATE payments SET status = ?1, otp = ?2, otp_ms = ?3, resends = ?4, refunded = ?5 WHERE project_id = ?6 AND payment_id = ?7",
            params![change.status, otp, otp_ms, change.resends, change.refunded, project_id, payment_id],
        )
        .map_err(err)?;
        let (kind, status, code, message) = &change.operation;
        tx.execute(
            "INSERT INTO operations (project_id, payment_id, kind, status, code, message, request_id, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7)",
            params![project_id, payment_id, kind, status, code, message, now],
        )
        .map_err(err)?;
        let operation_id = tx.last_insert_rowid();
        let request_id = format!("sandbox-{project_id}-{operation_id}");
        tx.execute(
            "UPDATE operations SET request_id = ?1 WHERE id = ?2",
            params![request_id, operation_id],
        )
        .map_err(err)?;
        let text = body(operation_id, &request_id)?;
        tx.execute(
            "INSERT INTO callbacks (project_id, payment_id, url, body, next_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![project_id, payment_id, url, text, now],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(Ok(request_id))
    }

    /// Claims the callbacks due at `now` (oldest first, at most `limit`):
    /// they are not due again until `lease_until`, so one in flight is not
    /// sent twice at once, and one whose attempt a crash cut short is sent
    /// again after the lease (at least once, never lost).
    pub fn claim(&self, now: i64, lease_until: i64, limit: usize) -> Result<Vec<Due>, Error> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(err)?;
        let due: Vec<Due> = {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT id, url, body, attempts FROM callbacks WHERE delivered = 0 AND next_ms <= ?1 ORDER BY next_ms, id LIMIT ?2",
                )
                .map_err(err)?;
            let rows = stmt
                .query_map(params![now, limit as i64], |r| {
                    Ok(Due {
                        id: r.get(0)?,
                        url: r.get(1)?,
                        body: r.get(2)?,
                        attempts: r.get(3)?,
                    })
                })
                .map_err(err)?;
            rows.collect::<Result<_, _>>().map_err(err)?
        };
        for d in &due {
            tx.execute(
                "UPDATE callbacks SET next_ms = ?1 WHERE id = ?2",
                params![lease_until, d.id],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(due)
    }

    /// When the next undelivered callback is due, if any.
    pub fn next_due(&self) -> Result<Option<i64>, Error> {
        self.conn()
            .query_row(
                "SELECT MIN(next_ms) FROM callbacks WHERE delivered = 0",
                [],
                |r| r.get::<_, Option<i64>>(0),
            )
            .map_err(err)
    }

    /// Records one delivery attempt and what follows it: delivered, or the
    /// next attempt at `next_ms`.
    pub fn attempted(
        &self,
        id: i64,
        status: Option<u16>,
        error: Option<&str>,
        answer: Option<&str>,
        delivered: bool,
        next_ms: i64,
    ) -> Result<(), Error> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(err)?;
        let n: i64 = tx
            .query_row("SELECT attempts FROM callbacks WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(err)?;
        tx.execute(
            "INSERT INTO attempts (callback_id, n, at_ms, http_status, error, answer) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, n + 1, now_ms(), status, error, answer],
        )
        .map_err(err)?;
        tx.execute(
            "UPDATE callbacks SET attempts = ?1, delivered = ?2, next_ms = ?3 WHERE id = ?4",
            params![n + 1, delivered, next_ms, id],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Everything about one payment, for the inspection API.
    pub fn payment(&self, project_id: i64, payment_id: &str) -> Result<Option<Value>, Error> {
        let conn = self.conn();
        let payment = conn
            .query_row(
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
                "SELECT id, url, body, delivered, attempts, next_ms FROM callbacks WHERE project_id = ?1 AND payment_id = ?2 ORDER BY id",
            )
            .map_err(err)?;
        let mut callbacks: Vec<(i64, Value)> = stmt
            .query_map(params![project_id, payment_id], |r| {
                let body: String = r.get(2)?;
                Ok((
                    r.get::<_, i64>(0)?,
                    json!({
                        "url": r.get::<_, String>(1)?,
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
