//! The `gatespec` command line; see [`gatespec_cli`].

// Generation builds and drops millions of small token trees; the system
// allocator spends a third of the time on them (see the generate bench).
#[cfg(feature = "fast-alloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let code = gatespec_cli::run(args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::ExitCode::from(code)
}
