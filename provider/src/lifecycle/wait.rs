//! Waiting for CloudFront, within the invocation's and the operation's time, and settling a
//! created or updated clone: wait for it to deploy when asked, then finish.

use super::inputs::PlanInputs;
use super::ssm::Before;
use super::{Lifecycle, Outcome, WaitDecision, failed};
use crate::aws::{AwsError, Distribution, ErrorKind};
use crate::error::Error;
use crate::event::{Phase, Request};
use crate::properties::Properties;
use std::future::Future;
use tracing::{info, warn};

/// How a wait ended.
pub(super) enum WaitEnd {
    Ready(Distribution),
    /// This invocation has no room for another look: continue in a fresh one.
    HandOff,
    /// The operation's time ran out; the distribution as last seen.
    GaveUp(Distribution),
    Gone,
}

impl Lifecycle<'_> {
    /// After a write: the clone's record kept and `alongside` done (an Update's tags), then
    /// the clone settled. With no deployment to wait for, the record, `alongside` and the SSM
    /// outputs are one round; else the record and `alongside` first, so that a clone never
    /// waits without its record. Nothing else (old outputs removed, certificates tidied)
    /// happens unless all of them succeeded.
    pub(super) async fn record_and_settle(
        &self,
        request: &Request,
        properties: &Properties,
        inputs: &PlanInputs,
        clone: Distribution,
        before: &Before,
        alongside: impl Future<Output = Result<(), Error>>,
    ) -> Outcome {
        let record = self.keep_record(request, properties, inputs, &clone);
        if properties.wait_for_deployment && !clone.is_deployed() {
            let (recorded, done) = tokio::join!(record, alongside);
            if let Err(e) = recorded.and(done) {
                return failed(clone.id, e);
            }
            return self.settle(request, properties, clone, before).await;
        }
        let outputs = self.outputs(request, properties, &clone, before);
        let (recorded, done, written) = tokio::join!(record, alongside, outputs);
        if let Err(e) = recorded.and(done).and(written) {
            return failed(clone.id, e);
        }
        self.conclude(request, properties, &clone).await
    }

    /// Waits for deployment when asked, then writes the SSM parameters and answers.
    pub(super) async fn settle(
        &self,
        request: &Request,
        properties: &Properties,
        clone: Distribution,
        before: &Before,
    ) -> Outcome {
        let clone = if properties.wait_for_deployment && !clone.is_deployed() {
            match self.wait(&clone.id, "Deployed", |d| d.is_deployed()).await {
                Ok(WaitEnd::Ready(d)) => d,
                Ok(WaitEnd::HandOff) => {
                    return Outcome::Continue {
                        phase: Phase::AwaitDeployment {
                            distribution_id: clone.id,
                        },
                    };
                }
                Ok(WaitEnd::GaveUp(d)) => {
                    let message = format!(
                        "{} was still {} when the resource's ServiceTimeout ran out; it will finish deploying on its own — retry, or set WaitForDeployment to false",
                        d.id, d.status
                    );
                    return failed(d.id, Error::property("WaitForDeployment", message));
                }
                Ok(WaitEnd::Gone) => {
                    let message =
                        format!("{} disappeared while waiting for it to deploy", clone.id);
                    return failed(
                        clone.id,
                        Error::Stuck {
                            operation: "GetDistribution",
                            message,
                        },
                    );
                }
                Err(e) => return failed(clone.id, e),
            }
        } else {
            clone
        };
        self.finish(request, properties, &clone, before).await
    }

    /// Picks up a wait for deployment that an earlier invocation handed on.
    pub(super) async fn resume_wait(&self, request: &Request, distribution_id: &str) -> Outcome {
        let properties = match &request.properties.checked {
            Ok(p) => p,
            Err(e) => return failed(distribution_id, e.clone()),
        };
        let clone = match self.aws.distributions.get(distribution_id).await {
            Ok(d) => d,
            Err(e) => return failed(distribution_id, e),
        };
        match self.aws.distributions.tags(&clone.arn).await {
            Ok(tags) if request.owns(&tags) => {}
            Ok(_) => {
                warn!(
                    distribution_id,
                    "continuation names a distribution this resource does not own; refusing"
                );
                // Never the foreign id, or a rollback would delete it.
                return failed(
                    request.not_created_id(),
                    Error::NotOwned(format!(
                        "continuation refused: {distribution_id} does not carry this resource's ownership tags"
                    )),
                );
            }
            Err(e) => return failed(distribution_id, e),
        }
        self.settle(request, properties, clone, &Before::Unknown)
            .await
    }

    /// Polls `id` every poll interval until `ready`, or until this invocation must hand
    /// off, or the operation's time is up.
    pub(super) async fn wait(
        &self,
        id: &str,
        goal: &str,
        ready: impl Fn(&Distribution) -> bool,
    ) -> Result<WaitEnd, AwsError> {
        let mut waited = false;
        loop {
            let now = self.aws.clock.now_ms();
            let decision = self.budget.decide(now, waited);
            match decision {
                WaitDecision::Poll(pause) => {
                    self.aws.clock.sleep(pause).await;
                    waited = true;
                }
                WaitDecision::HandOff => {
                    info!(
                        distribution_id = id,
                        goal, "handing the wait on to a fresh invocation"
                    );
                    return Ok(WaitEnd::HandOff);
                }
                WaitDecision::GiveUp => {}
            }
            let current = match self.aws.distributions.get(id).await {
                Ok(d) => d,
                Err(e) if e.is(ErrorKind::NotFound) => return Ok(WaitEnd::Gone),
                Err(e) => return Err(e),
            };
            let now = self.aws.clock.now_ms();
            info!(
                distribution_id = id,
                status = %current.status,
                enabled = current.config.enabled,
                goal,
                elapsed_s = self.budget.elapsed(now).as_secs(),
                left_s = self.budget.left(now).as_secs(),
                "waiting for CloudFront"
            );
            if ready(&current) {
                return Ok(WaitEnd::Ready(current));
            }
            if decision == WaitDecision::GiveUp {
                return Ok(WaitEnd::GaveUp(current));
            }
        }
    }
}
