//! The clone plan: the reference distribution's configuration with the clone's
//! overrides. Pure: no I/O, so every rule is a unit test.
//!
//! Everything the plan does not name is copied untouched, including fields this code
//! never looks at (cache policies, behaviours, edge functions, WAF, logging, error pages,
//! restrictions, HTTP versions, …): the plan starts from a clone of the whole reference.

use crate::properties::Properties;
use aws_sdk_cloudfront::types::{
    Aliases, ConnectionMode, DistributionConfig, LambdaFunctionAssociations,
    MinimumProtocolVersion, Origin, PriceClass as CfPriceClass, SslSupportMethod,
    ViewerCertificate,
};
use std::collections::HashSet;

/// The minimum TLS version a clone gets when the reference had none of its own (it used
/// CloudFront's default certificate).
pub const DEFAULT_MINIMUM_PROTOCOL_VERSION: &str = "TLSv1.2_2021";

/// Why a clone cannot be planned from this reference with these properties (the property
/// at fault: [`PlanError::property`]; `Error::reason` puts it in front).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "{0} is a multi-tenant distribution (ConnectionMode=tenant-only); create a CloudFront distribution tenant from it instead of a clone"
    )]
    MultiTenantReference(String),
    #[error("{id} has no {what}; it cannot be cloned")]
    IncompleteReference { id: String, what: &'static str },
    #[error("{message}")]
    Property {
        property: &'static str,
        message: String,
    },
}

impl PlanError {
    /// The property at fault.
    pub fn property(&self) -> &'static str {
        match self {
            Self::MultiTenantReference(_) | Self::IncompleteReference { .. } => {
                "ReferenceDistributionId"
            }
            Self::Property { property, .. } => property,
        }
    }
}

/// Refuses references that cannot be cloned (checked before any certificate work).
pub fn check_reference(id: &str, reference: &DistributionConfig) -> Result<(), PlanError> {
    if reference.connection_mode == Some(ConnectionMode::TenantOnly) {
        return Err(PlanError::MultiTenantReference(id.to_owned()));
    }
    if reference
        .origins
        .as_ref()
        .is_none_or(|o| o.items.is_empty())
    {
        return Err(PlanError::IncompleteReference {
            id: id.to_owned(),
            what: "origins",
        });
    }
    if reference.default_cache_behavior.is_none() {
        return Err(PlanError::IncompleteReference {
            id: id.to_owned(),
            what: "default cache behaviour",
        });
    }
    Ok(())
}

/// The comment a clone gets when `Comment` is not set.
pub fn default_comment(properties: &Properties) -> String {
    let comment = match properties.primary_alias() {
        Some(alias) => format!(
            "cfclone of {} for {alias}",
            properties.reference_distribution_id
        ),
        None => format!("cfclone of {}", properties.reference_distribution_id),
    };
    comment
        .chars()
        .take(crate::properties::MAX_COMMENT_CHARS)
        .collect()
}

/// Plans the clone's configuration.
///
/// `certificate_arn` is the ACM certificate for the aliases (`None` exactly when there are
/// no aliases); `caller_reference` is the clone's own (derived for a Create, kept for an
/// Update).
pub fn plan(
    reference_id: &str,
    reference: &DistributionConfig,
    properties: &Properties,
    certificate_arn: Option<&str>,
    caller_reference: &str,
) -> Result<DistributionConfig, PlanError> {
    check_reference(reference_id, reference)?;
    check_aliases_not_the_references(reference_id, reference, &properties.aliases)?;
    let mut config = reference.clone();

    config.caller_reference = caller_reference.to_owned();
    config.aliases = Some(aliases(&properties.aliases));
    config.viewer_certificate = Some(viewer_certificate(
        reference.viewer_certificate.as_ref(),
        certificate_arn,
    ));
    config.comment = properties
        .comment
        .clone()
        .unwrap_or_else(|| default_comment(properties));
    config.enabled = properties.enabled;

    // A clone is a production distribution of its own: never a staging copy, never part
    // of the reference's continuous deployment, never on the reference's anycast IPs.
    config.staging = None;
    config.continuous_deployment_policy_id = None;
    config.anycast_ip_list_id = None;

    if let Some(price_class) = properties.price_class {
        config.price_class = Some(CfPriceClass::from(price_class.as_str()));
    }
    if let Some(web_acl_id) = &properties.web_acl_id {
        config.web_acl_id = Some(web_acl_id.clone());
    }
    if let Some(prefix) = &properties.logging_prefix {
        match config.logging.as_mut() {
            Some(logging) if logging.enabled => logging.prefix = prefix.clone(),
            _ => {
                return Err(PlanError::Property {
                    property: "LoggingPrefix",
                    message: format!(
                        "the reference {reference_id} has standard logging turned off, so there is no prefix to change; enable logging on the reference or drop LoggingPrefix"
                    ),
                });
            }
        }
    }

    rewrite_origins(&mut config, properties)?;
    check_targets(reference_id, &config)?;
    Ok(config)
}

/// An alias the reference itself holds cannot be a clone's: CloudFront would refuse the
/// write (`CNAMEAlreadyExists`) after a round trip; refused here at once instead.
fn check_aliases_not_the_references(
    reference_id: &str,
    reference: &DistributionConfig,
    aliases: &[String],
) -> Result<(), PlanError> {
    let plain = |name: &str| name.trim_end_matches('.').to_ascii_lowercase();
    let held: HashSet<String> = crate::fields::aliases(reference)
        .iter()
        .map(|a| plain(a))
        .collect();
    let shared: Vec<&str> = aliases
        .iter()
        .filter(|a| held.contains(&plain(a)))
        .map(String::as_str)
        .collect();
    if shared.is_empty() {
        return Ok(());
    }
    Err(PlanError::Property {
        property: "Aliases",
        message: format!(
            "{} {} the reference {reference_id}'s own; an alias belongs to one distribution at a time, and the reference is never modified — give the clone domain names of its own",
            shared.join(", "),
            if shared.len() == 1 { "is" } else { "are" },
        ),
    })
}

fn aliases(names: &[String]) -> Aliases {
    Aliases::builder()
        .quantity(names.len() as i32)
        .set_items((!names.is_empty()).then(|| names.to_vec()))
        .build()
        .expect("quantity is set")
}

fn viewer_certificate(
    reference: Option<&ViewerCertificate>,
    certificate_arn: Option<&str>,
) -> ViewerCertificate {
    match certificate_arn {
        None => ViewerCertificate::builder()
            .cloud_front_default_certificate(true)
            .minimum_protocol_version(MinimumProtocolVersion::TlSv1)
            .build(),
        Some(arn) => {
            let reference_had_own_certificate =
                reference.is_some_and(|v| v.cloud_front_default_certificate != Some(true));
            let minimum = reference
                .filter(|_| reference_had_own_certificate)
                .and_then(|v| v.minimum_protocol_version.clone())
                .unwrap_or_else(|| MinimumProtocolVersion::from(DEFAULT_MINIMUM_PROTOCOL_VERSION));
            ViewerCertificate::builder()
                .cloud_front_default_certificate(false)
                .acm_certificate_arn(arn)
                .ssl_support_method(SslSupportMethod::SniOnly)
                .minimum_protocol_version(minimum)
                .build()
        }
    }
}

/// Applies `OriginDomainName`/`OriginPath` (to the origin the default cache behaviour
/// targets) and the `Origins` overrides. Origin ids never change, so every cache
/// behaviour and origin group keeps pointing at a valid origin.
fn rewrite_origins(
    config: &mut DistributionConfig,
    properties: &Properties,
) -> Result<(), PlanError> {
    let default_target = config
        .default_cache_behavior
        .as_ref()
        .map(|b| b.target_origin_id.clone())
        .unwrap_or_default();
    let origins = &mut config
        .origins
        .as_mut()
        .expect("check_reference ensured origins")
        .items;

    if properties.origin_domain_name.is_some() || properties.origin_path.is_some() {
        let property = if properties.origin_domain_name.is_some() {
            "OriginDomainName"
        } else {
            "OriginPath"
        };
        let Some(origin) = origins.iter_mut().find(|o| o.id == default_target) else {
            return Err(PlanError::Property {
                property,
                message: format!(
                    "the reference's default cache behaviour targets origin group `{default_target}`, not an origin; name the member origins in Origins instead"
                ),
            });
        };
        apply(
            origin,
            property,
            properties.origin_domain_name.as_deref(),
            properties.origin_path.as_deref(),
        )?;
    }

    for wanted in &properties.origins {
        let Some(origin) = origins.iter_mut().find(|o| o.id == wanted.id) else {
            let known: Vec<&str> = origins.iter().map(|o| o.id.as_str()).collect();
            return Err(PlanError::Property {
                property: "Origins",
                message: format!(
                    "the reference has no origin with id `{}`; its origins are {}",
                    wanted.id,
                    known.join(", ")
                ),
            });
        };
        apply(
            origin,
            "Origins",
            wanted.domain_name.as_deref(),
            wanted.origin_path.as_deref(),
        )?;
    }
    Ok(())
}

fn apply(
    origin: &mut Origin,
    property: &'static str,
    domain_name: Option<&str>,
    origin_path: Option<&str>,
) -> Result<(), PlanError> {
    if let Some(domain_name) = domain_name {
        if origin.s3_origin_config.is_some() && !is_s3_rest_endpoint(domain_name) {
            return Err(PlanError::Property {
                property,
                message: format!(
                    "origin `{}` is an S3 origin, but `{domain_name}` is not an S3 bucket endpoint (bucket.s3.region.amazonaws.com); give a bucket endpoint, or clone a reference whose origin is a custom origin",
                    origin.id
                ),
            });
        }
        origin.domain_name = domain_name.to_owned();
    }
    if let Some(path) = origin_path {
        origin.origin_path = Some(path.to_owned());
    }
    Ok(())
}

/// Whether `domain_name` is an S3 bucket's REST endpoint, which an S3 origin needs:
/// `bucket.s3.amazonaws.com`, `bucket.s3.REGION.amazonaws.com`, the dual-stack
/// `bucket.s3.dualstack.REGION.amazonaws.com`, the legacy dash form
/// `bucket.s3-REGION.amazonaws.com` (still served, and still in older references), or an
/// access point alias. Website endpoints (`s3-website`) are custom origins.
fn is_s3_rest_endpoint(domain_name: &str) -> bool {
    let on_aws =
        domain_name.ends_with(".amazonaws.com") || domain_name.ends_with(".amazonaws.com.cn");
    let legacy_dash = domain_name
        .split_once(".s3-")
        .is_some_and(|(bucket, rest)| !bucket.is_empty() && !rest.starts_with("website"));
    on_aws && (domain_name.contains(".s3.") || legacy_dash)
        || domain_name.contains(".s3-accesspoint.")
}

/// The buckets of the S3 origins that use origin access control: each one's bucket policy
/// must allow the clone's ARN (`AWS:SourceArn`) before S3 serves the clone.
pub fn origin_access_control_buckets(config: &DistributionConfig) -> Vec<String> {
    let mut buckets: Vec<String> = config
        .origins
        .iter()
        .flat_map(|o| o.items.iter())
        .filter(|o| {
            o.origin_access_control_id
                .as_deref()
                .is_some_and(|id| !id.is_empty())
        })
        .filter(|o| is_s3_rest_endpoint(&o.domain_name))
        .filter_map(|o| {
            o.domain_name
                .split_once(".s3")
                .map(|(bucket, _)| bucket.to_owned())
        })
        .collect();
    buckets.sort();
    buckets.dedup();
    buckets
}

/// What every cache behaviour — the default one and the others — has in common.
pub struct Behaviour<'a> {
    pub target_origin_id: &'a str,
    pub lambda_function_associations: Option<&'a LambdaFunctionAssociations>,
}

/// The configuration's cache behaviours, the default one first.
pub fn behaviours(config: &DistributionConfig) -> impl Iterator<Item = Behaviour<'_>> {
    let default = config.default_cache_behavior.iter().map(|b| Behaviour {
        target_origin_id: &b.target_origin_id,
        lambda_function_associations: b.lambda_function_associations.as_ref(),
    });
    let others = config
        .cache_behaviors
        .iter()
        .flat_map(|c| c.items.iter().flatten())
        .map(|b| Behaviour {
            target_origin_id: &b.target_origin_id,
            lambda_function_associations: b.lambda_function_associations.as_ref(),
        });
    default.chain(others)
}

/// Every cache behaviour targets an existing origin or origin group, and every group
/// member is an existing origin.
fn check_targets(reference_id: &str, config: &DistributionConfig) -> Result<(), PlanError> {
    let origin_ids: HashSet<&str> = config
        .origins
        .iter()
        .flat_map(|o| o.items.iter().map(|o| o.id.as_str()))
        .collect();
    let groups = config
        .origin_groups
        .iter()
        .flat_map(|g| g.items.iter().flatten());
    let mut targets = origin_ids.clone();
    for group in groups {
        targets.insert(group.id.as_str());
        for member in group.members.iter().flat_map(|m| m.items.iter()) {
            if !origin_ids.contains(member.origin_id.as_str()) {
                return Err(PlanError::IncompleteReference {
                    id: reference_id.to_owned(),
                    what: "origin for every origin-group member",
                });
            }
        }
    }
    for target in behaviours(config).map(|b| b.target_origin_id) {
        if !targets.contains(target) {
            return Err(PlanError::IncompleteReference {
                id: reference_id.to_owned(),
                what: "origin for every cache behaviour",
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
