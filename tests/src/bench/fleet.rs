//! The fleet: [`Config::fleet`](super::Config) clones of one reference, made by a burst of
//! as many concurrent Creates through the Lambda (a stack of clones, which CloudFormation
//! creates in parallel), then brought up to date after an edit of the reference by the real
//! `cfclone sync`; every AWS call answered [`LATENCY_MS`] late, CloudFront throttling. Then
//! `cfclone diff` and `cfclone plan` of one clone, against the reads they need.

use super::faults::{
    arm, armed, baseline_create, cold_create_event, futures_join, take_calls, throttling,
};
use super::proxy::rounds;
use super::results::{CliRuns, Fleet, FleetCreates, FleetSync};
use super::{Bench, log};
use crate::moto::Fault;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

pub const LATENCY_MS: u64 = 50;
/// The CLI's pause between two looks at a deploying clone (`CFCLONE_POLL_INTERVAL_MS`).
pub const POLL_MS: u64 = 1000;
/// The burst's function timeout: each Create's deadline.
pub const CREATE_TIMEOUT: Duration = Duration::from_secs(300);
pub const WAVE: usize = 5;
/// Runs of `diff` and of `plan`.
pub const CLI_RUNS: usize = 10;

/// Throttles while the fleet is created: many of the creates and of the reads of the
/// reference, whoever makes them.
fn create_faults(create: &'static str, size: usize) -> Vec<Fault> {
    vec![
        throttling(create, size.max(1) as u32),
        throttling("GetDistributionConfig", (size / 2).max(1) as u32),
    ]
}

/// Throttles during the sync: the updates and the looks at each clone's status, and a
/// few reads of configurations. A fixed count is first come, first served: the reference's
/// configuration, which every clone's plan shares, is read once, alone, so the first
/// `GetDistributionConfig` throttles all land on that one call in turn — more than its
/// 8 attempts would fail it, which rate-based throttling on AWS would not do to a lone
/// call backing off; hence only [`SYNC_CONFIG_THROTTLES`] of them.
fn sync_faults(size: usize) -> Vec<Fault> {
    vec![
        throttling("UpdateDistribution", (size / 5).max(1) as u32),
        throttling("GetDistributionConfig", SYNC_CONFIG_THROTTLES),
        throttling("GetDistribution", (size / 10).max(1) as u32),
    ]
}

pub const SYNC_CONFIG_THROTTLES: u32 = 3;

/// One run of the `cfclone` CLI against `endpoint`: seconds from spawn to exit, exit
/// status, standard output.
pub(super) async fn cli(
    bench: &Bench,
    endpoint: &str,
    args: &[&str],
) -> Result<(f64, i32, String), String> {
    let started = Instant::now();
    let output = crate::cli_command(&bench.config.cli, endpoint, super::REGION, POLL_MS)
        .args(args)
        .output()
        .await
        .map_err(|e| format!("{}: {e}", bench.config.cli.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let name = format!("cli-{}.log", args[0]);
    let _ = std::fs::write(bench.config.logs.join(name), &output.stderr);
    Ok((
        seconds,
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}

/// `cfclone list --reference`: each clone's id and sync state.
async fn listed(bench: &Bench, reference: &str) -> Result<BTreeMap<String, String>, String> {
    let args = ["list", "--reference", reference, "--output", "json"];
    let (_, code, stdout) = cli(bench, &bench.moto.endpoint(), &args).await?;
    let list: Value = serde_json::from_str(&stdout)
        .map_err(|e| format!("cfclone list exited {code}, not JSON ({e}): {stdout}"))?;
    Ok(list
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
            (field("distributionId"), field("sync"))
        })
        .collect())
}

async fn distribution_count(bench: &Bench) -> usize {
    bench.aws.distribution_ids().await.len()
}

pub async fn fleet(bench: &Bench) -> Result<Fleet, String> {
    let size = bench.config.fleet;
    let mut config = crate::seed::reference_config("bench-fleet-reference", &bench.certificates[0]);
    // An alias of its own (CloudFront refuses one another distribution has), under the
    // `*.example.com` certificate it carries.
    config.aliases = Some(
        aws_sdk_cloudfront::types::Aliases::builder()
            .quantity(1)
            .items("fleet.example.com")
            .build()
            .map_err(|e| e.to_string())?,
    );
    let reference = crate::seed::distribution(&bench.aws, config, &[("team", "fleet")])
        .await
        .id;
    bench
        .moto
        .set_latency(Duration::from_millis(LATENCY_MS))
        .await;
    let result = measure(bench, &reference, size).await;
    bench.moto.set_latency(Duration::ZERO).await;
    bench.moto.clear_faults().await;
    result
}

async fn measure(bench: &Bench, reference: &str, size: usize) -> Result<Fleet, String> {
    let (creates, clones) = creates(bench, reference, size).await?;
    let sync = sync(bench, reference, &clones).await?;
    let clone = clones.iter().next().ok_or("the fleet has no clone")?;
    let diff = cli_runs(bench, &["diff", clone]).await?;
    let alias = bench.fresh_alias();
    let account_distributions = distribution_count(bench).await;
    let plan = cli_runs(
        bench,
        &["plan", "--reference", reference, "--alias", &alias],
    )
    .await?;
    Ok(Fleet {
        size,
        account_distributions,
        latency_ms: LATENCY_MS,
        poll_ms: POLL_MS,
        creates,
        sync,
        diff,
        plan,
    })
}

/// The burst of Creates, then the baseline's (of the bench's reference, so that the
/// fleet holds only cfclone's clones); the clones the provider made.
async fn creates(
    bench: &Bench,
    reference: &str,
    size: usize,
) -> Result<(FleetCreates, BTreeSet<String>), String> {
    let before = distribution_count(bench).await;
    let faults = create_faults("CreateDistributionWithTags", size);
    let mut out = FleetCreates {
        armed: armed(&faults),
        timeout_s: CREATE_TIMEOUT.as_secs(),
        ..FleetCreates::default()
    };
    arm(bench, faults).await;
    let started = Instant::now();
    let runs = futures_join((0..size).map(|k| {
        let event = bench.create_of(reference, &format!("Clone{k}"));
        cold_create_event(bench, format!("fleet-{k}"), CREATE_TIMEOUT, event)
    }))
    .await;
    out.provider_s = started.elapsed().as_secs_f64();
    out.provider_faults_left = bench.moto.faults_left().await;
    out.provider_calls = take_calls(bench).await;
    let clones: BTreeSet<String> = runs.iter().filter_map(|(_, id)| id.clone()).collect();
    out.provider = runs.into_iter().map(|(run, _)| run).collect();
    out.provider_made = distribution_count(bench).await - before;
    let fleet = listed(bench, reference).await?;
    out.listed_in_sync = fleet.values().filter(|s| *s == "in-sync").count();
    out.listed_same = fleet.keys().cloned().collect::<BTreeSet<_>>() == clones;
    log(&format!(
        "fleet: {} Creates through the Lambda in {:.1} s: {} succeeded, {} distributions made, {} listed in sync",
        size,
        out.provider_s,
        clones.len(),
        out.provider_made,
        out.listed_in_sync
    ));

    let before = distribution_count(bench).await;
    arm(bench, create_faults("CreateDistribution", size)).await;
    let started = Instant::now();
    out.baseline =
        futures_join((0..size).map(|k| baseline_create(bench, format!("fleet-{k}")))).await;
    out.baseline_s = started.elapsed().as_secs_f64();
    out.baseline_faults_left = bench.moto.faults_left().await;
    out.baseline_calls = take_calls(bench).await;
    out.baseline_made = distribution_count(bench).await - before;
    log(&format!(
        "fleet: the baseline's {} Creates in {:.1} s: {} succeeded, {} distributions made",
        size,
        out.baseline_s,
        out.baseline.iter().filter(|r| r.succeeded()).count(),
        out.baseline_made
    ));
    bench.moto.clear_faults().await;
    Ok((out, clones))
}

/// An edit of the reference, then `cfclone sync --reference` while CloudFront throttles.
async fn sync(
    bench: &Bench,
    reference: &str,
    clones: &BTreeSet<String>,
) -> Result<FleetSync, String> {
    bench
        .aws
        .edit(reference, |c| {
            c.default_root_object = Some("home.html".into())
        })
        .await;
    let stale = listed(bench, reference).await?;
    let before = distribution_count(bench).await;
    let faults = sync_faults(clones.len());
    let mut out = FleetSync {
        wave: WAVE,
        armed: armed(&faults),
        stale_before: stale.values().filter(|s| *s != "in-sync").count(),
        ..FleetSync::default()
    };
    arm(bench, faults).await;
    let wave = WAVE.to_string();
    let args = [
        "sync",
        "--reference",
        reference,
        "--wave",
        &wave,
        "--output",
        "json",
    ];
    let (seconds, code, stdout) = cli(bench, &bench.moto.endpoint(), &args).await?;
    out.seconds = seconds;
    out.exit_code = code;
    out.faults_left = bench.moto.faults_left().await;
    out.calls = take_calls(bench).await;
    bench.moto.clear_faults().await;
    let results: Value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    out.updated = results
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| {
            r["result"]
                .as_str()
                .is_some_and(|t| t.starts_with("updated"))
        })
        .count();
    let after = listed(bench, reference).await?;
    out.in_sync_after = after.values().filter(|s| *s == "in-sync").count();
    out.same_clones = after.keys().cloned().collect::<BTreeSet<_>>() == *clones;
    out.distributions_changed_by = distribution_count(bench).await as i64 - before as i64;
    bench.moto.clear_calls().await;
    log(&format!(
        "fleet: sync of {} clones in {:.1} s (exit {code}): {} updated, {} in sync after",
        clones.len(),
        seconds,
        out.updated,
        out.in_sync_after
    ));
    Ok(out)
}

/// [`CLI_RUNS`] runs of one read-only command (timed; their calls, all runs together, from
/// the emulator's log), and one more through the proxy for its rounds.
async fn cli_runs(bench: &Bench, args: &[&str]) -> Result<CliRuns, String> {
    let mut out = CliRuns::default();
    bench.moto.clear_calls().await;
    for _ in 0..CLI_RUNS {
        // 1 is an answer too (differences; a finding that blocks), 2 is not.
        let (seconds, code, _) = cli(bench, &bench.moto.endpoint(), args).await?;
        if code > 1 {
            return Err(format!("cfclone {} exited {code}", args.join(" ")));
        }
        out.times.push(seconds);
    }
    for call in bench.moto.calls().await {
        let key = format!(
            "{} {}",
            super::measure::service_label(&call.service),
            call.operation
        );
        *out.calls.entry(key).or_default() += 1;
    }
    out.runs = CLI_RUNS;
    bench.proxy.take_spans();
    cli(bench, &bench.proxy.endpoint(), args).await?;
    out.rounds = rounds(&bench.proxy.take_spans());
    bench.moto.clear_calls().await;
    log(&format!(
        "fleet: cfclone {}: median {:.0} ms, {:?}",
        args[0],
        super::report::median(&out.times) * 1e3,
        out.rounds
    ));
    Ok(out)
}
