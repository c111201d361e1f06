//! Finishing a Create or Update: the SSM parameters in every region that needs them (and
//! the old ones an Update no longer covers removed), and the attributes of the answer.

use super::{Answer, Lifecycle, NO_CERTIFICATE, Outcome, failed};
use crate::aws::{AwsError, Distribution};
use crate::error::{Error, SsmWrite};
use crate::event::Request;
use crate::plan;
use crate::properties::{Properties, SsmOutputs};
use std::collections::BTreeMap;
use tracing::{info, warn};

impl Lifecycle<'_> {
    pub(super) async fn finish(
        &self,
        request: &Request,
        properties: &Properties,
        clone: &Distribution,
    ) -> Outcome {
        if let Some(outputs) = &properties.ssm
            && let Err(writes) = self.write_parameters(outputs, properties, clone).await
        {
            return failed(clone.id.clone(), Error::SsmWrites(writes));
        }
        // Parameters of the previous properties that the new ones no longer cover.
        if let Some(old) = request
            .old_properties
            .as_ref()
            .and_then(|old| old.ssm.as_ref())
        {
            let owner = request.physical_resource_id.as_deref().unwrap_or(&clone.id);
            for region in &old.regions {
                let still_used = properties
                    .ssm
                    .as_ref()
                    .is_some_and(|new| new.prefix == old.prefix && new.regions.contains(region));
                if !still_used
                    && let Err(error) = self
                        .remove_parameters(old, region, &[owner, &clone.id])
                        .await
                {
                    return failed(
                        clone.id.clone(),
                        Error::Cleanup {
                            what: "removing the old SSM parameters",
                            error,
                        },
                    );
                }
            }
        }
        let records = self
            .tidy_certificates(request, properties, &clone.id, clone.certificate_arn())
            .await;
        let mut data = attributes(properties, clone);
        data.insert("CertificateValidationRecords".to_owned(), records);
        Outcome::Done(Answer::Success {
            physical_id: clone.id.clone(),
            data,
        })
    }

    /// One region's parameters one after another (SSM's write quota is per region), the
    /// regions at the same time.
    async fn write_parameters(
        &self,
        outputs: &SsmOutputs,
        properties: &Properties,
        clone: &Distribution,
    ) -> Result<(), Vec<SsmWrite>> {
        let certificate = clone.certificate_arn().unwrap_or(NO_CERTIFICATE);
        let values = [
            clone.id.as_str(),
            clone.domain_name.as_str(),
            properties.reference_distribution_id.as_str(),
            certificate,
        ];
        let names = outputs.names();
        let written = futures_util::future::join_all(outputs.regions.iter().map(|region| {
            let (names, values) = (&names, &values);
            async move {
                for (name, value) in names.iter().zip(values) {
                    if let Err(error) = self.aws.parameters.put(region, name, value).await {
                        return Err(SsmWrite {
                            name: name.clone(),
                            region: region.clone(),
                            error,
                        });
                    }
                }
                Ok(())
            }
        }))
        .await;
        let failures: Vec<SsmWrite> = written.into_iter().filter_map(Result::err).collect();
        if !failures.is_empty() {
            return Err(failures);
        }
        info!(prefix = %outputs.prefix, regions = ?outputs.regions, "wrote the SSM parameters");
        Ok(())
    }

    /// Removes the parameters under `outputs.prefix` in `region`, but only when they
    /// describe one of `owners`: parameters another resource wrote are left alone.
    pub(super) async fn remove_parameters(
        &self,
        outputs: &SsmOutputs,
        region: &str,
        owners: &[&str],
    ) -> Result<(), AwsError> {
        let names = outputs.names();
        match self.aws.parameters.get(region, &names[0]).await? {
            Some(id) if owners.contains(&id.as_str()) => {
                self.aws.parameters.delete(region, &names).await?;
                info!(prefix = %outputs.prefix, region, "removed the SSM parameters");
            }
            Some(other) => {
                warn!(prefix = %outputs.prefix, region, other, "the SSM parameters describe another distribution; left alone");
            }
            None => {}
        }
        Ok(())
    }
}

/// The attributes `Fn::GetAtt` reads (`properties::ATTRIBUTE_NAMES`).
fn attributes(properties: &Properties, clone: &Distribution) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("DistributionId".to_owned(), clone.id.clone()),
        ("DomainName".to_owned(), clone.domain_name.clone()),
        ("Arn".to_owned(), clone.arn.clone()),
        (
            "CertificateArn".to_owned(),
            clone.certificate_arn().unwrap_or_default().to_owned(),
        ),
        (
            "ReferenceDistributionId".to_owned(),
            properties.reference_distribution_id.clone(),
        ),
        (
            "OriginAccessControlBuckets".to_owned(),
            plan::origin_access_control_buckets(&clone.config).join(","),
        ),
    ])
}
