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
    let trust_roots = system_trust_roots();
    let config = sdk::load_config(trust_roots.as_deref()).await;
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
        http: response_client(trust_roots.as_deref()),
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

/// The system's trust roots, read once from one file and shared by the AWS SDK's client
/// and the ResponseURL client: `SSL_CERT_FILE`, or the first of [`CA_BUNDLES`].
///
/// Left to themselves, both clients load the bundle *and* every file of the certificate
/// directory (on Amazon Linux that directory holds the bundle itself again), the largest
/// part of a cold start (see BENCHMARKS.md). `None`, which keeps each client's own
/// loader, when `SSL_CERT_DIR` is set or no bundle with a usable certificate is readable.
pub fn system_trust_roots() -> Option<Vec<u8>> {
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
    usable_trust_roots(&std::fs::read_to_string(file).ok()?)
}

/// The `CERTIFICATE` blocks of a PEM bundle that rustls takes as trust anchors, as one
/// bundle; `None` if there are none. Others are skipped, as the clients' own loaders
/// skip them (the SDK's client would refuse the whole bundle for one of them).
fn usable_trust_roots(bundle: &str) -> Option<Vec<u8>> {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut usable = String::new();
    let mut rest = bundle;
    while let Some(start) = rest.find(BEGIN) {
        let Some(length) = rest[start..].find(END) else {
            break;
        };
        let block = &rest[start..start + length + END.len()];
        rest = &rest[start + length + END.len()..];
        let anchor = CertificateDer::from_pem_slice(block.as_bytes())
            .is_ok_and(|der| rustls::RootCertStore::empty().add(der).is_ok());
        if anchor {
            usable.push_str(block);
            usable.push('\n');
        }
    }
    (!usable.is_empty()).then(|| usable.into_bytes())
}

/// The client that answers CloudFormation at the pre-signed `ResponseURL`, trusting
/// `trust_roots` (else reqwest's own loader).
fn response_client(trust_roots: Option<&[u8]>) -> reqwest::Client {
    let builder = || reqwest::Client::builder().timeout(Duration::from_secs(20));
    trust_roots
        .and_then(|pem| reqwest::Certificate::from_pem_bundle(pem).ok())
        .and_then(|roots| builder().tls_certs_only(roots).build().ok())
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
    use super::usable_trust_roots;

    /// A self-signed CA certificate (test only; its key is not kept anywhere).
    const ROOT: &str = include_str!("setup/test-root.pem");

    fn count(bundle: &[u8]) -> usize {
        String::from_utf8_lossy(bundle)
            .matches("-----BEGIN CERTIFICATE-----")
            .count()
    }

    #[test]
    fn every_usable_certificate_is_kept_and_the_text_around_them_is_not() {
        let bundle = format!("# Subject: cfclone test root\n{ROOT}\n# again\n{ROOT}");
        let usable = usable_trust_roots(&bundle).expect("two usable roots");
        assert_eq!(count(&usable), 2);
        assert!(!String::from_utf8_lossy(&usable).contains('#'));
    }

    #[test]
    fn damaged_or_cut_short_certificates_are_skipped() {
        let damaged = ROOT.replacen("MII", "MIX", 1);
        let cut_short = &ROOT[..ROOT.len() / 2];
        let usable = usable_trust_roots(&format!("{damaged}{ROOT}{cut_short}")).unwrap();
        assert_eq!(count(&usable), 1);
        assert_eq!(String::from_utf8_lossy(&usable).trim(), ROOT.trim());
    }

    #[test]
    fn a_bundle_without_a_usable_certificate_is_none() {
        assert!(usable_trust_roots("").is_none());
        assert!(usable_trust_roots("not a certificate").is_none());
        assert!(usable_trust_roots(&ROOT.replacen("MII", "MIX", 1)).is_none());
    }
}
