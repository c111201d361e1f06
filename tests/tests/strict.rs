//! What only the strict emulator shows: AWS's answers where stock moto is lenient
//! (DistributionNotDisabled after deployment, CloudFront's own configuration shape,
//! throttling, eventual consistency, refused input, access denied), and the provider's
//! fixes for each.

use cfclone_e2e::moto::{Fault, Progression};
use cfclone_e2e::seed::{ASSETS_BUCKET, ASSETS_ORIGIN_ACCESS_CONTROL, ASSETS_ORIGIN_ID};
use cfclone_e2e::{Harness, Options, Reference, Source, props, with};
use serde_json::json;
use std::time::Duration;

async fn assert_reference_untouched(h: &Harness, reference: &Reference) {
    assert_eq!(
        h.aws.distribution_config(&reference.id).await,
        reference.config,
        "the reference distribution's configuration changed"
    );
}

/// A harness with a reference and a certificate for shop.example.com.
async fn shop() -> (Harness, Reference, String) {
    shop_with(Options::default()).await
}

async fn shop_with(options: Options) -> (Harness, Reference, String) {
    let h = Harness::start_with(options).await;
    let reference = h.seed_reference().await;
    let certificate = h.issue_certificate("shop.example.com", &[]).await;
    // The calls a test counts are the provider's, not the seeding's.
    h.moto.clear_calls().await;
    (h, reference, certificate)
}

/// Creates the clone of shop.example.com; returns its id and the properties used.
async fn create_shop(
    h: &Harness,
    reference: &Reference,
    extra: serde_json::Value,
) -> (String, serde_json::Value) {
    let mut properties = props(&reference.id, &["shop.example.com"]);
    for (k, v) in extra.as_object().expect("an object") {
        properties[k] = v.clone();
    }
    let response = h
        .send(&h.create("Shop", properties.clone()).await)
        .await
        .only();
    assert_eq!(
        response.status,
        "SUCCESS",
        "{}\n{}",
        response.reason(),
        h.diagnostics()
    );
    (response.physical_resource_id, properties)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oac_clone_keeps_its_origin_access_control_and_names_the_bucket_to_grant() {
    let (h, reference, _) = shop().await;
    let response = h
        .send(
            &h.create("Shop", props(&reference.id, &["shop.example.com"]))
                .await,
        )
        .await
        .only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert_eq!(response.data["OriginAccessControlBuckets"], ASSETS_BUCKET);
    let config = h
        .aws
        .distribution_config(&response.physical_resource_id)
        .await;
    let assets = config
        .origins
        .unwrap()
        .items
        .into_iter()
        .find(|o| o.id == ASSETS_ORIGIN_ID)
        .unwrap();
    assert_eq!(
        assets.origin_access_control_id.as_deref(),
        Some(ASSETS_ORIGIN_ACCESS_CONTROL),
        "origin access control survives the round trip"
    );
    assert!(assets.s3_origin_config.is_some());
    assert!(
        h.logs()
            .iter()
            .any(|l| l.contains("origin access control") && l.contains(ASSETS_BUCKET)),
        "a log line names the bucket whose policy needs the clone's ARN"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_ca_and_cloudfront_managed_certificates_are_never_chosen() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let issued = h.issue_certificate("shop.example.com", &[]).await;
    let private = h.issue_certificate("shop.example.com", &[]).await;
    h.moto.set_certificate_kind(&private, "PRIVATE", None).await;
    let tenant = h.issue_certificate("*.example.com", &[]).await;
    h.moto
        .set_certificate_kind(&tenant, "AMAZON_ISSUED", Some("CLOUDFRONT"))
        .await;
    let imported = h
        .issue_certificate("shop.example.com", &["www.shop.example.com"])
        .await;
    h.moto
        .set_certificate_kind(&imported, "IMPORTED", None)
        .await;

    let response = h
        .send(
            &h.create("Shop", props(&reference.id, &["shop.example.com"]))
                .await,
        )
        .await
        .only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert_eq!(
        response.data["CertificateArn"], issued,
        "ACM-issued, not private ({private}), tenant ({tenant}) or imported ({imported})"
    );

    // Only the imported one covers www: it is taken when nothing ACM-issued does.
    let response = h
        .send(
            &h.create("Www", props(&reference.id, &["www.shop.example.com"]))
                .await,
        )
        .await
        .only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert_eq!(response.data["CertificateArn"], imported);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_waits_out_distribution_not_disabled_after_deployment() {
    let (h, reference, _) = shop().await;
    let (id, properties) = create_shop(&h, &reference, json!({})).await;
    h.moto
        .set_distribution_progression(Progression::Immediate)
        .await;
    h.moto
        .inject(
            Fault::new(
                "cloudfront",
                "DeleteDistribution",
                "DistributionNotDisabled",
                3,
            )
            .status(409),
        )
        .await;
    let response = h
        .send(&h.delete("Shop", &id, properties).await)
        .await
        .only();
    assert_eq!(
        response.status,
        "SUCCESS",
        "{}\n{}",
        response.reason(),
        h.diagnostics()
    );
    assert!(h.aws.distribution(&id).await.is_none());
    let deletes = h.moto.statuses("DeleteDistribution").await;
    assert_eq!(
        deletes,
        [409, 409, 409, 204],
        "three refusals waited out, then deleted"
    );
    assert_reference_untouched(&h, &reference).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_that_changes_nothing_sends_no_update_distribution() {
    let (h, reference, _) = shop().await;
    let (id, properties) = create_shop(&h, &reference, json!({})).await;
    #[allow(deprecated)]
    let certificate = h
        .aws
        .distribution_config(&id)
        .await
        .viewer_certificate
        .and_then(|v| v.certificate);
    assert!(
        certificate.is_some(),
        "the emulator answers the deprecated fields, as AWS does"
    );
    let new = with(properties.clone(), "WaitForDeployment", "false");
    let response = h
        .send(&h.update("Shop", &id, new, properties).await)
        .await
        .only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert_eq!(h.moto.count("UpdateDistribution").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_from_cloudfront_and_acm_is_absorbed() {
    let (h, reference, _) = shop_with(Options {
        function_timeout: Duration::from_secs(60),
        ..Options::default()
    })
    .await;
    h.moto
        .inject(Fault::new(
            "cloudfront",
            "GetDistributionConfig",
            "Throttling",
            1,
        ))
        .await;
    h.moto
        .inject(Fault::new(
            "cloudfront",
            "CreateDistributionWithTags",
            "Throttling",
            2,
        ))
        .await;
    h.moto
        .inject(Fault::new(
            "acm",
            "ListCertificates",
            "ThrottlingException",
            2,
        ))
        .await;
    let (id, _) = create_shop(&h, &reference, json!({})).await;
    assert!(h.aws.distribution(&id).await.is_some());
    let throttled = h
        .moto
        .calls()
        .await
        .iter()
        .filter(|c| c.status == 400)
        .count();
    assert_eq!(throttled, 5, "every injected throttle was met and retried");
    assert!(h.abnormal_invocations().is_empty(), "{}", h.diagnostics());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_second_function_sees_a_25_second_deployment_through() {
    let (h, reference, _) = shop_with(Options {
        function_timeout: Duration::from_secs(10),
        poll_interval: Duration::from_secs(12),
        settle_timeout: Duration::from_secs(120),
        ..Options::default()
    })
    .await;
    h.moto
        .set_distribution_progression(Progression::After(Duration::from_secs(25)))
        .await;
    let (id, _) = create_shop(&h, &reference, json!({"WaitForDeployment": "true"})).await;
    assert_eq!(h.aws.distribution(&id).await.unwrap().status, "Deployed");
    let hand_offs = h.hand_offs();
    assert!(
        (2..=8).contains(&hand_offs),
        "a few short waits, each in its own invocation ({hand_offs} hand-offs)"
    );
    assert!(h.abnormal_invocations().is_empty(), "{}", h.diagnostics());
    // Every invocation that handed off had waited first.
    let waits = h
        .logs()
        .iter()
        .filter(|l| l.contains("waiting for CloudFront"))
        .count();
    assert!(waits > hand_offs, "{waits} looks for {hand_offs} hand-offs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_cloudfront_does_not_see_yet_is_retried() {
    let (h, reference, _) = shop().await;
    h.moto
        .inject(
            Fault::new("cloudfront", "CreateDistributionWithTags", "InvalidViewerCertificate", 2)
                .status(400)
                .message("The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a valid certificate chain."),
        )
        .await;
    create_shop(&h, &reference, json!({})).await;
    let creates = h.moto.statuses("CreateDistributionWithTags").await;
    assert_eq!(creates, [400, 400, 201]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_follow_an_update_and_the_ownership_tags_stay() {
    let (h, reference, _) = shop().await;
    let tags = json!([{"Key": "team", "Value": "web"}, {"Key": "cost-centre", "Value": "42"}]);
    let (id, properties) = create_shop(&h, &reference, json!({"Tags": tags})).await;
    let arn = h.aws.distribution(&id).await.unwrap().arn;
    let new = with(
        properties.clone(),
        "Tags",
        json!([{"Key": "team", "Value": "shop"}, {"Key": "env", "Value": "prod"}]),
    );
    let response = h
        .send(&h.update("Shop", &id, new, properties).await)
        .await
        .only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    let tags = h.aws.tags(&arn).await;
    assert_eq!(tags.get("team").map(String::as_str), Some("shop"));
    assert_eq!(tags.get("env").map(String::as_str), Some("prod"));
    assert!(!tags.contains_key("cost-centre"), "{tags:?}");
    assert!(tags.contains_key("cfclone:stack-id") && tags.contains_key("cfclone:logical-id"));
    assert_eq!(
        h.moto.count("UpdateDistribution").await,
        0,
        "tags alone redeploy nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn continuations_invoke_the_alias_the_event_came_through() {
    let (h, reference, _) = shop_with(Options {
        qualifier: Some("live".into()),
        function_timeout: Duration::from_secs(4),
        ..Options::default()
    })
    .await;
    h.moto
        .set_distribution_progression(Progression::Manual(40))
        .await;
    create_shop(&h, &reference, json!({"WaitForDeployment": "true"})).await;
    let continued: Vec<String> = h
        .lambda
        .invocations()
        .into_iter()
        .filter(|i| i.source == Source::InvokeApi)
        .map(|i| i.function)
        .collect();
    assert!(!continued.is_empty(), "{}", h.diagnostics());
    let alias = format!("{}:live", h.lambda.function_arn());
    assert!(continued.iter().all(|f| *f == alias), "{continued:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_aws_would_refuse_is_refused_first_naming_the_property() {
    let (h, reference, _) = shop().await;
    let cases = [
        (
            "Tags",
            json!([{"Key": "aws:owner", "Value": "me"}]),
            "reserved by AWS",
        ),
        (
            "Tags",
            json!([{"Key": "owner", "Value": "a;b"}]),
            "contains ';'",
        ),
        (
            "WebAclId",
            json!("473e64fd-f30b-4765-81a0-62ad96dd167a"),
            "WAF Classic",
        ),
        (
            "SsmParameterPrefix",
            json!("/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o"),
            "at most 15",
        ),
    ];
    for (property, value, says) in cases {
        let properties = with(props(&reference.id, &["shop.example.com"]), property, value);
        let response = h.send(&h.create("Shop", properties).await).await.only();
        assert_eq!(response.status, "FAILED");
        assert!(
            response.reason().starts_with(&format!("{property}: "))
                && response.reason().contains(says),
            "{}",
            response.reason()
        );
    }
    assert_eq!(h.moto.count("CreateDistributionWithTags").await, 0);
    assert_eq!(h.aws.distribution_ids().await, [reference.id.as_str()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_dash_region_bucket_endpoint_is_an_s3_origin() {
    let (h, reference, _) = shop().await;
    let (id, _) = create_shop(
        &h,
        &reference,
        json!({"Origins": [{"Id": ASSETS_ORIGIN_ID, "DomainName": "tenant-assets.s3-eu-west-1.amazonaws.com"}]}),
    )
    .await;
    let config = h.aws.distribution_config(&id).await;
    let assets = config
        .origins
        .unwrap()
        .items
        .into_iter()
        .find(|o| o.id == ASSETS_ORIGIN_ID)
        .unwrap();
    assert_eq!(
        assets.domain_name,
        "tenant-assets.s3-eu-west-1.amazonaws.com"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alias_whose_dns_points_at_another_distribution_is_explained() {
    let (h, reference, _) = shop().await;
    h.moto
        .inject(
            // The code captured responses show for it (the docs give only the message).
            Fault::new("cloudfront", "CreateDistributionWithTags", "CNAMEAlreadyExists", 1)
                .status(409)
                .message("One or more aliases specified for the distribution includes an incorrectly configured DNS record that points to another CloudFront distribution. You must update the DNS record to correct the problem."),
        )
        .await;
    let response = h
        .send(
            &h.create("Shop", props(&reference.id, &["shop.example.com"]))
                .await,
        )
        .await
        .only();
    assert_eq!(response.status, "FAILED");
    assert!(
        response.reason().starts_with("Aliases: ") && response.reason().contains("associate-alias"),
        "{}",
        response.reason()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_names_the_permission_the_reference_needs() {
    let (h, reference, _) = shop().await;
    h.moto
        .inject(
            Fault::new("cloudfront", "CreateDistributionWithTags", "AccessDenied", 1)
                .status(403)
                .message("User: arn:aws:sts::123456789012:assumed-role/cfclone/x is not authorized to perform: s3:PutBucketAcl"),
        )
        .await;
    let response = h
        .send(
            &h.create("Shop", props(&reference.id, &["shop.example.com"]))
                .await,
        )
        .await
        .only();
    assert_eq!(response.status, "FAILED");
    let reason = response.reason();
    assert!(
        reason.contains("s3:PutBucketAcl") && reason.contains("logBuckets"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_etag_is_read_again_and_the_update_lands() {
    let (h, reference, _) = shop().await;
    let (id, properties) = create_shop(&h, &reference, json!({})).await;
    h.moto
        .inject(Fault::new("cloudfront", "UpdateDistribution", "PreconditionFailed", 1).status(412))
        .await;
    let new = with(properties.clone(), "Comment", "shop, second edition");
    let response = h
        .send(&h.update("Shop", &id, new, properties).await)
        .await
        .only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert_eq!(
        h.aws.distribution_config(&id).await.comment,
        "shop, second edition"
    );
    let updates = h.moto.statuses("UpdateDistribution").await;
    assert_eq!(updates, [412, 200]);
    assert_reference_untouched(&h, &reference).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_are_found_across_pages_and_cut_short_summaries_are_described() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    for i in 0..4 {
        h.issue_certificate(&format!("other{i}.example.org"), &[])
            .await;
    }
    // The one that covers both aliases comes last. Its summary shows one SAN of the
    // three (in whatever order moto keeps them), and covering both aliases takes two: so
    // the summary cannot decide, and the certificate must be described.
    let aliases = ["www.shop.example.com", "api.shop.example.com"];
    let wanted = h
        .issue_certificate(
            "shop.example.com",
            &["shop.example.com", aliases[0], aliases[1]],
        )
        .await;
    h.moto.set_acm_limits(2, 1).await;
    h.moto.clear_calls().await;
    let response = h
        .send(&h.create("Shop", props(&reference.id, &aliases)).await)
        .await
        .only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert_eq!(response.data["CertificateArn"], wanted);
    let calls = h.moto.calls().await;
    let pages = calls
        .iter()
        .filter(|c| c.operation == "ListCertificates")
        .count();
    assert!(pages >= 3, "every page was read ({pages})");
    assert!(
        calls.iter().any(|c| c.operation == "DescribeCertificate"),
        "a summary cut short is described: {calls:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alias_another_distribution_has_is_refused_naming_aliases() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let foreign = cfclone_e2e::seed::foreign_distribution(&h.aws, &[]).await;
    let alias = foreign
        .config
        .aliases
        .as_ref()
        .unwrap()
        .items
        .clone()
        .unwrap()[0]
        .clone();
    h.issue_certificate(&alias, &[]).await;
    let response = h
        .send(
            &h.create("Blog", props(&reference.id, &[alias.as_str()]))
                .await,
        )
        .await
        .only();
    assert_eq!(response.status, "FAILED");
    assert!(
        response.reason().starts_with("Aliases: ")
            && response.reason().contains("CNAMEAlreadyExists"),
        "{}",
        response.reason()
    );
    assert!(
        response
            .physical_resource_id
            .starts_with(cfclone_e2e::NOT_CREATED_PREFIX)
    );
    assert_eq!(
        h.aws.distribution_ids().await.len(),
        2,
        "nothing new was made"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_tenant_reference_is_refused_pointing_to_tenants() {
    let h = Harness::start().await;
    let certificate = h.issue_certificate("www.example.com", &[]).await;
    let mut config = cfclone_e2e::seed::reference_config("tenant-template", &certificate);
    config.connection_mode = Some(aws_sdk_cloudfront::types::ConnectionMode::TenantOnly);
    let template = cfclone_e2e::seed::distribution(&h.aws, config, &[]).await;
    h.issue_certificate("shop.example.com", &[]).await;
    let response = h
        .send(
            &h.create("Shop", props(&template.id, &["shop.example.com"]))
                .await,
        )
        .await
        .only();
    assert_eq!(response.status, "FAILED");
    assert!(
        response.reason().starts_with("ReferenceDistributionId: ")
            && response.reason().contains("tenant"),
        "{}",
        response.reason()
    );
}
