//! The automatic sync: after an edit of a reference ([`crate::trigger`]), the provider syncs
//! that reference's clones — only the clones with cfclone's ownership tags and a record,
//! never one edited by hand, at most [`Limits::max_clones`], none after a wave that failed
//! or too close to the invocation's deadline — and reports it in its logs and as a
//! CloudWatch metric (embedded metric format: a JSON log line, no API call).

use super::{Counts, Options, Progress, Report, Synced};
use crate::lifecycle::reserve;
use crate::runner::{Invocation, Runner};
use crate::trigger::Trigger;
use serde_json::{Value, json};
use std::time::Duration;
use tracing::{error, info, warn};

/// The metric namespace of the automatic sync.
pub const NAMESPACE: &str = "cfclone";
/// Environment variables that bound the automatic sync.
pub const WAVE_ENV: &str = "CFCLONE_SYNC_WAVE";
pub const MAX_CLONES_ENV: &str = "CFCLONE_SYNC_MAX_CLONES";
pub const STACKS_ENV: &str = "CFCLONE_SYNC_STACKS";
/// The time a further wave needs: this, or a quarter of the invocation's time if less.
const WAVE_RESERVE: Duration = Duration::from_secs(20);
pub const TOO_MANY: &str = "more clones than CFCLONE_SYNC_MAX_CLONES allows in one sync";

/// How much one automatic sync may do, and on which clones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Clones updated at the same time.
    pub wave: usize,
    /// Clones synced for one edit; the rest are reported, not started.
    pub max_clones: usize,
    /// The stacks whose clones this provider syncs (its role may change no others).
    pub owners: Owners,
}

/// Whose clones a provider syncs, by the stack id in their ownership tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owners {
    /// Stack ids starting with this (`CFCLONE_SYNC_STACKS`; the CDK construct sets its
    /// own stack's id, `examples/provider.yaml` its account's and region's stacks).
    Prefix(String),
    /// Stacks of this region (the Lambda's own, `AWS_REGION`), when nothing else is said.
    Region(String),
    Any,
}

impl Owners {
    pub fn include(&self, stack_id: &str) -> bool {
        match self {
            Self::Prefix(prefix) => stack_id.starts_with(prefix.as_str()),
            Self::Region(region) => crate::event::stack_region(stack_id) == region,
            Self::Any => true,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            wave: 5,
            max_clones: 100,
            owners: Owners::Any,
        }
    }
}

impl Limits {
    /// The defaults, with what the environment sets instead (unreadable values ignored).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Self {
        let number = |key: &str| {
            var(key)
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|n| *n > 0)
        };
        let set = |key: &str| var(key).filter(|v| !v.trim().is_empty());
        let default = Self::default();
        Self {
            wave: number(WAVE_ENV).unwrap_or(default.wave),
            max_clones: number(MAX_CLONES_ENV).unwrap_or(default.max_clones),
            owners: match (set(STACKS_ENV), set("AWS_REGION")) {
                (Some(prefix), _) => Owners::Prefix(prefix),
                (None, Some(region)) => Owners::Region(region),
                (None, None) => Owners::Any,
            },
        }
    }
}

/// What an automatic sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auto {
    /// The trigger syncs nothing, for this reason.
    Ignored(String),
    /// The sync ran (or could not read the clones): its summary.
    Synced(String),
}

/// Answers a trigger: syncs the clones of the reference it names, within `limits`.
pub async fn run(
    runner: &Runner,
    limits: &Limits,
    trigger: Trigger,
    invocation: &Invocation,
) -> Auto {
    let (reference, cause) = match trigger {
        Trigger::Sync { reference, cause } => (reference, cause),
        Trigger::Ignore(why) => {
            info!(why, "a sync trigger that syncs nothing");
            return Auto::Ignored(why);
        }
    };
    info!(
        reference,
        cause, "syncing the clones of an edited reference"
    );
    // Time kept free to log and return (a fifth of the invocation, 1 to 10 s).
    let now = runner.aws.clock.now_ms();
    let deadline_ms = invocation
        .deadline_ms
        .saturating_sub(reserve(now, invocation.deadline_ms).as_millis() as u64);
    let wave_reserve = WAVE_RESERVE.min(Duration::from_millis(deadline_ms.saturating_sub(now) / 4));
    let runner = &runner.for_fleet(deadline_ms);
    let reader = runner.reader(deadline_ms);
    let mut clones = match reader.list(Some(&reference)).await {
        Ok(clones) => clones,
        Err(e) => {
            let why = format!(
                "the clones of {reference} could not be read: {}",
                e.reason()
            );
            error!(reference, why, "the automatic sync did nothing");
            println!(
                "{}",
                metric_line(&reference, None, runner.aws.clock.now_ms())
            );
            return Auto::Synced(why);
        }
    };
    let (mine, others): (Vec<_>, Vec<_>) = clones
        .into_iter()
        .partition(|c| limits.owners.include(&c.owner.stack_id));
    if !others.is_empty() {
        info!(
            count = others.len(),
            "clones of other stacks are left to their own providers"
        );
    }
    clones = mine;
    let beyond = clones.split_off(clones.len().min(limits.max_clones));
    let options = Options {
        dry_run: false,
        wave: limits.wave,
        force: false,
        may_wait: false,
        deadline_ms,
        wave_reserve,
        function: invocation.function.clone(),
    };
    let mut report = super::run(runner, clones, &options, &log_progress).await;
    report.results.extend(
        beyond
            .into_iter()
            .map(|c| (c.id, Synced::NotStarted(TOO_MANY))),
    );
    let counts = report.counts();
    println!(
        "{}",
        metric_line(&reference, Some(counts), runner.aws.clock.now_ms())
    );
    Auto::Synced(summary(&reference, &report))
}

fn log_progress(progress: Progress<'_>) {
    match progress {
        Progress::Wave {
            number,
            size,
            total,
        } => info!(wave = number, size, total, "sync wave"),
        Progress::Clone {
            id,
            synced,
            elapsed,
        } => match synced {
            Synced::Failed(failure) => {
                warn!(clone = id, reason = %failure.reason(), "sync failed");
            }
            Synced::Skipped(fields) => warn!(
                clone = id,
                fields = fields.join(", "),
                "left alone: edited by hand (cfclone sync --force overwrites it)"
            ),
            other => info!(
                clone = id,
                result = other.verdict(),
                ms = elapsed.as_millis() as u64,
                "synced"
            ),
        },
        Progress::Stopped(why) => warn!(why, "sync stopped"),
    }
}

/// One line for the logs and the Lambda's return value.
pub fn summary(reference: &str, report: &Report) -> String {
    let c = report.counts();
    let handed_off = match c.handed_off {
        0 => String::new(),
        n => format!(", {n} handed off to a fresh invocation"),
    };
    format!(
        "synced the {} clones of {reference}: {} updated, {} in sync, {} skipped (edited by hand), {} failed, {} not started{handed_off}",
        report.results.len(),
        c.updated,
        c.in_sync,
        c.skipped,
        c.failed,
        c.not_started
    )
}

/// The sync's counts as a CloudWatch embedded-metric-format log line (`None`: the clones
/// could not even be read, counted as `SyncErrors`).
pub fn metric_line(reference: &str, counts: Option<Counts>, now_ms: u64) -> String {
    let c = counts.unwrap_or_default();
    let values = [
        ("ClonesUpdated", c.updated),
        ("ClonesInSync", c.in_sync),
        ("ClonesSkipped", c.skipped),
        ("ClonesFailed", c.failed),
        ("ClonesNotStarted", c.not_started),
        ("ClonesHandedOff", c.handed_off),
        ("SyncErrors", usize::from(counts.is_none())),
    ];
    let mut line = json!({
        "_aws": {
            "Timestamp": now_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["ReferenceDistributionId"]],
                "Metrics": values
                    .iter()
                    .map(|(name, _)| json!({"Name": name, "Unit": "Count"}))
                    .collect::<Vec<Value>>(),
            }],
        },
        "ReferenceDistributionId": reference,
    });
    for (name, value) in values {
        line[name] = json!(value);
    }
    line.to_string()
}
