//! Create, Update and Delete of `Custom::ClonedDistribution` with the real provider binary
//! under a local Lambda, against moto.

use cfclone_e2e::seed::{self, API_ORIGIN_ID, API_ORIGIN_PATH, ASSETS_ORIGIN_ID};
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
/// A Create that failed before making anything: a marker physical id, no distribution but
/// the reference, and the reference as it was.
async fn assert_nothing_made(h: &Harness, reference: &Reference, response: &cfclone_e2e::Response) {
    assert!(
        response
            .physical_resource_id
            .starts_with(NOT_CREATED_PREFIX),
        "a marker id: {}",
        response.physical_resource_id
    );
    assert_eq!(h.aws.distribution_ids().await, [reference.id.as_str()]);
    assert_reference_untouched(h, reference).await;
}

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
    assert_eq!(
        clone.certificate_arn().as_deref(),
        Some(certificate.as_str())
    );
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
    assert_eq!(h.aws.distribution_ids().await, [reference.id.as_str()]);

    assert_reference_untouched(&h, &reference).await;
    assert_no_signature_in_logs(&h, &[&create, &update, &delete]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_create_makes_one_distribution_with_the_same_physical_id() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &[]).await;
    let create = h
        .create(
            "ShopDistribution",
            props(&reference.id, &["shop.example.com"]),
        )
        .await;

    let first = h.send(&create).await.only();
    assert_eq!(first.status, "SUCCESS", "{}", first.reason());
    // CloudFormation (or Lambda's retry) delivers the very same event again.
    let both = h.send(&create).await;

    assert_eq!(both.len(), 2, "each delivery answers once");
    let second = &both.all[1];
    assert_eq!(second.status, "SUCCESS", "{}", second.reason());
    assert_eq!(second.physical_resource_id, first.physical_resource_id);
    assert_eq!(second.data, first.data);
    let mut ids = h.aws.distribution_ids().await;
    ids.sort();
    let mut expected = vec![reference.id.clone(), first.physical_resource_id.clone()];
    expected.sort();
    assert_eq!(ids, expected, "one clone, not two");
    assert_reference_untouched(&h, &reference).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_properties_fail_at_once_naming_the_property_and_create_nothing() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &[]).await;
    let good = with(
        props(&reference.id, &["shop.example.com"]),
        "SsmParameterPrefix",
        "/cfclone/shop",
    );
    let cases = [
        ("Aliases", with(good.clone(), "Aliases", "shop.example.com")),
        (
            "Aliases",
            with(good.clone(), "Aliases", json!(["Shop.Example.com"])),
        ),
        ("Enabled", with(good.clone(), "Enabled", "yes")),
        (
            "PriceClass",
            with(good.clone(), "PriceClass", "PriceClass_1000"),
        ),
        (
            "ServiceTimeout",
            with(good.clone(), "ServiceTimeout", "7200"),
        ),
        (
            "ReferenceDistributionId",
            with(good.clone(), "ReferenceDistributionId", "not-an-id"),
        ),
        ("OriginPath", with(good.clone(), "OriginPath", "prod")),
        (
            "SsmRegions",
            with(good.clone(), "SsmRegions", json!(["mars-1"])),
        ),
        (
            "Tags",
            with(
                good.clone(),
                "Tags",
                json!([{"Key": "cfclone:stack-id", "Value": "x"}]),
            ),
        ),
        (
            "OriginDomainNam",
            with(good.clone(), "OriginDomainNam", "api.example.net"),
        ),
    ];
    let mut reasons = Vec::new();
    let mut events = Vec::new();
    for (property, properties) in cases {
        let create = h.create("ShopDistribution", properties.clone()).await;
        let response = h.send(&create).await.only();
        assert_eq!(response.status, "FAILED", "{property}: {properties}");
        assert!(
            response.reason().starts_with(&format!("{property}:")),
            "the reason names {property}: {}",
            response.reason()
        );
        assert!(
            response
                .physical_resource_id
                .starts_with(NOT_CREATED_PREFIX),
            "a marker id: {}",
            response.physical_resource_id
        );

        // CloudFormation's rollback deletes the marker: nothing to do, SUCCESS.
        let rollback = h
            .delete(
                "ShopDistribution",
                &response.physical_resource_id,
                properties,
            )
            .await;
        let rolled_back = h.send(&rollback).await.only();
        assert_eq!(rolled_back.status, "SUCCESS", "{}", rolled_back.reason());
        assert_eq!(
            rolled_back.physical_resource_id,
            response.physical_resource_id
        );
        reasons.push(response.reason().to_owned());
        events.push(create);
        events.push(rollback);
    }
    assert!(
        reasons
            .last()
            .is_some_and(|r| r.contains("did you mean OriginDomainName?")),
        "a misspelt property gets a hint: {reasons:?}"
    );
    assert_eq!(
        h.aws.distribution_ids().await,
        [reference.id.as_str()],
        "nothing was created"
    );
    assert!(h.aws.parameters("eu-west-1", "/cfclone").await.is_empty());
    assert_reference_untouched(&h, &reference).await;
    assert_no_signature_in_logs(&h, &events.iter().collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_reference_fails_naming_reference_distribution_id() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &[]).await;
    let create = h
        .create(
            "ShopDistribution",
            props("E3NOSUCHDIST00", &["shop.example.com"]),
        )
        .await;

    let response = h.send(&create).await.only();

    assert_eq!(response.status, "FAILED");
    assert!(
        response.reason().contains("ReferenceDistributionId")
            && response.reason().contains("E3NOSUCHDIST00"),
        "{}",
        response.reason()
    );
    assert_nothing_made(&h, &reference, &response).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alias_without_a_certificate_fails_naming_the_uncovered_alias() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    // A wildcard covers exactly one label: not deep.shop.example.com.
    h.issue_certificate("*.example.com", &[]).await;
    let create = h
        .create(
            "ShopDistribution",
            props(
                &reference.id,
                &["shop.example.com", "deep.shop.example.com"],
            ),
        )
        .await;

    let response = h.send(&create).await.only();

    assert_eq!(response.status, "FAILED");
    let reason = response.reason();
    assert!(
        reason.starts_with("Aliases:") && reason.contains("deep.shop.example.com"),
        "{reason}"
    );
    assert!(
        !reason.contains(" shop.example.com"),
        "only the uncovered alias is named: {reason}"
    );
    assert_nothing_made(&h, &reference, &response).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssm_parameters_are_written_in_both_regions_moved_with_the_prefix_and_removed_on_delete() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let certificate = h.issue_certificate("shop.example.com", &[]).await;
    // Someone else's parameter next to ours stays untouched throughout.
    h.aws
        .put_parameter("us-east-1", "/cfclone/blog/distribution-id", "EBLOG")
        .await;
    let regions = ["eu-west-1", "us-east-1"];
    let first = json!({
        "ReferenceDistributionId": reference.id,
        "Aliases": ["shop.example.com"],
        "SsmParameterPrefix": "/cfclone/shop",
        "SsmRegions": regions,
    });

    let create = h.create("ShopDistribution", first.clone()).await;
    let response = h.send(&create).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    let id = response.physical_resource_id.clone();
    let expected = |prefix: &str| {
        [
            (format!("{prefix}/certificate-arn"), certificate.clone()),
            (format!("{prefix}/distribution-id"), id.clone()),
            (
                format!("{prefix}/domain-name"),
                response.data["DomainName"].clone(),
            ),
            (
                format!("{prefix}/reference-distribution-id"),
                reference.id.clone(),
            ),
        ]
        .into_iter()
        .collect::<std::collections::BTreeMap<_, _>>()
    };
    for region in regions {
        assert_eq!(
            h.aws.parameters(region, "/cfclone/shop").await,
            expected("/cfclone/shop"),
            "{region}"
        );
    }

    // The prefix changes: the parameters move.
    let second = with(first.clone(), "SsmParameterPrefix", "/cfclone/shop-v2");
    let update = h
        .update("ShopDistribution", &id, second.clone(), first.clone())
        .await;
    let response = h.send(&update).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    for region in regions {
        assert!(
            h.aws.parameters(region, "/cfclone/shop").await.is_empty(),
            "the old parameters are gone from {region}"
        );
        assert_eq!(
            h.aws.parameters(region, "/cfclone/shop-v2").await,
            expected("/cfclone/shop-v2"),
            "{region}"
        );
    }

    let delete = h.delete("ShopDistribution", &id, second).await;
    let response = h.send(&delete).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    for region in regions {
        assert!(
            h.aws
                .parameters(region, "/cfclone/shop-v2")
                .await
                .is_empty(),
            "{region}"
        );
    }
    assert_eq!(
        h.aws.parameters("us-east-1", "/cfclone").await,
        [(
            "/cfclone/blog/distribution-id".to_owned(),
            "EBLOG".to_owned()
        )]
        .into_iter()
        .collect()
    );
    assert!(h.aws.distribution(&id).await.is_none());
    assert_reference_untouched(&h, &reference).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_of_a_distribution_without_this_resources_ownership_tags_leaves_it_untouched() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let untagged = seed::foreign_distribution(&h.aws, &[("team", "blog")]).await;
    let other_stack = h.cfn.stack("blog");
    let owned_elsewhere = seed::foreign_distribution(
        &h.aws,
        &[
            ("cfclone:stack-id", other_stack.id.as_str()),
            ("cfclone:logical-id", "ShopDistribution"),
        ],
    )
    .await;

    for foreign in [&untagged, &owned_elsewhere] {
        let before = h.aws.distribution_config(&foreign.id).await;
        let delete = h
            .delete(
                "ShopDistribution",
                &foreign.id,
                props(&reference.id, &["shop.example.com"]),
            )
            .await;
        let response = h.send(&delete).await.only();
        assert_eq!(response.status, "SUCCESS", "{}", response.reason());
        assert_eq!(response.physical_resource_id, foreign.id);
        let after = h.aws.distribution(&foreign.id).await.expect("still there");
        assert!(after.config.enabled, "not disabled");
        assert_eq!(h.aws.distribution_config(&foreign.id).await, before);
    }
    // The reference itself named as the physical id is never touched either.
    let delete = h
        .delete(
            "ShopDistribution",
            &reference.id,
            props(&reference.id, &["shop.example.com"]),
        )
        .await;
    let response = h.send(&delete).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert_eq!(h.aws.distribution_ids().await.len(), 3);
    assert_reference_untouched(&h, &reference).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_of_a_clone_that_vanished_creates_it_anew() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &[]).await;
    let properties = props(&reference.id, &["shop.example.com"]);
    let create = h.create("ShopDistribution", properties.clone()).await;
    let old_id = h.send(&create).await.only().physical_resource_id;
    // Someone deletes the clone behind CloudFormation's back.
    h.aws.disable_and_delete(&old_id).await;

    let changed = with(properties.clone(), "Comment", "shop, recreated");
    let update = h
        .update("ShopDistribution", &old_id, changed.clone(), properties)
        .await;
    let response = h.send(&update).await.only();

    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    let new_id = response.physical_resource_id.clone();
    assert_ne!(new_id, old_id, "a new physical id");
    let clone = h.aws.distribution(&new_id).await.expect("the new clone");
    assert_eq!(clone.config.comment, "shop, recreated");
    // CloudFormation then deletes the old physical id: nothing left to do.
    let cleanup = h.delete("ShopDistribution", &old_id, changed).await;
    let response = h.send(&cleanup).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    assert!(
        h.aws.distribution(&new_id).await.is_some(),
        "the new clone stays"
    );
    assert_reference_untouched(&h, &reference).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_with_deletion_mode_disable_leaves_the_clone_disabled() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &[]).await;
    let properties = with(
        with(
            props(&reference.id, &["shop.example.com"]),
            "SsmParameterPrefix",
            "/cfclone/shop",
        ),
        "DeletionMode",
        "Disable",
    );
    let created = h
        .send(&h.create("ShopDistribution", properties.clone()).await)
        .await
        .only();
    assert_eq!(created.status, "SUCCESS", "{}", created.reason());
    let id = created.physical_resource_id;
    h.moto.clear_calls().await;

    let delete = h.delete("ShopDistribution", &id, properties).await;
    let deleted = h.send(&delete).await.only();
    assert_eq!(deleted.status, "SUCCESS", "{}", deleted.reason());
    assert_eq!(deleted.physical_resource_id, id);
    let kept = h.aws.distribution(&id).await.expect("the clone stays");
    assert!(!kept.config.enabled, "disabled");
    assert_eq!(kept.aliases(), ["shop.example.com"], "with its aliases");
    assert_eq!(h.moto.count("DeleteDistribution").await, 0);
    assert_eq!(
        h.moto.statuses("DescribeStacks").await,
        [400],
        "the harness's stack is not the emulator's (ValidationError): Disable holds"
    );
    assert!(
        h.aws
            .parameters(cfclone_e2e::REGION, "/cfclone/shop")
            .await
            .is_empty(),
        "the stack's outputs describe it no more"
    );
    assert_eq!(
        h.aws
            .parameters("us-east-1", "/cfclone/records")
            .await
            .len(),
        1,
        "its record stays for the operator's tools"
    );
    assert_reference_untouched(&h, &reference).await;
}

/// A stack the emulator holds (CreateStack with a template of nothing), for the events.
async fn emulated_stack(h: &Harness, name: &str) -> cfclone_e2e::cloudformation::Stack {
    let template =
        r#"{"Resources": {"Nothing": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}}"#;
    let id = aws_sdk_cloudformation::Client::new(&h.aws.config)
        .create_stack()
        .stack_name(name)
        .template_body(template)
        .send()
        .await
        .expect("CreateStack")
        .stack_id
        .expect("a stack id");
    cfclone_e2e::cloudformation::Stack {
        name: name.to_owned(),
        id,
        region: cfclone_e2e::REGION.to_owned(),
    }
}

/// Makes a `DeletionMode: Disable` clone in `stack`, puts the stack into `status` and
/// deletes the clone; whether it is still there.
async fn delete_disabled_clone_while(
    h: &Harness,
    stack: &cfclone_e2e::cloudformation::Stack,
    status: &str,
) -> bool {
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &[]).await;
    let properties = with(
        props(&reference.id, &["shop.example.com"]),
        "DeletionMode",
        "Disable",
    );
    let create = h
        .cfn
        .create(stack, "ShopDistribution", properties.clone())
        .await;
    let created = h.send(&create).await.only();
    assert_eq!(created.status, "SUCCESS", "{}", created.reason());
    let id = created.physical_resource_id;
    h.moto.set_stack_status(&stack.id, status).await;
    h.moto.clear_calls().await;
    let delete = h
        .cfn
        .delete(stack, "ShopDistribution", &id, properties)
        .await;
    let deleted = h.send(&delete).await.only();
    assert_eq!(deleted.status, "SUCCESS", "{}", deleted.reason());
    assert_eq!(deleted.physical_resource_id, id);
    assert_eq!(
        h.moto.statuses("DescribeStacks").await,
        [200],
        "{status}: asked once"
    );
    assert_reference_untouched(h, &reference).await;
    h.aws.distribution(&id).await.is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_while_the_stack_rolls_back_its_creation_deletes_a_disable_clone() {
    let h = Harness::start().await;
    let stack = emulated_stack(&h, "rolling-back").await;
    let kept = delete_disabled_clone_while(&h, &stack, "ROLLBACK_IN_PROGRESS").await;
    assert!(
        !kept,
        "deleted, as RetainExceptOnCreate would: its aliases are free for a retry"
    );
    assert_eq!(h.moto.count("DeleteDistribution").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_of_a_stack_being_deleted_keeps_a_disable_clone() {
    let h = Harness::start().await;
    let stack = emulated_stack(&h, "going-away").await;
    let kept = delete_disabled_clone_while(&h, &stack, "DELETE_IN_PROGRESS").await;
    assert!(kept, "left in place, disabled");
    assert_eq!(h.moto.count("DeleteDistribution").await, 0);
}
