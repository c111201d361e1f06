//! ACM in us-east-1 on the SDK.

use super::client::{classify, missing};
use super::{AwsError, Certificates};
use crate::certificates::{CLOUDFRONT_KEY_ALGORITHMS, Certificate};
use aws_config::{Region, SdkConfig};

/// The region CloudFront takes its ACM certificates from.
pub const CERTIFICATE_REGION: &str = "us-east-1";

/// ACM in us-east-1 on the SDK.
#[derive(Debug, Clone)]
pub struct SdkCertificates {
    client: aws_sdk_acm::Client,
}

impl SdkCertificates {
    pub fn new(config: &SdkConfig) -> Self {
        let config = aws_sdk_acm::config::Builder::from(config)
            .region(Region::new(CERTIFICATE_REGION))
            .build();
        Self {
            client: aws_sdk_acm::Client::from_conf(config),
        }
    }
}

fn epoch_seconds(t: Option<aws_sdk_acm::primitives::DateTime>) -> Option<i64> {
    t.map(|t| t.secs())
}

impl Certificates for SdkCertificates {
    async fn list(&self) -> Result<Vec<Certificate>, AwsError> {
        use aws_sdk_acm::types::CertificateStatus;
        self.list_where(Some(CertificateStatus::Issued), CLOUDFRONT_KEY_ALGORITHMS)
            .await
    }

    async fn list_all(&self) -> Result<Vec<Certificate>, AwsError> {
        // Without `Includes.keyTypes`, ACM lists RSA 1024 and 2048 keys only.
        self.list_where(None, aws_sdk_acm::types::KeyAlgorithm::values())
            .await
    }

    async fn describe(&self, arn: &str) -> Result<Certificate, AwsError> {
        const OP: &str = "DescribeCertificate";
        let out = self
            .client
            .describe_certificate()
            .certificate_arn(arn)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        let c = out.certificate.ok_or_else(|| missing(OP, "certificate"))?;
        Ok(Certificate {
            arn: c.certificate_arn.unwrap_or_else(|| arn.to_owned()),
            domain_name: c.domain_name.unwrap_or_default(),
            subject_alternative_names: Some(c.subject_alternative_names.unwrap_or_default()),
            sans_complete: true,
            status: c.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            key_algorithm: c
                .key_algorithm
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
            not_after: epoch_seconds(c.not_after),
            kind: c.r#type.map(|t| t.as_str().to_owned()).unwrap_or_default(),
            managed_by: c
                .managed_by
                .map(|m| m.as_str().to_owned())
                .unwrap_or_default(),
        })
    }
}

impl SdkCertificates {
    /// `ListCertificates`, every page, of this status (any, when `None`) and these key types.
    async fn list_where(
        &self,
        status: Option<aws_sdk_acm::types::CertificateStatus>,
        key_types: &[&str],
    ) -> Result<Vec<Certificate>, AwsError> {
        use aws_sdk_acm::types::{Filters, KeyAlgorithm};
        const OP: &str = "ListCertificates";
        let key_types: Vec<KeyAlgorithm> =
            key_types.iter().map(|k| KeyAlgorithm::from(*k)).collect();
        let mut certificates = Vec::new();
        let mut next_token: Option<String> = None;
        loop {
            let out = self
                .client
                .list_certificates()
                .set_certificate_statuses(status.clone().map(|s| vec![s]))
                .includes(
                    Filters::builder()
                        .set_key_types(Some(key_types.clone()))
                        .build(),
                )
                .max_items(1000)
                .set_next_token(next_token.take())
                .send()
                .await
                .map_err(|e| classify(OP, e))?;
            for s in out.certificate_summary_list.unwrap_or_default() {
                let (Some(arn), Some(domain_name)) = (s.certificate_arn, s.domain_name) else {
                    continue;
                };
                certificates.push(Certificate {
                    arn,
                    domain_name,
                    sans_complete: s.has_additional_subject_alternative_names != Some(true),
                    subject_alternative_names: s.subject_alternative_name_summaries,
                    status: s.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
                    key_algorithm: s
                        .key_algorithm
                        .map(|k| k.as_str().to_owned())
                        .unwrap_or_default(),
                    not_after: epoch_seconds(s.not_after),
                    kind: s.r#type.map(|t| t.as_str().to_owned()).unwrap_or_default(),
                    managed_by: s
                        .managed_by
                        .map(|m| m.as_str().to_owned())
                        .unwrap_or_default(),
                });
            }
            match out.next_token {
                Some(token) if !token.is_empty() => next_token = Some(token),
                _ => break,
            }
        }
        Ok(certificates)
    }
}
