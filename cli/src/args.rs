//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// gatespec: YAML specs of payment methods -> Rust types, JSON Schemas and docs.
#[derive(Debug, Parser)]
#[command(name = "gatespec", version)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of `list` and `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people.
    Text,
    /// For programs.
    Json,
}

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// One change per line, for people.
    Text,
    /// `{"breaking": bool, "changes": [...]}`, for programs.
    Json,
    /// A table, for a pull request.
    Markdown,
    /// GitHub workflow commands: an annotation on the spec line of each
    /// change (`error` for what fails the run).
    Github,
    /// A SARIF 2.1.0 log, for code scanning.
    Sarif,
}

/// Who a change concerns (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// What the Gate accepts and sends.
    Wire,
    /// The names other languages' classes take.
    SchemaNames,
    /// The generated Rust crate's public API.
    RustApi,
    /// Words only.
    Docs,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every operation id, `<brand>/<method>/<operation>`, one per line.
    List {
        /// The spec directory.
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Load and check the specs; report every problem with file:line:column.
    Check {
        /// The spec directory.
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
    },
    /// Write every output (schemas, docs, the client crate) under --out.
    Generate {
        /// The spec directory.
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        /// The output directory (`generated` unless `--crate` is given).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only these brands or methods (`monetix`, `monetix/mobile`);
        /// repeat the option or separate them with commas.
        #[arg(long, value_delimiter = ',')]
        select: Vec<String>,
        /// Write a standalone crate of this name into --out instead: its own
        /// manifest, features, README and a copy of the runtime, for a team
        /// to vendor or publish.
        #[arg(long = "crate", value_name = "NAME")]
        crate_name: Option<String>,
        /// Write nothing; fail if any output is stale.
        #[arg(long)]
        check: bool,
        /// Keep files, directories and links in --out that gatespec did not
        /// write (by default their presence is an error and nothing is written).
        #[arg(long)]
        keep_foreign: bool,
    },
    /// Report what changed between two spec sets, each change with a level
    /// (breaking, warning, info); exit 1 when something breaks.
    Diff {
        /// The old spec directory (or use --base).
        old: Option<PathBuf>,
        /// The new spec directory (default `specs`). With `--base`, the one
        /// directory given is the new one.
        new: Option<PathBuf>,
        /// Read the old specs from this git revision of the new directory.
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// The categories whose breaking changes fail the run (exit 1),
        /// comma-separated.
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = [FailOn::Wire, FailOn::RustApi])]
        fail_on: Vec<FailOn>,
    },
    /// Print a brand's OpenAPI 3.1 document (`generate` writes every
    /// brand's under `generated/openapi/`).
    Openapi {
        /// The brand (needed when the specs have several).
        #[arg(long)]
        brand: Option<String>,
        /// The spec directory.
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
    },
    /// Print the JSON Schema of an operation's request (or its callback).
    Schema {
        /// Operation id, e.g. monetix/smp-p2p-kz/payout.
        op: String,
        /// The callback's schema instead of the request's.
        #[arg(long)]
        callback: bool,
        /// The spec directory.
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
    },
    /// Sign a payload with the secret from GATESPEC_SECRET (or --secret-file); print it with its signature set.
    Sign {
        /// The payload file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// Print only the signature.
        #[arg(long)]
        signature_only: bool,
        /// Read the secret from this file instead of GATESPEC_SECRET. In both, one
        /// trailing newline (LF or CRLF) is not part of the secret.
        #[arg(long)]
        secret_file: Option<PathBuf>,
        /// The largest payload read, in bytes.
        #[arg(long, default_value_t = super::input::DEFAULT_MAX_BYTES)]
        max_bytes: u64,
    },
    /// Verify the signature of a callback or a signed request.
    Verify {
        /// The payload file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// Read the secret from this file instead of GATESPEC_SECRET. In both, one
        /// trailing newline (LF or CRLF) is not part of the secret.
        #[arg(long)]
        secret_file: Option<PathBuf>,
        /// The largest payload read, in bytes.
        #[arg(long, default_value_t = super::input::DEFAULT_MAX_BYTES)]
        max_bytes: u64,
    },
    /// Validate a JSON payload against an operation's request (or callback).
    Validate {
        /// Operation id, e.g. monetix/smp-p2p-kz/payout.
        op: String,
        /// The payload file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// Validate as the operation's callback.
        #[arg(long)]
        callback: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// The spec directory.
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        /// The largest payload read, in bytes.
        #[arg(long, default_value_t = super::input::DEFAULT_MAX_BYTES)]
        max_bytes: u64,
    },
    /// Run a local Gate for the specs' operations: checks, acknowledgements,
    /// signed callbacks with retries, durable state (stop with Ctrl-C).
    Sandbox {
        /// The sandbox's YAML configuration (listen, database, projects).
        #[arg(long)]
        config: PathBuf,
        /// The spec directory.
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
    },
    /// Test a merchant's own endpoints against what the Gate sends.
    Conform {
        /// What to test.
        #[command(subcommand)]
        what: Conform,
    },
}

/// What `conform` tests.
#[derive(Debug, Subcommand)]
pub enum Conform {
    /// Play the Gate against your callback endpoint: every documented
    /// callback of the selected operations (with this run's payment ids),
    /// then the hostile set (wrong or misplaced signatures, duplicate keys,
    /// a key holding `:`, a body past 1 MiB, a replay, a final callback
    /// followed by an intermediate one, unknown extra members). Exit 1 when
    /// any case fails.
    Callbacks {
        /// The callback endpoint (http or https).
        #[arg(long)]
        url: String,
        /// The project id the callbacks carry.
        #[arg(long)]
        project: i64,
        /// Read the project's secret from this file instead of
        /// GATESPEC_SECRET (one trailing newline is not part of it).
        #[arg(long)]
        secret_file: Option<PathBuf>,
        /// Only these brands, methods or operations (`monetix`,
        /// `monetix/mobile`, `monetix/mobile/purchase`); repeat the option or
        /// separate them with commas.
        #[arg(long, value_delimiter = ',')]
        select: Vec<String>,
        /// Your probe: `GET <probe>?payment_id=<id>` answers
        /// `{"effects": <callbacks acted on>, "status": <status held>}`, so
        /// that a replay is checked to have had one effect.
        #[arg(long)]
        probe: Option<String>,
        /// Also write the report as JUnit XML to this file.
        #[arg(long)]
        junit: Option<PathBuf>,
        /// How long the Gate waits for an answer, in milliseconds (the
        /// documents state none; 5,000 is the sandbox's default).
        #[arg(long, default_value_t = 5_000)]
        timeout_ms: u64,
        /// The spec directory.
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
    },
}
