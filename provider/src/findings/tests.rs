use super::*;
use crate::test_support;

#[test]
fn an_exact_alias_is_in_use_and_a_wildcard_only_overlaps() {
    let held = [
        ("EHOLDER", vec!["shop.example.com".to_owned()]),
        ("EWILD", vec!["*.example.com".to_owned()]),
        ("EOTHER", vec!["www.example.org".to_owned()]),
    ];
    let found = in_account(
        &["SHOP.example.com".into(), "blog.example.org".into()],
        held.iter().map(|(id, a)| (*id, a.as_slice())),
    );
    assert_eq!(
        found,
        vec![
            Finding::AliasInUse {
                alias: "SHOP.example.com".into(),
                distribution_id: "EHOLDER".into(),
                account_id: None,
            },
            Finding::AliasOverlaps {
                alias: "SHOP.example.com".into(),
                other: "*.example.com".into(),
                distribution_id: "EWILD".into(),
                account_id: None,
            },
        ]
    );
    assert!(found[0].blocks() && !found[1].blocks());
    assert!(found[0].text().contains("CNAMEAlreadyExists"));
}

#[test]
fn wildcards_overlap_at_any_depth_either_way() {
    assert!(overlaps("*.example.com", "a.b.example.com"));
    assert!(overlaps("www.example.com", "*.example.com"));
    assert!(!overlaps("*.example.com", "example.com"));
    assert!(
        !overlaps("*.example.com", "*.example.com"),
        "the same name is not an overlap"
    );
    assert!(!overlaps("shop.example.com", "www.example.com"));
    assert!(!overlaps("*.example.com", "badexample.com"));
}

#[test]
fn quotas_are_found_within_ten_percent_and_over() {
    let planned = test_support::reference();
    assert!(quotas(10, &planned).is_empty());
    let near = quotas(449, &planned);
    assert_eq!(
        near,
        vec![Finding::Quota {
            what: DISTRIBUTIONS_PER_ACCOUNT.0,
            used: 450,
            limit: 500
        }]
    );
    assert!(!near[0].blocks());
    let over = quotas(500, &planned);
    assert!(over[0].blocks(), "{over:?}");
    assert!(over[0].text().contains("over it"), "{}", over[0].text());
}
