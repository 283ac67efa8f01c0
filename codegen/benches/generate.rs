//! Full generation (load, check, resolve, example check, every output) of
//! the five seed specs and of synthetic spec sets, with the time per spec.
//!
//! `cargo bench -p gatespec-codegen --bench generate`

mod synth;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use divan::counter::ItemsCount;

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

/// Synthetic spec sets, written once per run.
fn synthetic(n: usize) -> PathBuf {
    static DIRS: OnceLock<std::sync::Mutex<Vec<(usize, PathBuf)>>> = OnceLock::new();
    let dirs = DIRS.get_or_init(Default::default);
    let mut dirs = dirs.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, d)) = dirs.iter().find(|(k, _)| *k == n) {
        return d.clone();
    }
    let dir = std::env::temp_dir().join(format!("gatespec-synth-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    synth::write_specs(&specs_dir(), &dir, n).expect("write synthetic specs");
    dirs.push((n, dir.clone()));
    dir
}

/// Everything `gatespec generate` computes, without writing.
fn generate(dir: &Path) -> usize {
    let compiled =
        gatespec_codegen::compile_dirs(&[dir]).unwrap_or_else(|f| panic!("{}", f.rendered));
    gatespec_codegen::emit::outputs(&compiled.ir).len()
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

fn main() {
    divan::main();
    // A plain summary, per spec, for notes and for checking linearity.
    println!("\ntime per spec (median of 5 full generations):");
    let cases = [
        ("seeds", specs_dir(), 5),
        ("synthetic", synthetic(50), 50),
        ("synthetic", synthetic(500), 500),
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
