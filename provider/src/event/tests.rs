//! The parser at the edge: real events, continuations, and — as a property — anything at
//! all, without a panic. `PROPTEST_CASES` sets how many arbitrary payloads each property
//! tries (`make fuzz` runs a long session).

use super::*;
use proptest::prelude::*;
use serde_json::json;

fn create_event() -> Value {
    json!({
        "RequestType": "Create",
        "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:cfclone",
        "ResponseURL": "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x?X-Amz-Signature=s",
        "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/1111",
        "RequestId": "6b8f0c2c-0001",
        "LogicalResourceId": "ShopClone",
        "ResourceType": "Custom::ClonedDistribution",
        "ResourceProperties": {
            "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:cfclone",
            "ServiceTimeout": "900",
            "ReferenceDistributionId": "E2QWRUHAPOMQZL",
            "Aliases": ["shop.example.com"],
        },
    })
}

#[test]
fn a_create_event_is_read_once_with_its_properties() {
    let event = parse(create_event()).unwrap();
    assert!(event.continuation.is_none());
    let request = event.request;
    assert_eq!(request.request_type, RequestType::Create);
    assert_eq!(request.ids.logical_resource_id, "ShopClone");
    assert_eq!(request.stack_region(), "eu-west-1");
    assert_eq!(request.physical_resource_id, None);
    let properties = request.properties.checked.as_ref().unwrap();
    assert_eq!(properties.aliases, vec!["shop.example.com"]);
    assert_eq!(request.properties.service_timeout.as_secs(), 900);
    assert!(request.caller_reference().starts_with("cfclone-"));
}

#[test]
fn invalid_properties_still_give_what_delete_and_the_budget_need() {
    let mut raw = create_event();
    raw["RequestType"] = json!("Delete");
    raw["PhysicalResourceId"] = json!("E1CLONE");
    raw["ResourceProperties"]["Aliases"] = json!("not-a-list");
    raw["ResourceProperties"]["SsmParameterPrefix"] = json!("/cfclone/shop");
    let request = parse(raw).unwrap().request;
    let properties = &request.properties;
    assert_eq!(properties.checked.as_ref().unwrap_err().property, "Aliases");
    assert_eq!(properties.service_timeout.as_secs(), 900);
    assert_eq!(
        properties.reference_distribution_id.as_deref(),
        Some("E2QWRUHAPOMQZL")
    );
    assert_eq!(properties.ssm.as_ref().unwrap().regions, vec!["eu-west-1"]);
}

#[test]
fn a_continuation_carries_the_event_verbatim() {
    let request = parse(create_event()).unwrap().request;
    let payload = request.continuation(Continuation {
        hand_offs: 2,
        started_ms: 7,
        phase: Phase::AwaitDeployment {
            distribution_id: "E1CLONE".into(),
        },
    });
    let again = parse(serde_json::from_slice(&payload).unwrap()).unwrap();
    assert_eq!(again.request.raw, create_event());
    let continuation = again.continuation.unwrap();
    assert_eq!(continuation.hand_offs, 2);
    assert_eq!(continuation.phase.distribution(), Some("E1CLONE"));
}

#[test]
fn what_is_not_a_request_keeps_the_ids_it_has() {
    let mut raw = create_event();
    raw["RequestType"] = json!("Upsert");
    match parse(raw) {
        Err(Unusable::NotARequest { ids, .. }) => {
            assert_eq!(ids.request_id, "6b8f0c2c-0001");
            assert!(ids.response_url.starts_with("https://"));
        }
        other => panic!("expected NotARequest, got {other:?}"),
    }
    let forged = json!({CONTINUATION_KEY: {"handOffs": 1}, "event": create_event()});
    assert!(matches!(parse(forged), Err(Unusable::Refused(_))));
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("Create"),
            Just("Update"),
            Just("Delete"),
            Just("E2QWRUHAPOMQZL"),
            Just("shop.example.com"),
            Just("/cfclone/shop"),
            Just("true"),
            Just("3600"),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Keys the parser looks for, and others.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(crate::properties::PROPERTY_NAMES).prop_map(str::to_owned),
        prop::sample::select(
            &[
                "RequestType",
                "RequestId",
                "StackId",
                "LogicalResourceId",
                "ResponseURL",
                "ResourceType",
                "ResourceProperties",
                "OldResourceProperties",
                "PhysicalResourceId",
                "Key",
                "Value",
                "Id",
                "DomainName",
                "OriginPath",
                "cfcloneContinuation",
                "event",
                "phase",
            ][..]
        )
        .prop_map(str::to_owned),
        ".{0,8}",
    ]
}

proptest! {
    #[test]
    fn any_payload_is_parsed_or_refused_without_a_panic(payload in json_value()) {
        let _ = parse(payload);
    }

    #[test]
    fn any_property_values_are_read_or_refused_without_a_panic(
        properties in prop::collection::btree_map(key(), json_value(), 0..12),
        request_type in prop::sample::select(&["Create", "Update", "Delete"][..]),
    ) {
        let mut raw = create_event();
        raw["RequestType"] = json!(request_type);
        raw["PhysicalResourceId"] = json!("E1CLONE");
        raw["ResourceProperties"] = Value::Object(properties.clone().into_iter().collect());
        raw["OldResourceProperties"] = Value::Object(properties.into_iter().collect());
        let event = parse(raw).expect("a well-formed request");
        if let Err(e) = &event.request.properties.checked {
            prop_assert!(!e.property.is_empty() && !e.message.is_empty());
        }
    }

    #[test]
    fn a_continuation_of_any_event_reads_back_the_same(payload in json_value()) {
        if let Ok(event) = parse(payload) {
            let continued = event.request.continuation(Continuation {
                hand_offs: 1,
                started_ms: 0,
                phase: Phase::Delete,
            });
            let again = parse(serde_json::from_slice(&continued).unwrap());
            prop_assert!(again.is_ok() || event.request.ids.response_url.is_empty());
        }
    }
}
