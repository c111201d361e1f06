//! What a dry run finds besides the plan: aliases other distributions hold, and CloudFront
//! quotas the clone would reach. Pure: functions of what was read.
//!
//! CloudFront refuses an alias another distribution or distribution tenant already has
//! (`CNAMEAlreadyExists`), in this account or any other; a wildcard on one distribution and
//! a more specific name under it on another may coexist (requests go to the more specific
//! one), so an overlap is reported, not refused. The default quotas are the CloudFront
//! Developer Guide's ("Quotas"); an account may have had them raised through Service Quotas.
//!
//! The way out of an alias in use (CloudFront Developer Guide, "Move the alternate domain
//! name": alternate-domain-names-move-options.html; API Reference, AssociateAlias and
//! UpdateDomainAssociation): between standard distributions of one account
//! `AssociateAlias` moves it in one step, "prevents the downtime" of removing it first,
//! once the target's certificate covers it; the Developer Guide names
//! `update-domain-association` for every move within one account, and its API Reference
//! says the source must be disabled first (the Developer Guide says so of moves across
//! accounts only), so a tenant's domain is moved with it and downtime; across accounts,
//! with access to the source, a name that is not an apex and no overlapping wildcard in
//! use, the wildcard method moves it without disabling; otherwise update-domain-association
//! with the source disabled, or AWS Support.

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
    /// Another distribution (or distribution tenant) has exactly this alias: the Create
    /// would fail.
    AliasInUse {
        alias: String,
        /// The distribution's id (or the tenant's, when `tenant`), masked when CloudFront
        /// reported it from another account.
        id: String,
        /// `None`: this account (the id is whole); else the account id as CloudFront
        /// reported it.
        account_id: Option<String>,
        tenant: bool,
    },
    /// Another distribution's (or tenant's) alias overlaps by a wildcard: both may exist.
    AliasOverlaps {
        alias: String,
        other: String,
        id: String,
        account_id: Option<String>,
        tenant: bool,
    },
    /// Other accounts' distributions could not be asked about this alias.
    NotCheckedAcrossAccounts { alias: String, why: String },
    /// Other accounts were asked about these aliases with `ListConflictingAliases`, which
    /// sees standard distributions only, because `ListDomainConflicts` could not be asked
    /// through `reference` (`why`): a distribution tenant holding one would not be found.
    TenantsNotChecked {
        aliases: Vec<String>,
        reference: String,
        why: String,
    },
    /// No ISSUED certificate covers the aliases, and `CertificateValidation` asks for one:
    /// a Create requests it for these names (`problem`: why it could not be).
    CertificateToRequest {
        names: Vec<String>,
        problem: Option<String>,
    },
    /// The account's distributions were needed (an alias not asked about, a conflict to
    /// name) and could not be listed: `why`.
    AccountNotListed { why: String, denied: bool },
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
            Self::TenantsNotChecked { .. } => "alias-tenants-not-checked",
            Self::CertificateToRequest { .. } => "certificate-to-request",
            Self::AccountNotListed { .. } => "account-not-listed",
            Self::Quota { .. } => "quota",
        }
    }

    /// One sentence: what was found and the way out.
    pub fn text(&self) -> String {
        let whose = |account: &Option<String>| match account {
            None => "in this account".to_owned(),
            Some(account) => format!("in account {account}"),
        };
        let holder = |id: &str, tenant: &bool| {
            if *tenant {
                format!("distribution tenant {id}")
            } else {
                format!("distribution {id}")
            }
        };
        match self {
            Self::AliasInUse {
                alias,
                id,
                account_id,
                tenant,
            } => format!(
                "alias {alias} is in use by {} {}: the Create would fail with CNAMEAlreadyExists; {}",
                holder(id, tenant),
                whose(account_id),
                way_out(alias, account_id.is_none(), *tenant)
            ),
            Self::AliasOverlaps {
                alias,
                other,
                id,
                account_id,
                tenant,
            } => format!(
                "alias {alias} overlaps {other} of {} {}: both may exist, and requests for {alias} go to the more specific name",
                holder(id, tenant),
                whose(account_id)
            ),
            Self::NotCheckedAcrossAccounts { alias, why } => format!(
                "alias {alias} was not checked against other accounts ({why}); once the clone exists: aws cloudfront list-domain-conflicts --domain {alias} --domain-control-validation-resource DistributionId=CLONE_ID"
            ),
            Self::TenantsNotChecked {
                aliases,
                reference,
                why,
            } => format!(
                "{} checked against other accounts with ListConflictingAliases, the older check, which sees standard distributions only, because {why}: a distribution tenant holding {} would not be found; to ask: aws cloudfront list-domain-conflicts --domain {} --domain-control-validation-resource DistributionId={reference}",
                match aliases.as_slice() {
                    [one] => format!("alias {one} was"),
                    many => format!("aliases {} were", many.join(", ")),
                },
                if aliases.len() == 1 { "it" } else { "one" },
                aliases.first().map_or("ALIAS", String::as_str)
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
            Self::AccountNotListed { why, denied } => format!(
                "this account's distributions could not be listed ({why}): an alias one of them holds is shown only as CloudFront masks it, and an alias CloudFront was not asked about was not looked for here{}",
                if *denied {
                    "; the caller (the CLI's credentials, or the provider's role for the REST API) needs cloudfront:ListDistributions on *"
                } else {
                    ""
                }
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

/// How an alias in use can be freed for the clone (the module's sources): removed where it
/// is, or moved to the clone once it exists without it.
fn way_out(alias: &str, this_account: bool, tenant: bool) -> String {
    if tenant {
        format!(
            "remove it from the tenant first, or create the clone without it and move it with CloudFront's UpdateDomainAssociation (aws cloudfront update-domain-association --domain {alias} --target-resource DistributionId=CLONE_ID; its API Reference: the tenant must be disabled first, so the domain is down until the move)"
        )
    } else if this_account {
        format!(
            "remove it there first, or create the clone without it and move it in one step, without downtime: aws cloudfront associate-alias --target-distribution-id CLONE_ID --alias {alias} (the clone's certificate must cover it; CloudFront Developer Guide, \"Move the alternate domain name\", also names update-domain-association for moves within one account)"
        )
    } else {
        "remove it there first; else create the clone without it and move it (CloudFront Developer Guide, \"Move the alternate domain name\"): with access to the source, and for a name that is not an apex and not under a wildcard already in use, the wildcard method moves it without disabling the source; otherwise update-domain-association once the source is disabled, or AWS Support".to_owned()
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
                        id: id.to_owned(),
                        account_id: None,
                        tenant: false,
                    });
                } else if overlaps(alias, other) {
                    found.push(Finding::AliasOverlaps {
                        alias: alias.clone(),
                        other: other.clone(),
                        id: id.to_owned(),
                        account_id: None,
                        tenant: false,
                    });
                }
            }
        }
    }
    found
}

/// The quotas the clone would reach or pass (within 10% counts): `distributions` is how
/// many the account has before the clone, when it was listed (else that quota is not
/// checked).
pub fn quotas(distributions: Option<usize>, planned: &DistributionConfig) -> Vec<Finding> {
    let count = |quantity: Option<i32>| quantity.map_or(0, |q| q.max(0) as usize);
    let used = [
        // Not listed: 0 stands for "not checked" and finds nothing.
        (
            DISTRIBUTIONS_PER_ACCOUNT,
            distributions.map_or(0, |n| n + 1),
        ),
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
