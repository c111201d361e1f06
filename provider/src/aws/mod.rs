//! The narrow seams to AWS: small traits that speak the project's own types, with real
//! implementations on the AWS SDK (one module per service: [`cloudfront`], [`acm`],
//! [`ssm`], [`lambda`], [`cloudformation`], sharing [`client`] and [`tls`]) and in-memory fakes for the unit
//! tests. A new AWS call is a method on one of these traits, its SDK body in the service's
//! module and its fake in `fake`.

use crate::certificate_request::{Record, Request as CertificateRequest, Validation};
use crate::certificates::Certificate;
use async_trait::async_trait;
use aws_sdk_cloudformation::types::StackStatus;
use aws_sdk_cloudfront::types::DistributionConfig;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub mod acm;
pub mod client;
pub mod cloudformation;
pub mod cloudfront;
pub mod lambda;
pub mod memo;
pub mod paced;
pub mod route53;
pub mod ssm;
pub mod tls;
mod unknown;

#[cfg(test)]
pub(crate) mod fake;

pub use acm::SdkCertificates;
pub use cloudformation::SdkStacks;
pub use cloudfront::SdkDistributions;
pub use lambda::SdkSelfInvoke;
pub use memo::Memo;
pub use paced::{Pace, Paced};
pub use route53::SdkZones;
pub use ssm::SdkParameters;

/// One CloudFront distribution as read back from the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    pub id: String,
    pub arn: String,
    pub domain_name: String,
    /// `InProgress` or `Deployed`.
    pub status: String,
    pub etag: String,
    pub config: DistributionConfig,
    /// Members of the configuration this build's CloudFront model does not know, as
    /// [`crate::members::unknown`] names them: `config` lacks them, so a write built from
    /// it would drop them.
    pub unknown: Vec<String>,
}

/// A configuration as `GetDistributionConfig` answers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Configured {
    pub config: DistributionConfig,
    pub etag: String,
    /// Members this build's CloudFront model does not know (see [`Distribution::unknown`]).
    pub unknown: Vec<String>,
}

impl Distribution {
    pub fn is_deployed(&self) -> bool {
        self.status == "Deployed"
    }

    /// The ACM certificate the distribution serves, if any.
    pub fn certificate_arn(&self) -> Option<&str> {
        self.config
            .viewer_certificate
            .as_ref()
            .and_then(|v| v.acm_certificate_arn.as_deref())
    }
}

/// One distribution of the account, as `ListDistributions` summarises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub arn: String,
    pub aliases: Vec<String>,
}

/// An alias another distribution or distribution tenant holds, as `ListDomainConflicts`
/// (or the older `ListConflictingAliases`, which knows standard distributions only)
/// answers it: the resource's id partially hidden (and, from `ListConflictingAliases`,
/// the account's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub alias: String,
    /// The distribution's id, or the distribution tenant's when `tenant`.
    pub id: String,
    pub account_id: String,
    /// A distribution tenant (of a multi-tenant distribution) holds it: `ResourceType`
    /// `distribution-tenant`.
    pub tenant: bool,
}

/// A certificate as DescribeCertificate tells its validation and its use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    pub arn: String,
    pub status: crate::certificates::CertificateStatus,
    pub failure_reason: Option<String>,
    pub validations: Vec<Validation>,
    /// The ARNs of the resources (distributions) that use it.
    pub in_use_by: Vec<String>,
}

/// A Route 53 hosted zone as `GetHostedZone` answers it: its domain name and whether it
/// is private (`HostedZone.Config.PrivateZone`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedZone {
    pub name: String,
    pub private: bool,
}

/// What kind of failure an AWS call met, as far as the lifecycle cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    PreconditionFailed,
    AlreadyExists,
    NotDisabled,
    CnameAlreadyExists,
    /// Something the request refers to is not visible to CloudFront yet (a certificate
    /// made moments ago): `InvalidViewerCertificate`, `IllegalUpdate`.
    NotYetConsistent,
    /// A certificate still used by a distribution (`ResourceInUseException`).
    InUse,
    /// An account quota is reached (ACM's `LimitExceededException`).
    Quota,
    Throttled,
    AccessDenied,
    /// A timeout, a connection failure or a response that could not be read.
    Transport,
    Other,
}

/// A failed AWS call: the operation, what kind of failure and AWS's own message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    pub operation: &'static str,
    pub kind: ErrorKind,
    pub code: Option<String>,
    pub message: String,
}

impl AwsError {
    pub fn new(operation: &'static str, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            operation,
            kind,
            code: None,
            message: message.into(),
        }
    }

    pub fn is(&self, kind: ErrorKind) -> bool {
        self.kind == kind
    }

    /// Maps an error code of any AWS service to the kinds the lifecycle acts on.
    pub fn kind_of_code(code: &str) -> ErrorKind {
        match code {
            "NoSuchDistribution"
            | "ResourceNotFoundException"
            | "ParameterNotFound"
            | "NoSuchResource"
            | "NoSuchHostedZone" => ErrorKind::NotFound,
            "PreconditionFailed" | "InvalidIfMatchVersion" => ErrorKind::PreconditionFailed,
            "DistributionAlreadyExists" => ErrorKind::AlreadyExists,
            "DistributionNotDisabled" => ErrorKind::NotDisabled,
            "CNAMEAlreadyExists" => ErrorKind::CnameAlreadyExists,
            "InvalidViewerCertificate" | "IllegalUpdate" => ErrorKind::NotYetConsistent,
            "ResourceInUseException" => ErrorKind::InUse,
            "LimitExceededException" => ErrorKind::Quota,
            "Throttling"
            | "ThrottlingException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded" => ErrorKind::Throttled,
            "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => {
                ErrorKind::AccessDenied
            }
            _ => ErrorKind::Other,
        }
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed", self.operation)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        write!(f, ": {}", self.message)?;
        match self.kind {
            ErrorKind::AccessDenied => write!(
                f,
                "; grant this permission to the provider's role (or, for the cfclone CLI, to your own credentials): see the IAM page, docs/iam.md"
            ),
            ErrorKind::Throttled => write!(
                f,
                "; CloudFront throttles control-plane calls and the retries ran out: retry the stack operation (or the cfclone command) in a few minutes"
            ),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for AwsError {}

/// CloudFront distributions.
#[async_trait]
pub trait Distributions: Send + Sync {
    /// `GetDistributionConfig`: the configuration, its ETag and what it holds that this
    /// build does not know.
    async fn get_config(&self, id: &str) -> Result<Configured, AwsError>;
    /// `GetDistribution`: status, domain name, ARN, configuration and ETag.
    async fn get(&self, id: &str) -> Result<Distribution, AwsError>;
    /// `CreateDistributionWithTags`.
    async fn create(
        &self,
        config: DistributionConfig,
        tags: Vec<(String, String)>,
    ) -> Result<Distribution, AwsError>;
    /// `UpdateDistribution` with `IfMatch`.
    async fn update(
        &self,
        id: &str,
        config: DistributionConfig,
        if_match: &str,
    ) -> Result<Distribution, AwsError>;
    /// `DeleteDistribution` with `IfMatch`.
    async fn delete(&self, id: &str, if_match: &str) -> Result<(), AwsError>;
    /// `ListDistributions`, every page: the account's distributions.
    async fn list(&self) -> Result<Vec<Listed>, AwsError>;
    /// `ListConflictingAliases`, every page: the aliases of any account's distributions that
    /// conflict with `alias`, asked through `distribution` (one of this account's, whose
    /// certificate covers the alias).
    async fn conflicting_aliases(
        &self,
        distribution: &str,
        alias: &str,
    ) -> Result<Vec<Conflict>, AwsError>;
    /// `ListDomainConflicts`, every page: the domains of any account's distributions and
    /// distribution tenants that conflict with `domain`, asked through `distribution` (its
    /// `DomainControlValidationResource`: one of this account's, whose certificate covers
    /// the domain).
    async fn domain_conflicts(
        &self,
        distribution: &str,
        domain: &str,
    ) -> Result<Vec<Conflict>, AwsError>;
    /// `ListTagsForResource`.
    async fn tags(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError>;
    /// `TagResource`: adds these tags, or changes their values.
    async fn tag(&self, arn: &str, tags: Vec<(String, String)>) -> Result<(), AwsError>;
    /// `UntagResource`: removes the tags with these keys.
    async fn untag(&self, arn: &str, keys: Vec<String>) -> Result<(), AwsError>;
}

/// ACM certificates in us-east-1.
#[async_trait]
pub trait Certificates: Send + Sync {
    /// Every ISSUED certificate of a key type CloudFront accepts (all pages).
    async fn list(&self) -> Result<Vec<Certificate>, AwsError>;
    /// Every certificate, whatever its status and key type (all pages): the candidates an
    /// operator is shown, with why each is not usable.
    async fn list_all(&self) -> Result<Vec<Certificate>, AwsError>;
    /// One certificate with all its subject alternative names.
    async fn describe(&self, arn: &str) -> Result<Certificate, AwsError>;
    /// `RequestCertificate` with DNS validation and these tags: the certificate's ARN (the
    /// same one again for the same idempotency token within the hour).
    async fn request(
        &self,
        request: &CertificateRequest,
        tags: Vec<(String, String)>,
    ) -> Result<String, AwsError>;
    /// `DescribeCertificate`, for its validation and its use.
    async fn requested(&self, arn: &str) -> Result<Requested, AwsError>;
    /// `ListTagsForCertificate`.
    async fn certificate_tags(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError>;
    /// `DeleteCertificate`.
    async fn delete_certificate(&self, arn: &str) -> Result<(), AwsError>;
}

/// Route 53 hosted zones, for the validation records of the certificates the provider
/// requests.
#[async_trait]
pub trait Zones: Send + Sync {
    /// `GetHostedZone`: the zone's domain name and whether it is private.
    async fn zone(&self, id: &str) -> Result<HostedZone, AwsError>;
    /// `ChangeResourceRecordSets`: these CNAMEs upserted in one batch. Validation records
    /// are never deleted: ACM gives every certificate of the account for a name the same one.
    async fn upsert(&self, zone_id: &str, records: &[Record]) -> Result<(), AwsError>;
}

/// SSM parameters, in any region.
#[async_trait]
pub trait Parameters: Send + Sync {
    async fn put(&self, region: &str, name: &str, value: &str) -> Result<(), AwsError>;
    async fn get(&self, region: &str, name: &str) -> Result<Option<String>, AwsError>;
    async fn delete(&self, region: &str, names: &[String]) -> Result<(), AwsError>;
    /// `GetParametersByPath` (not recursive), every page: the name and value of each
    /// parameter directly under `path` (cfclone's index of its clones, the records).
    async fn under(&self, region: &str, path: &str) -> Result<Vec<(String, String)>, AwsError>;
}

/// An asynchronous invocation of the provider's own function (continuations).
#[async_trait]
pub trait SelfInvoke: Send + Sync {
    /// Invokes `function` (the ARN the current event came through, version or alias
    /// included, so the continuation runs the same code) with `InvocationType=Event`.
    async fn invoke_async(&self, function: &str, payload: Vec<u8>) -> Result<(), AwsError>;
}

/// CloudFormation stacks: what a custom resource's event does not say about its stack.
#[async_trait]
pub trait Stacks: Send + Sync {
    /// `DescribeStacks` of `stack_id` (the stack's ARN, in its own region): its
    /// `StackStatus` (`ROLLBACK_IN_PROGRESS`, `UPDATE_COMPLETE`, …).
    async fn status(&self, stack_id: &str) -> Result<StackStatus, AwsError>;
}

/// Time, so that waits can be tested without waiting.
#[async_trait]
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    async fn sleep(&self, duration: Duration) -> ();
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[async_trait]
impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// An error and its sources, joined by `: `: the whole reason in one line (a TLS failure
/// hides two levels below "error sending request").
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        let next = e.to_string();
        if !next.is_empty() && !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = e.source();
    }
    text
}

/// Everything the core talks to: one shared trait object per service. Trait objects rather
/// than one type parameter per service: the fronts multiply, and each would carry the
/// parameters and their bounds; a virtual call and a boxed future cost nanoseconds beside
/// the round trip to AWS they stand for. Cloning the bundle clones handles, not clients.
#[derive(Clone)]
pub struct Adapters {
    pub distributions: Arc<dyn Distributions>,
    pub certificates: Arc<dyn Certificates>,
    /// Route 53, for the validation records of the certificates the provider requests.
    pub zones: Arc<dyn Zones>,
    pub parameters: Arc<dyn Parameters>,
    pub clock: Arc<dyn Clock>,
    /// Asked only by a Delete with `DeletionMode: Disable` (is the stack rolling back?).
    pub stacks: Arc<dyn Stacks>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_of_every_service_map_to_the_kinds_the_lifecycle_acts_on() {
        let cases = [
            ("NoSuchDistribution", ErrorKind::NotFound),
            ("ParameterNotFound", ErrorKind::NotFound),
            ("ResourceNotFoundException", ErrorKind::NotFound),
            ("NoSuchHostedZone", ErrorKind::NotFound),
            ("ResourceInUseException", ErrorKind::InUse),
            ("LimitExceededException", ErrorKind::Quota),
            ("PreconditionFailed", ErrorKind::PreconditionFailed),
            ("InvalidIfMatchVersion", ErrorKind::PreconditionFailed),
            ("DistributionAlreadyExists", ErrorKind::AlreadyExists),
            ("DistributionNotDisabled", ErrorKind::NotDisabled),
            ("CNAMEAlreadyExists", ErrorKind::CnameAlreadyExists),
            ("InvalidViewerCertificate", ErrorKind::NotYetConsistent),
            ("IllegalUpdate", ErrorKind::NotYetConsistent),
            ("Throttling", ErrorKind::Throttled),
            ("ThrottlingException", ErrorKind::Throttled),
            ("AccessDenied", ErrorKind::AccessDenied),
            ("AccessDeniedException", ErrorKind::AccessDenied),
            ("InvalidArgument", ErrorKind::Other),
        ];
        for (code, kind) in cases {
            assert_eq!(AwsError::kind_of_code(code), kind, "{code}");
        }
    }

    #[test]
    fn an_error_names_the_operation_and_the_way_out() {
        let mut e = AwsError::new(
            "UpdateDistribution",
            ErrorKind::AccessDenied,
            "not authorized",
        );
        e.code = Some("AccessDenied".into());
        let text = e.to_string();
        assert!(
            text.starts_with("UpdateDistribution failed (AccessDenied): not authorized"),
            "{text}"
        );
        assert!(text.contains("IAM"), "{text}");
    }
}
