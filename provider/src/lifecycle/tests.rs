//! The lifecycle against in-memory AWS (see `aws::fake`), including what moto cannot
//! show: changing ETags, `PreconditionFailed`, `DistributionNotDisabled`,
//! `CNAMEAlreadyExists`, and waits measured on a fake clock.

use super::*;
use crate::aws::fake::{FakeAcm, FakeClock, FakeCloudFormation, FakeCloudFront, FakeSsm};
use crate::aws::{Clock, Distributions};
use crate::certificates::Certificate;
use crate::event::{NOT_CREATED_PREFIX, OWNER_LOGICAL_ID_TAG, OWNER_STACK_TAG};
use crate::test_support::{self, REFERENCE_ID};
use aws_lambda_events::event::cloudformation::CloudFormationCustomResourceRequest;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::Ordering;

const NOW_MS: u64 = 1_800_000_000_000;
const STACK: &str = "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/1111";
const POLL: Duration = Duration::from_secs(12);

type FakeAdapters = Adapters;

struct World {
    cf: Arc<FakeCloudFront>,
    acm: Arc<FakeAcm>,
    ssm: Arc<FakeSsm>,
    clock: Arc<FakeClock>,
    stacks: Arc<FakeCloudFormation>,
    aws: FakeAdapters,
}

fn certificate(arn: &str, domain: &str, sans: &[&str]) -> Certificate {
    Certificate::issued(arn, domain, sans, (NOW_MS / 1000) as i64 + 86_400 * 365)
}

const SHOP_CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/shop";

fn world() -> World {
    let clock = Arc::new(FakeClock::at(NOW_MS));
    let cf = Arc::new(FakeCloudFront::new(Arc::clone(&clock)));
    cf.insert(
        REFERENCE_ID,
        test_support::reference(),
        vec![("team".into(), "web".into())],
    );
    let acm = Arc::new(FakeAcm::default());
    acm.add(
        certificate(
            SHOP_CERT,
            "shop.example.com",
            &["shop.example.com", "www.shop.example.com"],
        ),
        true,
    );
    acm.add(
        certificate(
            "arn:aws:acm:us-east-1:123456789012:certificate/other",
            "other.example.org",
            &[],
        ),
        true,
    );
    let ssm = Arc::new(FakeSsm::default());
    let stacks = Arc::new(FakeCloudFormation::default());
    World {
        aws: crate::aws::fake::adapters(
            Arc::clone(&cf),
            Arc::clone(&acm),
            Arc::clone(&ssm),
            Arc::clone(&clock),
            Arc::clone(&stacks),
        ),
        cf,
        acm,
        ssm,
        clock,
        stacks,
    }
}

impl World {
    fn budget(&self, invocation: Duration, operation: Duration) -> Budget {
        let now = self.clock.now_ms();
        Budget {
            started_ms: now,
            invocation_deadline_ms: now + invocation.as_millis() as u64,
            operation_deadline_ms: now + operation.as_millis() as u64,
            answer_by_ms: now + invocation.as_millis() as u64,
            poll_interval: POLL,
        }
    }

    async fn run_with(&self, request: &Request, resume: Option<&Phase>, budget: Budget) -> Outcome {
        Lifecycle {
            aws: &self.aws,
            budget,
        }
        .run(request, resume)
        .await
    }

    async fn run(&self, request: &Request) -> Outcome {
        let budget = self.budget(Duration::from_secs(14 * 60), Duration::from_secs(3540));
        self.run_with(request, None, budget).await
    }

    fn clones(&self) -> Vec<String> {
        lock_ids(&self.cf)
            .into_iter()
            .filter(|id| id != REFERENCE_ID)
            .collect()
    }

    fn reference_untouched(&self) {
        let stored = self
            .cf
            .get_stored(REFERENCE_ID)
            .expect("the reference exists");
        assert_eq!(
            stored.distribution.config,
            test_support::reference(),
            "the reference was modified"
        );
        assert_eq!(stored.distribution.etag, format!("{REFERENCE_ID}-v1"));
        assert!(
            !self
                .cf
                .calls()
                .iter()
                .any(|c| c.starts_with("UpdateDistribution EREF")
                    || c.starts_with("DeleteDistribution EREF"))
        );
    }
}

fn lock_ids(cf: &FakeCloudFront) -> Vec<String> {
    cf.stored.lock().unwrap().keys().cloned().collect()
}

fn props(extra: Value) -> Value {
    let mut value = json!({
        "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:cfclone",
        "ReferenceDistributionId": REFERENCE_ID,
        "Aliases": ["shop.example.com"],
        "OriginDomainName": "shop-api.example.net",
    });
    for (k, v) in extra.as_object().unwrap() {
        value[k] = v.clone();
    }
    value
}

fn request(
    request_type: RequestType,
    physical: Option<&str>,
    properties: Value,
    old: Option<Value>,
) -> Request {
    let mut event = json!({
        "RequestType": request_type,
        "RequestId": uuid::Uuid::new_v4().to_string(),
        "StackId": STACK,
        "LogicalResourceId": "ShopClone",
        "ResourceType": "Custom::ClonedDistribution",
        "ResponseURL": "https://cloudformation-responses.example.com/r?X-Amz-Signature=s",
        "ResourceProperties": properties,
    });
    if let Some(id) = physical {
        event["PhysicalResourceId"] = json!(id);
    }
    if let Some(old) = old {
        event["OldResourceProperties"] = old;
    }
    crate::event::parse(event)
        .expect("a CloudFormation request")
        .request
}

fn create(properties: Value) -> Request {
    request(RequestType::Create, None, properties, None)
}

fn success(outcome: Outcome) -> (String, BTreeMap<String, String>) {
    match outcome {
        Outcome::Done(Answer::Success { physical_id, data }) => (physical_id, data),
        other => panic!("expected SUCCESS, got {other:?}"),
    }
}

fn failure(outcome: Outcome) -> (String, String) {
    match outcome {
        Outcome::Done(Answer::Failed(failure)) => (failure.physical_id.clone(), failure.reason()),
        other => panic!("expected FAILED, got {other:?}"),
    }
}

// ----- Create --------------------------------------------------------------------------

/// Polls `run` once: every call it makes before the stalled one has begun.
fn first_poll(run: impl std::future::Future<Output = Outcome>) {
    use futures_util::FutureExt;
    assert!(
        run.now_or_never().is_none(),
        "a stalled call ends the first poll"
    );
}

async fn created(w: &World, properties: Value) -> (Request, String) {
    let request = create(properties);
    let (id, _) = success(w.run(&request).await);
    (request, id)
}

fn update(id: &str, new: Value, old: Value) -> Request {
    request(RequestType::Update, Some(id), new, Some(old))
}

fn delete(id: &str, properties: Value) -> Request {
    request(RequestType::Delete, Some(id), properties, None)
}

fn delete_request(id: &str, properties: Value) -> Request {
    request(RequestType::Delete, Some(id), properties, None)
}

fn reader(w: &World) -> Lifecycle<'_> {
    Lifecycle {
        aws: &w.aws,
        budget: w.budget(Duration::from_secs(600), Duration::from_secs(600)),
    }
}

mod certificates;
mod create;
mod delete;
mod fleet;
mod members;
mod preflight;
mod rollback;
mod update;
mod waits;
