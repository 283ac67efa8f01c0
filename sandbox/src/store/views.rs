//! The inspection views: recent payments and one payment with its
//! operations, callbacks and attempts, as JSON.

use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::payments::{Resent, copy_id};
use super::{Error, Store, err, redacted_url, row};

impl Store {
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
        let faults: Option<String> = row(
            &conn,
            "SELECT names FROM faults WHERE project_id = ?1 AND payment_id = ?2",
            params![project_id, payment_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(err)?;
        let callback = |r: &rusqlite::Row<'_>| {
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
        };
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, url, body, delivered, attempts, next_ms FROM callbacks
                 WHERE id IN (SELECT id FROM operations WHERE project_id = ?1 AND payment_id = ?2) ORDER BY id",
            )
            .map_err(err)?;
        let mut callbacks: Vec<(i64, Value)> = stmt
            .query_map(params![project_id, payment_id], callback)
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        // The copies a fault queued, each after its callback, by key.
        if faults.is_some() {
            let mut copy = conn
                .prepare_cached(
                    "SELECT id, url, body, delivered, attempts, next_ms FROM callbacks WHERE id = ?1",
                )
                .map_err(err)?;
            let originals: Vec<i64> = callbacks.iter().map(|(id, _)| *id).collect();
            for id in originals {
                for again in [Resent::Twice, Resent::Replayed, Resent::OutOfOrder] {
                    let found = copy
                        .query_row([copy_id(id, again)], callback)
                        .optional()
                        .map_err(err)?;
                    if let Some((copy_id, mut value)) = found {
                        value["fault"] = json!(again.fault());
                        callbacks.push((copy_id, value));
                    }
                }
            }
        }
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
        payment["faults"] = json!(
            faults
                .as_deref()
                .map_or(Vec::new(), |names| names.split(',').collect::<Vec<_>>())
        );
        payment["callbacks"] = Value::Array(callbacks.into_iter().map(|(_, c)| c).collect());
        Ok(Some(payment))
    }
}
