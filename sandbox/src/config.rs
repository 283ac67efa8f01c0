//! The sandbox's configuration file (YAML), read and checked before
//! anything starts: a bad file is one error that names the key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use gatespec_runtime::signature::SecretKey;

use crate::faults::{Fault, Faults};
use serde::Deserialize;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default = "default_listen")]
    listen: SocketAddr,
    #[serde(default)]
    allowed_hosts: Vec<String>,
    database: PathBuf,
    projects: Vec<ProjectFile>,
    #[serde(default)]
    callbacks: CallbacksFile,
    #[serde(default)]
    outcomes: Option<OutcomesFile>,
    #[serde(default = "default_max_body")]
    max_body_bytes: usize,
    #[serde(default = "default_time_scale")]
    time_scale: f64,
}

fn default_time_scale() -> f64 {
    1.0
}

/// Loopback only: the inspection API shows every project's payments and
/// OTPs without authentication, so nothing off this machine should reach
/// it unless the file says so.
fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

/// The longest wait between two attempts, and the longest attempt: a day
/// and ten minutes. Past them a schedule is a typo, and a wait near
/// `u64::MAX` milliseconds would overflow the clock arithmetic.
const MAX_RETRY_MS: u64 = 86_400_000;
const MAX_TIMEOUT_MS: u64 = 600_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    id: i64,
    brand: String,
    secret_file: Option<PathBuf>,
    secret_env: Option<String>,
    callback_url: String,
    #[serde(default)]
    faults: Option<FaultsFile>,
}

/// A project's `faults`: opt-in, reproducible from `seed`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultsFile {
    seed: u64,
    apply: Vec<String>,
    #[serde(default = "every_payment")]
    rate: f64,
    #[serde(default = "default_fault_delay_ms")]
    delay_ms: u64,
}

fn every_payment() -> f64 {
    1.0
}

fn default_fault_delay_ms() -> u64 {
    2_000
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct CallbacksFile {
    retry_ms: Vec<u64>,
    timeout_ms: u64,
}

impl Default for CallbacksFile {
    fn default() -> Self {
        CallbacksFile {
            retry_ms: vec![100, 500, 2_000, 10_000, 60_000],
            timeout_ms: 5_000,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomesFile {
    decline_minor_units: Vec<u8>,
    #[serde(default)]
    pending_minor_units: Vec<u8>,
    decline_code: String,
    decline_message: String,
}

fn default_max_body() -> usize {
    gatespec_runtime::validate::profile::MAX_BYTES
}

/// A merchant project the sandbox serves.
pub struct Project {
    /// The project id requests carry in `general.project_id`.
    pub id: i64,
    /// The brand whose methods the project has.
    pub brand: String,
    /// The project's secret key (never printed: `SecretKey` redacts itself).
    pub secret: SecretKey,
    /// Where the project's callbacks go.
    pub callback_url: url::Url,
    /// The faults the project opted into.
    pub faults: Option<Faults>,
}

/// The callback delivery schedule.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The waits before the second, third, ... attempt; the last repeats.
    pub retry: Vec<Duration>,
    /// How long one attempt may take.
    pub timeout: Duration,
}

/// What decides a payment's outcome.
#[derive(Debug, Clone)]
pub struct Outcomes {
    /// Amounts whose last two digits (in minor units) are one of these are
    /// declined.
    pub decline_minor_units: Vec<u8>,
    /// Amounts whose last two digits are one of these are never processed.
    pub pending_minor_units: Vec<u8>,
    /// The decline's operation code.
    pub decline_code: String,
    /// The decline's operation message.
    pub decline_message: String,
}

/// The checked configuration.
pub struct Config {
    /// Where the sandbox listens (default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// Host names (with or without a port) requests may name besides the
    /// loopback ones; any other `Host` is refused, so a web page cannot
    /// reach the sandbox through a DNS name rebound to this machine.
    pub allowed_hosts: Vec<String>,
    /// What the file allows that deserves a word in the log (listening off
    /// loopback).
    pub warnings: Vec<String>,
    /// The SQLite database (created when missing).
    pub database: PathBuf,
    /// The projects, by id.
    pub projects: Vec<Project>,
    /// The callback delivery schedule.
    pub delivery: Delivery,
    /// The outcome rule that overrides the specs' for every operation,
    /// when the file sets one (`outcomes`); else each method's `testing`.
    pub outcomes: Option<Outcomes>,
    /// The largest request body read.
    pub max_body_bytes: usize,
    /// The factor applied to the specs' durations (an OTP's 80 s window is
    /// 0.8 s at 0.01): for tests that cannot wait.
    pub time_scale: f64,
}

/// A project's faults, checked: every name known, a rate in (0, 1], a
/// delay from 1 ms to a day.
fn faults(f: FaultsFile, at: &str) -> Result<Faults, String> {
    let known: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
    let mut apply = Vec::new();
    for (i, name) in f.apply.iter().enumerate() {
        match Fault::parse(name) {
            Some(fault) if !apply.contains(&fault) => apply.push(fault),
            Some(_) => return Err(format!("{at}.apply[{i}]: `{name}` is listed twice")),
            None => {
                return Err(format!(
                    "{at}.apply[{i}]: `{name}` is not a fault (known: {})",
                    known.join(", ")
                ));
            }
        }
    }
    if apply.is_empty() {
        return Err(format!(
            "{at}.apply: name at least one fault (known: {})",
            known.join(", ")
        ));
    }
    if !(f.rate > 0.0 && f.rate <= 1.0) {
        return Err(format!(
            "{at}.rate: {} is not a share above 0 and at most 1",
            f.rate
        ));
    }
    if !(1..=MAX_RETRY_MS).contains(&f.delay_ms) {
        return Err(format!(
            "{at}.delay_ms: {} is not from 1 to {MAX_RETRY_MS} ms (a day)",
            f.delay_ms
        ));
    }
    Ok(Faults {
        seed: f.seed,
        apply,
        rate: f.rate,
        delay_ms: f.delay_ms as i64,
    })
}

impl Config {
    /// Reads and checks the file at `path`; relative paths in it are taken
    /// from the file's directory. `brands` are the brands the specs know.
    pub fn load(path: &Path, brands: &[String]) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, base, brands).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Checks configuration text; relative paths are taken from `base`.
    pub fn parse(text: &str, base: &Path, brands: &[String]) -> Result<Config, String> {
        let file: File = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let mut projects = Vec::new();
        for (i, p) in file.projects.into_iter().enumerate() {
            let at = format!("projects[{i}]");
            if projects.iter().any(|q: &Project| q.id == p.id) {
                return Err(format!("{at}.id: project {} is configured twice", p.id));
            }
            if !brands.contains(&p.brand) {
                return Err(format!(
                    "{at}.brand: `{}` is not a brand of the specs (known: {})",
                    p.brand,
                    brands.join(", ")
                ));
            }
            let secret = match (&p.secret_file, &p.secret_env) {
                (Some(f), None) => SecretKey::from_file(&base.join(f))
                    .map_err(|e| format!("{at}.secret_file: {e}"))?,
                (None, Some(var)) => {
                    SecretKey::from_env(var).map_err(|e| format!("{at}.secret_env: {e}"))?
                }
                _ => {
                    return Err(format!(
                        "{at}: give exactly one of `secret_file` and `secret_env` (a secret is never written in the config)"
                    ));
                }
            };
            let callback_url =
                url::Url::parse(&p.callback_url).map_err(|e| format!("{at}.callback_url: {e}"))?;
            if !matches!(callback_url.scheme(), "http" | "https") {
                return Err(format!("{at}.callback_url: must be an http or https URL"));
            }
            let faults = p
                .faults
                .map(|f| faults(f, &format!("{at}.faults")))
                .transpose()?;
            projects.push(Project {
                id: p.id,
                brand: p.brand,
                secret,
                callback_url,
                faults,
            });
        }
        if projects.is_empty() {
            return Err("projects: configure at least one project".into());
        }
        if file.callbacks.retry_ms.is_empty() {
            return Err("callbacks.retry_ms: give at least one wait".into());
        }
        if let Some((i, ms)) = file
            .callbacks
            .retry_ms
            .iter()
            .enumerate()
            .find(|(_, ms)| !(1..=MAX_RETRY_MS).contains(*ms))
        {
            return Err(format!(
                "callbacks.retry_ms[{i}]: {ms} is not a wait from 1 to {MAX_RETRY_MS} ms (a day); 0 would resend without pause"
            ));
        }
        if !(1..=MAX_TIMEOUT_MS).contains(&file.callbacks.timeout_ms) {
            return Err(format!(
                "callbacks.timeout_ms: {} is not from 1 to {MAX_TIMEOUT_MS} ms (ten minutes)",
                file.callbacks.timeout_ms
            ));
        }
        let mut warnings = Vec::new();
        if !file.listen.ip().is_loopback() {
            warnings.push(format!(
                "listen: {} is reachable from other machines, and the inspection API and /sandbox show every project's payments and OTPs without authentication",
                file.listen
            ));
        }
        if let Some(h) = file
            .allowed_hosts
            .iter()
            .find(|h| h.is_empty() || h.contains(['/', ' ', '@']))
        {
            return Err(format!("allowed_hosts: {h:?} is not a host name"));
        }
        if file
            .outcomes
            .as_ref()
            .is_some_and(|o| o.decline_minor_units.iter().any(|&d| d > 99))
        {
            return Err("outcomes.decline_minor_units: each is two digits, 0 to 99".into());
        }
        if let Some(o) = &file.outcomes {
            if o.pending_minor_units.iter().any(|&d| d > 99) {
                return Err("outcomes.pending_minor_units: each is two digits, 0 to 99".into());
            }
            if let Some(d) = o
                .pending_minor_units
                .iter()
                .find(|d| o.decline_minor_units.contains(d))
            {
                return Err(format!(
                    "outcomes.pending_minor_units: {d} is also in decline_minor_units; an amount has one outcome"
                ));
            }
        }
        if !(file.time_scale > 0.0 && file.time_scale <= 1000.0) {
            return Err("time_scale: must be above 0 and at most 1000".into());
        }
        if file.max_body_bytes == 0 {
            return Err("max_body_bytes: must be positive".into());
        }
        Ok(Config {
            listen: file.listen,
            allowed_hosts: file
                .allowed_hosts
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            warnings,
            database: base.join(file.database),
            projects,
            delivery: Delivery {
                retry: file
                    .callbacks
                    .retry_ms
                    .into_iter()
                    .map(Duration::from_millis)
                    .collect(),
                timeout: Duration::from_millis(file.callbacks.timeout_ms),
            },
            outcomes: file.outcomes.map(|o| Outcomes {
                decline_minor_units: o.decline_minor_units,
                pending_minor_units: o.pending_minor_units,
                decline_code: o.decline_code,
                decline_message: o.decline_message,
            }),
            max_body_bytes: file.max_body_bytes,
            time_scale: file.time_scale,
        })
    }

    /// A duration of the specs, scaled.
    pub fn scaled(&self, d: Duration) -> Duration {
        d.mul_f64(self.time_scale)
    }

    /// Whether a request naming `host` (its `Host` header) is served: a
    /// loopback name or address, the address listened on, or an allowed
    /// host; with any port.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let name = match host.rsplit_once(':') {
            // `[::1]:8080`, `localhost:8080`; a bare IPv6 address has more
            // colons and no brackets.
            Some((name, port))
                if port.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(':') =>
            {
                name
            }
            _ => host.as_str(),
        };
        let name = name.trim_start_matches('[').trim_end_matches(']');
        if name == "localhost" || name.ends_with(".localhost") {
            return true;
        }
        if let Ok(ip) = name.parse::<std::net::IpAddr>()
            && (ip.is_loopback() || ip == self.listen.ip())
        {
            return true;
        }
        self.allowed_hosts.iter().any(|a| a == name || *a == host)
    }

    /// The project with id `id`.
    pub fn project(&self, id: i64) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }
}
