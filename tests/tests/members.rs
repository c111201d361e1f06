//! Members of a configuration newer than this build (a field CloudFront added after the
//! SDK cfclone was built with): the emulator answers them in the raw XML as CloudFront
//! would; the SDK drops them, so a clone would lack them and an UpdateDistribution would
//! wipe them. Create and Update refuse, naming each member; `plan` and `diff` report them.

use cfclone_e2e::{Harness, Reference, props, with};
use serde_json::Value;

const MEMBER_XML: &str = "<FutureFeature><Enabled>true</Enabled></FutureFeature>";
const MEMBER: &str = "DistributionConfig/FutureFeature";
/// A real one: CustomOriginConfig's `OriginHttpVersion` is in botocore's model and not in
/// aws-sdk-cloudfront 1.141 ("If you use a version of an AWS SDK … that doesn't support this
/// field, an update that sends back a configuration you got from CloudFront removes the
/// value", its documentation there).
const HTTP2_XML: &str = "<OriginHttpVersion>http2</OriginHttpVersion>";
const HTTP2: &str = "DistributionConfig/Origins/Items/Origin/CustomOriginConfig/OriginHttpVersion";

async fn shop() -> (Harness, Reference) {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &[]).await;
    (h, reference)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reference_with_a_newer_member_is_not_cloned_and_plan_says_why() {
    let (h, reference) = shop().await;
    h.moto
        .set_unknown_members(&reference.id, HTTP2_XML, "</CustomOriginConfig>")
        .await;
    h.moto.clear_calls().await;

    let properties = props(&reference.id, &["shop.example.com"]);
    let response = h.send(&h.create("Shop", properties).await).await.only();
    assert_eq!(response.status, "FAILED");
    let reason = response.reason();
    assert!(
        reason.starts_with("ReferenceDistributionId:")
            && reason.contains(HTTP2)
            && reason.contains("upgrade cfclone"),
        "{reason}"
    );
    assert_eq!(h.moto.count("CreateDistributionWithTags").await, 0);

    let plan = h
        .cli(&[
            "plan",
            "--reference",
            &reference.id,
            "--alias",
            "shop.example.com",
        ])
        .await;
    assert_ne!(plan.code, 0, "{}", plan.stdout);
    assert!(plan.stderr.contains(HTTP2), "{}", plan.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_that_would_wipe_a_clones_newer_member_is_refused() {
    let (h, reference) = shop().await;
    let properties = props(&reference.id, &["shop.example.com"]);
    let created = h
        .send(&h.create("Shop", properties.clone()).await)
        .await
        .only();
    assert_eq!(created.status, "SUCCESS", "{}", created.reason());
    let id = created.physical_resource_id;
    // No false alarm: the emulator's own answers hold nothing the SDK does not know.
    let diff = h.cli(&["diff", &id, "--output", "json"]).await;
    assert_eq!(diff.code, 0, "{}\n{}", diff.stdout, diff.stderr);
    assert_eq!(diff.json()["unknownMembers"], Value::Array(vec![]));

    h.moto
        .set_unknown_members(&id, MEMBER_XML, "</DistributionConfig>")
        .await;
    let diff = h.cli(&["diff", &id, "--output", "json"]).await;
    assert_eq!(diff.json()["unknownMembers"][0], MEMBER, "{}", diff.stdout);
    let text = h.cli(&["diff", &id]).await;
    assert!(text.stdout.contains(MEMBER), "{}", text.stdout);

    h.moto.clear_calls().await;
    let changed = with(properties.clone(), "OriginDomainName", "v2.example.net");
    let response = h
        .send(&h.update("Shop", &id, changed, properties.clone()).await)
        .await
        .only();
    assert_eq!(response.status, "FAILED");
    assert!(
        response.reason().starts_with("UpdateDistribution:")
            && response.reason().contains(MEMBER)
            && response.reason().contains(&id),
        "{}",
        response.reason()
    );
    assert_eq!(h.moto.count("UpdateDistribution").await, 0);

    // An Update that changes nothing sends nothing, so it goes through.
    let same = with(properties.clone(), "WaitForDeployment", "false");
    let response = h
        .send(&h.update("Shop", &id, same, properties).await)
        .await
        .only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert_eq!(h.moto.count("UpdateDistribution").await, 0);
}
