//! Choosing the ACM certificate (us-east-1) for a clone's aliases. Everything here is
//! pure; listing and describing certificates is the adapters' job.

pub use aws_sdk_acm::types::CertificateStatus;

/// What the matcher needs to know about one ACM certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub arn: String,
    pub domain_name: String,
    /// The subject alternative names as far as they are known. `None` (or
    /// `sans_complete == false`) means the summary was cut short and `DescribeCertificate`
    /// has to fill them in.
    pub subject_alternative_names: Option<Vec<String>>,
    pub sans_complete: bool,
    pub status: CertificateStatus,
    pub key_algorithm: String,
    /// Expiry, seconds since the epoch; `None` when ACM did not say.
    pub not_after: Option<i64>,
    /// ACM's `Type`: `AMAZON_ISSUED`, `IMPORTED` or `PRIVATE`; empty when ACM did not say.
    pub kind: String,
    /// ACM's `ManagedBy`: `CLOUDFRONT` for the certificates CloudFront manages for its
    /// distribution tenants; empty otherwise.
    pub managed_by: String,
}

/// ACM's `Type` of a certificate it issued itself (DNS or e-mail validated).
pub const AMAZON_ISSUED: &str = "AMAZON_ISSUED";
/// ACM's `Type` of a certificate issued by an AWS Private CA: CloudFront refuses it.
pub const PRIVATE: &str = "PRIVATE";
/// ACM's `ManagedBy` of the certificates CloudFront manages for tenants: not for a clone.
pub const MANAGED_BY_CLOUDFRONT: &str = "CLOUDFRONT";

impl Certificate {
    /// An ISSUED RSA 2048 certificate with complete names (tests and benchmarks).
    pub fn issued(arn: &str, domain: &str, sans: &[&str], not_after: i64) -> Self {
        Self {
            arn: arn.into(),
            domain_name: domain.into(),
            subject_alternative_names: Some(sans.iter().map(|s| s.to_string()).collect()),
            sans_complete: true,
            status: "ISSUED".into(),
            key_algorithm: "RSA_2048".into(),
            not_after: Some(not_after),
            kind: AMAZON_ISSUED.into(),
            managed_by: String::new(),
        }
    }
}

/// Key types CloudFront accepts for viewer certificates, as ACM spells them.
pub const CLOUDFRONT_KEY_ALGORITHMS: &[&str] = &[
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
];

/// Whether CloudFront accepts this key type. ACM spells it two ways: `RSA_2048` in the
/// `Includes.keyTypes` filter (and its API model), `RSA-2048` in what ListCertificates and
/// DescribeCertificate answer (as real output and the aws-cli examples show).
pub fn is_cloudfront_key_algorithm(algorithm: &str) -> bool {
    // Compared byte by byte, `-` standing for `_`: no allocation per certificate.
    CLOUDFRONT_KEY_ALGORITHMS.iter().any(|known| {
        known.len() == algorithm.len()
            && known
                .bytes()
                .zip(algorithm.bytes())
                .all(|(k, a)| k == a || (k == b'_' && a == b'-'))
    })
}

impl Certificate {
    /// Every name on the certificate: the domain name and the SANs (deduplicated, lower case).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.domain_name.as_str()).chain(
            self.subject_alternative_names
                .iter()
                .flatten()
                .map(String::as_str)
                .filter(move |san| *san != self.domain_name),
        )
    }

    /// Whether this certificate could serve CloudFront at `now` (epoch seconds): issued,
    /// unexpired, of a key type CloudFront accepts, not from a private CA (CloudFront
    /// serves only publicly trusted certificates) and not one CloudFront manages for its
    /// distribution tenants.
    pub fn is_usable(&self, now: i64) -> bool {
        self.status == CertificateStatus::Issued
            && is_cloudfront_key_algorithm(&self.key_algorithm)
            && self.not_after.is_none_or(|t| t > now)
            && self.kind != PRIVATE
            && self.managed_by != MANAGED_BY_CLOUDFRONT
    }

    /// ACM renews the certificates it issued by itself; an imported one is renewed by
    /// hand, so it comes second.
    fn is_amazon_issued(&self) -> bool {
        self.kind == AMAZON_ISSUED
    }

    /// Whether the names we have may be incomplete (summary without SANs or cut short).
    pub fn needs_description(&self) -> bool {
        self.subject_alternative_names.is_none() || !self.sans_complete
    }

    /// Whether one of the certificate's names covers `host`.
    pub fn covers(&self, host: &str) -> bool {
        self.names().any(|name| name_covers(name, host))
    }
}

/// Whether a certificate name covers a host name: equal (ignoring case and a trailing
/// dot), or a wildcard `*.example.com` that stands for exactly one label. A wildcard
/// alias (`*.example.com`) is covered only by the same wildcard.
pub fn name_covers(certificate_name: &str, host: &str) -> bool {
    let name = certificate_name.trim_end_matches('.');
    let host = host.trim_end_matches('.');
    if name.eq_ignore_ascii_case(host) {
        return true;
    }
    match name.strip_prefix("*.") {
        Some(parent) => match host.split_once('.') {
            Some((label, rest)) => {
                !label.is_empty() && label != "*" && rest.eq_ignore_ascii_case(parent)
            }
            None => false,
        },
        None => false,
    }
}

/// The certificate a clone gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// No aliases: CloudFront's default certificate.
    Default,
    /// `CertificateArn`, as given.
    Given(String),
    /// The ACM certificate found to cover every alias.
    Found(String),
    /// None yet: the Create requests one (`CertificateValidation`). Only a dry run plans
    /// with it.
    ToBeRequested,
}

impl Choice {
    /// What the certificate's ARN reads as in a plan: the ARN, or — for one a Create would
    /// request — what stands in for it; none for CloudFront's default.
    pub fn in_plan(&self) -> Option<&str> {
        match self {
            Self::Default => None,
            Self::Given(arn) | Self::Found(arn) => Some(arn),
            Self::ToBeRequested => Some("(requested by the Create: CertificateValidation)"),
        }
    }

    /// The ARN of a certificate that exists.
    pub fn arn(&self) -> Option<&str> {
        match self {
            Self::Given(arn) | Self::Found(arn) => Some(arn),
            Self::Default | Self::ToBeRequested => None,
        }
    }
}

/// The outcome of matching when nothing fits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "no ISSUED, unexpired ACM certificate in us-east-1 covers {}; request or import one that covers every alias (wildcards cover one label), or set CertificateArn",
    uncovered.join(", ")
)]
pub struct NoCertificate {
    /// The aliases that no usable certificate covers at all.
    pub uncovered: Vec<String>,
}

/// Picks the certificate for `aliases`: usable at `now`, covering **every** alias; among
/// several, an ACM-issued one before an imported one, then the one that expires last
/// (ties: the lowest ARN, so the choice is stable).
pub fn select<'a>(
    certificates: &'a [Certificate],
    aliases: &[String],
    now: i64,
) -> Result<&'a Certificate, NoCertificate> {
    let usable = || certificates.iter().filter(|c| c.is_usable(now));
    usable()
        .filter(|c| aliases.iter().all(|alias| c.covers(alias)))
        .max_by(|a, b| {
            a.is_amazon_issued()
                .cmp(&b.is_amazon_issued())
                .then_with(|| {
                    a.not_after
                        .unwrap_or(i64::MAX)
                        .cmp(&b.not_after.unwrap_or(i64::MAX))
                })
                .then_with(|| b.arn.cmp(&a.arn))
        })
        .ok_or_else(|| {
            let mut uncovered: Vec<String> = aliases
                .iter()
                .filter(|alias| !usable().any(|c| c.covers(alias)))
                .cloned()
                .collect();
            if uncovered.is_empty() {
                // Each alias is covered by some certificate, but no one certificate
                // covers them all.
                uncovered = aliases.to_vec();
                uncovered.push("(together, on one certificate)".into());
            }
            NoCertificate { uncovered }
        })
}

/// What an operator is told about one certificate for a set of aliases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The one [`select`] picks.
    Chosen,
    /// Usable and covering every alias, but [`select`] prefers another.
    Passed(String),
    /// Not usable for these aliases, and why.
    Rejected(String),
}

/// Every certificate with its verdict for `aliases` at `now` (epoch seconds): the one
/// chosen, and why each other one was not. Pure; the same rules as [`select`].
pub fn assess(
    certificates: &[Certificate],
    aliases: &[String],
    now: i64,
) -> Vec<(Certificate, Verdict)> {
    let chosen = select(certificates, aliases, now)
        .ok()
        .map(|c| c.arn.clone());
    certificates
        .iter()
        .map(|c| {
            let verdict = if chosen.as_deref() == Some(c.arn.as_str()) {
                Verdict::Chosen
            } else if let Some(why) = unusable(c, now) {
                Verdict::Rejected(why)
            } else {
                let missing: Vec<&str> = aliases
                    .iter()
                    .filter(|a| !c.covers(a))
                    .map(String::as_str)
                    .collect();
                if missing.is_empty() {
                    Verdict::Passed(if c.is_amazon_issued() {
                        "covers every alias, but another is preferred (the latest expiry, then the lowest ARN)".into()
                    } else {
                        "covers every alias, but it is imported: an ACM-issued one (renewed by ACM) comes first".into()
                    })
                } else {
                    Verdict::Rejected(not_covering(c, &missing))
                }
            };
            (c.clone(), verdict)
        })
        .collect()
}

/// Why a certificate cannot serve CloudFront at all, if it cannot.
fn unusable(c: &Certificate, now: i64) -> Option<String> {
    if c.status != CertificateStatus::Issued {
        return Some(format!("not issued (status {})", c.status));
    }
    if !is_cloudfront_key_algorithm(&c.key_algorithm) {
        return Some(format!(
            "key type {} is not one CloudFront accepts (RSA 1024-4096, EC prime256v1)",
            c.key_algorithm
        ));
    }
    if let Some(t) = c.not_after.filter(|t| *t <= now) {
        return Some(format!("expired ({} days ago)", (now - t) / 86_400));
    }
    if c.kind == PRIVATE {
        return Some(
            "issued by a private CA: CloudFront serves only publicly trusted certificates".into(),
        );
    }
    if c.managed_by == MANAGED_BY_CLOUDFRONT {
        return Some("managed by CloudFront for a distribution tenant".into());
    }
    None
}

/// Which aliases a certificate does not cover, with the wildcard rule when it is why.
fn not_covering(c: &Certificate, missing: &[&str]) -> String {
    let deeper = missing.iter().find_map(|alias| {
        c.names()
            .find(|name| {
                name.strip_prefix("*.")
                    .is_some_and(|parent| alias.ends_with(&format!(".{parent}")))
            })
            .map(|name| format!(" ({name} covers one label only, not {alias})"))
    });
    format!(
        "does not cover {}{}",
        missing.join(", "),
        deeper.unwrap_or_default()
    )
}

/// The certificates whose SANs must be described before [`select`] can be trusted: the
/// usable ones with incomplete names that could still matter, i.e. that do not already
/// cover every alias.
pub fn to_describe<'a>(
    certificates: &'a [Certificate],
    aliases: &[String],
    now: i64,
) -> Vec<&'a str> {
    certificates
        .iter()
        .filter(|c| c.is_usable(now) && c.needs_description())
        .filter(|c| !aliases.iter().all(|alias| c.covers(alias)))
        .map(|c| c.arn.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;
    const YEAR: i64 = 365 * 24 * 3600;

    fn cert(arn: &str, domain: &str, sans: &[&str]) -> Certificate {
        Certificate::issued(arn, domain, sans, NOW + YEAR)
    }

    fn aliases(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_certificate_to_be_requested_has_no_arn_yet_and_says_so_in_a_plan() {
        let arn = "arn:aws:acm:us-east-1:123456789012:certificate/shop";
        for choice in [Choice::Given(arn.into()), Choice::Found(arn.into())] {
            assert_eq!((choice.arn(), choice.in_plan()), (Some(arn), Some(arn)));
        }
        assert_eq!(
            (Choice::Default.arn(), Choice::Default.in_plan()),
            (None, None)
        );
        let requested = Choice::ToBeRequested;
        assert_eq!(requested.arn(), None);
        assert!(
            requested
                .in_plan()
                .unwrap()
                .contains("CertificateValidation")
        );
    }

    #[test]
    fn every_candidate_is_told_why_it_was_or_was_not_chosen() {
        let mut expired = cert("arn:expired", "shop.example.com", &[]);
        expired.not_after = Some(NOW - 3 * 86_400);
        let mut private = cert("arn:private", "shop.example.com", &[]);
        private.kind = PRIVATE.into();
        let mut pending = cert("arn:pending", "shop.example.com", &[]);
        pending.status = "PENDING_VALIDATION".into();
        let mut ec384 = cert("arn:ec384", "shop.example.com", &[]);
        ec384.key_algorithm = "EC-secp384r1".into();
        let mut imported = cert("arn:imported", "shop.example.com", &[]);
        imported.kind = "IMPORTED".into();
        let certs = [
            cert("arn:chosen", "shop.example.com", &[]),
            expired,
            private,
            pending,
            ec384,
            imported,
            cert("arn:wild", "*.example.com", &[]),
            cert("arn:other", "blog.example.org", &[]),
        ];
        let verdicts = assess(&certs, &aliases(&["shop.example.com"]), NOW);
        let of = |arn: &str| {
            verdicts
                .iter()
                .find(|(c, _)| c.arn == arn)
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(of("arn:chosen"), Verdict::Chosen);
        let rejected = |arn: &str, words: &str| match of(arn) {
            Verdict::Rejected(why) => assert!(why.contains(words), "{arn}: {why}"),
            other => panic!("{arn}: {other:?}"),
        };
        rejected("arn:expired", "expired (3 days ago)");
        rejected("arn:private", "private CA");
        rejected("arn:pending", "not issued (status PENDING_VALIDATION)");
        rejected("arn:ec384", "key type EC-secp384r1");
        rejected("arn:other", "does not cover shop.example.com");
        assert!(matches!(of("arn:imported"), Verdict::Passed(why) if why.contains("imported")));
        assert!(matches!(of("arn:wild"), Verdict::Passed(why) if why.contains("preferred")));

        let deep = assess(&certs, &aliases(&["a.shop.example.com"]), NOW);
        let wild = &deep.iter().find(|(c, _)| c.arn == "arn:wild").unwrap().1;
        assert!(
            matches!(wild, Verdict::Rejected(why) if why.contains("*.example.com covers one label only, not a.shop.example.com")),
            "{wild:?}"
        );
        assert!(deep.iter().all(|(_, v)| *v != Verdict::Chosen));
    }

    #[test]
    fn a_wildcard_covers_exactly_one_label() {
        assert!(name_covers("*.example.com", "shop.example.com"));
        assert!(!name_covers("*.example.com", "a.shop.example.com"));
        assert!(!name_covers("*.example.com", "example.com"));
        assert!(name_covers("*.example.com", "*.example.com"));
        assert!(!name_covers("*.example.com", "*.shop.example.com"));
        assert!(!name_covers("shop.example.com", "*.example.com"));
        assert!(name_covers("Shop.Example.com.", "shop.example.com"));
    }

    #[test]
    fn the_certificate_must_cover_every_alias() {
        let certs = [
            cert("arn:a", "shop.example.com", &["shop.example.com"]),
            cert("arn:b", "shop.example.com", &["www.shop.example.com"]),
        ];
        let chosen = select(
            &certs,
            &aliases(&["shop.example.com", "www.shop.example.com"]),
            NOW,
        )
        .unwrap();
        assert_eq!(chosen.arn, "arn:b");
    }

    #[test]
    fn subject_alternative_names_count_as_much_as_the_domain_name() {
        let certs = [cert("arn:a", "example.org", &["*.example.com"])];
        assert_eq!(
            select(&certs, &aliases(&["shop.example.com"]), NOW)
                .unwrap()
                .arn,
            "arn:a"
        );
    }

    #[test]
    fn the_latest_expiring_candidate_wins() {
        let mut early = cert("arn:early", "*.example.com", &[]);
        early.not_after = Some(NOW + 10);
        let mut late = cert("arn:late", "shop.example.com", &[]);
        late.not_after = Some(NOW + 2 * YEAR);
        let certs = [early, late];
        assert_eq!(
            select(&certs, &aliases(&["shop.example.com"]), NOW)
                .unwrap()
                .arn,
            "arn:late"
        );
    }

    #[test]
    fn expired_unissued_and_unsupported_certificates_are_skipped() {
        let mut expired = cert("arn:expired", "shop.example.com", &[]);
        expired.not_after = Some(NOW - 1);
        let mut pending = cert("arn:pending", "shop.example.com", &[]);
        pending.status = "PENDING_VALIDATION".into();
        let mut p384 = cert("arn:p384", "shop.example.com", &[]);
        p384.key_algorithm = "EC_secp384r1".into();
        let certs = [expired, pending, p384];
        let err = select(&certs, &aliases(&["shop.example.com"]), NOW).unwrap_err();
        assert_eq!(err.uncovered, vec!["shop.example.com"]);
        assert!(err.to_string().contains("shop.example.com"));
    }

    #[test]
    fn private_ca_and_tenant_certificates_are_never_chosen() {
        let mut private = cert("arn:private", "shop.example.com", &[]);
        private.kind = PRIVATE.into();
        let mut tenant = cert("arn:tenant", "shop.example.com", &[]);
        tenant.managed_by = MANAGED_BY_CLOUDFRONT.into();
        let certs = [private, tenant];
        let err = select(&certs, &aliases(&["shop.example.com"]), NOW).unwrap_err();
        assert_eq!(err.uncovered, vec!["shop.example.com"]);
    }

    #[test]
    fn an_acm_issued_certificate_wins_over_an_imported_one_that_expires_later() {
        let issued = cert("arn:issued", "shop.example.com", &[]);
        let mut imported = cert("arn:imported", "*.example.com", &[]);
        imported.kind = "IMPORTED".into();
        imported.not_after = Some(NOW + 5 * YEAR);
        let certs = [imported.clone(), issued];
        let chosen = select(&certs, &aliases(&["shop.example.com"]), NOW).unwrap();
        assert_eq!(chosen.arn, "arn:issued");
        // With only imported ones, the latest expiry still decides.
        let mut early = imported.clone();
        early.arn = "arn:early".into();
        early.not_after = Some(NOW + YEAR);
        let certs = [early, imported];
        let chosen = select(&certs, &aliases(&["shop.example.com"]), NOW).unwrap();
        assert_eq!(chosen.arn, "arn:imported");
    }

    #[test]
    fn key_types_are_read_in_both_of_acms_spellings() {
        for (algorithm, usable) in [
            ("RSA-2048", true),
            ("RSA_2048", true),
            ("EC-prime256v1", true),
            ("RSA-4096", true),
            ("EC-secp384r1", false),
            ("EC_secp521r1", false),
        ] {
            let mut c = cert("arn:x", "shop.example.com", &[]);
            c.key_algorithm = algorithm.into();
            assert_eq!(c.is_usable(NOW), usable, "{algorithm}");
        }
    }

    #[test]
    fn every_key_type_cloudfront_accepts_is_usable() {
        for algorithm in CLOUDFRONT_KEY_ALGORITHMS {
            let mut c = cert("arn:x", "shop.example.com", &[]);
            c.key_algorithm = (*algorithm).into();
            assert!(c.is_usable(NOW), "{algorithm}");
        }
    }

    #[test]
    fn the_error_names_only_the_uncovered_aliases() {
        let certs = [cert("arn:a", "a.example.com", &[])];
        let err = select(&certs, &aliases(&["a.example.com", "b.example.org"]), NOW).unwrap_err();
        assert_eq!(err.uncovered, vec!["b.example.org"]);
    }

    #[test]
    fn aliases_covered_only_by_different_certificates_are_reported_together() {
        let certs = [
            cert("arn:a", "a.example.com", &[]),
            cert("arn:b", "b.example.org", &[]),
        ];
        let err = select(&certs, &aliases(&["a.example.com", "b.example.org"]), NOW).unwrap_err();
        assert!(err.uncovered.iter().any(|u| u.contains("together")));
    }

    #[test]
    fn summaries_without_sans_are_described_unless_they_already_match() {
        let mut partial = cert("arn:partial", "example.org", &[]);
        partial.subject_alternative_names = None;
        let mut cut_short = cert("arn:cut", "example.net", &["example.net"]);
        cut_short.sans_complete = false;
        let mut matching = cert("arn:match", "shop.example.com", &[]);
        matching.subject_alternative_names = None;
        let complete = cert("arn:complete", "other.example.com", &[]);
        let certs = [partial, cut_short, matching, complete];
        assert_eq!(
            to_describe(&certs, &aliases(&["shop.example.com"]), NOW),
            vec!["arn:partial", "arn:cut"]
        );
    }

    #[test]
    fn ties_are_broken_by_arn_for_a_stable_choice() {
        let certs = [
            cert("arn:b", "shop.example.com", &[]),
            cert("arn:a", "shop.example.com", &[]),
        ];
        assert_eq!(
            select(&certs, &aliases(&["shop.example.com"]), NOW)
                .unwrap()
                .arn,
            "arn:a"
        );
    }
}
