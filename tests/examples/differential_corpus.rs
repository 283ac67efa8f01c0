//! Writes the cross-language differential corpus: mutated seed documents of
//! every operation's bodies, each with the verdicts of the Rust side
//! (`gatespec validate`'s rules, the generated validators and the jsonschema
//! crate on the published schema), for `tests/strict/differential.mjs` (Ajv)
//! and `tests/python/differential.py` (python-jsonschema) to add theirs.
//!
//! ```sh
//! cargo run -p gatespec-tests --example differential_corpus -- target/differential [COUNT]
//! ```
//!
//! COUNT (default 12,000) is the least number of documents; every example of
//! every body gets the same share. `GATESPEC_DIFF_SEED` repeats a run; the
//! seed used is printed and written beside the corpus. A few documents in a
//! hundred are pushed outside the input profile on purpose (a noncharacter,
//! a duplicate member, nesting past 64 levels): every Rust reader must
//! refuse those, and the other validators are not asked to agree. About one
//! in eleven has its amount written in float notation (`113.0`, `1.13e2`,
//! `113e0`, and the non-integer `113.5`): one verdict everywhere.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gatespec_codegen::ir::BodyRole;
use gatespec_runtime::validate::{parse_strict, profile};
use gatespec_tests::mutate::{apply, mutation};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

/// The text of an object `doc` pushed outside the input profile, one way
/// of three; `None` when `doc` is not an object.
fn outside_profile(doc: &str, way: u8) -> Option<String> {
    let body = doc.strip_prefix('{')?;
    let comma = if body.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    let member = match way % 3 {
        0 => r#""note":"\uFFFE""#.to_string(),
        1 => r#""note":1,"note":2"#.to_string(),
        _ => format!(r#""note":{}1{}"#, "[".repeat(70), "]".repeat(70)),
    };
    Some(format!("{{{member}{comma}{body}"))
}

/// The text of `doc` with its first amount written in float notation, one
/// way of four: `113.0`, `1.13e2`, `113e0` (the same integer to every JSON
/// reader, so every validator must accept it as 113) or `113.5` (not an
/// integer: every validator must refuse it). `None` when `doc` has no
/// integer amount.
fn float_notation(doc: &str, way: u8) -> Option<String> {
    let key = ["\"amount\":", "\"payment_amount\":"]
        .iter()
        .find_map(|k| doc.find(k).map(|at| at + k.len()))?;
    let digits: String = doc[key..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.is_empty() || doc[key + digits.len()..].starts_with(['.', 'e', 'E']) {
        return None;
    }
    let written = match way % 4 {
        0 => format!("{digits}.0"),
        1 => format!("{}.{}0e{}", &digits[..1], &digits[1..], digits.len() - 1),
        2 => format!("{digits}e0"),
        _ => format!("{digits}.5"),
    };
    Some(format!(
        "{}{written}{}",
        &doc[..key],
        &doc[key + digits.len()..]
    ))
}

fn seed() -> u64 {
    std::env::var("GATESPEC_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        })
}

fn run(out: &Path, count: u64) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schemas = root.join("generated/schemas");
    let compiled = gatespec_codegen::compile_dirs(&[root.join("specs").as_path()])
        .map_err(|f| format!("the specs do not check:\n{}", f.rendered))?;
    let index: Value = read_json(&schemas.join("index.json"))?;
    let entries = index["schemas"]
        .as_array()
        .ok_or("index.json lists no schemas")?;

    let examples: u64 = compiled
        .ir
        .operations()
        .flat_map(|(_, op)| op.bodies().map(|(_, b)| b.examples.len() as u64))
        .sum();
    let per_example = count.div_ceil(examples.max(1));
    let seed = seed();
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let edits = proptest::collection::vec(mutation(), 1..4);

    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let file = std::fs::File::create(out.join("corpus.jsonl"))
        .map_err(|e| format!("{}: {e}", out.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let mut written = 0u64;
    for entry in entries {
        let (Some(op_id), Some(role), Some(path)) = (
            entry["operation"].as_str(),
            entry["role"].as_str(),
            entry["path"].as_str(),
        ) else {
            return Err(format!(
                "index.json entry without operation, role or path: {entry}"
            ));
        };
        let role = match role {
            "callback" => BodyRole::Callback,
            "response" => BodyRole::Response,
            _ => BodyRole::Request,
        };
        let (_, op) = compiled
            .ir
            .operation(op_id)
            .ok_or_else(|| format!("index.json names {op_id}, which the specs lack"))?;
        let Some((_, body)) = op.bodies().find(|(r, _)| *r == role) else {
            return Err(format!("{op_id} has no {} body", role.as_str()));
        };
        let schema = read_json(&schemas.join(path))?;
        let by_schema = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| format!("{path} does not compile: {e}"))?;
        for example in &body.examples {
            for n in 0..per_example {
                // The example itself first, then its mutations.
                let doc = if n == 0 {
                    example.value.clone()
                } else {
                    let edits = edits
                        .new_tree(&mut runner)
                        .map_err(|e| e.to_string())?
                        .current();
                    edits.iter().fold(example.value.clone(), apply)
                };
                let mut text = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
                if n % 37 == 36
                    && let Some(outside) = outside_profile(&text, (n / 37) as u8)
                {
                    text = outside;
                } else if n % 11 == 10
                    && let Some(float) = float_notation(&text, (n / 11) as u8)
                {
                    text = float;
                }
                let cli = match parse_strict(&text) {
                    Ok((value, read)) => {
                        gatespec_cli::validate::verdict(&body.ty, &value, read).is_valid()
                    }
                    Err(_) => false,
                };
                let generated = gatespec_client::validate_body(op_id, role, text.as_bytes())
                    .ok_or_else(|| format!("the client crate has no validator for {op_id}"))?
                    .is_ok();
                let parsed: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
                let line = json!({
                    "path": path,
                    "operation": op_id,
                    "role": role.as_str(),
                    "text": text,
                    "profile": profile::admits(text.as_bytes()),
                    "gatespec_validate": cli,
                    "generated": generated,
                    "jsonschema": by_schema.is_valid(&parsed),
                });
                writeln!(w, "{line}").map_err(|e| e.to_string())?;
                written += 1;
            }
        }
    }
    w.flush().map_err(|e| e.to_string())?;
    std::fs::write(out.join("seed"), format!("{seed}\n")).map_err(|e| e.to_string())?;
    println!(
        "differential corpus: {written} documents ({per_example} per example, {examples} examples) in {}; seed {seed} (GATESPEC_DIFF_SEED={seed} repeats it)",
        out.join("corpus.jsonl").display()
    );
    Ok(())
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "target/differential".into()));
    let count = match args.next().map(|c| c.parse::<u64>()) {
        None => 12_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: differential_corpus [OUT_DIR] [COUNT > 0]");
            return ExitCode::from(2);
        }
    };
    match run(&out, count) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
