//! OpenAPI links: from an operation that opens a payment to the
//! operations that follow it up, read from the specs' lifecycles (the
//! requests a lifecycle waits for or renews with) and, for a purchase, the
//! method's refunds. Each link hands on the request that opened the
//! payment, whose `general` (project and payment id) the follow-up
//! carries, so a stateful tester (Schemathesis merges it into the body it
//! generates) and a reader see which request goes with which payment.

use serde_json::{Map, Value, json};

use crate::ir::{Method, Operation, OperationKind};
use crate::lifecycle::Action;

/// The links of `op`'s acknowledgement, by target operation id; `None`
/// when nothing follows it up.
pub(super) fn follow_ups(m: &Method, op: &Operation) -> Option<Value> {
    let mut targets: Vec<&str> = Vec::new();
    if let Some(l) = &op.lifecycle {
        for step in &l.steps {
            if let Action::Request { operation, .. } = &step.action
                && operation != &op.id
            {
                targets.push(operation);
            }
            if let Some(r) = step.renew.as_ref().and_then(|r| r.request.as_deref()) {
                targets.push(r);
            }
        }
    }
    if op.kind == OperationKind::Purchase {
        targets.extend(
            m.operations
                .iter()
                .filter(|o| o.kind == OperationKind::Refund)
                .map(|o| o.id.as_str()),
        );
    }
    let mut links = Map::new();
    for target in targets {
        let Some(to) = m
            .operations
            .iter()
            .find(|o| o.id == target && o.endpoint.is_some())
        else {
            continue;
        };
        links.entry(to.id.clone()).or_insert_with(|| {
            json!({
                "operationId": format!("{}.{}", m.id, to.id),
                "description": format!(
                    "`{}` for the payment this request opened: its `general` names the same project and payment. The link's body is the opening request's, of which a follow-up needs `general` (a runtime expression, since generators such as openapi-generator take no object literal there).",
                    to.id
                ),
                "requestBody": "$request.body",
            })
        });
    }
    (!links.is_empty()).then_some(Value::Object(links))
}
