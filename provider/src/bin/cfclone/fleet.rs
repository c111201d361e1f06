//! The fleet's commands: `revision`, `diff`, `list`, `sync`, and how their results print.

use crate::cli::Output;
use crate::commands::{ERROR, fail, pretty};
use cfclone::aws::{Clock, SdkCertificates, SdkDistributions, SdkParameters, SystemClock};
use cfclone::handler::{Handled, Invocation};
use cfclone::lifecycle::{Budget, CloneState, Lifecycle};
use cfclone::record::Cause;
use cfclone::setup::SdkProvider;
use serde_json::{Value, json};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The lifecycle over the provider's adapters, for reads, with an hour to spend.
fn reader(
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

/// The properties `plan` runs on: the file's (an object of properties, or the
/// Custom::ClonedDistribution resource of a template), the flags over them.
pub fn declared(
    file: Option<&std::path::Path>,
    resource: Option<&str>,
    reference: Option<String>,
    aliases: Vec<String>,
    origin_domain_name: Option<String>,
) -> Result<Value, String> {
    let mut declared = match file {
        None => json!({}),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
            from_template(value, resource).map_err(|e| format!("{}: {e}", path.display()))?
        }
    };
    if let Some(reference) = reference {
        declared["ReferenceDistributionId"] = json!(reference);
    }
    if !aliases.is_empty() {
        declared["Aliases"] = json!(aliases);
    }
    if let Some(domain) = origin_domain_name {
        declared["OriginDomainName"] = json!(domain);
    }
    declared["ServiceToken"] = json!("cfclone-plan");
    Ok(declared)
}

fn from_template(value: Value, resource: Option<&str>) -> Result<Value, String> {
    let Some(resources) = value.get("Resources").and_then(Value::as_object) else {
        return Ok(value);
    };
    let clones: Vec<(&String, &Value)> = resources
        .iter()
        .filter(|(_, r)| r["Type"] == cfclone::RESOURCE_TYPE)
        .filter(|(name, _)| resource.is_none_or(|wanted| wanted == name.as_str()))
        .collect();
    match clones.as_slice() {
        [(_, r)] => Ok(r.get("Properties").cloned().unwrap_or_else(|| json!({}))),
        [] => Err(format!(
            "no {} resource{} in the template",
            cfclone::RESOURCE_TYPE,
            resource.map(|r| format!(" named {r}")).unwrap_or_default()
        )),
        several => Err(format!(
            "several {} resources ({}); choose one with --resource",
            cfclone::RESOURCE_TYPE,
            several
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

pub async fn plan(
    provider: &SdkProvider,
    declared: &Value,
    stack_region: &str,
    output: Output,
    out: &mut impl Write,
) -> ExitCode {
    let properties = match cfclone::properties::Properties::parse(declared, stack_region) {
        Ok(p) => p,
        Err(e) => return fail(format!("{}: {}", e.property, e.message)),
    };
    let lifecycle = reader(provider);
    let planned = match lifecycle.inputs(&properties).await {
        Ok(inputs) => inputs
            .plan(&properties, "cfclone-plan")
            .map(|planned| (planned, inputs)),
        Err(e) => Err(e),
    };
    let (planned, inputs) = match planned {
        Ok(found) => found,
        Err(e) => return fail(e.reason()),
    };
    let changes = cfclone::fields::changes(&inputs.reference, &planned);
    let needs = cfclone::permissions::needed(&planned);
    let buckets = cfclone::plan::origin_access_control_buckets(&planned);
    let certificate = inputs
        .certificate
        .clone()
        .unwrap_or_else(|| "CloudFront's default (no aliases)".into());
    let _ = match output {
        Output::Json => writeln!(
            out,
            "{}",
            pretty(&json!({
                "referenceDistributionId": properties.reference_distribution_id,
                "referenceRevision": cfclone::fields::revision(&inputs.reference),
                "certificateArn": inputs.certificate,
                "changes": changes.iter().map(|c| json!({"field": c.field, "lines": c.lines()})).collect::<Vec<_>>(),
                "permissionsNeeded": needs,
                "originAccessControlBuckets": buckets,
            }))
        ),
        Output::Table => {
            let mut text = format!(
                "A clone of {} ({}), certificate {certificate}\n\nChanges against the reference:\n",
                properties.reference_distribution_id,
                cfclone::fields::revision(&inputs.reference)
            );
            for change in &changes {
                text.push_str(&format!("  {}\n", change.field));
                for line in change.lines() {
                    text.push_str(&format!("    {line}\n"));
                }
            }
            text.push_str("\nBefore creating it:\n");
            if needs.is_empty() && buckets.is_empty() {
                text.push_str(
                    "  nothing: the provider's role needs no more than its own permissions\n",
                );
            }
            for need in &needs {
                text.push_str(&format!("  the provider's role needs {need}\n"));
            }
            for bucket in &buckets {
                text.push_str(&format!(
                    "  bucket {bucket} uses origin access control: its policy must allow the clone's ARN (AWS:SourceArn)\n"
                ));
            }
            write!(out, "{text}")
        }
    };
    ExitCode::SUCCESS
}

pub async fn certificates(
    provider: &SdkProvider,
    aliases: &[String],
    output: Output,
    out: &mut impl Write,
) -> ExitCode {
    use cfclone::certificates::Verdict;
    let candidates = match reader(provider).certificate_candidates(aliases).await {
        Ok(candidates) => candidates,
        Err(e) => return fail(e.reason()),
    };
    let chosen = candidates.iter().any(|(_, v)| *v == Verdict::Chosen);
    let rows: Vec<(String, String, &str, String)> = candidates
        .iter()
        .map(|(c, verdict)| {
            let (word, why) = match verdict {
                Verdict::Chosen => ("chosen", "covers every alias".to_owned()),
                Verdict::Passed(why) => ("passed over", why.clone()),
                Verdict::Rejected(why) => ("rejected", why.clone()),
            };
            (c.arn.clone(), c.domain_name.clone(), word, why)
        })
        .collect();
    let _ = match output {
        Output::Json => writeln!(
            out,
            "{}",
            pretty(&json!({
                "aliases": aliases,
                "certificates": rows.iter().map(|(arn, domain, verdict, why)| json!({
                    "certificateArn": arn, "domainName": domain, "verdict": verdict, "reason": why,
                })).collect::<Vec<_>>(),
            }))
        ),
        Output::Table => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|(arn, domain, verdict, why)| {
                    vec![
                        arn.clone(),
                        domain.clone(),
                        (*verdict).to_owned(),
                        why.clone(),
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                table(&["CERTIFICATE", "DOMAIN", "VERDICT", "WHY"], &cells)
            )
        }
    };
    if chosen {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "cfclone: no certificate covers {}; request or import one in us-east-1 that covers every alias",
            aliases.join(", ")
        );
        ExitCode::FAILURE
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
        (false, None) => {
            let mut states = Vec::new();
            for id in clones {
                match lifecycle.diff(id).await {
                    Ok(state) => states.push(state),
                    Err(e) => return fail(format!("{id}: {}", e.reason())),
                }
            }
            Ok(states)
        }
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
            Synced::Updated(n) => format!("updated ({})", fields(*n)),
            Synced::WouldUpdate(n) => format!("would update ({})", fields(*n)),
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

fn fields(n: usize) -> String {
    if n == 1 {
        "1 field".into()
    } else {
        format!("{n} fields")
    }
}

fn sync_state(state: &CloneState) -> &'static str {
    if state.in_sync() {
        "in-sync"
    } else if state.drifted().is_empty() {
        "stale"
    } else {
        "drifted"
    }
}

fn cause_text(cause: Cause) -> &'static str {
    match cause {
        Cause::ReferenceMovedOn => "reference moved on",
        Cause::EditedByHand => "edited by hand",
    }
}

fn diff_text(state: &CloneState) -> String {
    let mut text = format!(
        "{} ({}/{}) of {}: revision {} recorded, {} now\n",
        state.id,
        state.owner.stack_name(),
        state.owner.logical_id,
        state.record.reference_distribution_id,
        state.record.reference_revision,
        state.reference_revision
    );
    if state.in_sync() {
        text.push_str("in sync: a sync would change nothing\n");
        return text;
    }
    for (cause, heading) in [
        (Cause::ReferenceMovedOn, "The reference moved on"),
        (
            Cause::EditedByHand,
            "Edited by hand (drift; sync overwrites it only with --force)",
        ),
    ] {
        let of_cause: Vec<_> = state
            .differences
            .iter()
            .filter(|d| d.cause == cause)
            .collect();
        if of_cause.is_empty() {
            continue;
        }
        text.push_str(&format!("\n{heading}:\n"));
        for difference in of_cause {
            text.push_str(&format!("  {}\n", difference.change.field));
            for line in difference.change.lines() {
                text.push_str(&format!("    {line}\n"));
            }
        }
    }
    text
}

fn state_json(state: &CloneState, with_changes: bool) -> Value {
    let mut value = json!({
        "distributionId": state.id,
        "domainName": state.domain_name,
        "status": state.status,
        "aliases": state.aliases,
        "referenceDistributionId": state.record.reference_distribution_id,
        "recordedRevision": state.record.reference_revision,
        "referenceRevision": state.reference_revision,
        "owner": {"stackId": state.owner.stack_id, "logicalResourceId": state.owner.logical_id},
        "sync": sync_state(state),
        "drifted": state.drifted(),
    });
    if with_changes {
        value["differences"] = state
            .differences
            .iter()
            .map(|d| {
                json!({
                    "field": d.change.field,
                    "cause": cause_text(d.cause),
                    "lines": d.change.lines(),
                })
            })
            .collect();
    }
    value
}

/// Columns padded to their widest cell.
fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let mut line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        text.push_str(padded.join("  ").trim_end());
        text.push('\n');
    };
    line(headers.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    text
}
