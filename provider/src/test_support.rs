//! What the unit tests share: a realistic reference, with an API Gateway origin (HTTPS
//! only, TLS 1.2, stage as origin path), an S3 origin with origin access control, a failover origin group, several
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

/// The plan of a clone of `reference` with these properties (eu-west-1 stack, `CERT` or
/// the given certificate).
pub fn plan_of(
    reference: &DistributionConfig,
    properties: serde_json::Value,
    certificate: Option<&str>,
) -> DistributionConfig {
    let properties = crate::properties::Properties::parse(&properties, "eu-west-1").unwrap();
    crate::plan::plan(
        REFERENCE_ID,
        reference,
        &properties,
        certificate,
        "cfclone-x",
    )
    .unwrap()
}

/// The provider over in-memory AWS, continuing in process: CloudFront `cf`, ACM `acm`, an
/// empty SSM, the clock of `cf`'s choosing.
pub fn in_process_provider(
    cf: &std::sync::Arc<crate::aws::fake::FakeCloudFront>,
    acm: std::sync::Arc<crate::aws::fake::FakeAcm>,
    clock: std::sync::Arc<crate::aws::fake::FakeClock>,
    sync_limits: crate::sync::Limits,
) -> std::sync::Arc<crate::handler::Provider> {
    let runner = crate::runner::Runner {
        aws: crate::aws::fake::adapters(
            std::sync::Arc::clone(cf),
            acm,
            std::sync::Arc::default(),
            clock,
            std::sync::Arc::default(),
        ),
        continuer: crate::runner::Continuer::InProcess,
        poll_interval: std::time::Duration::from_secs(12),
    };
    std::sync::Arc::new(crate::handler::Provider {
        runner: std::sync::Arc::new(runner),
        http: reqwest::Client::new(),
        sync_limits,
    })
}
