//! The clone plan: the reference distribution's configuration with the clone's
//! overrides. Pure: no I/O, so every rule is a unit test.
//!
//! Everything the plan does not name is copied untouched, including fields this code
//! never looks at (cache policies, behaviours, edge functions, WAF, logging, error pages,
//! restrictions, HTTP versions, …): the plan starts from a clone of the whole reference.

use crate::properties::Properties;
use aws_sdk_cloudfront::types::{
    Aliases, ConnectionMode, DistributionConfig, MinimumProtocolVersion, Origin,
    PriceClass as CfPriceClass, SslSupportMethod, ViewerCertificate,
};
use std::collections::HashSet;

/// The minimum TLS version a clone gets when the reference had none of its own (it used
/// CloudFront's default certificate).
pub const DEFAULT_MINIMUM_PROTOCOL_VERSION: &str = "TLSv1.2_2021";

/// Why a clone cannot be planned from this reference with these properties.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "ReferenceDistributionId: {0} is a multi-tenant distribution (ConnectionMode=tenant-only); create a CloudFront distribution tenant from it instead of a clone"
    )]
    MultiTenantReference(String),
    #[error("ReferenceDistributionId: {id} has no {what}; it cannot be cloned")]
    IncompleteReference { id: String, what: &'static str },
    #[error("{property}: {message}")]
    Property {
        property: &'static str,
        message: String,
    },
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
    let behaviour_targets = config
        .default_cache_behavior
        .iter()
        .map(|b| b.target_origin_id.as_str())
        .chain(
            config
                .cache_behaviors
                .iter()
                .flat_map(|c| c.items.iter().flatten())
                .map(|b| b.target_origin_id.as_str()),
        );
    for target in behaviour_targets {
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
pub(crate) mod fixtures {
    //! A realistic reference: an API Gateway origin (HTTPS only, TLS 1.2, stage as origin
    //! path), an S3 origin with origin access control, a failover origin group, several
    //! cache behaviours with Lambda@Edge and CloudFront Functions, WAF, logging and custom
    //! error responses.
    use aws_sdk_cloudfront::types::*;

    pub const REFERENCE_ID: &str = "EREFERENCE12345";
    pub const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/clone";

    fn custom_origin(id: &str, domain: &str, path: &str) -> Origin {
        Origin::builder()
            .id(id)
            .domain_name(domain)
            .origin_path(path)
            .custom_headers(
                CustomHeaders::builder()
                    .quantity(1)
                    .items(
                        OriginCustomHeader::builder()
                            .header_name("X-Origin-Verify")
                            .header_value("secret")
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .custom_origin_config(
                CustomOriginConfig::builder()
                    .http_port(80)
                    .https_port(443)
                    .origin_protocol_policy(OriginProtocolPolicy::HttpsOnly)
                    .origin_ssl_protocols(
                        OriginSslProtocols::builder()
                            .quantity(1)
                            .items(SslProtocol::TlSv12)
                            .build()
                            .unwrap(),
                    )
                    .origin_read_timeout(30)
                    .origin_keepalive_timeout(5)
                    .build()
                    .unwrap(),
            )
            .connection_attempts(3)
            .connection_timeout(10)
            .build()
            .unwrap()
    }

    fn behaviour(path: &str, target: &str) -> CacheBehavior {
        CacheBehavior::builder()
            .path_pattern(path)
            .target_origin_id(target)
            .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
            .cache_policy_id("658327ea-f89d-4fab-a63d-7e88639e58f6")
            .compress(true)
            .function_associations(
                FunctionAssociations::builder()
                    .quantity(1)
                    .items(
                        FunctionAssociation::builder()
                            .function_arn("arn:aws:cloudfront::123456789012:function/rewrite-index")
                            .event_type(EventType::ViewerRequest)
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    }

    pub fn reference() -> DistributionConfig {
        let s3 = Origin::builder()
            .id("assets")
            .domain_name("shop-assets.s3.eu-west-1.amazonaws.com")
            .origin_path("")
            .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
            .origin_access_control_id("E2OACEXAMPLE01")
            .build()
            .unwrap();
        let origins = vec![
            custom_origin("api", "abc123.execute-api.eu-west-1.amazonaws.com", "/prod"),
            s3,
            custom_origin(
                "api-failover",
                "def456.execute-api.us-west-2.amazonaws.com",
                "/prod",
            ),
        ];
        let group = OriginGroup::builder()
            .id("api-group")
            .failover_criteria(
                OriginGroupFailoverCriteria::builder()
                    .status_codes(
                        StatusCodes::builder()
                            .quantity(2)
                            .items(502)
                            .items(503)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .members(
                OriginGroupMembers::builder()
                    .quantity(2)
                    .items(
                        OriginGroupMember::builder()
                            .origin_id("api")
                            .build()
                            .unwrap(),
                    )
                    .items(
                        OriginGroupMember::builder()
                            .origin_id("api-failover")
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let default_behaviour = DefaultCacheBehavior::builder()
            .target_origin_id("api")
            .viewer_protocol_policy(ViewerProtocolPolicy::HttpsOnly)
            .cache_policy_id("4135ea2d-6df8-44a3-9df3-4b5a84be39ad")
            .origin_request_policy_id("b689b0a8-53d0-40ab-baf2-68738e2966ac")
            .lambda_function_associations(
                LambdaFunctionAssociations::builder()
                    .quantity(1)
                    .items(
                        LambdaFunctionAssociation::builder()
                            .lambda_function_arn(
                                "arn:aws:lambda:us-east-1:123456789012:function:edge-auth:7",
                            )
                            .event_type(EventType::OriginRequest)
                            .include_body(false)
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        DistributionConfig::builder()
            .caller_reference("reference-2024")
            .aliases(
                Aliases::builder()
                    .quantity(1)
                    .items("www.example.com")
                    .build()
                    .unwrap(),
            )
            .default_root_object("index.html")
            .origins(
                Origins::builder()
                    .quantity(3)
                    .set_items(Some(origins))
                    .build()
                    .unwrap(),
            )
            .origin_groups(
                OriginGroups::builder()
                    .quantity(1)
                    .items(group)
                    .build()
                    .unwrap(),
            )
            .default_cache_behavior(default_behaviour)
            .cache_behaviors(
                CacheBehaviors::builder()
                    .quantity(2)
                    .items(behaviour("/static/*", "assets"))
                    .items(behaviour("/api/*", "api-group"))
                    .build()
                    .unwrap(),
            )
            .custom_error_responses(
                CustomErrorResponses::builder()
                    .quantity(1)
                    .items(
                        CustomErrorResponse::builder()
                            .error_code(404)
                            .response_page_path("/404.html")
                            .response_code("404")
                            .error_caching_min_ttl(60)
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .comment("reference: www.example.com")
            .logging(
                LoggingConfig::builder()
                    .enabled(true)
                    .include_cookies(false)
                    .bucket("logs-123456789012.s3.amazonaws.com")
                    .prefix("www/")
                    .build(),
            )
            .price_class(PriceClass::PriceClassAll)
            .enabled(true)
            .viewer_certificate(
                ViewerCertificate::builder()
                    .acm_certificate_arn("arn:aws:acm:us-east-1:123456789012:certificate/www")
                    .ssl_support_method(SslSupportMethod::SniOnly)
                    .minimum_protocol_version(MinimumProtocolVersion::TlSv122021)
                    .build(),
            )
            .restrictions(
                Restrictions::builder()
                    .geo_restriction(
                        GeoRestriction::builder()
                            .restriction_type(GeoRestrictionType::Blacklist)
                            .quantity(1)
                            .items("KP")
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .web_acl_id("arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/a1b2c3d4")
            .http_version(HttpVersion::Http2and3)
            .is_ipv6_enabled(true)
            .staging(false)
            .continuous_deployment_policy_id("cdp-1234")
            .anycast_ip_list_id("aip-1234")
            .build()
            .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{CERT, REFERENCE_ID, reference};
    use super::*;
    use serde_json::{Value, json};

    fn properties(extra: Value) -> Properties {
        let mut value = json!({
            "ServiceToken": "x",
            "ReferenceDistributionId": REFERENCE_ID,
            "Aliases": ["shop.example.com"],
        });
        for (k, v) in extra.as_object().unwrap() {
            value[k] = v.clone();
        }
        Properties::parse(&value, "eu-west-1").unwrap()
    }

    fn plan_with(extra: Value) -> Result<DistributionConfig, PlanError> {
        plan(
            REFERENCE_ID,
            &reference(),
            &properties(extra),
            Some(CERT),
            "cfclone-ref",
        )
    }

    fn origin<'a>(config: &'a DistributionConfig, id: &str) -> &'a Origin {
        config
            .origins
            .as_ref()
            .unwrap()
            .items
            .iter()
            .find(|o| o.id == id)
            .unwrap()
    }

    #[test]
    fn the_clone_gets_its_own_aliases_certificate_comment_and_caller_reference() {
        let config = plan_with(json!({})).unwrap();
        let aliases = config.aliases.as_ref().unwrap();
        assert_eq!(aliases.quantity, 1);
        assert_eq!(
            aliases.items.as_deref(),
            Some(&["shop.example.com".to_owned()][..])
        );
        let cert = config.viewer_certificate.as_ref().unwrap();
        assert_eq!(cert.acm_certificate_arn.as_deref(), Some(CERT));
        assert_eq!(cert.ssl_support_method, Some(SslSupportMethod::SniOnly));
        assert_eq!(
            cert.minimum_protocol_version,
            Some(MinimumProtocolVersion::TlSv122021)
        );
        assert_eq!(config.caller_reference, "cfclone-ref");
        assert_eq!(
            config.comment,
            "cfclone of EREFERENCE12345 for shop.example.com"
        );
    }

    #[test]
    fn everything_not_overridden_is_copied_untouched() {
        let reference = reference();
        let config = plan_with(json!({})).unwrap();
        assert_eq!(config.origins, reference.origins);
        assert_eq!(config.origin_groups, reference.origin_groups);
        assert_eq!(
            config.default_cache_behavior,
            reference.default_cache_behavior
        );
        assert_eq!(config.cache_behaviors, reference.cache_behaviors);
        assert_eq!(
            config.custom_error_responses,
            reference.custom_error_responses
        );
        assert_eq!(config.logging, reference.logging);
        assert_eq!(config.restrictions, reference.restrictions);
        assert_eq!(config.web_acl_id, reference.web_acl_id);
        assert_eq!(config.http_version, reference.http_version);
        assert_eq!(config.is_ipv6_enabled, reference.is_ipv6_enabled);
        assert_eq!(config.default_root_object, reference.default_root_object);
        assert_eq!(config.price_class, reference.price_class);
    }

    #[test]
    fn staging_continuous_deployment_and_anycast_are_dropped() {
        let config = plan_with(json!({})).unwrap();
        assert_eq!(config.staging, None);
        assert_eq!(config.continuous_deployment_policy_id, None);
        assert_eq!(config.anycast_ip_list_id, None);
    }

    #[test]
    fn the_default_behaviours_origin_gets_the_new_domain_and_path_and_keeps_its_settings() {
        let config = plan_with(json!({
            "OriginDomainName": "xyz789.execute-api.eu-west-1.amazonaws.com",
            "OriginPath": "/v2",
        }))
        .unwrap();
        let api = origin(&config, "api");
        assert_eq!(
            api.domain_name,
            "xyz789.execute-api.eu-west-1.amazonaws.com"
        );
        assert_eq!(api.origin_path.as_deref(), Some("/v2"));
        let before = reference();
        let old = before.origins.as_ref().unwrap().items[0].clone();
        assert_eq!(api.custom_origin_config, old.custom_origin_config);
        assert_eq!(api.custom_headers, old.custom_headers);
        // the other origins are untouched, and the behaviours still target valid ids
        assert_eq!(
            origin(&config, "assets"),
            &before.origins.as_ref().unwrap().items[1]
        );
        assert_eq!(
            config
                .default_cache_behavior
                .as_ref()
                .unwrap()
                .target_origin_id,
            "api"
        );
    }

    #[test]
    fn an_empty_origin_path_clears_it() {
        let config = plan_with(json!({"OriginPath": ""})).unwrap();
        assert_eq!(origin(&config, "api").origin_path.as_deref(), Some(""));
    }

    #[test]
    fn per_origin_overrides_rewrite_each_named_origin() {
        let config = plan_with(json!({"Origins": [
            {"Id": "assets", "DomainName": "other-assets.s3.eu-west-1.amazonaws.com"},
            {"Id": "api-failover", "OriginPath": "/staging"},
        ]}))
        .unwrap();
        let assets = origin(&config, "assets");
        assert_eq!(
            assets.domain_name,
            "other-assets.s3.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            assets.origin_access_control_id.as_deref(),
            Some("E2OACEXAMPLE01")
        );
        assert!(assets.s3_origin_config.is_some());
        assert_eq!(
            origin(&config, "api-failover").origin_path.as_deref(),
            Some("/staging")
        );
    }

    #[test]
    fn an_unknown_origin_id_is_refused_with_the_known_ones() {
        let err = plan_with(json!({"Origins": [{"Id": "nope", "DomainName": "a.example.com"}]}))
            .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("Origins:"), "{text}");
        assert!(text.contains("api, assets, api-failover"), "{text}");
    }

    #[test]
    fn legacy_and_dual_stack_bucket_endpoints_are_s3_origins_and_website_endpoints_are_not() {
        for endpoint in [
            "shop.s3.amazonaws.com",
            "shop.s3.eu-west-1.amazonaws.com",
            "shop.s3-eu-west-1.amazonaws.com",
            "shop.s3-external-1.amazonaws.com",
            "shop.s3.dualstack.eu-west-1.amazonaws.com",
        ] {
            assert!(is_s3_rest_endpoint(endpoint), "{endpoint}");
            let config = plan_with(json!({"Origins": [{"Id": "assets", "DomainName": endpoint}]}));
            assert!(config.is_ok(), "{endpoint}: {config:?}");
        }
        for endpoint in [
            "shop.s3-website-eu-west-1.amazonaws.com",
            "shop.s3-website.eu-west-1.amazonaws.com",
            "shop.example.com",
        ] {
            assert!(!is_s3_rest_endpoint(endpoint), "{endpoint}");
        }
    }

    #[test]
    fn the_buckets_behind_origin_access_control_are_named() {
        let config = plan_with(json!({})).unwrap();
        assert_eq!(origin_access_control_buckets(&config), vec!["shop-assets"]);
        let moved = plan_with(json!({"Origins": [{"Id": "assets", "DomainName": "tenant-assets.s3-eu-west-1.amazonaws.com"}]})).unwrap();
        assert_eq!(origin_access_control_buckets(&moved), vec!["tenant-assets"]);
    }

    #[test]
    fn an_s3_origin_cannot_point_at_a_non_s3_domain() {
        let err =
            plan_with(json!({"Origins": [{"Id": "assets", "DomainName": "cdn.example.com"}]}))
                .unwrap_err();
        assert!(err.to_string().contains("is an S3 origin"), "{err}");
    }

    #[test]
    fn a_default_behaviour_on_an_origin_group_needs_per_origin_overrides() {
        let mut reference = reference();
        reference
            .default_cache_behavior
            .as_mut()
            .unwrap()
            .target_origin_id = "api-group".into();
        let props = properties(json!({"OriginDomainName": "new.example.com"}));
        let err = plan(REFERENCE_ID, &reference, &props, Some(CERT), "r").unwrap_err();
        assert!(err.to_string().starts_with("OriginDomainName:"), "{err}");
        assert!(err.to_string().contains("origin group"), "{err}");
    }

    #[test]
    fn overrides_replace_price_class_waf_logging_prefix_and_enabled() {
        let config = plan_with(json!({
            "PriceClass": "PriceClass_100",
            "WebAclId": "",
            "LoggingPrefix": "shop/",
            "Enabled": "false",
        }))
        .unwrap();
        assert_eq!(config.price_class, Some(CfPriceClass::PriceClass100));
        assert_eq!(config.web_acl_id.as_deref(), Some(""));
        let logging = config.logging.unwrap();
        assert_eq!(logging.prefix, "shop/");
        assert_eq!(logging.bucket, "logs-123456789012.s3.amazonaws.com");
        assert!(!config.enabled);
    }

    #[test]
    fn a_logging_prefix_needs_logging_on_the_reference() {
        let mut reference = reference();
        reference.logging.as_mut().unwrap().enabled = false;
        let props = properties(json!({"LoggingPrefix": "shop/"}));
        let err = plan(REFERENCE_ID, &reference, &props, Some(CERT), "r").unwrap_err();
        assert!(err.to_string().starts_with("LoggingPrefix:"), "{err}");
    }

    #[test]
    fn without_aliases_the_clone_uses_cloudfronts_default_certificate() {
        let props = properties(json!({"Aliases": []}));
        let config = plan(REFERENCE_ID, &reference(), &props, None, "r").unwrap();
        assert_eq!(config.aliases.as_ref().unwrap().quantity, 0);
        assert_eq!(config.aliases.as_ref().unwrap().items, None);
        let cert = config.viewer_certificate.unwrap();
        assert_eq!(cert.cloud_front_default_certificate, Some(true));
        assert_eq!(cert.acm_certificate_arn, None);
        assert_eq!(config.comment, "cfclone of EREFERENCE12345");
    }

    #[test]
    fn a_reference_on_the_default_certificate_gives_the_clone_tls_1_2() {
        let mut reference = reference();
        reference.viewer_certificate = Some(
            ViewerCertificate::builder()
                .cloud_front_default_certificate(true)
                .minimum_protocol_version(MinimumProtocolVersion::TlSv1)
                .build(),
        );
        let config = plan(
            REFERENCE_ID,
            &reference,
            &properties(json!({})),
            Some(CERT),
            "r",
        )
        .unwrap();
        assert_eq!(
            config.viewer_certificate.unwrap().minimum_protocol_version,
            Some(MinimumProtocolVersion::TlSv122021)
        );
    }

    #[test]
    fn a_multi_tenant_reference_is_refused_with_a_pointer_to_tenants() {
        let mut reference = reference();
        reference.connection_mode = Some(ConnectionMode::TenantOnly);
        let err = plan(
            REFERENCE_ID,
            &reference,
            &properties(json!({})),
            Some(CERT),
            "r",
        )
        .unwrap_err();
        assert!(matches!(err, PlanError::MultiTenantReference(_)));
        assert!(err.to_string().contains("distribution tenant"));
    }

    #[test]
    fn the_reference_itself_is_not_modified() {
        let reference = reference();
        let before = reference.clone();
        let _ = plan(
            REFERENCE_ID,
            &reference,
            &properties(json!({"OriginPath": "/x"})),
            Some(CERT),
            "r",
        );
        assert_eq!(reference, before);
    }

    #[test]
    fn a_long_alias_keeps_the_default_comment_within_the_limit() {
        let alias = format!("{}.example.com", "a".repeat(60));
        let long = format!("{}.{alias}", "b".repeat(60));
        let props = properties(json!({"Aliases": [long]}));
        assert!(default_comment(&props).chars().count() <= 128);
    }
}
