//! Create, Update and Delete of `Custom::ClonedDistribution` as functions of a request and
//! the adapters. No response is sent from here: each function ends in an [`Outcome`],
//! which is either the answer for CloudFormation or a request to continue the same work
//! in a fresh invocation.

use crate::aws::{
    Adapters, AwsError, Certificates, Clock, Distribution, Distributions, ErrorKind, Parameters,
};
use crate::certificates;
use crate::compare;
use crate::plan::{self, PlanError};
use crate::properties::{self, Properties, SsmOutputs};
use aws_lambda_events::event::cloudformation::CloudFormationCustomResourceRequest;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::{info, warn};

mod budget;
mod explain;

pub use budget::{Budget, MIN_SLEEP, POLL_ALLOWANCE, WaitDecision};
pub use explain::{existing_id, explain, explain_write, permissions_needed};

/// Tag naming the stack that owns a clone.
pub const OWNER_STACK_TAG: &str = "cfclone:stack-id";
/// Tag naming the logical id, inside that stack, of the resource that owns a clone.
pub const OWNER_LOGICAL_ID_TAG: &str = "cfclone:logical-id";
/// Physical ids starting with this mark a Create that made nothing.
pub const NOT_CREATED_PREFIX: &str = "cfclone-not-created-";
/// How often a conflicting concurrent change (`PreconditionFailed`) is retried.
pub const MAX_CONFLICT_RETRIES: usize = 5;
/// How long answers that a new certificate or resource is not visible yet
/// (`InvalidViewerCertificate`, `IllegalUpdate`) are retried on Create and Update.
pub const CONSISTENCY_WINDOW: Duration = Duration::from_secs(60);
/// Written to `{prefix}/certificate-arn` when the clone has no aliases (SSM refuses
/// empty values).
pub const NO_CERTIFICATE: &str = "none";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestType {
    Create,
    Update,
    Delete,
}

/// A CloudFormation custom resource request, whatever its type.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub request_type: RequestType,
    pub request_id: String,
    pub stack_id: String,
    pub logical_resource_id: String,
    pub response_url: String,
    pub physical_resource_id: Option<String>,
    pub properties: Value,
    pub old_properties: Option<Value>,
}

impl Request {
    pub fn from_event(event: CloudFormationCustomResourceRequest) -> Option<Self> {
        Some(match event {
            CloudFormationCustomResourceRequest::Create(r) => Self {
                request_type: RequestType::Create,
                request_id: r.request_id,
                stack_id: r.stack_id,
                logical_resource_id: r.logical_resource_id,
                response_url: r.response_url,
                physical_resource_id: None,
                properties: r.resource_properties,
                old_properties: None,
            },
            CloudFormationCustomResourceRequest::Update(r) => Self {
                request_type: RequestType::Update,
                request_id: r.request_id,
                stack_id: r.stack_id,
                logical_resource_id: r.logical_resource_id,
                response_url: r.response_url,
                physical_resource_id: Some(r.physical_resource_id),
                properties: r.resource_properties,
                old_properties: Some(r.old_resource_properties),
            },
            CloudFormationCustomResourceRequest::Delete(r) => Self {
                request_type: RequestType::Delete,
                request_id: r.request_id,
                stack_id: r.stack_id,
                logical_resource_id: r.logical_resource_id,
                response_url: r.response_url,
                physical_resource_id: Some(r.physical_resource_id),
                properties: r.resource_properties,
                old_properties: None,
            },
            _ => return None,
        })
    }

    /// The stack's region, from its ARN (`arn:aws:cloudformation:REGION:…`).
    pub fn stack_region(&self) -> &str {
        self.stack_id
            .split(':')
            .nth(3)
            .filter(|r| !r.is_empty())
            .unwrap_or("us-east-1")
    }

    /// The id to answer with when nothing was created.
    pub fn not_created_id(&self) -> String {
        format!("{NOT_CREATED_PREFIX}{}", self.request_id)
    }

    /// The `CallerReference` of the distribution this request creates: the same for a
    /// redelivered event, different for every other request.
    pub fn caller_reference(&self) -> String {
        let mut hash = Sha256::new();
        for part in [&self.stack_id, &self.logical_resource_id, &self.request_id] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        let digest = hash.finalize();
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("cfclone-{hex}")
    }

    fn ownership_tags(&self) -> [(String, String); 2] {
        [
            (OWNER_STACK_TAG.to_owned(), self.stack_id.clone()),
            (
                OWNER_LOGICAL_ID_TAG.to_owned(),
                self.logical_resource_id.clone(),
            ),
        ]
    }

    fn owns(&self, tags: &[(String, String)]) -> bool {
        self.ownership_tags()
            .iter()
            .all(|owned| tags.contains(owned))
    }
}

/// Where an unfinished operation picks up in the next invocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "kebab-case")]
pub enum Phase {
    /// Disable-wait-delete, from the top (every step is idempotent).
    Delete,
    /// Wait for a created or updated clone to be `Deployed`, then finish.
    AwaitDeployment { distribution_id: String },
}

/// How an invocation's work ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Success {
        physical_id: String,
        data: BTreeMap<String, String>,
    },
    Failed {
        physical_id: String,
        reason: String,
    },
    /// Not done: hand the request on to a fresh invocation.
    Continue {
        phase: Phase,
    },
}

enum WaitEnd {
    Ready(Distribution),
    HandOff,
    GaveUp(Distribution),
    Gone,
}

fn secs(d: Duration) -> u64 {
    d.as_secs()
}

/// The lifecycle, over any adapters.
pub struct Lifecycle<'a, D, C, P, K> {
    pub aws: &'a Adapters<D, C, P, K>,
    pub budget: Budget,
    /// The id of a distribution this run created or adopted, as soon as it exists, so
    /// that even a panic or a timeout answers with it (and the rollback deletes it).
    pub made: Arc<Mutex<Option<String>>>,
}

impl<D, C, P, K> Lifecycle<'_, D, C, P, K>
where
    D: Distributions,
    C: Certificates,
    P: Parameters,
    K: Clock,
{
    /// Runs (or, with `resume`, continues) one request.
    pub async fn run(&self, request: &Request, resume: Option<&Phase>) -> Outcome {
        match (request.request_type, resume) {
            (RequestType::Delete, _) => self.delete(request).await,
            (_, Some(Phase::AwaitDeployment { distribution_id })) => {
                self.resume_wait(request, distribution_id).await
            }
            (RequestType::Create, _) => self.create(request).await,
            (RequestType::Update, _) => self.update(request).await,
        }
    }

    // ----- Create -----------------------------------------------------------------------

    async fn create(&self, request: &Request) -> Outcome {
        let marker = request.not_created_id();
        let properties = match Properties::parse(&request.properties, request.stack_region()) {
            Ok(p) => p,
            Err(e) => return failed(marker, e.to_string()),
        };
        self.create_with(request, &properties, marker).await
    }

    /// Creates (or adopts, for a redelivered request) the clone; `unmade_id` is the
    /// physical id to answer with if nothing gets made.
    async fn create_with(
        &self,
        request: &Request,
        properties: &Properties,
        unmade_id: String,
    ) -> Outcome {
        let planned = match self
            .inputs(properties)
            .await
            .and_then(|inputs| inputs.plan(properties, &request.caller_reference()))
        {
            Ok(planned) => planned,
            Err(reason) => return failed(unmade_id, reason),
        };
        let tags: Vec<(String, String)> = request
            .ownership_tags()
            .into_iter()
            .chain(
                properties
                    .tags
                    .iter()
                    .map(|t| (t.key.clone(), t.value.clone())),
            )
            .collect();
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
            Err(e) if e.is(ErrorKind::AlreadyExists) => match self.adopt(request, &e).await {
                Ok(d) => d,
                Err(reason) => return failed(unmade_id, reason),
            },
            Err(e) => return failed(unmade_id, explain_write(&e, &planned)),
        };
        *self.made.lock().unwrap_or_else(|e| e.into_inner()) = Some(created.id.clone());
        self.settle(request, properties, created).await
    }

    /// A redelivered Create finds the distribution its first delivery made (same
    /// `CallerReference`): adopt it if its ownership tags say it is ours.
    async fn adopt(&self, request: &Request, error: &AwsError) -> Result<Distribution, String> {
        let Some(id) = existing_id(&error.message) else {
            return Err(format!(
                "{error}; the existing distribution's id was not given, so it cannot be adopted"
            ));
        };
        let existing = self
            .aws
            .distributions
            .get(&id)
            .await
            .map_err(|e| explain(&e))?;
        let tags = self
            .aws
            .distributions
            .tags(&existing.arn)
            .await
            .map_err(|e| explain(&e))?;
        if !request.owns(&tags) {
            return Err(format!(
                "distribution {id} already uses this request's CallerReference but does not carry this resource's ownership tags; it was left untouched"
            ));
        }
        info!(distribution_id = %id, "adopted the clone made by an earlier delivery of this request");
        Ok(existing)
    }

    /// Runs a Create or Update call again while CloudFront answers that something it refers
    /// to is not visible yet (`InvalidViewerCertificate`, `IllegalUpdate`: a certificate
    /// made in the same deployment takes a while to reach CloudFront), for up to
    /// [`CONSISTENCY_WINDOW`] and as long as the invocation leaves room.
    async fn until_consistent<T, F, Fut>(&self, mut call: F) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        let first = self.aws.clock.now_ms();
        let mut pause = Duration::from_secs(2);
        loop {
            let error = match call().await {
                Err(e) if e.is(ErrorKind::NotYetConsistent) => e,
                other => return other,
            };
            let now = self.aws.clock.now_ms();
            let spent = Duration::from_millis(now.saturating_sub(first));
            if spent + pause > CONSISTENCY_WINDOW || pause + POLL_ALLOWANCE > self.budget.room(now)
            {
                return Err(error);
            }
            warn!(error = %error, retry_in_s = pause.as_secs(), "CloudFront does not see everything yet; trying again");
            self.aws.clock.sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(10));
        }
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
            .and_then(|old| Properties::parse(old, request.stack_region()).ok())
            .map(|old| old.tags)
            .unwrap_or_default();
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

    /// Reads the reference and finds the certificate, at the same time: the two do not
    /// depend on each other, and each is a round trip to a different service.
    async fn inputs(&self, properties: &Properties) -> Result<PlanInputs, String> {
        let reference_id = &properties.reference_distribution_id;
        let (reference, certificate) = tokio::join!(
            self.aws.distributions.get_config(reference_id),
            self.certificate(properties)
        );
        let (reference, _) = reference.map_err(|e| {
            if e.is(ErrorKind::NotFound) {
                format!(
                    "ReferenceDistributionId: there is no distribution {reference_id} in this account ({}); check the id in the CloudFront console",
                    e.operation
                )
            } else {
                explain(&e)
            }
        })?;
        plan::check_reference(reference_id, &reference).map_err(|e: PlanError| e.to_string())?;
        Ok(PlanInputs {
            reference,
            certificate: certificate?,
        })
    }

    /// The explicit `CertificateArn`, or the ACM certificate (us-east-1) that covers every
    /// alias; none when there are no aliases.
    async fn certificate(&self, properties: &Properties) -> Result<Option<String>, String> {
        if properties.aliases.is_empty() {
            return Ok(None);
        }
        if let Some(arn) = &properties.certificate_arn {
            return Ok(Some(arn.clone()));
        }
        let now = (self.aws.clock.now_ms() / 1000) as i64;
        let mut found = self
            .aws
            .certificates
            .list()
            .await
            .map_err(|e| explain(&e))?;
        let incomplete: Vec<String> = certificates::to_describe(&found, &properties.aliases, now)
            .into_iter()
            .map(str::to_owned)
            .collect();
        for arn in incomplete {
            let described = self
                .aws
                .certificates
                .describe(&arn)
                .await
                .map_err(|e| explain(&e))?;
            if let Some(slot) = found.iter_mut().find(|c| c.arn == arn) {
                *slot = described;
            }
        }
        let chosen = certificates::select(&found, &properties.aliases, now)
            .map_err(|e| format!("Aliases: {e}"))?;
        info!(certificate_arn = %chosen.arn, "chose the certificate");
        Ok(Some(chosen.arn.clone()))
    }

    // ----- Update -----------------------------------------------------------------------

    async fn update(&self, request: &Request) -> Outcome {
        let physical_id = request.physical_resource_id.clone().unwrap_or_default();
        let properties = match Properties::parse(&request.properties, request.stack_region()) {
            Ok(p) => p,
            Err(e) => return failed(physical_id, e.to_string()),
        };
        if physical_id.starts_with(NOT_CREATED_PREFIX) || physical_id.is_empty() {
            return self.create_with(request, &properties, physical_id).await;
        }
        if physical_id == properties.reference_distribution_id {
            return failed(
                physical_id,
                "ReferenceDistributionId: names this resource's own clone; the reference is never modified — point it at the distribution to copy".into(),
            );
        }
        for _ in 0..MAX_CONFLICT_RETRIES {
            // The clone's configuration and the plan's inputs are independent reads.
            let (current, inputs) = tokio::join!(
                self.aws.distributions.get_config(&physical_id),
                self.inputs(&properties)
            );
            let (current, etag) = match current {
                Ok(found) => found,
                Err(e) if e.is(ErrorKind::NotFound) => {
                    warn!(distribution_id = %physical_id, "the clone no longer exists; creating it anew");
                    return self.create_with(request, &properties, physical_id).await;
                }
                Err(e) => return failed(physical_id, explain(&e)),
            };
            let planned = match inputs.and_then(|i| i.plan(&properties, &current.caller_reference))
            {
                Ok(planned) => planned,
                Err(reason) => return failed(physical_id, reason),
            };
            let unchanged = compare::same_configuration(&planned, &current);
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
                    if let Err(e) = self.update_tags(request, &properties, &updated).await {
                        return failed(physical_id, explain(&e));
                    }
                    return self.settle(request, &properties, updated).await;
                }
                Err(e) if e.is(ErrorKind::PreconditionFailed) => {
                    warn!(distribution_id = %physical_id, "the clone changed while updating it; reading it again");
                }
                Err(e) => return failed(physical_id, explain_write(&e, &planned)),
            }
        }
        failed(
            physical_id.clone(),
            format!(
                "UpdateDistribution: {physical_id} kept changing under this update ({MAX_CONFLICT_RETRIES} PreconditionFailed in a row); retry the stack update"
            ),
        )
    }

    // ----- Waiting and finishing (Create and Update) -------------------------------------

    /// Waits for deployment when asked, then writes the SSM parameters and answers.
    async fn settle(
        &self,
        request: &Request,
        properties: &Properties,
        clone: Distribution,
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
                    return failed(
                        d.id.clone(),
                        format!(
                            "WaitForDeployment: {} was still {} when the resource's ServiceTimeout ran out; it will finish deploying on its own — retry, or set WaitForDeployment to false",
                            d.id, d.status
                        ),
                    );
                }
                Ok(WaitEnd::Gone) => {
                    return failed(
                        clone.id.clone(),
                        format!(
                            "GetDistribution: {} disappeared while waiting for it to deploy",
                            clone.id
                        ),
                    );
                }
                Err(e) => return failed(clone.id, explain(&e)),
            }
        } else {
            clone
        };
        self.finish(request, properties, &clone).await
    }

    async fn resume_wait(&self, request: &Request, distribution_id: &str) -> Outcome {
        let physical_id = distribution_id.to_owned();
        let properties = match Properties::parse(&request.properties, request.stack_region()) {
            Ok(p) => p,
            Err(e) => return failed(physical_id, e.to_string()),
        };
        let clone = match self.aws.distributions.get(distribution_id).await {
            Ok(d) => d,
            Err(e) => return failed(physical_id, explain(&e)),
        };
        match self.aws.distributions.tags(&clone.arn).await {
            Ok(tags) if request.owns(&tags) => {}
            Ok(_) => {
                warn!(
                    distribution_id,
                    "continuation names a distribution this resource does not own; refusing"
                );
                return failed(
                    request.not_created_id(),
                    format!(
                        "continuation refused: {distribution_id} does not carry this resource's ownership tags"
                    ),
                );
            }
            Err(e) => return failed(physical_id, explain(&e)),
        }
        self.settle(request, &properties, clone).await
    }

    async fn finish(
        &self,
        request: &Request,
        properties: &Properties,
        clone: &Distribution,
    ) -> Outcome {
        let certificate = clone.certificate_arn().unwrap_or(NO_CERTIFICATE).to_owned();
        if let Some(outputs) = &properties.ssm {
            let values = [
                clone.id.as_str(),
                clone.domain_name.as_str(),
                properties.reference_distribution_id.as_str(),
                certificate.as_str(),
            ];
            // One region's parameters one after another (SSM's write quota is per region),
            // the regions at the same time.
            let written = futures_util::future::join_all(outputs.regions.iter().map(|region| {
                let values = &values;
                async move {
                    for (name, value) in outputs.names().iter().zip(values) {
                        self.aws
                            .parameters
                            .put(region, name, value)
                            .await
                            .map_err(|e| format!("writing {name} in {region}: {}", explain(&e)))?;
                    }
                    Ok::<(), String>(())
                }
            }))
            .await;
            let errors: Vec<String> = written.into_iter().filter_map(Result::err).collect();
            if !errors.is_empty() {
                return failed(
                    clone.id.clone(),
                    format!("SsmParameterPrefix: {}", errors.join("; ")),
                );
            }
            info!(prefix = %outputs.prefix, regions = ?outputs.regions, "wrote the SSM parameters");
        }
        // Parameters of the previous properties that the new ones no longer cover.
        if let Some(old) = request
            .old_properties
            .as_ref()
            .and_then(|old| properties::ssm_outputs_of(old, request.stack_region()))
        {
            let owner = request.physical_resource_id.as_deref().unwrap_or(&clone.id);
            for region in &old.regions {
                let still_used = properties
                    .ssm
                    .as_ref()
                    .is_some_and(|new| new.prefix == old.prefix && new.regions.contains(region));
                if !still_used
                    && let Err(e) = self
                        .remove_parameters(&old, region, &[owner, &clone.id])
                        .await
                {
                    return failed(
                        clone.id.clone(),
                        format!("removing the old SSM parameters: {}", explain(&e)),
                    );
                }
            }
        }
        Outcome::Success {
            physical_id: clone.id.clone(),
            data: BTreeMap::from([
                ("DistributionId".to_owned(), clone.id.clone()),
                ("DomainName".to_owned(), clone.domain_name.clone()),
                ("Arn".to_owned(), clone.arn.clone()),
                (
                    "CertificateArn".to_owned(),
                    clone.certificate_arn().unwrap_or_default().to_owned(),
                ),
                (
                    "ReferenceDistributionId".to_owned(),
                    properties.reference_distribution_id.clone(),
                ),
                (
                    "OriginAccessControlBuckets".to_owned(),
                    plan::origin_access_control_buckets(&clone.config).join(","),
                ),
            ]),
        }
    }

    /// Removes the parameters under `outputs.prefix` in `region`, but only when they
    /// describe one of `owners`: parameters another resource wrote are left alone.
    async fn remove_parameters(
        &self,
        outputs: &SsmOutputs,
        region: &str,
        owners: &[&str],
    ) -> Result<(), AwsError> {
        let names = outputs.names();
        match self.aws.parameters.get(region, &names[0]).await? {
            Some(id) if owners.contains(&id.as_str()) => {
                self.aws.parameters.delete(region, &names).await?;
                info!(prefix = %outputs.prefix, region, "removed the SSM parameters");
            }
            Some(other) => {
                warn!(prefix = %outputs.prefix, region, other, "the SSM parameters describe another distribution; left alone");
            }
            None => {}
        }
        Ok(())
    }

    // ----- Delete -----------------------------------------------------------------------

    async fn delete(&self, request: &Request) -> Outcome {
        let physical_id = request.physical_resource_id.clone().unwrap_or_default();
        let outputs = properties::ssm_outputs_of(&request.properties, request.stack_region());
        if physical_id.starts_with(NOT_CREATED_PREFIX) || physical_id.is_empty() {
            info!(
                physical_id,
                "nothing was created for this resource; nothing to delete"
            );
            return success(physical_id);
        }
        let reference = request
            .properties
            .get("ReferenceDistributionId")
            .and_then(Value::as_str);
        if reference == Some(physical_id.as_str()) {
            warn!(
                physical_id,
                "the physical id is the reference distribution; it is never touched"
            );
            return success(physical_id);
        }

        let mut owned_checked = false;
        let mut conflicts = 0;
        let mut not_disabled_waited = false;
        while conflicts < MAX_CONFLICT_RETRIES {
            let clone = match self.aws.distributions.get(&physical_id).await {
                Ok(d) => d,
                Err(e) if e.is(ErrorKind::NotFound) => {
                    return self.deleted(&physical_id, outputs.as_ref()).await;
                }
                Err(e) => return failed(physical_id, explain(&e)),
            };
            if !owned_checked {
                match self.aws.distributions.tags(&clone.arn).await {
                    Ok(tags) if request.owns(&tags) => owned_checked = true,
                    Ok(_) => {
                        warn!(
                            distribution_id = %physical_id,
                            "the distribution does not carry this resource's ownership tags ({OWNER_STACK_TAG}, {OWNER_LOGICAL_ID_TAG}); it was not created by this resource and is left untouched"
                        );
                        return success(physical_id);
                    }
                    Err(e) => return failed(physical_id, explain(&e)),
                }
            }
            let clone = if clone.config.enabled {
                let mut disabled = clone.config.clone();
                disabled.enabled = false;
                match self
                    .aws
                    .distributions
                    .update(&physical_id, disabled, &clone.etag)
                    .await
                {
                    Ok(d) => {
                        info!(distribution_id = %physical_id, "disabled the clone");
                        d
                    }
                    Err(e) if e.is(ErrorKind::PreconditionFailed) => {
                        conflicts += 1;
                        continue;
                    }
                    Err(e) if e.is(ErrorKind::NotFound) => {
                        return self.deleted(&physical_id, outputs.as_ref()).await;
                    }
                    Err(e) => return failed(physical_id, explain(&e)),
                }
            } else {
                clone
            };
            let ready = |d: &Distribution| !d.config.enabled && d.is_deployed();
            let clone = if ready(&clone) {
                clone
            } else {
                match self
                    .wait(&physical_id, "disabled and Deployed", ready)
                    .await
                {
                    Ok(WaitEnd::Ready(d)) => d,
                    Ok(WaitEnd::Gone) => return self.deleted(&physical_id, outputs.as_ref()).await,
                    Ok(WaitEnd::HandOff) => {
                        return Outcome::Continue {
                            phase: Phase::Delete,
                        };
                    }
                    Ok(WaitEnd::GaveUp(d)) => {
                        return failed(
                            physical_id.clone(),
                            format!(
                                "DeleteDistribution: {physical_id} is disabled but still {} after the resource's ServiceTimeout; delete it by hand once it is Deployed (aws cloudfront delete-distribution --id {physical_id} --if-match <ETag>), then retry the stack deletion",
                                d.status
                            ),
                        );
                    }
                    Err(e) => return failed(physical_id, explain(&e)),
                }
            };
            match self
                .aws
                .distributions
                .delete(&physical_id, &clone.etag)
                .await
            {
                Ok(()) => {
                    info!(distribution_id = %physical_id, "deleted the clone");
                    return self.deleted(&physical_id, outputs.as_ref()).await;
                }
                Err(e) if e.is(ErrorKind::NotFound) => {
                    return self.deleted(&physical_id, outputs.as_ref()).await;
                }
                Err(e) if e.is(ErrorKind::PreconditionFailed) => {
                    conflicts += 1;
                    warn!(distribution_id = %physical_id, error = %e, "the clone changed; reading it again");
                }
                Err(e) if e.is(ErrorKind::NotDisabled) => {
                    // CloudFront can refuse for a while after it reports the disabled
                    // clone Deployed: not ready yet, so wait a poll interval and retry.
                    warn!(distribution_id = %physical_id, error = %e, "CloudFront does not take the delete yet; waiting");
                    match self
                        .budget
                        .decide(self.aws.clock.now_ms(), not_disabled_waited)
                    {
                        WaitDecision::Poll(pause) => {
                            self.aws.clock.sleep(pause).await;
                            not_disabled_waited = true;
                        }
                        WaitDecision::HandOff => {
                            return Outcome::Continue {
                                phase: Phase::Delete,
                            };
                        }
                        WaitDecision::GiveUp => {
                            return failed(
                                physical_id.clone(),
                                format!(
                                    "DeleteDistribution: CloudFront still answered DistributionNotDisabled for the disabled, Deployed {physical_id} when the resource's ServiceTimeout ran out; delete it by hand (aws cloudfront delete-distribution --id {physical_id} --if-match <ETag>), then retry the stack deletion"
                                ),
                            );
                        }
                    }
                }
                Err(e) => return failed(physical_id, explain(&e)),
            }
        }
        failed(
            physical_id.clone(),
            format!(
                "DeleteDistribution: {physical_id} kept changing during deletion ({MAX_CONFLICT_RETRIES} conflicts in a row); retry the stack deletion"
            ),
        )
    }

    /// The clone is gone: remove its SSM parameters and answer.
    async fn deleted(&self, id: &str, outputs: Option<&SsmOutputs>) -> Outcome {
        if let Some(outputs) = outputs {
            for region in &outputs.regions {
                if let Err(e) = self.remove_parameters(outputs, region, &[id]).await {
                    return failed(
                        id.to_owned(),
                        format!(
                            "the clone is deleted, but removing its SSM parameters failed: {}",
                            explain(&e)
                        ),
                    );
                }
            }
        }
        success(id.to_owned())
    }

    /// Polls `id` every poll interval until `ready`, or until this invocation must hand
    /// off, or the operation's time is up.
    async fn wait(
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
                elapsed_s = secs(self.budget.elapsed(now)),
                left_s = secs(self.budget.left(now)),
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

fn success(physical_id: String) -> Outcome {
    Outcome::Success {
        physical_id,
        data: BTreeMap::new(),
    }
}

fn failed(physical_id: String, reason: String) -> Outcome {
    warn!(physical_id, reason, "answering FAILED");
    Outcome::Failed {
        physical_id,
        reason,
    }
}

/// What a plan is made from besides the properties: the reference's configuration and the
/// certificate (none when there are no aliases).
struct PlanInputs {
    reference: aws_sdk_cloudfront::types::DistributionConfig,
    certificate: Option<String>,
}

impl PlanInputs {
    fn plan(
        &self,
        properties: &Properties,
        caller_reference: &str,
    ) -> Result<aws_sdk_cloudfront::types::DistributionConfig, String> {
        plan::plan(
            &properties.reference_distribution_id,
            &self.reference,
            properties,
            self.certificate.as_deref(),
            caller_reference,
        )
        .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests;
