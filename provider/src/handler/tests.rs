//! The wrapper: one response per request, panics and deadlines answered FAILED,
//! continuations handed on and refused when malformed.

use super::*;
use crate::aws::Clock;
use crate::aws::fake::{FakeAcm, FakeClock, FakeCloudFront, FakeInvoker, FakeSsm};
use crate::event::CONTINUATION_KEY;
use crate::runner::Continuer;
use crate::test_support::{self, REFERENCE_ID};
use httpmock::MockServer;
use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::Duration;

const NOW_MS: u64 = 1_800_000_000_000;
/// Invoked through an alias: continuations must name it too.
const FUNCTION_ARN: &str = "arn:aws:lambda:eu-west-1:123456789012:function:cfclone-provider:live";

struct Setup {
    provider: Arc<Provider>,
    cf: Arc<FakeCloudFront>,
    invoker: Arc<FakeInvoker>,
    clock: Arc<FakeClock>,
}

fn setup(in_process: bool) -> Setup {
    let clock = Arc::new(FakeClock::at(NOW_MS));
    let cf = Arc::new(FakeCloudFront::new(Arc::clone(&clock)));
    cf.insert(REFERENCE_ID, test_support::reference(), vec![]);
    let acm = Arc::new(FakeAcm::default());
    acm.add(
        crate::certificates::Certificate {
            arn: "arn:aws:acm:us-east-1:123456789012:certificate/shop".into(),
            domain_name: "shop.example.com".into(),
            subject_alternative_names: Some(vec![]),
            sans_complete: true,
            status: "ISSUED".into(),
            key_algorithm: "EC_prime256v1".into(),
            not_after: None,
            kind: crate::certificates::AMAZON_ISSUED.into(),
            managed_by: String::new(),
        },
        true,
    );
    let invoker = Arc::new(FakeInvoker::default());
    let runner = Runner {
        aws: crate::aws::fake::adapters(
            Arc::clone(&cf),
            acm,
            Arc::new(FakeSsm::default()),
            Arc::clone(&clock),
            Arc::default(),
        ),
        continuer: if in_process {
            Continuer::InProcess
        } else {
            Continuer::Invoke(Arc::clone(&invoker) as _)
        },
        poll_interval: Duration::from_secs(12),
    };
    let provider = Provider {
        runner: Arc::new(runner),
        http: reqwest::Client::new(),
        sync_limits: crate::sync::Limits::default(),
    };
    Setup {
        provider: Arc::new(provider),
        cf,
        invoker,
        clock,
    }
}

fn event(server: &MockServer, request_type: &str, physical: Option<&str>) -> Value {
    let mut event = json!({
        "RequestType": request_type,
        "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:cfclone",
        "ResponseURL": server.url("/response?X-Amz-Signature=secret"),
        "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/1111",
        "RequestId": "6b8f0c2c-1f0e-4d4e-9f1e-2a7c1d1e0001",
        "LogicalResourceId": "ShopClone",
        "ResourceType": "Custom::ClonedDistribution",
        "ResourceProperties": {
            "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:cfclone",
            "ReferenceDistributionId": REFERENCE_ID,
            "Aliases": ["shop.example.com"],
        },
    });
    if let Some(id) = physical {
        event["PhysicalResourceId"] = json!(id);
    }
    event
}

async fn responses(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method("PUT")
                .path("/response")
                .header("content-type", "");
            then.status(200);
        })
        .await
}

/// Creates a clone through the handler and returns its id.
async fn create_clone(s: &Setup, server: &MockServer) -> String {
    let created = body_of(
        &s.provider
            .handle(
                event(server, "Create", None),
                &Invocation::new(NOW_MS + 900_000, FUNCTION_ARN),
            )
            .await,
    );
    assert_eq!(created["Status"], "SUCCESS", "{created}");
    created["PhysicalResourceId"].as_str().unwrap().to_owned()
}

fn body_of(handled: &Handled) -> Value {
    match handled {
        Handled::Answered {
            body, delivered, ..
        } => {
            assert!(delivered, "the response was not delivered");
            serde_json::from_slice(body).unwrap()
        }
        other => panic!("expected an answer, got {other:?}"),
    }
}

#[tokio::test]
async fn a_create_is_answered_once_with_the_clones_attributes() {
    let s = setup(false);
    let server = MockServer::start_async().await;
    let mock = responses(&server).await;
    let handled = s
        .provider
        .handle(
            event(&server, "Create", None),
            &Invocation::new(NOW_MS + 900_000, FUNCTION_ARN),
        )
        .await;
    let body = body_of(&handled);
    assert_eq!(body["Status"], "SUCCESS", "{body}");
    assert_eq!(body["RequestId"], "6b8f0c2c-1f0e-4d4e-9f1e-2a7c1d1e0001");
    assert!(
        body["Data"]["DomainName"]
            .as_str()
            .unwrap()
            .ends_with(".cloudfront.net")
    );
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_panic_becomes_a_failed_answer() {
    let s = setup(false);
    *s.cf.panic_on.lock().unwrap() = Some("GetDistributionConfig");
    let server = MockServer::start_async().await;
    let mock = responses(&server).await;
    let body = body_of(
        &s.provider
            .handle(
                event(&server, "Create", None),
                &Invocation::new(NOW_MS + 900_000, FUNCTION_ARN),
            )
            .await,
    );
    assert_eq!(body["Status"], "FAILED");
    assert!(
        body["Reason"].as_str().unwrap().contains("injected panic"),
        "{body}"
    );
    assert!(
        body["PhysicalResourceId"]
            .as_str()
            .unwrap()
            .starts_with("cfclone-not-created-")
    );
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_panic_after_creation_answers_with_the_clones_id() {
    let s = setup(false);
    *s.cf.panic_on.lock().unwrap() = Some("GetDistribution");
    let server = MockServer::start_async().await;
    let _mock = responses(&server).await;
    let mut e = event(&server, "Create", None);
    e["ResourceProperties"]["WaitForDeployment"] = json!("true");
    s.cf.deploy_ms.store(60_000, Ordering::SeqCst);
    let body = body_of(
        &s.provider
            .handle(e, &Invocation::new(NOW_MS + 900_000, FUNCTION_ARN))
            .await,
    );
    assert_eq!(body["Status"], "FAILED");
    let id = body["PhysicalResourceId"].as_str().unwrap();
    assert!(
        s.cf.get_stored(id).is_some(),
        "the rollback can find and delete {id}"
    );
}

#[tokio::test]
async fn a_call_that_outlasts_the_deadline_becomes_a_failed_answer_in_time() {
    let s = setup(false);
    *s.cf.stall_on.lock().unwrap() = Some(("GetDistributionConfig", Duration::from_millis(2500)));
    let server = MockServer::start_async().await;
    let mock = responses(&server).await;
    let started = std::time::Instant::now();
    let body = body_of(
        &s.provider
            .handle(
                event(&server, "Create", None),
                &Invocation::new(NOW_MS + 2_000, FUNCTION_ARN),
            )
            .await,
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "answered before the deadline"
    );
    assert_eq!(body["Status"], "FAILED");
    assert!(
        body["Reason"].as_str().unwrap().contains("deadline"),
        "{body}"
    );
    assert!(
        body["PhysicalResourceId"]
            .as_str()
            .unwrap()
            .starts_with("cfclone-not-created-")
    );
    // the abandoned work does not carry on behind the answer
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        s.cf.count("CreateDistributionWithTags"),
        0,
        "work went on after the FAILED answer"
    );
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_long_delete_is_handed_off_without_answering_and_the_last_invocation_answers() {
    let s = setup(false);
    let server = MockServer::start_async().await;
    let mock = responses(&server).await;
    let id = create_clone(&s, &server).await;
    s.cf.deploy_ms.store(10 * 60_000, Ordering::SeqCst);

    let mut payload = event(&server, "Delete", Some(&id));
    let mut hand_offs = 0;
    loop {
        let deadline = s.clock.now_ms() + 120_000;
        match s
            .provider
            .handle(payload.clone(), &Invocation::new(deadline, FUNCTION_ARN))
            .await
        {
            Handled::HandedOff { hand_offs: n } => {
                hand_offs = n;
                let sent = s
                    .invoker
                    .payloads
                    .lock()
                    .unwrap()
                    .pop()
                    .expect("a continuation was sent");
                payload = serde_json::from_slice(&sent).unwrap();
                assert_eq!(payload[CONTINUATION_KEY]["handOffs"], n);
                assert_eq!(payload[CONTINUATION_KEY]["phase"], "delete");
                assert_eq!(payload[CONTINUATION_KEY]["startedMs"], NOW_MS);
            }
            answered => {
                assert_eq!(body_of(&answered)["Status"], "SUCCESS");
                break;
            }
        }
    }
    assert!(
        hand_offs >= 2,
        "the 10-minute wait needed several 2-minute invocations ({hand_offs})"
    );
    let functions = s.invoker.functions.lock().unwrap().clone();
    assert_eq!(functions.len(), hand_offs as usize);
    assert!(
        functions.iter().all(|f| f == FUNCTION_ARN),
        "every continuation invokes the alias the event came through: {functions:?}"
    );
    assert!(s.cf.get_stored(&id).is_none());
    assert_eq!(
        mock.calls_async().await,
        2,
        "one answer for the Create, one for the Delete"
    );
}

#[tokio::test]
async fn a_failed_hand_off_answers_failed_instead() {
    let s = setup(false);
    let server = MockServer::start_async().await;
    let mock = responses(&server).await;
    let id = create_clone(&s, &server).await;
    s.cf.deploy_ms.store(10 * 60_000, Ordering::SeqCst);
    *s.invoker.fail.lock().unwrap() = true;
    let body = body_of(
        &s.provider
            .handle(
                event(&server, "Delete", Some(&id)),
                &Invocation::new(s.clock.now_ms() + 60_000, FUNCTION_ARN),
            )
            .await,
    );
    assert_eq!(body["Status"], "FAILED");
    assert!(
        body["Reason"]
            .as_str()
            .unwrap()
            .contains("lambda:InvokeFunction"),
        "{body}"
    );
    assert_eq!(body["PhysicalResourceId"], id.as_str());
    assert_eq!(mock.calls_async().await, 2);
}

#[tokio::test]
async fn in_process_work_that_outlasts_the_invocation_is_answered_failed() {
    let s = setup(true);
    let server = MockServer::start_async().await;
    let mock = responses(&server).await;
    let id = create_clone(&s, &server).await;
    s.cf.deploy_ms.store(10 * 60_000, Ordering::SeqCst);
    let handled = tokio::time::timeout(
        Duration::from_secs(20),
        s.provider.handle(
            event(&server, "Delete", Some(&id)),
            &Invocation::new(s.clock.now_ms() + 60_000, FUNCTION_ARN),
        ),
    )
    .await
    .expect("the runner answers once the invocation's time is out, and begins no more legs");
    let body = body_of(&handled);
    assert_eq!(body["Status"], "FAILED", "{body}");
    assert_eq!(body["PhysicalResourceId"], id.as_str());
    assert!(s.invoker.payloads.lock().unwrap().is_empty());
    assert_eq!(mock.calls_async().await, 2);
}

#[tokio::test]
async fn in_process_the_wait_simply_continues() {
    let s = setup(true);
    let server = MockServer::start_async().await;
    let mock = responses(&server).await;
    let id = create_clone(&s, &server).await;
    s.cf.deploy_ms.store(10 * 60_000, Ordering::SeqCst);
    let body = body_of(
        &s.provider
            .handle(
                event(&server, "Delete", Some(&id)),
                &Invocation::new(s.clock.now_ms() + 3_600_000, FUNCTION_ARN),
            )
            .await,
    );
    assert_eq!(body["Status"], "SUCCESS");
    assert!(s.invoker.payloads.lock().unwrap().is_empty());
    assert_eq!(mock.calls_async().await, 2);
}

#[tokio::test]
async fn the_operation_ends_at_the_service_timeout_across_hand_offs() {
    let s = setup(false);
    let server = MockServer::start_async().await;
    let _mock = responses(&server).await;
    let id = create_clone(&s, &server).await;
    s.cf.deploy_ms.store(5 * 3_600_000, Ordering::SeqCst);
    let mut payload = event(&server, "Delete", Some(&id));
    payload["ResourceProperties"]["ServiceTimeout"] = json!("600");
    let body = loop {
        match s
            .provider
            .handle(
                payload.clone(),
                &Invocation::new(s.clock.now_ms() + 120_000, FUNCTION_ARN),
            )
            .await
        {
            Handled::HandedOff { .. } => {
                payload =
                    serde_json::from_slice(&s.invoker.payloads.lock().unwrap().pop().unwrap())
                        .unwrap();
            }
            answered => break body_of(&answered),
        }
    };
    assert_eq!(body["Status"], "FAILED");
    assert!(
        body["Reason"].as_str().unwrap().contains("by hand"),
        "{body}"
    );
    assert!(
        s.clock.now_ms() - NOW_MS <= 600_000,
        "gave up within the ServiceTimeout"
    );
}

#[tokio::test]
async fn a_malformed_continuation_is_refused_and_touches_nothing() {
    let s = setup(false);
    let handled = s
        .provider
        .handle(
            json!({CONTINUATION_KEY: {"handOffs": "many"}, "event": {}}),
            &Invocation::new(NOW_MS + 60_000, FUNCTION_ARN),
        )
        .await;
    assert!(
        matches!(&handled, Handled::Ignored { why } if why.contains("malformed continuation")),
        "{handled:?}"
    );
    let handled = s
        .provider
        .handle(
            json!({CONTINUATION_KEY: {"handOffs": 1, "startedMs": 1, "phase": "delete"}}),
            &Invocation::new(NOW_MS + 60_000, FUNCTION_ARN),
        )
        .await;
    assert!(matches!(handled, Handled::Ignored { .. }), "{handled:?}");
    assert!(s.cf.calls().is_empty());
}

#[tokio::test]
async fn a_forged_delete_continuation_cannot_touch_an_unowned_distribution() {
    let s = setup(false);
    let server = MockServer::start_async().await;
    let _mock = responses(&server).await;
    let payload = json!({
        CONTINUATION_KEY: {"handOffs": 1, "startedMs": NOW_MS, "phase": "delete"},
        "event": event(&server, "Delete", Some(REFERENCE_ID)),
    });
    let mut payload = payload;
    payload["event"]["ResourceProperties"]["ReferenceDistributionId"] = json!("EOTHER");
    let body = body_of(
        &s.provider
            .handle(payload, &Invocation::new(NOW_MS + 60_000, FUNCTION_ARN))
            .await,
    );
    assert_eq!(body["Status"], "SUCCESS");
    let stored = s.cf.get_stored(REFERENCE_ID).unwrap();
    assert_eq!(stored.distribution.config, test_support::reference());
    assert!(
        !s.cf
            .calls()
            .iter()
            .any(|c| c.starts_with("UpdateDistribution") || c.starts_with("DeleteDistribution"))
    );
}

#[tokio::test]
async fn an_event_that_is_not_a_cloudformation_request_is_answered_failed_when_possible() {
    let s = setup(false);
    let server = MockServer::start_async().await;
    let mock = responses(&server).await;
    let mut e = event(&server, "Create", None);
    e["RequestType"] = json!("Replace");
    let body = body_of(
        &s.provider
            .handle(e, &Invocation::new(NOW_MS + 60_000, FUNCTION_ARN))
            .await,
    );
    assert_eq!(body["Status"], "FAILED");
    assert!(
        body["Reason"]
            .as_str()
            .unwrap()
            .contains("not a valid CloudFormation")
    );
    assert_eq!(mock.calls_async().await, 1);
    let handled = s
        .provider
        .handle(
            json!({"hello": "world"}),
            &Invocation::new(NOW_MS + 60_000, FUNCTION_ARN),
        )
        .await;
    assert!(matches!(handled, Handled::Ignored { .. }));
}

#[tokio::test]
async fn a_failed_hand_off_while_waiting_for_deployment_answers_with_the_clones_id() {
    let s = setup(false);
    let server = MockServer::start_async().await;
    let _mock = responses(&server).await;
    s.cf.deploy_ms.store(10 * 60_000, Ordering::SeqCst);
    *s.invoker.fail.lock().unwrap() = true;
    let mut e = event(&server, "Create", None);
    e["ResourceProperties"]["WaitForDeployment"] = json!("true");
    let body = body_of(
        &s.provider
            .handle(e, &Invocation::new(NOW_MS + 60_000, FUNCTION_ARN))
            .await,
    );
    assert_eq!(body["Status"], "FAILED");
    let id = body["PhysicalResourceId"].as_str().unwrap();
    assert!(
        s.cf.get_stored(id).is_some(),
        "the rollback must be able to delete {id}"
    );
}

#[tokio::test]
async fn a_hand_off_that_does_not_answer_is_given_up_before_the_deadline() {
    let s = setup(false);
    let server = MockServer::start_async().await;
    let mock = responses(&server).await;
    let id = create_clone(&s, &server).await;
    s.cf.deploy_ms.store(10 * 60_000, Ordering::SeqCst);
    *s.invoker.stall.lock().unwrap() = Some(Duration::from_secs(30));
    let started = std::time::Instant::now();
    // 5 s of invocation left at the start (fake clock); the stalled Invoke runs on real time.
    let body = body_of(
        &s.provider
            .handle(
                event(&server, "Delete", Some(&id)),
                &Invocation::new(s.clock.now_ms() + 5_000, FUNCTION_ARN),
            )
            .await,
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered within the invocation"
    );
    assert_eq!(body["Status"], "FAILED");
    assert!(
        body["Reason"].as_str().unwrap().contains("Invoke"),
        "{body}"
    );
    assert_eq!(mock.calls_async().await, 2);
}
