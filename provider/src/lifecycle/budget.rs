//! Time limits of one invocation and of the whole operation, and the pure decision every
//! wait makes: sleep (how long), hand off to a fresh invocation, or give up.
//!
//! The sleep shrinks to fit the invocation, so a wait makes progress whatever the
//! function's timeout: it never hands off without having waited, and a 10-second
//! function still sees a 25-second deployment through (a few short waits, each in its
//! own invocation).

use std::time::Duration;

/// Time kept, after a sleep, for the look that follows it (one `GetDistribution`); an
/// invocation with less room than twice this keeps half of its room instead.
pub const POLL_ALLOWANCE: Duration = Duration::from_secs(2);
/// The shortest sleep worth a look (unless the poll interval itself is shorter, or this
/// invocation has not waited yet).
pub const MIN_SLEEP: Duration = Duration::from_millis(500);

/// Time limits of one invocation and of the whole operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// When the operation began (first invocation), ms since the epoch.
    pub started_ms: u64,
    /// After this, this invocation must have handed off or answered.
    pub invocation_deadline_ms: u64,
    /// After this, the operation is given up (the resource's `ServiceTimeout` less a margin).
    pub operation_deadline_ms: u64,
    /// After this, the answer must be on its way (shortly before Lambda stops the
    /// invocation): work still running then is abandoned and answered FAILED.
    pub answer_by_ms: u64,
    pub poll_interval: Duration,
}

/// What to do next while waiting for CloudFront.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitDecision {
    /// Sleep this long, then look again.
    Poll(Duration),
    /// This invocation cannot fit another poll: continue in a fresh one.
    HandOff,
    /// The operation's time is up.
    GiveUp,
}

impl Budget {
    /// The limits of an invocation that Lambda stops at `deadline_ms`, for an operation
    /// that began at `started_ms` (this invocation or an earlier one) and may take
    /// `service_timeout` in all (less a tenth, at most a minute, to answer in).
    pub fn new(
        started_ms: u64,
        now_ms: u64,
        deadline_ms: u64,
        service_timeout: Duration,
        poll_interval: Duration,
    ) -> Self {
        let margin = (service_timeout / 10).min(Duration::from_secs(60));
        let reserve = reserve(now_ms, deadline_ms).as_millis() as u64;
        Self {
            started_ms,
            invocation_deadline_ms: deadline_ms.saturating_sub(reserve),
            operation_deadline_ms: started_ms + (service_timeout - margin).as_millis() as u64,
            answer_by_ms: deadline_ms.saturating_sub(reserve / 2),
            poll_interval,
        }
    }

    /// The pure heart of every wait, at `now_ms`; `waited` says whether this invocation
    /// has already slept in this wait.
    pub fn decide(&self, now_ms: u64, waited: bool) -> WaitDecision {
        if now_ms >= self.operation_deadline_ms {
            return WaitDecision::GiveUp;
        }
        let room = self.invocation_deadline_ms.saturating_sub(now_ms);
        let allowance = (POLL_ALLOWANCE.as_millis() as u64).min(room / 2);
        let sleep = (self.poll_interval.as_millis() as u64)
            .min(self.operation_deadline_ms - now_ms)
            .min(room - allowance);
        let worth_it = (MIN_SLEEP.min(self.poll_interval).as_millis() as u64).max(1);
        if sleep >= worth_it || (!waited && sleep > 0) {
            WaitDecision::Poll(Duration::from_millis(sleep))
        } else {
            WaitDecision::HandOff
        }
    }

    /// Time since the operation began.
    pub fn elapsed(&self, now_ms: u64) -> Duration {
        Duration::from_millis(now_ms.saturating_sub(self.started_ms))
    }

    /// Time left before the operation is given up.
    pub fn left(&self, now_ms: u64) -> Duration {
        Duration::from_millis(self.operation_deadline_ms.saturating_sub(now_ms))
    }

    /// Time left in this invocation.
    pub fn room(&self, now_ms: u64) -> Duration {
        Duration::from_millis(self.invocation_deadline_ms.saturating_sub(now_ms))
    }
}

/// Time kept back from an invocation's deadline to answer: a fifth of what is left, 1–10 s.
pub fn reserve(now_ms: u64, deadline_ms: u64) -> Duration {
    Duration::from_millis(deadline_ms.saturating_sub(now_ms) / 5)
        .clamp(Duration::from_secs(1), Duration::from_secs(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLL: Duration = Duration::from_secs(12);

    fn budget(invocation_left_ms: u64, operation_left_ms: u64) -> Budget {
        Budget {
            started_ms: 0,
            invocation_deadline_ms: invocation_left_ms,
            operation_deadline_ms: operation_left_ms,
            answer_by_ms: invocation_left_ms,
            poll_interval: POLL,
        }
    }

    #[test]
    fn a_roomy_invocation_sleeps_the_whole_interval() {
        assert_eq!(
            budget(600_000, 3_600_000).decide(0, false),
            WaitDecision::Poll(POLL)
        );
        assert_eq!(
            budget(600_000, 3_600_000).decide(0, true),
            WaitDecision::Poll(POLL)
        );
    }

    #[test]
    fn the_sleep_shrinks_to_fit_the_invocation_and_keeps_time_for_the_look() {
        // 8 s left (a 10-second function less its reserve): sleep 6, look within 2.
        assert_eq!(
            budget(8_000, 3_600_000).decide(0, false),
            WaitDecision::Poll(Duration::from_secs(6))
        );
        // 1 s left: half of it, so the look still fits.
        assert_eq!(
            budget(1_000, 3_600_000).decide(0, false),
            WaitDecision::Poll(Duration::from_millis(500))
        );
    }

    #[test]
    fn a_wait_never_hands_off_before_it_has_waited() {
        // 600 ms left: too little for a sleep worth it, but this invocation has not
        // waited yet, so it waits what it can.
        assert_eq!(
            budget(600, 3_600_000).decide(0, false),
            WaitDecision::Poll(Duration::from_millis(300))
        );
        assert_eq!(
            budget(600, 3_600_000).decide(0, true),
            WaitDecision::HandOff
        );
        // No room at all: nothing to wait in.
        assert_eq!(budget(0, 3_600_000).decide(0, false), WaitDecision::HandOff);
    }

    #[test]
    fn it_hands_off_once_it_has_waited_and_the_invocation_is_nearly_over() {
        assert_eq!(
            budget(600_000, 3_600_000).decide(599_500, true),
            WaitDecision::HandOff
        );
    }

    #[test]
    fn it_gives_up_at_the_operation_deadline() {
        assert_eq!(
            budget(600_000, 100_000).decide(100_000, true),
            WaitDecision::GiveUp
        );
        assert_eq!(
            budget(600_000, 100_000).decide(200_000, false),
            WaitDecision::GiveUp
        );
    }

    #[test]
    fn the_last_sleep_ends_at_the_operation_deadline() {
        assert_eq!(
            budget(600_000, 5_000).decide(0, true),
            WaitDecision::Poll(Duration::from_secs(5))
        );
    }

    #[test]
    fn a_ten_second_function_sees_a_25_second_deployment_through() {
        // Each invocation: 10 s function, 2 s reserve → 8 s of room; count the
        // invocations until 25 s of sleeping have passed.
        let mut slept = Duration::ZERO;
        let mut invocations = 0;
        while slept < Duration::from_secs(25) {
            invocations += 1;
            assert!(invocations < 10, "no progress");
            let start = invocations * 100_000;
            let b = Budget {
                started_ms: 0,
                invocation_deadline_ms: start + 8_000,
                operation_deadline_ms: 3_600_000_000,
                answer_by_ms: start + 9_000,
                poll_interval: POLL,
            };
            let mut now = start;
            let mut waited = false;
            while let WaitDecision::Poll(d) = b.decide(now, waited) {
                now += d.as_millis() as u64 + 100; // the sleep, then a 100 ms look
                slept += d;
                waited = true;
            }
            assert!(
                waited,
                "invocation {invocations} handed off without waiting"
            );
        }
        assert!(invocations <= 5, "{invocations} invocations");
    }
}
