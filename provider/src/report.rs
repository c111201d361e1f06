//! The JSON views of what the operations found, shared by every front that answers in JSON
//! (`cfclone … --output json`, the REST API): a clone's state and differences, a plan. Pure:
//! values in, JSON out.

use crate::lifecycle::{CloneState, Preflight};
use crate::properties::Properties;
use crate::record::Cause;
use serde_json::{Value, json};

/// `in-sync`, `stale` (the reference moved on) or `drifted` (edited by hand).
pub fn sync_state(state: &CloneState) -> &'static str {
    if state.in_sync() {
        "in-sync"
    } else if state.drifted().is_empty() {
        "stale"
    } else {
        "drifted"
    }
}

/// Why a field differs, in words.
pub fn cause_text(cause: Cause) -> &'static str {
    match cause {
        Cause::ReferenceMovedOn => "reference moved on",
        Cause::EditedByHand => "edited by hand",
    }
}

/// A clone's summary; `with_changes` adds each difference a sync would undo.
pub fn clone_state(state: &CloneState, with_changes: bool) -> Value {
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
        "unknownMembers": state.unknown,
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

/// The dry run: what the clone would differ in from the reference, what the provider's
/// role would need, and what blocks it (`blocked`).
pub fn plan(properties: &Properties, preflight: &Preflight) -> Value {
    let Preflight {
        inputs,
        planned,
        findings,
        distributions,
    } = preflight;
    let changes = crate::fields::changes(&inputs.reference, planned);
    json!({
        "referenceDistributionId": properties.reference_distribution_id,
        "referenceRevision": crate::fields::revision(&inputs.reference),
        "certificateArn": inputs.certificate.in_plan(),
        "changes": changes.iter().map(|c| json!({"field": c.field, "lines": c.lines()})).collect::<Vec<_>>(),
        "permissionsNeeded": crate::permissions::needed(planned),
        "originAccessControlBuckets": crate::plan::origin_access_control_buckets(planned),
        "findings": findings.iter().map(|f| json!({"kind": f.kind(), "blocks": f.blocks(), "text": f.text()})).collect::<Vec<_>>(),
        "blocked": findings.iter().any(|f| f.blocks()),
        "accountDistributions": distributions,
    })
}
