//! Waits that outlast one Lambda invocation: the provider hands the same request on to
//! fresh invocations of itself (through the local Lambda's Invoke API) and only the last
//! one answers CloudFormation. moto's state manager keeps distributions `InProgress` for
//! as long as a test needs.

use cfclone_e2e::{Harness, Options, Progression, Source, props, seed, with};
use serde_json::json;
use std::time::Duration;

/// A short function timeout so that waits must hand off, and quick polls.
fn short_lived() -> Options {
    Options {
        function_timeout: Duration::from_secs(6),
        poll_interval: Duration::from_millis(500),
        ..Options::default()
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_teardown_hands_off_to_fresh_invocations_until_the_clone_is_gone() {
    let h = Harness::start_with(short_lived()).await;
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &[]).await;
    h.moto
        .set_distribution_progression(Progression::Never)
        .await;
    let properties = with(
        props(&reference.id, &["shop.example.com"]),
        "SsmParameterPrefix",
        "/cfclone/shop",
    );
    let create = h.create("ShopDistribution", properties.clone()).await;
    let created = h.send(&create).await.only();
    assert_eq!(created.status, "SUCCESS", "{}", created.reason());
    let id = created.physical_resource_id;
    assert_eq!(h.aws.distribution(&id).await.unwrap().status, "InProgress");

    let delete = h.delete("ShopDistribution", &id, properties).await;
    h.dispatch(&delete);
    assert!(
        h.wait_for_hand_offs(2, Duration::from_secs(40)).await,
        "two hand-offs while CloudFront is still deploying\n{}",
        h.diagnostics()
    );
    assert!(
        h.responses(&delete).await.is_empty(),
        "no answer while the clone is still there"
    );
    let clone = h.aws.distribution(&id).await.expect("not deleted yet");
    assert!(!clone.config.enabled, "disabled first");

    // CloudFront finishes deploying; the current invocation deletes the clone.
    h.moto
        .set_distribution_progression(Progression::Immediate)
        .await;
    h.settle().await;

    let response = h.responses(&delete).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert_eq!(response.physical_resource_id, id);
    assert!(h.aws.distribution(&id).await.is_none(), "the clone is gone");
    assert!(
        h.aws
            .parameters("eu-west-1", "/cfclone/shop")
            .await
            .is_empty()
    );
    assert!(h.hand_offs() >= 2);
    assert!(
        h.abnormal_invocations().is_empty(),
        "every invocation returned before its deadline: {:?}",
        h.abnormal_invocations()
    );
    let progress = h
        .logs()
        .into_iter()
        .filter(|l| l.contains("waiting for CloudFront") && l.contains(&id))
        .collect::<Vec<_>>();
    assert!(
        progress
            .iter()
            .any(|l| l.contains("elapsed_s") && l.contains("left_s") && l.contains("InProgress")),
        "each poll logs the state, the elapsed time and the time left: {progress:?}"
    );

    // Lambda retries the last continuation (same payload): nothing contradicts the answer.
    let last = h
        .lambda
        .invocations()
        .into_iter()
        .rev()
        .find(|i| i.source == Source::InvokeApi)
        .expect("a continuation");
    h.lambda.invoke_event(last.payload);
    h.settle().await;
    let responses = h.responses(&delete).await;
    assert!(
        responses
            .all
            .iter()
            .all(|r| r.status == "SUCCESS" && r.physical_resource_id == id),
        "a retried continuation answers consistently: {:?}",
        responses.all
    );
    assert_eq!(h.aws.distribution_ids().await, [reference.id.as_str()]);
    assert_eq!(
        h.aws.distribution_config(&reference.id).await,
        reference.config
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_for_deployment_answers_only_once_the_clone_is_deployed() {
    let h = Harness::start_with(short_lived()).await;
    let (reference, create) = waiting_create(&h).await;

    h.dispatch(&create);
    assert!(
        h.wait_for_hand_offs(1, Duration::from_secs(30)).await,
        "the wait continues in a fresh invocation\n{}",
        h.diagnostics()
    );
    assert!(
        h.responses(&create).await.is_empty(),
        "no answer while the clone is InProgress"
    );
    let ids = h.aws.distribution_ids().await;
    assert_eq!(ids.len(), 2, "the clone exists: {ids:?}");

    h.moto
        .set_distribution_progression(Progression::Immediate)
        .await;
    h.settle().await;

    let response = h.responses(&create).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    let id = response.physical_resource_id.clone();
    assert!(ids.contains(&id));
    assert_eq!(response.data["DistributionId"], id);
    assert_eq!(h.aws.distribution(&id).await.unwrap().status, "Deployed");
    assert!(h.abnormal_invocations().is_empty());
    assert_eq!(
        h.aws.distribution_config(&reference.id).await,
        reference.config
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teardown_past_its_service_timeout_fails_once_saying_what_is_left() {
    let h = Harness::start_with(short_lived()).await;
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &[]).await;
    h.moto
        .set_distribution_progression(Progression::Never)
        .await;
    let properties = with(
        props(&reference.id, &["shop.example.com"]),
        "ServiceTimeout",
        "15",
    );
    let create = h.create("ShopDistribution", properties.clone()).await;
    let id = h.send(&create).await.only().physical_resource_id;

    let delete = h.delete("ShopDistribution", &id, properties).await;
    let response = h.send(&delete).await.only();

    assert_eq!(response.status, "FAILED");
    assert_eq!(response.physical_resource_id, id);
    let reason = response.reason();
    assert!(
        reason.contains(&id) && reason.contains("InProgress") && reason.contains("by hand"),
        "the reason says where the clone stands and what is left to do: {reason}"
    );
    assert!(h.hand_offs() >= 1, "the wait spanned invocations");
    assert!(h.abnormal_invocations().is_empty());
    let clone = h
        .aws
        .distribution(&id)
        .await
        .expect("the clone is still there");
    assert!(!clone.config.enabled, "left disabled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_or_forged_continuations_never_touch_a_distribution() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let foreign = seed::foreign_distribution(&h.aws, &[("team", "blog")]).await;
    let before = h.aws.distribution_config(&foreign.id).await;
    let properties = props(&reference.id, &["legacy.example.org"]);

    // Malformed: the continuation is not what the provider writes.
    let delete = h
        .delete("ShopDistribution", &foreign.id, properties.clone())
        .await;
    h.lambda.invoke_event(json!({
        "cfcloneContinuation": {"handOffs": "many"},
        "event": delete.body,
    }));
    // No original event at all, or not an object.
    h.lambda.invoke_event(json!({
        "cfcloneContinuation": {"handOffs": 1, "startedMs": now_ms(), "phase": "delete"},
    }));
    h.lambda.invoke_event(json!({
        "cfcloneContinuation": {"handOffs": 1, "startedMs": now_ms(), "phase": "delete"},
        "event": null,
    }));
    h.settle().await;
    assert!(
        h.responses(&delete).await.is_empty(),
        "refused, not answered"
    );
    let refusals: Vec<String> = h
        .logs()
        .into_iter()
        .filter(|l| l.contains("refusing the payload") && l.contains("nothing was done"))
        .collect();
    assert_eq!(refusals.len(), 3, "each refusal is logged: {refusals:#?}");
    assert!(refusals.iter().any(|l| l.contains("no original event")));

    // Forged: a well-formed continuation of a Delete for a distribution this resource
    // does not own.
    h.lambda.invoke_event(json!({
        "cfcloneContinuation": {"handOffs": 1, "startedMs": now_ms(), "phase": "delete"},
        "event": delete.body,
    }));
    h.settle().await;
    let response = h.responses(&delete).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());

    // Forged: a wait for deployment of a distribution this resource does not own.
    let create = h.create("ShopDistribution", properties).await;
    h.lambda.invoke_event(json!({
        "cfcloneContinuation": {
            "handOffs": 1,
            "startedMs": now_ms(),
            "phase": "await-deployment",
            "distribution_id": foreign.id,
        },
        "event": create.body,
    }));
    h.settle().await;
    let response = h.responses(&create).await.only();
    assert_eq!(response.status, "FAILED");
    assert!(
        response.reason().contains("ownership tags"),
        "{}",
        response.reason()
    );
    assert_ne!(
        response.physical_resource_id, foreign.id,
        "a rollback must not be pointed at the foreign distribution"
    );

    let after = h.aws.distribution(&foreign.id).await.expect("untouched");
    assert!(after.config.enabled);
    assert_eq!(h.aws.distribution_config(&foreign.id).await, before);
    assert_eq!(
        h.aws.distribution_config(&reference.id).await,
        reference.config
    );
}

/// A Create with `WaitForDeployment` whose hand-off fails (the provider's environment is
/// changed by `extra_env`): exactly one FAILED answer, before the deadline, that names
/// the permission and carries the clone's id.
/// A reference, a certificate for shop.example.com, clones that never finish deploying,
/// and a Create with `WaitForDeployment` (not yet sent).
async fn waiting_create(h: &Harness) -> (cfclone_e2e::Reference, cfclone_e2e::Event) {
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &[]).await;
    h.moto
        .set_distribution_progression(Progression::Never)
        .await;
    let create = h
        .create(
            "ShopDistribution",
            with(
                props(&reference.id, &["shop.example.com"]),
                "WaitForDeployment",
                "true",
            ),
        )
        .await;
    (reference, create)
}

async fn create_whose_hand_off_fails(options: Options) -> (Harness, String) {
    let h = Harness::start_with(Options { ..options }).await;
    let (reference, create) = waiting_create(&h).await;
    h.dispatch(&create);
    h.settle().await;
    let responses = h.responses(&create).await;
    assert!(
        h.abnormal_invocations().is_empty(),
        "the provider must answer before Lambda's deadline kills it\n{}",
        h.diagnostics()
    );
    let response = responses.only();
    assert_eq!(response.status, "FAILED");
    assert!(
        response.reason().contains("lambda:InvokeFunction"),
        "{}",
        response.reason()
    );
    let clone = h
        .aws
        .distribution_ids()
        .await
        .into_iter()
        .find(|id| *id != reference.id)
        .expect("the clone was created before the wait");
    assert_eq!(
        response.physical_resource_id, clone,
        "FAILED after the clone exists must carry its id, so that the rollback's Delete removes it"
    );
    (h, clone)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_hand_off_answers_failed_with_the_clone_as_physical_id() {
    // The event came through an alias that was deleted since: invoking it again is a
    // 404, not retried.
    create_whose_hand_off_fails(Options {
        qualifier: Some("retired".into()),
        aliases: Some(Vec::new()),
        ..short_lived()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_lambda_api_still_gets_an_answer_before_the_deadline() {
    // Nothing listens on this port: every Invoke call is refused and retried.
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    create_whose_hand_off_fails(Options {
        extra_env: vec![("AWS_ENDPOINT_URL_LAMBDA".into(), refused)],
        ..short_lived()
    })
    .await;
}
