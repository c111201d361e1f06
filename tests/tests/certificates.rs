//! `CertificateValidation` on the strict emulator, the real binary: a certificate requested
//! when none covers the aliases, its validation CNAMEs written into a Route 53 hosted zone,
//! the wait for ISSUED (which the emulator grants only once those records are in a zone of
//! the account, as ACM does through public DNS), and the clean-up on Delete and on an
//! alias change: the certificates go, the validation records (the account's, shared by
//! every certificate for the name) stay.

use cfclone_e2e::{Harness, NOT_CREATED_PREFIX, Options, props, with};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

const LEDGERS: &str = "/cfclone/certificates";

fn requesting(reference: &str, aliases: &[&str], zones: &[&str]) -> Value {
    with(
        props(reference, aliases),
        "CertificateValidation",
        json!({ "HostedZoneIds": zones }),
    )
}

/// The certificates this harness's stack requested: ARN → status.
async fn requested(h: &Harness) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (arn, status) in h.aws.certificates().await {
        let tags = h.aws.certificate_tags(&arn).await;
        if tags.get("cfclone:stack-id") == Some(&h.stack.id) {
            out.insert(arn, status);
        }
    }
    out
}

/// The validation CNAMEs of a zone (ACM's are the names starting with `_`).
async fn validation_records(h: &Harness, zone: &str) -> BTreeMap<String, String> {
    h.aws
        .cnames(zone)
        .await
        .into_iter()
        .filter(|(name, _)| name.starts_with('_'))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_requests_validates_waits_across_invocations_and_creates() {
    let h = Harness::start_with(Options {
        function_timeout: Duration::from_secs(6),
        poll_interval: Duration::from_millis(500),
        ..Options::default()
    })
    .await;
    let reference = h.seed_reference().await;
    let zone = h.aws.hosted_zone("example.com").await;
    // ACM leaves the records out of its answer for a while after the request: long
    // enough here that the wait must go on in a fresh invocation.
    h.moto.set_validation(json!({"record_after": 16})).await;
    let properties = requesting(
        &reference.id,
        &["shop.example.com", "*.shop.example.com", "api.example.com"],
        &[&zone],
    );
    let create = h.create("Shop", properties).await;
    let created = h.send(&create).await.only();
    assert_eq!(created.status, "SUCCESS", "{}", created.reason());
    assert!(
        h.hand_offs() >= 1,
        "the wait was handed on\n{}",
        h.diagnostics()
    );

    let certificates = requested(&h).await;
    assert_eq!(certificates.len(), 1, "{certificates:?}");
    let (arn, status) = certificates.into_iter().next().unwrap();
    assert_eq!(status, "ISSUED");
    let tags = h.aws.certificate_tags(&arn).await;
    assert_eq!(tags["cfclone:logical-id"], "Shop");

    let clone = h
        .aws
        .distribution(&created.physical_resource_id)
        .await
        .unwrap();
    assert_eq!(clone.certificate_arn().as_deref(), Some(arn.as_str()));
    assert_eq!(created.data["CertificateArn"], arn);

    // Two records: shop.example.com and its wildcard share one.
    let records = validation_records(&h, &zone).await;
    assert_eq!(records.len(), 2, "{records:?}");
    let attribute: Vec<Value> =
        serde_json::from_str(&created.data["CertificateValidationRecords"]).unwrap();
    let answered: BTreeMap<String, String> = attribute
        .iter()
        .map(|r| {
            (
                r["Name"].as_str().unwrap().to_owned(),
                r["Value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(answered, records, "the attribute names the records written");
    h.moto.set_validation(json!({"reset": true})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_create_requests_nothing_twice() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let zone = h.aws.hosted_zone("example.com").await;
    let create = h
        .create(
            "Shop",
            requesting(&reference.id, &["shop.example.com"], &[&zone]),
        )
        .await;
    // CloudFormation delivers the same request twice, the second while the first is
    // still at work: ACM gives the records only after a few looks, so neither delivery
    // finds the certificate issued when it starts.
    h.moto.set_validation(json!({"record_after": 6})).await;
    h.dispatch(&create);
    h.dispatch(&create);
    h.settle().await;
    let answers = h.responses(&create).await.all;
    assert_eq!(answers.len(), 2);
    assert!(answers.iter().all(|a| a.is_success()), "{answers:#?}");
    assert_eq!(
        answers[0].physical_resource_id, answers[1].physical_resource_id,
        "one clone"
    );
    let certificates = requested(&h).await;
    assert_eq!(
        certificates.len(),
        1,
        "one certificate, whatever the deliveries asked: {certificates:?}"
    );
    assert_eq!(
        h.moto.count("RequestCertificate").await,
        2,
        "both deliveries asked, under the same idempotency token"
    );
    h.moto.set_validation(json!({"reset": true})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_removes_the_certificate_and_leaves_the_validation_records() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let zone = h.aws.hosted_zone("example.com").await;
    let properties = requesting(&reference.id, &["shop.example.com"], &[&zone]);
    let create = h.create("Shop", properties.clone()).await;
    let created = h.send(&create).await.only();
    assert_eq!(created.status, "SUCCESS", "{}", created.reason());
    assert_eq!(requested(&h).await.len(), 1);
    assert_eq!(validation_records(&h, &zone).await.len(), 1);
    assert_eq!(h.aws.parameters("us-east-1", LEDGERS).await.len(), 1);

    let delete = h
        .delete("Shop", &created.physical_resource_id, properties)
        .await;
    let deleted = h.send(&delete).await.only();
    assert_eq!(deleted.status, "SUCCESS", "{}", deleted.reason());
    assert!(
        h.aws
            .distribution(&created.physical_resource_id)
            .await
            .is_none()
    );
    assert!(requested(&h).await.is_empty(), "the certificate is deleted");
    assert_eq!(
        validation_records(&h, &zone).await.len(),
        1,
        "the name's validation record stays: it is the account's"
    );
    assert!(h.aws.parameters("us-east-1", LEDGERS).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alias_change_rotates_the_certificate() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let zone = h.aws.hosted_zone("example.com").await;
    let old = requesting(&reference.id, &["shop.example.com"], &[&zone]);
    let created = h.send(&h.create("Shop", old.clone()).await).await.only();
    assert_eq!(created.status, "SUCCESS", "{}", created.reason());
    let id = created.physical_resource_id;
    let first = created.data["CertificateArn"].clone();
    let first_records = validation_records(&h, &zone).await;

    let new = requesting(
        &reference.id,
        &["shop.example.com", "api.example.com"],
        &[&zone],
    );
    let updated = h.send(&h.update("Shop", &id, new, old).await).await.only();
    assert_eq!(updated.status, "SUCCESS", "{}", updated.reason());
    assert_eq!(updated.physical_resource_id, id, "updated in place");
    let second = updated.data["CertificateArn"].clone();
    assert_ne!(second, first, "a certificate for the new aliases");
    let clone = h.aws.distribution(&id).await.unwrap();
    assert_eq!(clone.certificate_arn().as_deref(), Some(second.as_str()));
    assert_eq!(clone.aliases(), ["shop.example.com", "api.example.com"]);
    let certificates = requested(&h).await;
    assert_eq!(
        certificates.keys().collect::<Vec<_>>(),
        [&second],
        "the old certificate is deleted once the clone moved off it"
    );
    let records = validation_records(&h, &zone).await;
    assert_eq!(records.len(), 2, "{records:?}");
    assert!(
        first_records
            .iter()
            .all(|(name, value)| records.get(name) == Some(value)),
        "shop.example.com's record stays: the new certificate renews with it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_validation_timeout_names_the_missing_records_and_the_rollback_cleans_up() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    // No hosted zone: DNS hosted elsewhere, where nobody adds the record.
    let properties = with(
        requesting(&reference.id, &["shop.example.com"], &[]),
        "ServiceTimeout",
        "15",
    );
    let create = h.create("Shop", properties.clone()).await;
    let failed = h.send(&create).await.only();
    assert_eq!(failed.status, "FAILED");
    assert!(failed.physical_resource_id.starts_with(NOT_CREATED_PREFIX));
    let reason = failed.reason();
    assert!(reason.starts_with("CertificateValidation: "), "{reason}");
    assert!(reason.contains("ServiceTimeout"), "{reason}");
    let certificates = requested(&h).await;
    assert_eq!(certificates.len(), 1);
    let arn = certificates.keys().next().unwrap().clone();
    let described = h
        .aws
        .acm
        .describe_certificate()
        .certificate_arn(&arn)
        .send()
        .await
        .unwrap()
        .certificate
        .unwrap();
    let record = described.domain_validation_options.unwrap()[0]
        .resource_record
        .clone()
        .unwrap();
    assert!(
        reason.contains(&format!(
            "{} CNAME {} (for shop.example.com)",
            record.name, record.value
        )),
        "the reason names the record to add: {reason}"
    );
    // The records were published in SSM while the wait went on.
    let ledgers = h.aws.parameters("us-east-1", LEDGERS).await;
    assert!(
        ledgers.values().any(|v| v.contains(&record.name)),
        "{ledgers:?}"
    );

    // CloudFormation rolls back: the Delete of the marker removes the certificate.
    let delete = h
        .delete("Shop", &failed.physical_resource_id, properties)
        .await;
    let deleted = h.send(&delete).await.only();
    assert_eq!(deleted.status, "SUCCESS", "{}", deleted.reason());
    assert!(requested(&h).await.is_empty());
    assert!(h.aws.parameters("us-east-1", LEDGERS).await.is_empty());
}

/// The reason of a Create that must fail.
async fn refused(h: &Harness, logical_id: &str, properties: Value) -> String {
    let answer = h.send(&h.create(logical_id, properties).await).await.only();
    assert_eq!(answer.status, "FAILED", "{}", answer.reason());
    answer.reason().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caa_records_against_amazon_and_the_certificate_quota_are_named() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let zone = h.aws.hosted_zone("example.com").await;
    h.moto.set_validation(json!({"caa": ["example.com"]})).await;
    let reason = refused(
        &h,
        "Shop",
        requesting(&reference.id, &["shop.example.com"], &[&zone]),
    )
    .await;
    assert!(
        reason.starts_with("CertificateValidation: arn:aws:acm:us-east-1:"),
        "{reason}"
    );
    assert!(
        reason.contains("CAA records do not allow Amazon to issue certificates"),
        "{reason}"
    );

    // The account holds as many certificates as its quota allows.
    let held = h.aws.certificates().await.len();
    h.moto
        .set_validation(json!({"caa": [], "quota": held}))
        .await;
    let asked_before = h.moto.statuses("RequestCertificate").await.len();
    let reason = refused(
        &h,
        "Blog",
        requesting(&reference.id, &["blog.example.com"], &[&zone]),
    )
    .await;
    assert!(
        reason.contains("the account's quota of certificates is reached"),
        "{reason}"
    );
    assert_eq!(h.aws.certificates().await.len(), held, "nothing requested");
    // ACM's LimitExceededException is a quota, not throttling: asked once, not retried.
    let asked: Vec<u16> = h.moto.statuses("RequestCertificate").await[asked_before..].to_vec();
    assert_eq!(asked, [400], "{asked:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_says_a_certificate_would_be_requested_and_requests_nothing() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let zone = h.aws.hosted_zone("example.com").await;
    h.moto.clear_calls().await;
    let dir = std::env::temp_dir().join(format!("cfclone-plan-{}", cfclone_e2e::random_hex(8)));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("properties.json");
    let plan = |aliases: &[&str]| {
        std::fs::write(
            &file,
            requesting(&reference.id, aliases, &[&zone]).to_string(),
        )
        .unwrap();
        file.to_string_lossy().into_owned()
    };
    let cli = |file: String| {
        let h = &h;
        async move {
            h.cli(&["plan", "--properties", &file, "--output", "json"])
                .await
        }
    };

    let run = cli(plan(&["shop.example.com"])).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let found = run.json()["findings"].as_array().unwrap().clone();
    let request = found
        .iter()
        .find(|f| f["kind"] == "certificate-to-request")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(request["blocks"], false);
    assert!(
        request["text"]
            .as_str()
            .unwrap()
            .contains("requests one in us-east-1 for shop.example.com"),
        "{request}"
    );
    assert!(
        h.moto.count("GetHostedZone").await >= 1,
        "the zone was read"
    );

    let run = cli(plan(&["shop.example.org"])).await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("no hosted zone given contains shop.example.org"),
        "{}",
        run.stdout
    );
    assert_eq!(
        h.moto.count("RequestCertificate").await,
        0,
        "a plan requests nothing"
    );
    assert_eq!(
        validation_records(&h, &zone).await.len(),
        0,
        "and writes no record"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A certificate for `names` requested outside cfclone, validated by DNS.
async fn request_elsewhere(h: &Harness, names: &[&str]) -> String {
    h.aws
        .acm
        .request_certificate()
        .domain_name(names[0])
        .set_subject_alternative_names(Some(names.iter().map(|n| (*n).to_owned()).collect()))
        .validation_method(aws_sdk_acm::types::ValidationMethod::Dns)
        .send()
        .await
        .unwrap()
        .certificate_arn
        .unwrap()
}

/// DescribeCertificate's status and the record of its first name.
async fn status_and_record(h: &Harness, arn: &str) -> (String, (String, String)) {
    let c = h
        .aws
        .acm
        .describe_certificate()
        .certificate_arn(arn)
        .send()
        .await
        .unwrap()
        .certificate
        .unwrap();
    let record = c.domain_validation_options.unwrap()[0]
        .resource_record
        .clone()
        .unwrap();
    (
        c.status.unwrap().as_str().to_owned(),
        (record.name, record.value),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_for_a_name_share_its_record_and_deleting_a_clone_leaves_it() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let zone = h.aws.hosted_zone("example.com").await;
    let properties = requesting(&reference.id, &["shop.example.com"], &[&zone]);
    let created = h
        .send(&h.create("Shop", properties.clone()).await)
        .await
        .only();
    assert_eq!(created.status, "SUCCESS", "{}", created.reason());
    let ours = status_and_record(&h, &created.data["CertificateArn"]).await;
    let theirs = request_elsewhere(&h, &["shop.example.com"]).await;
    assert_eq!(
        status_and_record(&h, &theirs).await,
        ours,
        "another certificate of the account for the name: the same record, already valid"
    );

    let deleted = h
        .send(
            &h.delete("Shop", &created.physical_resource_id, properties)
                .await,
        )
        .await
        .only();
    assert_eq!(deleted.status, "SUCCESS", "{}", deleted.reason());
    assert!(requested(&h).await.is_empty(), "ours is deleted");
    let records = validation_records(&h, &zone).await;
    assert_eq!(records.get(&ours.1.0), Some(&ours.1.1), "the record stays");
    // A certificate requested after the Delete for the name is issued by it.
    let later = request_elsewhere(&h, &["shop.example.com"]).await;
    assert_eq!(status_and_record(&h, &later).await.0, "ISSUED");
    assert_eq!(status_and_record(&h, &theirs).await.0, "ISSUED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_waits_while_acm_does_not_describe_the_new_certificate_yet() {
    let h = Harness::start_with(Options {
        poll_interval: Duration::from_millis(500),
        ..Options::default()
    })
    .await;
    let reference = h.seed_reference().await;
    let zone = h.aws.hosted_zone("example.com").await;
    h.moto.set_validation(json!({"describe_after_s": 3})).await;
    let properties = requesting(&reference.id, &["shop.example.com"], &[&zone]);
    let created = h.send(&h.create("Shop", properties).await).await.only();
    assert_eq!(created.status, "SUCCESS", "{}", created.reason());
    let statuses = h.moto.statuses("DescribeCertificate").await;
    assert!(
        statuses.contains(&400) && statuses.last() == Some(&200),
        "not found at first, then found: {statuses:?}"
    );
    assert_eq!(requested(&h).await.len(), 1);
    h.moto.set_validation(json!({"reset": true})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_zone_and_aliases_past_the_names_quota_are_refused_naming_the_way_out() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    h.moto.clear_calls().await;
    let private = h
        .aws
        .route53
        .create_hosted_zone()
        .name("example.com")
        .caller_reference(cfclone_e2e::random_hex(8))
        .hosted_zone_config(
            aws_sdk_route53::types::HostedZoneConfig::builder()
                .private_zone(true)
                .build(),
        )
        .vpc(
            aws_sdk_route53::types::Vpc::builder()
                .vpc_region(aws_sdk_route53::types::VpcRegion::UsEast1)
                .vpc_id("vpc-12345678")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .hosted_zone
        .unwrap()
        .id
        .trim_start_matches("/hostedzone/")
        .to_owned();
    let reason = refused(
        &h,
        "Shop",
        requesting(&reference.id, &["shop.example.com"], &[&private]),
    )
    .await;
    assert!(
        reason.starts_with(&format!(
            "CertificateValidation: HostedZoneIds: {private} (example.com) is a private hosted zone"
        )),
        "{reason}"
    );
    assert_eq!(h.moto.count("RequestCertificate").await, 0);

    let zone = h.aws.hosted_zone("example.org").await;
    let names: Vec<String> = (0..11).map(|i| format!("n{i}.example.org")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let reason = refused(&h, "Blog", requesting(&reference.id, &names, &[&zone])).await;
    assert!(
        reason.contains("\"Domain names per ACM certificate\"")
            && reason.contains("Certificate has too many domains"),
        "{reason}"
    );
    assert_eq!(
        h.moto.statuses("RequestCertificate").await,
        [400],
        "asked once: ACM alone knows the account's quota"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alias_longer_than_64_characters_is_a_subject_alternative_name() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let zone = h.aws.hosted_zone("example.com").await;
    let long = format!("{}.example.com", "a".repeat(53));
    let created = h
        .send(
            &h.create(
                "Shop",
                requesting(&reference.id, &[&long, "shop.example.com"], &[&zone]),
            )
            .await,
        )
        .await
        .only();
    assert_eq!(created.status, "SUCCESS", "{}", created.reason());
    let c = h
        .aws
        .acm
        .describe_certificate()
        .certificate_arn(&created.data["CertificateArn"])
        .send()
        .await
        .unwrap()
        .certificate
        .unwrap();
    assert_eq!(c.domain_name.as_deref(), Some("shop.example.com"));
    assert!(c.subject_alternative_names.unwrap().contains(&long));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clean_up_delete_of_a_vanished_clone_keeps_the_new_clones_certificate() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let zone = h.aws.hosted_zone("example.com").await;
    let properties = requesting(&reference.id, &["shop.example.com"], &[&zone]);
    let created = h
        .send(&h.create("Shop", properties.clone()).await)
        .await
        .only();
    assert_eq!(created.status, "SUCCESS", "{}", created.reason());
    let old_id = created.physical_resource_id;
    let certificate = created.data["CertificateArn"].clone();
    // Someone deletes the clone behind CloudFormation's back; an Update makes it anew.
    h.aws.disable_and_delete(&old_id).await;
    let updated = h
        .send(
            &h.update("Shop", &old_id, properties.clone(), properties.clone())
                .await,
        )
        .await
        .only();
    assert_eq!(updated.status, "SUCCESS", "{}", updated.reason());
    let new_id = updated.physical_resource_id;
    assert_ne!(new_id, old_id);
    assert_eq!(updated.data["CertificateArn"], certificate);

    // CloudFormation's clean-up: the Delete of the old physical id.
    let cleanup = h
        .send(&h.delete("Shop", &old_id, properties.clone()).await)
        .await
        .only();
    assert_eq!(cleanup.status, "SUCCESS", "{}", cleanup.reason());
    let ledgers = h.aws.parameters("us-east-1", LEDGERS).await;
    assert!(
        ledgers.values().any(|v| v.contains(&certificate)),
        "the ledger still holds the new clone's certificate: {ledgers:?}"
    );
    // So the new clone's Delete removes it.
    let deleted = h
        .send(&h.delete("Shop", &new_id, properties).await)
        .await
        .only();
    assert_eq!(deleted.status, "SUCCESS", "{}", deleted.reason());
    assert!(requested(&h).await.is_empty(), "nothing left behind");
    assert!(h.aws.parameters("us-east-1", LEDGERS).await.is_empty());
}
