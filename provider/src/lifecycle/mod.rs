//! The operations — plan, Create, Update, Delete — as functions of a request and the
//! adapters; any front calls them. No response is sent from here: each operation ends in an
//! [`Outcome`], which is either the answer ([`Answer`]) or the phase to continue with in a
//! fresh invocation.
//!
//! - [`inputs`]: what a plan reads (the reference, the certificate); `plan` itself.
//! - [`create`]: plan, create (or adopt a redelivered Create's clone), then settle.
//! - [`update`]: plan against the clone's own configuration, update in place, tags.
//! - [`delete`]: disable, wait, delete, remove the SSM parameters.
//! - [`wait`]: waiting for CloudFront, and settling a clone (wait, then [`ssm`]).
//! - [`ssm`]: the SSM parameters and the attributes of the answer.

use crate::aws::{Adapters, AwsError, ErrorKind};
use crate::error::{Error, Failure};
use crate::event::{Phase, Request, RequestType};
use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;
use tracing::warn;

mod budget;
mod certificate;
mod create;
mod delete;
mod fleet;
mod inputs;
pub(crate) mod preflight;
mod record;
mod ssm;
mod update;
mod wait;

pub use crate::event::Owner;
pub use budget::{Budget, MIN_SLEEP, POLL_ALLOWANCE, WaitDecision, reserve};
pub use fleet::{CloneState, SyncDecision};
pub use inputs::PlanInputs;
pub use preflight::{Listing, Preflight};

/// How often a conflicting concurrent change (`PreconditionFailed`) is retried.
pub const MAX_CONFLICT_RETRIES: usize = 5;
/// How long answers that a new certificate or resource is not visible yet
/// (`InvalidViewerCertificate`, `IllegalUpdate`) are retried on Create and Update.
pub const CONSISTENCY_WINDOW: Duration = Duration::from_secs(60);
/// Written to `{prefix}/certificate-arn` when the clone has no aliases (SSM refuses
/// empty values).
pub const NO_CERTIFICATE: &str = "none";

/// The final answer for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Success {
        physical_id: String,
        /// The attributes `Fn::GetAtt` reads.
        data: BTreeMap<String, String>,
    },
    Failed(Failure),
}

impl Answer {
    pub fn physical_id(&self) -> &str {
        match self {
            Self::Success { physical_id, .. } => physical_id,
            Self::Failed(failure) => &failure.physical_id,
        }
    }

    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success { .. })
    }
}

/// How an invocation's work ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Done(Answer),
    /// Not done: hand the request on to a fresh invocation, to go on with this phase.
    Continue {
        phase: Phase,
    },
}

/// The lifecycle, over any adapters.
pub struct Lifecycle<'a> {
    pub aws: &'a Adapters,
    pub budget: Budget,
}

impl Lifecycle<'_> {
    /// Runs (or, with `resume`, continues) one request.
    pub async fn run(&self, request: &Request, resume: Option<&Phase>) -> Outcome {
        match (request.request_type, resume) {
            (RequestType::Delete, _) => self.delete(request).await,
            (_, Some(Phase::AwaitDeployment { distribution_id })) => {
                self.resume_wait(request, distribution_id).await
            }
            (_, Some(Phase::AwaitCertificate { certificate_arn })) => {
                let known = Some(certificate_arn.as_str());
                match request.request_type {
                    RequestType::Update => self.update(request, known).await,
                    _ => self.create(request, known).await,
                }
            }
            (RequestType::Create, _) => self.create(request, None).await,
            (RequestType::Update, _) => self.update(request, None).await,
        }
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
}

/// What the provider tags what it makes with: the resource's ownership tags (and, for the
/// REST API's clones, the request's fingerprint), then `Tags`.
fn owned_tags(
    request: &Request,
    properties: &crate::properties::Properties,
) -> Vec<(String, String)> {
    let fingerprint = request.is_api_owned().then(|| {
        (
            crate::event::FINGERPRINT_TAG.to_owned(),
            request.fingerprint(),
        )
    });
    request
        .ownership_tags()
        .into_iter()
        .chain(fingerprint)
        .chain(
            properties
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone())),
        )
        .collect()
}

/// The physical id of a request that has one and is not the mark of a Create that made
/// nothing.
fn existing_clone(request: &Request) -> Option<&str> {
    request
        .physical_resource_id
        .as_deref()
        .filter(|id| !id.is_empty() && !id.starts_with(crate::event::NOT_CREATED_PREFIX))
}

fn success(physical_id: String) -> Outcome {
    Outcome::Done(Answer::Success {
        physical_id,
        data: BTreeMap::new(),
    })
}

/// A failed operation (the handler logs the reason as it answers).
fn failed(physical_id: impl Into<String>, error: impl Into<Error>) -> Outcome {
    Outcome::Done(Answer::Failed(Failure::new(physical_id, error)))
}

#[cfg(test)]
mod tests;
