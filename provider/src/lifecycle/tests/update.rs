//! Update: in place, conflicts retried, nothing sent when nothing changes, tags and SSM outputs follow, the reference never touched.

use super::*;

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

#[tokio::test]
async fn an_update_writes_only_the_outputs_whose_values_change() {
    let w = world();
    let outputs =
        json!({"SsmParameterPrefix": "/cfclone/shop", "SsmRegions": ["eu-west-1", "us-west-2"]});
    let (first, id) = created(&w, props(outputs.clone())).await;
    assert_eq!(
        w.ssm.puts.lock().unwrap().len(),
        8,
        "a Create writes them all"
    );

    // A new origin changes the clone, not one of its outputs.
    let mut moved = props(outputs.clone());
    moved["OriginDomainName"] = json!("shop-api-2.example.net");
    success(
        w.run(&update(&id, moved.clone(), first.properties.raw.clone()))
            .await,
    );
    assert_eq!(w.cf.count("UpdateDistribution"), 1);
    assert_eq!(w.ssm.puts.lock().unwrap().len(), 8, "nothing written again");

    // Another certificate changes one output in each region.
    let mut certified = moved.clone();
    certified["CertificateArn"] = json!("arn:aws:acm:us-east-1:123456789012:certificate/other");
    success(w.run(&update(&id, certified, moved)).await);
    let puts = w.ssm.puts.lock().unwrap().clone();
    assert_eq!(
        puts[8..],
        [
            "PutParameter eu-west-1 /cfclone/shop/certificate-arn",
            "PutParameter us-west-2 /cfclone/shop/certificate-arn"
        ],
        "{puts:?}"
    );
    assert_eq!(
        w.ssm
            .value("us-west-2", "/cfclone/shop/certificate-arn")
            .as_deref(),
        Some("arn:aws:acm:us-east-1:123456789012:certificate/other")
    );
}

#[tokio::test]
async fn a_redelivered_update_writes_the_outputs_its_first_delivery_could_not() {
    let w = world();
    let outputs = json!({"SsmParameterPrefix": "/cfclone/shop", "SsmRegions": ["us-west-2"]});
    let (first, id) = created(&w, props(outputs.clone())).await;
    let mut certified = props(outputs);
    certified["CertificateArn"] = json!("arn:aws:acm:us-east-1:123456789012:certificate/other");
    *w.ssm.fail_puts.lock().unwrap() = true;
    failure(
        w.run(&update(
            &id,
            certified.clone(),
            first.properties.raw.clone(),
        ))
        .await,
    );
    *w.ssm.fail_puts.lock().unwrap() = false;
    // The clone has the certificate already; the outputs do not.
    success(
        w.run(&update(&id, certified, first.properties.raw.clone()))
            .await,
    );
    assert_eq!(
        w.ssm
            .value("us-west-2", "/cfclone/shop/certificate-arn")
            .as_deref(),
        Some("arn:aws:acm:us-east-1:123456789012:certificate/other")
    );
}
