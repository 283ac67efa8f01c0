//! Two example merchants' callback endpoints, for `gatespec conform
//! callbacks`: [`correct`] follows the README's recipe with the generated
//! crate and passes; [`naive`] makes the usual mistakes and fails, with a
//! report that names each. CI runs `conform` against both.

pub mod correct;
mod ledger;
pub mod naive;

use axum::Router;
use gatespec_runtime::signature::SecretKey;

/// Which merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// The README's recipe.
    Correct,
    /// The usual mistakes.
    Naive,
}

/// The merchant's routes.
pub fn router(kind: Kind, secret: SecretKey) -> Router {
    match kind {
        Kind::Correct => correct::router(secret),
        Kind::Naive => naive::router(secret),
    }
}

/// A merchant serving on its own thread (for tests): stops when dropped.
pub struct Served {
    /// Where it listens.
    pub addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Serves `kind` on a free loopback port on a thread of its own.
pub fn serve_in_background(kind: Kind, secret: SecretKey) -> std::io::Result<Served> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            let _ = axum::serve(listener, router(kind, secret))
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
    });
    Ok(Served {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
