//! Waits and continuations: WaitForDeployment, a long wait handed off and resumed, forged continuations, caller references, the sample events.

use super::*;

#[tokio::test]
async fn wait_for_deployment_answers_only_once_deployed() {
    let w = world();
    w.cf.deploy_ms.store(50_000, Ordering::SeqCst);
    let started = w.clock.now_ms();
    let (id, _) = success(
        w.run(&create(props(json!({"WaitForDeployment": "true"}))))
            .await,
    );
    assert!(w.clock.now_ms() >= started + 50_000);
    assert!(w.cf.count("GetDistribution") >= 4, "polled every interval");
    assert_eq!(w.clones(), vec![id]);
}

#[tokio::test]
async fn without_wait_for_deployment_create_answers_at_once() {
    let w = world();
    w.cf.deploy_ms.store(50_000, Ordering::SeqCst);
    let started = w.clock.now_ms();
    success(w.run(&create(props(json!({})))).await);
    assert_eq!(w.clock.now_ms(), started);
}

#[tokio::test]
async fn a_long_deployment_wait_hands_off_and_resumes() {
    let w = world();
    w.cf.deploy_ms.store(30 * 60_000, Ordering::SeqCst);
    let request = create(props(
        json!({"WaitForDeployment": "true", "SsmParameterPrefix": "/cfclone/shop"}),
    ));
    let outcome = w
        .run_with(
            &request,
            None,
            w.budget(Duration::from_secs(120), Duration::from_secs(3540)),
        )
        .await;
    let Outcome::Continue {
        phase: Phase::AwaitDeployment { distribution_id },
    } = outcome
    else {
        panic!("expected a hand-off, got {outcome:?}");
    };
    assert_eq!(
        w.ssm.len(),
        0,
        "parameters are written once the wait is over"
    );
    w.clock.advance(Duration::from_secs(30 * 60));
    let resume = Phase::AwaitDeployment {
        distribution_id: distribution_id.clone(),
    };
    let (id, _) = success(
        w.run_with(
            &request,
            Some(&resume),
            w.budget(Duration::from_secs(600), Duration::from_secs(600)),
        )
        .await,
    );
    assert_eq!(id, distribution_id);
    assert_eq!(
        w.ssm.value("eu-west-1", "/cfclone/shop/distribution-id"),
        Some(id)
    );
    assert_eq!(w.cf.count("CreateDistributionWithTags"), 1);
}

#[tokio::test]
async fn a_forged_continuation_cannot_claim_a_foreign_distribution() {
    let w = world();
    let request = create(props(
        json!({"WaitForDeployment": "true", "SsmParameterPrefix": "/cfclone/shop"}),
    ));
    let resume = Phase::AwaitDeployment {
        distribution_id: REFERENCE_ID.into(),
    };
    let (physical, reason) = failure(
        w.run_with(
            &request,
            Some(&resume),
            w.budget(Duration::from_secs(600), Duration::from_secs(600)),
        )
        .await,
    );
    assert!(
        physical.starts_with(NOT_CREATED_PREFIX),
        "never the foreign id, or rollback would delete it"
    );
    assert!(reason.contains("ownership"), "{reason}");
    assert_eq!(w.ssm.len(), 0);
    w.reference_untouched();
}

#[test]
fn caller_references_are_stable_per_request_and_distinct_across_requests() {
    let a = create(props(json!({})));
    let mut b = a.clone();
    b.ids.request_id = "another".into();
    assert_eq!(a.caller_reference(), a.clone().caller_reference());
    assert_ne!(a.caller_reference(), b.caller_reference());
    assert!(a.caller_reference().len() <= 128);
}

#[test]
fn the_sample_events_parse_and_round_trip() {
    for (file, text, request_type) in [
        (
            "create",
            include_str!("../../../../examples/events/cloudformation-create-request.json"),
            RequestType::Create,
        ),
        (
            "update",
            include_str!("../../../../examples/events/cloudformation-update-request.json"),
            RequestType::Update,
        ),
        (
            "delete",
            include_str!("../../../../examples/events/cloudformation-delete-request.json"),
            RequestType::Delete,
        ),
    ] {
        let value: Value = serde_json::from_str(text).unwrap();
        let event: CloudFormationCustomResourceRequest =
            serde_json::from_value(value.clone()).unwrap();
        let round_tripped = serde_json::to_value(&event).unwrap();
        for key in [
            "RequestType",
            "RequestId",
            "StackId",
            "LogicalResourceId",
            "ResourceProperties",
        ] {
            assert_eq!(round_tripped[key], value[key], "{file}: {key}");
        }
        let request = crate::event::parse(value).unwrap().request;
        assert_eq!(request.request_type, request_type, "{file}");
        assert_eq!(request.stack_region(), "eu-west-1");
        request
            .properties
            .checked
            .as_ref()
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        if let Some(old) = &request.old_properties {
            old.checked
                .as_ref()
                .unwrap_or_else(|e| panic!("{file} (old): {e}"));
        }
    }
}
