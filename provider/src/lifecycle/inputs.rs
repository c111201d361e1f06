//! What a plan is made of: the reference's configuration and the certificate, read at the
//! same time, and the pure plan over them. Reads only: nothing is written here.

use super::Lifecycle;
use crate::aws::{AwsError, Configured, ErrorKind};
use crate::certificates::{self, Choice};
use crate::error::Error;
use crate::plan;
use crate::properties::Properties;
use aws_sdk_cloudfront::types::DistributionConfig;
use std::future::Future;
use tracing::info;

/// What a plan is made from besides the properties: the reference's configuration and the
/// certificate.
pub struct PlanInputs {
    pub reference: DistributionConfig,
    pub certificate: Choice,
}

impl PlanInputs {
    pub fn plan(
        &self,
        properties: &Properties,
        caller_reference: &str,
    ) -> Result<DistributionConfig, Error> {
        Ok(plan::plan(
            &properties.reference_distribution_id,
            &self.reference,
            properties,
            self.certificate.in_plan(),
            caller_reference,
        )?)
    }
}

impl Lifecycle<'_> {
    /// Reads the reference and finds the certificate, at the same time: the two do not
    /// depend on each other, and each is a round trip to a different service.
    pub async fn inputs(&self, properties: &Properties) -> Result<PlanInputs, Error> {
        let reference = self
            .aws
            .distributions
            .get_config(&properties.reference_distribution_id);
        let certificate = self.certificate(properties, self.aws.certificates.list());
        self.inputs_from(properties, reference, certificate).await
    }

    /// [`Self::inputs`] from this read of the reference and this choice of the certificate,
    /// made at the same time (a fleet's clones share the reads; a dry run plans with a
    /// certificate to be requested). A reference that sets members this build does not
    /// know is refused: a clone made or updated from it would lack them.
    pub(super) async fn inputs_from(
        &self,
        properties: &Properties,
        reference: impl Future<Output = Result<Configured, AwsError>>,
        certificate: impl Future<Output = Result<Choice, Error>>,
    ) -> Result<PlanInputs, Error> {
        let reference_id = &properties.reference_distribution_id;
        let (reference, certificate) = tokio::join!(reference, certificate);
        let reference = reference.map_err(|e| {
            if e.is(ErrorKind::NotFound) {
                Error::property(
                    "ReferenceDistributionId",
                    format!(
                        "there is no distribution {reference_id} in this account ({}); check the id in the CloudFront console",
                        e.operation
                    ),
                )
            } else {
                Error::Aws(e)
            }
        })?;
        if !reference.unknown.is_empty() {
            return Err(Error::UnknownMembers {
                distribution_id: reference_id.clone(),
                reference: true,
                members: reference.unknown,
            });
        }
        let reference = reference.config;
        match certificate {
            Ok(certificate) => Ok(PlanInputs {
                reference,
                certificate,
            }),
            Err(e) => {
                // A reference that cannot be cloned is the first thing to say.
                plan::check_reference(reference_id, &reference)?;
                Err(e)
            }
        }
    }

    /// Every ACM certificate in us-east-1 with its verdict for `aliases` (the names of each
    /// described where the summary was cut short): what `cfclone certificates` shows.
    pub async fn certificate_candidates(
        &self,
        aliases: &[String],
    ) -> Result<Vec<(certificates::Certificate, certificates::Verdict)>, Error> {
        let now = (self.aws.clock.now_ms() / 1000) as i64;
        let mut found = self.aws.certificates.list_all().await?;
        for certificate in found.iter_mut().filter(|c| c.needs_description()) {
            *certificate = self.aws.certificates.describe(&certificate.arn).await?;
        }
        Ok(certificates::assess(&found, aliases, now))
    }

    /// The explicit `CertificateArn`, or the ACM certificate (us-east-1) that covers every
    /// alias (from `listed`, awaited only then); CloudFront's default when there are no
    /// aliases.
    pub(super) async fn certificate(
        &self,
        properties: &Properties,
        listed: impl Future<Output = Result<Vec<certificates::Certificate>, AwsError>>,
    ) -> Result<Choice, Error> {
        if properties.aliases.is_empty() {
            return Ok(Choice::Default);
        }
        if let Some(arn) = &properties.certificate_arn {
            return Ok(Choice::Given(arn.clone()));
        }
        let now = (self.aws.clock.now_ms() / 1000) as i64;
        let mut found = listed.await?;
        let incomplete: Vec<String> = certificates::to_describe(&found, &properties.aliases, now)
            .into_iter()
            .map(str::to_owned)
            .collect();
        for arn in incomplete {
            let described = self.aws.certificates.describe(&arn).await?;
            if let Some(slot) = found.iter_mut().find(|c| c.arn == arn) {
                *slot = described;
            }
        }
        let chosen = certificates::select(&found, &properties.aliases, now)?;
        info!(certificate_arn = %chosen.arn, "chose the certificate");
        Ok(Choice::Found(chosen.arn.clone()))
    }
}
