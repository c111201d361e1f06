//! The fleet's shared CloudFront budget: the gate's rules, and calls made again after a
//! throttle until the operation's deadline.

use super::{Gate, Pace, Paced};
use crate::aws::fake::{self, FakeAcm, FakeClock, FakeCloudFormation, FakeCloudFront, FakeSsm};
use crate::aws::{Clock, ErrorKind};
use crate::test_support::{self, REFERENCE_ID};
use std::sync::Arc;
use std::time::Duration;

const NOW_MS: u64 = 1_800_000_000_000;

fn pace() -> Pace {
    Pace {
        concurrency: 4,
        first_pause: Duration::from_secs(2),
        max_pause: Duration::from_secs(16),
    }
}

#[test]
fn a_throttle_pauses_every_call_and_halves_the_calls_in_flight() {
    let mut gate = Gate::new(pace());
    assert_eq!(gate.limit, 4);
    assert_eq!(gate.throttled(1_000), 2, "two permits taken back");
    assert_eq!((gate.limit, gate.paused_until_ms), (2, 3_000));
    assert_eq!(gate.throttled(1_500), 1);
    assert_eq!(
        (gate.limit, gate.paused_until_ms),
        (1, 5_500),
        "the pause doubled"
    );
    assert_eq!(gate.throttled(6_000), 0, "never fewer than one in flight");
    assert_eq!(gate.next_pause, Duration::from_secs(16));
    gate.throttled(20_000);
    assert_eq!(
        gate.next_pause,
        Duration::from_secs(16),
        "at most max_pause"
    );
}

#[test]
fn each_success_gives_back_one_call_in_flight_and_the_first_pause() {
    let mut gate = Gate::new(pace());
    gate.throttled(0);
    gate.throttled(0);
    assert_eq!(gate.limit, 1);
    assert_eq!(gate.succeeded(), 1);
    assert_eq!(gate.next_pause, Duration::from_secs(2));
    assert_eq!(
        (gate.succeeded(), gate.succeeded(), gate.succeeded()),
        (1, 1, 0)
    );
    assert_eq!(gate.limit, 4, "never more than the budget");
}

fn paced(deadline_ms: u64) -> (Arc<FakeCloudFront>, Arc<FakeClock>, crate::aws::Adapters) {
    let clock = Arc::new(FakeClock::at(NOW_MS));
    let cf = Arc::new(FakeCloudFront::new(Arc::clone(&clock)));
    cf.insert(REFERENCE_ID, test_support::reference(), vec![]);
    let plain = fake::adapters(
        Arc::clone(&cf),
        Arc::new(FakeAcm::default()),
        Arc::new(FakeSsm::default()),
        Arc::clone(&clock),
        Arc::new(FakeCloudFormation::default()),
    );
    (cf, clock, Paced::over(&plain, pace(), deadline_ms))
}

#[tokio::test]
async fn a_throttled_call_is_made_again_after_the_pause() {
    let (cf, clock, aws) = paced(NOW_MS + 600_000);
    for _ in 0..3 {
        cf.fail_next("GetDistribution", ErrorKind::Throttled, "Rate exceeded");
    }
    let read = aws.distributions.get(REFERENCE_ID).await;
    assert!(read.is_ok(), "{read:?}");
    assert_eq!(cf.count("GetDistribution "), 4);
    // Paused 2 + 4 + 8 seconds, one after another.
    assert!(
        clock.now_ms() >= NOW_MS + 14_000,
        "{}",
        clock.now_ms() - NOW_MS
    );
}

#[tokio::test]
async fn throttles_past_the_deadline_fail_the_call_naming_the_throttle() {
    let (cf, _, aws) = paced(NOW_MS + 5_000);
    for _ in 0..10 {
        cf.fail_next("UpdateDistribution", ErrorKind::Throttled, "Rate exceeded");
    }
    let config = test_support::reference();
    let error = aws
        .distributions
        .update(REFERENCE_ID, config, "E-v1")
        .await
        .unwrap_err();
    assert!(error.is(ErrorKind::Throttled), "{error}");
    assert!(
        cf.count("UpdateDistribution") < 10,
        "it gave up when the time ran out"
    );
}

#[tokio::test]
async fn a_pause_past_the_deadline_fails_the_other_calls_without_asking_cloudfront() {
    let (cf, _, aws) = paced(NOW_MS + 1_000);
    cf.fail_next("GetDistribution", ErrorKind::Throttled, "Rate exceeded");
    let first = aws.distributions.get(REFERENCE_ID).await.unwrap_err();
    assert!(first.is(ErrorKind::Throttled), "{first}");
    let other = aws
        .distributions
        .get_config(REFERENCE_ID)
        .await
        .unwrap_err();
    assert!(other.is(ErrorKind::Throttled), "{other}");
    assert_eq!(
        cf.count("GetDistributionConfig"),
        0,
        "not asked: {:?}",
        cf.calls()
    );
}
