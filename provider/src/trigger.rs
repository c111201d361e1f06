//! The automatic sync's trigger: an edit of a reference, as EventBridge delivers CloudTrail's
//! record of the `UpdateDistribution` call (`detail-type` "AWS API Call via CloudTrail"), or
//! an explicit `{"cfcloneSync": {"referenceDistributionId": "E…"}}` (for `aws lambda
//! invoke`). Anything else is not a trigger, and the handler reads it as a CloudFormation
//! event. Pure: a function of the payload.

use serde_json::Value;

/// The key of an explicit sync request.
pub const SYNC_KEY: &str = "cfcloneSync";
/// EventBridge's `detail-type` for API calls recorded by CloudTrail.
pub const CLOUDTRAIL_DETAIL_TYPE: &str = "AWS API Call via CloudTrail";
/// CloudTrail's `eventSource` for CloudFront.
pub const CLOUDFRONT_EVENT_SOURCE: &str = "cloudfront.amazonaws.com";

/// A payload that asks for a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// Sync the clones of this reference.
    Sync { reference: String, cause: String },
    /// A trigger that must not sync anything (a failed call, a payload without an id),
    /// and why.
    Ignore(String),
}

/// Whether `payload` is a trigger, and which.
pub fn parse(payload: &Value) -> Option<Trigger> {
    if let Some(request) = payload.get(SYNC_KEY) {
        return Some(
            match request
                .get("referenceDistributionId")
                .and_then(Value::as_str)
            {
                Some(id) if !id.is_empty() => Trigger::Sync {
                    reference: id.to_owned(),
                    cause: "an explicit sync request".into(),
                },
                _ => Trigger::Ignore(format!(
                    "{SYNC_KEY} needs referenceDistributionId, the reference whose clones to sync"
                )),
            },
        );
    }
    if payload.get("detail-type").and_then(Value::as_str) != Some(CLOUDTRAIL_DETAIL_TYPE) {
        return None;
    }
    let detail = &payload["detail"];
    let text = |key: &str| detail.get(key).and_then(Value::as_str).unwrap_or_default();
    if text("eventSource") != CLOUDFRONT_EVENT_SOURCE
        || !text("eventName").starts_with("UpdateDistribution")
    {
        return Some(Trigger::Ignore(format!(
            "a CloudTrail event of {} {}, not a CloudFront UpdateDistribution",
            text("eventSource"),
            text("eventName")
        )));
    }
    if let Some(code) = detail.get("errorCode").and_then(Value::as_str) {
        return Some(Trigger::Ignore(format!(
            "the UpdateDistribution call failed ({code}): the reference did not change"
        )));
    }
    let id = detail["requestParameters"]
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if id.is_empty() {
        return Some(Trigger::Ignore(
            "the UpdateDistribution event names no distribution (requestParameters.id)".into(),
        ));
    }
    let who = detail["userIdentity"]
        .get("arn")
        .and_then(Value::as_str)
        .unwrap_or("someone");
    Some(Trigger::Sync {
        reference: id.to_owned(),
        cause: format!(
            "UpdateDistribution of {id} by {who} (CloudTrail event {})",
            text("eventID")
        ),
    })
}

#[cfg(test)]
mod tests;
