//! Syncing a fleet through the handler, on in-memory AWS: waves, hand edits left alone,
//! no wave after a failure or past the time, and the automatic sync's bounds and report.

use super::auto::{Owners, TOO_MANY, metric_line};
use super::*;
use crate::aws::ErrorKind;
use crate::aws::fake::{FakeAcm, FakeClock, FakeCloudFront};
use crate::certificates::Certificate;
use crate::handler::Handled;
use crate::lifecycle::Lifecycle;
use crate::test_support::{self, REFERENCE_ID};
use serde_json::{Value, json};
use std::sync::Arc;

const NOW_MS: u64 = 1_800_000_000_000;
const STACK: &str = "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/1111";

use crate::handler::Provider;

struct Fleet {
    provider: Arc<Provider>,
    cf: Arc<FakeCloudFront>,
    clones: Vec<String>,
}

/// The reference, a wildcard certificate, and `n` clones made by Create events.
async fn fleet(n: usize, limits: Limits) -> Fleet {
    let clock = Arc::new(FakeClock::at(NOW_MS));
    let cf = Arc::new(FakeCloudFront::new(Arc::clone(&clock)));
    cf.insert(REFERENCE_ID, test_support::reference(), vec![]);
    let acm = Arc::new(FakeAcm::default());
    let year = (NOW_MS / 1000) as i64 + 86_400 * 365;
    acm.add(
        Certificate::issued(
            "arn:aws:acm:us-east-1:123456789012:certificate/wild",
            "*.example.com",
            &[],
            year,
        ),
        true,
    );
    let provider = test_support::in_process_provider(&cf, acm, clock, limits);
    let mut clones = Vec::new();
    for i in 0..n {
        let event = json!({
            "RequestType": "Create",
            "RequestId": format!("create-{i}"),
            "StackId": STACK,
            "LogicalResourceId": format!("Clone{i}"),
            "ResourceType": "Custom::ClonedDistribution",
            "ResponseURL": "",
            "ResourceProperties": {
                "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:cfclone",
                "ReferenceDistributionId": REFERENCE_ID,
                "Aliases": [format!("shop-{i}.example.com")],
                "OriginDomainName": format!("shop-{i}.example.net"),
            },
        });
        match provider.handle(event, &invocation()).await {
            Handled::Answered {
                answer: Answer::Success { physical_id, .. },
                ..
            } => clones.push(physical_id),
            other => panic!("the Create failed: {other:?}"),
        }
    }
    Fleet {
        provider,
        cf,
        clones,
    }
}

fn invocation() -> Invocation {
    Invocation::new(
        NOW_MS + 900_000,
        "arn:aws:lambda:eu-west-1:123456789012:function:cfclone",
    )
}

fn edit_reference(cf: &FakeCloudFront) {
    let mut moved = test_support::reference();
    moved.default_root_object = Some("home.html".into());
    cf.insert(REFERENCE_ID, moved, vec![]);
}

/// A change made by hand on a clone, behind cfclone's back.
fn edit_by_hand(cf: &FakeCloudFront, id: &str) {
    let mut stored = cf.stored.lock().unwrap();
    let clone = stored.get_mut(id).unwrap();
    clone.distribution.config.comment = "edited in the console".into();
}

impl Fleet {
    async fn states(&self) -> Vec<CloneState> {
        let reader =
            Lifecycle::for_reads(&self.provider.runner.aws, NOW_MS + 900_000, Duration::ZERO);
        reader.states(self.clones.clone()).await.unwrap()
    }

    fn updates(&self) -> Vec<String> {
        self.cf
            .calls()
            .into_iter()
            .filter(|c| c.starts_with("UpdateDistribution"))
            .collect()
    }
}

fn options(wave: usize) -> Options {
    Options {
        dry_run: false,
        wave,
        force: false,
        may_wait: false,
        deadline_ms: NOW_MS + 900_000,
        wave_reserve: Duration::from_secs(20),
        function: String::new(),
    }
}

fn ignore(_: Progress<'_>) {}

#[tokio::test]
async fn a_sync_brings_stale_clones_up_to_date_and_leaves_hand_edits_alone() {
    let f = fleet(3, Limits::default()).await;
    edit_reference(&f.cf);
    edit_by_hand(&f.cf, &f.clones[1]);
    let report = super::run(&f.provider.runner, f.states().await, &options(2), &ignore).await;
    assert_eq!(
        report.results,
        vec![
            (f.clones[0].clone(), Synced::Updated(1)),
            (f.clones[1].clone(), Synced::Skipped(vec!["Comment".into()])),
            (f.clones[2].clone(), Synced::Updated(1)),
        ]
    );
    let after = f.states().await;
    assert!(after[0].in_sync() && after[2].in_sync());
    assert_eq!(after[1].drifted(), ["Comment"], "the hand edit survives");
    assert!(!f.updates().iter().any(|c| c.contains(REFERENCE_ID)));
}

#[tokio::test]
async fn no_wave_starts_after_a_failure_or_too_near_the_deadline() {
    let f = fleet(3, Limits::default()).await;
    edit_reference(&f.cf);
    f.cf.fail_next("UpdateDistribution", ErrorKind::Other, "InternalError");
    let report = super::run(&f.provider.runner, f.states().await, &options(1), &ignore).await;
    assert!(
        matches!(report.results[0].1, Synced::Failed(_)),
        "{report:?}"
    );
    assert_eq!(report.results[1].1, Synced::NotStarted(AFTER_FAILURE));
    assert_eq!(report.results[2].1, Synced::NotStarted(AFTER_FAILURE));

    let late = Options {
        deadline_ms: NOW_MS + 10_000,
        ..options(1)
    };
    let updates = f.updates().len();
    let report = super::run(&f.provider.runner, f.states().await, &late, &ignore).await;
    assert_eq!(report.counts().not_started, 3);
    assert_eq!(f.updates().len(), updates, "nothing was written");
}

#[tokio::test]
async fn the_automatic_sync_is_bounded_and_touches_only_the_references_own_clones() {
    let f = fleet(
        3,
        Limits {
            wave: 2,
            max_clones: 2,
            owners: Owners::Region("eu-west-1".into()),
        },
    )
    .await;
    // A distribution cfclone did not make, and one more of another reference.
    f.cf.insert("EFOREIGN", test_support::reference(), vec![]);
    edit_reference(&f.cf);
    let trigger = json!({"cfcloneSync": {"referenceDistributionId": REFERENCE_ID}});
    let Handled::Synced { summary } = f.provider.handle(trigger, &invocation()).await else {
        panic!("a trigger is answered with a sync");
    };
    assert_eq!(
        summary,
        format!(
            "synced the 3 clones of {REFERENCE_ID}: 2 updated, 0 in sync, 0 skipped (edited by hand), 0 failed, 1 not started"
        )
    );
    let updated: Vec<String> = f.updates();
    assert_eq!(updated.len(), 2, "{updated:?}");
    assert!(
        updated
            .iter()
            .all(|c| !c.contains("EFOREIGN") && !c.contains(REFERENCE_ID))
    );
    let states = f.states().await;
    assert_eq!(states.iter().filter(|s| s.in_sync()).count(), 2);

    // An edit of a distribution that is no clone's reference syncs nothing.
    let other = json!({"cfcloneSync": {"referenceDistributionId": "EFOREIGN"}});
    let Handled::Synced { summary } = f.provider.handle(other, &invocation()).await else {
        panic!("a trigger is answered with a sync");
    };
    assert!(
        summary.starts_with("synced the 0 clones of EFOREIGN"),
        "{summary}"
    );
    assert_eq!(f.updates().len(), 2);
    assert!(TOO_MANY.contains("CFCLONE_SYNC_MAX_CLONES"));
}

#[test]
fn the_metric_is_one_embedded_metric_format_line() {
    let counts = Counts {
        updated: 4,
        skipped: 1,
        ..Counts::default()
    };
    let line: Value = serde_json::from_str(&metric_line("EREF", Some(counts), 1_700)).unwrap();
    assert_eq!(line["_aws"]["Timestamp"], 1_700);
    let directive = &line["_aws"]["CloudWatchMetrics"][0];
    assert_eq!(directive["Namespace"], "cfclone");
    assert_eq!(
        directive["Dimensions"],
        json!([["ReferenceDistributionId"]])
    );
    for metric in directive["Metrics"].as_array().unwrap() {
        let name = metric["Name"].as_str().unwrap();
        assert!(line[name].is_u64(), "{name} has a value");
        assert_eq!(metric["Unit"], "Count");
    }
    assert_eq!(line["ClonesUpdated"], 4);
    assert_eq!(line["ClonesSkipped"], 1);
    assert_eq!(line["SyncErrors"], 0);
    assert_eq!(line["ReferenceDistributionId"], "EREF");
    let failed: Value = serde_json::from_str(&metric_line("EREF", None, 1)).unwrap();
    assert_eq!(failed["SyncErrors"], 1);
}

#[test]
fn limits_come_from_the_environment_when_readable() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    assert_eq!(Limits::from_env(env(&[])), Limits::default());
    assert_eq!(
        Limits::from_env(env(&[
            ("CFCLONE_SYNC_WAVE", "3"),
            ("CFCLONE_SYNC_MAX_CLONES", "20"),
            (
                "CFCLONE_SYNC_STACKS",
                "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/"
            ),
            ("AWS_REGION", "eu-west-1"),
        ])),
        Limits {
            wave: 3,
            max_clones: 20,
            owners: Owners::Prefix(
                "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/".into()
            ),
        }
    );
    let region = Limits::from_env(env(&[
        ("CFCLONE_SYNC_WAVE", "0"),
        ("CFCLONE_SYNC_MAX_CLONES", "x"),
        ("AWS_REGION", "eu-west-1"),
    ]));
    assert_eq!((region.wave, region.max_clones), (5, 100));
    assert!(region.owners.include(STACK));
    assert!(
        !region
            .owners
            .include("arn:aws:cloudformation:us-east-1:123456789012:stack/shop/1")
    );
}

#[tokio::test]
async fn the_automatic_sync_leaves_other_stacks_clones_to_their_providers() {
    let f = fleet(
        2,
        Limits {
            owners: Owners::Prefix(
                "arn:aws:cloudformation:eu-west-1:123456789012:stack/other/".into(),
            ),
            ..Limits::default()
        },
    )
    .await;
    edit_reference(&f.cf);
    let trigger = json!({"cfcloneSync": {"referenceDistributionId": REFERENCE_ID}});
    let handled = f.provider.handle(trigger, &invocation()).await;
    assert!(
        handled.summary().starts_with("synced the 0 clones"),
        "{}",
        handled.summary()
    );
    assert!(f.updates().is_empty());
}

/// A sync whose Update must await a requested certificate hands it on to the function the
/// invocation came through, reports the clone as handed off (not failed), and the fresh
/// invocation takes the continuation and finishes the Update.
#[tokio::test]
async fn an_update_that_awaits_a_certificate_is_handed_on_to_the_invoked_function() {
    const FUNCTION: &str = "arn:aws:lambda:eu-west-1:123456789012:function:cfclone:live";
    let clock = Arc::new(FakeClock::at(NOW_MS));
    let cf = Arc::new(FakeCloudFront::new(Arc::clone(&clock)));
    cf.insert(REFERENCE_ID, test_support::reference(), vec![]);
    let acm = Arc::new(FakeAcm::default());
    let year = (NOW_MS / 1000) as i64 + 86_400 * 365;
    acm.add(
        Certificate::issued(
            "arn:aws:acm:us-east-1:123456789012:certificate/wild",
            "*.example.com",
            &[],
            year,
        ),
        true,
    );
    let invoker = Arc::new(crate::aws::fake::FakeInvoker::default());
    let inner = test_support::in_process_provider(&cf, Arc::clone(&acm), clock, Limits::default());
    let runner = crate::runner::Runner {
        continuer: crate::runner::Continuer::Invoke(Arc::clone(&invoker) as _),
        ..(*inner.runner).clone()
    };
    let provider = Arc::new(crate::handler::Provider {
        runner: Arc::new(runner),
        http: reqwest::Client::new(),
        sync_limits: Limits::default(),
    });
    // A clone whose certificate is requested when none covers its alias (DNS elsewhere).
    let create = json!({
        "RequestType": "Create", "RequestId": "create-0", "StackId": STACK,
        "LogicalResourceId": "Clone0", "ResourceType": "Custom::ClonedDistribution",
        "ResponseURL": "",
        "ResourceProperties": {
            "ServiceToken": FUNCTION, "ReferenceDistributionId": REFERENCE_ID,
            "Aliases": ["shop-0.example.com"], "OriginDomainName": "shop-0.example.net",
            "CertificateValidation": {"HostedZoneIds": []},
        },
    });
    let id = match provider
        .handle(create, &Invocation::new(NOW_MS + 900_000, FUNCTION))
        .await
    {
        Handled::Answered {
            answer: Answer::Success { physical_id, .. },
            ..
        } => physical_id,
        other => panic!("the Create failed: {other:?}"),
    };
    edit_reference(&cf);
    let reader = Lifecycle::for_reads(&provider.runner.aws, NOW_MS + 900_000, Duration::ZERO);
    let states = reader.states(vec![id.clone()]).await.unwrap();
    // The certificate it used is gone: the sync's Update requests another and awaits it.
    acm.summaries.lock().unwrap().clear();
    acm.details.lock().unwrap().clear();
    let options = Options {
        function: FUNCTION.into(),
        deadline_ms: NOW_MS + 60_000,
        ..options(1)
    };
    let report = super::run(&provider.runner, states, &options, &ignore).await;
    assert_eq!(report.results, [(id.clone(), Synced::HandedOff)]);
    assert_eq!(report.counts().handed_off, 1);
    assert_eq!(
        *invoker.functions.lock().unwrap(),
        [FUNCTION],
        "the invoked function, not an empty name"
    );

    // The fresh invocation takes the continuation; once the record is in DNS it finishes.
    let payload: Value = serde_json::from_slice(&invoker.payloads.lock().unwrap()[0]).unwrap();
    let event = crate::event::parse(payload.clone()).expect("a sync's continuation is taken");
    assert!(event.request.is_sync());
    let arn = acm.asked.lock().unwrap()[0].0.clone();
    let (name, value) = FakeAcm::validation_record(FakeAcm::account(&arn), "shop-0.example.com");
    acm.records
        .lock()
        .unwrap()
        .insert(("elsewhere".into(), name), value);
    match provider
        .handle(payload, &Invocation::new(NOW_MS + 900_000, FUNCTION))
        .await
    {
        Handled::Answered {
            answer: Answer::Success { physical_id, .. },
            delivered,
            ..
        } => {
            assert_eq!(physical_id, id);
            assert!(!delivered, "a sync answers nowhere but the log");
        }
        other => panic!("the continuation did not finish the Update: {other:?}"),
    }
    let reader = Lifecycle::for_reads(&provider.runner.aws, NOW_MS + 900_000, Duration::ZERO);
    assert!(
        reader.diff(&id).await.unwrap().in_sync(),
        "the sync's Update landed"
    );
}

#[tokio::test]
async fn a_synced_clone_costs_its_read_its_owner_its_update_and_its_record() {
    let f = fleet(4, Limits::default()).await;
    edit_reference(&f.cf);
    let before = f.cf.calls().len();
    let runner = f.provider.runner.for_fleet(NOW_MS + 900_000);
    let reader = runner.reader(NOW_MS + 900_000);
    let states = reader.list(Some(REFERENCE_ID)).await.unwrap();
    assert_eq!(states.len(), 4);
    let report = super::run(&runner, states, &options(2), &ignore).await;
    assert_eq!(report.counts().updated, 4, "{report:?}");
    let calls = f.cf.calls()[before..].to_vec();
    let count = |op: &str| calls.iter().filter(|c| c.starts_with(op)).count();
    // Shared by the whole sync: the reference's configuration, read once.
    assert_eq!(count("GetDistributionConfig"), 1, "{calls:?}");
    // Each clone: its read, its owner's tags, its update (and its record, in SSM).
    assert_eq!(count("GetDistribution "), 4, "{calls:?}");
    assert_eq!(count("ListTagsForResource"), 4, "{calls:?}");
    assert_eq!(count("UpdateDistribution"), 4, "{calls:?}");
    assert_eq!(calls.len(), 13, "nothing else: {calls:?}");
    assert_eq!(count("ListDistributions"), 0, "the account is not listed");
}

#[tokio::test]
async fn a_sync_under_sustained_throttling_fails_no_clone_for_it() {
    let f = fleet(8, Limits::default()).await;
    edit_reference(&f.cf);
    // More throttles than the SDK's attempts would absorb, on the calls every clone makes.
    for _ in 0..12 {
        f.cf.fail_next("UpdateDistribution", ErrorKind::Throttled, "Rate exceeded");
        f.cf.fail_next("GetDistribution", ErrorKind::Throttled, "Rate exceeded");
    }
    let deadline_ms = NOW_MS + 7_200_000;
    let runner = f.provider.runner.for_fleet(deadline_ms);
    let states = runner
        .reader(deadline_ms)
        .list(Some(REFERENCE_ID))
        .await
        .unwrap();
    assert_eq!(
        states.len(),
        8,
        "the reads were made again after each pause"
    );
    let options = Options {
        deadline_ms,
        ..options(4)
    };
    let report = super::run(&runner, states, &options, &ignore).await;
    let counts = report.counts();
    assert_eq!((counts.updated, counts.failed), (8, 0), "{report:?}");
    assert_eq!(
        f.updates().len(),
        8 + 12,
        "each throttled update made again, once more"
    );
}
