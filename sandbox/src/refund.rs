//! Refunds: part or all of what is left of a successful purchase, decided
//! by the outcome rule on the refund's own amount, in the payment's own
//! transaction with its callback.

// A rejection is the HTTP answer itself (see `flows`).
#![allow(clippy::result_large_err)]

use axum::response::Response;
use gatespec_runtime::validate::integer_value;
use serde_json::Value;

use crate::app::App;
use crate::callback::{Facts, build};
use crate::catalog::{Action, Operation};
use crate::config::Project;
use crate::flows::{callback_of, follow, origin, payment_id, refused, rule, unknown_payment};
use crate::machine::{self, Change, Recorded, Status, outcome};
use crate::store::Builder;

/// `refund`: part or all of what is left of a successful purchase; the
/// outcome rule decides it on the refund's own amount.
pub fn refund(app: &App, project: &Project, op: &Operation, value: &Value) -> Response {
    let id = payment_id(value);
    let requested = value.pointer("/payment/amount").and_then(integer_value);
    let currency = value
        .pointer("/payment/currency")
        .and_then(Value::as_str)
        .map(str::to_string);
    let shape = match callback_of(op) {
        Ok(s) => s,
        Err(r) => return r,
    };
    follow(app, project, op, value, |p, _| {
        let p = p.ok_or_else(|| unknown_payment(project, id))?;
        let origin_op = origin(app, p)?;
        let refundable_kind = matches!(
            origin_op.role,
            crate::catalog::Role::Opens { kind: "sale" } | crate::catalog::Role::PaymentPage
        );
        let refund = machine::refund(
            p,
            id,
            "refund",
            (&origin_op.id, refundable_kind),
            currency.as_deref(),
            requested,
        )
        .map_err(refused)?;
        let settled = outcome(rule(app, op), Some(refund.amount));
        let final_statuses = op
            .lifecycle
            .iter()
            .rev()
            .find_map(|s| match &s.action {
                Action::Callback { statuses, .. } => Some(statuses.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let op_status = settled.status(&final_statuses);
        let own_currency = p.currency.clone();
        let request = Some(value.clone());
        let (change, remaining, payment_status) = if op_status == Status::DECLINE {
            let left = p.amount.unwrap_or(0) - p.refunded;
            (
                Change {
                    operation: Some(Recorded::new(
                        "refund",
                        Status::DECLINE,
                        settled.code,
                        settled.message,
                    )),
                    ..machine::unchanged(p)
                },
                left,
                p.status,
            )
        } else {
            let status = refund.change.status;
            (refund.change, refund.remaining, status)
        };
        let amount = refund.amount;
        let body: Builder<'_> = Box::new(move |operation_id, request_id, at_ms| {
            build(
                shape,
                &Facts {
                    status: (payment_status, op_status),
                    declined: op_status == Status::DECLINE,
                    amount: Some(remaining),
                    operation_amount: Some(amount),
                    currency: own_currency.as_deref(),
                    code: settled.code,
                    message: settled.message,
                    request: request.as_ref(),
                    at_ms,
                    ..Facts::new(project.id, id, operation_id, request_id)
                },
                &project.secret,
            )
        });
        Ok((change, Some(body)))
    })
}
