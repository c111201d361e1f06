//! `cfclone plan`'s findings on the strict emulator, the real binary: an alias another
//! distribution already holds, in this account (found in `ListDistributions`) and in
//! another one (found by `ListConflictingAliases` through the reference, which CloudFront
//! answers only when the reference's certificate covers the alias).

use aws_sdk_cloudfront::types::Aliases;
use cfclone_e2e::aws::Aws;
use cfclone_e2e::{Harness, random_hex, seed};
use serde_json::Value;

/// A second account of the emulator, for the distribution another team owns.
const OTHER_ACCOUNT: &str = "210987654321";

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
        found.iter().any(|f| f.0 == "alias-not-checked"
            && !f.1
            && f.2.contains("list-conflicting-aliases")),
        "{found:?}"
    );
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
    // Theirs: masked as CloudFront masks it, with the account.
    let elsewhere = in_use("www.shop.example.com");
    assert_eq!(elsewhere.len(), 1, "{found:?}");
    let masked_id = format!(
        "{}{}",
        "*".repeat(theirs.len() - 4),
        &theirs[theirs.len() - 4..]
    );
    assert!(
        elsewhere[0].contains(&masked_id) && elsewhere[0].contains("in account ********4321"),
        "{}",
        elsewhere[0]
    );
    // Ours: once, by its whole id — the masked answer about it is not a second finding.
    assert_eq!(
        in_use("api.shop.example.com"),
        [format!(
            "alias api.shop.example.com is in use by distribution {ours} in this account: the Create would fail with CNAMEAlreadyExists; remove it there first (or move it: CloudFront's UpdateDomainAssociation)"
        )]
    );
    assert!(
        !found.iter().any(|f| f.0 == "alias-not-checked"),
        "{found:?}"
    );
    assert_eq!(
        h.moto.count("ListConflictingAliases").await,
        2,
        "one question per alias"
    );
}
