//! The measurements on the emulator as it answers: cold and warm Creates, trust roots, the
//! AWS calls per operation, a teardown, the baseline's certificate matching.

use super::provider::{Provider, cold_run};
use super::proxy::Mode;
use super::results::{Calls, Cold, Roots, Teardown, Warm, WarmSide};
use super::{Bench, NEW_ORIGIN, UPDATED_ORIGIN, baseline, log};
use crate::moto::Progression;
use crate::procfs;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

/// The poll interval of the calls phase: each Delete polls once (the disable leaves the
/// clone `InProgress` until the next read), and 500 ms saves the shipped 12 s per Delete.
pub const CALLS_POLL_MS: u64 = 500;

/// Fresh processes, alternating provider and baseline so that any drift in the machine's
/// load touches both alike.
pub async fn cold(bench: &Bench) -> Result<Cold, String> {
    let mut out = Cold::default();
    for i in 0..bench.config.runs {
        let provider = cold_run(bench, &format!("cold-{i}"), &[]).await?;
        let event = bench.baseline_event(None);
        let endpoint = bench.moto.endpoint();
        let (run, result) = baseline::cold(bench, &endpoint, &event, &format!("cold-{i}")).await?;
        if !baseline::succeeded(&result) {
            return Err(format!("the baseline failed: {result}"));
        }
        log(&format!(
            "cold run {}/{}: provider {:.1} ms (start-up {:.1} ms), baseline {:.1} ms (start-up {:.1} ms)",
            i + 1,
            bench.config.runs,
            provider.total_s * 1e3,
            provider.init_s * 1e3,
            run.total_s * 1e3,
            run.init_s * 1e3
        ));
        out.provider.push(provider);
        out.baseline.push(run);
    }
    Ok(out)
}

const CA_BUNDLES: [&str; 3] = [
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/cert.pem",
];

/// What loading the TLS trust roots costs the provider's start: the same cold Create with
/// `SSL_CERT_DIR` set (each HTTPS client's own loader: the clients' defaults) and with
/// `SSL_CERT_FILE` naming one certificate (for measurement only).
pub async fn roots(bench: &Bench) -> Result<Option<Roots>, String> {
    let Some(bundle) = CA_BUNDLES
        .iter()
        .find(|b| std::path::Path::new(b).is_file())
    else {
        return Ok(None);
    };
    let pem = std::fs::read_to_string(bundle).map_err(|e| e.to_string())?;
    let (begin, end) = ("-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----");
    let first = pem
        .find(begin)
        .and_then(|b| pem[b..].find(end).map(|e| &pem[b..b + e + end.len()]))
        .ok_or("no certificate in the bundle")?;
    let one_root = bench.config.logs.join("one-root.pem");
    std::fs::write(&one_root, format!("{first}\n")).map_err(|e| e.to_string())?;
    let dir = std::path::Path::new(bundle)
        .parent()
        .map_or_else(String::new, |d| d.display().to_string());
    let one_root = one_root.display().to_string();
    let mut out = Roots {
        bundle_path: (*bundle).to_owned(),
        ..Roots::default()
    };
    for i in 0..bench.config.runs {
        let own = [("SSL_CERT_DIR", dir.as_str())];
        out.own_loaders
            .push(cold_run(bench, &format!("roots-own-{i}"), &own).await?);
        let one = [("SSL_CERT_FILE", one_root.as_str())];
        out.one_root
            .push(cold_run(bench, &format!("roots-one-{i}"), &one).await?);
    }
    Ok(Some(out))
}

/// One provider process, one warm-up event, then `warm` Creates; CPU time from
/// `/proc/PID/stat` over those events.
async fn warm_provider(bench: &Bench, provider: &Provider) -> Result<WarmSide, String> {
    provider
        .handle(bench, bench.create())
        .await?
        .success("warm-up Create")?;
    let pid = provider.pid().ok_or("no provider process")?;
    let before = procfs::cpu_ticks(pid).ok_or("no /proc/PID/stat")?;
    let mut times = Vec::new();
    for _ in 0..bench.config.warm {
        let handled = provider.handle(bench, bench.create()).await?;
        times.push(handled.seconds());
        handled.success("warm Create")?;
    }
    let after = procfs::cpu_ticks(pid).ok_or("no /proc/PID/stat")?;
    let cpu_s = (after - before) as f64 / procfs::ticks_per_second() as f64;
    Ok(WarmSide { times, cpu_s })
}

/// Warm Creates on the emulator.
pub async fn warm(bench: &Bench) -> Result<Warm, String> {
    let provider = Provider::warm(bench, "warm-moto", &bench.moto.endpoint(), &[]).await;
    let side = warm_provider(bench, &provider).await?;
    drop(provider);
    let baseline = baseline::warm(bench, &bench.moto.endpoint(), "moto", bench.config.warm).await?;
    report_warm("moto", &side, &baseline);
    Ok(Warm {
        provider: side,
        baseline,
    })
}

/// Warm Creates with the emulator's recorded answers replayed by the proxy. Each side's
/// answers are recorded from one Create of its own, just before.
pub async fn warm_replay(bench: &Bench) -> Result<Warm, String> {
    let endpoint = bench.proxy.endpoint();
    bench.proxy.set_mode(Mode::Record);
    let provider = Provider::warm(bench, "warm-replay", &endpoint, &[]).await;
    provider
        .handle(bench, bench.create())
        .await?
        .success("recorded Create")?;
    bench.proxy.set_mode(Mode::Replay);
    let side = warm_provider(bench, &provider).await;
    drop(provider);
    bench.proxy.set_mode(Mode::Record);
    let recorded = baseline::cold(bench, &endpoint, &bench.baseline_event(None), "record").await;
    bench.proxy.set_mode(Mode::Replay);
    let baseline = baseline::warm(bench, &endpoint, "replay", bench.config.warm).await;
    bench.proxy.set_mode(Mode::Forward);
    bench.proxy.take_spans();
    let (side, baseline) = (side?, baseline?);
    if !baseline::succeeded(&recorded?.1) {
        return Err("the baseline's recorded Create failed".into());
    }
    report_warm("replay", &side, &baseline);
    Ok(Warm {
        provider: side,
        baseline,
    })
}

fn report_warm(name: &str, provider: &WarmSide, baseline: &WarmSide) {
    log(&format!(
        "warm ({name}): provider {:.2} ms/event, baseline {:.2} ms/event",
        super::report::median(&provider.times) * 1e3,
        super::report::median(&baseline.times) * 1e3
    ));
}

/// `"CloudFront GetDistribution"`: the emulator's signing name, spelt as AWS writes it.
pub fn service_label(service: &str) -> &str {
    match service {
        "cloudfront" => "CloudFront",
        "acm" => "ACM",
        "ssm" => "SSM",
        "lambda" => "Lambda",
        other => other,
    }
}

/// The emulator's call log since it was last cleared, by operation; then cleared.
async fn take_counts(bench: &Bench) -> BTreeMap<String, u32> {
    let mut counts = BTreeMap::new();
    for call in bench.moto.calls().await {
        let key = format!("{} {}", service_label(&call.service), call.operation);
        *counts.entry(key).or_insert(0) += 1;
    }
    bench.moto.clear_calls().await;
    counts
}

/// The AWS calls of each operation, from the emulator's call log (`GET /_cfclone/calls`);
/// the provider goes through the proxy, which takes the SANs out for one row.
pub async fn calls(bench: &Bench) -> Result<Calls, String> {
    let poll = CALLS_POLL_MS.to_string();
    let env = [("CFCLONE_POLL_INTERVAL_MS", poll.as_str())];
    let p = Provider::warm(bench, "calls", &bench.proxy.endpoint(), &env).await;
    let mut out = Calls::default();
    for ssm in [false, true] {
        let suffix = if ssm { " with SsmParameterPrefix" } else { "" };
        let props = |origin: &str, alias: &str| {
            let mut props = bench.clone_properties(origin, Some(alias));
            if ssm {
                props["SsmParameterPrefix"] = json!("/cfclone/bench");
            }
            props
        };
        let alias = bench.fresh_alias();
        bench.moto.clear_calls().await;
        let event = bench.event("Create", props(NEW_ORIGIN, &alias), None, None);
        let created = p.handle(bench, event).await?.success("Create")?;
        out.counts
            .push((format!("Create{suffix}"), take_counts(bench).await));
        let clone = created["PhysicalResourceId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if !ssm {
            out.certificate_provider = bench.chosen_certificate(&clone).await;
        }
        bench.moto.clear_calls().await;
        let (new, old) = (props(UPDATED_ORIGIN, &alias), props(NEW_ORIGIN, &alias));
        let event = bench.event("Update", new.clone(), Some(&clone), Some(old));
        p.handle(bench, event).await?.success("Update")?;
        out.counts
            .push((format!("Update{suffix}"), take_counts(bench).await));
        let event = bench.event("Delete", new, Some(&clone), None);
        p.handle(bench, event).await?.success("Delete")?;
        out.counts
            .push((format!("Delete{suffix}"), take_counts(bench).await));
    }
    bench.proxy.set_mode(Mode::StripSans);
    let alias = bench.fresh_alias();
    let props = bench.clone_properties(NEW_ORIGIN, Some(&alias));
    bench.moto.clear_calls().await;
    let created = p
        .handle(bench, bench.event("Create", props.clone(), None, None))
        .await;
    bench.proxy.set_mode(Mode::Forward);
    let created = created?.success("Create, summaries without SANs")?;
    let name = "Create, summaries without SANs (moto's shape)";
    out.counts.push((name.into(), take_counts(bench).await));
    let clone = created["PhysicalResourceId"].as_str().unwrap_or_default();
    p.handle(bench, bench.event("Delete", props, Some(clone), None))
        .await?
        .success("clean-up")?;
    drop(p);

    bench.moto.clear_calls().await;
    let event = bench.baseline_event(None);
    let endpoint = bench.moto.endpoint();
    let (_, result) = baseline::cold(bench, &endpoint, &event, "calls").await?;
    out.counts
        .push(("Baseline create".into(), take_counts(bench).await));
    if !baseline::succeeded(&result) {
        return Err(format!("the baseline's Create failed: {result}"));
    }
    let body: serde_json::Value = serde_json::from_str(result["body"].as_str().unwrap_or("{}"))
        .map_err(|e| format!("the baseline's body: {e}"))?;
    out.certificate_baseline = bench
        .chosen_certificate(body["distributionId"].as_str().unwrap_or_default())
        .await;
    // The same request again (a retry, or a second click): the alias is now the first clone's.
    let (_, again) = baseline::cold(bench, &endpoint, &event, "calls-again").await?;
    out.baseline_again = again;
    bench.moto.clear_calls().await;
    bench.proxy.take_spans();
    Ok(out)
}

/// Delete of a clone CloudFront is still deploying (`Deployed` 3 s after each change),
/// with the shipped 12 s poll interval: how long after `Deployed` the provider deleted it.
pub async fn teardown(bench: &Bench) -> Result<Teardown, String> {
    let deploy = Duration::from_secs(3);
    bench
        .moto
        .set_distribution_progression(Progression::After(deploy))
        .await;
    let result = teardown_run(bench, deploy).await;
    bench.moto.reset_distribution_progression().await;
    result
}

async fn teardown_run(bench: &Bench, deploy: Duration) -> Result<Teardown, String> {
    let p = Provider::warm(bench, "teardown", &bench.proxy.endpoint(), &[]).await;
    let alias = bench.fresh_alias();
    let props = bench.clone_properties(NEW_ORIGIN, Some(&alias));
    bench.proxy.take_spans();
    let event = bench.event("Create", props.clone(), None, None);
    let created = p.handle(bench, event).await?.success("teardown Create")?;
    let clone = created["PhysicalResourceId"].as_str().unwrap_or_default();
    let handled = p
        .handle(bench, bench.event("Delete", props, Some(clone), None))
        .await?;
    let delete_total_s = handled.seconds();
    handled.success("teardown Delete")?;
    let spans = bench.proxy.take_spans();
    let sent = |op: &str| {
        spans
            .iter()
            .find(|s| s.operation == op)
            .map(|s| s.sent)
            .ok_or(format!("no {op} in the teardown"))
    };
    let created_at = sent("CreateDistributionWithTags")?;
    // The emulator restarts the deployment at every update, the Delete's disable included.
    let disabled_at = sent("UpdateDistribution")?;
    let deleted_at = sent("DeleteDistribution")?;
    let deployed_at = created_at.max(disabled_at) + deploy;
    Ok(Teardown {
        deploy_s: deploy.as_secs_f64(),
        after_deployed_s: if deleted_at >= deployed_at {
            (deleted_at - deployed_at).as_secs_f64()
        } else {
            -(deployed_at - deleted_at).as_secs_f64()
        },
        delete_total_s,
        get_distribution_calls: spans
            .iter()
            .filter(|s| s.operation == "GetDistribution")
            .count(),
    })
}
