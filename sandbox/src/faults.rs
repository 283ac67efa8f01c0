//! Faults a project opts into, so a merchant can prove its integration
//! survives a real network: the Gate's answer lost after the payment is
//! committed, callbacks delivered twice, late, out of order or replayed.
//!
//! Which payment a fault hits is decided from the project's seed and the
//! payment's id alone (SHA-256), never from timing or arrival order: the
//! same seed and the same payment ids give the same faults, however many
//! clients send and in whatever order. Pure: no I/O.

use sha2::{Digest, Sha256};

/// A fault the sandbox can stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The Gate commits the payment, then answers 500: the merchant cannot
    /// tell whether it was taken.
    GateError,
    /// The Gate commits the payment, then breaks the connection before a
    /// whole answer.
    GateClose,
    /// Every callback of the payment is delivered twice.
    CallbackTwice,
    /// Every callback of the payment is first sent `delay_ms` late.
    CallbackDelayed,
    /// After each callback of the payment, the one before it comes again
    /// (an intermediate callback after the final one).
    CallbackOutOfOrder,
    /// Every callback of the payment is sent again `delay_ms` after it.
    CallbackReplayed,
}

impl Fault {
    /// Every fault, in the order a project's list is judged.
    pub const ALL: [Fault; 6] = [
        Fault::GateError,
        Fault::GateClose,
        Fault::CallbackTwice,
        Fault::CallbackDelayed,
        Fault::CallbackOutOfOrder,
        Fault::CallbackReplayed,
    ];

    /// Its name in the configuration and the inspection API.
    pub fn name(self) -> &'static str {
        match self {
            Fault::GateError => "gate_error",
            Fault::GateClose => "gate_close",
            Fault::CallbackTwice => "callback_twice",
            Fault::CallbackDelayed => "callback_delayed",
            Fault::CallbackOutOfOrder => "callback_out_of_order",
            Fault::CallbackReplayed => "callback_replayed",
        }
    }

    /// The fault named `name`.
    pub fn parse(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether it concerns the Gate's answer (else the callbacks).
    pub fn on_gate(self) -> bool {
        matches!(self, Fault::GateError | Fault::GateClose)
    }
}

/// A project's faults as configured.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// What makes the choice of payments reproducible.
    pub seed: u64,
    /// The faults staged, each on its share of payments.
    pub apply: Vec<Fault>,
    /// The share of payments each fault hits, above 0 and at most 1.
    pub rate: f64,
    /// How late a delayed, replayed or out-of-order callback comes, in ms.
    pub delay_ms: i64,
}

/// What the callbacks of one payment go through (plain data for the
/// store).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallbackFaults {
    /// Each callback is queued twice at once.
    pub twice: bool,
    /// Each callback's first attempt waits this long, in ms.
    pub delayed_ms: Option<i64>,
    /// Each callback is queued again this long after it, in ms.
    pub replayed_ms: Option<i64>,
    /// After each callback, the one before it is queued again this long
    /// after it, in ms.
    pub out_of_order_ms: Option<i64>,
}

impl Faults {
    /// The faults that hit payment `payment_id`, in [`Fault::ALL`] order;
    /// of the Gate's two, at most the first that hits.
    pub fn hit(&self, payment_id: &str) -> Vec<Fault> {
        let mut gate = false;
        Fault::ALL
            .into_iter()
            .filter(|f| self.apply.contains(f) && self.draws(*f, payment_id))
            .filter(|f| !f.on_gate() || !std::mem::replace(&mut gate, true))
            .collect()
    }

    /// The Gate fault that hits `payment_id`, if any.
    pub fn gate(&self, payment_id: &str) -> Option<Fault> {
        self.hit(payment_id).into_iter().find(|f| f.on_gate())
    }

    /// Whether fault `f` hits `payment_id`: the first eight bytes of
    /// SHA-256(seed, fault, payment id) as a fraction below `rate`.
    fn draws(&self, f: Fault, payment_id: &str) -> bool {
        if self.rate >= 1.0 {
            return true;
        }
        let mut h = Sha256::new();
        h.update(self.seed.to_be_bytes());
        h.update(f.name().as_bytes());
        h.update([0]);
        h.update(payment_id.as_bytes());
        let digest = h.finalize();
        let mut head = [0u8; 8];
        head.copy_from_slice(&digest[..8]);
        let fraction = u64::from_be_bytes(head) as f64 / (u64::MAX as f64 + 1.0);
        fraction < self.rate
    }

    /// What `hits` does to the payment's callbacks.
    pub fn callbacks(&self, hits: &[Fault]) -> CallbackFaults {
        let on = |f: Fault| hits.contains(&f).then_some(self.delay_ms);
        CallbackFaults {
            twice: hits.contains(&Fault::CallbackTwice),
            delayed_ms: on(Fault::CallbackDelayed),
            replayed_ms: on(Fault::CallbackReplayed),
            out_of_order_ms: on(Fault::CallbackOutOfOrder),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(seed: u64, rate: f64) -> Faults {
        Faults {
            seed,
            apply: Fault::ALL.to_vec(),
            rate,
            delay_ms: 1000,
        }
    }

    #[test]
    fn the_same_seed_hits_the_same_payments_and_another_seed_others() {
        let ids: Vec<String> = (0..200).map(|i| format!("payment-{i}")).collect();
        let a: Vec<Vec<Fault>> = ids.iter().map(|i| faults(7, 0.3).hit(i)).collect();
        let b: Vec<Vec<Fault>> = ids.iter().map(|i| faults(7, 0.3).hit(i)).collect();
        let c: Vec<Vec<Fault>> = ids.iter().map(|i| faults(8, 0.3).hit(i)).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        // About the configured share hits, and never both Gate faults.
        let twice = a
            .iter()
            .filter(|h| h.contains(&Fault::CallbackTwice))
            .count();
        assert!((30..=90).contains(&twice), "{twice} of 200 at rate 0.3");
        assert!(
            a.iter()
                .all(|h| h.iter().filter(|f| f.on_gate()).count() <= 1)
        );
    }

    #[test]
    fn rate_one_hits_every_payment_with_the_first_gate_fault_only() {
        let hits = faults(1, 1.0).hit("p");
        assert_eq!(
            hits,
            vec![
                Fault::GateError,
                Fault::CallbackTwice,
                Fault::CallbackDelayed,
                Fault::CallbackOutOfOrder,
                Fault::CallbackReplayed
            ]
        );
        let c = faults(1, 1.0).callbacks(&hits);
        assert!(c.twice);
        assert_eq!(c.delayed_ms, Some(1000));
        assert_eq!(Fault::parse("gate_close"), Some(Fault::GateClose));
        assert_eq!(Fault::parse("gate_closed"), None);
    }
}
