//! Delete: disable, wait, delete; only what this resource owns; conflicts and DistributionNotDisabled waited out; hand-offs and the service timeout.

use super::*;

#[tokio::test]
async fn delete_disables_waits_until_deployed_and_deletes() {
    let w = world();
    let properties = props(json!({"SsmParameterPrefix": "/cfclone/shop"}));
    let (_, id) = created(&w, properties.clone()).await;
    w.cf.deploy_ms.store(95_000, Ordering::SeqCst);
    let started = w.clock.now_ms();
    success(w.run(&delete(&id, properties)).await);
    assert!(w.clones().is_empty());
    assert_eq!(w.ssm.len(), 0);
    let ops: Vec<String> =
        w.cf.calls()
            .into_iter()
            .filter(|c| c.ends_with(&id) && !c.starts_with("ListTags"))
            .map(|c| c.split(' ').next().unwrap().to_owned())
            .collect();
    assert_eq!(ops.first().map(String::as_str), Some("GetDistribution"));
    assert_eq!(ops[1], "UpdateDistribution");
    assert_eq!(ops.last().map(String::as_str), Some("DeleteDistribution"));
    // the delete came within one poll interval of the distribution reporting Deployed
    let deployed_at = started + 95_000;
    assert!(
        w.clock.now_ms() <= deployed_at + POLL.as_millis() as u64,
        "deleted late"
    );
    assert!(w.clock.now_ms() >= deployed_at, "deleted before Deployed");
    w.reference_untouched();
}

#[tokio::test]
async fn delete_with_deletion_mode_disable_leaves_the_clone_disabled() {
    let w = world();
    let properties =
        props(json!({"SsmParameterPrefix": "/cfclone/shop", "DeletionMode": "Disable"}));
    let (_, id) = created(&w, properties.clone()).await;
    let (physical, _) = success(w.run(&delete(&id, properties)).await);
    assert_eq!(physical, id);
    let kept = w.cf.get_stored(&id).expect("the clone stays");
    assert!(!kept.distribution.config.enabled, "disabled");
    assert!(
        !w.cf
            .calls()
            .iter()
            .any(|c| c.starts_with("DeleteDistribution")),
        "never deleted"
    );
    assert_eq!(w.ssm.len(), 0, "the stack's outputs describe it no more");
    assert!(
        w.ssm.record(&id).is_some(),
        "its record stays for the operator's tools"
    );
    w.reference_untouched();
}

#[tokio::test]
async fn delete_of_a_marker_touches_nothing() {
    let w = world();
    let (physical, _) = success(
        w.run(&delete("cfclone-not-created-req-9", props(json!({}))))
            .await,
    );
    assert_eq!(physical, "cfclone-not-created-req-9");
    assert!(w.cf.calls().is_empty());
}

#[tokio::test]
async fn delete_of_a_missing_distribution_succeeds_and_removes_its_parameters() {
    let w = world();
    let properties = props(json!({"SsmParameterPrefix": "/cfclone/shop"}));
    let (_, id) = created(&w, properties.clone()).await;
    w.cf.stored.lock().unwrap().remove(&id);
    success(w.run(&delete(&id, properties)).await);
    assert_eq!(w.ssm.len(), 0);
}

#[tokio::test]
async fn delete_leaves_parameters_that_describe_another_distribution() {
    let w = world();
    let properties = props(json!({"SsmParameterPrefix": "/cfclone/shop"}));
    let (_, id) = created(&w, properties.clone()).await;
    // another resource took the prefix over since
    w.ssm.values.lock().unwrap().insert(
        ("eu-west-1".into(), "/cfclone/shop/distribution-id".into()),
        "EOTHER".into(),
    );
    success(w.run(&delete(&id, properties)).await);
    assert!(w.clones().is_empty());
    assert_eq!(
        w.ssm
            .value("eu-west-1", "/cfclone/shop/distribution-id")
            .as_deref(),
        Some("EOTHER")
    );
}

#[tokio::test]
async fn delete_never_touches_a_distribution_without_ownership_tags() {
    let w = world();
    let mut foreign = test_support::reference();
    foreign.caller_reference = "someone-else".into();
    w.cf.insert(
        "EFOREIGN",
        foreign.clone(),
        vec![
            (
                "cfclone:stack-id".into(),
                "arn:aws:cloudformation:eu-west-1:123456789012:stack/other/2".into(),
            ),
            ("cfclone:logical-id".into(), "ShopClone".into()),
        ],
    );
    success(w.run(&delete("EFOREIGN", props(json!({})))).await);
    let stored = w.cf.get_stored("EFOREIGN").unwrap();
    assert_eq!(stored.distribution.config, foreign);
    assert!(
        !w.cf
            .calls()
            .iter()
            .any(|c| c.starts_with("UpdateDistribution") || c.starts_with("DeleteDistribution"))
    );
}

#[tokio::test]
async fn delete_never_touches_the_reference() {
    let w = world();
    success(w.run(&delete(REFERENCE_ID, props(json!({})))).await);
    w.reference_untouched();
    assert!(w.cf.calls().is_empty());
}

#[tokio::test]
async fn delete_reads_again_when_the_etag_changed() {
    let w = world();
    let (_, id) = created(&w, props(json!({}))).await;
    w.cf.fail_next(
        "DeleteDistribution",
        ErrorKind::PreconditionFailed,
        "precondition failed",
    );
    success(w.run(&delete(&id, props(json!({})))).await);
    assert!(w.clones().is_empty());
    assert_eq!(w.cf.count("DeleteDistribution"), 2);
}

#[tokio::test]
async fn delete_waits_out_distribution_not_disabled_a_poll_interval_at_a_time() {
    let w = world();
    let (_, id) = created(&w, props(json!({}))).await;
    // More refusals than the conflict retries: they are waits, not conflicts.
    for _ in 0..MAX_CONFLICT_RETRIES + 2 {
        w.cf.fail_next("DeleteDistribution", ErrorKind::NotDisabled, "not disabled");
    }
    let before = w.clock.now_ms();
    success(w.run(&delete(&id, props(json!({})))).await);
    assert!(w.clones().is_empty());
    let waited = Duration::from_millis(w.clock.now_ms() - before);
    assert!(
        waited >= POLL * (MAX_CONFLICT_RETRIES as u32 + 2),
        "a poll interval after each refusal, not an immediate retry ({waited:?})"
    );
}

#[tokio::test]
async fn distribution_not_disabled_near_the_invocations_end_hands_off() {
    let w = world();
    let (_, id) = created(&w, props(json!({}))).await;
    for _ in 0..20 {
        w.cf.fail_next("DeleteDistribution", ErrorKind::NotDisabled, "not disabled");
    }
    let budget = w.budget(Duration::from_secs(60), Duration::from_secs(3540));
    let outcome = w
        .run_with(&delete(&id, props(json!({}))), None, budget)
        .await;
    assert_eq!(
        outcome,
        Outcome::Continue {
            phase: Phase::Delete
        }
    );
    assert!(w.clock.now_ms() <= budget.invocation_deadline_ms);
    assert!(
        w.cf.count("DeleteDistribution") >= 4,
        "it waited and tried again"
    );
}

#[tokio::test]
async fn a_delete_that_cannot_finish_in_this_invocation_hands_off() {
    let w = world();
    let (_, id) = created(&w, props(json!({}))).await;
    w.cf.deploy_ms.store(20 * 60_000, Ordering::SeqCst);
    let budget = w.budget(Duration::from_secs(60), Duration::from_secs(3540));
    let outcome = w
        .run_with(&delete(&id, props(json!({}))), None, budget)
        .await;
    assert_eq!(
        outcome,
        Outcome::Continue {
            phase: Phase::Delete
        }
    );
    assert!(
        !w.cf.get_stored(&id).unwrap().distribution.config.enabled,
        "disabled before handing off"
    );
    assert!(w.clock.now_ms() <= budget.invocation_deadline_ms);
    // the continuation picks up where it stopped and finishes
    w.clock.advance(Duration::from_secs(20 * 60));
    let outcome = w
        .run_with(
            &delete(&id, props(json!({}))),
            Some(&Phase::Delete),
            w.budget(Duration::from_secs(600), Duration::from_secs(600)),
        )
        .await;
    success(outcome);
    assert!(w.clones().is_empty());
    assert_eq!(w.cf.count("UpdateDistribution"), 1, "not disabled twice");
}

#[tokio::test]
async fn a_delete_past_the_service_timeout_fails_saying_what_is_left() {
    let w = world();
    let (_, id) = created(&w, props(json!({}))).await;
    w.cf.deploy_ms.store(3 * 3_600_000, Ordering::SeqCst);
    let budget = w.budget(Duration::from_secs(900), Duration::from_secs(100));
    let (physical, reason) = failure(
        w.run_with(&delete(&id, props(json!({}))), None, budget)
            .await,
    );
    assert_eq!(physical, id);
    assert!(
        reason.contains("InProgress") && reason.contains("delete-distribution --id"),
        "{reason}"
    );
    assert!(w.clock.now_ms() >= budget.operation_deadline_ms);
}
