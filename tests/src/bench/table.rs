//! BENCHMARKS.md's summary table: one row per measure, each side's figure, the ratio and
//! the target.

use super::report::{burst_runs, burst_stats, extra, floor_s, median, mib, ms, ratio, us, verdict};
use super::results::{ColdRun, Results, ThrottledRun};

pub fn summary(r: &Results, out: &mut Vec<String>) {
    let c = &r.counts;
    out.push("## Summary\n".into());
    out.push("| Measure | cfclone | Baseline | cfclone / baseline | Target | |".into());
    out.push("|---|---|---|---|---|---|".into());
    let mut row = |cells: [String; 6]| out.push(format!("| {} |", cells.join(" | ")));
    if let Some(cold) = &r.cold {
        let pair = |f: fn(&ColdRun) -> Option<f64>| {
            (
                cold_median(&cold.provider, f),
                cold_median(&cold.baseline, f),
            )
        };
        let (p, b) = pair(|x| Some(x.total_s));
        row([
            format!(
                "1. Cold Create, process start → response delivered (median of {})",
                c.runs
            ),
            ms(p),
            ms(b),
            ratio(p, b),
            "≤ 1/10".into(),
            verdict(p * 10.0 <= b).into(),
        ]);
        let (p, b) = pair(|x| Some(x.init_s));
        row([
            "1a. … its start-up: to the first `/next` (baseline: module imported)".into(),
            ms(p),
            ms(b),
            ratio(p, b),
            "≤ 1/10".into(),
            verdict(p * 10.0 <= b).into(),
        ]);
        let (p, b) = pair(|x| Some(x.handler_s));
        row([
            "1b. … the event itself: mostly the emulator answering (4 calls; the baseline 3)"
                .into(),
            ms(p),
            ms(b),
            ratio(p, b),
            "—".into(),
            String::new(),
        ]);
        let (p, b) = pair(|x| x.peak_rss_kb);
        row([
            format!(
                "2. Peak resident memory of that process (median of {})",
                c.runs
            ),
            mib(p),
            mib(b),
            ratio(p, b),
            "≤ 1/3".into(),
            verdict(p * 3.0 <= b).into(),
        ]);
    }
    if let (Some(warm), Some(replay)) = (&r.warm, &r.warm_replay) {
        let (p, b) = (median(&warm.provider.times), median(&warm.baseline.times));
        row([
            format!(
                "3. Warm time per Create event, one process, on moto (median of {})",
                c.warm
            ),
            ms(p),
            ms(b),
            ratio(p, b),
            "≤ 1/3".into(),
            verdict(p * 3.0 <= b).into(),
        ]);
        let (p, b) = (
            median(&replay.provider.times),
            median(&replay.baseline.times),
        );
        row([
            format!(
                "3a. … the same with moto's recorded answers replayed (median of {})",
                c.warm
            ),
            ms(p),
            ms(b),
            ratio(p, b),
            "≤ 1/3".into(),
            verdict(p * 3.0 <= b).into(),
        ]);
        let n = c.warm as f64;
        let (p, b) = (warm.provider.cpu_s / n, warm.baseline.cpu_s / n);
        row([
            format!("3b. … CPU time per warm event on moto (mean of {})", c.warm),
            ms(p),
            ms(b),
            ratio(p, b),
            "—".into(),
            String::new(),
        ]);
    }
    if let Some(calls) = &r.calls {
        let worst = calls
            .counts
            .iter()
            .filter(|(k, _)| !k.starts_with("Baseline"))
            .map(|(k, v)| extra(k, v))
            .max()
            .unwrap_or(0);
        let base = calls
            .counts
            .iter()
            .find(|(k, _)| k == "Baseline create")
            .map_or(0, |(k, v)| extra(k, v));
        row([
            "4. AWS API calls beyond the minimum, worst of Create/Update/Delete (± SSM)".into(),
            worst.to_string(),
            format!("{base} (Create only)"),
            "—".into(),
            "0".into(),
            verdict(worst == 0).into(),
        ]);
    }
    let matching = r.matching.as_ref();
    if let (Some(select), Some(m)) = (r.criterion.get("select_one_alias"), matching) {
        row([
            "5. Certificate matching over 10,000 certificates, per lookup (`select`, one alias)"
                .into(),
            us(*select),
            format!("{} (a dict probe)", us(m.lookup_s)),
            "—".into(),
            "< 2 ms".into(),
            verdict(*select < 2e-3).into(),
        ]);
    }
    if let (Some(full), Some(m)) = (r.criterion.get("to_describe_then_select"), matching) {
        row(["5a. … all matching one Create does (`to_describe` + `select`; baseline: its dict from 10,000 summaries + lookup)".into(), us(*full), us(m.build_and_lookup_s), ratio(*full, m.build_and_lookup_s), "< 2 ms".into(), verdict(*full < 2e-3).into()]);
    }
    for arch in ["arm64", "x86_64"] {
        let cells = match r.zips.get(arch) {
            None => [
                format!("6. Lambda zip, {arch}"),
                "not built (`--no-zip`)".into(),
                "—".into(),
                "—".into(),
                "< 8 MB".into(),
                String::new(),
            ],
            Some(z) => match (z.bytes, &z.error) {
                (Some(bytes), _) => {
                    let note = z.note.as_ref().map_or(String::new(), |n| format!(" ({n})"));
                    [
                        format!("6. Lambda zip, {arch}{note}"),
                        format!("{:.2} MB", bytes as f64 / 1e6),
                        "—".into(),
                        "—".into(),
                        "< 8 MB".into(),
                        verdict((bytes as f64) < 8e6).into(),
                    ]
                }
                (None, e) => [
                    format!("6. Lambda zip, {arch}"),
                    format!("build failed: {}", e.clone().unwrap_or_default()),
                    "—".into(),
                    "—".into(),
                    "< 8 MB".into(),
                    "**missed**".into(),
                ],
            },
        };
        row(cells);
    }
    if let Some(l) = &r.latency {
        let (p, b) = (median(&l.provider.times), median(&l.baseline.times));
        let (fp, fb) = (floor_s(l, true), floor_s(l, false));
        row([
            format!(
                "7. Create with a fixed per-call latency of {} ms (as a regional control plane answers), warm (median of {})",
                l.ms,
                l.provider.times.len()
            ),
            ms(p),
            ms(b),
            ratio(p, b),
            "—".into(),
            String::new(),
        ]);
        row([
            format!(
                "7a. … its round-trip floor (sequential rounds of calls × {} ms)",
                l.ms
            ),
            format!("{} ({} rounds)", ms(fp), l.provider.rounds.len()),
            format!("{} ({} rounds)", ms(fb), l.baseline.rounds.len()),
            ratio(fp, fb),
            "—".into(),
            String::new(),
        ]);
        row([
            "7b. … above the floor".into(),
            ms(p - fp),
            ms(b - fb),
            ratio(p - fp, b - fb),
            "—".into(),
            String::new(),
        ]);
    }
    if let Some(t) = &r.throttled {
        let ok = |rows: &[ThrottledRun]| -> Vec<f64> {
            rows.iter()
                .filter(|x| x.run.succeeded())
                .filter_map(|x| x.run.total_s)
                .collect()
        };
        let (tp, tb) = (ok(&t.provider), ok(&t.baseline));
        let cell = |v: &[f64], n: usize| {
            if v.is_empty() {
                format!("0/{n} succeeded")
            } else if v.len() == n {
                format!("{:.2} s", median(v))
            } else {
                format!("{:.2} s ({}/{n} succeeded)", median(v), v.len())
            }
        };
        let n = t.provider.len();
        let r = if tp.is_empty() || tb.is_empty() {
            "—".into()
        } else {
            ratio(median(&tp), median(&tb))
        };
        row([
            format!(
                "8. Throttled Create (CloudFront throttles 3 calls, ACM 2), process start → response (median of {n})"
            ),
            cell(&tp, n),
            cell(&tb, t.baseline.len()),
            r,
            "≤ 15 s".into(),
            verdict(tp.len() == n && median(&tp) <= 15.0).into(),
        ]);
    }
    if let Some(b) = &r.burst {
        let plural = if b.rounds.len() == 1 { "" } else { "s" };
        row([
            format!(
                "9. Burst: {} concurrent Creates, CloudFront throttling 30 creates and 10 reads ({} burst{plural}): succeeded; slowest; median",
                b.size,
                b.rounds.len()
            ),
            burst_stats(burst_runs(b, true)),
            burst_stats(burst_runs(b, false)),
            "—".into(),
            format!("within the {} s function timeout", b.timeout_s),
            "measured".into(),
        ]);
    }
    for [measure, cfclone, baseline, target, verdict] in super::fleet_report::rows(r) {
        row([measure, cfclone, baseline, "—".into(), target, verdict]);
    }
    out.push(String::new());
    if let Some(cold) = &r.cold {
        let pair = |f: fn(&ColdRun) -> Option<f64>| {
            (
                cold_median(&cold.provider, f),
                cold_median(&cold.baseline, f),
            )
        };
        let (p, b) = pair(|x| Some(x.total_s));
        let start_up = pair(|x| Some(x.init_s));
        let measured_cpu = cold
            .provider
            .iter()
            .all(|x| x.cpu_s.is_some() && x.init_cpu_s.is_some());
        if p * 10.0 > b && start_up.0 * 10.0 <= start_up.1 && measured_cpu {
            let (event, cpu) = (
                cold_median(&cold.provider, |x| Some(x.handler_s)),
                cold_median(&cold.provider, |x| Some(x.cpu_s? - x.init_cpu_s?)),
            );
            out.push(format!(
                "The cold Create misses 1/10 on the event, not the start-up (row 1a): of its {} event, cfclone spends {} of CPU; the rest is the emulator answering its four calls one round after another (the reads together, the create, the record), which no start-up work shortens. Its record (`PutParameter`), which the baseline does not keep, is one of those rounds.\n",
                ms(event),
                ms(cpu)
            ));
        }
    }
    if let Some(warm) = &r.warm
        && let Some(replay) = &r.warm_replay
    {
        let (p, b) = (median(&warm.provider.times), median(&warm.baseline.times));
        if p * 3.0 > b {
            let cpu = warm.provider.cpu_s / c.warm as f64;
            out.push(format!(
                "Warm time on moto misses its target because both sides wait for the same emulator: moto takes most of each event (cfclone spends {} of CPU per event of its {}). With moto's answers replayed (row 3a) the same events take {} against {}.\n",
                ms(cpu), ms(p), ms(median(&replay.provider.times)), ms(median(&replay.baseline.times))
            ));
        }
    }
}

/// The median of what `f` reads from each cold run that has it.
fn cold_median(rows: &[ColdRun], f: fn(&ColdRun) -> Option<f64>) -> f64 {
    median(&rows.iter().filter_map(f).collect::<Vec<_>>())
}
