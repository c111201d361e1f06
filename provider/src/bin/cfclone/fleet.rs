//! The fleet's commands: `revision`, `diff`, `list` and `sync` (how they print: `render`).

use crate::cli::Output;
use crate::render::{ERROR, diff_text, fail, field_count, pretty, table};
use cfclone::handler::Provider;
use cfclone::lifecycle::Lifecycle;
use cfclone::report::{clone_state as state_json, sync_state};
use cfclone::sync::{self, Progress, Synced};
use serde_json::{Value, json};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The lifecycle for reads, with an hour to spend.
pub fn reader(provider: &Provider) -> Lifecycle<'_> {
    let hour = Duration::from_secs(3600).as_millis() as u64;
    provider
        .runner
        .reader(provider.runner.aws.clock.now_ms() + hour)
}

pub async fn revision(
    provider: &Provider,
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
    provider: &Provider,
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
    provider: &Provider,
    reference: Option<&str>,
    scan: bool,
    output: Output,
    out: &mut impl Write,
) -> ExitCode {
    let reader = reader(provider);
    let clones = if scan {
        reader.scan(reference).await
    } else {
        reader.list(reference).await
    };
    let clones = match clones {
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

pub async fn sync(
    provider: &Arc<Provider>,
    clones: &[String],
    reference: Option<&str>,
    options: &SyncOptions,
    output: Output,
    out: &mut impl Write,
) -> ExitCode {
    // One bundle for the whole sync: the reference and the certificates are read once, and
    // each clone's Update plans on the read that decided it.
    let deadline_ms = provider.runner.aws.clock.now_ms() + options.timeout_s * 1000;
    let runner = provider.runner.for_fleet(deadline_ms);
    let lifecycle = runner.reader(deadline_ms);
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
    let options = sync::Options {
        dry_run: options.dry_run,
        wave: options.wave,
        force: options.force,
        may_wait: true,
        deadline_ms,
        wave_reserve: Duration::ZERO,
        function: String::new(),
    };
    let report = sync::run(&runner, states, &options, &print_progress).await;
    let lines: Vec<(String, String)> = report
        .results
        .iter()
        .map(|(id, synced)| (id.clone(), result_text(synced)))
        .collect();
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
    let counts = report.counts();
    if counts.failed + counts.not_started > 0 {
        ExitCode::from(ERROR)
    } else if counts.skipped + counts.would_update > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_progress(progress: Progress<'_>) {
    match progress {
        Progress::Wave {
            number,
            size,
            total,
        } => eprintln!("cfclone: wave {number} ({size} of {total} clones)"),
        Progress::Clone {
            id,
            synced,
            elapsed,
        } => eprintln!(
            "cfclone: {id}: {} ({:.1} s)",
            synced.verdict(),
            elapsed.as_secs_f64()
        ),
        Progress::Stopped(why) => eprintln!("cfclone: {why}"),
    }
}

fn result_text(synced: &Synced) -> String {
    match synced {
        Synced::InSync => "in sync".to_owned(),
        Synced::Updated(n) => format!("updated ({})", field_count(*n)),
        Synced::WouldUpdate(n) => format!("would update ({})", field_count(*n)),
        Synced::Skipped(fields) => format!(
            "skipped: edited by hand ({}); --force overwrites it",
            fields.join(", ")
        ),
        Synced::Failed(failure) => format!("failed: {}", failure.reason()),
        Synced::NotStarted(why) => format!("not started: {why}"),
        Synced::HandedOff => "handed off to a fresh invocation".to_owned(),
    }
}
