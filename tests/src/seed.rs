//! What exists before the provider runs: a hand-tuned reference distribution and ACM
//! certificates in us-east-1.

use crate::aws::{Aws, Distribution};
use aws_sdk_cloudfront::types::{
    AllowedMethods, CacheBehavior, CacheBehaviors, CachedMethods, CustomErrorResponse,
    CustomErrorResponses, CustomHeaders, CustomOriginConfig, DefaultCacheBehavior,
    DistributionConfig, DistributionConfigWithTags, GeoRestriction, GeoRestrictionType,
    HttpVersion, LoggingConfig, Method, MinimumProtocolVersion, Origin, OriginCustomHeader,
    OriginProtocolPolicy, OriginSslProtocols, Origins, PriceClass, Restrictions, S3OriginConfig,
    SslProtocol, SslSupportMethod, Tag, Tags, ViewerCertificate, ViewerProtocolPolicy,
};

/// The API Gateway origin the default behaviour targets.
pub const API_ORIGIN_ID: &str = "api";
pub const API_ORIGIN_DOMAIN: &str = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com";
pub const API_ORIGIN_PATH: &str = "/prod";
/// The S3 origin for static assets.
pub const ASSETS_ORIGIN_ID: &str = "assets";
pub const ASSETS_ORIGIN_DOMAIN: &str = "shop-assets.s3.eu-west-1.amazonaws.com";
/// The S3 origin reads its bucket through origin access control (OAC).
pub const ASSETS_ORIGIN_ACCESS_CONTROL: &str = "E2OACEXAMPLE01";
/// The bucket behind the S3 origin.
pub const ASSETS_BUCKET: &str = "shop-assets";
/// A second custom origin (a legacy backend behind `/legacy/*`).
pub const LEGACY_ORIGIN_ID: &str = "legacy";
pub const LEGACY_ORIGIN_DOMAIN: &str = "legacy.example.net";
/// The reference's own alias.
pub const REFERENCE_ALIAS: &str = "www.example.com";

/// AWS's managed cache and origin request policies.
pub const CACHING_DISABLED: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
pub const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
pub const ALL_VIEWER_EXCEPT_HOST_HEADER: &str = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

/// The reference distribution as seeded.
#[derive(Debug, Clone)]
pub struct Reference {
    pub id: String,
    pub arn: String,
    pub domain_name: String,
    pub certificate_arn: String,
    /// What `GetDistributionConfig` returned right after seeding.
    pub config: DistributionConfig,
}

/// Requests a certificate in us-east-1 for `domain` (and `sans`). moto issues it at once
/// (the harness starts moto with `MOTO_ACM_VALIDATION_WAIT=0`): status ISSUED, RSA 2048,
/// valid for a year.
pub async fn certificate(aws: &Aws, domain: &str, sans: &[&str]) -> String {
    let mut request = aws.acm.request_certificate().domain_name(domain);
    for san in sans {
        request = request.subject_alternative_names(*san);
    }
    let arn = request
        .send()
        .await
        .expect("RequestCertificate")
        .certificate_arn
        .expect("a certificate ARN");
    let described = aws
        .acm
        .describe_certificate()
        .certificate_arn(&arn)
        .send()
        .await
        .expect("DescribeCertificate")
        .certificate
        .expect("a certificate");
    assert_eq!(
        described.status.as_ref().map(|s| s.as_str()),
        Some("ISSUED"),
        "moto should issue requested certificates at once"
    );
    arn
}

fn methods(items: &[Method]) -> (i32, Vec<Method>) {
    (items.len() as i32, items.to_vec())
}

fn allowed_methods(allowed: &[Method], cached: &[Method]) -> AllowedMethods {
    let (quantity, items) = methods(allowed);
    let (cached_quantity, cached_items) = methods(cached);
    AllowedMethods::builder()
        .quantity(quantity)
        .set_items(Some(items))
        .cached_methods(
            CachedMethods::builder()
                .quantity(cached_quantity)
                .set_items(Some(cached_items))
                .build()
                .expect("cached methods"),
        )
        .build()
        .expect("allowed methods")
}

/// The reference configuration: an API Gateway origin (origin path `/prod`, HTTPS only,
/// TLS 1.2), an S3 origin, a legacy custom origin, three cache behaviours, custom error
/// responses, logging, an alias with its ACM certificate.
pub fn reference_config(caller_reference: &str, certificate_arn: &str) -> DistributionConfig {
    use Method::{Delete, Get, Head, Options, Patch, Post, Put};
    let https_only = |domain: &str| {
        CustomOriginConfig::builder()
            .http_port(80)
            .https_port(443)
            .origin_protocol_policy(OriginProtocolPolicy::HttpsOnly)
            .origin_ssl_protocols(
                OriginSslProtocols::builder()
                    .quantity(1)
                    .items(SslProtocol::TlSv12)
                    .build()
                    .expect("ssl protocols"),
            )
            .origin_read_timeout(30)
            .origin_keepalive_timeout(5)
            .build()
            .unwrap_or_else(|e| panic!("origin config for {domain}: {e}"))
    };
    let api = Origin::builder()
        .id(API_ORIGIN_ID)
        .domain_name(API_ORIGIN_DOMAIN)
        .origin_path(API_ORIGIN_PATH)
        .custom_origin_config(https_only(API_ORIGIN_DOMAIN))
        .custom_headers(
            CustomHeaders::builder()
                .quantity(1)
                .items(
                    OriginCustomHeader::builder()
                        .header_name("X-Origin-Verify")
                        .header_value("reference-secret")
                        .build()
                        .expect("custom header"),
                )
                .build()
                .expect("custom headers"),
        )
        .connection_attempts(3)
        .connection_timeout(10)
        .build()
        .expect("api origin");
    let assets = Origin::builder()
        .id(ASSETS_ORIGIN_ID)
        .domain_name(ASSETS_ORIGIN_DOMAIN)
        .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
        .origin_access_control_id(ASSETS_ORIGIN_ACCESS_CONTROL)
        .build()
        .expect("assets origin");
    let legacy = Origin::builder()
        .id(LEGACY_ORIGIN_ID)
        .domain_name(LEGACY_ORIGIN_DOMAIN)
        .custom_origin_config(https_only(LEGACY_ORIGIN_DOMAIN))
        .build()
        .expect("legacy origin");

    let behaviour = |pattern: &str, origin: &str, cache_policy: &str| {
        CacheBehavior::builder()
            .path_pattern(pattern)
            .target_origin_id(origin)
            .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
            .allowed_methods(allowed_methods(&[Get, Head], &[Get, Head]))
            .cache_policy_id(cache_policy)
            .compress(true)
            .build()
            .expect("cache behaviour")
    };
    let error_response = |code: i32, page: Option<&str>, ttl: i64| {
        let mut b = CustomErrorResponse::builder()
            .error_code(code)
            .error_caching_min_ttl(ttl);
        if let Some(page) = page {
            b = b.response_page_path(page).response_code(code.to_string());
        }
        b.build().expect("custom error response")
    };

    DistributionConfig::builder()
        .caller_reference(caller_reference)
        .comment("shop: the hand-tuned reference")
        .enabled(true)
        .aliases(
            aws_sdk_cloudfront::types::Aliases::builder()
                .quantity(1)
                .items(REFERENCE_ALIAS)
                .build()
                .expect("aliases"),
        )
        .origins(
            Origins::builder()
                .quantity(3)
                .items(api)
                .items(assets)
                .items(legacy)
                .build()
                .expect("origins"),
        )
        .default_cache_behavior(
            DefaultCacheBehavior::builder()
                .target_origin_id(API_ORIGIN_ID)
                .viewer_protocol_policy(ViewerProtocolPolicy::HttpsOnly)
                .allowed_methods(allowed_methods(
                    &[Get, Head, Options, Put, Post, Patch, Delete],
                    &[Get, Head],
                ))
                .cache_policy_id(CACHING_DISABLED)
                .origin_request_policy_id(ALL_VIEWER_EXCEPT_HOST_HEADER)
                .compress(true)
                .build()
                .expect("default cache behaviour"),
        )
        .cache_behaviors(
            CacheBehaviors::builder()
                .quantity(3)
                .items(behaviour("/assets/*", ASSETS_ORIGIN_ID, CACHING_OPTIMIZED))
                .items(behaviour("/static/*", ASSETS_ORIGIN_ID, CACHING_OPTIMIZED))
                .items(behaviour("/legacy/*", LEGACY_ORIGIN_ID, CACHING_DISABLED))
                .build()
                .expect("cache behaviours"),
        )
        .custom_error_responses(
            CustomErrorResponses::builder()
                .quantity(2)
                .items(error_response(404, Some("/errors/404.html"), 300))
                .items(error_response(503, None, 10))
                .build()
                .expect("custom error responses"),
        )
        .logging(
            LoggingConfig::builder()
                .enabled(true)
                .include_cookies(false)
                .bucket("shop-logs.s3.amazonaws.com")
                .prefix("reference/")
                .build(),
        )
        .viewer_certificate(
            ViewerCertificate::builder()
                .cloud_front_default_certificate(false)
                .acm_certificate_arn(certificate_arn)
                .ssl_support_method(SslSupportMethod::SniOnly)
                .minimum_protocol_version(MinimumProtocolVersion::TlSv122021)
                .build(),
        )
        .restrictions(
            Restrictions::builder()
                .geo_restriction(
                    GeoRestriction::builder()
                        .restriction_type(GeoRestrictionType::None)
                        .quantity(0)
                        .build()
                        .expect("geo restriction"),
                )
                .build(),
        )
        .price_class(PriceClass::PriceClass100)
        .http_version(HttpVersion::Http2and3)
        .is_ipv6_enabled(true)
        .default_root_object("")
        .web_acl_id("")
        .build()
        .expect("reference configuration")
}

/// Seeds the reference distribution with a certificate for its alias.
pub async fn reference(aws: &Aws) -> Reference {
    let certificate_arn = certificate(aws, REFERENCE_ALIAS, &[]).await;
    let created = distribution(
        aws,
        reference_config(
            &format!("reference-{}", crate::random_hex(8)),
            &certificate_arn,
        ),
        &[("team", "shop")],
    )
    .await;
    Reference {
        config: aws.distribution_config(&created.id).await,
        id: created.id,
        arn: created.arn,
        domain_name: created.domain_name,
        certificate_arn,
    }
}

/// Creates a distribution with these tags, outside the provider.
pub async fn distribution(
    aws: &Aws,
    config: DistributionConfig,
    tags: &[(&str, &str)],
) -> Distribution {
    let tags = Tags::builder()
        .set_items(Some(
            tags.iter()
                .map(|(k, v)| Tag::builder().key(*k).value(*v).build().expect("tag"))
                .collect(),
        ))
        .build();
    let out = aws
        .cloudfront
        .create_distribution_with_tags()
        .distribution_config_with_tags(
            DistributionConfigWithTags::builder()
                .distribution_config(config)
                .tags(tags)
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "CreateDistributionWithTags: {}",
                aws_sdk_cloudfront::error::DisplayErrorContext(&e)
            )
        });
    let d = out.distribution.expect("a distribution");
    Distribution {
        id: d.id,
        arn: d.arn,
        domain_name: d.domain_name,
        status: d.status,
        config: d.distribution_config.expect("a configuration"),
    }
}

/// A distribution someone else made (no cfclone ownership tags unless `tags` say so),
/// with an alias of its own (`blog-….example.org`: two distributions cannot share one).
pub async fn foreign_distribution(aws: &Aws, tags: &[(&str, &str)]) -> Distribution {
    let name = format!("foreign-{}", crate::random_hex(8));
    let alias = format!("blog-{name}.example.org");
    let certificate_arn = certificate(aws, &alias, &[]).await;
    let mut config = reference_config(&name, &certificate_arn);
    config.comment = "a distribution cfclone did not make".into();
    config.aliases = Some(
        aws_sdk_cloudfront::types::Aliases::builder()
            .quantity(1)
            .items(alias)
            .build()
            .expect("aliases"),
    );
    distribution(aws, config, tags).await
}

/// Imports a self-signed certificate into ACM in us-east-1 (IMPORTED, ISSUED) for `names`
/// (the domain name first, then the other SANs), with a key of `key_type` (ACM's names:
/// `RSA_2048`, `RSA_3072`, `RSA_4096`, `EC_prime256v1`, `EC_secp384r1`), valid from now for
/// `days` days. The certificate and key are made by the `openssl` command.
pub async fn imported_certificate(aws: &Aws, names: &[&str], key_type: &str, days: u32) -> String {
    let new_key = match key_type {
        "RSA_2048" | "RSA_3072" | "RSA_4096" => vec![format!("rsa:{}", &key_type[4..])],
        "EC_prime256v1" | "EC_secp384r1" => vec![
            "ec".to_owned(),
            "-pkeyopt".to_owned(),
            format!("ec_paramgen_curve:{}", &key_type[3..]),
        ],
        other => panic!("no such key type: {other}"),
    };
    let dir = std::env::temp_dir().join(format!("cfclone-cert-{}", crate::random_hex(12)));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let sans: Vec<String> = names.iter().map(|n| format!("DNS:{n}")).collect();
    let status = std::process::Command::new("openssl")
        .args(["req", "-x509", "-nodes", "-newkey"])
        .args(&new_key)
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .args([
            "-days",
            &days.to_string(),
            "-subj",
            &format!("/CN={}", names[0]),
        ])
        .args(["-addext", &format!("subjectAltName={}", sans.join(","))])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the openssl command (apt-get install openssl)");
    assert!(status.success(), "openssl req for {names:?} failed");
    let read = |path: &std::path::Path| std::fs::read(path).expect("the PEM openssl wrote");
    let (cert_pem, key_pem) = (read(&cert), read(&key));
    let _ = std::fs::remove_dir_all(&dir);
    aws.acm
        .import_certificate()
        .certificate(aws_sdk_acm::primitives::Blob::new(cert_pem))
        .private_key(aws_sdk_acm::primitives::Blob::new(key_pem))
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "ImportCertificate {names:?}: {}",
                aws_sdk_acm::error::DisplayErrorContext(&e)
            )
        })
        .certificate_arn
        .expect("a certificate ARN")
}
