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
    let trust_roots = TrustRoots::from_system();
    let config = sdk::load_config(trust_roots.as_ref().map(TrustRoots::pem)).await;
    let continuer = if in_lambda && function_name().is_some() {
        Continuer::Invoke(SdkSelfInvoke::new(&config))
    } else {
        Continuer::InProcess
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
        http: response_client(trust_roots.as_ref()),
        poll_interval,
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
pub fn invocation(context: &lambda_runtime::Context) -> crate::handler::Invocation {
    // Without the runtime's header, lambda_runtime fills the field with a sentence.
    let function = if context.invoked_function_arn.starts_with("arn:") {
        context.invoked_function_arn.clone()
    } else {
        function_name().unwrap_or_default()
    };
    crate::handler::Invocation::new(context.deadline, function)
}

/// CA bundles of the systems the provider runs on: Amazon Linux (Lambda's
/// `provided.al2023`), then Debian, Ubuntu and Alpine, then others.
const CA_BUNDLES: &[&str] = &[
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/cert.pem",
];

/// The system's trust roots, read once from one file: the certificates as PEM (what the
/// AWS SDK's client takes; it parses them once more, when its connector is built) and as
/// rustls's root store (what the ResponseURL client takes as it is), so that neither
/// client loads them itself.
pub struct TrustRoots {
    pem: Vec<u8>,
    store: rustls::RootCertStore,
}

impl TrustRoots {
    /// `SSL_CERT_FILE`, or the first of [`CA_BUNDLES`].
    ///
    /// Left to themselves, both clients load the bundle *and* every file of the
    /// certificate directory (on Amazon Linux that directory holds the bundle itself
    /// again), the largest part of a cold start (see BENCHMARKS.md). `None`, which keeps
    /// each client's own loader, when `SSL_CERT_DIR` is set or no bundle with a usable
    /// certificate is readable.
    pub fn from_system() -> Option<Self> {
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
        Self::from_bundle(&std::fs::read_to_string(file).ok()?)
    }

    /// The `CERTIFICATE` blocks of a PEM bundle that rustls takes as trust anchors; `None`
    /// if there are none. Others are skipped, as the clients' own loaders skip them (the
    /// SDK's client would refuse the whole bundle for one of them).
    fn from_bundle(bundle: &str) -> Option<Self> {
        use rustls::pki_types::{CertificateDer, pem::PemObject};
        const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
        const END: &str = "-----END CERTIFICATE-----";
        let mut pem = String::new();
        let mut store = rustls::RootCertStore::empty();
        let mut rest = bundle;
        while let Some(start) = rest.find(BEGIN) {
            let Some(length) = rest[start..].find(END) else {
                break;
            };
            let block = &rest[start..start + length + END.len()];
            rest = &rest[start + length + END.len()..];
            let added = CertificateDer::from_pem_slice(block.as_bytes())
                .is_ok_and(|der| store.add(der).is_ok());
            if added {
                pem.push_str(block);
                pem.push('\n');
            }
        }
        (!store.is_empty()).then(|| Self {
            pem: pem.into_bytes(),
            store,
        })
    }

    /// The usable certificates, as one PEM bundle.
    pub fn pem(&self) -> &[u8] {
        &self.pem
    }

    /// A TLS configuration (rustls on aws-lc, as both clients use) trusting these roots.
    fn client_config(&self) -> Option<rustls::ClientConfig> {
        let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        Some(
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .ok()?
                .with_root_certificates(self.store.clone())
                .with_no_client_auth(),
        )
    }
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

#[cfg(test)]
mod tests {
    use super::TrustRoots;

    /// A self-signed CA certificate (test only; its key is not kept anywhere).
    const ROOT: &str = include_str!("setup/test-root.pem");

    fn pem_count(roots: &TrustRoots) -> usize {
        String::from_utf8_lossy(roots.pem())
            .matches("-----BEGIN CERTIFICATE-----")
            .count()
    }

    #[test]
    fn every_usable_certificate_is_kept_and_the_text_around_them_is_not() {
        let bundle = format!("# Subject: cfclone test root\n{ROOT}\n# again\n{ROOT}");
        let roots = TrustRoots::from_bundle(&bundle).expect("two usable roots");
        assert_eq!((roots.store.len(), pem_count(&roots)), (2, 2));
        assert!(!String::from_utf8_lossy(roots.pem()).contains('#'));
        assert!(roots.client_config().is_some());
    }

    #[test]
    fn damaged_or_cut_short_certificates_are_skipped() {
        let damaged = ROOT.replacen("MII", "MIX", 1);
        let cut_short = &ROOT[..ROOT.len() / 2];
        let roots = TrustRoots::from_bundle(&format!("{damaged}{ROOT}{cut_short}")).unwrap();
        assert_eq!((roots.store.len(), pem_count(&roots)), (1, 1));
        assert_eq!(String::from_utf8_lossy(roots.pem()).trim(), ROOT.trim());
    }

    #[test]
    fn a_bundle_without_a_usable_certificate_is_none() {
        assert!(TrustRoots::from_bundle("").is_none());
        assert!(TrustRoots::from_bundle("not a certificate").is_none());
        assert!(TrustRoots::from_bundle(&ROOT.replacen("MII", "MIX", 1)).is_none());
    }
}
