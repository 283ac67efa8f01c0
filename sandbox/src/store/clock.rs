//! Each project's virtual clock: how far its time runs ahead of the wall
//! clock. Every timing the specs declare (an OTP's window, a resend's wait)
//! is judged on it, so a test can pass 80 seconds, or a day, in no time.
//! The offsets are kept in the database (a restart keeps them) and in
//! memory (one sandbox per database, so the two never disagree).

use std::collections::HashMap;

use rusqlite::params;

use super::{Error, Store, err, exec, now_ms};

/// The longest one advance may move a clock: ten years.
pub const MAX_ADVANCE_SECONDS: i64 = 10 * 365 * 24 * 3600;

impl Store {
    /// Reads the offsets kept in the database (at open).
    pub(super) fn load_clocks(&self) -> Result<(), Error> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT project_id, offset_ms FROM clocks")
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err)?;
        let loaded: HashMap<i64, i64> = rows.collect::<Result<_, _>>().map_err(err)?;
        *self.clocks.lock().unwrap_or_else(|p| p.into_inner()) = loaded;
        Ok(())
    }

    /// How far project `project_id`'s clock runs ahead, in milliseconds.
    pub fn clock_offset(&self, project_id: i64) -> i64 {
        self.clocks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&project_id)
            .copied()
            .unwrap_or(0)
    }

    /// The time on project `project_id`'s clock, in milliseconds.
    pub fn clock_now(&self, project_id: i64) -> i64 {
        now_ms().saturating_add(self.clock_offset(project_id))
    }

    /// Moves project `project_id`'s clock forward by `seconds` (1 to
    /// [`MAX_ADVANCE_SECONDS`]: time never goes backward); its new offset
    /// in milliseconds.
    pub fn advance_clock(&self, project_id: i64, seconds: i64) -> Result<i64, Error> {
        if !(1..=MAX_ADVANCE_SECONDS).contains(&seconds) {
            return Err(format!(
                "a clock moves forward by 1 to {MAX_ADVANCE_SECONDS} seconds, not {seconds}"
            ));
        }
        let conn = self.conn();
        let mut clocks = self.clocks.lock().unwrap_or_else(|p| p.into_inner());
        let offset = clocks
            .get(&project_id)
            .copied()
            .unwrap_or(0)
            .saturating_add(seconds * 1000);
        exec(
            &conn,
            "INSERT INTO clocks (project_id, offset_ms) VALUES (?1, ?2)
             ON CONFLICT (project_id) DO UPDATE SET offset_ms = excluded.offset_ms",
            params![project_id, offset],
        )
        .map_err(err)?;
        clocks.insert(project_id, offset);
        Ok(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_moves_forward_only_and_survives_a_restart() {
        let dir = tempfile::tempdir().expect("directory");
        let path = dir.path().join("clock.db");
        {
            let store = Store::open(&path).expect("store");
            assert_eq!(store.clock_offset(1), 0);
            assert_eq!(store.advance_clock(1, 90).expect("advanced"), 90_000);
            assert_eq!(store.advance_clock(1, 10).expect("advanced"), 100_000);
            assert!(store.advance_clock(1, 0).is_err());
            assert!(store.advance_clock(1, -1).is_err());
            assert!(store.advance_clock(1, MAX_ADVANCE_SECONDS + 1).is_err());
            assert_eq!(
                store.clock_offset(2),
                0,
                "another project's clock is its own"
            );
            assert!(store.clock_now(1) >= now_ms() + 100_000 - 1);
        }
        let reopened = Store::open(&path).expect("reopened");
        assert_eq!(reopened.clock_offset(1), 100_000);
    }
}
