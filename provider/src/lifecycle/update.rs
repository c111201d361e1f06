//! Update: plan against the clone's own configuration (its `CallerReference` kept), send
//! it only if it differs, retry conflicting changes, let `Tags` follow, then settle.

use super::ssm::Before;
use super::{Lifecycle, MAX_CONFLICT_RETRIES, Outcome, existing_clone, failed};
use crate::aws::{AwsError, Distribution, ErrorKind};
use crate::compare;
use crate::error::Error;
use crate::event::Request;
use crate::properties::{self, Properties};
use aws_sdk_cloudfront::types::DistributionConfig;
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
        // What the clone served when this request first read it: what the outputs of the
        // old properties hold, unless an earlier attempt failed after its write.
        let mut first_read: Option<Option<String>> = None;
        for _ in 0..MAX_CONFLICT_RETRIES {
            if let Some(outcome) = self
                .update_pass(request, properties, &physical_id, &mut first_read)
                .await
            {
                return outcome;
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

    /// One pass of an Update, from fresh reads: plan against the clone's configuration and
    /// send it if it differs; `None` when the clone changed meanwhile (`PreconditionFailed`).
    async fn update_pass(
        &self,
        request: &Request,
        properties: &Properties,
        id: &str,
        first_read: &mut Option<Option<String>>,
    ) -> Option<Outcome> {
        // The clone's configuration and the plan's inputs are independent reads.
        let (current, inputs) = tokio::join!(
            self.aws.distributions.get_config(id),
            self.inputs(properties)
        );
        let current = match current {
            Ok(found) => found,
            Err(e) if e.is(ErrorKind::NotFound) => {
                return Some(self.recreate(request, properties, id).await);
            }
            Err(e) => return Some(failed(id, e)),
        };
        let planned = match inputs.and_then(|i| {
            let planned = i.plan(properties, &current.config.caller_reference)?;
            Ok((i, planned))
        }) {
            Ok(planned) => planned,
            Err(e) => return Some(failed(id, e)),
        };
        let (inputs, planned) = planned;
        let unchanged = compare::same_configuration(&planned, &current.config);
        if !unchanged && !current.unknown.is_empty() {
            let error = Error::UnknownMembers {
                distribution_id: id.to_owned(),
                reference: false,
                members: current.unknown,
            };
            return Some(failed(id, error));
        }
        let before = before(&current.config, first_read, unchanged);
        let result = if unchanged {
            info!(distribution_id = %id, "the clone already has this configuration; nothing to send");
            self.aws.distributions.get(id).await
        } else {
            let etag = current.etag;
            self.until_consistent(|| self.aws.distributions.update(id, planned.clone(), &etag))
                .await
        };
        match result {
            Ok(updated) => {
                if !unchanged {
                    info!(distribution_id = %id, "updated the clone in place");
                }
                Some(
                    self.updated(request, properties, &inputs, updated, &before)
                        .await,
                )
            }
            Err(e) if e.is(ErrorKind::PreconditionFailed) => {
                warn!(distribution_id = %id, "the clone changed while updating it; reading it again");
                None
            }
            Err(e) => Some(failed(id, Error::write(e, &planned))),
        }
    }

    /// The clone is gone: its record forgotten, it is made anew.
    async fn recreate(&self, request: &Request, properties: &Properties, id: &str) -> Outcome {
        warn!(distribution_id = %id, "the clone no longer exists; creating it anew");
        if let Err(error) = self.forget_record(id).await {
            warn!(%error, distribution_id = %id, "could not remove the vanished clone's record");
        }
        self.create_with(request, properties, id.to_owned(), None)
            .await
    }

    /// After an Update: the tags and the record at the same time, then the clone settled.
    async fn updated(
        &self,
        request: &Request,
        properties: &Properties,
        inputs: &super::PlanInputs,
        updated: Distribution,
        before: &Before,
    ) -> Outcome {
        let (id, arn) = (updated.id.clone(), updated.arn.clone());
        let tags = async {
            self.update_tags(request, properties, &arn, &id)
                .await
                .map_err(Error::from)
        };
        self.record_and_settle(request, properties, inputs, updated, before, tags)
            .await
    }

    /// `Tags` follow an Update: tags the new properties add or change are set, tags the
    /// old properties had and the new ones do not are removed. Tags set by hand and the
    /// ownership tags are left as they are. Nothing is called when `Tags` did not change.
    async fn update_tags(
        &self,
        request: &Request,
        properties: &Properties,
        arn: &str,
        id: &str,
    ) -> Result<(), AwsError> {
        let old = request
            .old_properties
            .as_ref()
            .map_or(&[][..], |old| old.tags());
        if old == properties.tags {
            return Ok(());
        }
        let current = self.aws.distributions.tags(arn).await?;
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
            self.aws.distributions.tag(arn, set.clone()).await?;
        }
        if !remove.is_empty() {
            self.aws.distributions.untag(arn, remove.clone()).await?;
        }
        info!(distribution_id = %id, set = set.len(), removed = remove.len(), "updated the clone's tags");
        Ok(())
    }
}

/// What the outputs of the old properties hold, as far as this request knows: written for
/// the certificate the clone served when the request first read it. A pass that sends
/// nothing may follow an attempt that wrote the clone and not its outputs (a redelivered
/// event, an answer lost in transit), so then every output is written.
fn before(
    current: &DistributionConfig,
    first_read: &mut Option<Option<String>>,
    unchanged: bool,
) -> Before {
    let served = current
        .viewer_certificate
        .as_ref()
        .and_then(|v| v.acm_certificate_arn.clone());
    let certificate = first_read.get_or_insert(served).clone();
    if unchanged {
        Before::Unknown
    } else {
        Before::Served { certificate }
    }
}
