//! Hostile inputs to the `gatespec` binary, run as a child process under a
//! memory limit: each gets a clear error and its documented exit code,
//! never a panic, an abort or a hang. The limit (`ulimit -v`) is what
//! "bounded memory" means here: an input that made the process allocate in
//! proportion to it (an alias bomb, a 100 MB payload) would now die of it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Address space allowed to the child, in KiB: far above what the CLI needs
/// for the real specs, far below what the inputs below used to cost.
const MEMORY_KIB: u64 = 1 << 20;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with `args`, `stdin` piped in, under the memory limit.
fn gatespec(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
    let bin = env!("CARGO_BIN_EXE_gatespec");
    let script = format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\"");
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script).arg(bin).args(args);
    cmd.env_remove("GATESPEC_SECRET");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    // The child may stop reading early (a size limit): a broken pipe here
    // is expected.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("the binary ends");
    let _ = writer.join();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A spec directory: the real brands and shared objects, plus `files`.
fn specs_with(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    for f in ["brands.yaml", "shared.yaml"] {
        std::fs::copy(real.join(f), dir.path().join(f)).expect("copy");
    }
    for (rel, bytes) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
    dir
}

fn check(dir: &Path) -> Run {
    gatespec(&["check", "--specs", &dir.display().to_string()], b"", &[])
}

fn assert_clean(run: &Run, code: i32, needle: &str) {
    assert_eq!(
        run.code,
        code,
        "stderr: {}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stderr.contains(needle) || run.stdout.contains(needle),
        "expected {needle:?} in: {}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
}

#[test]
fn yaml_bombs_nesting_and_huge_files_are_diagnosed() {
    let mut bomb = String::from("big: &b [");
    bomb.push_str(&vec!["xxxxxxxxxxxxxxxx"; 1000].join(","));
    bomb.push_str("]\nmany: [");
    bomb.push_str(&vec!["*b"; 3000].join(","));
    bomb.push_str("]\n");
    let deep = format!("x: {}{}\n", "[".repeat(40_000), "]".repeat(40_000));
    let big = format!("method: {{summary: \"{}\"}}\n", "a".repeat(5 << 20));
    let dir = specs_with(&[
        ("monetix/bomb.yaml", bomb.into_bytes()),
        ("monetix/deep.yaml", deep.into_bytes()),
        ("monetix/big.yaml", big.into_bytes()),
    ]);
    let run = check(dir.path());
    assert_clean(&run, 1, "expands to more than 1000000 nodes");
    assert_clean(&run, 1, "deep.yaml:1:");
    assert_clean(&run, 1, "nests deeper than 64 levels");
    assert_clean(&run, 1, "the file is larger than 4 MiB");
}

#[test]
fn a_long_line_is_located_and_never_echoed_whole() {
    // A 3 MB value on one line, in a place that takes another type: the
    // diagnostic names its line and column and shows none of the value.
    let value = "v".repeat(3 << 20);
    let spec = format!("method:\n  id: long\n  brand: monetix\n  countries: \"{value}\"\n");
    let dir = specs_with(&[("monetix/long.yaml", spec.into_bytes())]);
    let run = check(dir.path());
    assert_clean(&run, 1, "long.yaml:4:");
    assert!(
        run.stderr.len() < 64 << 10,
        "{} bytes of diagnostics",
        run.stderr.len()
    );
}

#[test]
fn control_characters_and_bad_utf8_get_their_real_position() {
    let dir = specs_with(&[
        (
            "monetix/nul.yaml",
            b"method:\n  id: x\n  name: \"a\0b\"\n".to_vec(),
        ),
        (
            "monetix/utf8.yaml",
            b"method:\n  id: x\n  name: ab\xffc\n".to_vec(),
        ),
    ]);
    let run = check(dir.path());
    assert_clean(&run, 1, "control character U+0000 at line 3, column 11");
    assert_clean(&run, 1, "not valid UTF-8 at line 3, column 11");
}

#[test]
fn thousands_of_problems_are_counted_not_all_printed() {
    let mut spec = String::from("method:\n");
    for i in 0..20_000 {
        spec.push_str(&format!("  unknown_key_{i}: 1\n"));
    }
    let dir = specs_with(&[("monetix/many.yaml", spec.into_bytes())]);
    let run = check(dir.path());
    assert_clean(&run, 1, "more problems are not shown");
    assert!(
        run.stderr.matches("error: ").count() <= 102,
        "{}",
        run.stderr.len()
    );
}

#[test]
fn a_missing_brands_file_says_so() {
    let dir = specs_with(&[]);
    std::fs::remove_file(dir.path().join("brands.yaml")).expect("rm");
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/monetix/sbp-p2p.yaml");
    std::fs::create_dir(dir.path().join("monetix")).expect("mkdir");
    std::fs::copy(real, dir.path().join("monetix/sbp-p2p.yaml")).expect("copy");
    let run = check(dir.path());
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains("known brands: \n"), "{}", run.stderr);
    assert!(!run.stderr.contains("known brands:\n"), "{}", run.stderr);
}

#[test]
fn payloads_are_bounded_before_they_are_parsed() {
    // 100 MB of a JSON array: refused after the first megabyte.
    let mut huge = Vec::with_capacity(100 << 20);
    huge.push(b'[');
    while huge.len() < 100 << 20 {
        huge.extend_from_slice(b"0,");
    }
    huge.extend_from_slice(b"0]");
    let specs = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .display()
        .to_string();
    let secret = [("GATESPEC_SECRET", "s")];
    for args in [
        vec![
            "validate",
            "monetix/smp-p2p-kz/payout",
            "-",
            "--specs",
            &specs,
        ],
        vec!["verify", "-"],
        vec!["sign", "-"],
    ] {
        let run = gatespec(&args, &huge, &secret);
        assert_clean(&run, 2, "larger than 1048576 bytes");
    }
    // A raised limit is honoured.
    let run = gatespec(
        &["verify", "-", "--max-bytes", "10"],
        b"{\"signature\": \"x\"}",
        &secret,
    );
    assert_clean(&run, 2, "larger than 10 bytes");
}

#[test]
fn secrets_are_read_alike_and_refused_when_empty_or_huge() {
    let payload = br#"{"a": 1}"#;
    let run = gatespec(
        &["sign", "-", "--signature-only"],
        payload,
        &[("GATESPEC_SECRET", "")],
    );
    assert_clean(&run, 2, "GATESPEC_SECRET is empty");
    let run = gatespec(&["sign", "-", "--signature-only"], payload, &[]);
    assert_clean(&run, 2, "GATESPEC_SECRET is not set");
    // One trailing newline is not part of the secret, from either source.
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("secret");
    std::fs::write(&file, "k\n").expect("write");
    let from_file = gatespec(
        &[
            "sign",
            "-",
            "--signature-only",
            "--secret-file",
            &file.display().to_string(),
        ],
        payload,
        &[],
    );
    let from_env = gatespec(
        &["sign", "-", "--signature-only"],
        payload,
        &[("GATESPEC_SECRET", "k\n")],
    );
    let bare = gatespec(
        &["sign", "-", "--signature-only"],
        payload,
        &[("GATESPEC_SECRET", "k")],
    );
    assert_eq!(from_file.code, 0, "{}", from_file.stderr);
    assert_eq!(from_file.stdout, from_env.stdout);
    assert_eq!(from_env.stdout, bare.stdout);
    std::fs::write(&file, vec![b'k'; 1 << 20]).expect("write");
    let run = gatespec(
        &["sign", "-", "--secret-file", &file.display().to_string()],
        payload,
        &[],
    );
    assert_clean(&run, 2, "larger than 4096 bytes");
    assert!(!run.stderr.contains("kkkk"));
}

#[test]
fn only_objects_are_signed() {
    for args in [vec!["sign", "-"], vec!["sign", "-", "--signature-only"]] {
        let run = gatespec(&args, b"[1, 2]", &[("GATESPEC_SECRET", "s")]);
        assert_clean(&run, 2, "not a JSON object");
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    let run = gatespec(
        &["sign", "-"],
        br#"{"a": 1, "a": 2}"#,
        &[("GATESPEC_SECRET", "s")],
    );
    assert_clean(&run, 2, "appears more than once");
}
