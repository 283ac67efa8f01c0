//! Runs a lifecycle: from the step a payment has reached, which callbacks
//! the platform sends now and at which step the payment waits next. Pure
//! data in, data out; `flows` and `page` turn a run into a change of the
//! payment and its callbacks.

use crate::catalog::{Action, Step};
use crate::machine::{Outcome, Status};

/// What happens from one step on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The callback steps the platform sends now, in order.
    pub sends: Vec<usize>,
    /// The step the payment waits at next; none when the lifecycle ended.
    pub waits: Option<usize>,
}

/// Runs `steps` from `from`: every callback up to the next step that waits
/// for the merchant or the customer.
pub fn run(steps: &[Step], from: usize) -> Run {
    let mut sends = Vec::new();
    for (i, step) in steps.iter().enumerate().skip(from) {
        match step.action {
            Action::Callback { .. } => sends.push(i),
            _ => {
                return Run {
                    sends,
                    waits: Some(i),
                };
            }
        }
    }
    Run { sends, waits: None }
}

impl Run {
    /// Whether the platform sends the customer a code now: a callback sent
    /// asks for one, or the checkout page the payment waits at does.
    pub fn asks_for_a_code(&self, steps: &[Step]) -> bool {
        self.sends
            .iter()
            .any(|&i| matches!(steps[i].action, Action::Callback { asks: true, .. }))
            || self
                .waits
                .is_some_and(|i| matches!(steps[i].action, Action::Page { code: true, .. }))
    }

    /// The run held before the lifecycle's last callback (an outcome that
    /// is never processed): that callback is not sent, and the payment
    /// waits at it. A run that does not end is as it was.
    pub fn held(mut self) -> Run {
        if self.waits.is_none()
            && let Some(last) = self.sends.pop()
        {
            self.waits = Some(last);
        }
        self
    }

    /// Whether the payment waits for the customer at a redirect.
    pub fn waits_at_a_redirect(&self, steps: &[Step]) -> bool {
        self.waits
            .is_some_and(|i| matches!(steps[i].action, Action::Redirect { .. }))
    }

    /// The status the payment has after the run: the last callback's
    /// (its outcome's, when the lifecycle ended), else `before`.
    pub fn status(&self, steps: &[Step], outcome: Outcome<'_>, before: Status) -> Status {
        match self.sends.last().map(|&i| &steps[i].action) {
            Some(Action::Callback { statuses, .. }) if self.waits.is_none() => {
                outcome.status(statuses)
            }
            Some(Action::Callback { statuses, .. }) => statuses.first().copied().unwrap_or(before),
            _ if self.waits.is_none() => outcome.status(&[]),
            _ => before,
        }
    }
}

/// The last callback step before `step` that asks for a code (the one to
/// send again when the code is refused or renewed).
pub fn asking(steps: &[Step], step: usize) -> Option<usize> {
    steps[..step.min(steps.len())]
        .iter()
        .rposition(|s| matches!(s.action, Action::Callback { asks: true, .. }))
}

/// A status as the operation's message says it (`Awaiting clarification`).
pub fn message_of(status: Status) -> String {
    let text = status.as_str();
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callback(status: &str, asks: bool) -> Step {
        Step {
            action: Action::Callback {
                statuses: vec![Status::parse(status).expect("a status")],
                asks,
                example: None,
            },
            within: None,
            renew: None,
        }
    }

    fn request(op: &str) -> Step {
        Step {
            action: Action::Request {
                operation: op.into(),
                gives: None,
            },
            within: None,
            renew: None,
        }
    }

    #[test]
    fn a_run_sends_every_callback_up_to_the_next_wait() {
        let steps = vec![
            request("b/m/purchase"),
            callback("awaiting clarification", true),
            request("b/m/clarification"),
            callback("success", false),
        ];
        let first = run(&steps, 1);
        assert_eq!(
            first,
            Run {
                sends: vec![1],
                waits: Some(2)
            }
        );
        assert!(first.asks_for_a_code(&steps));
        let ok = Outcome {
            declined: false,
            pending: false,
            code: "0",
            message: "Success",
        };
        assert_eq!(
            first.status(&steps, ok, Status::AWAITING_CUSTOMER).as_str(),
            "awaiting clarification"
        );
        let last = run(&steps, 3);
        assert_eq!(
            last,
            Run {
                sends: vec![3],
                waits: None
            }
        );
        assert_eq!(
            last.status(&steps, ok, Status::AWAITING_CUSTOMER),
            Status::SUCCESS
        );
        assert_eq!(asking(&steps, 2), Some(1));
        assert_eq!(asking(&steps, 1), None);
        assert_eq!(
            run(&steps, 9),
            Run {
                sends: vec![],
                waits: None
            }
        );
        assert_eq!(message_of(Status::AWAITING_CUSTOMER), "Awaiting customer");
    }

    #[test]
    fn a_held_run_waits_at_its_last_callback_and_a_waiting_run_is_unchanged() {
        let steps = vec![
            request("b/m/payout"),
            callback("awaiting clarification", true),
            request("b/m/clarification"),
            callback("success", false),
        ];
        assert_eq!(
            run(&steps, 3).held(),
            Run {
                sends: vec![],
                waits: Some(3)
            }
        );
        assert_eq!(run(&steps, 1).held(), run(&steps, 1));
    }
}
