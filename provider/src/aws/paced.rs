//! CloudFront paced as one client for a fleet operation. CloudFront publishes no rate for
//! its control plane and answers `Throttling` ("Rate exceeded") at a few updates a minute
//! under load; a sync's concurrent Updates, each retrying on its own, would meet it as a
//! storm. Over [`Paced::over`] the operation's CloudFront calls share one budget:
//!
//! - at most [`Pace::concurrency`] calls are in flight at once;
//! - a call that still answers `Throttling` once the SDK's own retries are spent pauses
//!   every call of the operation (the next ones wait the pause out), halves the number in
//!   flight, and doubles the pause for the next throttle, up to [`Pace::max_pause`];
//! - each success gives back one call in flight, up to the budget, and the first pause;
//! - the throttled call is made again after the pause, while the operation has time: a
//!   clone fails for throttling only when the operation's deadline comes first.
//!
//! A throttled call was refused, not done, so making it again is safe for every call here
//! (`UpdateDistribution` sends the same `IfMatch`). The rules are [`Gate`]'s, pure.

use super::{
    Adapters, AwsError, Clock, Configured, Conflict, Distribution, Distributions, ErrorKind, Listed,
};
use async_trait::async_trait;
use aws_sdk_cloudfront::types::DistributionConfig;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use tracing::warn;

/// The budget of one fleet operation's CloudFront calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// Calls in flight at once, at most.
    pub concurrency: usize,
    /// The pause after a first throttle; each throttle in a row doubles it.
    pub first_pause: Duration,
    pub max_pause: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            concurrency: 4,
            first_pause: Duration::from_secs(2),
            max_pause: Duration::from_secs(60),
        }
    }
}

/// The shared budget's state: how many calls may be in flight, and until when every call
/// waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    pace: Pace,
    /// Calls that may be in flight now (1 to `pace.concurrency`).
    pub limit: usize,
    /// No call starts before this (ms since the epoch).
    pub paused_until_ms: u64,
    /// The pause the next throttle sets.
    pub next_pause: Duration,
    /// Throttles met, in all.
    pub throttles: u64,
}

impl Gate {
    pub fn new(pace: Pace) -> Self {
        Self {
            limit: pace.concurrency.max(1),
            paused_until_ms: 0,
            next_pause: pace.first_pause,
            throttles: 0,
            pace,
        }
    }

    /// A call came back throttled at `now_ms`: every call pauses, half as many may be in
    /// flight. Answers how many permits to take back.
    pub fn throttled(&mut self, now_ms: u64) -> usize {
        self.throttles += 1;
        let until = now_ms + self.next_pause.as_millis() as u64;
        self.paused_until_ms = self.paused_until_ms.max(until);
        self.next_pause = (self.next_pause * 2).min(self.pace.max_pause);
        let halved = (self.limit / 2).max(1);
        let taken = self.limit - halved;
        self.limit = halved;
        taken
    }

    /// A call succeeded: the first pause again, and one more call in flight when the budget
    /// allows. Answers how many permits to give back (0 or 1).
    pub fn succeeded(&mut self) -> usize {
        self.next_pause = self.pace.first_pause;
        if self.limit < self.pace.concurrency {
            self.limit += 1;
            1
        } else {
            0
        }
    }
}

/// See the module's documentation.
pub struct Paced;

impl Paced {
    /// `aws` with its CloudFront calls paced by `pace` until `deadline_ms`.
    pub fn over(aws: &Adapters, pace: Pace, deadline_ms: u64) -> Adapters {
        Adapters {
            distributions: Arc::new(PacedDistributions {
                inner: aws.distributions.clone(),
                clock: aws.clock.clone(),
                permits: Semaphore::new(pace.concurrency.max(1)),
                gate: Mutex::new(Gate::new(pace)),
                owed: Mutex::new(0),
                deadline_ms,
            }),
            ..aws.clone()
        }
    }
}

struct PacedDistributions {
    inner: Arc<dyn Distributions>,
    clock: Arc<dyn Clock>,
    permits: Semaphore,
    gate: Mutex<Gate>,
    /// Permits to take back as calls in flight end (the budget was halved under them).
    owed: Mutex<usize>,
    deadline_ms: u64,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl PacedDistributions {
    /// `call`, within the budget, made again after each throttle while there is time.
    async fn paced<T, F, Fut>(&self, operation: &'static str, call: F) -> Result<T, AwsError>
    where
        F: Fn() -> Fut + Send + Sync,
        Fut: Future<Output = Result<T, AwsError>> + Send,
        T: Send,
    {
        loop {
            self.wait_out_the_pause(operation).await?;
            let permit = self
                .permits
                .acquire()
                .await
                .expect("the semaphore is never closed");
            if lock(&self.gate).paused_until_ms > self.clock.now_ms() {
                // Throttled while this call waited for its turn: wait the pause out first.
                continue;
            }
            let answer = call().await;
            let throttled = matches!(&answer, Err(e) if e.is(ErrorKind::Throttled));
            let now = self.clock.now_ms();
            let (give, take) = {
                let mut gate = lock(&self.gate);
                if throttled {
                    (0, gate.throttled(now))
                } else {
                    (gate.succeeded(), 0)
                }
            };
            self.settle_permits(permit, give, take);
            if !throttled {
                return answer;
            }
            let resume = lock(&self.gate).paused_until_ms;
            if resume >= self.deadline_ms {
                return answer;
            }
            warn!(
                operation,
                resume_in_ms = resume.saturating_sub(now),
                "CloudFront throttled the fleet's calls; pausing them all"
            );
        }
    }

    /// Waits until the pause ends; a pause that ends past the operation's deadline fails
    /// the call at once, as throttled.
    async fn wait_out_the_pause(&self, operation: &'static str) -> Result<(), AwsError> {
        loop {
            let until = lock(&self.gate).paused_until_ms;
            let now = self.clock.now_ms();
            if now >= until {
                return Ok(());
            }
            if until >= self.deadline_ms {
                return Err(AwsError::new(
                    operation,
                    ErrorKind::Throttled,
                    "CloudFront throttled this operation's calls, and their pause ends past its deadline",
                ));
            }
            self.clock.sleep(Duration::from_millis(until - now)).await;
        }
    }

    /// Ends a call's hold on its permit: `take` permits fewer in the budget (this one
    /// first, the rest as other calls end), `give` more.
    fn settle_permits(&self, permit: tokio::sync::SemaphorePermit<'_>, give: usize, take: usize) {
        let mut owed = lock(&self.owed);
        *owed += take;
        let cancelled = give.min(*owed);
        *owed -= cancelled;
        let give = give - cancelled;
        if *owed > 0 {
            permit.forget();
            *owed -= 1;
        } else {
            drop(permit);
        }
        if give > 0 {
            self.permits.add_permits(give);
        }
    }
}

#[async_trait]
impl Distributions for PacedDistributions {
    async fn get_config(&self, id: &str) -> Result<Configured, AwsError> {
        self.paced("GetDistributionConfig", || self.inner.get_config(id))
            .await
    }

    async fn get(&self, id: &str) -> Result<Distribution, AwsError> {
        self.paced("GetDistribution", || self.inner.get(id)).await
    }

    async fn create(
        &self,
        config: DistributionConfig,
        tags: Vec<(String, String)>,
    ) -> Result<Distribution, AwsError> {
        let call = || self.inner.create(config.clone(), tags.clone());
        self.paced("CreateDistributionWithTags", call).await
    }

    async fn update(
        &self,
        id: &str,
        config: DistributionConfig,
        if_match: &str,
    ) -> Result<Distribution, AwsError> {
        let call = || self.inner.update(id, config.clone(), if_match);
        self.paced("UpdateDistribution", call).await
    }

    async fn delete(&self, id: &str, if_match: &str) -> Result<(), AwsError> {
        self.paced("DeleteDistribution", || self.inner.delete(id, if_match))
            .await
    }

    async fn list(&self) -> Result<Vec<Listed>, AwsError> {
        self.paced("ListDistributions", || self.inner.list()).await
    }

    async fn conflicting_aliases(
        &self,
        distribution: &str,
        alias: &str,
    ) -> Result<Vec<Conflict>, AwsError> {
        let call = || self.inner.conflicting_aliases(distribution, alias);
        self.paced("ListConflictingAliases", call).await
    }

    async fn domain_conflicts(
        &self,
        distribution: &str,
        domain: &str,
    ) -> Result<Vec<Conflict>, AwsError> {
        let call = || self.inner.domain_conflicts(distribution, domain);
        self.paced("ListDomainConflicts", call).await
    }

    async fn tags(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
        self.paced("ListTagsForResource", || self.inner.tags(arn))
            .await
    }

    async fn tag(&self, arn: &str, tags: Vec<(String, String)>) -> Result<(), AwsError> {
        self.paced("TagResource", || self.inner.tag(arn, tags.clone()))
            .await
    }

    async fn untag(&self, arn: &str, keys: Vec<String>) -> Result<(), AwsError> {
        self.paced("UntagResource", || self.inner.untag(arn, keys.clone()))
            .await
    }
}

#[cfg(test)]
mod tests;
