//! Full generation (load, check, resolve, example check, every output) of
//! the five seed specs and of synthetic spec sets, with the time per spec.
//!
//! `cargo bench -p gatespec-codegen --bench generate`

mod synth;

// The allocator of the `gatespec` binary, so the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use divan::counter::ItemsCount;

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

/// Synthetic spec sets, written once per run: payouts only, or (`mixed`)
/// one purchase-with-refund method in every ten.
fn synthetic(n: usize) -> PathBuf {
    synthetic_set(n, false)
}

fn synthetic_set(n: usize, mixed: bool) -> PathBuf {
    static DIRS: OnceLock<std::sync::Mutex<Vec<(usize, PathBuf)>>> = OnceLock::new();
    let dirs = DIRS.get_or_init(Default::default);
    let mut dirs = dirs.lock().unwrap_or_else(|e| e.into_inner());
    let key = n * 2 + usize::from(mixed);
    if let Some((_, d)) = dirs.iter().find(|(k, _)| *k == key) {
        return d.clone();
    }
    let dir = std::env::temp_dir().join(format!(
        "gatespec-synth-{}-{n}-{}",
        std::process::id(),
        if mixed { "mixed" } else { "payouts" }
    ));
    let _ = std::fs::remove_dir_all(&dir);
    synth::write_mixed(&specs_dir(), &dir, n, mixed).expect("write synthetic specs");
    dirs.push((key, dir.clone()));
    dir
}

/// 1,000 methods of the held-out shape (issue 22): each payout has an
/// account object of its own, so nothing of one method is shared.
fn held_out(n: usize) -> PathBuf {
    static DIRS: OnceLock<std::sync::Mutex<Vec<(usize, PathBuf)>>> = OnceLock::new();
    let dirs = DIRS.get_or_init(Default::default);
    let mut dirs = dirs.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, d)) = dirs.iter().find(|(k, _)| *k == n) {
        return d.clone();
    }
    let dir = std::env::temp_dir().join(format!(
        "gatespec-synth-{}-{n}-held-out",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    synth::write_held_out(&specs_dir(), &dir, n).expect("write held-out specs");
    dirs.push((n, dir.clone()));
    dir
}

#[divan::bench(sample_count = 3)]
fn held_out_1000(bencher: divan::Bencher) {
    let dir = held_out(1000);
    bencher
        .counter(ItemsCount::new(1000usize))
        .bench(|| generate(&dir));
}

/// Everything `gatespec generate` computes, without writing.
fn generate(dir: &Path) -> usize {
    let compiled =
        gatespec_codegen::compile_dirs(&[dir]).unwrap_or_else(|f| panic!("{}", f.rendered));
    gatespec_codegen::emit::outputs(&compiled).len()
}

#[divan::bench(sample_count = 20)]
fn seeds(bencher: divan::Bencher) {
    let dir = specs_dir();
    bencher
        .counter(ItemsCount::new(5usize))
        .bench(|| generate(&dir));
}

#[divan::bench(args = [50, 500], sample_count = 5)]
fn synthetic_methods(bencher: divan::Bencher, n: usize) {
    let dir = synthetic(n);
    bencher.counter(ItemsCount::new(n)).bench(|| generate(&dir));
}

/// The catalogue's scale: 1,000 methods over three brands, one in ten a
/// purchase with a refund.
#[divan::bench(sample_count = 3)]
fn catalogue_1000(bencher: divan::Bencher) {
    let dir = synthetic_set(1000, true);
    bencher
        .counter(ItemsCount::new(1000usize))
        .bench(|| generate(&dir));
}

/// Lines of generated Rust (every file of the client crate's `src/`) for
/// a spec set.
fn rust_lines(dir: &Path) -> usize {
    let compiled =
        gatespec_codegen::compile_dirs(&[dir]).unwrap_or_else(|f| panic!("{}", f.rendered));
    gatespec_codegen::emit::outputs(&compiled)
        .iter()
        .filter(|(path, _)| path.starts_with("client/src/") && path.ends_with(".rs"))
        .map(|(_, text)| text.lines().count())
        .sum()
}

fn main() {
    divan::main();
    // A plain summary, per spec, for notes and for checking linearity.
    println!("\ntime per spec (median of 5 full generations):");
    let cases = [
        ("seeds", specs_dir(), 5),
        ("synthetic", synthetic(50), 50),
        ("synthetic", synthetic(500), 500),
        ("mixed", synthetic_set(250, true), 250),
        ("mixed", synthetic_set(1000, true), 1000),
    ];
    for (name, dir, n) in cases {
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                divan::black_box(generate(&dir));
                t.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let total = times[2];
        println!(
            "  {name:>9} {n:>4} specs: {:>9.2} ms total, {:>6.3} ms per spec",
            total * 1e3,
            total * 1e3 / n as f64
        );
    }
    // `check` alone (load, check, resolve, examples, type space) and the
    // whole generation of the held-out shape, median of 5.
    let median = |f: &dyn Fn()| {
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[2]
    };
    let dir = held_out(1000);
    let check = median(&|| {
        divan::black_box(gatespec_codegen::compile_dirs(&[dir.as_path()]).is_ok());
    });
    let whole = median(&|| {
        divan::black_box(generate(&dir));
    });
    println!(
        "\nheld-out shape, 1000 methods: check {:.0} ms, generate {:.0} ms (targets: 500 ms, 2000 ms)",
        check * 1e3,
        whole * 1e3
    );
    let (a, b) = (rust_lines(&held_out(100)), rust_lines(&held_out(200)));
    println!(
        "generated Rust per added held-out payout method: {:.0} lines ({a} lines for 100 methods, {b} for 200; target 300)",
        (b - a) as f64 / 100.0
    );
    // What one more payout method in the common shape adds to the client
    // crate, measured as the difference between two spec sets.
    let (small, large) = (synthetic(100), synthetic(200));
    let (a, b) = (rust_lines(&small), rust_lines(&large));
    println!(
        "\ngenerated Rust per added common-shape payout method: {:.0} lines ({a} lines for 100 methods, {b} for 200)",
        (b - a) as f64 / 100.0
    );
    if let Ok(dirs) = std::fs::read_dir(std::env::temp_dir()) {
        for d in dirs.flatten() {
            if d.file_name()
                .to_string_lossy()
                .starts_with(&format!("gatespec-synth-{}-", std::process::id()))
            {
                let _ = std::fs::remove_dir_all(d.path());
            }
        }
    }
}
