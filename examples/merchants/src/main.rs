//! `merchant correct|naive --listen ADDR --secret-file FILE`: one example
//! merchant's callback endpoint, until Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use gatespec_example_merchants::{Kind, router};
use gatespec_runtime::signature::SecretKey;

/// An example merchant's callback endpoint.
#[derive(Debug, Parser)]
struct Args {
    /// Which merchant.
    #[arg(value_enum)]
    kind: Kind,
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:9000")]
    listen: SocketAddr,
    /// The project's secret key.
    #[arg(long)]
    secret_file: PathBuf,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    let secret = match SecretKey::from_file(&args.secret_file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.listen);
            return ExitCode::from(2);
        }
    };
    println!("listening on http://{}", args.listen);
    let served = axum::serve(listener, router(args.kind, secret))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
