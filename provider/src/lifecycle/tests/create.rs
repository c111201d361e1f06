//! Create: a tagged clone, its attributes and SSM outputs, redelivery, refusals, and the reads a Create makes at the same time.

use super::*;

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
    let puts = w.ssm.puts.lock().unwrap().clone();
    assert_eq!(
        puts.len(),
        8,
        "every output of every region begun in one round, beside the record: {puts:?}"
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
