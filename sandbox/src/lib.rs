//! The sandbox Gate: a local server that behaves like the platform's Gate
//! for every operation of a catalogue, checks every request as the Gate
//! does (size, project, signature, rules, payment id), acknowledges, and
//! sends signed callbacks with retries until the receiver accepts them.
//! State lives in SQLite, so a restart loses nothing.

pub mod answer;
pub mod app;
pub mod callback;
pub mod catalog;
pub mod checkout;
pub mod config;
pub mod deadline;
pub mod delivery;
pub mod faults;
pub mod flows;
pub mod html;
pub mod lifecycle;
pub mod machine;
pub mod page;
mod query;
pub mod redirect;
pub mod refund;
pub mod server;
pub mod store;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::{Notify, watch};

pub use catalog::{Action, Callback, Catalog, Operation, Renew, Role, Rules, Step};
pub use config::Config;

/// Serves `catalog` on `listener` until `shutdown` completes; then stops
/// taking requests, lets attempts in flight finish, and returns.
pub async fn serve(
    config: Config,
    catalog: Catalog,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let store = open_store(&config)?;
    serve_store(config, catalog, store, listener, shutdown).await
}

/// Opens the configuration's database, every error naming the file: done
/// before the address is bound, so a bad database is reported before
/// "listening on ..." and nothing listens in vain.
fn open_store(config: &Config) -> Result<Arc<store::Store>, String> {
    let faults = config
        .projects
        .iter()
        .filter_map(|p| p.faults.clone().map(|f| (p.id, f)))
        .collect();
    store::Store::open(&config.database)
        .map(|s| Arc::new(s.with_faults(faults)))
        .map_err(|e| {
            let shown = config.database.display().to_string();
            if e.contains(&shown) {
                format!("database: {e}")
            } else {
                format!("database {shown}: {e}")
            }
        })
}

async fn serve_store(
    config: Config,
    catalog: Catalog,
    store: Arc<store::Store>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let wake = Arc::new(Notify::new());
    let (stop, stopped) = watch::channel(false);
    let worker = tokio::spawn(delivery::run(
        store.clone(),
        config.delivery.clone(),
        wake.clone(),
        stopped,
    ));
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = Arc::new(app::App {
        config,
        catalog,
        store,
        wake,
        addr,
    });
    let deadlines = tokio::spawn(deadline::run(app.clone(), stop.subscribe()));
    let served = accept(listener, server::router(app), shutdown).await;
    let _ = stop.send(true);
    let _ = worker.await;
    let _ = deadlines.await;
    served
}

/// How long a client may take to send a request's headers (also how long
/// an idle kept-alive connection stays open).
const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// How long a stop waits for requests in progress before it closes them.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Serves connections until `shutdown` completes, then lets requests in
/// progress finish for at most [`STOP_GRACE`]. Each connection is HTTP/1
/// with a timer: half-sent headers and idle connections are closed after
/// [`HEADER_TIMEOUT`], so neither holds the process open on SIGTERM.
async fn accept(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // A full accept queue or a file-descriptor limit is
                        // passing; say so and keep serving.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let service = hyper_util::service::TowerToHyperService::new(router.clone());
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(STOP_GRACE) => {
            tracing::warn!("stopped with requests still open after {} s", STOP_GRACE.as_secs());
        }
    }
    Ok(())
}

/// A sandbox running on its own thread (for tests and embedding).
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl Running {
    /// Starts a sandbox on `config.listen` (port 0 picks a free one). It
    /// runs on its own thread and runtime, so the caller may be async or
    /// not.
    pub fn start(config: Config, catalog: Catalog) -> Result<Running, String> {
        let store = open_store(&config)?;
        // Bound here, without a runtime, so the address is known (and a
        // taken port reported) before `start` returns, even when the
        // caller is itself inside a runtime.
        let listener = std::net::TcpListener::bind(config.listen)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)
                    .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
                serve_store(config, catalog, store, listener, async {
                    let _ = stopped.await;
                })
                .await
            })
        });
        Ok(Running {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Stops it gracefully and waits until it has.
    pub fn stop(mut self) -> Result<(), String> {
        self.halt()
    }

    fn halt(&mut self) -> Result<(), String> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| "the sandbox thread panicked".to_string())?,
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.halt();
    }
}

/// Runs the sandbox until Ctrl-C or SIGTERM (the `gatespec sandbox`
/// command).
pub fn run(config: Config, catalog: Catalog) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let store = open_store(&config)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        for w in &config.warnings {
            tracing::warn!("{w}");
            eprintln!("gatespec sandbox: warning: {w}");
        }
        tracing::info!(%addr, "sandbox listening");
        eprintln!("gatespec sandbox: listening on http://{addr}");
        serve_store(config, catalog, store, listener, signal()).await
    })
}

/// Completes on Ctrl-C or SIGTERM.
async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
}
