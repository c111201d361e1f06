//! A clone made through the API (`POST /clones`, the article's `clone_distribution`): the
//! same Create a CloudFormation resource runs, owned by the API. The request becomes a
//! Create request whose "stack" is the API's function (the ownership tag
//! `cfclone:stack-id`), whose logical id and request id are the `Idempotency-Key` (so a
//! retried request makes the same `CallerReference` and gets the same clone back) or
//! API Gateway's request id; then the lifecycle runs it as it runs a stack's. The clone
//! carries the request's fingerprint (`cfclone:request-fingerprint`, a digest of its
//! properties), so that the same key with another body is a 422, not the first clone.

use super::{Context, Problem};
use crate::error::Error;
use crate::event::{NOT_CREATED_PREFIX, Owner, Request, RequestType};
use crate::guard::Interrupted;
use crate::lifecycle::{Answer, Outcome};
use crate::runner::{Invocation, Runner};
use serde_json::{Value, json};
use std::time::Duration;

/// API Gateway ends an integration after 29 seconds: the Create answers well before.
pub const API_BUDGET: Duration = Duration::from_secs(25);

/// The clone, once made.
#[derive(Debug, Clone, PartialEq)]
pub struct Made {
    pub distribution_id: String,
    pub domain_name: String,
    /// The Create handed a wait on (it answers before the clone is deployed).
    pub in_progress: bool,
}

/// Makes the clone `properties` (a JSON object of the resource's properties) declare.
pub async fn create(
    runner: &Runner,
    (context, invocation): (&Context, &Invocation),
    properties: Value,
    key: &str,
) -> Result<Made, Problem> {
    let Value::Object(mut properties) = properties else {
        return Err(Problem::bad_request("the body must be a JSON object of the resource's properties (ReferenceDistributionId, Aliases, …)".into(),
        ));
    };
    for (property, value) in &properties {
        refuse_waits(property, value)?;
    }
    // CloudFront holds 50 tags: the API's clones carry three of the provider's.
    if let Some(Value::Array(tags)) = properties.get("Tags")
        && tags.len() > 47
    {
        return Err(Problem::property(
            "Tags",
            format!(
                "{} tags given; at most 47 fit next to the three the API's clones carry (ownership and the request's fingerprint)",
                tags.len()
            ),
        ));
    }
    properties.insert("ServiceToken".into(), json!(context.owner));
    let owner = Owner {
        stack_id: context.owner.clone(),
        logical_id: key.to_owned(),
    };
    let request = owner.request(
        RequestType::Create,
        None,
        key,
        Value::Object(properties),
        None,
    );
    run(runner, &request, invocation).await
}

/// The properties of a PATCH: `changes` over the `recorded` ones (`null` removes one).
/// The reference cannot change (that would be another clone), nor the waits the API
/// cannot hold.
pub fn merge(recorded: &Value, changes: &Value) -> Result<Value, Problem> {
    let mut merged = recorded.as_object().cloned().unwrap_or_default();
    for (key, value) in changes.as_object().into_iter().flatten() {
        if key == "ReferenceDistributionId" && Some(value) != merged.get(key) {
            return Err(Problem::property(
                key,
                "a clone of another reference is another clone; make it with POST /clones",
            ));
        }
        refuse_waits(key, value)?;
        if value.is_null() {
            merged.remove(key);
        } else {
            merged.insert(key.clone(), value.clone());
        }
    }
    Ok(Value::Object(merged))
}

/// Runs a Create or Update request within the API's budget.
pub async fn run(
    runner: &Runner,
    request: &Request,
    invocation: &Invocation,
) -> Result<Made, Problem> {
    if let Err(e) = &request.properties.checked {
        return Err(Problem::from_error(&Error::Property(e.clone())));
    }
    match runner.one_leg(request, invocation, API_BUDGET).await {
        Outcome::Done(Answer::Success { physical_id, data }) => Ok(Made {
            domain_name: data.get("DomainName").cloned().unwrap_or_default(),
            distribution_id: physical_id,
            in_progress: false,
        }),
        Outcome::Done(Answer::Failed(failure)) => {
            // As API Gateway would answer a request past its time.
            let interrupted = match &failure.error {
                Error::Deadline(_) => Some(Interrupted::Deadline),
                Error::Panicked(detail) => Some(Interrupted::Panicked(detail.clone())),
                _ => None,
            };
            if let Some(interrupted) = interrupted {
                return Err(Problem::interrupted(&interrupted));
            }
            let mut problem = Problem::from_error(&failure.error);
            if !failure.physical_id.starts_with(NOT_CREATED_PREFIX) {
                problem.distribution_id = Some(failure.physical_id);
            }
            Err(problem)
        }
        Outcome::Continue { phase } => Ok(Made {
            distribution_id: phase.distribution().unwrap_or_default().to_owned(),
            domain_name: String::new(),
            in_progress: true,
        }),
    }
}

/// Waits the API cannot hold a request open for: poll GET /clones/{id} instead.
fn refuse_waits(property: &str, value: &Value) -> Result<(), Problem> {
    let why = match property {
        "WaitForDeployment" => {
            "the API answers as soon as the clone exists; poll GET /clones/{id} until its status is Deployed"
        }
        "CertificateValidation" => {
            "requesting a certificate takes minutes of DNS validation, longer than an API request; request it in a stack, or give CertificateArn"
        }
        "ServiceToken" => "the API is the service: leave it out",
        _ => return Ok(()),
    };
    if *value == json!(false) || *value == json!("false") || value.is_null() {
        return Ok(());
    }
    Err(Problem::property(property, why))
}
