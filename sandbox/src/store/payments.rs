//! Payments: created in the open batch with their operation, callback and
//! page in one savepoint; follow-ups and page steps decided in the
//! payment's own transaction.

use rusqlite::{Connection, OptionalExtension, params};

use super::records::{Builder, NewPayment, Page, PageState, Staged};
use super::{Error, Store, err, exec, now_ms, row};
use crate::machine::{Change, Payment, Recorded};

impl Store {
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
        let clock = self.clock_now(p.project_id);
        let mut inner = self.lock();
        let now = now_ms();
        let insert = |c: &Connection| -> Result<bool, Error> {
            exec(
                c,
                "INSERT OR IGNORE INTO payments (project_id, payment_id, operation, status, amount, currency, created_ms, otp, otp_ms, step, request)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![p.project_id, p.payment_id, p.operation, p.status, p.amount, p.currency, now, p.otp, p.otp.map(|_| clock), p.step, p.request],
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
        let operation = Recorded::new(p.kind, p.status, p.code, p.message);
        if let Some(due) = p.deadline_ms {
            exec(
                &sp,
                "INSERT INTO deadlines (project_id, payment_id, due_ms) VALUES (?1, ?2, ?3)",
                params![p.project_id, p.payment_id, due],
            )
            .map_err(err)?;
        }
        let hits = self.faults_of(p.project_id, p.payment_id);
        // A page's payment has no Gate answer to lose.
        let applied: Vec<&str> = hits
            .iter()
            .filter(|f| p.page.is_none() || !f.on_gate())
            .map(|f| f.name())
            .collect();
        if !applied.is_empty() {
            exec(
                &sp,
                "INSERT INTO faults (project_id, payment_id, names) VALUES (?1, ?2, ?3)",
                params![p.project_id, p.payment_id, applied.join(",")],
            )
            .map_err(err)?;
        }
        let queue = Queue {
            url,
            now,
            clock_offset: self.clock_offset(p.project_id),
            faults: self.callback_faults(p.project_id, &hits),
        };
        let (operation_id, request_id) = record(
            &sp,
            p.project_id,
            p.payment_id,
            &queue,
            Some(&operation),
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
        // Decided on the project's clock; recorded (and the callback
        // queued) on the wall clock, which delivery runs on.
        let clock = self.clock_now(project_id);
        let payment = read_payment(&tx, project_id, payment_id)?;
        let (change, body) = match decide(payment.as_ref(), clock) {
            Ok(d) => d,
            Err(rejection) => return Ok(Err(rejection)),
        };
        let queue = Queue {
            url,
            now,
            clock_offset: self.clock_offset(project_id),
            faults: self.callback_faults(project_id, &self.faults_of(project_id, payment_id)),
        };
        let request_id = apply(
            &tx,
            project_id,
            payment_id,
            &queue,
            payment.as_ref(),
            change,
            body,
        )?;
        tx.commit().map_err(err)?;
        Ok(Ok(request_id))
    }

    /// Project `project_id`'s payments whose wait ended at or before `now`
    /// on its clock, oldest deadline first, at most `limit`.
    pub fn expired(&self, project_id: i64, now: i64, limit: usize) -> Result<Vec<String>, Error> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT payment_id FROM deadlines WHERE project_id = ?1 AND due_ms <= ?2 ORDER BY due_ms LIMIT ?3",
            )
            .map_err(err)?;
        stmt.query_map(params![project_id, now, limit as i64], |r| r.get(0))
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    /// Drops a payment's deadline (one that no longer bounds a wait).
    pub fn clear_deadline(&self, project_id: i64, payment_id: &str) -> Result<(), Error> {
        exec(
            &self.conn(),
            "DELETE FROM deadlines WHERE project_id = ?1 AND payment_id = ?2",
            params![project_id, payment_id],
        )
        .map(|_| ())
        .map_err(err)
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
        let clock = self.clock_now(page.project_id);
        let (change, state, body) = match decide(&page, clock) {
            Ok(d) => d,
            Err(rejection) => return Ok(Some(Err(rejection))),
        };
        let entries = (!state.entries.is_empty())
            .then(|| serde_json::to_string(&state.entries))
            .transpose()
            .map_err(|e| e.to_string())?;
        exec(
            &tx,
            "UPDATE pages SET method = ?1, entries = ?2, notice = ?3 WHERE token = ?4",
            params![state.method, entries, state.notice, token],
        )
        .map_err(err)?;
        let (project_id, payment_id) = (page.project_id, page.payment_id.as_str());
        let queue = Queue {
            url,
            now,
            clock_offset: self.clock_offset(project_id),
            faults: self.callback_faults(project_id, &self.faults_of(project_id, payment_id)),
        };
        let request_id = apply(
            &tx,
            project_id,
            payment_id,
            &queue,
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
}

/// A payment as recorded, read inside a transaction.
pub(super) fn read_payment(
    tx: &Connection,
    project_id: i64,
    payment_id: &str,
) -> Result<Option<Payment>, Error> {
    row(
        tx,
        "SELECT operation, status, amount, currency, otp, otp_ms, resends, refunded, step, request FROM payments WHERE project_id = ?1 AND payment_id = ?2",
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
                step: r.get(8)?,
                request: r.get(9)?,
            })
        },
    )
    .optional()
    .map_err(err)
}

/// A Payment Page session with its payment, read inside a transaction.
pub(super) fn read_page(tx: &Connection, token: &str) -> Result<Option<Page>, Error> {
    let found = row(
        tx,
        "SELECT project_id, payment_id, params, method, entries, notice FROM pages WHERE token = ?1",
        [token],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        },
    )
    .optional()
    .map_err(err)?;
    let Some((project_id, payment_id, params, method, entries, notice)) = found else {
        return Ok(None);
    };
    let state = PageState {
        method,
        entries: match entries {
            Some(text) => serde_json::from_str(&text).map_err(|e| format!("database: {e}"))?,
            None => Vec::new(),
        },
        notice,
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
pub(super) fn apply(
    tx: &Connection,
    project_id: i64,
    payment_id: &str,
    queue: &Queue<'_>,
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
        "UPDATE payments SET status = ?1, otp = ?2, otp_ms = ?3, resends = ?4, refunded = ?5, step = ?6 WHERE project_id = ?7 AND payment_id = ?8",
        params![change.status, otp, otp_ms, change.resends, change.refunded, change.step, project_id, payment_id],
    )
    .map_err(err)?;
    // A deadline belongs to the step it bounds: a change of step ends it,
    // and the new step's (if any) takes its place.
    if before.map(|b| b.step) != Some(change.step) {
        exec(
            tx,
            "DELETE FROM deadlines WHERE project_id = ?1 AND payment_id = ?2",
            params![project_id, payment_id],
        )
        .map_err(err)?;
        if let Some(due) = change.deadline_ms {
            exec(
                tx,
                "INSERT INTO deadlines (project_id, payment_id, due_ms) VALUES (?1, ?2, ?3)",
                params![project_id, payment_id, due],
            )
            .map_err(err)?;
        }
    }
    let (_, request_id) = record(
        tx,
        project_id,
        payment_id,
        queue,
        change.operation.as_ref(),
        body,
    )?;
    Ok(request_id)
}

/// Records an operation (with its request id) and the callback `body`
/// builds for it. Without an operation there is no request id and no
/// callback.
pub(super) fn record(
    tx: &Connection,
    project_id: i64,
    payment_id: &str,
    queue: &Queue<'_>,
    operation: Option<&Recorded>,
    body: Option<Builder<'_>>,
) -> Result<(i64, String), Error> {
    let Some(Recorded {
        kind,
        status,
        code,
        message,
    }) = operation
    else {
        return Ok((0, String::new()));
    };
    exec(
        tx,
        "INSERT INTO operations (project_id, payment_id, kind, status, code, message, request_id, created_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7)",
        params![project_id, payment_id, kind, status, code, message, queue.now],
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
        let text = body(operation_id, &request_id, queue.now + queue.clock_offset)?;
        let Queue {
            url, now, faults, ..
        } = *queue;
        let insert = |id: i64, text: &str, next_ms: i64| {
            exec(
                tx,
                "INSERT INTO callbacks (id, project_id, payment_id, url, body, next_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, project_id, payment_id, url, text, next_ms],
            )
            .map(|_| ())
            .map_err(err)
        };
        let next = now + faults.delayed_ms.unwrap_or(0);
        insert(operation_id, &text, next)?;
        if faults.twice {
            insert(copy_id(operation_id, Resent::Twice), &text, next)?;
        }
        if let Some(ms) = faults.replayed_ms {
            insert(copy_id(operation_id, Resent::Replayed), &text, next + ms)?;
        }
        if let Some(ms) = faults.out_of_order_ms {
            let earlier: Option<String> = tx
                .query_row(
                    "SELECT c.body FROM operations o JOIN callbacks c ON c.id = o.id
                     WHERE o.project_id = ?1 AND o.payment_id = ?2 AND o.id < ?3 ORDER BY o.id DESC LIMIT 1",
                    params![project_id, payment_id, operation_id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(err)?;
            if let Some(earlier) = earlier {
                insert(
                    copy_id(operation_id, Resent::OutOfOrder),
                    &earlier,
                    next + ms,
                )?;
            }
        }
    }
    Ok((operation_id, request_id))
}

/// Where and when a new callback is queued, and the faults it goes
/// through.
#[derive(Clone, Copy)]
pub(super) struct Queue<'a> {
    /// The project's callback URL.
    pub url: &'a str,
    /// The wall clock, in ms.
    pub now: i64,
    /// The project's clock minus the wall clock, in ms.
    pub clock_offset: i64,
    /// What the payment's callbacks go through.
    pub faults: crate::faults::CallbackFaults,
}

/// A callback queued again by a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Resent {
    /// Sent twice.
    Twice = 1,
    /// Sent again later.
    Replayed = 2,
    /// The one before it, sent again after it.
    OutOfOrder = 3,
}

impl Resent {
    /// The fault's name, as the inspection API shows it.
    pub(super) fn fault(self) -> &'static str {
        match self {
            Resent::Twice => "callback_twice",
            Resent::Replayed => "callback_replayed",
            Resent::OutOfOrder => "callback_out_of_order",
        }
    }
}

/// A copy's callback id: negative, so it never meets an operation's id (a
/// callback's own id is its operation's), and the operation's id and the
/// copy's kind are read back from it.
pub(super) fn copy_id(operation_id: i64, copy: Resent) -> i64 {
    -(operation_id * 4 + copy as i64)
}
