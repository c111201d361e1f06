use super::TrustRoots;

/// A self-signed CA certificate (test only; its key is not kept anywhere).
const ROOT: &str = include_str!("test-root.pem");

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
