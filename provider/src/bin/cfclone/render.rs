//! How the fleet's results print as text: tables and diffs (JSON: `cfclone::report`).

use cfclone::lifecycle::CloneState;
use cfclone::record::Cause;
use std::process::ExitCode;

pub fn field_count(n: usize) -> String {
    if n == 1 {
        "1 field".into()
    } else {
        format!("{n} fields")
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
    if !state.unknown.is_empty() {
        text.push_str(&format!(
            "members this cfclone does not know (a sync that changes anything is refused, as it would wipe them; upgrade cfclone): {}\n",
            state.unknown.join(", ")
        ));
    }
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

/// Exit status of an error (bad input, a failed AWS call).
pub const ERROR: u8 = 2;

/// An error, on standard error, with the error exit status.
pub fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("cfclone: {message}");
    ExitCode::from(ERROR)
}

pub fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
