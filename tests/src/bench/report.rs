//! BENCHMARKS.md: the header, the summary table and the notes on the strict emulator;
//! the sections per measure are in [`super::sections`].

use super::results::{Burst, Latency, Results, Run};
use super::{CERTIFICATES, measure::CALLS_POLL_MS, minimum_describes};
use std::collections::BTreeMap;

pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The 90th percentile as the value at 90 % of the sorted list.
pub fn p90(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 * 0.9) as usize).max(1) - 1]
}

pub fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

pub fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

pub fn ms(seconds: f64) -> String {
    if seconds >= 0.01 {
        format!("{:.1} ms", seconds * 1e3)
    } else {
        format!("{:.2} ms", seconds * 1e3)
    }
}

pub fn us(seconds: f64) -> String {
    if seconds < 1e-3 {
        format!("{:.1} µs", seconds * 1e6)
    } else {
        format!("{:.2} ms", seconds * 1e3)
    }
}

pub fn mib(kb: f64) -> String {
    format!("{:.1} MiB", kb / 1024.0)
}

pub fn ratio(a: f64, b: f64) -> String {
    format!("{:.3} (1/{:.1})", a / b, b / a)
}

pub fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "**missed**" }
}

/// The calls each operation needs at least, from DESIGN.md's lifecycle rules.
pub fn minimum(name: &str) -> BTreeMap<String, u32> {
    let of = |pairs: &[(&str, u32)]| -> BTreeMap<String, u32> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    };
    // Each with the clone's record: written on Create and Update, removed on Delete.
    let create = [
        ("CloudFront GetDistributionConfig", 1),
        ("ACM ListCertificates", 1),
        ("CloudFront CreateDistributionWithTags", 1),
        ("SSM PutParameter", 1),
    ];
    let update = [
        ("CloudFront GetDistributionConfig", 2),
        ("ACM ListCertificates", 1),
        ("CloudFront UpdateDistribution", 1),
        ("SSM PutParameter", 1),
    ];
    // The read, and one poll: the disable leaves the clone InProgress.
    let delete = [
        ("CloudFront GetDistribution", 2),
        ("CloudFront ListTagsForResource", 1),
        ("CloudFront UpdateDistribution", 1),
        ("CloudFront DeleteDistribution", 1),
        ("SSM DeleteParameters", 1),
    ];
    let with = |base: &[(&str, u32)], extra: &[(&str, u32)]| {
        let mut m = of(base);
        m.extend(of(extra));
        m
    };
    match name {
        "Create" => of(&create),
        "Update" => of(&update),
        "Delete" => of(&delete),
        "Create with SsmParameterPrefix" => with(&create, &[("SSM PutParameter", 5)]),
        "Update with SsmParameterPrefix" => with(&update, &[("SSM PutParameter", 5)]),
        "Delete with SsmParameterPrefix" => with(
            &delete,
            &[("SSM GetParameter", 1), ("SSM DeleteParameters", 2)],
        ),
        "Create, summaries without SANs (moto's shape)" => with(
            &create,
            &[("ACM DescribeCertificate", minimum_describes() as u32)],
        ),
        "Baseline create" => of(&[
            ("CloudFront GetDistributionConfig", 1),
            ("ACM ListCertificates", 1),
            ("CloudFront CreateDistribution", 1),
        ]),
        _ => BTreeMap::new(),
    }
}

/// Calls beyond the minimum.
pub fn extra(name: &str, counts: &BTreeMap<String, u32>) -> u32 {
    let minimum = minimum(name);
    counts
        .iter()
        .map(|(op, n)| n.saturating_sub(*minimum.get(op).unwrap_or(&0)))
        .sum()
}

/// `ListCertificates, GetDistribution ×2` (sorted by service and operation).
pub fn calls_text(counts: &BTreeMap<String, u32>) -> String {
    let op = |k: &str| k.split_once(' ').map_or(k, |(_, o)| o).to_owned();
    counts
        .iter()
        .map(|(k, n)| {
            if *n > 1 {
                format!("{} ×{n}", op(k))
            } else {
                op(k)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn floor_s(latency: &Latency, provider: bool) -> f64 {
    let side = if provider {
        &latency.provider
    } else {
        &latency.baseline
    };
    side.rounds.len() as f64 * latency.ms as f64 / 1000.0
}

/// `30/30; 9.1 s; 4.5 s (failed after 5.5–8.1 s)`.
pub fn burst_stats<'a>(runs: impl Iterator<Item = &'a Run>) -> String {
    let runs: Vec<&Run> = runs.collect();
    let ok: Vec<f64> = runs
        .iter()
        .filter(|r| r.succeeded())
        .filter_map(|r| r.total_s)
        .collect();
    let failed: Vec<f64> = runs
        .iter()
        .filter(|r| !r.succeeded())
        .filter_map(|r| r.total_s)
        .collect();
    let mut text = if ok.is_empty() {
        format!("0/{}", runs.len())
    } else {
        format!(
            "{}/{}; {:.1} s; {:.1} s",
            ok.len(),
            runs.len(),
            max(&ok),
            median(&ok)
        )
    };
    if !failed.is_empty() {
        text += &format!(" (failed after {:.1}–{:.1} s)", min(&failed), max(&failed));
    }
    text
}

pub fn burst_runs(burst: &Burst, provider: bool) -> impl Iterator<Item = &Run> {
    burst
        .rounds
        .iter()
        .flat_map(move |r| if provider { &r.provider } else { &r.baseline })
}

/// The whole report.
pub fn render(r: &Results) -> String {
    let mut out = Vec::new();
    header(r, &mut out);
    super::table::summary(r, &mut out);
    strict(r, &mut out);
    super::sections::all(r, &mut out);
    out.join("\n")
}

fn header(r: &Results, out: &mut Vec<String>) {
    let m = &r.machine;
    out.push("# Benchmarks\n".into());
    out.push("cfclone's provider side by side with the original Python Lambda (`../shared/baseline/seed_clone_lambda.py`, boto3) on the same local AWS emulator (moto with the project's patches, `emulator/server.py`), in one run. The work: clone the reference distribution (3 origins, 3 cache behaviours, 3 error pages, logging, an ACM certificate) with one alias (a fresh one per Create) and a new origin, choosing among 8 ISSUED ACM certificates in us-east-1.\n".into());
    out.push("**Generated by `make bench` (`bash bench/run`, which runs the Rust harness `target/release/bench`, `tests/src/bin/bench.rs`); do not edit by hand.**\n".into());
    out.push(format!("- Date: {}", r.date));
    out.push(format!("- Command: `{}`", r.command));
    out.push(format!(
        "- Machine: {} CPUs ({}), {:.1} GiB memory, Linux {}; load average {} at the start, {} at the end (other work shares the machine, so single runs vary)",
        m.nproc, m.cpu, m.memory_gib, m.kernel, r.load, r.load_end
    ));
    if let Some(other) = &r.other_work {
        let total: f64 = other.cpu_s.iter().map(|(_, v)| v).sum();
        let busy: Vec<String> = other
            .cpu_s
            .iter()
            .filter(|(_, v)| *v >= 1.0)
            .take(8)
            .map(|(k, v)| format!("{k} {v:.0} s"))
            .collect();
        out.push(format!(
            "- Other work during the harness's {:.0} minutes (CPU time of every process not the harness's, from /proc, sampled every 5 s): {total:.0} s in all, about {:.2} of {} cores{}. The side-by-side rows interleave the two sides, so both meet the same load.",
            other.wall_s / 60.0,
            total / other.wall_s,
            m.nproc,
            if busy.is_empty() { String::new() } else { format!(": {}", busy.join(", ")) }
        ));
    }
    out.push(format!(
        "- Provider: `{}`, the cargo profile `dist` build (fat LTO, 1 codegen unit, stripped), {:.2} MB",
        r.binary,
        r.binary_bytes as f64 / 1e6
    ));
    out.push(format!(
        "- Baseline: Python {}, boto3 {}. Emulator: moto[server] {} on loopback, plain HTTP, with the project's patches (`emulator/server.py`)\n",
        r.python, r.boto3, r.moto
    ));
}

fn strict(r: &Results, out: &mut Vec<String>) {
    let Some(calls) = &r.calls else { return };
    let delete_gets = calls
        .counts
        .iter()
        .find(|(k, _)| k == "Delete")
        .and_then(|(_, v)| v.get("CloudFront GetDistribution").copied())
        .unwrap_or(0);
    let again = &calls.baseline_again;
    let outcome = if again["statusCode"].as_i64() == Some(200) {
        "succeeded again".to_owned()
    } else {
        format!(
            "fails: `{}`",
            again["error"]
                .as_str()
                .map_or_else(|| again.to_string(), str::to_owned)
        )
    };
    let rsa = CERTIFICATES
        .iter()
        .filter(|(_, k, _)| matches!(*k, "RSA_1024" | "RSA_2048"))
        .count();
    out.push("## On the strict emulator\n".into());
    out.push("The project's strict emulator (`emulator/server.py`: moto 5.2.1 with patches that answer as AWS does where cfclone depends on it; see `emulator/README.md`), rather than stock moto with SAN summaries added, as before the 2026-12-01 report. What that changes here:\n".into());
    out.push(format!("- **Aliases.** CloudFront refuses an alias another distribution already has (409 `CNAMEAlreadyExists`), and so does the emulator. Runs before it cloned `shop.example.com` hundreds of times over, which stock moto let them; every Create takes a fresh alias, `shop-N.example.com`, covered by the `*.example.com` certificates only. Chosen certificate: cfclone {}, the baseline {}.", calls.certificate_provider, calls.certificate_baseline));
    out.push(format!("- **Finding: the baseline is not idempotent.** Given the same request a second time (a retry, a second click), it {outcome} — it makes a new `CallerReference` from the clock every time and never looks for the distribution it made before."));
    out.push(format!("- **ACM.** `ListCertificates` pages (100 summaries by default; both sides ask for 1,000, so one page here) and spells key algorithms as ACM does (`RSA-2048`, `EC-prime256v1`). Without `Includes.keyTypes` it lists only RSA_1024 and RSA_2048 certificates, as ACM does: the baseline passes no `Includes`, so it sees {rsa} of the {} seeded certificates (not the P-256, P-384 or RSA_3072 ones); cfclone asks for every key type CloudFront accepts.", CERTIFICATES.len()));
    out.push("- **ETags and IfMatch.** Every update answers a new ETag and a stale `IfMatch` is 412: cfclone's Update and Delete send the ETag their read answered, in the same calls as before. The baseline never updates or deletes a distribution, so it meets neither `IfMatch` nor `DistributionNotDisabled` — not a failure on this emulator, but it cannot take down what it made.".into());
    out.push(format!("- **Updates go `InProgress`.** The Delete's disable leaves the clone `InProgress` until CloudFront reports it `Deployed` (here: at the next read), so each Delete polls: `GetDistribution` ×{delete_gets} in section 4, which runs with a {CALLS_POLL_MS} ms poll interval rather than wait 12 s per Delete (the teardown row keeps the shipped 12 s)."));
    out.push("- **`ViewerCertificate`** comes back as CloudFront returns it (`Certificate`, `CertificateSource`); the baseline copies it unchanged into its `CreateDistribution`, which the emulator takes.".into());
    out.push("- **Faults and latency** through the emulator's control API: rows 7–9.\n".into());
}
