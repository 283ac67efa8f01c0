//! The database layout and its version.

/// The layout this version reads and writes, kept in `PRAGMA
/// user_version`. A database of another layout is refused rather than
/// read wrongly.
pub(super) const SCHEMA_VERSION: i64 = 4;

/// The layouts this one is made from by adding to them (layout 3 lacks
/// only the `faults` and `deadlines` tables, which `SCHEMA` creates).
pub(super) const UPGRADES_FROM: [i64; 1] = [3];

/// The layout, created in one transaction with its version (see
/// [`Store::open`]).
pub(super) const SCHEMA: &str = "
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
    step INTEGER,
    request TEXT,
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
    entries TEXT,
    notice TEXT
);
-- The faults that hit a payment (names, comma-separated), for the
-- inspection API; only payments of a project with faults have a row.
CREATE TABLE IF NOT EXISTS faults (
    project_id INTEGER NOT NULL,
    payment_id TEXT NOT NULL,
    names TEXT NOT NULL,
    PRIMARY KEY (project_id, payment_id)
) WITHOUT ROWID;
-- When a payment's wait ends on its project's clock (a payment held at a
-- final callback the lifecycle bounds in time); read per project in due
-- order.
CREATE TABLE IF NOT EXISTS deadlines (
    project_id INTEGER NOT NULL,
    payment_id TEXT NOT NULL,
    due_ms INTEGER NOT NULL,
    PRIMARY KEY (project_id, payment_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deadlines_due ON deadlines (project_id, due_ms);
CREATE TABLE IF NOT EXISTS clocks (
    project_id INTEGER PRIMARY KEY,
    offset_ms INTEGER NOT NULL
) WITHOUT ROWID;
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
