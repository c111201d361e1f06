//! BENCHMARKS.md's sections 1–6, one per measure (7–9 are in [`super::control`], 10 in
//! [`super::fleet_report`]).

use super::report::{calls_text, extra, max, mean, median, mib, min, minimum, ms, p90, us};
use super::results::{ColdRun, Results};
use super::{CERTIFICATES, measure::CALLS_POLL_MS, minimum_describes};
use std::collections::BTreeMap;

pub fn all(r: &Results, out: &mut Vec<String>) {
    cold(r, out);
    warm(r, out);
    calls(r, out);
    matching(r, out);
    zips(r, out);
    super::control::latency(r, out);
    super::control::throttled(r, out);
    super::control::burst(r, out);
    super::fleet_report::section(r, out);
    super::scale_report::section(r, out);
    super::control::notes(out);
}

fn values(rows: &[ColdRun], f: fn(&ColdRun) -> Option<f64>) -> Vec<f64> {
    rows.iter().filter_map(f).collect()
}

fn cold(r: &Results, out: &mut Vec<String>) {
    let Some(cold) = &r.cold else { return };
    out.push("## 1–2. Cold Create and peak memory\n".into());
    out.push("Each run starts a fresh process with the event already waiting, alternating cfclone and the baseline. cfclone: the `cfclone-provider` binary under the e2e harness's local Lambda (`tests/src/lambda.rs`: the Runtime API, one execution environment), answering CloudFormation by PUT to a ResponseURL on the harness (`tests/src/response_url.rs`); the clock runs from just before the process is spawned to the moment that PUT has arrived. Baseline: a fresh Python process (`bench/baseline_child.py`) imports the module (which creates its boto3 clients) and calls `lambda_handler`; the clock runs from just before the process is spawned (`CLOCK_MONOTONIC`, which the child reads too) until it returns. Peak memory is `VmHWM` (`/proc/<pid>/status`) after the answer; CPU time is the process's own (schedstat of every thread / getrusage).\n".into());
    out.push("| | cfclone median | cfclone min–max | Baseline median | Baseline min–max |".into());
    out.push("|---|---|---|---|---|".into());
    type Row = (fn(&ColdRun) -> Option<f64>, &'static str, fn(f64) -> String);
    let rows: [Row; 6] = [
        (|x| Some(x.total_s), "Process start → response", ms),
        (
            |x| Some(x.init_s),
            "… start-up: to the first `/next` (baseline: module imported)",
            ms,
        ),
        (|x| Some(x.handler_s), "… the event itself", ms),
        (|x| x.cpu_s, "CPU time, whole run", ms),
        (|x| x.init_cpu_s, "CPU time, start-up", ms),
        (|x| x.peak_rss_kb, "Peak RSS", mib),
    ];
    for (f, label, fmt) in rows {
        let (p, b) = (values(&cold.provider, f), values(&cold.baseline, f));
        out.push(format!(
            "| {label} | {} | {}–{} | {} | {}–{} |",
            fmt(median(&p)),
            fmt(min(&p)),
            fmt(max(&p)),
            fmt(median(&b)),
            fmt(min(&b)),
            fmt(max(&b))
        ));
    }
    out.push(String::new());
    let Some(roots) = &r.roots else { return };
    out.push("### What cfclone's start-up spends\n".into());
    out.push("TLS trust roots were most of cfclone's start-up CPU, although nothing here speaks TLS. Left to themselves, its two HTTPS clients (the AWS SDK's and the one that answers the ResponseURL) would each load the system's roots with rustls-native-certs (the CA bundle *and* every file of the certificate directory, which on Amazon Linux and Debian holds the bundle again), and the SDK's would parse them once more for every service client it is given to, building a connector only to drop it. cfclone reads the bundle once (`aws::tls::TrustRoots`), hands the ResponseURL client the parsed root store, and the SDK's client the PEM, its connector built on the first request only (`aws::client::LazyConnector`): two parses per process, however many service clients. With `SSL_CERT_DIR` set it keeps the clients' own loaders (second row); what the roots still cost is the difference to the last row. The same cold Create, measured in this run, the three variants in turn:\n".into());
    out.push(
        "| Trust roots | Start-up CPU | Whole-run CPU | Process start → response | Peak RSS |"
            .into(),
    );
    out.push("|---|---|---|---|---|".into());
    let dir = std::path::Path::new(&roots.bundle_path)
        .parent()
        .map_or_else(String::new, |d| d.display().to_string());
    let variants = [
        (
            format!(
                "As shipped: `{}` read once, shared by both clients",
                roots.bundle_path
            ),
            &cold.provider,
        ),
        (
            format!("Each client's own loader (`SSL_CERT_DIR={dir}`; the clients' defaults)"),
            &roots.own_loaders,
        ),
        (
            "One certificate (`SSL_CERT_FILE`; for measurement only)".to_owned(),
            &roots.one_root,
        ),
    ];
    for (label, rows) in variants {
        out.push(format!(
            "| {label} | {} | {} | {} | {} |",
            ms(median(&values(rows, |x| x.init_cpu_s))),
            ms(median(&values(rows, |x| x.cpu_s))),
            ms(median(&values(rows, |x| Some(x.total_s)))),
            mib(median(&values(rows, |x| x.peak_rss_kb)))
        ));
    }
    out.push(String::new());
    out.push("No credential or region lookup reaches IMDS or a network (both come from the environment, as in Lambda); the profile files are two failed `open`s; logging set-up and entropy (two non-blocking `getrandom` calls) do not show. Lambda's 128 MB functions get a fraction of a vCPU, so start-up CPU counts several times over there.\n".into());
}

fn warm(r: &Results, out: &mut Vec<String>) {
    let (Some(warm), Some(replay)) = (&r.warm, &r.warm_replay) else {
        return;
    };
    let n = r.counts.warm;
    out.push("## 3. Warm time per event\n".into());
    out.push(format!("One process, one warm-up event, then {n} Create events one after another. cfclone: from the Runtime API handing out the event to the ResponseURL PUT. Baseline: around `lambda_handler`. CPU time: the process's user + system time over those events (cfclone: `/proc/<pid>/stat`, 10 ms ticks; baseline: `getrusage`). On moto, most of the wall time is moto's (a single Python server answering both sides); the replay rows answer each call from memory with the emulator's answer to the same operation, recorded by the harness's proxy (`tests/src/bench/proxy.rs`) from one Create of the same side just before, which leaves each side's own work and its HTTP round trips.\n"));
    out.push(
        "| | cfclone on moto | Baseline on moto | cfclone, replayed | Baseline, replayed |".into(),
    );
    out.push("|---|---|---|---|---|".into());
    let sides = [
        &warm.provider.times,
        &warm.baseline.times,
        &replay.provider.times,
        &replay.baseline.times,
    ];
    let line = |label: &str, f: fn(&[f64]) -> f64| {
        format!(
            "| {label} | {} |",
            sides
                .iter()
                .map(|t| ms(f(t)))
                .collect::<Vec<_>>()
                .join(" | ")
        )
    };
    out.push(line("Median", median));
    out.push(line("Mean", mean));
    out.push(line("90th percentile", p90));
    let cpu = [
        warm.provider.cpu_s,
        warm.baseline.cpu_s,
        replay.provider.cpu_s,
        replay.baseline.cpu_s,
    ];
    out.push(format!(
        "| CPU time per event | {} |\n",
        cpu.iter()
            .map(|c| ms(c / n as f64))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
}

fn calls(r: &Results, out: &mut Vec<String>) {
    let Some(calls) = &r.calls else { return };
    out.push("## 4. AWS API calls per operation\n".into());
    out.push(format!("Counted by the emulator's own log of the calls it answered (`GET /_cfclone/calls`, cleared before every event; each call by its signing name and operation). The ResponseURL PUT is not an AWS call and is not counted. The emulator reports a distribution `Deployed` at the first read after a change (moto's immediate transition), so the Delete's wait for the disabled clone is one `GetDistribution` poll (after a {CALLS_POLL_MS} ms poll interval here, 12 s as shipped).\n"));
    out.push("| Operation | Calls made | Minimum the design implies | Beyond the minimum |".into());
    out.push("|---|---|---|---|".into());
    for (name, counts) in &calls.counts {
        let least = minimum(name);
        let total = |m: &BTreeMap<String, u32>| m.values().sum::<u32>();
        out.push(format!(
            "| {name} | {}: {} | {}: {} | {} |",
            total(counts),
            calls_text(counts),
            total(&least),
            calls_text(&least),
            extra(name, counts)
        ));
    }
    out.push(String::new());
    out.push("The minimum, from DESIGN.md's lifecycle rules:\n".into());
    out.push("- **Create** (one alias, no `CertificateArn`, no SSM): `GetDistributionConfig` of the reference (rule 2); `ListCertificates` in us-east-1, one page per 1,000 certificates (rule 3); `DescribeCertificate` only for a usable certificate whose summary lacks its SANs or says there are more, and that does not already cover every alias (rule 3; none when the summaries carry the SANs, as ACM's do); `CreateDistributionWithTags` (rule 5); one `PutParameter`, the clone's record (`/cfclone/records/<id>`, what `cfclone diff` and `sync` plan from). With `SsmParameterPrefix`: one `PutParameter` per parameter (4) and region; SSM has no batch put.".into());
    out.push("- **Update** (a new origin): `GetDistributionConfig` of the clone (its ETag and `CallerReference`), `GetDistributionConfig` of the reference (re-read, re-plan), `ListCertificates` (the plan's certificate), `UpdateDistribution` with `IfMatch`, the record's `PutParameter`. With SSM: the 4 `PutParameter` again.".into());
    out.push("- **Delete**: `GetDistribution` (config, ETag, status, ARN), `ListTagsForResource` (ownership), `UpdateDistribution` (disable), `GetDistribution` every poll until `Deployed` (one here; on AWS one per 12 s for the minutes CloudFront takes), `DeleteDistribution`, one `DeleteParameters` for the record (named by the clone's id, so nothing to read first). With SSM: `GetParameter` (do the parameters describe this clone?) and one more `DeleteParameters`.".into());
    out.push(format!("- **Summaries without SANs**: moto's own `ListCertificates` leaves the SANs out (`emulator/server.py` adds them, as ACM sends them; the harness's proxy takes them out for this row). {} of the {} seeded certificates are usable and do not cover the alias by their domain name, so each needs one `DescribeCertificate`.", minimum_describes(), CERTIFICATES.len()));
    out.push("- **Baseline**: `GetDistributionConfig`, `ListCertificates` (one page), `CreateDistribution`. It has no Update or Delete, checks no SANs, expiry or key type, and does not tag what it creates.\n".into());
    if let Some(t) = &r.teardown {
        out.push("### Teardown after `Deployed` (cfclone only)\n".into());
        out.push(format!("A clone that is still deploying (the emulator set to report `Deployed` {:.0} s after each change: the creation, and again the Delete's disable), deleted with the shipped 12 s poll interval: cfclone deleted it {:.1} s after the disabled clone became `Deployed`; the Delete was answered {:.1} s after the event, with {} `GetDistribution` calls (calls timed by the harness's proxy). The bound is one poll interval (12 s) plus two calls. The baseline never deletes anything.\n", t.deploy_s, t.after_deployed_s, t.delete_total_s, t.get_distribution_calls));
    }
}

fn matching(r: &Results, out: &mut Vec<String>) {
    let Some(m) = &r.matching else { return };
    out.push("## 5. Certificate matching over 10,000 certificates\n".into());
    out.push("cfclone: criterion (`provider/benches/certificates.rs`, `cargo bench -p cfclone --bench certificates`, the `bench` profile), median time per call over 10,000 summaries: exact names, wildcards, multi-name SANs, summaries without SANs or cut short, some expired, not issued or with key types CloudFront refuses; the matching certificates sit at the end, so every lookup scans the whole list. Baseline: its own `get_certificate_mapping` (over 10 in-memory pages of 1,000 summaries, no I/O) and `get_certificate_arn`, timed in Python with logging disabled (it logs a line per lookup).\n".into());
    out.push("| Benchmark | Time per call |".into());
    out.push("|---|---|".into());
    for (name, value) in &r.criterion {
        out.push(format!("| cfclone `{name}` | {} |", us(*value)));
    }
    out.push(format!(
        "| baseline `get_certificate_arn` on a built dict | {} |",
        us(m.lookup_s)
    ));
    out.push(format!("| baseline `get_certificate_mapping` (dict from 10,000 summaries) + `get_certificate_arn` | {} |\n", us(m.build_and_lookup_s)));
    out.push("The baseline's lookup is a dict probe for the name and its one-label wildcard; it ignores SANs, expiry, key types and all but one alias, and keeps whichever certificate was listed last for a name. cfclone scans every certificate because each of those decides the choice.\n".into());
}

fn zips(r: &Results, out: &mut Vec<String>) {
    out.push("## 6. Lambda zip\n".into());
    if r.zips.is_empty() {
        out.push("Not built in this run (`bash bench/run --no-zip`).\n".into());
        return;
    }
    out.push("| Architecture | Zip | Command |".into());
    out.push("|---|---|---|".into());
    for (arch, z) in &r.zips {
        let mut size = match z.bytes {
            Some(bytes) => format!("{} bytes", thousands(bytes)),
            None => format!("failed: {}", z.error.clone().unwrap_or_default()),
        };
        if let Some(note) = &z.note {
            size += &format!(" ({note})");
        }
        out.push(format!("| {arch} | {size} | `{}` |", z.command));
    }
    out.push(String::new());
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
