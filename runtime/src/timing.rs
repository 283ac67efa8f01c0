//! Timing facts of the documents as data: OTP windows, resend limits,
//! processing thresholds. Generated code has one constant per timing of a
//! method (`<method>::timings::OTP_VALIDITY`) and, per operation, the list
//! of those that apply to it (`<operation>::TIMINGS`).

use std::time::Duration;

/// What a timing's duration bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimingKind {
    /// The action must happen within the duration: a deadline.
    Within,
    /// The action may happen only after the duration: an earliest time.
    After,
    /// The duration is the average time a step takes: an estimate.
    Average,
}

/// A timing of a method's document. `min_seconds` and `max_seconds` bound
/// the duration itself whatever the kind: "80 or 90 seconds" is 80 and 90
/// (the platform does not say which applies; ask your account manager),
/// "24 hours" is 86400 for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timing {
    /// The timing's id in the spec (`otp-validity`).
    pub id: &'static str,
    /// What the duration bounds.
    pub kind: TimingKind,
    /// The duration's smallest value in seconds, when the document gives one.
    pub min_seconds: Option<u64>,
    /// The duration's largest value in seconds, when the document gives one.
    pub max_seconds: Option<u64>,
    /// How many times the action may be repeated, when bounded.
    pub max_attempts: Option<u32>,
    /// The document's words.
    pub description: &'static str,
}

impl Timing {
    /// The duration's smallest value.
    pub fn min(&self) -> Option<Duration> {
        self.min_seconds.map(Duration::from_secs)
    }

    /// The duration's largest value.
    pub fn max(&self) -> Option<Duration> {
        self.max_seconds.map(Duration::from_secs)
    }

    /// The duration to rely on: for a deadline the shortest (act before it
    /// whatever the operator), for an earliest time the longest (wait at
    /// least that long), for an average none.
    pub fn safe(&self) -> Option<Duration> {
        match self.kind {
            TimingKind::Within => self.min(),
            TimingKind::After => self.max(),
            TimingKind::Average => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_safe_duration_depends_on_the_kind() {
        let window = |kind| Timing {
            id: "t",
            kind,
            min_seconds: Some(80),
            max_seconds: Some(90),
            max_attempts: None,
            description: "",
        };
        assert_eq!(
            window(TimingKind::Within).safe(),
            Some(Duration::from_secs(80))
        );
        assert_eq!(
            window(TimingKind::After).safe(),
            Some(Duration::from_secs(90))
        );
        assert_eq!(window(TimingKind::Average).safe(), None);
    }
}
