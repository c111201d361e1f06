//! BENCHMARKS.md's section 10 (the fleet) and its rows of the summary table.

use super::report::{burst_stats, calls_text, max, median, min, ms, verdict};
use super::results::{CallsByStatus, CliRuns, Results};
use std::collections::BTreeMap;

/// The reads `diff` needs (the clone, its tags, its record, the reference, the
/// certificates) and the rounds their dependencies allow: the tags need the clone's ARN,
/// the reference is the one the record names.
pub const DIFF_FLOOR: (u32, usize) = (5, 2);
/// What `plan` needs when nothing is in its way: the reference and the certificates read
/// together, then the alias asked about through the reference, which carries the clone's
/// certificate here (`*.example.com`): (calls, rounds), whatever the account holds.
pub const PLAN_FLOOR: (u32, usize) = (3, 2);

/// Calls by operation and the throttled ones: (all calls, throttled, by operation).
pub(super) fn totals(calls: &CallsByStatus) -> (u32, u32, BTreeMap<String, u32>) {
    let mut by_op = BTreeMap::new();
    let (mut all, mut throttled) = (0, 0);
    for (op, statuses) in calls {
        for (status, n) in statuses {
            all += n;
            if *status >= 400 {
                throttled += n;
            }
            *by_op.entry(op.clone()).or_insert(0) += n;
        }
    }
    (all, throttled, by_op)
}

fn per_clone(calls: &CallsByStatus, size: usize) -> String {
    let (all, throttled, _) = totals(calls);
    format!(
        "{all} ({:.1} per clone; {throttled} throttled)",
        all as f64 / size as f64
    )
}

fn wall(runs: &CliRuns) -> String {
    format!(
        "{} (min {}, max {})",
        ms(median(&runs.times)),
        ms(min(&runs.times)),
        ms(max(&runs.times))
    )
}

fn per_run(runs: &CliRuns) -> u32 {
    runs.calls.values().sum::<u32>() / runs.runs.max(1) as u32
}

/// The summary table's rows: measure, cfclone, baseline, target, verdict.
pub fn rows(r: &Results) -> Vec<[String; 5]> {
    let Some(f) = &r.fleet else { return Vec::new() };
    let c = &f.creates;
    let s = &f.sync;
    vec![
        [
            format!(
                "10a. Fleet: {} concurrent Creates through the Lambda, {} ms per call, CloudFront throttling: succeeded; slowest; median",
                f.size, f.latency_ms
            ),
            burst_stats(c.provider.iter()),
            burst_stats(c.baseline.iter()),
            "every clone made once, and in sync".into(),
            verdict(c.provider_made == f.size && c.listed_in_sync == f.size && c.listed_same)
                .into(),
        ],
        [
            format!(
                "10b. `cfclone sync --reference` of the {} clones after a reference edit (waves of {}), throttled: time; calls",
                f.size, s.wave
            ),
            format!("{:.1} s; {}", s.seconds, per_clone(&s.calls, f.size)),
            "— (no sync)".into(),
            "all in sync, none lost or duplicated".into(),
            verdict(s.in_sync_after == f.size && s.same_clones && s.distributions_changed_by == 0)
                .into(),
        ],
        [
            format!(
                "10c. `cfclone diff` / `cfclone plan` of one clone at {} ms per call: median; calls; rounds",
                f.latency_ms
            ),
            format!(
                "{}; {}; {} / {}; {}; {}",
                ms(median(&f.diff.times)),
                per_run(&f.diff),
                f.diff.rounds.len(),
                ms(median(&f.plan.times)),
                per_run(&f.plan),
                f.plan.rounds.len()
            ),
            "—".into(),
            format!(
                "the reads they need: {} calls in {} rounds / {} in {}",
                DIFF_FLOOR.0, DIFF_FLOOR.1, PLAN_FLOOR.0, PLAN_FLOOR.1
            ),
            verdict(
                per_run(&f.diff) == DIFF_FLOOR.0
                    && f.diff.rounds.len() <= DIFF_FLOOR.1
                    && per_run(&f.plan) == PLAN_FLOOR.0
                    && f.plan.rounds.len() <= PLAN_FLOOR.1,
            )
            .into(),
        ],
    ]
}

pub fn section(r: &Results, out: &mut Vec<String>) {
    let Some(f) = &r.fleet else { return };
    let c = &f.creates;
    let s = &f.sync;
    out.push(
        "## 10. A fleet of clones: created in a burst, kept in step by `cfclone sync`\n".into(),
    );
    out.push(format!("A reference of its own (3 origins, 3 cache behaviours, logging) and {n} clones of it, every AWS call answered {l} ms late by the emulator (`POST /_cfclone/latency`). **Creates:** {n} fresh provider processes at once, each under its own local Lambda with its Create waiting and a {t} s function timeout — a stack of {n} `Custom::ClonedDistribution` resources, which CloudFormation creates in parallel — while CloudFront answers `Throttling` to the first {n} `CreateDistributionWithTags` and the first {h} `GetDistributionConfig` calls ({a} in all), whoever makes them; then the baseline's {n} at once, faults re-armed (throttles on its `CreateDistribution`; it clones the run's main reference, so the fleet holds only cfclone's clones). Afterwards `cfclone list --reference` must show exactly the clones the Creates answered with, each in sync. **Sync:** the reference's `DefaultRootObject` is edited, then the real `cfclone sync --reference REF --wave {w}` (the CLI binary, `CFCLONE_POLL_INTERVAL_MS={p}`) brings the fleet up to date while CloudFront throttles {sa} calls (`UpdateDistribution`, `GetDistribution`, and 3 `GetDistributionConfig`: the reference's configuration, which every clone's plan shares, is read once, so a fixed count of throttles on that operation lands on that one call in turn, and more than its 8 attempts would fail it — unlike AWS's rate-based throttling of a lone call backing off); afterwards `cfclone list` must show every clone in sync, the same clones, and no distribution made or removed. The emulator deploys a change at its first read after it (moto's state manager), so the waits for `Deployed` are short here; on AWS each wave waits minutes for its deployments, and the wave size sets how many deploy together.\n",
        n = f.size, l = f.latency_ms, t = c.timeout_s, h = f.size / 2, a = c.armed, w = s.wave, p = f.poll_ms, sa = s.armed));
    out.push("| | cfclone | Baseline |".into());
    out.push("|---|---|---|".into());
    out.push(format!(
        "| Creates: succeeded; slowest; median | {} | {} |",
        burst_stats(c.provider.iter()),
        burst_stats(c.baseline.iter())
    ));
    out.push(format!(
        "| The whole burst (first start → last answer) | {:.1} s | {:.1} s |",
        c.provider_s, c.baseline_s
    ));
    out.push(format!(
        "| Distributions made | {} | {} |",
        c.provider_made, c.baseline_made
    ));
    out.push(format!(
        "| Throttles met | {} of {a} | {} of {a} |",
        c.armed - c.provider_faults_left,
        c.armed - c.baseline_faults_left,
        a = c.armed
    ));
    out.push(format!(
        "| AWS calls | {} | {} |",
        per_clone(&c.provider_calls, f.size),
        per_clone(&c.baseline_calls, f.size)
    ));
    out.push(format!(
        "| Listed afterwards by `cfclone list --reference`: in sync; exactly the clones made | {} of {}; {} | — |\n",
        c.listed_in_sync,
        f.size,
        if c.listed_same { "yes" } else { "**no**" }
    ));
    let (_, _, by_op) = totals(&s.calls);
    out.push("| `cfclone sync --reference` | |".into());
    out.push("|---|---|".into());
    out.push(format!(
        "| Out of sync before (by `cfclone list`) | {} of {} |",
        s.stale_before, f.size
    ));
    out.push(format!("| Time, spawn → exit | {:.1} s |", s.seconds));
    out.push(format!("| Exit status | {} |", s.exit_code));
    out.push(format!(
        "| Reported updated; in sync afterwards | {}; {} of {} |",
        s.updated, s.in_sync_after, f.size
    ));
    out.push(format!(
        "| The same clones afterwards; distributions made or removed | {}; {} |",
        if s.same_clones { "yes" } else { "**no**" },
        s.distributions_changed_by
    ));
    out.push(format!(
        "| Throttles met | {} of {} |",
        s.armed - s.faults_left,
        s.armed
    ));
    out.push(format!("| AWS calls | {} |", per_clone(&s.calls, f.size)));
    out.push(format!("| … by operation | {} |\n", calls_text(&by_op)));
    out.push("Most of the sync's calls find the fleet, not update it: `cfclone list --reference` reads the tags of every distribution in the account (CloudFront's listing does not carry them) and the record of every clone cfclone owns, to learn its reference, before it reads anything more of the reference's own clones; this account holds the clones of the run's earlier measurements too.\n".into());
    out.push(format!("**`diff` and `plan` of one clone**, {} runs each at {} ms per call (the CLI binary, spawn → exit), and one more through the harness's proxy, which times each call: calls of a round were in flight together. The floor is the reads each needs: `diff` reads the clone and its record together, then its tags (which need the clone's ARN), the reference the record names and the certificates ({} calls, {} rounds); `plan` reads the reference and the certificates together, then asks about the alias through the reference, which carries the certificate the clone gets (`*.example.com`) ({} calls, {} rounds); the account's {} distributions are not listed, as nothing reported stands in the clone's way.\n", f.diff.runs, f.latency_ms, DIFF_FLOOR.0, DIFF_FLOOR.1, PLAN_FLOOR.0, PLAN_FLOOR.1, f.account_distributions));
    out.push("| Command | Median (min, max) | Calls per run | Floor | Rounds |".into());
    out.push("|---|---|---|---|---|".into());
    for (name, runs, floor) in [
        ("`cfclone diff CLONE`", &f.diff, DIFF_FLOOR),
        (
            "`cfclone plan --reference R --alias A`",
            &f.plan,
            PLAN_FLOOR,
        ),
    ] {
        let rounds: Vec<String> = runs.rounds.iter().map(|r| r.join(" + ")).collect();
        out.push(format!(
            "| {name} | {} | {} | {} calls, {} rounds | {}: {} |",
            wall(runs),
            per_run(runs),
            floor.0,
            floor.1,
            runs.rounds.len(),
            rounds.join(" → ")
        ));
    }
    out.push(String::new());
}
