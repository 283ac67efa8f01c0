//! The `gatespec` CLI: argument parsing and the commands of the brief's
//! contract. Commands write to the given streams and return the exit code,
//! so tests run them in process.

mod args;
mod conform;
mod diff;
mod input;
mod lock;
pub mod sandbox;
mod signing;
mod sync;
pub mod validate;

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

use clap::Parser;

pub use args::{Cli, Command, Conform, OutputFormat};

use gatespec_codegen::Compiled;
use gatespec_codegen::emit::schema::body_schema;
use gatespec_codegen::ir::{Body, BodyRole, Ir, Method, Operation};

/// Exit code: success.
pub const OK: u8 = 0;
/// Exit code: problems found (bad specs, stale output, invalid payload).
pub const FAILED: u8 = 1;
/// Exit code: usage error (bad arguments, unknown operation, unreadable input).
pub const USAGE: u8 = 2;

/// Runs the CLI with `args` (including the program name).
pub fn run(args: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { USAGE } else { OK };
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                write!(err, "{text}")
            } else {
                write!(out, "{text}")
            };
            return code;
        }
    };
    let specs = match &cli.command {
        Command::Diff {
            old,
            new,
            base,
            format,
            fail_on,
        } => {
            return diff::run(
                old.as_deref(),
                new.as_deref(),
                base.as_deref(),
                *format,
                fail_on,
                out,
                err,
            );
        }
        Command::Sign {
            file,
            signature_only,
            secret_file,
            max_bytes,
        } => {
            return signing::sign(
                file.as_deref(),
                *signature_only,
                secret_file.as_deref(),
                *max_bytes,
                out,
                err,
            );
        }
        Command::Verify {
            file,
            secret_file,
            max_bytes,
        } => {
            return signing::verify(
                file.as_deref(),
                secret_file.as_deref(),
                *max_bytes,
                out,
                err,
            );
        }
        Command::List { specs, .. }
        | Command::Check { specs }
        | Command::Generate { specs, .. }
        | Command::Schema { specs, .. }
        | Command::Openapi { specs, .. }
        | Command::Validate { specs, .. }
        | Command::Sandbox { specs, .. }
        | Command::Conform {
            what: Conform::Callbacks { specs, .. },
        } => specs.clone(),
    };
    let compiled = match load(&specs, err) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let ir = &compiled.ir;
    match cli.command {
        Command::Sign { .. } | Command::Verify { .. } | Command::Diff { .. } => USAGE,
        Command::List { format, .. } => {
            let ids: Vec<&str> = ir.operations().map(|(_, o)| o.full_id.as_str()).collect();
            let _ = match format {
                OutputFormat::Text => ids.iter().try_for_each(|id| writeln!(out, "{id}")),
                OutputFormat::Json => writeln!(out, "{}", serde_json::json!(ids)),
            };
            OK
        }
        Command::Check { .. } => {
            let _ = write!(out, "{}", compiled.rendered_notes());
            lock::explain(&compiled, &specs, out);
            let _ = writeln!(
                out,
                "ok: {} brands, {} methods, {} operations",
                ir.brands.len(),
                ir.methods.len(),
                ir.operations().count()
            );
            OK
        }
        Command::Generate {
            out: dir,
            check,
            keep_foreign,
            specs,
            select,
            crate_name,
        } => {
            let selected = match compiled.select(&select) {
                Ok(selected) => selected,
                Err(why) => {
                    let _ = writeln!(err, "error: --select: {why}");
                    return USAGE;
                }
            };
            let (files, dir) = match (&crate_name, dir) {
                (None, dir) => (
                    gatespec_codegen::emit::outputs(&selected),
                    dir.unwrap_or_else(|| std::path::PathBuf::from("generated")),
                ),
                (Some(_), None) => {
                    let _ = writeln!(
                        err,
                        "error: --crate needs --out, the directory to write the crate in"
                    );
                    return USAGE;
                }
                (Some(name), Some(dir)) => {
                    match gatespec_codegen::emit::rust::standalone::files(&selected, name) {
                        Ok(files) => (
                            gatespec_codegen::emit::with_manifest(files.into_iter().collect()),
                            dir,
                        ),
                        Err(why) => {
                            let _ = writeln!(err, "error: --crate: {why}");
                            return USAGE;
                        }
                    }
                }
            };
            let opts = sync::Options {
                dir: &dir,
                specs: &specs,
                check,
                keep_foreign,
            };
            let code = sync::generate(files, &opts, out, err);
            // The lock holds the names of the whole catalogue: a selection
            // or a standalone crate honours it and leaves it as it is.
            let whole = select.is_empty() && crate_name.is_none();
            if code == OK && whole && !lock::sync(&compiled, &specs, check, err) {
                return FAILED;
            }
            code
        }
        Command::Conform {
            what:
                Conform::Callbacks {
                    url,
                    project,
                    secret_file,
                    select,
                    probe,
                    junit,
                    timeout_ms,
                    ..
                },
        } => conform::callbacks(
            ir,
            &conform::Options {
                url: &url,
                project,
                secret_file: secret_file.as_deref(),
                select: &select,
                probe: probe.as_deref(),
                junit: junit.as_ref(),
                timeout_ms,
            },
            out,
            err,
        ),
        Command::Openapi { brand, .. } => openapi(&compiled, brand.as_deref(), out, err),
        Command::Sandbox { config, .. } => sandbox::run(ir, &config, err),
        Command::Schema { op, callback, .. } => match find_schema(&compiled, &op, callback, err) {
            Some(schema) => {
                let _ = write!(out, "{}", gatespec_codegen::format::json(&schema));
                OK
            }
            None => USAGE,
        },
        Command::Validate {
            op,
            file,
            callback,
            format,
            max_bytes,
            ..
        } => match find_body(ir, &op, callback, err) {
            Some((_, _, _, body)) => {
                validate::validate(&body.ty, file.as_deref(), max_bytes, format, out, err)
            }
            None => USAGE,
        },
    }
}

/// Compiles the specs, or prints the diagnostics and returns the exit code.
fn load(specs: &Path, err: &mut dyn Write) -> Result<Compiled, u8> {
    match gatespec_codegen::compile_dirs(&[specs]) {
        Ok(c) => Ok(c),
        Err(failure) => {
            let _ = write!(err, "{}", failure.rendered);
            Err(FAILED)
        }
    }
}

/// The schema of an operation's request (or callback), or a usage error
/// naming the closest operation id.
fn find_schema(
    compiled: &Compiled,
    op_id: &str,
    callback: bool,
    err: &mut dyn Write,
) -> Option<serde_json::Value> {
    let (method, op, role, body) = find_body(&compiled.ir, op_id, callback, err)?;
    Some(body_schema(&compiled.types, method, op, role, body))
}

/// An operation's request (or callback) body, or a usage error naming the
/// closest operation id.
fn find_body<'a>(
    ir: &'a Ir,
    op_id: &str,
    callback: bool,
    err: &mut dyn Write,
) -> Option<(&'a Method, &'a Operation, BodyRole, &'a Body)> {
    let Some((method, op)) = ir.operation(op_id) else {
        let ids: Vec<&str> = ir.operations().map(|(_, o)| o.full_id.as_str()).collect();
        let hint = gatespec_codegen::suggest::did_you_mean(op_id, ids.iter().copied())
            .unwrap_or_else(|| "run `gatespec list` to see every operation id".into());
        let _ = writeln!(err, "error: unknown operation `{op_id}`\nhelp: {hint}");
        return None;
    };
    let (role, body) = if callback {
        match &op.callback {
            Some(b) => (BodyRole::Callback, b),
            None => {
                let _ = writeln!(err, "error: operation `{op_id}` has no callback");
                return None;
            }
        }
    } else {
        (BodyRole::Request, &op.request)
    };
    Some((method, op, role, body))
}

/// `gatespec openapi`: one brand's document on standard output.
fn openapi(
    compiled: &Compiled,
    brand: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let ir = &compiled.ir;
    let brands: Vec<&gatespec_codegen::ir::Brand> =
        gatespec_codegen::emit::schema::openapi::brands(ir).collect();
    let names: Vec<&str> = brands.iter().map(|b| b.id.as_str()).collect();
    let chosen = match (brand, brands.as_slice()) {
        (Some(b), _) => brands.iter().find(|x| x.id == b),
        (None, [one]) => Some(one),
        (None, _) => {
            let _ = writeln!(
                err,
                "error: the specs have several brands ({}); name one with --brand (`gatespec generate` writes every brand's document under generated/openapi/)",
                names.join(", ")
            );
            return USAGE;
        }
    };
    let Some(chosen) = chosen else {
        let _ = writeln!(
            err,
            "error: no brand `{}` with methods in the specs; brands: {}",
            brand.unwrap_or_default(),
            names.join(", ")
        );
        return USAGE;
    };
    let doc = gatespec_codegen::emit::schema::openapi::document(ir, &compiled.types, chosen);
    let _ = write!(out, "{}", gatespec_codegen::format::json(&doc));
    OK
}
