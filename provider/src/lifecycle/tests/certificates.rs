//! `CertificateValidation`: a certificate requested, validated by DNS, waited for and
//! removed, against the fake ACM and Route 53 (which issue a certificate once its records
//! are in a zone, as ACM does).

use super::*;
use crate::certificate_request::{Ledger, ledger_name};
use crate::properties::Properties;

const ZONE: &str = "Z0EXAMPLE";

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
    let (name, value) = FakeAcm::validation_record(arn, "new.example.com");
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
    let (name, value) = FakeAcm::validation_record(&arn, "new.example.com");
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
async fn delete_removes_the_certificate_its_records_and_the_ledger() {
    let w = world();
    zoned(&w);
    let properties = requesting(&["new.example.com"], &[ZONE]);
    let (_, id) = created(&w, properties.clone()).await;
    let arn = clone_certificate(&w, &id);
    success(w.run(&delete(&id, properties)).await);
    assert!(w.clones().is_empty());
    assert!(w.acm.live().is_empty(), "the certificate is deleted");
    assert!(w.acm.records.lock().unwrap().is_empty(), "records removed");
    assert!(ledger(&w).is_none(), "the ledger is removed");
    assert_eq!(w.acm.count(&format!("DeleteCertificate {arn}")), 1);
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
async fn an_alias_change_rotates_the_certificate_and_removes_the_old_one() {
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
    let (old_name, _) = FakeAcm::validation_record(&first, "new.example.com");
    assert!(
        !w.acm
            .records
            .lock()
            .unwrap()
            .contains_key(&(ZONE.to_owned(), old_name)),
        "the old certificate's records are removed"
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
    let (name, value) = FakeAcm::validation_record(&arn, "new.example.com");
    assert!(reason.starts_with("CertificateValidation: "), "{reason}");
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
        found.inputs.certificate.as_deref(),
        Some(crate::lifecycle::preflight::TO_BE_REQUESTED)
    );
    assert_eq!(w.acm.count("RequestCertificate"), 0);
    assert_eq!(w.acm.count("ChangeResourceRecordSets"), 0);

    // An alias no zone holds blocks the plan, naming the zones.
    let found = lifecycle
        .preflight(
            &parsed(requesting(&["new.example.org"], &[ZONE])),
            "cfclone-plan",
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
