//! Building the real provider from the environment, and logging. Shared by both binaries.

use crate::aws::Adapters;
use crate::aws::SystemClock;
use crate::aws::sdk::{self, SdkCertificates, SdkDistributions, SdkParameters, SdkSelfInvoke};
use crate::handler::{Continuer, DEFAULT_POLL_INTERVAL, Provider};
use std::time::Duration;

/// The provider on the AWS SDK.
pub type SdkProvider =
    Provider<SdkDistributions, SdkCertificates, SdkParameters, SystemClock, SdkSelfInvoke>;

/// Environment variable that overrides the poll interval, in milliseconds (tests and
/// demos shorten it; CloudFront itself needs no faster than the 12 s default).
pub const POLL_INTERVAL_ENV: &str = "CFCLONE_POLL_INTERVAL_MS";

/// Builds the provider from the standard AWS environment. `in_lambda` selects how
/// unfinished waits continue: a fresh invocation of `AWS_LAMBDA_FUNCTION_NAME`, or in
/// the same process.
pub async fn provider(in_lambda: bool) -> SdkProvider {
    let config = sdk::load_config().await;
    let continuer = match std::env::var("AWS_LAMBDA_FUNCTION_NAME") {
        Ok(name) if in_lambda && !name.is_empty() => {
            Continuer::Invoke(SdkSelfInvoke::new(&config, name))
        }
        _ => Continuer::InProcess,
    };
    let poll_interval = std::env::var(POLL_INTERVAL_ENV)
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
        .map_or(DEFAULT_POLL_INTERVAL, Duration::from_millis);
    Provider {
        aws: Adapters {
            distributions: SdkDistributions::new(&config),
            certificates: SdkCertificates::new(&config),
            parameters: SdkParameters::new(&config),
            clock: SystemClock,
        },
        continuer,
        http: response_client(),
        poll_interval,
    }
}

/// CA bundles of the systems the provider runs on: Amazon Linux (Lambda's
/// `provided.al2023`), then Debian, Ubuntu and Alpine, then others.
const CA_BUNDLES: &[&str] = &[
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/cert.pem",
];

/// The client that answers CloudFormation at the pre-signed `ResponseURL`. It trusts the
/// system's CA bundle, read once from one file (`SSL_CERT_FILE`, or the first of
/// [`CA_BUNDLES`]). reqwest's default verifier would load the bundle *and* every file of
/// the certificate directory at start-up, the largest part of a cold start (see
/// BENCHMARKS.md). With `SSL_CERT_DIR` set, or no readable bundle, it keeps the default.
fn response_client() -> reqwest::Client {
    let builder = || reqwest::Client::builder().timeout(Duration::from_secs(20));
    system_roots()
        .and_then(|roots| builder().tls_certs_only(roots).build().ok())
        .unwrap_or_else(|| builder().build().expect("the HTTP client builds"))
}

fn system_roots() -> Option<Vec<reqwest::Certificate>> {
    if std::env::var_os("SSL_CERT_DIR").is_some() {
        return None;
    }
    let file = std::env::var_os("SSL_CERT_FILE")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            CA_BUNDLES
                .iter()
                .map(std::path::PathBuf::from)
                .find(|path| path.is_file())
        })?;
    let roots = reqwest::Certificate::from_pem_bundle(&std::fs::read(file).ok()?).ok()?;
    (!roots.is_empty()).then_some(roots)
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
