//! `CertificateValidation`: a certificate requested, validated by DNS, waited for and
//! removed, against the fake ACM and Route 53 (which issue a certificate once its records
//! are in a zone, as ACM does).

use super::*;
use crate::aws::Certificates;
use crate::certificate_request::{Ledger, ledger_name};
use crate::properties::Properties;

const ZONE: &str = "Z0EXAMPLE";
const ACCOUNT: &str = "123456789012";

fn zoned(w: &World) {
    w.acm
        .zones
        .lock()
        .unwrap()
        .insert(ZONE.into(), "example.com.".into());
}

fn requesting(aliases: &[&str], zones: &[&str]) -> Value {
    props(json!({
        "Aliases": aliases,
        "CertificateValidation": {"HostedZoneIds": zones},
    }))
}

fn ledger(w: &World) -> Option<Ledger> {
    w.ssm
        .value("us-east-1", &ledger_name(STACK, "ShopClone"))
        .map(|text| Ledger::parse(&text).unwrap())
}

fn clone_certificate(w: &World, id: &str) -> String {
    w.cf.get_stored(id)
        .unwrap()
        .distribution
        .certificate_arn()
        .unwrap()
        .to_owned()
}

/// ACM counts clone `id` as a user of `arn` (as it does for a while after the clone moved
/// off it or was deleted).
fn still_counted(w: &World, arn: &str, id: &str) {
    let clone_arn = w.cf.get_stored(id).unwrap().distribution.arn.clone();
    w.acm
        .in_use_by
        .lock()
        .unwrap()
        .insert(arn.to_owned(), vec![clone_arn]);
}

#[tokio::test]
async fn a_create_requests_validates_waits_and_uses_the_certificate() {
    let w = world();
    zoned(&w);
    let (id, data) = success(
        w.run(&create(requesting(
            &["new.example.com", "*.new.example.com"],
            &[ZONE],
        )))
        .await,
    );
    let asked = w.acm.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "one certificate requested");
    let (arn, first) = &asked[0];
    assert_eq!(first.request.domain_name, "new.example.com");
    assert_eq!(
        first.request.subject_alternative_names,
        ["*.new.example.com"]
    );
    assert!(
        first.tags.contains(&(OWNER_STACK_TAG.into(), STACK.into()))
            && first
                .tags
                .contains(&(OWNER_LOGICAL_ID_TAG.into(), "ShopClone".into())),
        "the certificate carries the resource's ownership tags: {:?}",
        first.tags
    );
    assert_eq!(&clone_certificate(&w, &id), arn);
    assert_eq!(data["CertificateArn"], *arn);
    // A wildcard and its base name share one record: one CNAME written.
    let records = w.acm.records.lock().unwrap().clone();
    assert_eq!(records.len(), 1, "{records:?}");
    let (name, value) = FakeAcm::validation_record(ACCOUNT, "new.example.com");
    assert_eq!(records.get(&(ZONE.to_owned(), name.clone())), Some(&value));
    let attribute: Value = serde_json::from_str(&data["CertificateValidationRecords"]).unwrap();
    assert_eq!(
        attribute,
        json!([{"Name": name, "Type": "CNAME", "Value": value}])
    );
    let kept = ledger(&w).expect("the ledger keeps the requested certificate");
    assert_eq!(kept.certificates.len(), 1);
    assert_eq!(kept.certificates[0].certificate_arn, *arn);
    assert_eq!(kept.certificates[0].hosted_zone_ids, [ZONE]);
    w.reference_untouched();
}

#[tokio::test]
async fn a_redelivered_create_requests_nothing_twice() {
    let w = world();
    zoned(&w);
    let request = create(requesting(&["new.example.com"], &[ZONE]));
    let (first, _) = success(w.run(&request).await);
    let (again, _) = success(w.run(&request).await);
    assert_eq!(first, again, "the redelivery adopts the clone");
    assert_eq!(w.acm.asked.lock().unwrap().len(), 1);
    // The issued certificate covers the aliases now: no second RequestCertificate at all.
    assert_eq!(w.acm.count("RequestCertificate"), 1);
    assert_eq!(w.clones().len(), 1);
}

#[tokio::test]
async fn the_wait_is_handed_on_until_someone_adds_the_records_elsewhere() {
    let w = world();
    // No zone: DNS is hosted elsewhere; the records are published and waited for.
    let request = create(requesting(&["new.example.com"], &[]));
    let tight = w.budget(Duration::from_secs(20), Duration::from_secs(3540));
    let outcome = w.run_with(&request, None, tight).await;
    let phase = match outcome {
        Outcome::Continue { phase } => phase,
        other => panic!("expected a hand-off, got {other:?}"),
    };
    let arn = w.acm.asked.lock().unwrap()[0].0.clone();
    assert_eq!(
        phase,
        Phase::AwaitCertificate {
            certificate_arn: arn.clone()
        }
    );
    assert!(w.clones().is_empty(), "no clone before the certificate");
    let (name, value) = FakeAcm::validation_record(ACCOUNT, "new.example.com");
    let published = ledger(&w).expect("the records are published in SSM");
    assert_eq!(published.certificates[0].records[0].name, name);
    assert_eq!(published.certificates[0].records[0].value, value);
    // Still pending: the next invocation hands on again, asking ACM for nothing new.
    let outcome = w.run_with(&request, Some(&phase), tight).await;
    assert_eq!(
        outcome,
        Outcome::Continue {
            phase: phase.clone()
        }
    );
    // Someone adds the record to the DNS that holds the domain.
    w.acm
        .records
        .lock()
        .unwrap()
        .insert(("elsewhere".into(), name), value);
    let (id, _) = success(w.run_with(&request, Some(&phase), tight).await);
    assert_eq!(clone_certificate(&w, &id), arn);
    assert_eq!(
        w.acm.count("RequestCertificate"),
        1,
        "resumed, not asked again"
    );
    assert_eq!(
        w.acm.count("ChangeResourceRecordSets"),
        0,
        "no zone, no writes"
    );
}

#[tokio::test]
async fn delete_removes_the_certificate_and_the_ledger_and_leaves_the_validation_records() {
    let w = world();
    zoned(&w);
    let properties = requesting(&["new.example.com"], &[ZONE]);
    let (_, id) = created(&w, properties.clone()).await;
    let arn = clone_certificate(&w, &id);
    let records = w.acm.records.lock().unwrap().clone();
    assert_eq!(records.len(), 1);
    success(w.run(&delete(&id, properties)).await);
    assert!(w.clones().is_empty());
    assert!(w.acm.live().is_empty(), "the certificate is deleted");
    assert_eq!(
        *w.acm.records.lock().unwrap(),
        records,
        "the account's validation record for the name stays"
    );
    assert!(ledger(&w).is_none(), "the ledger is removed");
    assert_eq!(w.acm.count(&format!("DeleteCertificate {arn}")), 1);
    assert!(
        w.acm
            .calls
            .lock()
            .unwrap()
            .iter()
            .all(|c| !c.starts_with("ChangeResourceRecordSets") || c.ends_with("UPSERT")),
        "records are only ever upserted"
    );
}

/// The record that validates new.example.com on certificate `arn`, which it validates.
async fn validated(w: &World, arn: &str) -> (String, String) {
    let described = w.acm.requested(arn).await.unwrap();
    let v = described
        .validations
        .iter()
        .find(|v| v.domain_name == "new.example.com")
        .unwrap();
    assert_eq!(
        v.status.as_str(),
        "SUCCESS",
        "the shared record validates {arn}"
    );
    v.record.clone().unwrap()
}

#[tokio::test]
async fn two_certificates_for_a_name_share_its_record_and_deleting_a_clone_leaves_it() {
    let w = world();
    zoned(&w);
    let properties = requesting(&["new.example.com"], &[ZONE]);
    let (_, id) = created(&w, properties.clone()).await;
    let ours = clone_certificate(&w, &id);
    // Another certificate of the account for the same name, requested elsewhere.
    let theirs = w
        .acm
        .request(
            &crate::certificate_request::Request {
                domain_name: "new.example.com".into(),
                subject_alternative_names: vec!["other.example.com".into()],
                idempotency_token: "elsewhere".into(),
            },
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        validated(&w, &ours).await,
        validated(&w, &theirs).await,
        "one record for the name"
    );
    success(w.run(&delete(&id, properties)).await);
    assert_eq!(
        w.acm.live(),
        vec![theirs.clone()],
        "ours deleted, theirs not"
    );
    let (name, value) = validated(&w, &theirs).await;
    assert_eq!(
        w.acm.records.lock().unwrap().get(&(ZONE.to_owned(), name)),
        Some(&value),
        "the record the other certificate renews with is still there"
    );
}

#[tokio::test]
async fn delete_waits_while_acm_still_counts_the_deleted_clone_as_a_user() {
    let w = world();
    zoned(&w);
    let properties = requesting(&["new.example.com"], &[ZONE]);
    let (_, id) = created(&w, properties.clone()).await;
    let arn = clone_certificate(&w, &id);
    still_counted(&w, &arn, &id);
    let tight = w.budget(Duration::from_secs(30), Duration::from_secs(3540));
    let outcome = w
        .run_with(&delete(&id, properties.clone()), None, tight)
        .await;
    assert_eq!(
        outcome,
        Outcome::Continue {
            phase: Phase::Delete
        },
        "the Delete hands the wait on"
    );
    assert!(w.clones().is_empty(), "the clone itself is gone");
    assert_eq!(w.acm.live(), vec![arn.clone()], "kept while in use");
    w.acm.in_use_by.lock().unwrap().clear();
    success(
        w.run_with(&delete(&id, properties), Some(&Phase::Delete), tight)
            .await,
    );
    assert!(w.acm.live().is_empty());
    assert!(ledger(&w).is_none());
}

#[tokio::test]
async fn a_certificate_another_resource_uses_is_left_in_place_on_delete() {
    let w = world();
    zoned(&w);
    let properties = requesting(&["new.example.com"], &[ZONE]);
    let (_, id) = created(&w, properties.clone()).await;
    let arn = clone_certificate(&w, &id);
    w.acm.in_use_by.lock().unwrap().insert(
        arn.clone(),
        vec!["arn:aws:cloudfront::123456789012:distribution/EOTHER".into()],
    );
    success(w.run(&delete(&id, properties)).await);
    assert_eq!(w.acm.live(), [arn], "not deleted under another's feet");
    assert!(
        ledger(&w).is_none(),
        "and no longer this resource's to remove"
    );
}

#[tokio::test]
async fn an_alias_change_rotates_the_certificate_removes_the_old_one_and_keeps_the_records() {
    let w = world();
    zoned(&w);
    let old = requesting(&["new.example.com"], &[ZONE]);
    let (_, id) = created(&w, old.clone()).await;
    let first = clone_certificate(&w, &id);
    let new = requesting(&["new.example.com", "api.example.com"], &[ZONE]);
    let (same, data) = success(w.run(&update(&id, new, old)).await);
    assert_eq!(same, id, "updated in place");
    let second = clone_certificate(&w, &id);
    assert_ne!(second, first, "a certificate for the new aliases");
    assert_eq!(data["CertificateArn"], second);
    assert_eq!(w.acm.live(), vec![second.clone()], "the old one is deleted");
    let (name, value) = FakeAcm::validation_record(ACCOUNT, "new.example.com");
    assert_eq!(
        w.acm.records.lock().unwrap().get(&(ZONE.to_owned(), name)),
        Some(&value),
        "the name's record stays: the new certificate renews with it"
    );
    assert_eq!(
        w.acm.records.lock().unwrap().len(),
        2,
        "and api.example.com's is added"
    );
    let kept = ledger(&w).unwrap();
    assert_eq!(kept.certificates.len(), 1);
    assert_eq!(kept.certificates[0].certificate_arn, second);
}

#[tokio::test]
async fn an_old_certificate_still_in_use_is_kept_for_the_delete() {
    let w = world();
    zoned(&w);
    let old = requesting(&["new.example.com"], &[ZONE]);
    let (_, id) = created(&w, old.clone()).await;
    let first = clone_certificate(&w, &id);
    still_counted(&w, &first, &id);
    let new = requesting(&["api.example.com"], &[ZONE]);
    success(w.run(&update(&id, new.clone(), old)).await);
    assert_eq!(w.acm.live().len(), 2, "ACM still counts the clone: kept");
    assert_eq!(ledger(&w).unwrap().certificates.len(), 2);
    w.acm.in_use_by.lock().unwrap().clear();
    success(w.run(&delete(&id, new)).await);
    assert!(w.acm.live().is_empty(), "the Delete removes both");
}

#[tokio::test]
async fn a_timeout_names_the_records_not_seen() {
    let w = world();
    // No zone: DNS hosted elsewhere, and nobody adds the record.
    let outcome = w
        .run_with(
            &create(requesting(&["new.example.com"], &[])),
            None,
            w.budget(Duration::from_secs(14 * 60), Duration::from_secs(120)),
        )
        .await;
    let (physical, reason) = failure(outcome);
    assert!(physical.starts_with(NOT_CREATED_PREFIX));
    let arn = w.acm.asked.lock().unwrap()[0].0.clone();
    let (name, value) = FakeAcm::validation_record(ACCOUNT, "new.example.com");
    assert!(
        reason.starts_with(&format!(
            "CertificateValidation: {arn} was still PENDING_VALIDATION"
        )),
        "{reason}"
    );
    assert!(
        reason.contains(&format!("{name} CNAME {value} (for new.example.com)")),
        "{reason}"
    );
    assert!(reason.contains("ServiceTimeout"), "{reason}");
    assert!(w.clones().is_empty());
    // The records were published for DNS hosted elsewhere.
    let kept = ledger(&w).unwrap();
    assert_eq!(kept.certificates[0].records[0].name, name);
    // The rollback's Delete (of the marker) removes the certificate.
    success(
        w.run(&delete(&physical, requesting(&["new.example.com"], &[])))
            .await,
    );
    assert!(w.acm.live().is_empty());
    assert!(ledger(&w).is_none());
}

#[tokio::test]
async fn an_alias_outside_the_zones_fails_before_anything_is_requested() {
    let w = world();
    zoned(&w);
    let (_, reason) = failure(
        w.run(&create(requesting(&["new.example.org"], &[ZONE])))
            .await,
    );
    assert!(
        reason.starts_with("CertificateValidation: no hosted zone given contains new.example.org"),
        "{reason}"
    );
    assert!(reason.contains("example.com (Z0EXAMPLE)"), "{reason}");
    assert_eq!(w.acm.count("RequestCertificate"), 0);
}

#[tokio::test]
async fn an_unknown_zone_and_the_certificate_quota_are_named() {
    let w = world();
    let (_, reason) = failure(
        w.run(&create(requesting(&["new.example.com"], &["Z0MISSING"])))
            .await,
    );
    assert!(
        reason
            .starts_with("CertificateValidation: HostedZoneIds: there is no hosted zone Z0MISSING"),
        "{reason}"
    );
    zoned(&w);
    *w.acm.at_quota.lock().unwrap() = true;
    let (_, reason) = failure(
        w.run(&create(requesting(&["new.example.com"], &[ZONE])))
            .await,
    );
    assert!(
        reason.contains("quota of certificates is reached"),
        "{reason}"
    );
    assert!(w.clones().is_empty());
}

#[tokio::test]
async fn a_covering_certificate_is_used_and_nothing_is_requested() {
    let w = world();
    zoned(&w);
    let (id, data) = success(
        w.run(&create(requesting(&["shop.example.com"], &[ZONE])))
            .await,
    );
    assert_eq!(clone_certificate(&w, &id), SHOP_CERT);
    assert_eq!(w.acm.count("RequestCertificate"), 0);
    assert_eq!(data["CertificateValidationRecords"], "[]");
}

#[tokio::test]
async fn a_certificate_without_this_resources_tags_is_never_deleted() {
    let w = world();
    zoned(&w);
    let properties = requesting(&["new.example.com"], &[ZONE]);
    let (_, id) = created(&w, properties.clone()).await;
    let arn = clone_certificate(&w, &id);
    w.acm.asked.lock().unwrap()[0].1.tags.clear();
    success(w.run(&delete(&id, properties)).await);
    assert_eq!(w.acm.live(), [arn]);
    assert_eq!(w.acm.count("DeleteCertificate"), 0);
    assert!(
        !w.acm.records.lock().unwrap().is_empty(),
        "its records are not touched either"
    );
}

fn parsed(properties: Value) -> Properties {
    Properties::parse(&properties, "eu-west-1").unwrap()
}

#[tokio::test]
async fn the_dry_run_says_a_certificate_would_be_requested_and_requests_nothing() {
    let w = world();
    zoned(&w);
    let lifecycle = Lifecycle::for_reads(&w.aws, NOW_MS + 60_000, POLL);
    let found = lifecycle
        .preflight(
            &parsed(requesting(&["new.example.com"], &[ZONE])),
            "cfclone-plan",
            Listing::WhenNeeded,
        )
        .await
        .unwrap();
    let finding = found
        .findings
        .iter()
        .find(|f| f.kind() == "certificate-to-request")
        .expect("the finding");
    assert!(!finding.blocks(), "{}", finding.text());
    assert!(
        finding.text().contains("new.example.com"),
        "{}",
        finding.text()
    );
    assert_eq!(
        found.inputs.certificate,
        crate::certificates::Choice::ToBeRequested
    );
    assert_eq!(w.acm.count("RequestCertificate"), 0);
    assert_eq!(w.acm.count("ChangeResourceRecordSets"), 0);

    // An alias no zone holds blocks the plan, naming the zones.
    let found = lifecycle
        .preflight(
            &parsed(requesting(&["new.example.org"], &[ZONE])),
            "cfclone-plan",
            Listing::WhenNeeded,
        )
        .await
        .unwrap();
    let finding = found
        .findings
        .iter()
        .find(|f| f.kind() == "certificate-to-request")
        .unwrap();
    assert!(finding.blocks());
    assert!(
        finding.text().contains("example.com (Z0EXAMPLE)"),
        "{}",
        finding.text()
    );
}

#[tokio::test]
async fn a_certificate_acm_does_not_describe_yet_is_waited_for() {
    let w = world();
    zoned(&w);
    // ACM: "a delay of several seconds" before a new certificate can be described.
    *w.acm.hidden_for.lock().unwrap() = 3;
    let (id, _) = success(
        w.run(&create(requesting(&["new.example.com"], &[ZONE])))
            .await,
    );
    let arn = w.acm.asked.lock().unwrap()[0].0.clone();
    assert_eq!(clone_certificate(&w, &id), arn);
    assert!(
        w.acm.count(&format!("DescribeCertificate {arn}")) > 3,
        "asked again after each not-found"
    );
}

#[tokio::test]
async fn the_ledger_holds_a_requested_certificate_before_anything_can_fail() {
    let w = world();
    zoned(&w);
    *w.acm.hidden_for.lock().unwrap() = usize::MAX;
    let properties = requesting(&["new.example.com"], &[ZONE]);
    let outcome = w
        .run_with(
            &create(properties.clone()),
            None,
            w.budget(Duration::from_secs(14 * 60), Duration::from_secs(120)),
        )
        .await;
    let (physical, reason) = failure(outcome);
    assert!(reason.contains("not described by ACM yet"), "{reason}");
    let arn = w.acm.asked.lock().unwrap()[0].0.clone();
    let kept = ledger(&w).expect("in the ledger though never described");
    assert_eq!(kept.certificates[0].certificate_arn, arn);
    // The rollback's Delete finds it and removes it.
    success(w.run(&delete(&physical, properties)).await);
    assert!(w.acm.live().is_empty());
    assert!(ledger(&w).is_none());
}

#[tokio::test]
async fn a_private_hosted_zone_is_refused_before_anything_is_requested() {
    let w = world();
    zoned(&w);
    w.acm.private_zones.lock().unwrap().insert(ZONE.into());
    let (_, reason) = failure(
        w.run(&create(requesting(&["new.example.com"], &[ZONE])))
            .await,
    );
    assert!(
        reason.starts_with(
            "CertificateValidation: HostedZoneIds: Z0EXAMPLE (example.com) is a private hosted zone"
        ),
        "{reason}"
    );
    assert!(reason.contains("public hosted zone"), "{reason}");
    assert_eq!(w.acm.count("RequestCertificate"), 0);
}

fn many(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("n{i}.example.com")).collect()
}

#[tokio::test]
async fn more_names_than_the_accounts_quota_are_refused_by_acm_naming_the_quota() {
    let w = world();
    zoned(&w);
    let aliases = many(11);
    let aliases: Vec<&str> = aliases.iter().map(String::as_str).collect();
    let (_, reason) = failure(w.run(&create(requesting(&aliases, &[ZONE]))).await);
    assert_eq!(
        w.acm.count("RequestCertificate"),
        1,
        "asked: only ACM knows the quota"
    );
    assert!(
        reason.contains("\"Domain names per ACM certificate\"")
            && reason.contains("Service Quotas")
            && reason.contains("Certificate has too many domains"),
        "{reason}"
    );
    // An account whose quota was raised gets its certificate.
    *w.acm.names_quota.lock().unwrap() = Some(20);
    let (id, _) = success(w.run(&create(requesting(&aliases, &[ZONE]))).await);
    let asked = w.acm.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].1.request.subject_alternative_names.len(), 10);
    assert_eq!(clone_certificate(&w, &id), asked[0].0);
}

#[tokio::test]
async fn an_alias_too_long_for_the_domain_name_goes_among_the_sans() {
    let w = world();
    zoned(&w);
    let long = format!("{}.example.com", "a".repeat(53));
    assert_eq!(long.len(), 65);
    let (id, _) = success(
        w.run(&create(requesting(&[&long, "new.example.com"], &[ZONE])))
            .await,
    );
    let asked = w.acm.asked.lock().unwrap()[0].clone();
    assert_eq!(asked.1.request.domain_name, "new.example.com");
    assert_eq!(
        asked.1.request.subject_alternative_names,
        vec![long.clone()]
    );
    assert_eq!(clone_certificate(&w, &id), asked.0);

    let w = world();
    zoned(&w);
    let (_, reason) = failure(w.run(&create(requesting(&[&long], &[ZONE]))).await);
    assert!(
        reason.starts_with("CertificateValidation: every alias is longer than 64 characters"),
        "{reason}"
    );
    assert!(reason.contains("Aliases"), "{reason}");
    assert_eq!(w.acm.count("RequestCertificate"), 0);
}

#[tokio::test]
async fn a_conflict_deleting_the_certificate_is_retried() {
    let w = world();
    zoned(&w);
    let properties = requesting(&["new.example.com"], &[ZONE]);
    let (_, id) = created(&w, properties.clone()).await;
    let arn = clone_certificate(&w, &id);
    // ConflictException: "already being created or updated. Wait … and try again."
    *w.acm.conflicts.lock().unwrap() = 2;
    success(w.run(&delete(&id, properties)).await);
    assert!(w.acm.live().is_empty());
    assert_eq!(w.acm.count(&format!("DeleteCertificate {arn}")), 3);
    assert!(ledger(&w).is_none());
}

#[tokio::test]
async fn the_clean_up_delete_of_a_vanished_clone_keeps_the_new_clones_certificate() {
    let w = world();
    zoned(&w);
    let properties = requesting(&["new.example.com"], &[ZONE]);
    let (_, old_id) = created(&w, properties.clone()).await;
    let arn = clone_certificate(&w, &old_id);
    w.cf.stored.lock().unwrap().remove(&old_id);
    let (new_id, _) = success(
        w.run(&update(&old_id, properties.clone(), properties.clone()))
            .await,
    );
    assert_ne!(new_id, old_id, "created anew");
    assert_eq!(
        clone_certificate(&w, &new_id),
        arn,
        "with the same certificate"
    );
    assert_eq!(
        ledger(&w).unwrap().certificates[0].clone_id.as_deref(),
        Some(new_id.as_str())
    );
    // CloudFormation's clean-up: a Delete of the old physical id.
    success(w.run(&delete(&old_id, properties.clone())).await);
    assert_eq!(
        w.acm.live(),
        vec![arn.clone()],
        "the new clone's certificate stays"
    );
    assert_eq!(ledger(&w).unwrap().certificates[0].certificate_arn, arn);
    assert_eq!(w.acm.count("DeleteCertificate"), 0);
    // The new clone's own Delete removes it.
    success(w.run(&delete(&new_id, properties)).await);
    assert!(w.acm.live().is_empty());
    assert!(ledger(&w).is_none());
}
