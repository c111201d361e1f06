//! A clone's record: what it was built from, kept in SSM beside it so the operator's tools
//! can plan it again exactly as CloudFormation would (`cfclone diff`, `cfclone sync`), and
//! tell a reference that moved on from a clone edited by hand. Pure.
//!
//! One parameter per clone, `/cfclone/records/<distribution id>` in
//! us-east-1 (CloudFront's home region, whatever region the stack is in), written by every
//! Create and Update and removed by Delete. It holds the properties (`ServiceToken` left
//! out), the reference's id and [revision](crate::fields::revision), and a digest of each
//! field of the configuration the clone was given ([`crate::fields::digests`]): about 1 KB,
//! under SSM's 4 KB for a (free) standard parameter; a reference with CloudFront's maximum of
//! 75 cache behaviours needs more than 4 KB (a unit test checks it stays within 8), which the `Intelligent-Tiering` tier the provider
//! writes with stores as an advanced parameter (8 KB).

use crate::fields::{self, Change};
use aws_sdk_cloudfront::types::DistributionConfig;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The region of every record.
pub const RECORD_REGION: &str = "us-east-1";
/// The path every record lies under (the provider's role may write there).
pub const RECORD_PREFIX: &str = "/cfclone/records";
/// The record's format.
pub const RECORD_VERSION: u32 = 1;

/// The SSM parameter of a clone's record.
pub fn parameter_name(distribution_id: &str) -> String {
    format!("{RECORD_PREFIX}/{distribution_id}")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub version: u32,
    pub reference_distribution_id: String,
    pub reference_revision: String,
    /// The resource's properties as they were declared, `ServiceToken` left out.
    pub properties: Map<String, Value>,
    /// Field name → digest, of the configuration the clone was given.
    pub applied: BTreeMap<String, String>,
}

impl Record {
    /// The record of a clone given `applied`, planned from `reference` with `properties`
    /// (as declared).
    pub fn new(
        reference_id: &str,
        reference: &DistributionConfig,
        properties: &Value,
        applied: &DistributionConfig,
    ) -> Self {
        let mut properties = properties.as_object().cloned().unwrap_or_default();
        properties.remove("ServiceToken");
        Self {
            version: RECORD_VERSION,
            reference_distribution_id: reference_id.to_owned(),
            reference_revision: fields::revision(reference),
            properties,
            applied: fields::digests(applied),
        }
    }

    /// The recorded properties as a request declares them, with this `ServiceToken`.
    pub fn declared(&self, service_token: &str) -> Value {
        let mut properties = self.properties.clone();
        properties.insert("ServiceToken".into(), Value::from(service_token));
        Value::Object(properties)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a record always serializes")
    }

    /// Reads a record; a newer format than this code knows is refused.
    pub fn parse(text: &str) -> Result<Self, String> {
        let record: Self =
            serde_json::from_str(text).map_err(|e| format!("not a cfclone record: {e}"))?;
        if record.version > RECORD_VERSION {
            return Err(format!(
                "written by a newer cfclone (record version {}); upgrade the CLI",
                record.version
            ));
        }
        Ok(record)
    }

    /// Why each field of a clone differs from its plan: `changes` go from the clone's
    /// configuration to the plan ([`fields::changes`]`(current, planned)`).
    pub fn causes(&self, changes: Vec<Change>) -> Vec<Difference> {
        changes
            .into_iter()
            .map(|change| {
                let now = change.before.as_deref().map(fields::digest);
                let cause = if now.as_ref() == self.applied.get(&change.field) {
                    Cause::ReferenceMovedOn
                } else {
                    Cause::EditedByHand
                };
                Difference { change, cause }
            })
            .collect()
    }
}

/// Why a clone's field differs from what the plan would give it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// The clone still has what it was given; the plan changed (the reference was edited,
    /// or another certificate now fits).
    ReferenceMovedOn,
    /// The clone no longer has what it was given: someone changed it outside cfclone
    /// (drift). A sync overwrites it only when forced.
    EditedByHand,
}

/// One field a sync would change, and why it differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub change: Change,
    pub cause: Cause,
}

#[cfg(test)]
mod tests;
