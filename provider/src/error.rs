//! Why an operation failed, typed until the answer is written. [`Error::reason`] is the
//! one place a property or operation name is put in front of a message, and where an AWS
//! failure becomes a reason with the way out, where we know it.

use crate::aws::{AwsError, ErrorKind};
use crate::certificates::NoCertificate;
use crate::event::RequestType;
use crate::plan::PlanError;
use crate::properties::PropertyError;

/// What went wrong, by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A property value that cannot be used, or what AWS answered about one.
    Property(PropertyError),
    /// The reference cannot be cloned with these properties.
    Plan(PlanError),
    /// No usable certificate covers every alias.
    Certificate(NoCertificate),
    /// An AWS call failed.
    Aws(AwsError),
    /// `CreateDistributionWithTags` or `UpdateDistribution` failed; `needs` are the
    /// permissions the configuration needs beyond CloudFront's own (see
    /// [`crate::permissions::needed`]), named when the call was refused.
    Write { error: AwsError, needs: Vec<String> },
    /// The distribution named does not exist in this account.
    NoDistribution { operation: &'static str, id: String },
    /// An operation ran into a state it cannot finish from; the message says the way out.
    Stuck {
        operation: &'static str,
        message: String,
    },
    /// The SSM parameters could not be written: each failed put.
    SsmWrites(Vec<SsmWrite>),
    /// The clone's record (an SSM parameter in us-east-1) could not be written or read.
    Record { name: String, error: AwsError },
    /// A clean-up after the main work failed (`what` says which).
    Cleanup { what: &'static str, error: AwsError },
    /// Another distribution already has this request's `CallerReference`.
    NotAdoptable(AwsError),
    /// A distribution this resource does not own was named (a forged continuation, a
    /// CallerReference held by another's distribution); it was left untouched.
    NotOwned(String),
    /// The provider could not hand the wait on to a fresh invocation of `function`.
    HandOff { error: AwsError, function: String },
    /// The chain of continuations grew longer than it ever should.
    TooManyHandOffs(u32),
    /// The operation did not finish before the invocation's deadline.
    Deadline(RequestType),
    /// The provider panicked: a bug.
    Panicked(String),
    /// The payload is not a CloudFormation custom resource request.
    NotARequest,
    /// An `Idempotency-Key` that already made clone `id` came again with another body.
    KeyReused { id: String },
    /// Distribution `id` has no ownership tags: cfclone did not make it.
    NotAClone { id: String },
    /// Clone `id` belongs to another owner than the one asking (a stack's clone, asked
    /// about through the API).
    OwnedElsewhere {
        id: String,
        stack_id: String,
        logical_id: String,
    },
    /// The reference (or the clone an update would rewrite) sets configuration members
    /// this build's CloudFront model does not know: the write would lose them.
    UnknownMembers {
        distribution_id: String,
        reference: bool,
        members: Vec<String>,
    },
}

/// One SSM parameter that could not be written.
#[derive(Debug, Clone, PartialEq)]
pub struct SsmWrite {
    pub name: String,
    pub region: String,
    pub error: AwsError,
}

/// A failed operation and the physical id to answer it with: the clone's, once one
/// exists, so that CloudFormation's rollback deletes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub physical_id: String,
    pub error: Error,
}

impl Failure {
    pub fn new(physical_id: impl Into<String>, error: impl Into<Error>) -> Self {
        Self {
            physical_id: physical_id.into(),
            error: error.into(),
        }
    }

    /// The reason CloudFormation shows.
    pub fn reason(&self) -> String {
        self.error.reason()
    }
}

impl Error {
    /// A property value that cannot be used, as a failure.
    pub fn property(property: &str, message: impl Into<String>) -> Self {
        Self::Property(PropertyError::new(property, message))
    }

    /// A failed `CreateDistributionWithTags`/`UpdateDistribution` of `config`, with the
    /// permissions that configuration needs beyond CloudFront's own.
    pub fn write(error: AwsError, config: &aws_sdk_cloudfront::types::DistributionConfig) -> Self {
        Self::Write {
            error,
            needs: crate::permissions::needed(config),
        }
    }

    /// The reason CloudFormation shows: the property or the operation at fault, what
    /// happened, and the way out.
    pub fn reason(&self) -> String {
        match self {
            Self::Property(e) => format!("{}: {}", e.property, e.message),
            Self::Plan(e) => format!("{}: {e}", e.property()),
            Self::Certificate(e) => format!("Aliases: {e}"),
            Self::Aws(e) => explain(e),
            Self::Write { error, needs } if error.is(ErrorKind::AccessDenied) && !needs.is_empty() => {
                format!(
                    "{} failed ({}): {}; this reference needs {} — grant it to the provider's role (see docs/iam.md, What a reference may need besides)",
                    error.operation,
                    error.code.as_deref().unwrap_or("AccessDenied"),
                    error.message,
                    needs.join("; and ")
                )
            }
            Self::Write { error, .. } => explain(error),
            Self::NoDistribution { operation, id } => {
                format!("{operation}: there is no distribution {id} in this account")
            }
            Self::Stuck { operation, message } => format!("{operation}: {message}"),
            Self::SsmWrites(writes) => format!(
                "SsmParameterPrefix: {}",
                writes
                    .iter()
                    .map(|w| format!("writing {} in {}: {}", w.name, w.region, explain(&w.error)))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Self::Record { name, error } => record_failure(name, error),
            Self::Cleanup { what, error } => format!("{what}: {}", explain(error)),
            Self::NotAdoptable(error) => format!(
                "{error}; the existing distribution's id was not given, so it cannot be adopted"
            ),
            Self::NotOwned(message) => message.clone(),
            Self::HandOff { error, function } => format!(
                "could not hand the wait on to a fresh invocation ({error}); the provider needs lambda:InvokeFunction on {function} (the ARN it was invoked through)"
            ),
            Self::TooManyHandOffs(limit) => {
                format!("gave up after {limit} hand-offs to fresh invocations")
            }
            Self::Deadline(request_type) => format!(
                "the {request_type:?} did not finish before the Lambda invocation's deadline (an AWS call did not answer in time); retry the stack operation, and raise the function's timeout if this repeats"
            ),
            Self::Panicked(detail) => format!(
                "the provider failed unexpectedly ({detail}); this is a bug in cfclone — retry, and report it with the function's logs"
            ),
            Self::NotAClone { id } => {
                format!("{id} is not a clone cfclone made, and cfclone leaves it alone")
            }
            Self::OwnedElsewhere {
                id,
                stack_id,
                logical_id,
            } => format!(
                "{id} belongs to {stack_id} ({logical_id}): the API changes and deletes only the clones it made; use its stack"
            ),
            Self::KeyReused { id } => format!(
                "Idempotency-Key: this key already made {id} from another request body; send that body again to get {id}, or use a new key for another clone"
            ),
            Self::UnknownMembers {
                distribution_id,
                reference: true,
                members,
            } => format!(
                "ReferenceDistributionId: the reference {distribution_id} sets configuration members this cfclone does not know ({}): CloudFront added them after this build, and a clone written from what this build reads would silently lack them; upgrade cfclone to a release whose AWS SDK knows them",
                members.join(", ")
            ),
            Self::UnknownMembers {
                distribution_id,
                reference: false,
                members,
            } => format!(
                "UpdateDistribution: the clone {distribution_id} sets configuration members this cfclone does not know ({}): UpdateDistribution replaces the whole configuration, so this update would wipe them; upgrade cfclone to a release whose AWS SDK knows them",
                members.join(", ")
            ),
            Self::NotARequest => "the event is not a valid CloudFormation custom resource request (RequestType Create, Update or Delete with RequestId, StackId, LogicalResourceId and ResourceProperties)".into(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason())
    }
}

impl std::error::Error for Error {}

impl From<PropertyError> for Error {
    fn from(e: PropertyError) -> Self {
        Self::Property(e)
    }
}

impl From<PlanError> for Error {
    fn from(e: PlanError) -> Self {
        Self::Plan(e)
    }
}

impl From<NoCertificate> for Error {
    fn from(e: NoCertificate) -> Self {
        Self::Certificate(e)
    }
}

impl From<AwsError> for Error {
    fn from(e: AwsError) -> Self {
        Self::Aws(e)
    }
}

/// What a panic said, from its payload.
pub fn panic_detail(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// A failure to keep, read or remove what cfclone keeps beside what it made — a clone's
/// record, the records of them all (`GetParametersByPath`), a certificate ledger — and, when
/// it was denied, the permission on that very parameter (or path).
fn record_failure(name: &str, error: &AwsError) -> String {
    let what = if name.starts_with(crate::certificate_request::LEDGER_PREFIX) {
        "the certificate ledger"
    } else if error.operation == "GetParametersByPath" {
        "the clones' records"
    } else {
        "the clone's record"
    };
    let doing = match error.operation {
        "PutParameter" => "keeping",
        "DeleteParameters" => "removing",
        _ => "reading",
    };
    let mut text = format!("{doing} {what} {name} (us-east-1): {}", explain(error));
    if error.is(ErrorKind::AccessDenied) {
        text.push_str(&format!(
            "; the caller (the provider's role, or the CLI's credentials) needs ssm:{} on arn:aws:ssm:us-east-1:ACCOUNT:parameter{}",
            error.operation,
            name.trim_end_matches('/')
        ));
    }
    text
}

/// An AWS failure as a reason, with the way out where we know it.
fn explain(error: &AwsError) -> String {
    let alias_error =
        error.is(ErrorKind::CnameAlreadyExists) || error.code.as_deref() == Some("InvalidArgument");
    match error.kind {
        // CloudFront answers this one as CNAMEAlreadyExists (409) in captured responses;
        // its documentation names only the message. Read the message either way.
        _ if alias_error && is_dns_conflict(&error.message) => format!(
            "Aliases: {error}; the alias's DNS record points at another CloudFront distribution — point the record at this clone first, or move the alias with CloudFront's domain move (aws cloudfront associate-alias, which needs a TXT record _<alias> pointing at the clone's domain name)"
        ),
        ErrorKind::CnameAlreadyExists => format!(
            "Aliases: {error}; another distribution already uses one of these aliases — remove it there or choose another alias"
        ),
        _ => error.to_string(),
    }
}

/// CloudFront's `InvalidArgument` for an alias whose DNS already points at another
/// distribution ("…includes an incorrectly configured DNS record that points to another
/// CloudFront distribution").
fn is_dns_conflict(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("dns record") && m.contains("another cloudfront distribution")
}

#[cfg(test)]
mod tests;
