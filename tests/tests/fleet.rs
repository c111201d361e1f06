//! The operator CLI on the fleet: `revision`, `list`, `diff` and `sync`, the real `cfclone`
//! binary against the strict emulator, on clones the real provider made.

use cfclone_e2e::{Harness, Reference, props};
use serde_json::Value;

const RECORD_REGION: &str = "us-east-1";

/// Two clones of one reference, made through the provider as a stack would.
async fn fleet(h: &Harness) -> (Reference, Vec<String>) {
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &["*.shop.example.com"])
        .await;
    let mut ids = Vec::new();
    for (logical, alias) in [
        ("Shop", "shop.example.com"),
        ("Www", "www.shop.example.com"),
    ] {
        let create = h.create(logical, props(&reference.id, &[alias])).await;
        let response = h.send(&create).await.only();
        assert_eq!(response.status, "SUCCESS", "{}", response.reason());
        ids.push(response.physical_resource_id.clone());
    }
    (reference, ids)
}

/// An edit of the reference that its clones should follow.
async fn move_on(h: &Harness, reference: &str) {
    h.aws
        .edit(reference, |c| {
            c.default_root_object = Some("home.html".into())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_clone_keeps_a_record_of_what_it_was_built_from() {
    let h = Harness::start().await;
    let (reference, ids) = fleet(&h).await;
    let records = h.aws.parameters(RECORD_REGION, "/cfclone/records").await;
    assert_eq!(records.len(), 2, "{records:?}");
    let record: Value = serde_json::from_str(&records[&format!("/cfclone/records/{}", ids[0])])
        .expect("a record is JSON");
    assert_eq!(record["referenceDistributionId"], reference.id.as_str());
    assert_eq!(record["properties"]["Aliases"][0], "shop.example.com");
    assert!(record["properties"].get("ServiceToken").is_none());
    let revision = h.cli(&["revision", &reference.id]).await;
    assert_eq!(revision.code, 0, "{}", revision.stderr);
    assert_eq!(record["referenceRevision"], revision.stdout.trim());

    // Delete removes the record with the clone.
    let delete = h
        .delete("Shop", &ids[0], props(&reference.id, &["shop.example.com"]))
        .await;
    assert_eq!(h.send(&delete).await.only().status, "SUCCESS");
    let records = h.aws.parameters(RECORD_REGION, "/cfclone/records").await;
    assert_eq!(
        records.keys().collect::<Vec<_>>(),
        [&format!("/cfclone/records/{}", ids[1])]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_revision_changes_only_when_the_reference_does() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let first = h.cli(&["revision", &reference.id]).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout.trim().starts_with("r-"), "{}", first.stdout);
    // A write that changes nothing changes the ETag, not the revision.
    h.aws.edit(&reference.id, |_| {}).await;
    assert_eq!(
        h.cli(&["revision", &reference.id]).await.stdout,
        first.stdout
    );
    move_on(&h, &reference.id).await;
    assert_ne!(
        h.cli(&["revision", &reference.id]).await.stdout,
        first.stdout
    );

    let missing = h.cli(&["revision", "ENOSUCHDIST"]).await;
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("there is no distribution ENOSUCHDIST"),
        "{}",
        missing.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reference_edit_shows_in_diff_sync_applies_it_and_a_hand_edit_survives() {
    let h = Harness::start().await;
    let (reference, ids) = fleet(&h).await;

    // In sync after Create: exit 0.
    for id in &ids {
        let diff = h.cli(&["diff", id]).await;
        assert_eq!(diff.code, 0, "{}\n{}", diff.stdout, diff.stderr);
        assert!(diff.stdout.contains("in sync"), "{}", diff.stdout);
    }
    let list = h.cli(&["list", "--output", "json"]).await;
    assert_eq!(list.code, 0, "{}", list.stderr);
    let listed = list.json();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["sync"] == "in-sync"),
        "{listed}"
    );

    // The reference moves on; one clone is edited by hand as well.
    move_on(&h, &reference.id).await;
    h.aws
        .edit(&ids[1], |c| c.comment = "edited in the console".into())
        .await;

    let diff = h.cli(&["diff", &ids[0]]).await;
    assert_eq!(diff.code, 1, "{}\n{}", diff.stdout, diff.stderr);
    assert!(
        diff.stdout.contains("The reference moved on"),
        "{}",
        diff.stdout
    );
    assert!(diff.stdout.contains("DefaultRootObject"), "{}", diff.stdout);
    assert!(diff.stdout.contains("home.html"), "{}", diff.stdout);
    assert!(!diff.stdout.contains("Edited by hand"), "{}", diff.stdout);

    let drifted = h.cli(&["diff", &ids[1], "--output", "json"]).await;
    assert_eq!(drifted.code, 1, "{}", drifted.stderr);
    let drifted = drifted.json();
    let causes: Vec<(String, String)> = drifted["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["field"].as_str().unwrap().into(),
                d["cause"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        causes.contains(&("DefaultRootObject".into(), "reference moved on".into())),
        "{causes:?}"
    );
    assert!(
        causes.contains(&("Comment".into(), "edited by hand".into())),
        "{causes:?}"
    );

    let table = h.cli(&["list", "--reference", &reference.id]).await;
    assert!(
        table.stdout.lines().next().unwrap().starts_with("CLONE"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("stale") && table.stdout.contains("drifted"),
        "{}",
        table.stdout
    );

    // A dry run writes nothing.
    let dry = h
        .cli(&["sync", "--reference", &reference.id, "--dry-run"])
        .await;
    assert_eq!(dry.code, 1, "{}\n{}", dry.stdout, dry.stderr);
    assert!(dry.stdout.contains("would update"), "{}", dry.stdout);
    assert_eq!(
        h.cli(&["diff", &ids[0]]).await.code,
        1,
        "the dry run changed the clone"
    );

    // Sync without --force: the stale clone is updated, the hand-edited one skipped.
    let sync = h
        .cli(&["sync", "--reference", &reference.id, "--wave", "1"])
        .await;
    assert_eq!(sync.code, 1, "{}\n{}", sync.stdout, sync.stderr);
    assert!(sync.stdout.contains("updated"), "{}", sync.stdout);
    assert!(
        sync.stdout.contains("skipped: edited by hand (Comment)"),
        "{}",
        sync.stdout
    );
    assert!(
        sync.stderr.contains("wave 2"),
        "progress per wave: {}",
        sync.stderr
    );
    let config = h.aws.distribution_config(&ids[0]).await;
    assert_eq!(config.default_root_object.as_deref(), Some("home.html"));
    assert_eq!(
        h.cli(&["diff", &ids[0]]).await.code,
        0,
        "a second diff is clean"
    );
    let kept = h.aws.distribution_config(&ids[1]).await;
    assert_eq!(
        kept.comment, "edited in the console",
        "the hand edit survived"
    );

    // --force overwrites the hand edit, as a stack update would.
    let forced = h.cli(&["sync", &ids[1], "--force"]).await;
    assert_eq!(forced.code, 0, "{}\n{}", forced.stdout, forced.stderr);
    assert_eq!(h.cli(&["diff", &ids[1]]).await.code, 0);
    let config = h.aws.distribution_config(&ids[1]).await;
    assert_ne!(config.comment, "edited in the console");
    assert_eq!(config.default_root_object.as_deref(), Some("home.html"));
    // The reference itself never changed but by its own edit.
    assert_eq!(
        h.aws
            .distribution_config(&reference.id)
            .await
            .default_root_object
            .as_deref(),
        Some("home.html")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_distribution_cfclone_did_not_make_is_refused_and_left_alone() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let diff = h.cli(&["diff", &reference.id]).await;
    assert_eq!(diff.code, 2, "{}", diff.stdout);
    assert!(
        diff.stderr.contains("not a clone cfclone made"),
        "{}",
        diff.stderr
    );
    let sync = h.cli(&["sync", &reference.id, "--force"]).await;
    assert_eq!(sync.code, 2);
    let list = h.cli(&["list", "--output", "json"]).await;
    assert_eq!(list.json(), serde_json::json!([]));
    let nothing = h.cli(&["sync"]).await;
    assert_eq!(nothing.code, 2);
    assert!(nothing.stderr.contains("--reference"), "{}", nothing.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_reads_like_an_aws_cli_page() {
    let h = Harness::start().await;
    let help = h.cli(&["--help"]).await;
    assert_eq!(help.code, 0);
    for word in [
        "list",
        "diff",
        "sync",
        "revision",
        "--region",
        "--profile",
        "--output",
        "Exit status",
    ] {
        assert!(help.stdout.contains(word), "{word} in {}", help.stdout);
    }
    let sync = h.cli(&["sync", "--help"]).await;
    for word in ["--dry-run", "--wave", "--force", "--reference"] {
        assert!(sync.stdout.contains(word), "{word} in {}", sync.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_names_the_chosen_one_and_why_each_other_is_not() {
    let h = Harness::start().await;
    let covering = h
        .issue_certificate("shop.example.com", &["*.shop.example.com"])
        .await;
    let private = h.issue_certificate("private.shop.example.com", &[]).await;
    h.moto.set_certificate_kind(&private, "PRIVATE", None).await;
    let other = h.issue_certificate("blog.example.org", &[]).await;

    let run = h
        .cli(&[
            "certificates",
            "--alias",
            "shop.example.com",
            "--alias",
            "www.shop.example.com",
            "--output",
            "json",
        ])
        .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let verdicts = run.json();
    let of = |arn: &str| {
        verdicts["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["certificateArn"] == arn)
            .unwrap_or_else(|| panic!("{arn} in {verdicts}"))
            .clone()
    };
    assert_eq!(of(&covering)["verdict"], "chosen");
    assert_eq!(of(&private)["verdict"], "rejected");
    assert!(
        of(&private)["reason"]
            .as_str()
            .unwrap()
            .contains("private CA"),
        "{verdicts}"
    );
    assert!(
        of(&other)["reason"]
            .as_str()
            .unwrap()
            .contains("does not cover shop.example.com"),
        "{verdicts}"
    );

    let deep = h
        .cli(&["certificates", "--alias", "a.b.shop.example.com"])
        .await;
    assert_eq!(deep.code, 1, "{}", deep.stdout);
    assert!(
        deep.stdout.contains("covers one label only"),
        "{}",
        deep.stdout
    );
    assert!(
        deep.stderr
            .contains("no certificate covers a.b.shop.example.com"),
        "{}",
        deep.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_shows_what_a_clone_would_get_and_writes_nothing() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let certificate = h
        .issue_certificate("shop.example.com", &["*.shop.example.com"])
        .await;
    let template = serde_json::json!({
        "Resources": {
            "Shop": {"Type": "Custom::ClonedDistribution", "Properties": props(&reference.id, &["shop.example.com"])},
            "Blog": {"Type": "Custom::ClonedDistribution", "Properties": props(&reference.id, &["blog.example.org"])},
            "Bucket": {"Type": "AWS::S3::Bucket"},
        }
    });
    let file =
        std::env::temp_dir().join(format!("cfclone-plan-{}.json", cfclone_e2e::random_hex(8)));
    std::fs::write(&file, template.to_string()).unwrap();
    let path = file.to_str().unwrap();
    h.moto.clear_calls().await;

    let several = h.cli(&["plan", "--properties", path]).await;
    assert_eq!(several.code, 2);
    assert!(
        several.stderr.contains("choose one with --resource"),
        "{}",
        several.stderr
    );

    let run = h
        .cli(&[
            "plan",
            "--properties",
            path,
            "--resource",
            "Shop",
            "--origin-domain-name",
            "api.shop.example.net",
            "--output",
            "json",
        ])
        .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let plan = run.json();
    assert_eq!(plan["certificateArn"], certificate.as_str());
    let fields: Vec<&str> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    for field in ["Aliases", "ViewerCertificate", "Comment"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    assert!(
        fields.iter().any(|f| f.starts_with("Origins[")),
        "the origin override: {fields:?}"
    );
    assert!(!fields.contains(&"DefaultCacheBehavior"), "{fields:?}");

    let table = h
        .cli(&[
            "plan",
            "--reference",
            &reference.id,
            "--alias",
            "shop.example.com",
        ])
        .await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(
        table.stdout.contains("Changes against the reference:"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains("+ Aliases.Items: [\"shop.example.com\"]"),
        "{}",
        table.stdout
    );

    let bad = h
        .cli(&[
            "plan",
            "--reference",
            &reference.id,
            "--alias",
            "not a domain",
        ])
        .await;
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("Aliases"), "{}", bad.stderr);

    let writes: Vec<String> = h
        .moto
        .calls()
        .await
        .into_iter()
        .map(|c| c.operation)
        .filter(|op| {
            !op.starts_with("Get") && !op.starts_with("List") && !op.starts_with("Describe")
        })
        .collect();
    assert!(writes.is_empty(), "plan wrote: {writes:?}");
    assert_eq!(h.aws.distribution_ids().await, [reference.id.as_str()]);
    let _ = std::fs::remove_file(file);
}

/// In an account of 102 distributions and one clone, `list` costs what the clone needs:
/// the index's one page, the clone, its tags, the reference and the certificates; `--scan`
/// reads every page of the account and every distribution's tags, and finds the same clone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_finds_the_clones_through_the_index_not_the_account() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    for _ in 0..100 {
        cfclone_e2e::seed::foreign_distribution(&h.aws, &[]).await;
    }
    h.issue_certificate("shop.example.com", &[]).await;
    let create = h
        .create("Shop", props(&reference.id, &["shop.example.com"]))
        .await;
    let response = h.send(&create).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    let listed_ids = |run: &cfclone_e2e::CliRun| -> Vec<String> {
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["distributionId"].as_str().unwrap().to_owned())
            .collect()
    };

    h.moto.clear_calls().await;
    let list = h.cli(&["list", "--output", "json"]).await;
    assert_eq!(listed_ids(&list), [response.physical_resource_id.as_str()]);
    let operations: Vec<String> = h
        .moto
        .calls()
        .await
        .into_iter()
        .map(|c| c.operation)
        .collect();
    let mut sorted = operations.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "GetDistribution",
            "GetDistributionConfig",
            "GetParametersByPath",
            "ListCertificates",
            "ListTagsForResource"
        ],
        "one clone, five calls, whatever the account holds: {operations:?}"
    );

    h.moto.clear_calls().await;
    let scan = h.cli(&["list", "--scan", "--output", "json"]).await;
    assert_eq!(listed_ids(&scan), [response.physical_resource_id.as_str()]);
    assert_eq!(
        h.moto.count("ListDistributions").await,
        2,
        "102 distributions are two pages"
    );
    assert_eq!(
        h.moto.count("ListTagsForResource").await,
        102,
        "each one's tags, once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_and_plan_make_only_the_reads_they_need() {
    let h = Harness::start().await;
    let (reference, ids) = fleet(&h).await;
    let operations = |calls: Vec<cfclone_e2e::moto::Call>| {
        let mut ops: Vec<String> = calls.into_iter().map(|c| c.operation).collect();
        ops.sort();
        ops
    };

    h.moto.clear_calls().await;
    assert_eq!(h.cli(&["diff", &ids[0]]).await.code, 0);
    // The clone (status and configuration), its tags (ownership), its record, the
    // reference, the certificates: one call each.
    assert_eq!(
        operations(h.moto.calls().await),
        [
            "GetDistribution",
            "GetDistributionConfig",
            "GetParameter",
            "ListCertificates",
            "ListTagsForResource"
        ]
    );

    h.moto.clear_calls().await;
    let plan = h
        .cli(&[
            "plan",
            "--reference",
            &reference.id,
            "--alias",
            "api.shop.example.com",
        ])
        .await;
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert_eq!(
        operations(h.moto.calls().await),
        // The plan's two reads, then the account's distributions listed: the alias can be
        // asked about through the reference only when it carries the clone's certificate
        // (it does not here), so this account's are looked through instead.
        [
            "GetDistributionConfig",
            "ListCertificates",
            "ListDistributions"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_sync_is_absorbed_and_every_clone_ends_in_sync() {
    use cfclone_e2e::moto::Fault;
    let h = Harness::start().await;
    let (reference, ids) = fleet(&h).await;
    move_on(&h, &reference.id).await;
    h.moto.clear_calls().await;
    h.moto
        .inject(Fault::new(
            "cloudfront",
            "UpdateDistribution",
            "Throttling",
            2,
        ))
        .await;
    h.moto
        .inject(Fault::new("cloudfront", "GetDistribution", "Throttling", 1))
        .await;

    let sync = h
        .cli(&["sync", "--reference", &reference.id, "--wave", "2"])
        .await;
    assert_eq!(sync.code, 0, "{}\n{}", sync.stdout, sync.stderr);
    let throttled = h.moto.statuses("UpdateDistribution").await;
    assert!(
        throttled.iter().filter(|s| **s >= 400).count() == 2,
        "{throttled:?}"
    );
    assert_eq!(
        h.moto.faults_left().await,
        0,
        "every injected fault was met"
    );
    for id in &ids {
        assert_eq!(h.cli(&["diff", id]).await.code, 0, "{id} in sync");
    }
    assert_eq!(
        h.aws.distribution_ids().await.len(),
        3,
        "nothing lost or duplicated"
    );
}

/// An `UpdateDistribution` of `id` as EventBridge delivers CloudTrail's record of it (the
/// shape of the CloudTrail User Guide's CloudFront examples).
fn cloudtrail_update(id: &str) -> Value {
    serde_json::json!({
        "version": "0",
        "id": "7bf73129-1428-4cd3-a780-95db273d1602",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.cloudfront",
        "account": "123456789012",
        "time": "2026-12-02T10:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {
            "eventVersion": "1.08",
            "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/web/alice"},
            "eventTime": "2026-12-02T10:00:00Z",
            "eventSource": "cloudfront.amazonaws.com",
            "eventName": "UpdateDistribution",
            "awsRegion": "us-east-1",
            "requestParameters": {"id": id, "ifMatch": "E1EXAMPLE"},
            "responseElements": null,
            "eventID": "c1d1f2c3-0000-4000-8000-000000000001",
            "eventType": "AwsApiCall",
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_of_the_reference_syncs_its_clones_automatically_but_not_a_hand_edited_one() {
    let h = Harness::start().await;
    let (reference, ids) = fleet(&h).await;
    move_on(&h, &reference.id).await;
    h.aws
        .edit(&ids[1], |c| c.comment = "edited in the console".into())
        .await;
    let reference_before = h.aws.distribution_config(&reference.id).await;

    let handled = h.invoke(cloudtrail_update(&reference.id)).await;
    assert_eq!(
        handled["handled"],
        format!(
            "synced the 2 clones of {}: 1 updated, 0 in sync, 1 skipped (edited by hand), 0 failed, 0 not started",
            reference.id
        ),
        "{}",
        h.logs().join("\n")
    );
    assert_eq!(
        h.cli(&["diff", &ids[0]]).await.code,
        0,
        "the stale clone was synced"
    );
    let kept = h.aws.distribution_config(&ids[1]).await;
    assert_eq!(
        kept.comment, "edited in the console",
        "the hand edit survived"
    );
    assert_ne!(kept.default_root_object.as_deref(), Some("home.html"));
    assert_eq!(
        h.aws.distribution_config(&reference.id).await,
        reference_before,
        "the reference is never written"
    );

    // The metric: one line in CloudWatch's embedded metric format.
    let metric: Value = h
        .logs()
        .iter()
        .find_map(|line| {
            let value: Value = serde_json::from_str(line).ok()?;
            value.get("_aws").is_some().then_some(value)
        })
        .unwrap_or_else(|| panic!("no metric line in\n{}", h.logs().join("\n")));
    assert_eq!(
        metric["_aws"]["CloudWatchMetrics"][0]["Namespace"],
        "cfclone"
    );
    assert_eq!(metric["ReferenceDistributionId"], reference.id.as_str());
    assert_eq!(metric["ClonesUpdated"], 1);
    assert_eq!(metric["ClonesSkipped"], 1);

    // A failed call, or an edit of a clone (a reference of nothing), syncs nothing.
    let mut failed = cloudtrail_update(&reference.id);
    failed["detail"]["errorCode"] = "PreconditionFailed".into();
    let handled = h.invoke(failed).await;
    assert!(
        handled["handled"]
            .as_str()
            .unwrap()
            .contains("the reference did not change"),
        "{handled}"
    );
    let handled = h.invoke(cloudtrail_update(&ids[0])).await;
    assert!(
        handled["handled"]
            .as_str()
            .unwrap()
            .starts_with("synced the 0 clones"),
        "{handled}"
    );
}

/// An endpoint that refuses the connection: the CLI says so at once, naming what it could
/// not reach and the way out, and does not retry (a retry would be a refusal again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_fails_the_cli_at_once_naming_it() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let endpoint = format!("http://127.0.0.1:{closed}");
    let started = std::time::Instant::now();
    let output = cfclone_e2e::cli_command(&cfclone_e2e::cli_binary(), &endpoint, "eu-west-1", 10)
        .env("RUST_LOG", "debug")
        .args(["list"])
        .output()
        .await
        .expect("the CLI runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("refused after {:?}", started.elapsed());
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("GetParametersByPath failed")
            && stderr.contains(&format!(
                "could not connect to the endpoint URL \"{endpoint}/\""
            ))
            && stderr.contains("AWS_ENDPOINT_URL"),
        "{stderr}"
    );
    // The SDK logs each attempt it makes at debug level: one, not eight.
    let attempts = stderr.matches("beginning attempt #").count();
    assert_eq!(attempts, 1, "{stderr}");
}
