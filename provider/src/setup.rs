//! Building the real provider from the environment, and logging. Shared by both binaries.

use crate::aws::tls::TrustRoots;
use crate::aws::{
    Adapters, SdkCertificates, SdkDistributions, SdkParameters, SdkSelfInvoke, SdkStacks, SdkZones,
    SystemClock, client,
};
use crate::handler::Provider;
use crate::runner::{Continuer, DEFAULT_POLL_INTERVAL, Runner};
use std::sync::Arc;
use std::time::Duration;

/// Environment variable that overrides the poll interval, in milliseconds (tests and
/// demos shorten it; CloudFront itself needs no faster than the 12 s default).
pub const POLL_INTERVAL_ENV: &str = "CFCLONE_POLL_INTERVAL_MS";

/// Builds the provider from the standard AWS environment. `in_lambda` selects how
/// unfinished waits continue: a fresh invocation of `AWS_LAMBDA_FUNCTION_NAME`, or in
/// the same process.
pub async fn provider(in_lambda: bool) -> Provider {
    provider_for(in_lambda, &client::Target::default()).await
}

/// The provider on the SDK, pointed at `target` (the CLI's `--region` and `--profile`).
pub async fn provider_for(in_lambda: bool, target: &client::Target) -> Provider {
    let trust_roots = TrustRoots::from_system();
    let config = client::load_config(trust_roots.as_ref().map(TrustRoots::pem), target).await;
    let continuer = if in_lambda && function_name().is_some() {
        Continuer::Invoke(Arc::new(SdkSelfInvoke::new(&config)))
    } else {
        Continuer::InProcess
    };
    let poll_interval = std::env::var(POLL_INTERVAL_ENV)
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
        .map_or(DEFAULT_POLL_INTERVAL, Duration::from_millis);
    let runner = Runner {
        aws: Adapters {
            distributions: Arc::new(SdkDistributions::new(&config, target.connect)),
            certificates: Arc::new(SdkCertificates::new(&config, target.connect)),
            zones: Arc::new(SdkZones::new(&config, target.connect)),
            parameters: Arc::new(SdkParameters::new(&config, target.connect)),
            clock: Arc::new(SystemClock),
            stacks: Arc::new(SdkStacks::new(&config)),
        },
        continuer,
        poll_interval,
    };
    Provider {
        runner: Arc::new(runner),
        http: response_client(trust_roots.as_ref()),
        sync_limits: crate::sync::Limits::from_env(|key| std::env::var(key).ok()),
    }
}

/// `AWS_LAMBDA_FUNCTION_NAME`, which Lambda sets for every function.
pub fn function_name() -> Option<String> {
    std::env::var("AWS_LAMBDA_FUNCTION_NAME")
        .ok()
        .filter(|name| !name.is_empty())
}

/// The invocation as the runtime describes it; the function is the ARN the event came
/// through, or the function's name should the runtime not say.
pub fn invocation(context: &lambda_runtime::Context) -> crate::runner::Invocation {
    // Without the runtime's header, lambda_runtime fills the field with a sentence.
    let function = if context.invoked_function_arn.starts_with("arn:") {
        context.invoked_function_arn.clone()
    } else {
        function_name().unwrap_or_default()
    };
    crate::runner::Invocation::new(context.deadline, function)
}

/// The client that answers CloudFormation at the pre-signed `ResponseURL`, trusting
/// `trust_roots` (else reqwest's own loader).
fn response_client(trust_roots: Option<&TrustRoots>) -> reqwest::Client {
    let builder = || reqwest::Client::builder().timeout(Duration::from_secs(20));
    trust_roots
        .and_then(TrustRoots::client_config)
        .and_then(|tls| builder().tls_backend_preconfigured(tls).build().ok())
        .unwrap_or_else(|| builder().build().expect("the HTTP client builds"))
}

/// Structured logs: JSON lines in Lambda, readable text in a terminal. The level comes
/// from `RUST_LOG` or Lambda's `AWS_LAMBDA_LOG_LEVEL`, default `info`.
pub fn init_logging(json: bool) {
    use tracing_subscriber::EnvFilter;
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .map(|l| l.to_ascii_lowercase())
        .unwrap_or_else(|_| "info".into());
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(format!(
            "{level},aws_config=warn,aws_smithy_runtime=warn,hyper=warn"
        ))
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder
            .json()
            .without_time()
            .with_current_span(false)
            .init();
    } else {
        builder.with_target(false).init();
    }
}
