//! ACM in us-east-1 on the SDK.

use super::client::{Connect, NamesTheEndpoint, UnreachableIsFinal};
use super::client::{classify, missing};
use super::{AwsError, Certificates, Requested};
use crate::certificate_request::{Request, Validation};
use crate::certificates::{CLOUDFRONT_KEY_ALGORITHMS, Certificate};
use aws_config::{Region, SdkConfig};
use aws_sdk_acm::error::ProvideErrorMetadata;
use aws_sdk_acm::operation::request_certificate::RequestCertificateError;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};

/// The region CloudFront takes its ACM certificates from.
pub const CERTIFICATE_REGION: &str = "us-east-1";

/// ACM in us-east-1 on the SDK.
#[derive(Debug, Clone)]
pub struct SdkCertificates {
    client: aws_sdk_acm::Client,
}

impl SdkCertificates {
    pub fn new(sdk: &SdkConfig, connect: Connect) -> Self {
        let mut config = aws_sdk_acm::config::Builder::from(sdk)
            .region(Region::new(CERTIFICATE_REGION))
            .retry_classifier(QuotaIsFinal)
            .interceptor(NamesTheEndpoint);
        if connect == Connect::FailFast {
            config = config.retry_classifier(UnreachableIsFinal::default());
        }
        let config = config.build();
        Self {
            client: aws_sdk_acm::Client::from_conf(config),
        }
    }
}

/// ACM answers a reached certificate quota with `LimitExceededException`, a code the SDK
/// retries as throttling (other services throttle with it); ACM throttles with
/// `ThrottlingException`, so here it is final — eight attempts would only delay the answer
/// that names the quota, past the invocation's deadline.
#[derive(Debug)]
struct QuotaIsFinal;

impl ClassifyRetry for QuotaIsFinal {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let quota = ctx
            .output_or_error()
            .and_then(Result::err)
            .and_then(OrchestratorError::as_operation_error)
            .and_then(|e| e.downcast_ref::<RequestCertificateError>())
            .is_some_and(|e| e.code() == Some("LimitExceededException"));
        if quota {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "ACM's LimitExceededException is a quota, not throttling"
    }
}

fn epoch_seconds(t: Option<aws_sdk_acm::primitives::DateTime>) -> Option<i64> {
    t.map(|t| t.secs())
}

#[async_trait::async_trait]
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
        let c = self.described(arn).await?;
        Ok(Certificate {
            arn: c.certificate_arn.unwrap_or_else(|| arn.to_owned()),
            domain_name: c.domain_name.unwrap_or_default(),
            subject_alternative_names: Some(c.subject_alternative_names.unwrap_or_default()),
            sans_complete: true,
            status: c.status.unwrap_or_else(|| "".into()),
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

    async fn request(
        &self,
        request: &Request,
        tags: Vec<(String, String)>,
    ) -> Result<String, AwsError> {
        use aws_sdk_acm::types::{Tag, ValidationMethod};
        const OP: &str = "RequestCertificate";
        let tags = tags
            .into_iter()
            .map(|(key, value)| Tag::builder().key(key).value(value).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| missing(OP, &e.to_string()))?;
        let out = self
            .client
            .request_certificate()
            .domain_name(&request.domain_name)
            .set_subject_alternative_names(
                (!request.subject_alternative_names.is_empty())
                    .then(|| request.subject_alternative_names.clone()),
            )
            .validation_method(ValidationMethod::Dns)
            .idempotency_token(&request.idempotency_token)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        out.certificate_arn
            .ok_or_else(|| missing(OP, "certificate ARN"))
    }

    async fn requested(&self, arn: &str) -> Result<Requested, AwsError> {
        let c = self.described(arn).await?;
        let validations = c
            .domain_validation_options
            .unwrap_or_default()
            .into_iter()
            .map(|v| Validation {
                domain_name: v.domain_name,
                status: v.validation_status.unwrap_or_else(|| "".into()),
                record: v.resource_record.map(|r| (r.name, r.value)),
            })
            .collect();
        Ok(Requested {
            arn: c.certificate_arn.unwrap_or_else(|| arn.to_owned()),
            status: c.status.unwrap_or_else(|| "".into()),
            failure_reason: c.failure_reason.map(|r| r.as_str().to_owned()),
            validations,
            in_use_by: c.in_use_by.unwrap_or_default(),
        })
    }

    async fn certificate_tags(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
        const OP: &str = "ListTagsForCertificate";
        let out = self
            .client
            .list_tags_for_certificate()
            .certificate_arn(arn)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        Ok(out
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.key, t.value.unwrap_or_default()))
            .collect())
    }

    async fn delete_certificate(&self, arn: &str) -> Result<(), AwsError> {
        const OP: &str = "DeleteCertificate";
        self.client
            .delete_certificate()
            .certificate_arn(arn)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        Ok(())
    }
}

impl SdkCertificates {
    /// `DescribeCertificate`.
    async fn described(
        &self,
        arn: &str,
    ) -> Result<aws_sdk_acm::types::CertificateDetail, AwsError> {
        const OP: &str = "DescribeCertificate";
        let out = self
            .client
            .describe_certificate()
            .certificate_arn(arn)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        out.certificate.ok_or_else(|| missing(OP, "certificate"))
    }

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
                    status: s.status.unwrap_or_else(|| "".into()),
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
