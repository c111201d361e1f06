//! What counts as a sync trigger: CloudTrail's record of a successful UpdateDistribution,
//! or an explicit request; CloudFormation events and other calls are not.

use super::*;
use serde_json::json;

/// An UpdateDistribution as EventBridge delivers CloudTrail's record of it.
fn cloudtrail(event_name: &str, detail_extra: Value) -> Value {
    let mut detail = json!({
        "eventVersion": "1.08",
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/web/alice"},
        "eventTime": "2026-12-02T10:00:00Z",
        "eventSource": "cloudfront.amazonaws.com",
        "eventName": event_name,
        "awsRegion": "us-east-1",
        "requestParameters": {"id": "EREF1", "ifMatch": "E2QWRUHEXAMPLE", "distributionConfig": {}},
        "eventID": "b3c1e0a2-0000-4000-8000-000000000001",
        "eventType": "AwsApiCall",
    });
    for (key, value) in detail_extra.as_object().unwrap() {
        detail[key] = value.clone();
    }
    json!({
        "version": "0",
        "id": "6f4e8c1a-0000-4000-8000-000000000002",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.cloudfront",
        "account": "123456789012",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    })
}

#[test]
fn an_update_of_a_distribution_recorded_by_cloudtrail_syncs_its_clones() {
    for name in ["UpdateDistribution", "UpdateDistribution2020_05_31"] {
        let Some(Trigger::Sync { reference, cause }) = parse(&cloudtrail(name, json!({}))) else {
            panic!("{name} is a trigger");
        };
        assert_eq!(reference, "EREF1");
        assert!(cause.contains("assumed-role/web/alice"), "{cause}");
        assert!(cause.contains("b3c1e0a2"), "{cause}");
    }
}

#[test]
fn a_failed_update_or_another_call_syncs_nothing() {
    let failed = cloudtrail(
        "UpdateDistribution",
        json!({"errorCode": "PreconditionFailed", "errorMessage": "stale ETag"}),
    );
    assert!(
        matches!(parse(&failed), Some(Trigger::Ignore(why)) if why.contains("PreconditionFailed"))
    );
    let other = cloudtrail("CreateInvalidation", json!({}));
    assert!(
        matches!(parse(&other), Some(Trigger::Ignore(why)) if why.contains("CreateInvalidation"))
    );
    let mut no_id = cloudtrail("UpdateDistribution", json!({}));
    no_id["detail"]["requestParameters"] = json!({});
    assert!(
        matches!(parse(&no_id), Some(Trigger::Ignore(why)) if why.contains("requestParameters.id"))
    );
}

#[test]
fn an_explicit_request_names_its_reference() {
    assert_eq!(
        parse(&json!({"cfcloneSync": {"referenceDistributionId": "EREF2"}})),
        Some(Trigger::Sync {
            reference: "EREF2".into(),
            cause: "an explicit sync request".into()
        })
    );
    assert!(matches!(
        parse(&json!({"cfcloneSync": {}})),
        Some(Trigger::Ignore(why)) if why.contains("referenceDistributionId")
    ));
}

#[test]
fn cloudformation_events_and_other_payloads_are_not_triggers() {
    let create = json!({
        "RequestType": "Create",
        "ResponseURL": "https://example.com/response",
        "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/1",
        "RequestId": "r1",
        "ResourceType": "Custom::ClonedDistribution",
        "LogicalResourceId": "Clone",
        "ResourceProperties": {"ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:f"}
    });
    assert_eq!(parse(&create), None);
    assert_eq!(
        parse(&json!({"detail-type": "EC2 Instance State-change Notification"})),
        None
    );
    assert_eq!(parse(&json!([1, 2])), None);
    assert_eq!(parse(&Value::Null), None);
}

#[test]
fn the_sample_eventbridge_event_is_a_trigger() {
    let sample: Value = serde_json::from_str(include_str!(
        "../../../examples/events/eventbridge-update-distribution.json"
    ))
    .unwrap();
    let Some(Trigger::Sync { reference, .. }) = parse(&sample) else {
        panic!("the sample is a trigger");
    };
    assert_eq!(reference, "EDFDVBD6EXAMPLE");
}
