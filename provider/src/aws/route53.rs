//! Route 53 on the SDK: the validation CNAMEs of the certificates the provider requests.
//! The client lives in [`SdkCertificates`]: the records serve ACM's validation only.

use super::client::{classify, missing};
use super::{AwsError, RecordAction, SdkCertificates, Zones};
use crate::certificate_request::Record;
use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
};

/// The validation records' TTL (ACM's console writes 300 too).
const TTL_SECONDS: i64 = 300;

impl Zones for SdkCertificates {
    async fn zone_name(&self, id: &str) -> Result<String, AwsError> {
        const OP: &str = "GetHostedZone";
        let out = self
            .route53
            .get_hosted_zone()
            .id(id)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        out.hosted_zone
            .map(|zone| zone.name)
            .ok_or_else(|| missing(OP, "hosted zone"))
    }

    async fn change(
        &self,
        zone_id: &str,
        action: RecordAction,
        records: &[Record],
    ) -> Result<(), AwsError> {
        match action {
            // One batch: Route 53 applies it whole or not at all.
            RecordAction::Upsert => self.send(zone_id, ChangeAction::Upsert, records).await,
            // One record a batch: a record already gone fails its whole batch.
            RecordAction::Delete => {
                for record in records {
                    match self
                        .send(zone_id, ChangeAction::Delete, std::slice::from_ref(record))
                        .await
                    {
                        Err(e) if is_already_gone(&e) => {}
                        other => other?,
                    }
                }
                Ok(())
            }
        }
    }
}

impl SdkCertificates {
    async fn send(
        &self,
        zone_id: &str,
        action: ChangeAction,
        records: &[Record],
    ) -> Result<(), AwsError> {
        const OP: &str = "ChangeResourceRecordSets";
        let built = |e: aws_sdk_route53::error::BuildError| missing(OP, &e.to_string());
        let mut changes = Vec::new();
        for record in records {
            let set = ResourceRecordSet::builder()
                .name(&record.name)
                .r#type(RrType::Cname)
                .ttl(TTL_SECONDS)
                .resource_records(
                    ResourceRecord::builder()
                        .value(&record.value)
                        .build()
                        .map_err(built)?,
                )
                .build()
                .map_err(built)?;
            changes.push(
                Change::builder()
                    .action(action.clone())
                    .resource_record_set(set)
                    .build()
                    .map_err(built)?,
            );
        }
        let batch = ChangeBatch::builder()
            .comment("cfclone: ACM DNS validation")
            .set_changes(Some(changes))
            .build()
            .map_err(built)?;
        self.route53
            .change_resource_record_sets()
            .hosted_zone_id(zone_id)
            .change_batch(batch)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        Ok(())
    }
}

/// Route 53's answer to deleting a record that is not there: `InvalidChangeBatch`, "Tried
/// to delete resource record set [...] but it was not found".
fn is_already_gone(e: &AwsError) -> bool {
    e.code.as_deref() == Some("InvalidChangeBatch") && e.message.contains("not found")
}
