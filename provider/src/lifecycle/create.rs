//! Create: plan, create the clone with its ownership tags (or adopt the one an earlier
//! delivery of the same request made), then settle it.

use super::ssm::Before;
use super::{Lifecycle, Outcome, failed, owned_tags};
use crate::aws::{AwsError, Distribution, ErrorKind};
use crate::error::Error;
use crate::event::{FINGERPRINT_TAG, Request};
use crate::plan;
use crate::properties::Properties;
use std::future::Future;
use std::time::Duration;
use tracing::{error, info, warn};

impl Lifecycle<'_> {
    /// `known`: the certificate an earlier invocation requested and waited for.
    pub(super) async fn create(&self, request: &Request, known: Option<&str>) -> Outcome {
        let marker = request.not_created_id();
        match &request.properties.checked {
            Ok(properties) => self.create_with(request, properties, marker, known).await,
            Err(e) => failed(marker, e.clone()),
        }
    }

    /// Creates (or adopts, for a redelivered request) the clone; `unmade_id` is the
    /// physical id to answer with if nothing gets made.
    pub(super) async fn create_with(
        &self,
        request: &Request,
        properties: &Properties,
        unmade_id: String,
        known: Option<&str>,
    ) -> Outcome {
        let properties = match self.certified(request, properties, &unmade_id, known).await {
            Ok(properties) => properties,
            Err(outcome) => return outcome,
        };
        let properties = properties.as_ref();
        let inputs = match self.inputs(properties).await {
            Ok(inputs) => inputs,
            Err(e) => return failed(unmade_id, e),
        };
        let planned = match inputs.plan(properties, &request.caller_reference()) {
            Ok(planned) => planned,
            Err(e) => return failed(unmade_id, e),
        };
        let tags = owned_tags(request, properties);
        let buckets = plan::origin_access_control_buckets(&planned);
        if !buckets.is_empty() {
            warn!(
                buckets = %buckets.join(","),
                "these S3 origins use origin access control: each bucket's policy must allow the clone's ARN (AWS:SourceArn) before S3 serves the clone"
            );
        }
        let created = self
            .until_consistent(|| self.aws.distributions.create(planned.clone(), tags.clone()))
            .await;
        let created = match created {
            Ok(d) => {
                info!(distribution_id = %d.id, domain_name = %d.domain_name, "created the clone");
                d
            }
            Err(e) if e.is(ErrorKind::AlreadyExists) => match self.adopt(request, e).await {
                Ok(d) => d,
                Err(error) => return failed(unmade_id, error),
            },
            Err(e) => {
                return failed(unmade_id, Error::write(e, &planned));
            }
        };
        let id = created.id.clone();
        let rest = self.record_and_settle(
            request,
            properties,
            &inputs,
            created,
            &Before::Unknown,
            async { Ok(()) },
        );
        self.guarded(request, id, rest).await
    }

    /// Runs what follows the creation of a clone so that whatever happens — an error, a
    /// panic, the invocation's deadline — the answer names the clone, and CloudFormation's
    /// rollback deletes it.
    async fn guarded(
        &self,
        request: &Request,
        id: String,
        work: impl Future<Output = Outcome>,
    ) -> Outcome {
        let now = self.aws.clock.now_ms();
        let limit = Duration::from_millis(self.budget.answer_by_ms.saturating_sub(now));
        match crate::guard::guard(limit, work).await {
            Ok(outcome) => outcome,
            Err(interrupted) => {
                error!(distribution_id = %id, "the clone exists; answering FAILED with its id");
                failed(id, interrupted.into_error(request.request_type))
            }
        }
    }

    /// A redelivered Create finds the distribution its first delivery made (same
    /// `CallerReference`): adopt it if its ownership tags say it is ours and, for the REST
    /// API's, its fingerprint tag says it was made from these properties.
    async fn adopt(&self, request: &Request, error: AwsError) -> Result<Distribution, Error> {
        let Some(id) = existing_id(&error.message) else {
            return Err(Error::NotAdoptable(error));
        };
        let existing = self.aws.distributions.get(&id).await?;
        let tags = self.aws.distributions.tags(&existing.arn).await?;
        if !request.owns(&tags) {
            return Err(Error::NotOwned(format!(
                "distribution {id} already uses this request's CallerReference but does not carry this resource's ownership tags; it was left untouched"
            )));
        }
        let made_by = tags.iter().find(|(key, _)| key == FINGERPRINT_TAG);
        if made_by.is_some_and(|(_, fingerprint)| *fingerprint != request.fingerprint()) {
            // The same Idempotency-Key (hence CallerReference) with another body.
            return Err(Error::KeyReused { id });
        }
        info!(distribution_id = %id, "adopted the clone made by an earlier delivery of this request");
        Ok(existing)
    }
}

/// CloudFront's `DistributionAlreadyExists` message ends with "Already exists: E…".
pub fn existing_id(message: &str) -> Option<String> {
    let (_, tail) = message.rsplit_once("Already exists:")?;
    let id: String = tail
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::existing_id;

    #[test]
    fn the_existing_id_is_read_from_cloudfronts_message() {
        assert_eq!(
            existing_id("The caller reference ... Already exists: E2ABC123DEF456").as_deref(),
            Some("E2ABC123DEF456")
        );
        assert_eq!(existing_id("something else"), None);
    }
}
