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
        .preflight(&sharing(aliases), "cfclone-plan", Listing::WhenNeeded)
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

async fn preflight(w: &World, aliases: &[&str], listing: Listing) -> Preflight {
    Lifecycle::for_reads(&w.aws, NOW_MS + 60_000, POLL)
        .preflight(&sharing(aliases), "cfclone-plan", listing)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_account_is_listed_only_when_an_answer_calls_for_it() {
    let w = world();
    // Nothing in the way: the plan's reads and one question, whatever the account holds.
    let clear = preflight(&w, &["free.example.com"], Listing::WhenNeeded).await;
    assert_eq!(w.cf.count("ListDistributions"), 0);
    assert_eq!(clear.distributions, None);
    assert!(clear.findings.is_empty(), "{:?}", clear.findings);

    // A distribution of this account holds the alias: CloudFront reports it (masked, on
    // AWS), and the listing names it as this account's.
    held_by(&w, "EHELD", "taken.example.com");
    let taken = preflight(&w, &["taken.example.com"], Listing::WhenNeeded).await;
    assert_eq!(w.cf.count("ListDistributions"), 1);
    assert_eq!(
        taken.findings,
        [Finding::AliasInUse {
            alias: "taken.example.com".into(),
            id: "EHELD".into(),
            account_id: None,
            tenant: false,
        }]
    );

    // Asked to: listed, and the distributions quota checked.
    let listed = preflight(&w, &["free.example.com"], Listing::Always).await;
    assert_eq!(w.cf.count("ListDistributions"), 2);
    assert_eq!(listed.distributions, Some(2));
}

fn held_by(w: &World, id: &str, alias: &str) {
    let mut held = test_support::reference();
    held.caller_reference = id.into();
    held.aliases = Some(
        aws_sdk_cloudfront::types::Aliases::builder()
            .quantity(1)
            .items(alias)
            .build()
            .unwrap(),
    );
    w.cf.insert(id, held, vec![]);
}

#[tokio::test]
async fn an_alias_cloudfront_could_not_be_asked_about_is_looked_for_in_the_account() {
    let w = world();
    held_by(&w, "EHELD", "free.example.com");
    w.cf.fail_next_with(AwsError {
        code: Some("EntityNotFound".into()),
        ..AwsError::new("ListDomainConflicts", ErrorKind::Other, "not found")
    });
    let found = preflight(&w, &["free.example.com"], Listing::WhenNeeded).await;
    assert_eq!(w.cf.count("ListDistributions"), 1, "{:?}", found.findings);
    assert_eq!(found.distributions, Some(2));
    let kinds: Vec<_> = found.findings.iter().map(Finding::kind).collect();
    assert_eq!(kinds, ["alias-in-use", "alias-not-checked"], "{kinds:?}");
    assert_eq!(
        found.findings[0],
        Finding::AliasInUse {
            alias: "free.example.com".into(),
            id: "EHELD".into(),
            account_id: None,
            tenant: false,
        }
    );
}

#[tokio::test]
async fn a_conflict_only_a_tenant_holds_lists_nothing() {
    let w = world();
    tenant_holding(&w, "dt_shop", "shop.example.com");
    let found = preflight(&w, &["shop.example.com"], Listing::WhenNeeded).await;
    assert_eq!(w.cf.count("ListDistributions"), 0);
    assert_eq!(found.findings.len(), 1, "{:?}", found.findings);
}

#[tokio::test]
async fn a_listing_that_fails_when_needed_keeps_what_cloudfront_reported() {
    let w = world();
    held_by(&w, "EHELD", "taken.example.com");
    w.cf.fail_next("ListDistributions", ErrorKind::AccessDenied, "denied");
    let found = preflight(&w, &["taken.example.com"], Listing::WhenNeeded).await;
    let kinds: Vec<_> = found.findings.iter().map(Finding::kind).collect();
    assert_eq!(kinds, ["account-not-listed", "alias-in-use"], "{kinds:?}");
    assert!(found.findings[1].blocks());
    let text = found.findings[0].text();
    assert!(
        text.contains("ListDistributions failed: denied")
            && text.ends_with("needs cloudfront:ListDistributions on *"),
        "{text}"
    );
    // Asked to list, the failure is the plan's.
    w.cf.fail_next("ListDistributions", ErrorKind::AccessDenied, "denied");
    let asked = Lifecycle::for_reads(&w.aws, NOW_MS + 60_000, POLL)
        .preflight(
            &sharing(&["free.example.com"]),
            "cfclone-plan",
            Listing::Always,
        )
        .await;
    let Err(error) = asked else {
        panic!("the listing asked for failed, and so did the plan")
    };
    assert!(
        error.reason().contains("ListDistributions"),
        "{}",
        error.reason()
    );
}
