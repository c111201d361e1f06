//! The dry run's findings beyond the plan ([`crate::findings`]): the account's
//! distributions are listed once (aliases in use here, the distribution quota), and other
//! accounts' are asked about each alias through `ListConflictingAliases` — which CloudFront
//! answers only through a distribution whose certificate covers the alias, so through the
//! reference when it carries the certificate the clone gets. Reads only; the listing is
//! read together with the plan's inputs, so the whole dry run waits for one round of reads
//! (and one more per alias only when it asks other accounts).

use super::{Lifecycle, PlanInputs};
use crate::aws::{Certificates, Clock, Conflict, Distributions, ErrorKind, Listed, Parameters};
use crate::error::Error;
use crate::findings::{self, Finding};
use crate::properties::Properties;
use aws_sdk_cloudfront::types::DistributionConfig;

/// What a dry run found: what the plan read, the configuration, the findings.
pub struct Preflight {
    pub inputs: PlanInputs,
    pub planned: DistributionConfig,
    pub findings: Vec<Finding>,
}

impl<D, C, P, K> Lifecycle<'_, D, C, P, K>
where
    D: Distributions,
    C: Certificates,
    P: Parameters,
    K: Clock,
{
    /// The dry run: the plan's inputs and the account's distributions, read at the same
    /// time; the plan; and what stands in its way.
    pub async fn preflight(
        &self,
        properties: &Properties,
        caller_reference: &str,
    ) -> Result<Preflight, Error> {
        let (inputs, listed) =
            futures_util::future::join(self.inputs(properties), self.aws.distributions.list())
                .await;
        let inputs = inputs?;
        let planned = inputs.plan(properties, caller_reference)?;
        let findings = self
            .findings(properties, &inputs, &planned, &listed?)
            .await?;
        Ok(Preflight {
            inputs,
            planned,
            findings,
        })
    }

    /// What stands in the way of the `planned` clone, or comes near, among the `listed`
    /// distributions of the account and (through the reference) other accounts'.
    async fn findings(
        &self,
        properties: &Properties,
        inputs: &PlanInputs,
        planned: &DistributionConfig,
        listed: &[Listed],
    ) -> Result<Vec<Finding>, Error> {
        let aliases: Vec<String> = planned
            .aliases
            .as_ref()
            .and_then(|a| a.items.clone())
            .unwrap_or_default();
        let mut found = findings::in_account(
            &aliases,
            listed.iter().map(|l| (l.id.as_str(), l.aliases.as_slice())),
        );
        let reference_certificate = inputs
            .reference
            .viewer_certificate
            .as_ref()
            .and_then(|v| v.acm_certificate_arn.as_deref());
        let shares =
            inputs.certificate.is_some() && reference_certificate == inputs.certificate.as_deref();
        for alias in &aliases {
            if !shares {
                found.push(Finding::NotCheckedAcrossAccounts {
                    alias: alias.clone(),
                    why: "CloudFront answers it only through a distribution whose certificate covers the alias, and the reference does not carry the clone's".into(),
                });
                continue;
            }
            let reference = &properties.reference_distribution_id;
            match self
                .aws
                .distributions
                .conflicting_aliases(reference, alias)
                .await
            {
                Ok(conflicts) => found.extend(
                    conflicts
                        .into_iter()
                        .filter(|c| !ours(c, listed))
                        .map(|c| elsewhere(alias, c)),
                ),
                Err(e) => found.push(Finding::NotCheckedAcrossAccounts {
                    alias: alias.clone(),
                    why: if e.is(ErrorKind::AccessDenied) {
                        "cloudfront:ListConflictingAliases on the reference was denied".into()
                    } else {
                        e.to_string()
                    },
                }),
            }
        }
        found.extend(findings::quotas(listed.len(), planned));
        Ok(found)
    }
}

/// Whether a conflict is one of this account's distributions (found by the listing
/// already): one whose id ends as the masked id does and that holds the alias.
fn ours(conflict: &Conflict, listed: &[Listed]) -> bool {
    let visible = conflict.distribution_id.trim_start_matches('*');
    !visible.is_empty()
        && listed.iter().any(|l| {
            l.id.ends_with(visible) && l.aliases.iter().any(|a| findings::same(a, &conflict.alias))
        })
}

fn elsewhere(alias: &str, c: Conflict) -> Finding {
    if findings::same(alias, &c.alias) {
        Finding::AliasInUse {
            alias: alias.to_owned(),
            distribution_id: c.distribution_id,
            account_id: Some(c.account_id),
        }
    } else {
        Finding::AliasOverlaps {
            alias: alias.to_owned(),
            other: c.alias,
            distribution_id: c.distribution_id,
            account_id: Some(c.account_id),
        }
    }
}
