//! The dry run's question to other accounts: `ListDomainConflicts` through the reference
//! (distributions and distribution tenants), `ListConflictingAliases` when it is denied or
//! unknown, against the fake CloudFront.

use super::*;
use crate::aws::{AwsError, ErrorKind};
use crate::findings::Finding;
use crate::properties::Properties;

/// The reference's own certificate (`test_support::reference`): the clone shares it, so
/// CloudFront can be asked through the reference.
const REFERENCE_CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/www";

fn sharing(aliases: &[&str]) -> Properties {
    let value = props(json!({"Aliases": aliases, "CertificateArn": REFERENCE_CERT}));
    Properties::parse(&value, "eu-west-1").unwrap()
}

async fn findings(w: &World, aliases: &[&str]) -> Vec<Finding> {
    Lifecycle::for_reads(&w.aws, NOW_MS + 60_000, POLL)
        .preflight(&sharing(aliases), "cfclone-plan")
        .await
        .unwrap()
        .findings
}

fn tenant_holding(w: &World, id: &str, domain: &str) {
    w.cf.tenants
        .lock()
        .unwrap()
        .push((id.to_owned(), domain.to_owned()));
}

#[tokio::test]
async fn a_domain_a_tenant_holds_is_found_and_named_a_tenant() {
    let w = world();
    tenant_holding(&w, "dt_shop", "shop.example.com");
    let found = findings(&w, &["shop.example.com", "free.example.com"]).await;
    let aliases: Vec<_> = found
        .iter()
        .filter(|f| f.kind().starts_with("alias"))
        .collect();
    assert_eq!(
        aliases,
        [&Finding::AliasInUse {
            alias: "shop.example.com".into(),
            id: "dt_shop".into(),
            account_id: Some("123456789012".into()),
            tenant: true,
        }]
    );
    assert!(aliases[0].blocks());
    assert!(
        aliases[0].text().contains("distribution tenant dt_shop"),
        "{}",
        aliases[0].text()
    );
    assert_eq!(
        w.cf.calls()
            .iter()
            .filter(|c| c.starts_with("ListDomainConflicts"))
            .collect::<Vec<_>>(),
        [
            &format!("ListDomainConflicts {REFERENCE_ID}"),
            &format!("ListDomainConflicts {REFERENCE_ID}")
        ],
        "one question per alias, through the reference"
    );
    assert_eq!(w.cf.count("ListConflictingAliases"), 0);
}

#[tokio::test]
async fn a_denied_list_domain_conflicts_falls_back_once_and_says_tenants_were_not_seen() {
    let w = world();
    tenant_holding(&w, "dt_shop", "shop.example.com");
    w.cf.fail_next("ListDomainConflicts", ErrorKind::AccessDenied, "denied");
    let found = findings(&w, &["shop.example.com", "www.shop.example.com"]).await;
    assert_eq!(w.cf.count("ListDomainConflicts"), 1, "not asked again");
    assert_eq!(w.cf.count("ListConflictingAliases"), 2);
    let older: Vec<_> = found
        .iter()
        .filter(|f| f.kind() == "alias-tenants-not-checked")
        .collect();
    assert_eq!(
        older,
        [&Finding::TenantsNotChecked {
            aliases: vec!["shop.example.com".into(), "www.shop.example.com".into()],
            reference: REFERENCE_ID.into(),
            why: "cloudfront:ListDomainConflicts on the reference was denied".into(),
        }]
    );
    assert!(!older[0].blocks());
    assert!(
        !found.iter().any(|f| f.kind() == "alias-in-use"),
        "the older check does not see the tenant: {found:?}"
    );
}

#[tokio::test]
async fn an_endpoint_without_list_domain_conflicts_falls_back() {
    let w = world();
    w.cf.fail_next_with(AwsError::new(
        "ListDomainConflicts",
        ErrorKind::Other,
        "404 Not Found",
    ));
    let found = findings(&w, &["shop.example.com"]).await;
    assert_eq!(w.cf.count("ListConflictingAliases"), 1);
    let text = found
        .iter()
        .find(|f| f.kind() == "alias-tenants-not-checked")
        .expect("the finding")
        .text();
    assert!(
        text.contains("the endpoint gave no CloudFront answer to ListDomainConflicts"),
        "{text}"
    );
}

#[tokio::test]
async fn a_reference_refused_as_the_validation_resource_falls_back() {
    // Its model calls DistributionId "the ID of the multi-tenant distribution".
    let w = world();
    w.cf.fail_next_with(AwsError {
        code: Some("InvalidArgument".into()),
        ..AwsError::new("ListDomainConflicts", ErrorKind::Other, "Invalid argument")
    });
    let found = findings(&w, &["shop.example.com"]).await;
    assert_eq!(w.cf.count("ListConflictingAliases"), 1);
    let text = found
        .iter()
        .find(|f| f.kind() == "alias-tenants-not-checked")
        .expect("the finding")
        .text();
    assert!(
        text.contains("CloudFront refused ListDomainConflicts through the reference"),
        "{text}"
    );
}

#[tokio::test]
async fn another_failure_of_list_domain_conflicts_is_reported_not_worked_around() {
    let w = world();
    w.cf.fail_next_with(AwsError {
        code: Some("EntityNotFound".into()),
        ..AwsError::new(
            "ListDomainConflicts",
            ErrorKind::Other,
            "The entity was not found",
        )
    });
    let found = findings(&w, &["shop.example.com"]).await;
    assert_eq!(w.cf.count("ListConflictingAliases"), 0);
    assert!(
        !found
            .iter()
            .any(|f| f.kind() == "alias-tenants-not-checked"),
        "{found:?}"
    );
    let Some(Finding::NotCheckedAcrossAccounts { alias, why }) =
        found.iter().find(|f| f.kind() == "alias-not-checked")
    else {
        panic!("{found:?}")
    };
    assert_eq!(alias, "shop.example.com");
    assert!(
        why.contains("ListDomainConflicts failed (EntityNotFound)"),
        "{why}"
    );
}

#[tokio::test]
async fn the_older_check_denied_too_is_not_checked_naming_it() {
    let w = world();
    w.cf.fail_next("ListDomainConflicts", ErrorKind::AccessDenied, "denied");
    w.cf.fail_next("ListConflictingAliases", ErrorKind::AccessDenied, "denied");
    let found = findings(&w, &["shop.example.com"]).await;
    let kinds: Vec<_> = found.iter().map(|f| f.kind()).collect();
    assert!(
        kinds.contains(&"alias-not-checked") && !kinds.contains(&"alias-tenants-not-checked"),
        "{found:?}"
    );
    let text = found
        .iter()
        .find(|f| f.kind() == "alias-not-checked")
        .unwrap()
        .text();
    assert!(
        text.contains("cloudfront:ListConflictingAliases on the reference was denied"),
        "{text}"
    );
}
