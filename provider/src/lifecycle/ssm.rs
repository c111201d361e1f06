//! Finishing a Create or Update: the SSM parameters in every region that needs them (and
//! the old ones an Update no longer covers removed), and the attributes of the answer.
//! A parameter is written only when its value changes: an in-place Update knows what the
//! old properties wrote (the clone's id and domain name stay, its reference and certificate
//! were read before the write), so a sync that changes no output writes none. A parameter
//! removed by hand is written again by the next Update that changes its value.

use super::{Answer, Lifecycle, NO_CERTIFICATE, Outcome, failed};
use crate::aws::{AwsError, Distribution};
use crate::error::{Error, SsmWrite};
use crate::event::Request;
use crate::plan;
use crate::properties::{Properties, SsmOutputs};
use std::collections::BTreeMap;
use tracing::{info, warn};

impl Lifecycle<'_> {
    /// The SSM outputs written, then [`Self::conclude`].
    pub(super) async fn finish(
        &self,
        request: &Request,
        properties: &Properties,
        clone: &Distribution,
        before: &Before,
    ) -> Outcome {
        if let Err(e) = self.outputs(request, properties, clone, before).await {
            return failed(clone.id.clone(), e);
        }
        self.conclude(request, properties, clone).await
    }

    /// The SSM outputs whose values change, in every region of the properties.
    pub(super) async fn outputs(
        &self,
        request: &Request,
        properties: &Properties,
        clone: &Distribution,
        before: &Before,
    ) -> Result<(), Error> {
        let Some(outputs) = &properties.ssm else {
            return Ok(());
        };
        let written = before.written(request, clone);
        self.write_parameters(outputs, properties, clone, &written)
            .await
            .map_err(Error::SsmWrites)
    }

    /// Once the outputs are written: the old ones the properties no longer cover removed,
    /// certificates no longer used tidied, and the answer.
    pub(super) async fn conclude(
        &self,
        request: &Request,
        properties: &Properties,
        clone: &Distribution,
    ) -> Outcome {
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

    /// Every parameter whose value changes, all at the same time (one round, however many
    /// regions: 4 a region is far below SSM's write rate).
    async fn write_parameters(
        &self,
        outputs: &SsmOutputs,
        properties: &Properties,
        clone: &Distribution,
        written: &Written,
    ) -> Result<(), Vec<SsmWrite>> {
        let values = output_values(
            clone,
            &properties.reference_distribution_id,
            clone.certificate_arn(),
        );
        let names = outputs.names();
        let puts: Vec<(&String, &String, &String)> = outputs
            .regions
            .iter()
            .flat_map(|region| names.iter().zip(&values).map(move |(n, v)| (region, n, v)))
            .filter(|(region, name, value)| !written.holds(region, name, value))
            .collect();
        let count = puts.len();
        let answers = futures_util::future::join_all(puts.into_iter().map(
            |(region, name, value)| async move {
                self.aws
                    .parameters
                    .put(region, name, value)
                    .await
                    .map_err(|error| SsmWrite {
                        name: name.clone(),
                        region: region.clone(),
                        error,
                    })
            },
        ))
        .await;
        let failures: Vec<SsmWrite> = answers.into_iter().filter_map(Result::err).collect();
        if !failures.is_empty() {
            return Err(failures);
        }
        info!(prefix = %outputs.prefix, regions = ?outputs.regions, written = count, "the SSM parameters hold the clone's values");
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

/// The values of the four outputs, in the order of [`SsmOutputs::names`], for `clone` of
/// reference `reference_id` serving `certificate` (`None`: CloudFront's).
fn output_values(
    clone: &Distribution,
    reference_id: &str,
    certificate: Option<&str>,
) -> [String; 4] {
    [
        clone.id.clone(),
        clone.domain_name.clone(),
        reference_id.to_owned(),
        certificate.unwrap_or(NO_CERTIFICATE).to_owned(),
    ]
}

/// What the clone served before this request wrote it, when that is known: its certificate
/// (an in-place Update read it), from which the outputs the old properties wrote follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Before {
    /// A new clone, or one whose earlier state is not at hand (a resumed wait): every
    /// output is written.
    Unknown,
    /// The clone, updated in place, served this certificate before (`None`: CloudFront's).
    Served { certificate: Option<String> },
}

/// The outputs the old properties wrote: (region, name) → value.
#[derive(Debug, Default)]
struct Written(BTreeMap<(String, String), String>);

impl Written {
    fn holds(&self, region: &str, name: &str, value: &str) -> bool {
        self.0
            .get(&(region.to_owned(), name.to_owned()))
            .is_some_and(|held| held == value)
    }
}

impl Before {
    /// What the old properties' outputs hold, for a clone updated in place.
    fn written(&self, request: &Request, clone: &Distribution) -> Written {
        let Self::Served { certificate } = self else {
            return Written::default();
        };
        let Some(old) = request.old_properties.as_ref() else {
            return Written::default();
        };
        let (Some(outputs), Some(reference)) = (&old.ssm, &old.reference_distribution_id) else {
            return Written::default();
        };
        // Updated in place: the id and the domain name are the ones the old outputs hold.
        let values = output_values(clone, reference, certificate.as_deref());
        let names = outputs.names();
        Written(
            outputs
                .regions
                .iter()
                .flat_map(|region| {
                    names
                        .iter()
                        .zip(&values)
                        .map(move |(name, value)| ((region.clone(), name.clone()), value.clone()))
                })
                .collect(),
        )
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
