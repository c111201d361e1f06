use super::*;
use crate::aws::fake::as_cloudfront_returns;
use crate::test_support::{CERT, REFERENCE_ID, reference};
use serde_json::json;

fn properties() -> Value {
    json!({"ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:p",
           "ReferenceDistributionId": REFERENCE_ID, "Aliases": ["shop.example.com"]})
}

fn planned(reference: &DistributionConfig) -> DistributionConfig {
    crate::test_support::plan_of(reference, properties(), Some(CERT))
}

fn record() -> Record {
    let reference = reference();
    Record::new(
        REFERENCE_ID,
        &reference,
        &properties(),
        &planned(&reference),
    )
}

#[test]
fn a_record_reads_back_and_fits_a_standard_parameter() {
    let record = record();
    let text = record.to_json();
    assert!(text.len() < 4096, "{} bytes", text.len());
    assert_eq!(Record::parse(&text).unwrap(), record);
    assert!(!record.properties.contains_key("ServiceToken"));
    assert_eq!(
        record.reference_revision,
        crate::fields::revision(&reference())
    );
    assert_eq!(parameter_name("E1"), "/cfclone/records/E1");
}

#[test]
fn a_newer_or_foreign_record_is_refused_with_the_way_out() {
    let mut newer = record();
    newer.version = RECORD_VERSION + 1;
    assert!(
        Record::parse(&newer.to_json())
            .unwrap_err()
            .contains("upgrade")
    );
    assert!(
        Record::parse("{}")
            .unwrap_err()
            .contains("not a cfclone record")
    );
}

#[test]
fn a_reference_edit_is_told_from_a_hand_edit() {
    let record = record();
    let clone = as_cloudfront_returns(&planned(&reference()));

    // The reference moved on: its default root object changed.
    let mut moved = reference();
    moved.default_root_object = Some("home.html".into());
    let diffs = record.causes(crate::fields::changes(&clone, &planned(&moved)));
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert_eq!(diffs[0].change.field, "DefaultRootObject");
    assert_eq!(diffs[0].cause, Cause::ReferenceMovedOn);

    // Someone edited the clone's comment by hand.
    let mut edited = clone.clone();
    edited.comment = "hand edit".into();
    let diffs = record.causes(crate::fields::changes(&edited, &planned(&reference())));
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert_eq!(diffs[0].change.field, "Comment");
    assert_eq!(diffs[0].cause, Cause::EditedByHand);

    // A field added by hand is drift too.
    let mut added = clone.clone();
    added.web_acl_id = Some("arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1".into());
    let before = planned(&reference());
    let diffs = record.causes(crate::fields::changes(&added, &before));
    assert!(
        diffs.iter().all(|d| d.cause == Cause::EditedByHand),
        "{diffs:?}"
    );
    assert!(!diffs.is_empty());
}

#[test]
fn a_record_of_a_reference_with_75_behaviours_fits_an_advanced_parameter() {
    let mut reference = reference();
    let behaviours = reference.cache_behaviors.as_mut().unwrap();
    let template = behaviours.items.as_ref().unwrap()[0].clone();
    let items: Vec<_> = (0..75)
        .map(|i| {
            let mut b = template.clone();
            b.path_pattern = format!("/catalogue/section-{i:02}/products/*");
            b
        })
        .collect();
    behaviours.quantity = 75;
    behaviours.items = Some(items);
    let record = Record::new(
        REFERENCE_ID,
        &reference,
        &properties(),
        &planned(&reference),
    );
    let size = record.to_json().len();
    assert_eq!(
        record
            .applied
            .keys()
            .filter(|k| k.starts_with("CacheBehaviors["))
            .count(),
        75
    );
    assert!(size > 4096 && size <= 8192, "{size} bytes");
}
