//! Bringing clones up to date, a wave at a time: each clone gets the CloudFormation Update
//! its own resource would ([`CloneState::sync_request`]), run by the [`Runner`] like any
//! request. One operation for both fronts that sync: the CLI's `sync` (which prints the
//! progress) and the provider's automatic sync after an edit of the reference
//! ([`crate::trigger`]), which logs it and reports a metric.

use crate::error::Failure;
use crate::lifecycle::{Answer, CloneState, SyncDecision};
use crate::runner::{Ended, Invocation, Run, Runner};
use std::time::{Duration, Instant};

/// How a sync goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Say what would change, change nothing.
    pub dry_run: bool,
    /// Clones updated at the same time (at least 1).
    pub wave: usize,
    /// Overwrite hand edits too (else a clone with any is skipped).
    pub force: bool,
    /// Whether an Update may wait for `Deployed` when the clone's properties ask for it
    /// (`WaitForDeployment`); the automatic sync never waits.
    pub may_wait: bool,
    /// No wave starts after this (ms since the epoch), nor when less than `wave_reserve`
    /// is left before it.
    pub deadline_ms: u64,
    pub wave_reserve: Duration,
    /// The function ARN the invocation came through: an Update that must go on in a fresh
    /// invocation (awaiting a requested certificate) is handed on to it. Empty in the CLI,
    /// which goes on in process.
    pub function: String,
}

/// What became of one clone.
#[derive(Debug, Clone, PartialEq)]
pub enum Synced {
    InSync,
    /// Updated: this many fields changed.
    Updated(usize),
    WouldUpdate(usize),
    /// Left alone: these fields were edited by hand (`force` overwrites them).
    Skipped(Vec<String>),
    Failed(Failure),
    /// Not tried: an earlier wave failed, or the time ran out.
    NotStarted(&'static str),
    /// Goes on in a fresh invocation of the provider (awaiting a requested certificate),
    /// which finishes the Update and logs its answer.
    HandedOff,
}

impl Synced {
    /// One word or two, for progress lines and logs.
    pub fn verdict(&self) -> &'static str {
        match self {
            Self::InSync => "in sync",
            Self::Updated(_) => "updated",
            Self::WouldUpdate(_) => "would update",
            Self::Skipped(_) => "skipped (edited by hand)",
            Self::Failed(_) => "FAILED",
            Self::NotStarted(_) => "not started",
            Self::HandedOff => "handed off",
        }
    }
}

/// What a sync reports as it goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress<'a> {
    Wave {
        number: usize,
        size: usize,
        total: usize,
    },
    Clone {
        id: &'a str,
        synced: &'a Synced,
        elapsed: Duration,
    },
    /// No further wave starts, for this reason.
    Stopped(&'static str),
}

/// Every clone of a sync, in order, with what became of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub results: Vec<(String, Synced)>,
}

/// How many clones ended each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub updated: usize,
    pub in_sync: usize,
    pub would_update: usize,
    pub skipped: usize,
    pub failed: usize,
    pub not_started: usize,
    pub handed_off: usize,
}

impl Report {
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for (_, synced) in &self.results {
            *match synced {
                Synced::Updated(_) => &mut counts.updated,
                Synced::InSync => &mut counts.in_sync,
                Synced::WouldUpdate(_) => &mut counts.would_update,
                Synced::Skipped(_) => &mut counts.skipped,
                Synced::Failed(_) => &mut counts.failed,
                Synced::NotStarted(_) => &mut counts.not_started,
                Synced::HandedOff => &mut counts.handed_off,
            } += 1;
        }
        counts
    }
}

pub const AFTER_FAILURE: &str = "a clone failed to sync; the waves after this one were not started";
pub const OUT_OF_TIME: &str = "too little time was left for another wave";

/// Syncs `clones`, `options.wave` at a time, telling `progress` as it goes; no wave
/// starts after one with a failure, or too close to the deadline.
pub async fn run(
    runner: &Runner,
    clones: Vec<CloneState>,
    options: &Options,
    progress: &(dyn Fn(Progress<'_>) + Send + Sync),
) -> Report {
    let mut report = Report::default();
    let total = clones.len();
    let mut stopped: Option<&'static str> = None;
    for (number, wave) in clones.chunks(options.wave.max(1)).enumerate() {
        if stopped.is_none() {
            let left = options
                .deadline_ms
                .saturating_sub(runner.aws.clock.now_ms());
            if left < options.wave_reserve.as_millis() as u64 {
                stopped = Some(OUT_OF_TIME);
                progress(Progress::Stopped(OUT_OF_TIME));
            }
        }
        if let Some(why) = stopped {
            report.results.extend(
                wave.iter()
                    .map(|state| (state.id.clone(), Synced::NotStarted(why))),
            );
            continue;
        }
        progress(Progress::Wave {
            number: number + 1,
            size: wave.len(),
            total,
        });
        let done = futures_util::future::join_all(
            wave.iter()
                .map(|state| sync_one(runner, state, options, progress)),
        )
        .await;
        if done.iter().any(|(_, s)| matches!(s, Synced::Failed(_))) {
            stopped = Some(AFTER_FAILURE);
            progress(Progress::Stopped(AFTER_FAILURE));
        }
        report.results.extend(done);
    }
    report
}

async fn sync_one(
    runner: &Runner,
    state: &CloneState,
    options: &Options,
    progress: &(dyn Fn(Progress<'_>) + Send + Sync),
) -> (String, Synced) {
    let started = Instant::now();
    let synced = match state.sync_decision(options.force) {
        SyncDecision::InSync => Synced::InSync,
        SyncDecision::EditedByHand(fields) => Synced::Skipped(fields),
        SyncDecision::Update(fields) if options.dry_run => Synced::WouldUpdate(fields),
        SyncDecision::Update(fields) => {
            let run = Run::to_the_end(state.sync_request(options.may_wait), None);
            let invocation = Invocation::new(options.deadline_ms, options.function.clone());
            match runner.run(run, &invocation).await {
                Ended::Answered(Answer::Success { .. }) => Synced::Updated(fields),
                Ended::Answered(Answer::Failed(failure)) => Synced::Failed(failure),
                Ended::HandedOff { .. } => Synced::HandedOff,
            }
        }
    };
    progress(Progress::Clone {
        id: &state.id,
        synced: &synced,
        elapsed: started.elapsed(),
    });
    (state.id.clone(), synced)
}

pub mod auto;
pub use auto::Limits;

#[cfg(test)]
mod tests;
