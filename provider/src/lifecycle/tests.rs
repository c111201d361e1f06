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

#[tokio::test]
async fn create_makes_a_tagged_clone_and_answers_its_attributes() {
    let w = world();
    let (id, data) = success(
        w.run(&create(props(
            json!({"Tags": [{"Key": "env", "Value": "prod"}]}),
        )))
        .await,
    );
    let stored = w.cf.get_stored(&id).unwrap();
    assert_eq!(data["DistributionId"], id);
    assert_eq!(data["DomainName"], stored.distribution.domain_name);
    assert_eq!(data["Arn"], stored.distribution.arn);
    assert_eq!(data["CertificateArn"], SHOP_CERT);
    assert_eq!(data["ReferenceDistributionId"], REFERENCE_ID);
    assert!(
        stored
            .tags
            .contains(&(OWNER_STACK_TAG.into(), STACK.into()))
    );
    assert!(
        stored
            .tags
            .contains(&(OWNER_LOGICAL_ID_TAG.into(), "ShopClone".into()))
    );
    assert!(stored.tags.contains(&("env".into(), "prod".into())));
    let origin = &stored.distribution.config.origins.as_ref().unwrap().items[0];
    assert_eq!(origin.domain_name, "shop-api.example.net");
    assert!(
        stored
            .distribution
            .config
            .caller_reference
            .starts_with("cfclone-")
    );
    w.reference_untouched();
}

#[tokio::test]
async fn create_writes_the_ssm_parameters_in_every_region() {
    let w = world();
    let request = create(props(
        json!({"SsmParameterPrefix": "/cfclone/shop", "SsmRegions": ["eu-west-1", "us-east-1"]}),
    ));
    let (id, data) = success(w.run(&request).await);
    for region in ["eu-west-1", "us-east-1"] {
        assert_eq!(
            w.ssm
                .value(region, "/cfclone/shop/distribution-id")
                .as_deref(),
            Some(id.as_str())
        );
        assert_eq!(
            w.ssm.value(region, "/cfclone/shop/domain-name"),
            Some(data["DomainName"].clone())
        );
        assert_eq!(
            w.ssm
                .value(region, "/cfclone/shop/reference-distribution-id")
                .as_deref(),
            Some(REFERENCE_ID)
        );
        assert_eq!(
            w.ssm
                .value(region, "/cfclone/shop/certificate-arn")
                .as_deref(),
            Some(SHOP_CERT)
        );
    }
    assert_eq!(w.ssm.len(), 8);
}

#[tokio::test]
async fn a_clone_without_aliases_uses_the_default_certificate_and_writes_none() {
    let w = world();
    let request = create(props(
        json!({"Aliases": [], "SsmParameterPrefix": "/cfclone/bare"}),
    ));
    let (id, data) = success(w.run(&request).await);
    assert_eq!(data["CertificateArn"], "");
    assert_eq!(
        w.ssm
            .value("eu-west-1", "/cfclone/bare/certificate-arn")
            .as_deref(),
        Some(NO_CERTIFICATE)
    );
    assert_eq!(
        w.acm.count("ListCertificates"),
        0,
        "no aliases, no certificate lookup"
    );
    let config = w.cf.get_stored(&id).unwrap().distribution.config;
    assert_eq!(
        config
            .viewer_certificate
            .unwrap()
            .cloud_front_default_certificate,
        Some(true)
    );
}

#[tokio::test]
async fn a_redelivered_create_adopts_the_first_distribution() {
    let w = world();
    let request = create(props(json!({})));
    let (first, _) = success(w.run(&request).await);
    let (second, _) = success(w.run(&request).await);
    assert_eq!(first, second);
    assert_eq!(w.clones(), vec![first]);
}

#[tokio::test]
async fn a_create_whose_caller_reference_belongs_to_a_foreign_distribution_leaves_it_alone() {
    let w = world();
    let request = create(props(json!({})));
    let mut foreign = test_support::reference();
    foreign.caller_reference = request.caller_reference();
    foreign.aliases = None;
    w.cf.insert("EFOREIGN", foreign.clone(), vec![]);
    let (physical, reason) = failure(w.run(&request).await);
    assert!(physical.starts_with(NOT_CREATED_PREFIX));
    assert!(
        reason.contains("EFOREIGN") && reason.contains("ownership tags"),
        "{reason}"
    );
    assert_eq!(
        w.cf.get_stored("EFOREIGN").unwrap().distribution.config,
        foreign
    );
}

#[tokio::test]
async fn bad_properties_fail_with_a_marker_and_call_nothing() {
    let w = world();
    let request = create(props(json!({"Aliases": ["Shop.Example.com"]})));
    let (physical, reason) = failure(w.run(&request).await);
    assert_eq!(
        physical,
        format!("{NOT_CREATED_PREFIX}{}", request.ids.request_id)
    );
    assert!(reason.starts_with("Aliases:"), "{reason}");
    assert!(w.cf.calls().is_empty());
}

#[tokio::test]
async fn a_missing_reference_fails_naming_the_reference_id() {
    let w = world();
    let (physical, reason) = failure(
        w.run(&create(props(json!({"ReferenceDistributionId": "ENOPE"}))))
            .await,
    );
    assert!(physical.starts_with(NOT_CREATED_PREFIX));
    assert!(
        reason.starts_with("ReferenceDistributionId:") && reason.contains("ENOPE"),
        "{reason}"
    );
    assert!(w.clones().is_empty());
}

#[tokio::test]
async fn a_multi_tenant_reference_is_refused() {
    let w = world();
    let mut tenant = test_support::reference();
    tenant.connection_mode = Some(aws_sdk_cloudfront::types::ConnectionMode::TenantOnly);
    w.cf.insert("ETENANT", tenant, vec![]);
    let (_, reason) = failure(
        w.run(&create(props(
            json!({"ReferenceDistributionId": "ETENANT"}),
        )))
        .await,
    );
    assert!(reason.contains("tenant"), "{reason}");
    assert_eq!(w.cf.count("CreateDistributionWithTags"), 0);
}

#[tokio::test]
async fn a_missing_reference_is_reported_before_an_uncovered_alias() {
    let w = world();
    let (physical, reason) = failure(
        w.run(&create(props(
            json!({"ReferenceDistributionId": "ENOPE", "Aliases": ["nothing.example.com"]}),
        )))
        .await,
    );
    assert!(physical.starts_with(NOT_CREATED_PREFIX));
    assert!(reason.starts_with("ReferenceDistributionId:"), "{reason}");
}

/// Polls `run` once: every call it makes before the stalled one has begun.
fn first_poll(run: impl std::future::Future<Output = Outcome>) {
    use futures_util::FutureExt;
    assert!(
        run.now_or_never().is_none(),
        "a stalled call ends the first poll"
    );
}

#[tokio::test]
async fn create_reads_the_reference_and_lists_certificates_at_the_same_time() {
    let w = world();
    *w.cf.stall_on.lock().unwrap() = Some(("GetDistributionConfig", Duration::from_secs(60)));
    first_poll(w.run(&create(props(json!({})))));
    assert_eq!(w.cf.count("GetDistributionConfig"), 1);
    assert_eq!(
        w.acm.count("ListCertificates"),
        1,
        "listed while the reference was being read"
    );
    assert_eq!(w.cf.count("CreateDistributionWithTags"), 0);
}

#[tokio::test]
async fn ssm_parameters_are_written_in_every_region_at_the_same_time() {
    let w = world();
    *w.ssm.stall_puts.lock().unwrap() = Some(Duration::from_secs(60));
    first_poll(w.run(&create(props(json!({
        "SsmParameterPrefix": "/cfclone/shop",
        "SsmRegions": ["us-east-1", "ap-southeast-2"],
    })))));
    let mut puts = w.ssm.puts.lock().unwrap().clone();
    puts.sort();
    assert_eq!(
        puts,
        [
            "PutParameter ap-southeast-2 /cfclone/shop/distribution-id",
            "PutParameter us-east-1 /cfclone/shop/distribution-id",
        ],
        "one put at a time per region, the regions together"
    );
}

#[tokio::test]
async fn no_certificate_fails_naming_the_uncovered_aliases() {
    let w = world();
    let (physical, reason) = failure(
        w.run(&create(props(
            json!({"Aliases": ["shop.example.com", "api.example.io"]}),
        )))
        .await,
    );
    assert!(physical.starts_with(NOT_CREATED_PREFIX));
    assert!(
        reason.starts_with("Aliases:") && reason.contains("api.example.io"),
        "{reason}"
    );
    assert!(
        !reason.contains("shop.example.com,"),
        "only the uncovered alias is named: {reason}"
    );
    assert!(w.clones().is_empty());
}

#[tokio::test]
async fn certificates_whose_summaries_lack_sans_are_described() {
    let w = world();
    let arn = "arn:aws:acm:us-east-1:123456789012:certificate/multi";
    w.acm.add(
        certificate(arn, "example.net", &["example.net", "*.example.io"]),
        false,
    );
    let (_, data) = success(
        w.run(&create(props(json!({"Aliases": ["api.example.io"]}))))
            .await,
    );
    assert_eq!(data["CertificateArn"], arn);
    assert_eq!(w.acm.count("DescribeCertificate"), 1);
}

#[tokio::test]
async fn an_explicit_certificate_skips_the_lookup() {
    let w = world();
    let arn = "arn:aws:acm:us-east-1:123456789012:certificate/explicit";
    let (_, data) = success(w.run(&create(props(json!({"CertificateArn": arn})))).await);
    assert_eq!(data["CertificateArn"], arn);
    assert_eq!(w.acm.count("ListCertificates"), 0);
}

#[tokio::test]
async fn an_alias_in_use_elsewhere_is_explained() {
    let w = world();
    let mut other = test_support::reference();
    other.caller_reference = "other".into();
    other.aliases = Some(
        aws_sdk_cloudfront::types::Aliases::builder()
            .quantity(1)
            .items("shop.example.com")
            .build()
            .unwrap(),
    );
    w.cf.insert("EOTHER", other, vec![]);
    let (physical, reason) = failure(w.run(&create(props(json!({})))).await);
    assert!(physical.starts_with(NOT_CREATED_PREFIX));
    assert!(
        reason.starts_with("Aliases:") && reason.contains("CNAME"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_failure_after_creation_answers_with_the_clones_id_so_rollback_deletes_it() {
    let w = world();
    *w.ssm.fail_puts.lock().unwrap() = true;
    let (physical, reason) = failure(
        w.run(&create(props(
            json!({"SsmParameterPrefix": "/cfclone/shop"}),
        )))
        .await,
    );
    assert_eq!(w.clones(), vec![physical.clone()]);
    assert!(
        reason.starts_with("SsmParameterPrefix:") && reason.contains("PutParameter"),
        "{reason}"
    );
    // ... and the rollback Delete removes it.
    *w.ssm.fail_puts.lock().unwrap() = false;
    let delete = request(
        RequestType::Delete,
        Some(&physical),
        props(json!({"SsmParameterPrefix": "/cfclone/shop"})),
        None,
    );
    let mut delete = delete;
    delete.ids.request_id = "rollback".into();
    success(w.run(&delete).await);
    assert!(w.clones().is_empty());
}

// ----- Update --------------------------------------------------------------------------

async fn created(w: &World, properties: Value) -> (Request, String) {
    let request = create(properties);
    let (id, _) = success(w.run(&request).await);
    (request, id)
}

fn update(id: &str, new: Value, old: Value) -> Request {
    request(RequestType::Update, Some(id), new, Some(old))
}

#[tokio::test]
async fn update_changes_the_clone_in_place() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    let before = w.cf.get_stored(&id).unwrap();
    let new = props(
        json!({"Aliases": ["shop.example.com", "www.shop.example.com"], "OriginDomainName": "v2.example.net"}),
    );
    let (physical, _) = success(w.run(&update(&id, new, first.properties.raw.clone())).await);
    assert_eq!(physical, id);
    let after = w.cf.get_stored(&id).unwrap();
    assert_eq!(
        after.distribution.config.caller_reference,
        before.distribution.config.caller_reference
    );
    assert_eq!(after.distribution.config.aliases.unwrap().quantity, 2);
    assert_eq!(
        after.distribution.config.origins.unwrap().items[0].domain_name,
        "v2.example.net"
    );
    assert_ne!(after.distribution.etag, before.distribution.etag);
    assert_eq!(w.clones().len(), 1);
    w.reference_untouched();
}

#[tokio::test]
async fn update_reads_the_clone_the_reference_and_the_certificates_at_the_same_time() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    let (configs, lists) = (
        w.cf.count("GetDistributionConfig"),
        w.acm.count("ListCertificates"),
    );
    *w.cf.stall_on.lock().unwrap() = Some(("GetDistributionConfig", Duration::from_secs(60)));
    let new = props(json!({"OriginDomainName": "v2.example.net"}));
    first_poll(w.run(&update(&id, new, first.properties.raw.clone())));
    assert_eq!(
        w.cf.count("GetDistributionConfig") - configs,
        2,
        "the clone's and the reference's"
    );
    assert_eq!(w.acm.count("ListCertificates") - lists, 1);
    assert_eq!(w.cf.count("UpdateDistribution"), 0);
}

#[tokio::test]
async fn update_retries_when_the_clone_changed_underneath() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    w.cf.fail_next(
        "UpdateDistribution",
        ErrorKind::PreconditionFailed,
        "precondition failed",
    );
    let new = props(json!({"Comment": "second"}));
    success(w.run(&update(&id, new, first.properties.raw.clone())).await);
    assert_eq!(w.cf.count("UpdateDistribution"), 2);
    assert_eq!(
        w.cf.get_stored(&id).unwrap().distribution.config.comment,
        "second"
    );
}

#[tokio::test]
async fn update_gives_up_after_repeated_conflicts() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    for _ in 0..MAX_CONFLICT_RETRIES {
        w.cf.fail_next(
            "UpdateDistribution",
            ErrorKind::PreconditionFailed,
            "precondition failed",
        );
    }
    let (physical, reason) = failure(
        w.run(&update(
            &id,
            props(json!({"Comment": "x"})),
            first.properties.raw.clone(),
        ))
        .await,
    );
    assert_eq!(physical, id);
    assert!(reason.contains("PreconditionFailed"), "{reason}");
}

#[tokio::test]
async fn update_of_a_vanished_clone_creates_it_anew() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    w.cf.stored.lock().unwrap().remove(&id);
    let (physical, _) = success(
        w.run(&update(&id, props(json!({})), first.properties.raw.clone()))
            .await,
    );
    assert_ne!(physical, id);
    assert!(
        w.ssm.record(&id).is_none(),
        "the vanished clone's record is gone"
    );
    assert!(w.ssm.record(&physical).is_some(), "the new clone has one");
    assert_eq!(w.clones(), vec![physical]);
}

#[tokio::test]
async fn update_with_nothing_to_change_does_not_redeploy() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    let new = props(json!({"SsmParameterPrefix": "/cfclone/shop"}));
    success(w.run(&update(&id, new, first.properties.raw.clone())).await);
    assert_eq!(w.cf.count("UpdateDistribution"), 0);
    assert_eq!(
        w.ssm
            .value("eu-west-1", "/cfclone/shop/distribution-id")
            .as_deref(),
        Some(id.as_str())
    );
}

#[tokio::test]
async fn update_of_an_unchanged_clone_in_cloudfronts_own_shape_sends_nothing() {
    // The fake answers with the deprecated certificate fields, Staging=false and empty
    // ids, as CloudFront does: the plan must still compare equal.
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    #[allow(deprecated)]
    let stored = w.cf.get_stored(&id).unwrap().distribution.config;
    #[allow(deprecated)]
    let certificate = stored
        .viewer_certificate
        .as_ref()
        .unwrap()
        .certificate
        .clone();
    assert!(
        certificate.is_some(),
        "the fake answers in CloudFront's shape"
    );
    let new = props(json!({"ReferenceRevision": "2"}));
    success(w.run(&update(&id, new, first.properties.raw.clone())).await);
    assert_eq!(w.cf.count("UpdateDistribution"), 0);
    // and without aliases (CloudFront's default certificate) too
    let (first, id) = created(&w, props(json!({"Aliases": []}))).await;
    let new = props(json!({"Aliases": [], "ReferenceRevision": "2"}));
    success(w.run(&update(&id, new, first.properties.raw.clone())).await);
    assert_eq!(w.cf.count("UpdateDistribution"), 0);
}

#[tokio::test]
async fn tags_follow_an_update_and_the_ownership_tags_stay() {
    let w = world();
    let old =
        props(json!({"Tags": [{"Key": "team", "Value": "web"}, {"Key": "cost", "Value": "1"}]}));
    let (first, id) = created(&w, old.clone()).await;
    let arn = w.cf.get_stored(&id).unwrap().distribution.arn;
    // A tag someone set by hand is not the resource's to remove.
    w.cf.tag(&arn, vec![("manual".into(), "yes".into())])
        .await
        .unwrap();
    let new =
        props(json!({"Tags": [{"Key": "team", "Value": "shop"}, {"Key": "env", "Value": "prod"}]}));
    success(
        w.run(&update(&id, new.clone(), first.properties.raw.clone()))
            .await,
    );
    let mut tags = w.cf.get_stored(&id).unwrap().tags;
    tags.sort();
    let keys: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        keys,
        vec![
            (OWNER_LOGICAL_ID_TAG, "ShopClone"),
            (OWNER_STACK_TAG, STACK),
            ("env", "prod"),
            ("manual", "yes"),
            ("team", "shop"),
        ]
    );
    assert_eq!(
        w.cf.count("UpdateDistribution"),
        0,
        "tags alone redeploy nothing"
    );
    // Unchanged tags call nothing.
    let calls = w.cf.calls().len();
    success(w.run(&update(&id, new.clone(), new)).await);
    let later: Vec<String> = w.cf.calls()[calls..].to_vec();
    assert!(
        !later.iter().any(|c| c.starts_with("TagResource")
            || c.starts_with("UntagResource")
            || c.starts_with("ListTagsForResource")),
        "{later:?}"
    );
}

#[tokio::test]
async fn a_certificate_cloudfront_cannot_see_yet_is_retried_for_a_while() {
    let w = world();
    for _ in 0..3 {
        w.cf.fail_next(
            "CreateDistributionWithTags",
            ErrorKind::NotYetConsistent,
            "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a valid certificate chain.",
        );
    }
    let before = w.clock.now_ms();
    success(w.run(&create(props(json!({})))).await);
    assert_eq!(w.cf.count("CreateDistributionWithTags"), 4);
    assert!(w.clock.now_ms() - before >= 2_000 + 4_000 + 8_000);
}

#[tokio::test]
async fn a_certificate_that_stays_invisible_fails_after_about_a_minute() {
    let w = world();
    for _ in 0..30 {
        w.cf.fail_next(
            "CreateDistributionWithTags",
            ErrorKind::NotYetConsistent,
            "The specified SSL certificate doesn't exist.",
        );
    }
    let before = w.clock.now_ms();
    let (physical, reason) = failure(w.run(&create(props(json!({})))).await);
    assert!(physical.starts_with(NOT_CREATED_PREFIX));
    assert!(reason.contains("SSL certificate"), "{reason}");
    let spent = Duration::from_millis(w.clock.now_ms() - before);
    assert!(spent <= CONSISTENCY_WINDOW, "{spent:?}");
    assert!(spent >= Duration::from_secs(40), "{spent:?}");
}

#[tokio::test]
async fn oac_buckets_are_answered_as_an_attribute() {
    let w = world();
    let (_, data) = success(w.run(&create(props(json!({})))).await);
    assert_eq!(data["OriginAccessControlBuckets"], "shop-assets");
}

#[tokio::test]
async fn update_moves_the_ssm_parameters_with_the_prefix_and_regions() {
    let w = world();
    let old = props(
        json!({"SsmParameterPrefix": "/cfclone/old", "SsmRegions": ["eu-west-1", "us-west-2"]}),
    );
    let (_, id) = created(&w, old.clone()).await;
    let new = props(json!({"SsmParameterPrefix": "/cfclone/new", "SsmRegions": ["eu-west-1"]}));
    success(w.run(&update(&id, new, old)).await);
    for region in ["eu-west-1", "us-west-2"] {
        assert_eq!(
            w.ssm.value(region, "/cfclone/old/distribution-id"),
            None,
            "{region}"
        );
    }
    assert_eq!(
        w.ssm
            .value("eu-west-1", "/cfclone/new/distribution-id")
            .as_deref(),
        Some(id.as_str())
    );
    assert_eq!(w.ssm.len(), 4);
}

#[tokio::test]
async fn a_rollback_update_restores_the_previous_configuration() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    let original = w.cf.get_stored(&id).unwrap().distribution.config;
    let new = props(json!({"OriginDomainName": "v2.example.net", "PriceClass": "PriceClass_100"}));
    success(
        w.run(&update(&id, new.clone(), first.properties.raw.clone()))
            .await,
    );
    success(w.run(&update(&id, first.properties.raw.clone(), new)).await);
    assert_eq!(w.cf.get_stored(&id).unwrap().distribution.config, original);
}

#[tokio::test]
async fn update_refuses_to_touch_the_reference() {
    let w = world();
    let (_, reason) = failure(
        w.run(&update(REFERENCE_ID, props(json!({})), props(json!({}))))
            .await,
    );
    assert!(reason.contains("never modified"), "{reason}");
    w.reference_untouched();
}

#[tokio::test]
async fn bad_properties_on_update_keep_the_physical_id() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    let (physical, reason) = failure(
        w.run(&update(
            &id,
            props(json!({"PriceClass": "cheap"})),
            first.properties.raw.clone(),
        ))
        .await,
    );
    assert_eq!(physical, id);
    assert!(reason.starts_with("PriceClass:"), "{reason}");
}

// ----- Delete --------------------------------------------------------------------------

fn delete(id: &str, properties: Value) -> Request {
    request(RequestType::Delete, Some(id), properties, None)
}

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

// ----- WaitForDeployment --------------------------------------------------------------

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
            include_str!("../../../examples/events/cloudformation-create-request.json"),
            RequestType::Create,
        ),
        (
            "update",
            include_str!("../../../examples/events/cloudformation-update-request.json"),
            RequestType::Update,
        ),
        (
            "delete",
            include_str!("../../../examples/events/cloudformation-delete-request.json"),
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

// ----- Records and the fleet's reads -------------------------------------------------------

fn delete_request(id: &str, properties: Value) -> Request {
    request(RequestType::Delete, Some(id), properties, None)
}

#[tokio::test]
async fn create_update_and_delete_keep_the_clones_record() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    let record = w.ssm.record(&id).expect("Create keeps a record");
    assert_eq!(record.reference_distribution_id, REFERENCE_ID);
    assert_eq!(
        record.reference_revision,
        crate::fields::revision(&test_support::reference())
    );
    assert_eq!(record.properties["Aliases"], json!(["shop.example.com"]));
    let clone = w.cf.get_stored(&id).unwrap().distribution;
    assert_eq!(record.applied, crate::fields::digests(&clone.config));

    let new = props(json!({"Comment": "v2"}));
    success(
        w.run(&update(&id, new.clone(), first.properties.raw.clone()))
            .await,
    );
    let updated = w.ssm.record(&id).unwrap();
    assert_eq!(updated.properties["Comment"], "v2");
    assert_ne!(updated.applied, record.applied);

    success(w.run(&delete_request(&id, new)).await);
    assert!(w.ssm.record(&id).is_none(), "Delete removes the record");
}

#[tokio::test]
async fn a_record_that_cannot_be_kept_fails_with_the_clones_id_and_the_permission() {
    let w = world();
    *w.ssm.fail_record_puts.lock().unwrap() = true;
    let (physical, reason) = failure(w.run(&create(props(json!({})))).await);
    assert_eq!(
        w.clones(),
        vec![physical.clone()],
        "answered with the clone's id"
    );
    assert!(
        reason.contains("/cfclone/records/") && reason.contains("ssm:PutParameter"),
        "{reason}"
    );
}

fn reader(w: &World) -> Lifecycle<'_> {
    Lifecycle {
        aws: &w.aws,
        budget: w.budget(Duration::from_secs(600), Duration::from_secs(600)),
    }
}

#[tokio::test]
async fn diff_tells_a_reference_edit_from_a_hand_edit_and_a_sync_request_is_the_stacks_update() {
    let w = world();
    let (_, id) = created(&w, props(json!({}))).await;
    assert!(reader(&w).diff(&id).await.unwrap().in_sync());

    let mut moved = test_support::reference();
    moved.default_root_object = Some("home.html".into());
    w.cf.insert(REFERENCE_ID, moved, vec![]);
    let state = reader(&w).diff(&id).await.unwrap();
    assert_eq!(state.differences.len(), 1, "{:?}", state.differences);
    assert_eq!(state.differences[0].change.field, "DefaultRootObject");
    assert!(state.drifted().is_empty());
    assert_ne!(state.reference_revision, state.record.reference_revision);

    // The sync's request is an Update of the clone's own resource with its recorded
    // properties; the event it carries (a continuation's) reads back as the same request.
    let request = state.sync_request(true);
    let reread = crate::event::parse(request.raw.clone()).unwrap().request;
    assert_eq!(
        (
            reread.request_type,
            &reread.ids,
            &reread.physical_resource_id
        ),
        (
            request.request_type,
            &request.ids,
            &request.physical_resource_id
        )
    );
    assert_eq!(request.request_type, RequestType::Update);
    assert_eq!(request.physical_resource_id.as_deref(), Some(id.as_str()));
    assert_eq!(request.ids.stack_id, STACK);
    assert_eq!(request.ids.logical_resource_id, "ShopClone");
    success(w.run(&request).await);
    assert!(
        reader(&w).diff(&id).await.unwrap().in_sync(),
        "the sync applied the plan"
    );
    assert!(
        !w.cf
            .calls()
            .iter()
            .any(|c| c.starts_with("UpdateDistribution EREF")),
        "the reference is never written"
    );
}

#[tokio::test]
async fn the_fleet_lists_only_cfclones_own_clones() {
    let w = world();
    let (_, id) = created(&w, props(json!({}))).await;
    let listed = reader(&w).list(None).await.unwrap();
    assert_eq!(
        listed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        [id.as_str()]
    );
    assert!(reader(&w).list(Some("EOTHER")).await.unwrap().is_empty());
    let refused = reader(&w).diff(REFERENCE_ID).await.unwrap_err();
    assert!(
        refused.reason().contains("not a clone cfclone made"),
        "{}",
        refused.reason()
    );
}

#[tokio::test]
async fn a_fleet_lists_with_one_read_of_its_reference_and_of_the_certificates() {
    let w = world();
    // Two clones with an alias each (the certificate covers both), one without.
    for aliases in [
        json!(["shop.example.com"]),
        json!(["www.shop.example.com"]),
        json!([]),
    ] {
        let mut request = create(props(json!({"Aliases": aliases})));
        request.ids.logical_resource_id = format!("Clone{}", uuid::Uuid::new_v4().simple());
        success(w.run(&request).await);
    }
    let before_lists = w.acm.count("ListCertificates");
    let reference_reads = |w: &World| {
        w.cf.calls()
            .iter()
            .filter(|c| *c == &format!("GetDistributionConfig {REFERENCE_ID}"))
            .count()
    };
    let before_reads = reference_reads(&w);
    let listed = reader(&w).list(None).await.unwrap();
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().all(CloneState::in_sync));
    assert_eq!(w.acm.count("ListCertificates") - before_lists, 1);
    assert_eq!(reference_reads(&w) - before_reads, 1);
}

mod certificates;
mod members;
mod preflight;
mod rollback;
