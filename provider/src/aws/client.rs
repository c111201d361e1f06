//! What every SDK adapter shares: the SDK configuration (retries, timeouts, the HTTPS
//! client that trusts the roots read once at start-up) and the mapping of SDK errors to
//! [`AwsError`] by the service's error code, so the lifecycle never sees SDK types other
//! than the distribution configuration.

use super::{AwsError, ErrorKind, error_chain};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_cloudfront::config::Intercept;
use aws_sdk_cloudfront::config::interceptors::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextMut,
};
use aws_sdk_cloudfront::config::{ConfigBag, HttpClient, RuntimeComponents, SharedHttpClient};
use aws_sdk_cloudfront::error::{BoxError, ConnectorError, ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::dns::ResolveDnsError;
use aws_smithy_runtime_api::client::http::{HttpConnectorSettings, SharedHttpConnector};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
/// `aws::tls::TrustRoots`): the SDK's HTTPS client then trusts exactly those, instead
/// of loading the system's bundle *and* every file of its certificate directory again.
/// `None` keeps the SDK's default client.
/// Where the CLI's `--region` and `--profile` point the SDK (the environment and the shared
/// config files otherwise, as for the AWS CLI), and how it meets an endpoint it cannot reach.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub connect: Connect,
}

/// How a call meets an endpoint that refuses the connection or whose name does not resolve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Connect {
    /// Retried like any transient failure (the provider: a stack's operation is worth it).
    #[default]
    Retry,
    /// Final at once until the endpoint has answered (the CLI, as an operator expects: a
    /// wrong endpoint or no network is said in a second, not after eight attempts; a blip in
    /// the middle of a long sync is still retried).
    FailFast,
}

/// Until the endpoint has answered once, a refused connection, an unreachable host or a name
/// that does not resolve is final: the SDK's transient-error classifier would retry it eight
/// times. Once the endpoint has answered (anything: an error is an answer too), such a
/// failure is a blip in a working network and is retried as before; so is a connection reset
/// mid-call, or a timeout, always. One per service client.
#[derive(Debug, Clone, Default)]
pub struct UnreachableIsFinal {
    answered: Arc<AtomicBool>,
}

impl ClassifyRetry for UnreachableIsFinal {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        if ctx.response().is_some() {
            self.answered.store(true, Ordering::Relaxed);
            return RetryAction::NoActionIndicated;
        }
        let unreachable = ctx
            .output_or_error()
            .and_then(Result::err)
            .and_then(OrchestratorError::as_connector_error)
            .is_some_and(|e| unreachable(e));
        if unreachable && !self.answered.load(Ordering::Relaxed) {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "an endpoint never reached is final"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// Names the endpoint in a failure to reach it, as the AWS CLI does (`Could not connect to
/// the endpoint URL: "…"`): hyper's connect error says only why. The connector error is
/// replaced, before the retry classifiers see it, by one of the same kind whose source is an
/// `EndpointUnreachable` holding the URL and the original's causes, said (the connector
/// error cannot be moved out of the context); [`unreachable`] knows the wrapper. A connect
/// timeout (an endpoint that drops packets) is not named: it is a timeout, not unreachable.
#[derive(Debug, Clone, Copy, Default)]
pub struct NamesTheEndpoint;

impl Intercept for NamesTheEndpoint {
    fn name(&self) -> &'static str {
        "names the endpoint it could not reach"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The request is the connector's once sent: its URL is kept with the attempt's state.
        let url = AttemptUrl(endpoint_url(context.request().uri()));
        cfg.interceptor_state().store_put(url);
        Ok(())
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(AttemptUrl(url)) = cfg.load::<AttemptUrl>().cloned() else {
            return Ok(());
        };
        let Some(slot) = context.output_or_error_mut() else {
            return Ok(());
        };
        let Err(error) = slot else { return Ok(()) };
        let Some(cause) = error.as_connector_error().filter(|e| unreachable(*e)) else {
            return Ok(());
        };
        let (io, timeout, kind) = (cause.is_io(), cause.is_timeout(), cause.as_other());
        let wrapped: BoxError = Box::new(EndpointUnreachable {
            url,
            cause: error_chain(cause),
        });
        *error = OrchestratorError::connector(if io {
            ConnectorError::io(wrapped)
        } else if timeout {
            ConnectorError::timeout(wrapped)
        } else {
            ConnectorError::other(wrapped, kind)
        });
        Ok(())
    }
}

/// The URL an attempt was sent to.
#[derive(Debug, Clone)]
struct AttemptUrl(String);

impl Storable for AttemptUrl {
    type Storer = StoreReplace<Self>;
}

/// The URL a request went to, without its query.
fn endpoint_url(uri: &str) -> String {
    uri.split('?').next().unwrap_or(uri).to_owned()
}

/// A failure to reach `url`, and why (the connector's error, said).
#[derive(Debug)]
struct EndpointUnreachable {
    url: String,
    cause: String,
}

impl std::fmt::Display for EndpointUnreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "could not connect to the endpoint URL \"{}\" ({})",
            self.url, self.cause
        )
    }
}

impl std::error::Error for EndpointUnreachable {}

/// Whether a connector error, or one of its sources, says the endpoint cannot be reached.
pub(crate) fn unreachable(error: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind as Io;
    let mut source = Some(error);
    while let Some(e) = source {
        let refused = e.downcast_ref::<std::io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                Io::ConnectionRefused | Io::HostUnreachable | Io::NetworkUnreachable
            )
        });
        if refused
            || e.is::<ResolveDnsError>()
            || e.is::<EndpointUnreachable>()
            || e.to_string().starts_with("dns error")
        {
            return true;
        }
        source = e.source();
    }
    false
}

pub async fn load_config(trust_roots: Option<&[u8]>, target: &Target) -> SdkConfig {
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
    if let Some(region) = &target.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(profile) = &target.profile {
        loader = loader.profile_name(profile);
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

pub(crate) fn classify<E, R>(operation: &'static str, err: SdkError<E, R>) -> AwsError
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
        _ if unreachable(&err) => AwsError::new(
            operation,
            ErrorKind::Transport,
            format!(
                "{}; check the network, and AWS_ENDPOINT_URL if it is set",
                unreachable_chain(&err)
            ),
        ),
        _ => AwsError::new(operation, ErrorKind::Transport, error_chain(&err)),
    }
}

/// A failure to connect, said from the endpoint on: `could not connect to the endpoint URL
/// "…" (<causes>)` (the SDK's "dispatch failure" and "io error" layers left out), or, with
/// no URL known, `could not connect to the endpoint (<causes>)`.
fn unreachable_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut source = Some(err);
    while let Some(e) = source {
        if let Some(named) = e.downcast_ref::<EndpointUnreachable>() {
            return named.to_string();
        }
        source = e.source();
    }
    format!("could not connect to the endpoint ({})", error_chain(err))
}

pub(crate) fn missing(operation: &'static str, what: &str) -> AwsError {
    AwsError::new(
        operation,
        ErrorKind::Other,
        format!("the response had no {what}"),
    )
}

#[cfg(test)]
mod tests;
