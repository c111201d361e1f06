//! The fleet's commands: `revision`, `diff`, `list` and `sync` (how they print: `render`).

use crate::cli::Output;
use crate::commands::{ERROR, fail, pretty};
use crate::render::{diff_text, field_count, state_json, sync_state, table};
use cfclone::aws::{Clock, SdkCertificates, SdkDistributions, SdkParameters, SystemClock};
use cfclone::handler::{Handled, Invocation};
use cfclone::lifecycle::{Budget, CloneState, Lifecycle};
use cfclone::setup::SdkProvider;
use serde_json::{Value, json};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The lifecycle over the provider's adapters, for reads, with an hour to spend.
pub fn reader(
    provider: &SdkProvider,
) -> Lifecycle<'_, SdkDistributions, SdkCertificates, SdkParameters, SystemClock> {
    let now = provider.aws.clock.now_ms();
    let hour = Duration::from_secs(3600);
    Lifecycle {
        aws: &provider.aws,
        budget: Budget::new(
            now,
            now,
            now + hour.as_millis() as u64,
            hour,
            provider.poll_interval,
        ),
    }
}

pub async fn revision(
    provider: &SdkProvider,
    reference: &str,
    output: Output,
    out: &mut impl Write,
) -> ExitCode {
    match reader(provider).revision(reference).await {
        Ok(revision) => {
            let _ = match output {
                Output::Table => writeln!(out, "{revision}"),
                Output::Json => writeln!(
                    out,
                    "{}",
                    pretty(&json!({"referenceDistributionId": reference, "revision": revision}))
                ),
            };
            ExitCode::SUCCESS
        }
        Err(e) => fail(e.reason()),
    }
}

pub async fn diff(
    provider: &SdkProvider,
    clone: &str,
    output: Output,
    out: &mut impl Write,
) -> ExitCode {
    let state = match reader(provider).diff(clone).await {
        Ok(state) => state,
        Err(e) => return fail(e.reason()),
    };
    let _ = match output {
        Output::Table => write!(out, "{}", diff_text(&state)),
        Output::Json => writeln!(out, "{}", pretty(&state_json(&state, true))),
    };
    if state.in_sync() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

pub async fn list(
    provider: &SdkProvider,
    reference: Option<&str>,
    output: Output,
    out: &mut impl Write,
) -> ExitCode {
    let clones = match reader(provider).list(reference).await {
        Ok(clones) => clones,
        Err(e) => return fail(e.reason()),
    };
    let _ = match output {
        Output::Json => writeln!(
            out,
            "{}",
            pretty(&Value::Array(
                clones.iter().map(|c| state_json(c, false)).collect()
            ))
        ),
        Output::Table => {
            let rows: Vec<Vec<String>> = clones
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        c.record.reference_distribution_id.clone(),
                        format!("{}/{}", c.owner.stack_name(), c.owner.logical_id),
                        if c.aliases.is_empty() {
                            "-".into()
                        } else {
                            c.aliases.join(",")
                        },
                        c.status.clone(),
                        sync_state(c).into(),
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                table(
                    &["CLONE", "REFERENCE", "OWNER", "ALIASES", "STATUS", "SYNC"],
                    &rows
                )
            )
        }
    };
    ExitCode::SUCCESS
}

pub struct SyncOptions {
    pub dry_run: bool,
    pub wave: usize,
    pub force: bool,
    pub timeout_s: u64,
}

/// What became of one clone in a sync.
enum Synced {
    InSync,
    Updated(usize),
    WouldUpdate(usize),
    Skipped(Vec<String>),
    Failed(String),
}

pub async fn sync(
    provider: &Arc<SdkProvider>,
    clones: &[String],
    reference: Option<&str>,
    options: &SyncOptions,
    output: Output,
    out: &mut impl Write,
) -> ExitCode {
    let lifecycle = reader(provider);
    let states = match (clones.is_empty(), reference) {
        (true, None) => {
            return fail("name the clones to sync (CLONE_ID ...) or --reference DISTRIBUTION_ID");
        }
        (_, Some(reference)) => lifecycle.list(Some(reference)).await,
        (false, None) => lifecycle.states(clones.to_vec()).await,
    };
    let states = match states {
        Ok(states) => states,
        Err(e) => return fail(e.reason()),
    };
    let deadline = provider.aws.clock.now_ms() + options.timeout_s * 1000;
    let mut results: Vec<(String, Synced)> = Vec::new();
    let total = states.len();
    for (wave, chunk) in states.chunks(options.wave).enumerate() {
        eprintln!(
            "cfclone: wave {} ({} of {total} clones)",
            wave + 1,
            chunk.len()
        );
        let done = futures_util::future::join_all(
            chunk
                .iter()
                .map(|state| sync_one(provider, state, options, deadline)),
        )
        .await;
        let failed = done.iter().any(|(_, s)| matches!(s, Synced::Failed(_)));
        results.extend(done);
        if failed {
            eprintln!("cfclone: a clone failed to sync; the waves after this one were not started");
            break;
        }
    }
    let line = |(id, synced): &(String, Synced)| -> (String, String) {
        let text = match synced {
            Synced::InSync => "in sync".to_owned(),
            Synced::Updated(n) => format!("updated ({})", field_count(*n)),
            Synced::WouldUpdate(n) => format!("would update ({})", field_count(*n)),
            Synced::Skipped(fields) => format!(
                "skipped: edited by hand ({}); --force overwrites it",
                fields.join(", ")
            ),
            Synced::Failed(reason) => format!("failed: {reason}"),
        };
        (id.clone(), text)
    };
    let lines: Vec<(String, String)> = results.iter().map(line).collect();
    let _ = match output {
        Output::Table => write!(
            out,
            "{}",
            table(
                &["CLONE", "RESULT"],
                &lines
                    .iter()
                    .map(|(a, b)| vec![a.clone(), b.clone()])
                    .collect::<Vec<_>>()
            )
        ),
        Output::Json => writeln!(
            out,
            "{}",
            pretty(&Value::Array(
                lines
                    .iter()
                    .map(|(id, result)| json!({"clone": id, "result": result}))
                    .collect()
            ))
        ),
    };
    if results.iter().any(|(_, s)| matches!(s, Synced::Failed(_))) || results.len() < total {
        ExitCode::from(ERROR)
    } else if results
        .iter()
        .any(|(_, s)| matches!(s, Synced::Skipped(_) | Synced::WouldUpdate(_)))
    {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

async fn sync_one(
    provider: &Arc<SdkProvider>,
    state: &CloneState,
    options: &SyncOptions,
    deadline: u64,
) -> (String, Synced) {
    let started = Instant::now();
    let id = state.id.clone();
    let fields = state.differences.len();
    let drifted: Vec<String> = state.drifted().into_iter().map(str::to_owned).collect();
    let synced = if state.in_sync() {
        Synced::InSync
    } else if !drifted.is_empty() && !options.force {
        Synced::Skipped(drifted)
    } else if options.dry_run {
        Synced::WouldUpdate(fields)
    } else {
        match provider
            .handle(state.sync_event(), &Invocation::new(deadline, ""))
            .await
        {
            Handled::Answered { answer, .. } => match answer {
                cfclone::lifecycle::Answer::Success { .. } => Synced::Updated(fields),
                cfclone::lifecycle::Answer::Failed(failure) => Synced::Failed(failure.reason()),
            },
            other => Synced::Failed(other.summary()),
        }
    };
    let verdict = match &synced {
        Synced::InSync => "in sync",
        Synced::Updated(_) => "updated",
        Synced::WouldUpdate(_) => "would update",
        Synced::Skipped(_) => "skipped (edited by hand)",
        Synced::Failed(_) => "FAILED",
    };
    eprintln!(
        "cfclone: {id}: {verdict} ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    (id, synced)
}
