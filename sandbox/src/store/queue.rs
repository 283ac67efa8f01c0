//! The delivery queue: callbacks due (fairly shared between projects),
//! the next due time, and finished attempts recorded.

use rusqlite::params;

use super::records::{Attempt, Due};
use super::{Error, Store, err, exec, row};

impl Store {
    /// The callbacks due at `now`, oldest first, leaving out those in
    /// `in_flight` and those in `landed` (attempted, the attempt not yet
    /// recorded): at most `limit`. Reading takes no write: an attempt in
    /// flight is known to the one delivery worker only, so a crash cannot
    /// leave a callback leased, and after a restart every undelivered
    /// callback is due at once. It reads through the reading connection,
    /// so what it sees is committed and the Gate's open batch is left
    /// alone.
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
        landed: &std::collections::HashSet<i64>,
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
        let conn = self.reader();
        // The window is read without the bodies: under a backlog most of
        // its rows are in flight or over their project's share, and
        // copying each one's body out of the database (while the Gate's
        // writes wait for the connection) was most of the work. The bodies
        // of the rows taken are read by key.
        //
        // The undelivered rows in due order, the time left out of the
        // statement: bound into the index's range, SQLite (built with
        // STAT4) would re-prepare the statement for every new time, and as
        // a filter beside the order (`+next_ms <= ?`) it scanned every
        // callback not yet due (a backlog backing off, callbacks a fault
        // holds) at each turn. The loop stops at the first row not due.
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, attempts, project_id, next_ms FROM callbacks
                 WHERE delivered = 0 ORDER BY next_ms, id LIMIT ?1",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(
                params![(limit + in_flight.len() + landed.len() + FAIR_WINDOW) as i64],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                },
            )
            .map_err(err)?;
        let mut taken = Vec::with_capacity(limit);
        for row in rows {
            let (id, attempts, project_id, next_ms) = row.map_err(err)?;
            if next_ms > now {
                break;
            }
            let share = busy.entry(project_id).or_default();
            if !in_flight.contains_key(&id) && !landed.contains(&id) && *share < per_project {
                *share += 1;
                taken.push((id, attempts, project_id));
                if taken.len() == limit {
                    break;
                }
            }
        }
        let mut body = conn
            .prepare_cached("SELECT url, body FROM callbacks WHERE id = ?1")
            .map_err(err)?;
        let mut due = Vec::with_capacity(taken.len());
        for (id, attempts, project_id) in taken {
            let (url, body) = body
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(err)?;
            due.push(Due {
                id,
                url,
                body,
                attempts,
                project_id,
            });
        }
        Ok(due)
    }

    /// When the next undelivered callback is due, if any (committed ones:
    /// through the reading connection).
    pub fn next_due(&self) -> Result<Option<i64>, Error> {
        row(
            &self.reader(),
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
}
