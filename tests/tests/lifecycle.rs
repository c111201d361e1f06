//! Create, Update and Delete of `Custom::ClonedDistribution` with the real provider binary
//! under a local Lambda, against moto.

use cfclone_e2e::seed::{API_ORIGIN_DOMAIN, API_ORIGIN_ID, API_ORIGIN_PATH, ASSETS_ORIGIN_ID};
use cfclone_e2e::{Harness, NOT_CREATED_PREFIX, Reference, props, with};
use serde_json::json;

/// The reference's configuration must never change, whatever the provider did.
async fn assert_reference_untouched(h: &Harness, reference: &Reference) {
    assert_eq!(
        h.aws.distribution_config(&reference.id).await,
        reference.config,
        "the reference distribution's configuration changed"
    );
}

/// The ResponseURL's query string (a credential) must never reach the logs.
fn assert_no_signature_in_logs(h: &Harness, events: &[&cfclone_e2e::Event]) {
    let logs = h.logs();
    assert!(!logs.is_empty(), "the provider wrote no logs");
    for event in events {
        let query = event.response_url_query();
        assert!(query.contains("X-Amz-Signature="), "a pre-signed URL");
        let signature = query
            .split('&')
            .find_map(|p| p.strip_prefix("X-Amz-Signature="))
            .expect("a signature");
        for line in &logs {
            assert!(
                !line.contains(signature) && !line.contains(query),
                "the ResponseURL's query string appears in the logs: {line}"
            );
        }
    }
    for line in &logs {
        assert!(
            !line.contains("X-Amz-Credential") && !line.contains("X-Amz-Signature"),
            "a pre-signed URL's credential appears in the logs: {line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_update_delete_round_trip() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let certificate = h
        .issue_certificate("shop.example.com", &["*.shop.example.com"])
        .await;

    // Create
    let created_props = with(
        props(&reference.id, &["shop.example.com"]),
        "OriginDomainName",
        "shop-api.example.net",
    );
    let create = h.create("ShopDistribution", created_props.clone()).await;
    let response = h.send(&create).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    let id = response.physical_resource_id.clone();
    assert_eq!(response.data["DistributionId"], id);
    assert_eq!(response.data["CertificateArn"], certificate);
    assert_eq!(response.data["ReferenceDistributionId"], reference.id);
    assert_eq!(response.request_id, create.request_id());
    assert_eq!(response.stack_id, h.stack.id);
    assert_eq!(response.logical_resource_id, "ShopDistribution");
    assert!(
        response.data["DomainName"].ends_with(".cloudfront.net"),
        "{:?}",
        response.data
    );
    assert!(response.data["Arn"].ends_with(&format!("distribution/{id}")));

    let clone = h.aws.distribution(&id).await.expect("the clone exists");
    assert_eq!(clone.aliases(), ["shop.example.com"]);
    assert_eq!(clone.certificate_arn().as_deref(), Some(certificate.as_str()));
    assert_eq!(
        clone.origin(API_ORIGIN_ID),
        Some(("shop-api.example.net".into(), API_ORIGIN_PATH.into())),
        "the default behaviour's origin gets the new domain and keeps its path"
    );
    assert_eq!(
        clone.behaviours(),
        h.aws
            .distribution(&reference.id)
            .await
            .expect("the reference")
            .behaviours(),
        "every cache behaviour is copied"
    );
    assert!(clone.origin(ASSETS_ORIGIN_ID).is_some());
    assert_ne!(
        clone.config.caller_reference, reference.config.caller_reference,
        "the clone has its own CallerReference"
    );
    let tags = h.aws.tags(&clone.arn).await;
    assert_eq!(tags["cfclone:stack-id"], h.stack.id);
    assert_eq!(tags["cfclone:logical-id"], "ShopDistribution");

    // Update: a new origin domain and one more alias; the clone keeps its id.
    let updated_props = with(
        with(
            created_props.clone(),
            "Aliases",
            json!(["shop.example.com", "www.shop.example.com"]),
        ),
        "OriginDomainName",
        "shop-api-v2.example.net",
    );
    let update = h
        .update(
            "ShopDistribution",
            &id,
            updated_props.clone(),
            created_props.clone(),
        )
        .await;
    let response = h.send(&update).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert_eq!(response.physical_resource_id, id, "updated in place");
    let clone = h.aws.distribution(&id).await.expect("the clone exists");
    assert_eq!(
        clone.aliases(),
        ["shop.example.com", "www.shop.example.com"]
    );
    assert_eq!(
        clone.origin(API_ORIGIN_ID),
        Some(("shop-api-v2.example.net".into(), API_ORIGIN_PATH.into()))
    );
    assert_eq!(
        clone.certificate_arn().as_deref(),
        Some(certificate.as_str()),
        "the wildcard certificate covers the new alias"
    );
    let mut ids = h.aws.distribution_ids().await;
    ids.sort();
    let mut expected = vec![reference.id.clone(), id.clone()];
    expected.sort();
    assert_eq!(ids, expected, "an update never makes a second distribution");

    // Delete
    let delete = h
        .delete("ShopDistribution", &id, updated_props.clone())
        .await;
    let response = h.send(&delete).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert_eq!(response.physical_resource_id, id);
    assert!(h.aws.distribution(&id).await.is_none(), "the clone is gone");
    assert_eq!(h.aws.distribution_ids().await, [reference.id.clone()]);

    assert_reference_untouched(&h, &reference).await;
    assert_no_signature_in_logs(&h, &[&create, &update, &delete]);
    let _ = API_ORIGIN_DOMAIN;
}
