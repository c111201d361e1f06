//! Update: plan against the clone's own configuration (its `CallerReference` kept), send
//! it only if it differs, retry conflicting changes, let `Tags` follow, then settle.

use super::{Lifecycle, MAX_CONFLICT_RETRIES, Outcome, existing_clone, failed};
use crate::aws::{AwsError, Distribution, ErrorKind};
use crate::compare;
use crate::error::Error;
use crate::event::Request;
use crate::properties::{self, Properties};
use tracing::{info, warn};

impl Lifecycle<'_> {
    /// `known`: the certificate an earlier invocation requested and waited for.
    pub(super) async fn update(&self, request: &Request, known: Option<&str>) -> Outcome {
        let physical_id = request.physical_resource_id.clone().unwrap_or_default();
        let properties = match &request.properties.checked {
            Ok(p) => p,
            Err(e) => return failed(physical_id, e.clone()),
        };
        if existing_clone(request).is_none() {
            return self
                .create_with(request, properties, physical_id, known)
                .await;
        }
        if physical_id == properties.reference_distribution_id {
            return failed(
                physical_id,
                Error::property(
                    "ReferenceDistributionId",
                    "names this resource's own clone; the reference is never modified — point it at the distribution to copy",
                ),
            );
        }
        let properties = match self
            .certified(request, properties, &physical_id, known)
            .await
        {
            Ok(properties) => properties,
            Err(outcome) => return outcome,
        };
        let properties = properties.as_ref();
        for _ in 0..MAX_CONFLICT_RETRIES {
            // The clone's configuration and the plan's inputs are independent reads.
            let (current, inputs) = tokio::join!(
                self.aws.distributions.get_config(&physical_id),
                self.inputs(properties)
            );
            let current = match current {
                Ok(found) => found,
                Err(e) if e.is(ErrorKind::NotFound) => {
                    warn!(distribution_id = %physical_id, "the clone no longer exists; creating it anew");
                    if let Err(error) = self.forget_record(&physical_id).await {
                        warn!(%error, distribution_id = %physical_id, "could not remove the vanished clone's record");
                    }
                    return self
                        .create_with(request, properties, physical_id, None)
                        .await;
                }
                Err(e) => return failed(physical_id, e),
            };
            let inputs = match inputs {
                Ok(inputs) => inputs,
                Err(e) => return failed(physical_id, e),
            };
            let planned = match inputs.plan(properties, &current.config.caller_reference) {
                Ok(planned) => planned,
                Err(e) => return failed(physical_id, e),
            };
            let unchanged = compare::same_configuration(&planned, &current.config);
            if !unchanged && !current.unknown.is_empty() {
                let members = current.unknown;
                return failed(
                    physical_id.clone(),
                    Error::UnknownMembers {
                        distribution_id: physical_id,
                        reference: false,
                        members,
                    },
                );
            }
            let etag = current.etag;
            let result = if unchanged {
                info!(distribution_id = %physical_id, "the clone already has this configuration; nothing to send");
                self.aws.distributions.get(&physical_id).await
            } else {
                self.until_consistent(|| {
                    self.aws
                        .distributions
                        .update(&physical_id, planned.clone(), &etag)
                })
                .await
            };
            match result {
                Ok(updated) => {
                    if !unchanged {
                        info!(distribution_id = %physical_id, "updated the clone in place");
                    }
                    if let Err(e) = self
                        .keep_record(request, properties, &inputs, &updated)
                        .await
                    {
                        return failed(physical_id, e);
                    }
                    if let Err(e) = self.update_tags(request, properties, &updated).await {
                        return failed(physical_id, e);
                    }
                    return self.settle(request, properties, updated).await;
                }
                Err(e) if e.is(ErrorKind::PreconditionFailed) => {
                    warn!(distribution_id = %physical_id, "the clone changed while updating it; reading it again");
                }
                Err(e) => {
                    return failed(physical_id, Error::write(e, &planned));
                }
            }
        }
        failed(
            physical_id.clone(),
            Error::Stuck {
                operation: "UpdateDistribution",
                message: format!(
                    "{physical_id} kept changing under this update ({MAX_CONFLICT_RETRIES} PreconditionFailed in a row); retry the stack update"
                ),
            },
        )
    }

    /// `Tags` follow an Update: tags the new properties add or change are set, tags the
    /// old properties had and the new ones do not are removed. Tags set by hand and the
    /// ownership tags are left as they are. Nothing is called when `Tags` did not change.
    async fn update_tags(
        &self,
        request: &Request,
        properties: &Properties,
        clone: &Distribution,
    ) -> Result<(), AwsError> {
        let old = request
            .old_properties
            .as_ref()
            .map_or(&[][..], |old| old.tags());
        if old == properties.tags {
            return Ok(());
        }
        let current = self.aws.distributions.tags(&clone.arn).await?;
        let set: Vec<(String, String)> = properties
            .tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .filter(|tag| !current.contains(tag))
            .collect();
        let remove: Vec<String> = old
            .iter()
            .map(|t| t.key.clone())
            .filter(|key| !properties.tags.iter().any(|t| &t.key == key))
            .filter(|key| current.iter().any(|(k, _)| k == key))
            .filter(|key| !key.starts_with(properties::RESERVED_TAG_PREFIX))
            .collect();
        if !set.is_empty() {
            self.aws.distributions.tag(&clone.arn, set.clone()).await?;
        }
        if !remove.is_empty() {
            self.aws
                .distributions
                .untag(&clone.arn, remove.clone())
                .await?;
        }
        info!(distribution_id = %clone.id, set = set.len(), removed = remove.len(), "updated the clone's tags");
        Ok(())
    }
}
