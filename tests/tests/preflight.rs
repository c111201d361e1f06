//! `cfclone plan`'s findings on the strict emulator, the real binary: an alias another
//! distribution or distribution tenant already holds, in this account or another one
//! (found by `ListDomainConflicts` through the reference, which CloudFront answers only
//! when the reference's certificate covers the alias; `ListConflictingAliases`, which
//! misses tenants, when it is denied). The account's `ListDistributions` names this
//! account's holders, and stands in when the reference cannot be asked through.

use aws_sdk_cloudfront::types::Aliases;
use cfclone_e2e::aws::Aws;
use cfclone_e2e::moto::Fault;
use cfclone_e2e::{Harness, random_hex, seed};
use serde_json::Value;

/// A second account of the emulator, for the distribution another team owns.
const OTHER_ACCOUNT: &str = "210987654321";
/// How ListDomainConflicts shows it: the first six digits hidden (aws-cli's example).
const OTHER_ACCOUNT_MASKED: &str = "******654321";

fn aliases(names: &[&str]) -> Aliases {
    Aliases::builder()
        .quantity(names.len() as i32)
        .set_items(Some(names.iter().map(|n| (*n).to_owned()).collect()))
        .build()
        .expect("aliases")
}

/// A distribution holding `alias`, made outside cfclone by `aws` (in whichever account
/// it acts), with a certificate of its own account.
async fn holder(aws: &Aws, alias: &str) -> String {
    let certificate = seed::certificate(aws, alias, &[]).await;
    let mut config = seed::reference_config(&format!("holder-{}", random_hex(8)), &certificate);
    config.aliases = Some(aliases(&[alias]));
    seed::distribution(aws, config, &[]).await.id
}

/// A reference carrying `*.shop.example.com`: the certificate a clone under
/// shop.example.com gets, so CloudFront answers conflicts through the reference.
async fn wildcard_reference(h: &Harness) -> String {
    let certificate = h
        .issue_certificate("*.shop.example.com", &["shop.example.com"])
        .await;
    let mut config = seed::reference_config(&format!("wild-{}", random_hex(8)), &certificate);
    config.aliases = Some(aliases(&["shop.example.com"]));
    seed::distribution(&h.aws, config, &[]).await.id
}

/// The findings of a JSON plan: (kind, blocks, text).
fn findings(plan: &Value) -> Vec<(String, bool, String)> {
    plan["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_owned(),
                f["blocks"].as_bool().unwrap(),
                f["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alias_in_use_in_this_account_blocks_the_plan() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    h.issue_certificate("*.shop.example.com", &[]).await;
    let taken = holder(&h.aws, "api.shop.example.com").await;
    h.moto.clear_calls().await;

    let args = ["plan", "--reference", &reference.id, "--alias"];
    let table = h
        .cli(&[&args[..], &["api.shop.example.com"]].concat())
        .await;
    assert_eq!(table.code, 1, "{}\n{}", table.stdout, table.stderr);
    let blocks = format!(
        "BLOCKS: alias api.shop.example.com is in use by distribution {taken} in this account"
    );
    assert!(table.stdout.contains(&blocks), "{}", table.stdout);
    assert!(
        table.stderr.contains("cannot be made as planned"),
        "{}",
        table.stderr
    );

    let json = h
        .cli(&[&args[..], &["api.shop.example.com", "--output", "json"]].concat())
        .await;
    assert_eq!(json.code, 1, "{}", json.stderr);
    let found = findings(&json.json());
    let in_use: Vec<_> = found.iter().filter(|f| f.0 == "alias-in-use").collect();
    assert_eq!(in_use.len(), 1, "{found:?}");
    assert!(in_use[0].1 && in_use[0].2.contains(&taken), "{found:?}");
    // The reference carries www.example.com's certificate, not the clone's: other accounts
    // cannot be asked through it, and the plan says so instead of guessing.
    assert!(
        found
            .iter()
            .any(|f| f.0 == "alias-not-checked" && !f.1 && f.2.contains("list-domain-conflicts")),
        "{found:?}"
    );
    assert_eq!(h.moto.count("ListDomainConflicts").await, 0);
    assert_eq!(h.moto.count("ListConflictingAliases").await, 0);

    // A free alias: nothing blocks, exit 0.
    let free = h
        .cli(&[&args[..], &["free.shop.example.com"]].concat())
        .await;
    assert_eq!(free.code, 0, "{}\n{}", free.stdout, free.stderr);
    assert!(!free.stdout.contains("BLOCKS"), "{}", free.stdout);
    assert_eq!(h.aws.distribution_ids().await.len(), 2, "plan made nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alias_in_use_in_another_account_is_found_through_the_reference() {
    let h = Harness::start().await;
    let reference = wildcard_reference(&h).await;
    let other = h.aws.in_account(OTHER_ACCOUNT).await;
    let theirs = holder(&other, "www.shop.example.com").await;
    let ours = holder(&h.aws, "api.shop.example.com").await;
    assert!(
        !h.aws.distribution_ids().await.contains(&theirs),
        "the other account's distribution is not listed in this one"
    );
    h.moto.clear_calls().await;

    let run = h
        .cli(&[
            "plan",
            "--reference",
            &reference,
            "--alias",
            "www.shop.example.com",
            "--alias",
            "api.shop.example.com",
            "--output",
            "json",
        ])
        .await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let found = findings(&run.json());
    let in_use = |alias: &str| -> Vec<String> {
        found
            .iter()
            .filter(|f| f.0 == "alias-in-use" && f.1 && f.2.contains(&format!("alias {alias} ")))
            .map(|f| f.2.clone())
            .collect()
    };
    // Theirs: masked as CloudFront masks it (the aws-cli example of list-domain-conflicts:
    // the leading characters), with the account.
    let elsewhere = in_use("www.shop.example.com");
    assert_eq!(elsewhere.len(), 1, "{found:?}");
    let half = theirs.len() / 2;
    let masked_id = format!("{}{}", "*".repeat(half), &theirs[half..]);
    assert!(
        elsewhere[0].contains(&format!(
            "distribution {masked_id} in account {OTHER_ACCOUNT_MASKED}"
        )) && elsewhere[0].contains("wildcard method"),
        "{}",
        elsewhere[0]
    );
    // Ours: once, by its whole id — the masked answer about it is not a second finding.
    assert_eq!(
        in_use("api.shop.example.com"),
        [format!(
            "alias api.shop.example.com is in use by distribution {ours} in this account: the Create would fail with CNAMEAlreadyExists; remove it there first, or create the clone without it and move it in one step, without downtime: aws cloudfront associate-alias --target-distribution-id CLONE_ID --alias api.shop.example.com (the clone's certificate must cover it; CloudFront Developer Guide, \"Move the alternate domain name\", also names update-domain-association for moves within one account)"
        )]
    );
    assert!(
        !found
            .iter()
            .any(|f| f.0 == "alias-not-checked" || f.0 == "alias-tenants-not-checked"),
        "{found:?}"
    );
    assert_eq!(
        h.moto.count("ListDomainConflicts").await,
        2,
        "one question per alias"
    );
    assert_eq!(h.moto.count("ListConflictingAliases").await, 0);
    assert_eq!(h.moto.count("ListDistributions").await, 1, "to name ours");

    // Nothing in the way: the plan's reads, then the question; the account is not listed.
    h.moto.clear_calls().await;
    let free = h
        .cli(&[
            "plan",
            "--reference",
            &reference,
            "--alias",
            "free.shop.example.com",
        ])
        .await;
    assert_eq!(free.code, 0, "{}\n{}", free.stdout, free.stderr);
    assert_eq!(
        h.moto.operations().await,
        [
            "GetDistributionConfig",
            "ListCertificates",
            "ListDomainConflicts"
        ]
    );
    assert!(free.stdout.contains("--list-account"), "{}", free.stdout);
}

/// A distribution tenant's id as CloudFront makes them (the aws-cli example's shape).
fn tenant_id() -> String {
    format!("dt_{}", random_hex(27))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_domain_a_distribution_tenant_holds_is_found_and_named_a_tenant() {
    let h = Harness::start().await;
    let reference = wildcard_reference(&h).await;
    let tenant = tenant_id();
    h.moto
        .add_tenant(&tenant, &["blog.shop.example.com"], OTHER_ACCOUNT)
        .await;
    h.moto.clear_calls().await;

    let run = h
        .cli(&[
            "plan",
            "--reference",
            &reference,
            "--alias",
            "blog.shop.example.com",
            "--output",
            "json",
        ])
        .await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let found = findings(&run.json());
    let in_use: Vec<_> = found.iter().filter(|f| f.0 == "alias-in-use").collect();
    assert_eq!(in_use.len(), 1, "{found:?}");
    let (_, blocks, text) = in_use[0];
    let half = tenant.len() / 2;
    let masked = format!("{}{}", "*".repeat(half), &tenant[half..]);
    assert!(*blocks);
    assert!(
        text.starts_with(&format!(
            "alias blog.shop.example.com is in use by distribution tenant {masked} in account {OTHER_ACCOUNT_MASKED}"
        )) && text.contains("UpdateDomainAssociation"),
        "{text}"
    );
    assert!(
        !found.iter().any(|f| f.0 == "alias-tenants-not-checked"),
        "{found:?}"
    );
    assert_eq!(h.moto.statuses("ListDomainConflicts").await, [200]);
    assert_eq!(h.moto.count("ListConflictingAliases").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_list_domain_conflicts_falls_back_to_the_older_check_and_says_so() {
    let h = Harness::start().await;
    let reference = wildcard_reference(&h).await;
    let other = h.aws.in_account(OTHER_ACCOUNT).await;
    let theirs = holder(&other, "www.shop.example.com").await;
    h.moto
        .add_tenant(&tenant_id(), &["blog.shop.example.com"], OTHER_ACCOUNT)
        .await;
    h.moto.clear_calls().await;
    // A role granted cloudfront:ListConflictingAliases only: IAM refuses the newer action.
    h.moto
        .inject(Fault::new(
            "cloudfront",
            "ListDomainConflicts",
            "AccessDenied",
            1,
        ))
        .await;

    let run = h
        .cli(&[
            "plan",
            "--reference",
            &reference,
            "--alias",
            "www.shop.example.com",
            "--alias",
            "blog.shop.example.com",
            "--output",
            "json",
        ])
        .await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        h.moto.statuses("ListDomainConflicts").await,
        [403],
        "asked once, then not again"
    );
    assert_eq!(h.moto.statuses("ListConflictingAliases").await, [200, 200]);
    let found = findings(&run.json());
    // The standard distribution is still found, as ListConflictingAliases masks it.
    let masked = format!(
        "{}{}",
        "*".repeat(theirs.len() - 4),
        &theirs[theirs.len() - 4..]
    );
    assert!(
        found.iter().any(|f| f.0 == "alias-in-use"
            && f.1
            && f.2.starts_with("alias www.shop.example.com ")
            && f.2.contains(&masked)),
        "{found:?}"
    );
    // The tenant's domain is not: the plan says the older check was used and what it misses.
    assert!(
        !found
            .iter()
            .any(|f| f.2.contains("blog.shop.example.com is in use")),
        "{found:?}"
    );
    let older: Vec<_> = found
        .iter()
        .filter(|f| f.0 == "alias-tenants-not-checked")
        .collect();
    assert_eq!(older.len(), 1, "{found:?}");
    assert!(!older[0].1);
    assert!(
        older[0].2.starts_with(
            "aliases www.shop.example.com, blog.shop.example.com were checked against other accounts with ListConflictingAliases"
        ) && older[0].2.contains("cloudfront:ListDomainConflicts on the reference was denied")
            && older[0].2.contains("distribution tenant"),
        "{}",
        older[0].2
    );
}
