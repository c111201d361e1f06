use super::*;
use crate::aws::fake::as_cloudfront_returns;
use crate::test_support::{CERT, REFERENCE_ID, reference};
use aws_sdk_cloudfront::types::{CustomHeaders, OriginCustomHeader};
use serde_json::json;

fn planned(aliases: &[&str]) -> DistributionConfig {
    crate::test_support::plan_of(
        &reference(),
        json!({"ServiceToken": "x", "ReferenceDistributionId": REFERENCE_ID, "Aliases": aliases,
               "OriginDomainName": "api.shop.example.com"}),
        Some(CERT),
    )
}

#[test]
fn fields_are_named_as_cloudfront_names_them_one_origin_and_behaviour_each() {
    let fields = fields(&reference());
    for name in [
        "Comment",
        "Enabled",
        "DefaultCacheBehavior",
        "Origins[assets]",
    ] {
        assert!(fields.contains_key(name), "{name} in {:?}", fields.keys());
    }
    assert!(
        fields.keys().any(|k| k.starts_with("CacheBehaviors[/")),
        "{:?}",
        fields.keys()
    );
    assert!(!fields.keys().any(|k| k.contains("CallerReference")));
    assert!(
        fields.values().all(|text| !text.contains(": None,")),
        "absent members are left out"
    );
}

#[test]
fn the_revision_is_stable_and_changes_only_with_the_content() {
    let reference = reference();
    let revision = revision(&reference);
    assert!(
        revision.starts_with("r-") && revision.len() == 22,
        "{revision}"
    );
    assert_eq!(revision, super::revision(&reference.clone()));

    let mut renamed = reference.clone();
    renamed.caller_reference = "another".into();
    assert_eq!(
        revision,
        super::revision(&renamed),
        "CallerReference is not content"
    );
    assert_eq!(
        revision,
        super::revision(&as_cloudfront_returns(&reference)),
        "what CloudFront adds on its own is not content"
    );

    let mut edited = reference.clone();
    edited.default_root_object = Some("home.html".into());
    assert_ne!(revision, super::revision(&edited));

    let mut commented = reference.clone();
    commented.comment = "another comment".into();
    assert_ne!(
        revision,
        super::revision(&commented),
        "Comment, hidden by Debug, counts"
    );
}

#[test]
fn an_origin_header_value_counts_but_is_never_shown() {
    let reference = reference();
    let mut edited = reference.clone();
    let origin = edited
        .origins
        .as_mut()
        .unwrap()
        .items
        .iter_mut()
        .find(|o| o.custom_headers.is_some())
        .unwrap();
    origin.custom_headers = Some(
        CustomHeaders::builder()
            .quantity(1)
            .items(
                OriginCustomHeader::builder()
                    .header_name("X-Origin-Verify")
                    .header_value("rotated")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap(),
    );
    assert_ne!(revision(&reference), revision(&edited));
    let changes = changes(&reference, &edited);
    assert_eq!(changes.len(), 1, "{changes:?}");
    let shown = changes[0].lines().join("\n");
    assert!(shown.contains("X-Origin-Verify: sha256:"), "{shown}");
    assert!(
        !shown.contains("rotated") && !shown.contains("secret"),
        "{shown}"
    );
}

#[test]
fn changes_name_what_a_plan_overrides_and_nothing_else() {
    let plan = planned(&["shop.example.com"]);
    let changed: Vec<String> = changes(&reference(), &plan)
        .into_iter()
        .map(|c| c.field)
        .collect();
    assert!(changed.contains(&"Aliases".to_owned()), "{changed:?}");
    assert!(
        changed.contains(&"ViewerCertificate".to_owned()),
        "{changed:?}"
    );
    assert!(changed.contains(&"Comment".to_owned()), "{changed:?}");
    assert!(
        !changed.contains(&"DefaultCacheBehavior".to_owned()),
        "{changed:?}"
    );
    assert!(
        !changed.iter().any(|f| f.starts_with("CacheBehaviors")),
        "{changed:?}"
    );

    assert!(
        changes(&plan, &as_cloudfront_returns(&plan)).is_empty(),
        "CloudFront's additions are no change"
    );
}

#[test]
fn a_change_shows_the_lines_that_go_and_come() {
    let mut before = reference();
    before.default_cache_behavior.as_mut().unwrap().compress = Some(true);
    let mut edited = before.clone();
    edited.default_cache_behavior.as_mut().unwrap().compress = Some(false);
    let change = changes(&before, &edited).remove(0);
    assert_eq!(change.field, "DefaultCacheBehavior");
    let lines = change.lines();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with('-') && l.contains("compress: Some(true)")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with('+') && l.contains("compress: Some(false)")),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 2, "only the changed lines: {lines:?}");
}

#[test]
fn digests_match_between_what_was_sent_and_what_cloudfront_returns() {
    let plan = planned(&["shop.example.com"]);
    assert_eq!(digests(&plan), digests(&as_cloudfront_returns(&plan)));
}
