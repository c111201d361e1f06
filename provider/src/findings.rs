//! What a dry run finds besides the plan: aliases other distributions hold, and CloudFront
//! quotas the clone would reach. Pure: functions of what was read.
//!
//! CloudFront refuses an alias another distribution already has (`CNAMEAlreadyExists`), in
//! this account or any other; a wildcard on one distribution and a more specific name under
//! it on another may coexist (requests go to the more specific one), so an overlap is
//! reported, not refused. The default quotas are the CloudFront Developer Guide's
//! ("Quotas"); an account may have had them raised through Service Quotas.

use aws_sdk_cloudfront::types::DistributionConfig;

/// Default CloudFront quotas: (what, limit).
pub const DISTRIBUTIONS_PER_ACCOUNT: (&str, usize) = ("distributions per account", 500);
pub const ALIASES_PER_DISTRIBUTION: (&str, usize) =
    ("alternate domain names per distribution", 100);
pub const BEHAVIOURS_PER_DISTRIBUTION: (&str, usize) = ("cache behaviours per distribution", 75);
pub const ORIGINS_PER_DISTRIBUTION: (&str, usize) = ("origins per distribution", 100);

/// One finding of a dry run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Another distribution has exactly this alias: the Create would fail.
    AliasInUse {
        alias: String,
        distribution_id: String,
        /// `None`: this account (the id is whole); else the masked account id.
        account_id: Option<String>,
    },
    /// Another distribution's alias overlaps by a wildcard: both may exist.
    AliasOverlaps {
        alias: String,
        other: String,
        distribution_id: String,
        account_id: Option<String>,
    },
    /// Other accounts' distributions could not be asked about this alias.
    NotCheckedAcrossAccounts { alias: String, why: String },
    /// No ISSUED certificate covers the aliases, and `CertificateValidation` asks for one:
    /// a Create requests it for these names (`problem`: why it could not be).
    CertificateToRequest {
        names: Vec<String>,
        problem: Option<String>,
    },
    /// A quota the clone would reach (`used` counts the clone).
    Quota {
        what: &'static str,
        used: usize,
        limit: usize,
    },
}

impl Finding {
    /// Whether the clone cannot be made as planned.
    pub fn blocks(&self) -> bool {
        match self {
            Self::AliasInUse { .. } => true,
            Self::CertificateToRequest { problem, .. } => problem.is_some(),
            Self::Quota { used, limit, .. } => used > limit,
            _ => false,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::AliasInUse { .. } => "alias-in-use",
            Self::AliasOverlaps { .. } => "alias-overlaps",
            Self::NotCheckedAcrossAccounts { .. } => "alias-not-checked",
            Self::CertificateToRequest { .. } => "certificate-to-request",
            Self::Quota { .. } => "quota",
        }
    }

    /// One sentence: what was found and the way out.
    pub fn text(&self) -> String {
        let whose = |account: &Option<String>| match account {
            None => "in this account".to_owned(),
            Some(account) => format!("in account {account}"),
        };
        match self {
            Self::AliasInUse {
                alias,
                distribution_id,
                account_id,
            } => format!(
                "alias {alias} is in use by distribution {distribution_id} {}: the Create would fail with CNAMEAlreadyExists; remove it there first (or move it: CloudFront's UpdateDomainAssociation)",
                whose(account_id)
            ),
            Self::AliasOverlaps {
                alias,
                other,
                distribution_id,
                account_id,
            } => format!(
                "alias {alias} overlaps {other} of distribution {distribution_id} {}: both may exist, and requests for {alias} go to the more specific name",
                whose(account_id)
            ),
            Self::NotCheckedAcrossAccounts { alias, why } => format!(
                "alias {alias} was not checked against other accounts ({why}); once the clone exists: aws cloudfront list-conflicting-aliases --distribution-id CLONE_ID --alias {alias}"
            ),
            Self::CertificateToRequest {
                names,
                problem: None,
            } => format!(
                "no ISSUED certificate covers the aliases: the Create requests one in us-east-1 for {} (CertificateValidation) and waits until ACM issues it",
                names.join(", ")
            ),
            Self::CertificateToRequest {
                names,
                problem: Some(problem),
            } => format!(
                "no ISSUED certificate covers the aliases, and the one CertificateValidation would request for {} cannot be: {problem}",
                names.join(", ")
            ),
            Self::Quota { what, used, limit } => format!(
                "{what}: {used} of the default quota of {limit}{}; the account's own value: aws service-quotas list-service-quotas --service-code cloudfront --region us-east-1",
                if used > limit {
                    " (over it, unless the quota was raised)"
                } else {
                    " (within 10% of it)"
                }
            ),
        }
    }
}

fn plain(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Whether two aliases are the same name (any case).
pub fn same(a: &str, b: &str) -> bool {
    plain(a) == plain(b)
}

/// Whether one alias is a wildcard over the other (at any depth, as a wildcard alternate
/// domain name covers), either way round.
pub fn overlaps(a: &str, b: &str) -> bool {
    let (a, b) = (plain(a), plain(b));
    [(&a, &b), (&b, &a)].iter().any(|(wild, name)| {
        wild.strip_prefix('*')
            .is_some_and(|suffix| suffix.starts_with('.') && name.ends_with(suffix) && name != wild)
    })
}

/// What the aliases meet among this account's distributions, `(id, aliases)`.
pub fn in_account<'a>(
    aliases: &[String],
    distributions: impl IntoIterator<Item = (&'a str, &'a [String])> + Clone,
) -> Vec<Finding> {
    let mut found = Vec::new();
    for alias in aliases {
        for (id, held) in distributions.clone() {
            for other in held {
                if same(alias, other) {
                    found.push(Finding::AliasInUse {
                        alias: alias.clone(),
                        distribution_id: id.to_owned(),
                        account_id: None,
                    });
                } else if overlaps(alias, other) {
                    found.push(Finding::AliasOverlaps {
                        alias: alias.clone(),
                        other: other.clone(),
                        distribution_id: id.to_owned(),
                        account_id: None,
                    });
                }
            }
        }
    }
    found
}

/// The quotas the clone would reach or pass (within 10% counts): `distributions` is how
/// many the account has before the clone.
pub fn quotas(distributions: usize, planned: &DistributionConfig) -> Vec<Finding> {
    let count = |quantity: Option<i32>| quantity.map_or(0, |q| q.max(0) as usize);
    let used = [
        (DISTRIBUTIONS_PER_ACCOUNT, distributions + 1),
        (
            ALIASES_PER_DISTRIBUTION,
            count(planned.aliases.as_ref().map(|a| a.quantity)),
        ),
        (
            BEHAVIOURS_PER_DISTRIBUTION,
            count(planned.cache_behaviors.as_ref().map(|b| b.quantity)),
        ),
        (
            ORIGINS_PER_DISTRIBUTION,
            count(planned.origins.as_ref().map(|o| o.quantity)),
        ),
    ];
    used.into_iter()
        .filter(|((_, limit), used)| *used * 10 >= *limit * 9)
        .map(|((what, limit), used)| Finding::Quota { what, used, limit })
        .collect()
}

#[cfg(test)]
mod tests;
