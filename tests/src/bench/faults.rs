//! The measurements through the emulator's control API: every call 50 ms late, a throttled
//! Create, and a throttled burst of concurrent Creates.

use super::provider::{Provider, TIMEOUT};
use super::proxy::{Mode, rounds};
use super::results::{Burst, BurstRound, CallsByStatus, Latency, Run, Throttled, ThrottledRun};
use super::{Bench, baseline, log};
use crate::moto::Fault;
use serde_json::Value;
use std::time::Duration;

pub const LATENCY_MS: u64 = 50;

/// The emulator's call log by operation and status; then cleared.
pub(super) async fn take_calls(bench: &Bench) -> CallsByStatus {
    let mut out = CallsByStatus::new();
    for call in bench.moto.calls().await {
        let key = format!(
            "{} {}",
            super::measure::service_label(&call.service),
            call.operation
        );
        *out.entry(key).or_default().entry(call.status).or_insert(0) += 1;
    }
    bench.moto.clear_calls().await;
    out
}

async fn take_operations(bench: &Bench) -> Vec<String> {
    let calls = bench.moto.calls().await;
    bench.moto.clear_calls().await;
    calls.into_iter().map(|c| c.operation).collect()
}

/// Warm Creates with every AWS call answered 50 ms late (`POST /_cfclone/latency`), the
/// two sides' events interleaved one by one; each side's calls from the emulator's call
/// log, their rounds from one more event per side through the proxy, which times each call.
pub async fn latency(bench: &Bench) -> Result<Latency, String> {
    bench
        .moto
        .set_latency(Duration::from_millis(LATENCY_MS))
        .await;
    let result = latency_runs(bench).await;
    bench.moto.set_latency(Duration::ZERO).await;
    bench.proxy.set_mode(Mode::Forward);
    result
}

async fn latency_runs(bench: &Bench) -> Result<Latency, String> {
    let mut out = Latency {
        ms: LATENCY_MS,
        ..Latency::default()
    };
    let endpoint = bench.moto.endpoint();
    let p = Provider::warm(bench, "latency", &endpoint, &[]).await;
    let mut b = baseline::Server::start(bench, &endpoint, "latency").await?;
    p.handle(bench, bench.create())
        .await?
        .success("latency warm-up")?;
    b.call(&bench.baseline_event(None)).await?;
    for _ in 0..bench.config.latency_runs {
        bench.moto.clear_calls().await;
        let handled = p.handle(bench, bench.create()).await?;
        out.provider.times.push(handled.seconds());
        handled.success("latency Create")?;
        out.provider.calls.push(take_operations(bench).await);
        let (seconds, result) = b.call(&bench.baseline_event(None)).await?;
        if !baseline::succeeded(&result) {
            return Err(format!("latency Create: the baseline answered {result}"));
        }
        out.baseline.times.push(seconds);
        out.baseline.calls.push(take_operations(bench).await);
    }
    drop(p);
    b.stop().await;

    let endpoint = bench.proxy.endpoint();
    let p = Provider::warm(bench, "latency-shape", &endpoint, &[]).await;
    for _ in 0..2 {
        // A warm-up, then the one whose calls are timed.
        bench.proxy.take_spans();
        p.handle(bench, bench.create())
            .await?
            .success("latency shape")?;
    }
    out.provider.rounds = rounds(&bench.proxy.take_spans());
    drop(p);
    let mut b = baseline::Server::start(bench, &endpoint, "latency-shape").await?;
    for _ in 0..2 {
        bench.proxy.take_spans();
        b.call(&bench.baseline_event(None)).await?;
    }
    out.baseline.rounds = rounds(&bench.proxy.take_spans());
    b.stop().await;
    bench.moto.clear_calls().await;
    log(&format!(
        "latency {LATENCY_MS} ms: provider {:.1} ms ({:?}), baseline {:.1} ms ({:?})",
        super::report::median(&out.provider.times) * 1e3,
        out.provider.rounds,
        super::report::median(&out.baseline.times) * 1e3,
        out.baseline.rounds
    ));
    Ok(out)
}

pub(super) fn throttling(operation: &'static str, count: u32) -> Fault {
    Fault::new("cloudfront", operation, "Throttling", count)
}

/// 3 CloudFront throttles (1 on reading the reference, 2 on the create) and 2 ACM ones.
fn throttled_faults(create: &'static str) -> Vec<Fault> {
    vec![
        throttling("GetDistributionConfig", 1),
        throttling(create, 2),
        Fault::new("acm", "ListCertificates", "ThrottlingException", 2),
    ]
}

pub(super) async fn arm(bench: &Bench, faults: Vec<Fault>) {
    bench.moto.clear_faults().await;
    bench.moto.clear_calls().await;
    for fault in faults {
        bench.moto.inject(fault).await;
    }
}

pub(super) fn armed(faults: &[Fault]) -> u64 {
    faults.iter().map(|f| u64::from(f.count)).sum()
}

/// A fresh provider process with a Create waiting, as a cold Lambda: start → response.
async fn cold_create(bench: &Bench, name: String, timeout: Duration) -> Run {
    cold_create_event(bench, name, timeout, bench.create())
        .await
        .0
}

/// A fresh provider process with this Create waiting: the run, and the clone's id when
/// the provider answered SUCCESS.
pub(super) async fn cold_create_event(
    bench: &Bench,
    name: String,
    timeout: Duration,
    (request_id, event): (String, Value),
) -> (Run, Option<String>) {
    let p = Provider::new(bench, &name, &bench.moto.endpoint(), &[], timeout).await;
    p.lambda.invoke_event(event);
    p.spawn();
    let wait = timeout + Duration::from_secs(60);
    match p.answer(bench, &request_id, wait).await {
        Ok(handled) => {
            let started = p.process().map(|p| p.started).unwrap_or(handled.handed_out);
            let id = (handled.status() == "SUCCESS")
                .then(|| {
                    handled.body["PhysicalResourceId"]
                        .as_str()
                        .map(str::to_owned)
                })
                .flatten();
            let run = Run {
                total_s: Some((handled.answered - started).as_secs_f64()),
                status: handled.status().to_owned(),
                reason: handled.reason(),
            };
            (run, id)
        }
        Err(reason) => {
            let run = Run {
                total_s: None,
                status: "NO ANSWER".into(),
                reason: Some(reason),
            };
            (run, None)
        }
    }
}

/// A fresh baseline process: start → `lambda_handler` returned.
pub(super) async fn baseline_create(bench: &Bench, name: String) -> Run {
    let event = bench.baseline_event(None);
    match baseline::cold(bench, &bench.moto.endpoint(), &event, &name).await {
        Ok((run, result)) => Run {
            total_s: Some(run.total_s),
            status: if baseline::succeeded(&result) {
                "SUCCESS"
            } else {
                "FAILED"
            }
            .into(),
            reason: result["error"].as_str().map(str::to_owned),
        },
        Err(reason) => Run {
            total_s: None,
            status: "CRASHED".into(),
            reason: Some(reason),
        },
    }
}

/// One Create end to end while CloudFront throttles 3 calls and ACM 2, faults re-armed
/// and the call log cleared before every run; the two sides alternate. The baseline makes
/// `CreateDistribution`, so its 2 create throttles go there.
pub async fn throttled(bench: &Bench) -> Result<Throttled, String> {
    let mut out = Throttled {
        armed: armed(&throttled_faults("CreateDistributionWithTags")),
        ..Throttled::default()
    };
    for i in 0..bench.config.throttle_runs {
        arm(bench, throttled_faults("CreateDistributionWithTags")).await;
        let run = cold_create(bench, format!("throttled-{i}"), TIMEOUT).await;
        let faults_left = bench.moto.faults_left().await;
        out.provider.push(ThrottledRun {
            run,
            faults_left,
            calls: take_calls(bench).await,
        });
        arm(bench, throttled_faults("CreateDistribution")).await;
        let run = baseline_create(bench, format!("throttled-{i}")).await;
        let faults_left = bench.moto.faults_left().await;
        out.baseline.push(ThrottledRun {
            run,
            faults_left,
            calls: take_calls(bench).await,
        });
        let brief = |r: &ThrottledRun| {
            format!(
                "{:.2} s {}",
                r.run.total_s.unwrap_or(f64::NAN),
                r.run.status
            )
        };
        log(&format!(
            "throttled run {}/{}: provider {}, baseline {}",
            i + 1,
            bench.config.throttle_runs,
            brief(&out.provider[i]),
            brief(&out.baseline[i])
        ));
    }
    bench.moto.clear_faults().await;
    Ok(out)
}

pub const BURST: usize = 10;
pub const BURST_TIMEOUT: Duration = Duration::from_secs(60);

fn burst_faults(create: &'static str) -> Vec<Fault> {
    vec![
        throttling(create, 30),
        throttling("GetDistributionConfig", 10),
    ]
}

/// BURST fresh processes at once, each with its own event and a 60 s deadline, while
/// CloudFront throttles 30 creates and 10 reads of the reference; then the baseline's
/// burst the same way (10 fresh Python processes), round by round.
pub async fn burst(bench: &Bench) -> Result<Burst, String> {
    let mut out = Burst {
        size: BURST,
        timeout_s: BURST_TIMEOUT.as_secs(),
        armed: armed(&burst_faults("CreateDistributionWithTags")),
        rounds: Vec::new(),
    };
    for r in 0..bench.config.burst_rounds {
        arm(bench, burst_faults("CreateDistributionWithTags")).await;
        let provider = futures_join(
            (0..BURST).map(|k| cold_create(bench, format!("burst-{r}-{k}"), BURST_TIMEOUT)),
        )
        .await;
        let provider_faults_left = bench.moto.faults_left().await;
        let provider_calls = take_calls(bench).await;
        arm(bench, burst_faults("CreateDistribution")).await;
        let baseline =
            futures_join((0..BURST).map(|k| baseline_create(bench, format!("burst-{r}-{k}"))))
                .await;
        let baseline_faults_left = bench.moto.faults_left().await;
        let baseline_calls = take_calls(bench).await;
        let brief = |runs: &[Run]| {
            let ok: Vec<f64> = runs
                .iter()
                .filter(|r| r.succeeded())
                .filter_map(|r| r.total_s)
                .collect();
            format!(
                "{}/{} succeeded, slowest {:.1} s",
                ok.len(),
                runs.len(),
                ok.iter().copied().fold(f64::NAN, f64::max)
            )
        };
        log(&format!(
            "burst round {}/{}: provider {}, baseline {}",
            r + 1,
            bench.config.burst_rounds,
            brief(&provider),
            brief(&baseline)
        ));
        out.rounds.push(BurstRound {
            provider,
            provider_faults_left,
            provider_calls,
            baseline,
            baseline_faults_left,
            baseline_calls,
        });
    }
    bench.moto.clear_faults().await;
    Ok(out)
}

/// Runs the futures together on this task; their results in order.
pub(super) async fn futures_join<T, F: std::future::Future<Output = T>>(
    futures: impl Iterator<Item = F>,
) -> Vec<T> {
    let mut pinned: Vec<_> = futures.map(Box::pin).collect();
    let mut results: Vec<Option<T>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, slot) in pinned.iter_mut().zip(results.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(run) => *slot = Some(run),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().flatten().collect()
}
