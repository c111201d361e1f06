//! How the fleet's results print: tables, diffs and JSON.

use cfclone::lifecycle::CloneState;
use cfclone::record::Cause;
use serde_json::{Value, json};

pub fn field_count(n: usize) -> String {
    if n == 1 {
        "1 field".into()
    } else {
        format!("{n} fields")
    }
}

pub fn sync_state(state: &CloneState) -> &'static str {
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

pub fn diff_text(state: &CloneState) -> String {
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

pub fn state_json(state: &CloneState, with_changes: bool) -> Value {
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
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
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
