//! The dry run's findings beyond the plan ([`crate::findings`]): each alias is asked about
//! through `ListDomainConflicts` — which CloudFront answers only through a distribution
//! whose certificate covers the alias, so through the reference when it carries the
//! certificate the clone gets — for the distributions and distribution tenants of every
//! account that hold it, this one's among them. CloudFront's API Reference recommends it
//! over `ListConflictingAliases`, which "only supports standard distributions"; when
//! `ListDomainConflicts` is denied or the endpoint does not know it, the older operation is
//! asked instead, and a finding says that tenants were not seen.
//!
//! The account's distributions are listed (a call per 100) only when that answers what
//! CloudFront could not: when asked to ([`Listing::Always`]: the distributions quota), when
//! an alias could not be asked about, and when a conflict was reported — CloudFront masks
//! the ids it reports, and the listing tells which are this account's and names them. So a
//! dry run with nothing in its way costs its floor, whatever the account holds: the plan's
//! reads together, then a question per alias.

use super::{Lifecycle, PlanInputs};
use crate::aws::{AwsError, Conflict, ErrorKind, Listed};
use crate::certificate_request as cr;
use crate::certificates::Choice;
use crate::error::Error;
use crate::findings::{self, Finding};
use crate::properties::Properties;
use aws_sdk_cloudfront::types::DistributionConfig;

/// What a dry run found: what the plan read, the configuration, the findings.
pub struct Preflight {
    pub inputs: PlanInputs,
    pub planned: DistributionConfig,
    pub findings: Vec<Finding>,
    /// How many distributions the account holds, when it was listed.
    pub distributions: Option<usize>,
}

/// When a dry run lists the account's distributions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Listing {
    /// Only when CloudFront's answers leave a question open (see the module's comment).
    #[default]
    WhenNeeded,
    /// Always: the distributions quota is checked too.
    Always,
}

/// The plan and the answers about its aliases, before the listing.
struct Planning {
    inputs: PlanInputs,
    planned: DistributionConfig,
    /// Each alias: the conflicts CloudFront reported, or why it could not be asked.
    asked: Vec<(String, Result<Vec<Conflict>, Finding>)>,
    /// Tenants were not seen (`ListConflictingAliases` answered).
    older: Option<Finding>,
    /// The certificate a Create would request.
    to_request: Option<Finding>,
}

impl Lifecycle<'_> {
    /// The dry run: the plan (its inputs read, then the other accounts asked about its
    /// aliases), the account listed when `listing` or the answers call for it; then what
    /// stands in its way.
    pub async fn preflight(
        &self,
        properties: &Properties,
        caller_reference: &str,
        listing: Listing,
    ) -> Result<Preflight, Error> {
        let always = listing == Listing::Always;
        let listed = async {
            match always {
                true => self.aws.distributions.list().await.map(Some),
                false => Ok(None),
            }
        };
        let (planning, listed) =
            futures_util::future::join(self.planning(properties, caller_reference), listed).await;
        let Planning {
            inputs,
            planned,
            asked,
            older,
            to_request,
        } = planning?;
        // A tenant is never in the listing: a conflict only tenants hold leaves nothing to name.
        let open = asked.iter().any(|(_, answer)| match answer {
            Err(_) => true,
            Ok(conflicts) => conflicts.iter().any(|c| !c.tenant),
        });
        let mut found = Vec::new();
        let listed = match listed? {
            None if open => match self.aws.distributions.list().await {
                Ok(listed) => Some(listed),
                Err(e) => {
                    let code = e
                        .code
                        .as_deref()
                        .map(|c| format!(" ({c})"))
                        .unwrap_or_default();
                    found.push(Finding::AccountNotListed {
                        why: format!("{} failed{code}: {}", e.operation, e.message),
                        denied: e.is(ErrorKind::AccessDenied),
                    });
                    None
                }
            },
            listed => listed,
        };
        if let Some(listed) = &listed {
            found.extend(findings::in_account(
                &crate::fields::aliases(&planned),
                listed.iter().map(|l| (l.id.as_str(), l.aliases.as_slice())),
            ));
        }
        let none: &[Listed] = &[];
        for (alias, answer) in asked {
            match answer {
                Ok(conflicts) => found.extend(
                    conflicts
                        .into_iter()
                        .filter(|c| !ours(c, listed.as_deref().unwrap_or(none)))
                        .map(|c| elsewhere(&alias, c)),
                ),
                Err(not_checked) => found.push(not_checked),
            }
        }
        found.extend(older);
        found.extend(to_request);
        let distributions = listed.as_ref().map(Vec::len);
        found.extend(findings::quotas(distributions, &planned));
        Ok(Preflight {
            inputs,
            planned,
            findings: found,
            distributions,
        })
    }

    /// The plan's inputs read (or the certificate a Create would request, checked), the
    /// configuration planned, and each alias asked about.
    async fn planning(
        &self,
        properties: &Properties,
        caller_reference: &str,
    ) -> Result<Planning, Error> {
        let (inputs, to_request) = match self.inputs(properties).await {
            Err(Error::Certificate(_)) if properties.certificate_validation.is_some() => {
                let finding = self.certificate_to_request(properties).await?;
                let reference = self
                    .aws
                    .distributions
                    .get_config(&properties.reference_distribution_id);
                let to_be_requested = async { Ok(Choice::ToBeRequested) };
                let inputs = self.inputs_from(properties, reference, to_be_requested);
                (inputs.await?, Some(finding))
            }
            other => (other?, None),
        };
        let planned = inputs.plan(properties, caller_reference)?;
        let (asked, older) = self.other_accounts(properties, &inputs, &planned).await;
        Ok(Planning {
            inputs,
            planned,
            asked,
            older,
            to_request,
        })
    }

    /// What requesting the certificate a Create would request would meet: no alias short
    /// enough for a domain name, a zone that is not there, private or holds no alias.
    async fn certificate_to_request(&self, properties: &Properties) -> Result<Finding, Error> {
        let names = properties.aliases.clone();
        let problem = match cr::request("", "", &properties.aliases) {
            Err(e) => Some(e.to_string()),
            Ok(_) => {
                let validation = properties
                    .certificate_validation
                    .clone()
                    .unwrap_or_default();
                match self.zones(&validation).await {
                    Err(Error::Property(e)) => Some(e.message),
                    Err(e) => return Err(e),
                    Ok(zones) => cr::check_zones(&properties.aliases, &zones)
                        .err()
                        .map(|e| e.to_string()),
                }
            }
        };
        Ok(Finding::CertificateToRequest { names, problem })
    }

    /// Each alias of the `planned` clone asked about through the reference: the conflicts
    /// CloudFront reports (this account's among them), or why it could not be asked; and,
    /// when `ListConflictingAliases` answered for `ListDomainConflicts`, the finding that
    /// says so.
    async fn other_accounts(
        &self,
        properties: &Properties,
        inputs: &PlanInputs,
        planned: &DistributionConfig,
    ) -> (
        Vec<(String, Result<Vec<Conflict>, Finding>)>,
        Option<Finding>,
    ) {
        let reference = properties.reference_distribution_id.as_str();
        let reference_certificate = inputs
            .reference
            .viewer_certificate
            .as_ref()
            .and_then(|v| v.acm_certificate_arn.as_deref());
        let shares =
            inputs.certificate.arn().is_some() && reference_certificate == inputs.certificate.arn();
        let mut older: Option<String> = None;
        let mut asked_older = Vec::new();
        let mut answers = Vec::new();
        for alias in crate::fields::aliases(planned) {
            let answer = if shares {
                let answer = self.conflicts(reference, &alias, &mut older).await;
                if older.is_some() && answer.is_ok() {
                    asked_older.push(alias.clone());
                }
                answer
            } else {
                Err(Finding::NotCheckedAcrossAccounts {
                    alias: alias.clone(),
                    why: "CloudFront answers it only through a distribution whose certificate covers the alias, and the reference does not carry the clone's".into(),
                })
            };
            answers.push((alias, answer));
        }
        let older =
            older
                .filter(|_| !asked_older.is_empty())
                .map(|why| Finding::TenantsNotChecked {
                    aliases: asked_older,
                    reference: reference.to_owned(),
                    why,
                });
        (answers, older)
    }

    /// One alias asked through the reference: `ListDomainConflicts`, unless it was found
    /// unusable (`older` says why), then `ListConflictingAliases`.
    async fn conflicts(
        &self,
        reference: &str,
        alias: &str,
        older: &mut Option<String>,
    ) -> Result<Vec<Conflict>, Finding> {
        let not_checked = |e: AwsError| Finding::NotCheckedAcrossAccounts {
            alias: alias.to_owned(),
            why: if e.is(ErrorKind::AccessDenied) {
                format!("cloudfront:{} on the reference was denied", e.operation)
            } else {
                e.to_string()
            },
        };
        if older.is_none() {
            match self
                .aws
                .distributions
                .domain_conflicts(reference, alias)
                .await
            {
                Ok(found) => return Ok(found),
                Err(e) => match unusable(&e) {
                    Some(why) => *older = Some(why),
                    None => return Err(not_checked(e)),
                },
            }
        }
        self.aws
            .distributions
            .conflicting_aliases(reference, alias)
            .await
            .map_err(not_checked)
    }
}

/// Why `ListDomainConflicts` cannot be asked at all, so that `ListConflictingAliases` is:
/// it is denied (a role granted the older action only), or the endpoint does not know it —
/// an answer without any error code (a 404 page, as an endpoint without the operation
/// answers; the SDK cannot tell it from another answer it cannot read, so the finding
/// quotes the error), as every CloudFront error of a known operation has one.
fn unusable(e: &AwsError) -> Option<String> {
    if e.is(ErrorKind::AccessDenied) {
        Some("cloudfront:ListDomainConflicts on the reference was denied".into())
    } else if e.code.as_deref() == Some("InvalidArgument") {
        // Its model calls DistributionId "the ID of the multi-tenant distribution": a
        // standard reference may be refused where ListConflictingAliases still answers.
        Some(format!(
            "CloudFront refused ListDomainConflicts through the reference ({e})"
        ))
    } else if e.is(ErrorKind::Other) && e.code.is_none() {
        Some(format!(
            "the endpoint gave no CloudFront answer to ListDomainConflicts, as one that does not know it does ({e})"
        ))
    } else {
        None
    }
}

/// Whether a conflict is one of this account's distributions (found by the listing
/// already): one whose id ends as the masked id does and that holds the alias. A
/// distribution tenant is never listed.
fn ours(conflict: &Conflict, listed: &[Listed]) -> bool {
    let visible = conflict.id.trim_start_matches('*');
    !conflict.tenant
        && !visible.is_empty()
        && listed.iter().any(|l| {
            l.id.ends_with(visible) && l.aliases.iter().any(|a| findings::same(a, &conflict.alias))
        })
}

fn elsewhere(alias: &str, c: Conflict) -> Finding {
    if findings::same(alias, &c.alias) {
        Finding::AliasInUse {
            alias: alias.to_owned(),
            id: c.id,
            account_id: Some(c.account_id),
            tenant: c.tenant,
        }
    } else {
        Finding::AliasOverlaps {
            alias: alias.to_owned(),
            other: c.alias,
            id: c.id,
            account_id: Some(c.account_id),
            tenant: c.tenant,
        }
    }
}
