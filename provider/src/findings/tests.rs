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
                id: "EHOLDER".into(),
                account_id: None,
                tenant: false,
            },
            Finding::AliasOverlaps {
                alias: "SHOP.example.com".into(),
                other: "*.example.com".into(),
                id: "EWILD".into(),
                account_id: None,
                tenant: false,
            },
        ]
    );
    assert!(found[0].blocks() && !found[1].blocks());
    assert!(found[0].text().contains("CNAMEAlreadyExists"));
    assert!(
        found[0]
            .text()
            .contains("aws cloudfront associate-alias --target-distribution-id CLONE_ID --alias SHOP.example.com"),
        "{}",
        found[0].text()
    );
}

#[test]
fn a_tenant_is_named_a_tenant_and_moved_with_update_domain_association() {
    let tenant = Finding::AliasInUse {
        alias: "shop.example.com".into(),
        id: "***************ohWzv1b9It8J1AB".into(),
        account_id: Some("210987654321".into()),
        tenant: true,
    };
    let text = tenant.text();
    assert!(tenant.blocks());
    assert!(
        text.starts_with("alias shop.example.com is in use by distribution tenant ***************ohWzv1b9It8J1AB in account 210987654321"),
        "{text}"
    );
    assert!(
        text.contains("UpdateDomainAssociation") && text.contains("disabled first"),
        "{text}"
    );
    assert!(!text.contains("associate-alias"), "{text}");

    let elsewhere = Finding::AliasInUse {
        alias: "shop.example.com".into(),
        id: "******4ABC123D".into(),
        account_id: Some("210987654321".into()),
        tenant: false,
    };
    assert!(
        elsewhere.text().contains("distribution ***")
            && elsewhere.text().contains("wildcard method"),
        "{}",
        elsewhere.text()
    );
}

#[test]
fn the_older_check_says_it_misses_tenants() {
    let older = Finding::TenantsNotChecked {
        aliases: vec!["a.example.com".into(), "b.example.com".into()],
        reference: "EREF".into(),
        why: "cloudfront:ListDomainConflicts on the reference was denied".into(),
    };
    assert_eq!(older.kind(), "alias-tenants-not-checked");
    assert!(!older.blocks());
    let text = older.text();
    assert!(
        text.starts_with("aliases a.example.com, b.example.com were checked against other accounts with ListConflictingAliases")
            && text.contains("sees standard distributions only")
            && text.contains("was denied")
            && text.contains("--domain a.example.com --domain-control-validation-resource DistributionId=EREF"),
        "{text}"
    );
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
    assert!(quotas(Some(10), &planned).is_empty());
    let near = quotas(Some(449), &planned);
    assert_eq!(
        near,
        vec![Finding::Quota {
            what: DISTRIBUTIONS_PER_ACCOUNT.0,
            used: 450,
            limit: 500
        }]
    );
    assert!(!near[0].blocks());
    let over = quotas(Some(500), &planned);
    assert!(over[0].blocks(), "{over:?}");
    assert!(over[0].text().contains("over it"), "{}", over[0].text());
    assert!(quotas(None, &planned).is_empty(), "not listed: not checked");
}
