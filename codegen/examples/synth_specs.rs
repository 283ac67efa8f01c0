//! Writes a synthetic spec set: `cargo run -p gatespec-codegen --example
//! synth_specs -- <count> <dir>` (run from the repository root).

#[path = "../benches/synth.rs"]
mod synth;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(dir)) = (args.get(1).and_then(|n| n.parse().ok()), args.get(2)) else {
        eprintln!("usage: synth_specs <count> <dir>");
        std::process::exit(2);
    };
    if let Err(e) = synth::write_specs(std::path::Path::new("specs"), std::path::Path::new(dir), n)
    {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    println!("wrote {n} synthetic methods to {dir}");
}
