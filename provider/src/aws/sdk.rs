//! The adapters on the AWS SDK for Rust. Each call maps its error to [`AwsError`] by the
//! service's error code, so the lifecycle never sees SDK types other than the
//! distribution configuration.

use super::{
    AwsError, Certificates, Distribution, Distributions, ErrorKind, Parameters, SelfInvoke,
};
use crate::certificates::{CLOUDFRONT_KEY_ALGORITHMS, Certificate};
use crate::error_chain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudfront::config::{ConfigBag, HttpClient, RuntimeComponents, SharedHttpClient};
use aws_sdk_cloudfront::error::{BoxError, ProvideErrorMetadata, SdkError};
use aws_sdk_cloudfront::types::{DistributionConfig, DistributionConfigWithTags, Tag, Tags};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{HttpConnectorSettings, SharedHttpConnector};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// The region CloudFront takes its ACM certificates from.
pub const CERTIFICATE_REGION: &str = "us-east-1";

/// The retry policy for every AWS call: the SDK's *standard* mode (exponential backoff
/// with full jitter from 1 s, at most [`MAX_BACKOFF`] apart, [`MAX_ATTEMPTS`] attempts),
/// which retries throttling and 5xx answers.
///
/// Not *adaptive* mode: its client-side rate limiter, after a throttle, slows a client that
/// sends a few calls a second to a crawl (measured on the strict emulator: a Create that
/// met three CloudFront and two ACM throttles took about 50 s, and failed under a
/// 60-second function timeout). CloudFront's control plane throttles a stack of many
/// clones as a matter of course; with this policy those throttles cost seconds (see
/// BENCHMARKS.md, "throttled Create").
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(Duration::from_secs(1))
        .with_max_backoff(MAX_BACKOFF)
}

/// Attempts per call, the first included.
pub const MAX_ATTEMPTS: u32 = 8;
/// The longest pause between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Loads the shared SDK configuration once: credentials and endpoints from the standard
/// environment (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_REGION`), the
/// [`retry_config`] for throttling, and per-attempt timeouts so that no call can eat the
/// invocation's deadline.
///
/// `trust_roots` is a PEM bundle every certificate of which is a usable trust anchor (see
/// `setup::TrustRoots`): the SDK's HTTPS client then trusts exactly those, instead
/// of loading the system's bundle *and* every file of its certificate directory again.
/// `None` keeps the SDK's default client.
pub async fn load_config(trust_roots: Option<&[u8]>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry_config())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(30))
                .operation_timeout(Duration::from_secs(120))
                .build(),
        );
    if let Some(pem) = trust_roots {
        loader = loader.http_client(https_client(pem));
    }
    loader.load().await
}

/// How many HTTPS connectors [`https_client`] has built: each one parses the trust roots.
static CONNECTORS_BUILT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The client `default-https-client` builds (rustls on aws-lc, proxy settings from the
/// environment, the SDK's timeouts and sleep), trusting only the given roots, and built
/// when the first request needs it (see [`LazyConnector`]).
fn https_client(pem: &[u8]) -> SharedHttpClient {
    use aws_smithy_http_client::tls::{
        Provider, TlsContext, TrustStore, rustls_provider::CryptoMode,
    };
    use aws_smithy_http_client::{Builder, ConnectorBuilder, proxy::ProxyConfig};
    let context = TlsContext::builder()
        .with_trust_store(TrustStore::empty().with_pem_certificate(pem.to_vec()))
        .build()
        .expect("a TLS context with a trust store and no extra names builds");
    let client = Builder::new().build_with_connector_fn(move |settings, components| {
        CONNECTORS_BUILT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut connector = ConnectorBuilder::default()
            .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
            .tls_context(context.clone());
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.proxy_config(ProxyConfig::from_env()).build()
    });
    SharedHttpClient::new(LazyConnector(client))
}

/// An HTTP client that builds its connector on the first request only. The SDK's own
/// client also builds one, and drops it, whenever a service client is made ("so that
/// certificates load at construction"), which parses the whole CA bundle again for
/// each of the provider's service clients: about 1 ms of CPU apiece, measured. The
/// connector the first request builds is cached and shared by every service client.
#[derive(Debug)]
struct LazyConnector(SharedHttpClient);

impl HttpClient for LazyConnector {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn validate_final_config(
        &self,
        components: &RuntimeComponents,
        config: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.validate_final_config(components, config)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// The region of the configuration, or us-east-1 when none is configured.
pub fn region_of(config: &SdkConfig) -> String {
    config
        .region()
        .map_or_else(|| CERTIFICATE_REGION.to_owned(), |r| r.to_string())
}

fn classify<E, R>(operation: &'static str, err: SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(_) => {
            let code = err.code().map(str::to_owned);
            let kind = code
                .as_deref()
                .map_or(ErrorKind::Other, AwsError::kind_of_code);
            let message = err
                .message()
                .map(str::to_owned)
                .unwrap_or_else(|| error_chain(&err));
            AwsError {
                operation,
                kind,
                code,
                message,
            }
        }
        _ => AwsError::new(operation, ErrorKind::Transport, error_chain(&err)),
    }
}

fn missing(operation: &'static str, what: &str) -> AwsError {
    AwsError::new(
        operation,
        ErrorKind::Other,
        format!("the response had no {what}"),
    )
}

/// CloudFront on the SDK.
#[derive(Debug, Clone)]
pub struct SdkDistributions {
    client: aws_sdk_cloudfront::Client,
}

impl SdkDistributions {
    /// CloudFront's client, with a retry quota of its own that never runs dry: the SDK's
    /// default quota (500 tokens per process and region, 5 per throttled retry, not
    /// refilled over time) would stop retrying throttles after a burst, and CloudFront's
    /// control plane throttles bursts as a matter of course. [`MAX_ATTEMPTS`] still bounds
    /// every call.
    pub fn new(config: &SdkConfig) -> Self {
        use aws_sdk_cloudfront::config::retry::{RetryPartition, TokenBucket};
        let config = aws_sdk_cloudfront::config::Builder::from(config)
            .retry_partition(
                RetryPartition::custom("cfclone-cloudfront")
                    .token_bucket(TokenBucket::unlimited())
                    .build(),
            )
            .build();
        Self {
            client: aws_sdk_cloudfront::Client::from_conf(config),
        }
    }
}

fn distribution(
    operation: &'static str,
    distribution: Option<aws_sdk_cloudfront::types::Distribution>,
    etag: Option<String>,
) -> Result<Distribution, AwsError> {
    let d = distribution.ok_or_else(|| missing(operation, "distribution"))?;
    Ok(Distribution {
        config: d
            .distribution_config
            .ok_or_else(|| missing(operation, "distribution configuration"))?,
        id: d.id,
        arn: d.arn,
        domain_name: d.domain_name,
        status: d.status,
        etag: etag.ok_or_else(|| missing(operation, "ETag"))?,
    })
}

impl Distributions for SdkDistributions {
    async fn get_config(&self, id: &str) -> Result<(DistributionConfig, String), AwsError> {
        const OP: &str = "GetDistributionConfig";
        let out = self
            .client
            .get_distribution_config()
            .id(id)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        Ok((
            out.distribution_config
                .ok_or_else(|| missing(OP, "distribution configuration"))?,
            out.e_tag.ok_or_else(|| missing(OP, "ETag"))?,
        ))
    }

    async fn get(&self, id: &str) -> Result<Distribution, AwsError> {
        const OP: &str = "GetDistribution";
        let out = self
            .client
            .get_distribution()
            .id(id)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        distribution(OP, out.distribution, out.e_tag)
    }

    async fn create(
        &self,
        config: DistributionConfig,
        tags: Vec<(String, String)>,
    ) -> Result<Distribution, AwsError> {
        const OP: &str = "CreateDistributionWithTags";
        let tags = to_tags(tags);
        let out = self
            .client
            .create_distribution_with_tags()
            .distribution_config_with_tags(
                DistributionConfigWithTags::builder()
                    .distribution_config(config)
                    .tags(tags)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        distribution(OP, out.distribution, out.e_tag)
    }

    async fn update(
        &self,
        id: &str,
        config: DistributionConfig,
        if_match: &str,
    ) -> Result<Distribution, AwsError> {
        const OP: &str = "UpdateDistribution";
        let out = self
            .client
            .update_distribution()
            .id(id)
            .if_match(if_match)
            .distribution_config(config)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        distribution(OP, out.distribution, out.e_tag)
    }

    async fn delete(&self, id: &str, if_match: &str) -> Result<(), AwsError> {
        self.client
            .delete_distribution()
            .id(id)
            .if_match(if_match)
            .send()
            .await
            .map_err(|e| classify("DeleteDistribution", e))?;
        Ok(())
    }

    async fn tags(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
        let out = self
            .client
            .list_tags_for_resource()
            .resource(arn)
            .send()
            .await
            .map_err(|e| classify("ListTagsForResource", e))?;
        Ok(out
            .tags
            .and_then(|t| t.items)
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.key, t.value.unwrap_or_default()))
            .collect())
    }

    async fn tag(&self, arn: &str, tags: Vec<(String, String)>) -> Result<(), AwsError> {
        self.client
            .tag_resource()
            .resource(arn)
            .tags(to_tags(tags))
            .send()
            .await
            .map_err(|e| classify("TagResource", e))?;
        Ok(())
    }

    async fn untag(&self, arn: &str, keys: Vec<String>) -> Result<(), AwsError> {
        use aws_sdk_cloudfront::types::TagKeys;
        self.client
            .untag_resource()
            .resource(arn)
            .tag_keys(TagKeys::builder().set_items(Some(keys)).build())
            .send()
            .await
            .map_err(|e| classify("UntagResource", e))?;
        Ok(())
    }
}

fn to_tags(tags: Vec<(String, String)>) -> Tags {
    Tags::builder()
        .set_items(Some(
            tags.into_iter()
                .map(|(key, value)| {
                    Tag::builder()
                        .key(key)
                        .value(value)
                        .build()
                        .expect("key is set")
                })
                .collect(),
        ))
        .build()
}

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
        use aws_sdk_acm::types::{CertificateStatus, Filters, KeyAlgorithm};
        const OP: &str = "ListCertificates";
        let key_types: Vec<KeyAlgorithm> = CLOUDFRONT_KEY_ALGORITHMS
            .iter()
            .map(|k| KeyAlgorithm::from(*k))
            .collect();
        let mut certificates = Vec::new();
        let mut next_token: Option<String> = None;
        loop {
            let out = self
                .client
                .list_certificates()
                .certificate_statuses(CertificateStatus::Issued)
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

/// SSM Parameter Store on the SDK, one client per region, made on first use.
#[derive(Debug)]
pub struct SdkParameters {
    config: SdkConfig,
    clients: Mutex<HashMap<String, aws_sdk_ssm::Client>>,
}

impl SdkParameters {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            config: config.clone(),
            clients: Mutex::new(HashMap::new()),
        }
    }

    fn client(&self, region: &str) -> aws_sdk_ssm::Client {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients
            .entry(region.to_owned())
            .or_insert_with(|| {
                let config = aws_sdk_ssm::config::Builder::from(&self.config)
                    .region(Region::new(region.to_owned()))
                    .build();
                aws_sdk_ssm::Client::from_conf(config)
            })
            .clone()
    }
}

impl Parameters for SdkParameters {
    async fn put(&self, region: &str, name: &str, value: &str) -> Result<(), AwsError> {
        use aws_sdk_ssm::types::{ParameterTier, ParameterType};
        self.client(region)
            .put_parameter()
            .name(name)
            .value(value)
            .r#type(ParameterType::String)
            .tier(ParameterTier::Standard)
            .overwrite(true)
            .description("written by cfclone (Custom::ClonedDistribution)")
            .send()
            .await
            .map_err(|e| classify("PutParameter", e))?;
        Ok(())
    }

    async fn get(&self, region: &str, name: &str) -> Result<Option<String>, AwsError> {
        match self.client(region).get_parameter().name(name).send().await {
            Ok(out) => Ok(out.parameter.and_then(|p| p.value)),
            Err(e) => {
                let err = classify("GetParameter", e);
                if err.is(ErrorKind::NotFound) {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    async fn delete(&self, region: &str, names: &[String]) -> Result<(), AwsError> {
        self.client(region)
            .delete_parameters()
            .set_names(Some(names.to_vec()))
            .send()
            .await
            .map_err(|e| classify("DeleteParameters", e))?;
        Ok(())
    }
}

/// Asynchronous invocations of the provider's own function.
#[derive(Debug, Clone)]
pub struct SdkSelfInvoke {
    client: aws_sdk_lambda::Client,
}

impl SdkSelfInvoke {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            client: aws_sdk_lambda::Client::new(config),
        }
    }
}

impl SelfInvoke for SdkSelfInvoke {
    async fn invoke_async(&self, function: &str, payload: Vec<u8>) -> Result<(), AwsError> {
        use aws_sdk_lambda::primitives::Blob;
        use aws_sdk_lambda::types::InvocationType;
        self.client
            .invoke()
            .function_name(function)
            .invocation_type(InvocationType::Event)
            .payload(Blob::new(payload))
            .send()
            .await
            .map_err(|e| classify("Invoke", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudfront::error::{ConnectorError, ErrorMetadata};
    use aws_sdk_cloudfront::operation::get_distribution_config::GetDistributionConfigError;

    fn service_error(code: &str, message: Option<&str>) -> AwsError {
        let mut metadata = ErrorMetadata::builder().code(code);
        if let Some(message) = message {
            metadata = metadata.message(message);
        }
        let error = GetDistributionConfigError::generic(metadata.build());
        classify("GetDistributionConfig", SdkError::service_error(error, ()))
    }

    #[test]
    fn service_errors_are_classified_by_their_code() {
        let error = service_error(
            "NoSuchDistribution",
            Some("The specified distribution does not exist."),
        );
        assert!(error.is(ErrorKind::NotFound));
        assert_eq!(error.code.as_deref(), Some("NoSuchDistribution"));
        assert_eq!(error.message, "The specified distribution does not exist.");
        assert!(service_error("PreconditionFailed", None).is(ErrorKind::PreconditionFailed));
        assert!(service_error("CNAMEAlreadyExists", None).is(ErrorKind::CnameAlreadyExists));
        assert!(service_error("SomethingNew", None).is(ErrorKind::Other));
    }

    #[test]
    fn service_clients_do_not_parse_the_trust_roots_until_a_request_needs_them() {
        let before = CONNECTORS_BUILT.load(std::sync::atomic::Ordering::Relaxed);
        use aws_sdk_cloudfront::config::{Credentials, SharedCredentialsProvider};
        // Region and credentials given here: from the environment, a missing region
        // would be looked up over HTTP (IMDS) through this very client.
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDTEST", "secret", None, None, "test",
            )))
            .http_client(https_client(include_bytes!("../setup/test-root.pem")))
            .build();
        let _clients = (
            aws_sdk_cloudfront::Client::new(&config),
            aws_sdk_acm::Client::new(&config),
            aws_sdk_ssm::Client::new(&config),
            aws_sdk_lambda::Client::new(&config),
        );
        assert_eq!(
            CONNECTORS_BUILT.load(std::sync::atomic::Ordering::Relaxed),
            before
        );
    }

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn transport_errors_read_as_their_causes_without_a_debug_dump() {
        let cause = Layer(
            "client error (Connect)",
            Some(Box::new(Layer("dns error: failed to lookup address", None))),
        );
        let error: SdkError<GetDistributionConfigError, ()> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(cause)));
        let error = classify("GetDistributionConfig", error);
        assert!(error.is(ErrorKind::Transport));
        assert_eq!(
            error.message,
            "dispatch failure: io error: client error (Connect): dns error: failed to lookup address"
        );
    }
}
