//! Delete: only a clone this resource owns; disable it, wait until it is disabled and
//! `Deployed`, delete it with its latest ETag, then remove its SSM parameters (with
//! `DeletionMode: Disable`, stop once it is disabled — unless the stack is rolling back the
//! operation that created the clone, as CloudFormation's `RetainExceptOnCreate` does).
//! Every step is idempotent, so a continuation simply starts again from the top.

use super::wait::WaitEnd;
use super::{
    Lifecycle, MAX_CONFLICT_RETRIES, Outcome, WaitDecision, existing_clone, failed, success,
};
use crate::aws::{Distribution, ErrorKind};
use crate::error::Error;
use crate::event::{OWNER_LOGICAL_ID_TAG, OWNER_STACK_TAG, Phase, Request};
use crate::properties::{DeletionMode, SsmOutputs};
use aws_sdk_cloudformation::types::StackStatus;
use tracing::{info, warn};

/// Why a pass over a Delete's steps stopped before its end.
enum Stop {
    /// With this answer (or phase to go on with).
    Answer(Outcome),
    /// The clone changed under it (`PreconditionFailed`): read it again; counted.
    Conflict,
    /// CloudFront is not ready for the delete yet, and a poll interval was waited: try again.
    Retry,
}

type Pass<T> = Result<T, Stop>;

impl Lifecycle<'_> {
    pub(super) async fn delete(&self, request: &Request) -> Outcome {
        let Some(physical_id) = existing_clone(request).map(str::to_owned) else {
            let physical_id = request.physical_resource_id.clone().unwrap_or_default();
            info!(
                physical_id,
                "no clone was created for this resource; nothing to delete"
            );
            // A Create that failed after requesting a certificate leaves it for its
            // rollback's Delete to remove.
            if let Err(outcome) = self.remove_certificates(request, &physical_id).await {
                return outcome;
            }
            return success(physical_id);
        };
        if request.properties.reference_distribution_id.as_deref() == Some(physical_id.as_str()) {
            warn!(
                physical_id,
                "the physical id is the reference distribution; it is never touched"
            );
            return success(physical_id);
        }

        let mut owned = false;
        let mut not_disabled_waited = false;
        let mut conflicts = 0;
        while conflicts < MAX_CONFLICT_RETRIES {
            match self
                .delete_pass(request, &physical_id, &mut owned, &mut not_disabled_waited)
                .await
            {
                Ok(outcome) | Err(Stop::Answer(outcome)) => return outcome,
                Err(Stop::Conflict) => conflicts += 1,
                Err(Stop::Retry) => {}
            }
        }
        let message = format!(
            "{physical_id} kept changing during deletion ({MAX_CONFLICT_RETRIES} conflicts in a row); retry the stack deletion"
        );
        failed(physical_id, stuck(message))
    }

    /// One pass over the steps of a Delete, from a fresh read of the clone.
    async fn delete_pass(
        &self,
        request: &Request,
        id: &str,
        owned: &mut bool,
        not_disabled_waited: &mut bool,
    ) -> Pass<Outcome> {
        let clone = self.read_owned(request, id, owned).await?;
        let clone = self.disable(request, id, clone).await?;
        if request.properties.deletion_mode == DeletionMode::Disable
            && !self.rolls_back_its_creation(request).await
        {
            // Left in place, disabled, as Terraform's retain_on_delete does: its record
            // stays for the operator's tools, and so does the certificate it still uses;
            // the stack's outputs describe it no more.
            info!(distribution_id = %id, "DeletionMode is Disable: the clone is left in place, disabled");
            let outputs = request.properties.ssm.as_ref();
            let removed = self.remove_outputs(id, outputs).await;
            return Ok(removed.unwrap_or_else(|| success(id.to_owned())));
        }
        let clone = self.disabled_and_deployed(request, id, clone).await?;
        self.remove_clone(request, id, &clone, not_disabled_waited)
            .await
    }

    /// The clone, once its ownership tags say it is this resource's (asked once).
    async fn read_owned(
        &self,
        request: &Request,
        id: &str,
        owned: &mut bool,
    ) -> Pass<Distribution> {
        let clone = match self.aws.distributions.get(id).await {
            Ok(d) => d,
            Err(e) if e.is(ErrorKind::NotFound) => return Err(self.gone(request, id).await),
            Err(e) => return Err(Stop::Answer(failed(id, e))),
        };
        if !*owned {
            match self.aws.distributions.tags(&clone.arn).await {
                Ok(tags) if request.owns(&tags) => *owned = true,
                Ok(_) => {
                    warn!(
                        distribution_id = %id,
                        "the distribution does not carry this resource's ownership tags ({OWNER_STACK_TAG}, {OWNER_LOGICAL_ID_TAG}); it was not created by this resource and is left untouched"
                    );
                    return Err(Stop::Answer(success(id.to_owned())));
                }
                Err(e) => return Err(Stop::Answer(failed(id, e))),
            }
        }
        Ok(clone)
    }

    /// The clone disabled (an `UpdateDistribution` unless it is already).
    async fn disable(
        &self,
        request: &Request,
        id: &str,
        clone: Distribution,
    ) -> Pass<Distribution> {
        if !clone.config.enabled {
            return Ok(clone);
        }
        let mut disabled = clone.config.clone();
        disabled.enabled = false;
        match self
            .aws
            .distributions
            .update(id, disabled, &clone.etag)
            .await
        {
            Ok(d) => {
                info!(distribution_id = %id, "disabled the clone");
                Ok(d)
            }
            Err(e) if e.is(ErrorKind::PreconditionFailed) => Err(Stop::Conflict),
            Err(e) if e.is(ErrorKind::NotFound) => Err(self.gone(request, id).await),
            Err(e) => Err(Stop::Answer(failed(id, e))),
        }
    }

    /// The disabled clone once CloudFront has deployed it (or the phase to go on with).
    async fn disabled_and_deployed(
        &self,
        request: &Request,
        id: &str,
        clone: Distribution,
    ) -> Pass<Distribution> {
        let ready = |d: &Distribution| !d.config.enabled && d.is_deployed();
        if ready(&clone) {
            return Ok(clone);
        }
        match self.wait(id, "disabled and Deployed", ready).await {
            Ok(WaitEnd::Ready(d)) => Ok(d),
            Ok(WaitEnd::Gone) => Err(self.gone(request, id).await),
            Ok(WaitEnd::HandOff) => Err(Stop::Answer(Outcome::Continue {
                phase: Phase::Delete,
            })),
            Ok(WaitEnd::GaveUp(d)) => {
                let message = format!(
                    "{id} is disabled but still {} after the resource's ServiceTimeout; delete it by hand once it is Deployed (aws cloudfront delete-distribution --id {id} --if-match <ETag>), then retry the stack deletion",
                    d.status
                );
                Err(Stop::Answer(failed(id, stuck(message))))
            }
            Err(e) => Err(Stop::Answer(failed(id, e))),
        }
    }

    /// `DeleteDistribution` with the latest ETag, then what follows the clone's removal.
    /// CloudFront can refuse (`DistributionNotDisabled`) for a while after it reports the
    /// disabled clone Deployed: not ready yet, so wait a poll interval and try again.
    async fn remove_clone(
        &self,
        request: &Request,
        id: &str,
        clone: &Distribution,
        not_disabled_waited: &mut bool,
    ) -> Pass<Outcome> {
        match self.aws.distributions.delete(id, &clone.etag).await {
            Ok(()) => {
                info!(distribution_id = %id, "deleted the clone");
                Err(self.gone(request, id).await)
            }
            Err(e) if e.is(ErrorKind::NotFound) => Err(self.gone(request, id).await),
            Err(e) if e.is(ErrorKind::PreconditionFailed) => {
                warn!(distribution_id = %id, error = %e, "the clone changed; reading it again");
                Err(Stop::Conflict)
            }
            Err(e) if e.is(ErrorKind::NotDisabled) => {
                warn!(distribution_id = %id, error = %e, "CloudFront does not take the delete yet; waiting");
                let now = self.aws.clock.now_ms();
                match self.budget.decide(now, *not_disabled_waited) {
                    WaitDecision::Poll(pause) => {
                        self.aws.clock.sleep(pause).await;
                        *not_disabled_waited = true;
                        Err(Stop::Retry)
                    }
                    WaitDecision::HandOff => Ok(Outcome::Continue {
                        phase: Phase::Delete,
                    }),
                    WaitDecision::GiveUp => {
                        let message = format!(
                            "CloudFront still answered DistributionNotDisabled for the disabled, Deployed {id} when the resource's ServiceTimeout ran out; delete it by hand (aws cloudfront delete-distribution --id {id} --if-match <ETag>), then retry the stack deletion"
                        );
                        Ok(failed(id, stuck(message)))
                    }
                }
            }
            Err(e) => Err(Stop::Answer(failed(id, e))),
        }
    }

    /// The clone is gone: what follows (its outputs, record and certificates removed).
    async fn gone(&self, request: &Request, id: &str) -> Stop {
        Stop::Answer(
            self.deleted(request, id, request.properties.ssm.as_ref())
                .await,
        )
    }

    /// Whether the Delete comes from the stack rolling back the operation that created the
    /// clone ([`ROLLBACK_STATUSES`]): then `DeletionMode: Disable` does not keep it, as
    /// CloudFormation's `RetainExceptOnCreate` keeps nothing a rolled-back operation made
    /// (a disabled clone would hold its aliases, and every retry of the stack would fail
    /// with `CNAMEAlreadyExists`). The event does not say it; `DescribeStacks` does. A stack
    /// that cannot be read keeps the declared `Disable`: the safe side.
    async fn rolls_back_its_creation(&self, request: &Request) -> bool {
        let stack = request.ids.stack_id.as_str();
        if stack.split(':').nth(2) != Some("cloudformation") {
            return false; // the REST API's clones: no stack to ask
        }
        match self.aws.stacks.status(stack).await {
            Ok(status) if ROLLBACK_STATUSES.contains(&status) => {
                info!(
                    stack,
                    status = status.as_str(),
                    "the stack is rolling back the operation that created the clone: it is deleted, not left disabled (as RetainExceptOnCreate)"
                );
                true
            }
            Ok(status) => {
                info!(
                    stack,
                    status = status.as_str(),
                    "the stack is not rolling back a creation: DeletionMode Disable applies"
                );
                false
            }
            Err(error) => {
                warn!(stack, %error, "the stack's status could not be read (cloudformation:DescribeStacks): DeletionMode Disable applies");
                false
            }
        }
    }

    /// Removes the clone's SSM parameters; `Some` is the failure to answer with.
    async fn remove_outputs(&self, id: &str, outputs: Option<&SsmOutputs>) -> Option<Outcome> {
        if let Some(outputs) = outputs {
            for region in &outputs.regions {
                if let Err(error) = self.remove_parameters(outputs, region, &[id]).await {
                    return Some(failed(
                        id,
                        Error::Cleanup {
                            what: "the clone is deleted, but removing its SSM parameters failed",
                            error,
                        },
                    ));
                }
            }
        }
        None
    }

    /// The clone is gone: remove its SSM parameters, the certificates this resource
    /// requested, and its record, and answer.
    async fn deleted(&self, request: &Request, id: &str, outputs: Option<&SsmOutputs>) -> Outcome {
        if let Some(outcome) = self.remove_outputs(id, outputs).await {
            return outcome;
        }
        if let Err(outcome) = self.remove_certificates(request, id).await {
            return outcome;
        }
        if let Err(error) = self.forget_record(id).await {
            return failed(
                id,
                Error::Cleanup {
                    what: "the clone is deleted, but removing its record failed",
                    error,
                },
            );
        }
        success(id.to_owned())
    }
}

/// The stack statuses in which CloudFormation deletes what the failed operation created
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html#cfn-console-view-stack-data-resources-status-codes>):
/// `ROLLBACK_IN_PROGRESS`, removing a stack's resources after its creation failed or was
/// cancelled; `UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS`, removing the new resources
/// of a failed update once the stack is back to its previous state.
pub const ROLLBACK_STATUSES: [StackStatus; 2] = [
    StackStatus::RollbackInProgress,
    StackStatus::UpdateRollbackCompleteCleanupInProgress,
];

fn stuck(message: String) -> Error {
    Error::Stuck {
        operation: "DeleteDistribution",
        message,
    }
}
