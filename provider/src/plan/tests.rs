use super::*;
use crate::test_support::{CERT, REFERENCE_ID, reference};
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

/// What CloudFormation is told: the property at fault, then the message.
fn reason(e: PlanError) -> String {
    crate::error::Error::from(e).reason()
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
    let err =
        plan_with(json!({"Origins": [{"Id": "nope", "DomainName": "a.example.com"}]})).unwrap_err();
    let text = reason(err);
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
    let err = plan_with(json!({"Origins": [{"Id": "assets", "DomainName": "cdn.example.com"}]}))
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
    assert!(
        reason(err.clone()).starts_with("OriginDomainName:"),
        "{err}"
    );
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
    assert!(reason(err.clone()).starts_with("LoggingPrefix:"), "{err}");
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

#[test]
fn an_alias_the_reference_holds_is_refused_naming_aliases() {
    // The reference holds www.example.com.
    let refused =
        plan_with(json!({"Aliases": ["shop.example.com", "www.example.com"]})).unwrap_err();
    let refused = reason(refused);
    assert!(
        refused.starts_with("Aliases: www.example.com is the reference")
            && refused.contains(REFERENCE_ID),
        "{refused}"
    );
    // A name under it is not the same name: CloudFront allows the two side by side.
    assert!(plan_with(json!({"Aliases": ["shop.www.example.com"]})).is_ok());
}
