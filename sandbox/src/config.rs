//! The sandbox's configuration file (YAML), read and checked before
//! anything starts: a bad file is one error that names the key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use gatespec_runtime::signature::SecretKey;
use serde::Deserialize;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    listen: SocketAddr,
    database: PathBuf,
    projects: Vec<ProjectFile>,
    #[serde(default)]
    callbacks: CallbacksFile,
    #[serde(default)]
    outcomes: OutcomesFile,
    #[serde(default = "default_max_body")]
    max_body_bytes: usize,
    #[serde(default = "default_time_scale")]
    time_scale: f64,
}

fn default_time_scale() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    id: i64,
    brand: String,
    secret_file: Option<PathBuf>,
    secret_env: Option<String>,
    callback_url: String,
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
#[serde(deny_unknown_fields, default)]
struct OutcomesFile {
    decline_minor_units: Vec<u8>,
    decline_code: String,
    decline_message: String,
}

impl Default for OutcomesFile {
    fn default() -> Self {
        OutcomesFile {
            decline_minor_units: vec![13],
            decline_code: "20000".into(),
            decline_message: "General decline".into(),
        }
    }
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
    /// The decline's operation code.
    pub decline_code: String,
    /// The decline's operation message.
    pub decline_message: String,
}

/// The checked configuration.
pub struct Config {
    /// Where the sandbox listens.
    pub listen: SocketAddr,
    /// The SQLite database (created when missing).
    pub database: PathBuf,
    /// The projects, by id.
    pub projects: Vec<Project>,
    /// The callback delivery schedule.
    pub delivery: Delivery,
    /// The outcome rules.
    pub outcomes: Outcomes,
    /// The largest request body read.
    pub max_body_bytes: usize,
    /// The factor applied to the specs' durations (an OTP's 80 s window is
    /// 0.8 s at 0.01): for tests that cannot wait.
    pub time_scale: f64,
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
            projects.push(Project {
                id: p.id,
                brand: p.brand,
                secret,
                callback_url,
            });
        }
        if projects.is_empty() {
            return Err("projects: configure at least one project".into());
        }
        if file.callbacks.retry_ms.is_empty() {
            return Err("callbacks.retry_ms: give at least one wait".into());
        }
        if file.outcomes.decline_minor_units.iter().any(|&d| d > 99) {
            return Err("outcomes.decline_minor_units: each is two digits, 0 to 99".into());
        }
        if !(file.time_scale > 0.0 && file.time_scale <= 1000.0) {
            return Err("time_scale: must be above 0 and at most 1000".into());
        }
        if file.max_body_bytes == 0 {
            return Err("max_body_bytes: must be positive".into());
        }
        Ok(Config {
            listen: file.listen,
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
            outcomes: Outcomes {
                decline_minor_units: file.outcomes.decline_minor_units,
                decline_code: file.outcomes.decline_code,
                decline_message: file.outcomes.decline_message,
            },
            max_body_bytes: file.max_body_bytes,
            time_scale: file.time_scale,
        })
    }

    /// A duration of the specs, scaled.
    pub fn scaled(&self, d: Duration) -> Duration {
        d.mul_f64(self.time_scale)
    }

    /// The project with id `id`.
    pub fn project(&self, id: i64) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }
}
