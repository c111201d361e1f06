//! BENCHMARKS.md's section 11: the fleet at scale ([`super::scale`]).

use super::fleet_report::totals;
use super::report::calls_text;
use super::results::{Results, ScaleList, ScaleRow, ScaleSync};

/// What a sync reads once for all its clones: the index's pages, the reference's
/// configuration, the certificates.
const SHARED: [&str; 3] = [
    "SSM GetParametersByPath",
    "CloudFront GetDistributionConfig",
    "ACM ListCertificates",
];
/// The calls a synced clone needs beyond the shared reads: its read, its ownership tags,
/// its update, its record.
pub const PER_CLONE_FLOOR: u32 = 4;

fn listing(l: &ScaleList) -> String {
    let (all, _, by_op) = totals(&l.calls);
    format!(
        "{} listed; {all} calls ({}); {} rounds; {:.2} s",
        l.listed,
        calls_text(&by_op),
        l.rounds,
        l.seconds
    )
}

/// Calls per synced clone beyond the shared reads, answered ones only.
fn per_clone(s: &ScaleSync) -> f64 {
    let answered: u32 = s
        .calls
        .iter()
        .filter(|(op, _)| !SHARED.contains(&op.as_str()))
        .flat_map(|(_, statuses)| statuses.iter().filter(|(st, _)| **st < 400))
        .map(|(_, n)| n)
        .sum();
    answered as f64 / s.updated.max(1) as f64
}

fn syncing(s: &ScaleSync, clones: usize) -> String {
    let (all, throttled, by_op) = totals(&s.calls);
    format!(
        "{} of {clones} updated, {} failed (exit {}); {:.1} s; {all} calls, {throttled} throttled ({}); {:.2} per synced clone beyond the shared reads",
        s.updated,
        s.failed,
        s.exit_code,
        s.seconds,
        calls_text(&by_op),
        per_clone(s)
    )
}

fn row(r: &ScaleRow, out: &mut Vec<String>) {
    out.push(format!(
        "| {} clones in {} distributions | {} | {} |",
        r.clones,
        r.account,
        listing(&r.list),
        listing(&r.scan)
    ));
}

pub fn section(r: &Results, out: &mut Vec<String>) {
    let Some(scale) = &r.scale else { return };
    out.push("## 11. The fleet at scale: what a listing and a sync cost\n".into());
    out.push(format!("An account of about 500 distributions (one reference of its own, the rest distributions cfclone did not make, the earlier phases' among them) of which 10, then 100, are clones of the reference, made by Creates through the Lambda. Every AWS call answered {} ms late. `cfclone list --reference` through cfclone's index (the records, `GetParametersByPath`), and with `--scan` (every distribution's tags: how clones were found before the index); then `cfclone sync --reference --wave {}` after an edit of the reference, and again after another edit while CloudFront throttles a fifth as many `UpdateDistribution` and a tenth as many `GetDistribution` calls as there are clones, as in section 10 (first come, first served, by count and not by rate, so backing off spares no call here as it would on AWS; each throttled answer is retried by the SDK, and a call whose retries are spent pauses the sync's CloudFront calls together). Calls are counted at the emulator, rounds read by the harness's proxy (one more run), times are the CLI's, spawn to exit. The per-clone figure counts the answered calls other than the shared reads ({}) divided by the clones updated; its floor is {PER_CLONE_FLOOR} (the clone, its tags, its update, its record).\n", scale.latency_ms, scale.wave, SHARED.join(", ")));
    out.push("| Fleet | `list --reference` (the index) | `list --reference --scan` (every distribution) |".into());
    out.push("|---|---|---|".into());
    for r in &scale.rows {
        row(r, out);
    }
    out.push(String::new());
    out.push(
        "| Fleet | `sync --reference` after an edit | the same, CloudFront throttling |".into(),
    );
    out.push("|---|---|---|".into());
    for r in &scale.rows {
        out.push(format!(
            "| {} clones | {} | {} throttles armed: {} |",
            r.clones,
            syncing(&r.sync, r.clones),
            r.throttled_sync.armed,
            syncing(&r.throttled_sync, r.clones)
        ));
    }
    out.push(String::new());
    sustained(r, out);
}

/// The sustained-throttling sync: its time against the floor the rate sets (the CloudFront
/// calls it needed, answered ones, over the rate), and how many answers were throttles.
fn sustained(r: &Results, out: &mut Vec<String>) {
    let Some(Some(s)) = r.scale.as_ref().map(|s| s.sustained.as_ref()) else {
        return;
    };
    let cloudfront_answered: u32 = s
        .sync
        .calls
        .iter()
        .filter(|(op, _)| op.starts_with("CloudFront "))
        .flat_map(|(_, statuses)| statuses.iter().filter(|(st, _)| **st < 400))
        .map(|(_, n)| n)
        .sum();
    let floor = f64::from(cloudfront_answered) / s.rate;
    let (all, throttled, _) = totals(&s.sync.calls);
    out.push(format!("### Sustained throttling: {} clones\n", s.clones));
    out.push(format!("The fleet grown to {} clones by more Creates ({} distributions in the account), then `cfclone sync --reference --wave 5` after an edit of the reference while the emulator lets through at most {} CloudFront calls a second, every operation drawing on one token bucket of {} (`POST /_cfclone/faults {{\"rate\": …}}`), and answers the rest `Throttling`; every call 50 ms late. AWS publishes no rate for CloudFront's control plane: this one is the bench's, chosen so that the sync's four calls in flight (80 a second at 50 ms) meet it all the time. The floor is the CloudFront calls the sync needed (those answered) over the rate.\n", s.clones, s.account, s.rate, s.burst));
    out.push("| Clones | Updated | Failed | Time | Floor at the rate | Time / floor | Calls answered | Throttled answers | Throttled per answered CloudFront call |".into());
    out.push("|---|---|---|---|---|---|---|---|---|".into());
    out.push(format!(
        "| {} | {} | {} (exit {}) | {:.1} s | {:.1} s ({cloudfront_answered} CloudFront calls) | {:.2} | {} | {throttled} | {:.2} |",
        s.clones,
        s.sync.updated,
        s.sync.failed,
        s.sync.exit_code,
        s.sync.seconds,
        floor,
        s.sync.seconds / floor.max(f64::MIN_POSITIVE),
        all - throttled,
        f64::from(throttled) / f64::from(cloudfront_answered.max(1)),
    ));
    out.push(String::new());
}
