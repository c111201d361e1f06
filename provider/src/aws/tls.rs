//! The system's trust roots, read once at start-up and handed to both HTTPS clients (the
//! AWS SDK's and the one that answers CloudFormation).

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
    pub fn client_config(&self) -> Option<rustls::ClientConfig> {
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

#[cfg(test)]
mod tests;
