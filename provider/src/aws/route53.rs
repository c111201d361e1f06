//! Route 53 on the SDK: the validation CNAMEs of the certificates the provider requests.
//! The records serve ACM's validation only, and are only ever upserted (a validation record
//! is the account's for the name, shared by every certificate that names it, so none is
//! deleted).

use super::client::{Connect, NamesTheEndpoint, UnreachableIsFinal, classify, missing};
use super::{AwsError, HostedZone, Zones};
use crate::certificate_request::Record;
use aws_config::SdkConfig;
use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
};

/// The validation records' TTL (ACM's console writes 300 too).
const TTL_SECONDS: i64 = 300;

/// Route 53 on the SDK.
#[derive(Debug, Clone)]
pub struct SdkZones {
    route53: aws_sdk_route53::Client,
}

impl SdkZones {
    pub fn new(sdk: &SdkConfig, connect: Connect) -> Self {
        let mut config = aws_sdk_route53::config::Builder::from(sdk).interceptor(NamesTheEndpoint);
        if connect == Connect::FailFast {
            config = config.retry_classifier(UnreachableIsFinal::default());
        }
        Self {
            route53: aws_sdk_route53::Client::from_conf(config.build()),
        }
    }
}

#[async_trait::async_trait]
impl Zones for SdkZones {
    async fn zone(&self, id: &str) -> Result<HostedZone, AwsError> {
        const OP: &str = "GetHostedZone";
        let out = self
            .route53
            .get_hosted_zone()
            .id(id)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        let zone = out.hosted_zone.ok_or_else(|| missing(OP, "hosted zone"))?;
        Ok(HostedZone {
            private: zone.config.is_some_and(|c| c.private_zone),
            name: zone.name,
        })
    }

    async fn upsert(&self, zone_id: &str, records: &[Record]) -> Result<(), AwsError> {
        // One batch: Route 53 applies it whole or not at all.
        self.send(zone_id, ChangeAction::Upsert, records).await
    }
}

impl SdkZones {
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
