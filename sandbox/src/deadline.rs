//! Deadlines: a payment held at a callback step whose wait the lifecycle
//! bounds (Flashpay's 24-hour threshold: "a payment is automatically
//! assigned the decline status if it wasn't processed within the threshold
//! time") is declined once its project's clock passes the deadline, with
//! the lifecycle's last callback. Checked every second, and at once when a
//! project's clock is advanced.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::app::App;
use crate::catalog::Action;
use crate::config::Project;
use crate::flows::expired;

/// How often every project's deadlines are looked at.
const SWEEP: Duration = Duration::from_secs(1);
/// The most payments settled per project and look.
const BATCH: usize = 256;

/// Settles project `project`'s payments whose deadline has passed on its
/// clock (at most [`BATCH`] per call); how many were settled.
pub fn settle(app: &App, project: &Project) -> usize {
    let now = app.store.clock_now(project.id);
    let due = match app.store.expired(project.id, now, BATCH) {
        Ok(due) => due,
        Err(e) => {
            tracing::error!("deadlines of project {}: {e}", project.id);
            return 0;
        }
    };
    let settled = due.iter().filter(|id| expire(app, project, id)).count();
    if settled > 0 {
        app.wake.notify_one();
    }
    settled
}

/// Declines one payment whose wait is over; whether it moved. A deadline
/// that no longer bounds a wait (the payment moved on otherwise) is
/// dropped.
fn expire(app: &App, project: &Project, payment_id: &str) -> bool {
    let decided = app.store.follow_up(
        project.id,
        payment_id,
        project.callback_url.as_str(),
        |p, clock| {
            let p = p.ok_or(())?;
            let origin = app.catalog.by_id(&p.operation).ok_or(())?;
            let held = p
                .step
                .and_then(|s| usize::try_from(s).ok())
                .filter(|&i| {
                    matches!(
                        origin.lifecycle.get(i).map(|s| &s.action),
                        Some(Action::Callback { .. })
                    )
                })
                .ok_or(())?;
            expired(app, project, payment_id, origin, p, held, clock).map_err(|_| ())
        },
    );
    match decided {
        Ok(Ok(_)) => {
            tracing::info!(
                project = project.id,
                payment_id,
                "declined: its deadline passed"
            );
            true
        }
        Ok(Err(_)) => {
            if let Err(e) = app.store.clear_deadline(project.id, payment_id) {
                tracing::error!("{e}");
            }
            false
        }
        Err(e) => {
            tracing::error!("{e}");
            false
        }
    }
}

/// Looks at every project's deadlines every [`SWEEP`] until `shutdown`.
pub async fn run(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(SWEEP) => {}
            _ = shutdown.changed() => return,
        }
        let app = app.clone();
        // The store's calls block; keep them off the async workers.
        let swept = tokio::task::spawn_blocking(move || {
            for project in &app.config.projects {
                settle(&app, project);
            }
        })
        .await;
        if swept.is_err() || *shutdown.borrow() {
            return;
        }
    }
}
