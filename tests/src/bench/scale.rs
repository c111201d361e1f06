//! The fleet at scale: an account of [`ACCOUNT`] distributions of which 10, then 100, are
//! clones of one reference. For each: `cfclone list --reference` through cfclone's index and
//! with `--scan` (every distribution's tags: how clones were found before the index), then
//! `cfclone sync --reference` after an edit of the reference, and again while CloudFront
//! throttles a fifth of the updates and a tenth of the reads; then the fleet grown to
//! [`SUSTAINED`] clones is synced while CloudFront answers [`SUSTAINED_RATE`] calls a second
//! and throttles the rest. Every AWS call answered [`LATENCY_MS`] late. Calls are counted at
//! the emulator, rounds read by the proxy, times from spawn to exit.

use super::faults::{arm, armed, cold_create_event, futures_join, take_calls, throttling};
use super::fleet::{CREATE_TIMEOUT, LATENCY_MS, WAVE, cli};
use super::proxy::rounds;
use super::results::{Scale, ScaleList, ScaleRow, ScaleSync};
use super::{Bench, log};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Distributions in the account when the first fleet is measured.
pub const ACCOUNT: usize = 500;
/// The fleets measured, in clones.
pub const SIZES: [usize; 2] = [10, 100];
/// Creates at the same time while the fleet is made.
const CREATE_BATCH: usize = 25;
/// The fleet synced under sustained throttling, in clones.
pub const SUSTAINED: usize = 500;
/// CloudFront's calls a second during that sync (every operation, one token bucket of
/// [`SUSTAINED_BURST`]): AWS publishes no rate, so this is the bench's choice, low enough
/// that four calls in flight at 50 ms each (80 a second) meet it all the time.
pub const SUSTAINED_RATE: f64 = 20.0;
pub const SUSTAINED_BURST: f64 = 20.0;

/// How CloudFront throttles a measured sync.
enum Throttle {
    None,
    /// A fifth as many `UpdateDistribution` and a tenth as many `GetDistribution` throttles
    /// as this many clones, first come first served.
    Count(usize),
    /// Every CloudFront call beyond (rate, burst) a second.
    Rate(f64, f64),
}

pub async fn scale(bench: &Bench) -> Result<Scale, String> {
    let reference = reference(bench).await?;
    let others = ACCOUNT.saturating_sub(bench.aws.distribution_ids().await.len() + SIZES[0]);
    seed_others(bench, others).await;
    let mut out = Scale {
        latency_ms: LATENCY_MS,
        wave: WAVE,
        rows: Vec::new(),
        sustained: None,
    };
    let mut clones = 0;
    for size in SIZES {
        make_clones(bench, &reference, clones, size - clones).await?;
        clones = size;
        bench
            .moto
            .set_latency(Duration::from_millis(LATENCY_MS))
            .await;
        let row = measure(bench, &reference, size).await;
        bench.moto.set_latency(Duration::ZERO).await;
        bench.moto.clear_faults().await;
        out.rows.push(row?);
    }
    make_clones(bench, &reference, clones, SUSTAINED - clones).await?;
    bench
        .moto
        .set_latency(Duration::from_millis(LATENCY_MS))
        .await;
    let throttle = Throttle::Rate(SUSTAINED_RATE, SUSTAINED_BURST);
    let sustained = sync(bench, &reference, throttle, "sustained.html").await;
    bench.moto.set_latency(Duration::ZERO).await;
    bench.moto.clear_faults().await;
    let sync = sustained?;
    log(&format!(
        "scale: {SUSTAINED} clones synced at {SUSTAINED_RATE} CloudFront calls a second in {:.1} s, {} updated, {} failed",
        sync.seconds, sync.updated, sync.failed
    ));
    out.sustained = Some(super::results::Sustained {
        clones: SUSTAINED,
        account: bench.aws.distribution_ids().await.len(),
        rate: SUSTAINED_RATE,
        burst: SUSTAINED_BURST,
        sync,
    });
    Ok(out)
}

async fn reference(bench: &Bench) -> Result<String, String> {
    let mut config = crate::seed::reference_config("bench-scale-reference", &bench.certificates[0]);
    config.aliases = Some(
        aws_sdk_cloudfront::types::Aliases::builder()
            .quantity(1)
            .items("scale.example.com")
            .build()
            .map_err(|e| e.to_string())?,
    );
    Ok(
        crate::seed::distribution(&bench.aws, config, &[("team", "scale")])
            .await
            .id,
    )
}

/// Distributions cfclone did not make, without aliases, `count` of them.
async fn seed_others(bench: &Bench, count: usize) {
    let started = Instant::now();
    for k in 0..count {
        let mut config =
            crate::seed::reference_config(&format!("other-{k}"), &bench.certificates[0]);
        config.aliases = None;
        config.comment = "a distribution cfclone did not make".into();
        crate::seed::distribution(&bench.aws, config, &[]).await;
    }
    log(&format!(
        "scale: {count} other distributions seeded in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
}

/// `count` more clones, made by Creates through the Lambda, [`CREATE_BATCH`] at a time.
async fn make_clones(
    bench: &Bench,
    reference: &str,
    from: usize,
    count: usize,
) -> Result<(), String> {
    let ids: Vec<usize> = (from..from + count).collect();
    for batch in ids.chunks(CREATE_BATCH) {
        let runs = futures_join(batch.iter().map(|k| {
            let event = bench.create_of(reference, &format!("Scale{k}"));
            cold_create_event(bench, format!("scale-{k}"), CREATE_TIMEOUT, event)
        }))
        .await;
        let made = runs.iter().filter(|(_, id)| id.is_some()).count();
        if made != batch.len() {
            return Err(format!(
                "scale: {} of {} Creates failed",
                batch.len() - made,
                batch.len()
            ));
        }
    }
    bench.moto.clear_calls().await;
    Ok(())
}

async fn measure(bench: &Bench, reference: &str, size: usize) -> Result<ScaleRow, String> {
    let account = bench.aws.distribution_ids().await.len();
    let list = list(
        bench,
        &["list", "--reference", reference, "--output", "json"],
    )
    .await?;
    let scan = list_scan(bench, reference).await?;
    let synced = sync(bench, reference, Throttle::None, "index.html").await?;
    let throttled = sync(bench, reference, Throttle::Count(size), "home.html").await?;
    log(&format!(
        "scale: {size} clones in {account}: list {:.2} s, scan {:.2} s, sync {:.1} s, throttled sync {:.1} s",
        list.seconds, scan.seconds, synced.seconds, throttled.seconds
    ));
    Ok(ScaleRow {
        clones: size,
        account,
        list,
        scan,
        sync: synced,
        throttled_sync: throttled,
    })
}

async fn list_scan(bench: &Bench, reference: &str) -> Result<ScaleList, String> {
    list(
        bench,
        &[
            "list",
            "--reference",
            reference,
            "--scan",
            "--output",
            "json",
        ],
    )
    .await
}

/// One timed run of a listing (its calls from the emulator's log), one more through the
/// proxy for its rounds.
async fn list(bench: &Bench, args: &[&str]) -> Result<ScaleList, String> {
    bench.moto.clear_calls().await;
    let (seconds, code, stdout) = cli(bench, &bench.moto.endpoint(), args).await?;
    let calls = take_calls(bench).await;
    let listed: Value = serde_json::from_str(&stdout)
        .map_err(|e| format!("cfclone {} exited {code}, not JSON ({e})", args.join(" ")))?;
    bench.proxy.take_spans();
    cli(bench, &bench.proxy.endpoint(), args).await?;
    let rounds = rounds(&bench.proxy.take_spans()).len();
    bench.moto.clear_calls().await;
    Ok(ScaleList {
        seconds,
        calls,
        rounds,
        listed: listed.as_array().map_or(0, Vec::len),
    })
}

/// An edit of the reference, then `cfclone sync --reference` while CloudFront throttles as
/// `throttle` says.
async fn sync(
    bench: &Bench,
    reference: &str,
    throttle: Throttle,
    root: &str,
) -> Result<ScaleSync, String> {
    bench
        .aws
        .edit(reference, |c| c.default_root_object = Some(root.into()))
        .await;
    let faults = match throttle {
        // As the fleet phase throttles its sync: a fifth of the clones' updates, a tenth of
        // their reads. By count, first come first served, not by rate: backing off does
        // not spare a call here, as it does on AWS.
        Throttle::Count(clones) => vec![
            throttling("UpdateDistribution", (clones / 5).max(1) as u32),
            throttling("GetDistribution", (clones / 10).max(1) as u32),
        ],
        Throttle::None | Throttle::Rate(..) => Vec::new(),
    };
    let mut out = ScaleSync {
        armed: armed(&faults),
        ..ScaleSync::default()
    };
    arm(bench, faults).await;
    if let Throttle::Rate(rate, burst) = throttle {
        let bucket = (rate, burst);
        bench
            .moto
            .throttle_rate("cloudfront", None, "Throttling", bucket)
            .await;
    }
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
    out.calls = take_calls(bench).await;
    bench.moto.clear_faults().await;
    let results: Value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    let result_of = |prefix: &str| {
        results
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["result"].as_str().is_some_and(|t| t.starts_with(prefix)))
            .count()
    };
    out.updated = result_of("updated");
    out.failed = result_of("failed");
    Ok(out)
}
