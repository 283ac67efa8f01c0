//! `GET /sandbox/redirect/{project}/{payment}/{token}`: the sandbox stands
//! in for the place a lifecycle's redirect or challenge step sends the
//! customer (a bank's page, a 3-D Secure form). The callback before the
//! step carries this address; the customer's visit completes the step, the
//! lifecycle runs on (its final callback follows), and the customer is
//! sent back to the return URL the request gave, when the step names one.
//! The token is 128 random bits, fresh per payment, compared in constant
//! time; a second visit finds the step over and changes nothing.

// A refusal is the HTTP answer itself, as in `flows`.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gatespec_runtime::rejection::RejectionCode;
use serde_json::Value;

use crate::app::App;
use crate::catalog::Action;
use crate::flows::{Decision, Entered, moved_on};
use crate::html::{self, html_answer};
use crate::machine::{Payment, Status};

fn refused(status: StatusCode, code: RejectionCode, message: &str) -> Response {
    html_answer(status, html::refusal(code.as_str(), message, &[]))
}

/// Where the customer returns: the request's member the step names, when
/// it holds an http(s) URL.
fn return_url(p: &Payment, returns: Option<&str>) -> Option<String> {
    let request: Value = serde_json::from_str(p.request.as_deref()?).ok()?;
    let url = request.pointer(returns?)?.as_str()?;
    let parsed = url::Url::parse(url).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

/// The customer's visit.
pub async fn visit(
    State(app): State<Arc<App>>,
    Path((project_id, payment_id, token)): Path<(i64, String, String)>,
) -> Response {
    let Some(project) = app.config.project(project_id) else {
        return refused(
            StatusCode::NOT_FOUND,
            RejectionCode::UnknownProject,
            "no project of this sandbox has this redirect",
        );
    };
    let app_ref = &*app;
    let mut back: Option<String> = None;
    let mut status = Status::AWAITING_CUSTOMER;
    let decided = app.store.follow_up(
        project.id,
        &payment_id,
        project.callback_url.as_str(),
        |p, now| -> Decision<'_> {
            let unknown = || {
                refused(
                    StatusCode::NOT_FOUND,
                    RejectionCode::UnknownPayment,
                    "no payment waits for the customer at this address",
                )
            };
            let p = p.ok_or_else(unknown)?;
            let origin = app_ref.catalog.by_id(&p.operation).ok_or_else(unknown)?;
            let at = p.step.and_then(|s| usize::try_from(s).ok());
            let step = at.and_then(|i| origin.lifecycle.get(i));
            let Some(Action::Redirect { returns, .. }) = step.map(|s| &s.action) else {
                return Err(refused(
                    StatusCode::CONFLICT,
                    RejectionCode::NotAwaitingClarification,
                    &format!("payment `{payment_id}` is {}: that step is over", p.status),
                ));
            };
            let right = p.otp.as_deref().is_some_and(|own| {
                constant_time_eq::constant_time_eq(own.as_bytes(), token.as_bytes())
            });
            if !right {
                return Err(unknown());
            }
            back = return_url(p, returns.as_deref());
            let (change, body) = moved_on(
                app_ref,
                project,
                &payment_id,
                origin,
                p,
                at.unwrap_or(0) + 1,
                now,
                Entered::default(),
            )?;
            status = change.status;
            Ok((change, body))
        },
    );
    match decided {
        Ok(Ok(_)) => {
            app.wake.notify_one();
            tracing::info!(project = project.id, %status, "redirect completed");
            match back.and_then(|u| HeaderValue::from_str(&u).ok()) {
                Some(location) => {
                    let mut r = StatusCode::SEE_OTHER.into_response();
                    r.headers_mut().insert(header::LOCATION, location);
                    r
                }
                None => html_answer(StatusCode::OK, html::returned(&payment_id, status)),
            }
        }
        Ok(Err(r)) => r,
        Err(e) => crate::app::internal(&e),
    }
}
