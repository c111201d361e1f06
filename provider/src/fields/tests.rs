use super::*;
use crate::aws::fake::as_cloudfront_returns;
use crate::test_support::{CERT, REFERENCE_ID, reference};
use aws_sdk_cloudfront::types::{
    Aliases, AllowedMethods, CachedMethods, CertificateSource, ConnectionMode, CustomHeaders,
    EventType, GeoRestriction, GeoRestrictionType, HttpVersion, IpAddressType, ItemSelection,
    Method, MinimumProtocolVersion, OriginCustomHeader, OriginGroupFailoverCriteria,
    OriginGroupSelectionCriteria, OriginProtocolPolicy, OriginShield, OriginSslProtocols,
    PriceClass, Restrictions, SslProtocol, SslSupportMethod, StatusCodes, ViewerMtlsMode,
    ViewerProtocolPolicy,
};
use serde_json::json;

fn planned(aliases: &[&str]) -> DistributionConfig {
    crate::test_support::plan_of(
        &reference(),
        json!({"ServiceToken": "x", "ReferenceDistributionId": REFERENCE_ID, "Aliases": aliases,
               "OriginDomainName": "api.shop.example.com"}),
        Some(CERT),
    )
}

#[test]
fn fields_are_named_as_cloudfront_names_them_one_origin_and_behaviour_each() {
    let fields = fields(&reference());
    for name in [
        "Comment",
        "Enabled",
        "DefaultCacheBehavior",
        "Origins[assets]",
    ] {
        assert!(fields.contains_key(name), "{name} in {:?}", fields.keys());
    }
    assert!(
        fields.keys().any(|k| k.starts_with("CacheBehaviors[/")),
        "{:?}",
        fields.keys()
    );
    assert!(!fields.keys().any(|k| k.contains("CallerReference")));
    assert!(
        fields.values().all(|text| !text.contains(": None,")),
        "absent members are left out"
    );
}

#[test]
fn the_revision_is_stable_and_changes_only_with_the_content() {
    let reference = reference();
    let revision = revision(&reference);
    assert!(
        revision.starts_with("r-") && revision.len() == 22,
        "{revision}"
    );
    assert_eq!(revision, super::revision(&reference.clone()));

    let mut renamed = reference.clone();
    renamed.caller_reference = "another".into();
    assert_eq!(
        revision,
        super::revision(&renamed),
        "CallerReference is not content"
    );
    assert_eq!(
        revision,
        super::revision(&as_cloudfront_returns(&reference)),
        "what CloudFront adds on its own is not content"
    );

    let mut edited = reference.clone();
    edited.default_root_object = Some("home.html".into());
    assert_ne!(revision, super::revision(&edited));

    let mut commented = reference.clone();
    commented.comment = "another comment".into();
    assert_ne!(
        revision,
        super::revision(&commented),
        "Comment, hidden by Debug, counts"
    );
}

#[test]
fn an_origin_header_value_counts_but_is_never_shown() {
    let reference = reference();
    let mut edited = reference.clone();
    let origin = edited
        .origins
        .as_mut()
        .unwrap()
        .items
        .iter_mut()
        .find(|o| o.custom_headers.is_some())
        .unwrap();
    origin.custom_headers = Some(
        CustomHeaders::builder()
            .quantity(1)
            .items(
                OriginCustomHeader::builder()
                    .header_name("X-Origin-Verify")
                    .header_value("rotated")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap(),
    );
    assert_ne!(revision(&reference), revision(&edited));
    let changes = changes(&reference, &edited);
    assert_eq!(changes.len(), 1, "{changes:?}");
    let shown = changes[0].lines().join("\n");
    assert!(
        shown.contains("+ Origins[api].CustomHeaders: [\"X-Origin-Verify: sha256:"),
        "{shown}"
    );
    assert!(
        !shown.contains("rotated") && !shown.contains("secret"),
        "{shown}"
    );
}

#[test]
fn changes_name_what_a_plan_overrides_and_nothing_else() {
    let plan = planned(&["shop.example.com"]);
    let changed: Vec<String> = changes(&reference(), &plan)
        .into_iter()
        .map(|c| c.field)
        .collect();
    assert!(changed.contains(&"Aliases".to_owned()), "{changed:?}");
    assert!(
        changed.contains(&"ViewerCertificate".to_owned()),
        "{changed:?}"
    );
    assert!(changed.contains(&"Comment".to_owned()), "{changed:?}");
    assert!(
        !changed.contains(&"DefaultCacheBehavior".to_owned()),
        "{changed:?}"
    );
    assert!(
        !changed.iter().any(|f| f.starts_with("CacheBehaviors")),
        "{changed:?}"
    );

    assert!(
        changes(&plan, &as_cloudfront_returns(&plan)).is_empty(),
        "CloudFront's additions are no change"
    );
}

#[test]
fn a_change_shows_the_lines_that_go_and_come() {
    let mut before = reference();
    before.default_cache_behavior.as_mut().unwrap().compress = Some(true);
    let mut edited = before.clone();
    edited.default_cache_behavior.as_mut().unwrap().compress = Some(false);
    let change = changes(&before, &edited).remove(0);
    assert_eq!(change.field, "DefaultCacheBehavior");
    assert_eq!(
        change.lines(),
        [
            "- DefaultCacheBehavior.Compress: true",
            "+ DefaultCacheBehavior.Compress: false"
        ],
        "only the changed leaves, in CloudFront's names"
    );
}

#[test]
fn a_certificate_change_names_its_members_as_cloudfront_does() {
    let after = reference();
    let mut before = after.clone();
    before.viewer_certificate = Some(
        ViewerCertificate::builder()
            .cloud_front_default_certificate(true)
            .build(),
    );
    let change = changes(&before, &after).remove(0);
    assert_eq!(change.field, "ViewerCertificate");
    let lines = change.lines();
    for line in [
        "- ViewerCertificate.CloudFrontDefaultCertificate: true",
        "+ ViewerCertificate.CloudFrontDefaultCertificate: false",
        "+ ViewerCertificate.ACMCertificateArn: \"arn:aws:acm:us-east-1:123456789012:certificate/www\"",
        "+ ViewerCertificate.SSLSupportMethod: \"sni-only\"",
        "+ ViewerCertificate.MinimumProtocolVersion: \"TLSv1.2_2021\"",
    ] {
        assert!(lines.contains(&line.to_owned()), "{line} in {lines:?}");
    }
    assert_eq!(lines.len(), 5, "{lines:?}");
}

#[test]
fn enum_values_are_spelled_as_cloudfront_spells_them() {
    let before = reference();
    let mut after = before.clone();
    after.price_class = Some(PriceClass::PriceClass100);
    after.http_version = Some(HttpVersion::Http2);
    after
        .default_cache_behavior
        .as_mut()
        .unwrap()
        .viewer_protocol_policy = ViewerProtocolPolicy::RedirectToHttps;
    after
        .viewer_certificate
        .as_mut()
        .unwrap()
        .minimum_protocol_version = Some(MinimumProtocolVersion::TlSv122019);
    let shown = all_lines(&before, &after);
    for line in [
        "- PriceClass: \"PriceClass_All\"",
        "+ PriceClass: \"PriceClass_100\"",
        "- HttpVersion: \"http2and3\"",
        "+ HttpVersion: \"http2\"",
        "- DefaultCacheBehavior.ViewerProtocolPolicy: \"https-only\"",
        "+ DefaultCacheBehavior.ViewerProtocolPolicy: \"redirect-to-https\"",
        "- ViewerCertificate.MinimumProtocolVersion: \"TLSv1.2_2021\"",
        "+ ViewerCertificate.MinimumProtocolVersion: \"TLSv1.2_2019\"",
    ] {
        assert!(shown.contains(&line.to_owned()), "{line} in {shown:?}");
    }

    // A value the SDK does not know is shown as CloudFront sent it; PriceClass's `None`
    // is a value, not an absence.
    let mut newer = before.clone();
    newer.http_version = Some(HttpVersion::from("http9"));
    newer.price_class = Some(PriceClass::None);
    let shown = all_lines(&before, &newer);
    for line in ["+ HttpVersion: \"http9\"", "+ PriceClass: \"None\""] {
        assert!(shown.contains(&line.to_owned()), "{line} in {shown:?}");
    }
}

fn all_lines(from: &DistributionConfig, to: &DistributionConfig) -> Vec<String> {
    changes(from, to).iter().flat_map(Change::lines).collect()
}

#[test]
fn a_name_the_table_does_not_know_is_shown_as_the_sdk_wrote_it() {
    let change = Change {
        field: "DefaultCacheBehavior".into(),
        before: Some(
            "DefaultCacheBehavior {\n    brand_new_member: Some(BrandNewValue),\n    compress: Some(true),\n}"
                .into(),
        ),
        // Unclosed, and a `Some(` over three lines.
        after: Some(
            "DefaultCacheBehavior {\n    brand_new_member: Some(\n        7,\n    ),\n    compress: Some(true),"
                .into(),
        ),
    };
    assert_eq!(
        change.lines(),
        [
            "- DefaultCacheBehavior.brand_new_member: BrandNewValue",
            "+ DefaultCacheBehavior.brand_new_member: 7"
        ]
    );
    // Text it cannot read is shown, not a panic.
    for odd in [
        "}",
        "(\n: \n]",
        "Some(",
        "\"open",
        "[\n[\n",
        "x: {\n\"\\u{zz}\"\n",
        "",
    ] {
        let change = Change {
            field: "Odd".into(),
            before: Some(odd.into()),
            after: None,
        };
        let _ = change.lines();
    }
}

#[test]
fn lists_of_values_are_one_line_and_lists_of_members_one_path_per_item() {
    let reference = reference();
    let aliases = changes(&reference, &planned(&["shop.example.com"]))
        .into_iter()
        .find(|c| c.field == "Aliases")
        .unwrap();
    assert_eq!(
        aliases.lines(),
        [
            "- Aliases.Items: [\"www.example.com\"]",
            "+ Aliases.Items: [\"shop.example.com\"]"
        ],
        "Quantity left out beside Items"
    );

    let mut edited = reference.clone();
    let api = &mut edited
        .cache_behaviors
        .as_mut()
        .unwrap()
        .items
        .as_mut()
        .unwrap()[1];
    assert_eq!(api.path_pattern, "/api/*");
    let functions = api.function_associations.as_mut().unwrap();
    functions.items.as_mut().unwrap()[0].event_type = EventType::ViewerResponse;
    let change = changes(&reference, &edited).remove(0);
    assert_eq!(change.field, "CacheBehaviors[/api/*]");
    assert_eq!(
        change.lines(),
        [
            "- CacheBehaviors[/api/*].FunctionAssociations.Items[0].EventType: \"viewer-request\"",
            "+ CacheBehaviors[/api/*].FunctionAssociations.Items[0].EventType: \"viewer-response\""
        ]
    );
}

/// The reference with nearly every field changed: the renderer's whole vocabulary.
fn edited() -> DistributionConfig {
    let mut c = reference();
    c.aliases = Some(
        Aliases::builder()
            .quantity(2)
            .items("a.example.com")
            .items("b.example.com")
            .build()
            .unwrap(),
    );
    c.default_root_object = Some("home.html".into());
    let origins = &mut c.origins.as_mut().unwrap().items;
    origins[0].domain_name = "moved.execute-api.eu-west-1.amazonaws.com".into();
    origins[0].origin_shield = Some(
        OriginShield::builder()
            .enabled(true)
            .origin_shield_region("eu-west-1")
            .build()
            .unwrap(),
    );
    let custom = origins[0].custom_origin_config.as_mut().unwrap();
    custom.origin_protocol_policy = OriginProtocolPolicy::MatchViewer;
    custom.origin_ssl_protocols = Some(
        OriginSslProtocols::builder()
            .quantity(2)
            .items(SslProtocol::TlSv11)
            .items(SslProtocol::TlSv12)
            .build()
            .unwrap(),
    );
    origins[1].origin_path = Some("/v2".into());
    let group = &mut c.origin_groups.as_mut().unwrap().items.as_mut().unwrap()[0];
    group.failover_criteria = Some(
        OriginGroupFailoverCriteria::builder()
            .status_codes(
                StatusCodes::builder()
                    .quantity(3)
                    .items(500)
                    .items(502)
                    .items(503)
                    .build()
                    .unwrap(),
            )
            .build(),
    );
    edit_behaviours(&mut c);
    c.custom_error_responses
        .as_mut()
        .unwrap()
        .items
        .as_mut()
        .unwrap()[0]
        .error_code = 403;
    c.comment = "edited: {everything}".into();
    c.logging.as_mut().unwrap().enabled = false;
    c.price_class = Some(PriceClass::None);
    c.viewer_certificate = Some(
        ViewerCertificate::builder()
            .cloud_front_default_certificate(true)
            .build(),
    );
    c.restrictions = Some(
        Restrictions::builder()
            .geo_restriction(
                GeoRestriction::builder()
                    .restriction_type(GeoRestrictionType::Whitelist)
                    .quantity(2)
                    .items("DE")
                    .items("FR")
                    .build()
                    .unwrap(),
            )
            .build(),
    );
    c.web_acl_id = None;
    c.http_version = Some(HttpVersion::from("http9"));
    c.is_ipv6_enabled = Some(false);
    c
}

fn edit_behaviours(c: &mut DistributionConfig) {
    let default = c.default_cache_behavior.as_mut().unwrap();
    default.compress = Some(false);
    default.viewer_protocol_policy = ViewerProtocolPolicy::AllowAll;
    default.allowed_methods = Some(
        AllowedMethods::builder()
            .quantity(3)
            .items(Method::Get)
            .items(Method::Head)
            .items(Method::Options)
            .cached_methods(
                CachedMethods::builder()
                    .quantity(2)
                    .items(Method::Get)
                    .items(Method::Head)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap(),
    );
    let behaviours = c.cache_behaviors.as_mut().unwrap().items.as_mut().unwrap();
    behaviours.reverse();
    behaviours[0].compress = Some(false);
}

#[test]
fn rendered_lines_carry_no_rust_syntax_and_only_cloudfront_names() {
    let changes = changes(&reference(), &edited());
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    for field in [
        "Aliases",
        "CacheBehaviors (order)",
        "CacheBehaviors[/api/*]",
        "Comment",
        "CustomErrorResponses",
        "DefaultCacheBehavior",
        "DefaultRootObject",
        "HttpVersion",
        "IsIPV6Enabled",
        "Logging",
        "OriginGroups",
        "Origins[api]",
        "Origins[assets]",
        "PriceClass",
        "Restrictions",
        "ViewerCertificate",
        "WebACLId",
    ] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    for change in &changes {
        let lines = change.lines();
        assert!(!lines.is_empty(), "{change:?}");
        for line in &lines {
            assert!(line.starts_with("- ") || line.starts_with("+ "), "{line}");
            let (path, value) = line[2..].split_once(": ").expect(line);
            let members = path.strip_prefix(change.field.as_str()).expect(line);
            for member in members.split('.').skip(1) {
                assert!(
                    member.starts_with(|c: char| c.is_ascii_uppercase()),
                    "{line}"
                );
            }
            let bare = outside_strings(value);
            for rust in ["Some(", "None", "::", "{", "}", "Unknown", "_"] {
                assert!(!bare.contains(rust) && !path.contains(rust), "{line}");
            }
        }
    }
    let shown = all_lines(&reference(), &edited());
    for line in [
        "+ Origins[api].OriginShield.OriginShieldRegion: \"eu-west-1\"",
        "+ Origins[api].CustomOriginConfig.OriginSslProtocols.Items: [\"TLSv1.1\", \"TLSv1.2\"]",
        "+ DefaultCacheBehavior.AllowedMethods.CachedMethods.Items: [\"GET\", \"HEAD\"]",
        "+ CacheBehaviors (order): [\"/api/*\", \"/static/*\"]",
        "+ Restrictions.GeoRestriction.RestrictionType: \"whitelist\"",
        "+ OriginGroups.Items[0].FailoverCriteria.StatusCodes.Items: [500, 502, 503]",
        "+ IsIPV6Enabled: false",
        "+ Comment: \"edited: {everything}\"",
    ] {
        assert!(shown.contains(&line.to_owned()), "{line} in {shown:?}");
    }
}

/// `text` without its JSON strings.
fn outside_strings(text: &str) -> String {
    let mut out = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for c in text.chars() {
        match (quoted, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (_, false, '"') => quoted = !quoted,
            (false, _, c) => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn the_name_tables_have_one_name_a_key_and_know_the_sdks_spellings() {
    for table in [super::names::MEMBERS, super::names::VALUES] {
        for pair in table.windows(2) {
            assert!(pair[0].0 < pair[1].0, "sorted, no key twice: {pair:?}");
        }
        for (key, name) in table {
            let own = key.rsplit('.').next().unwrap();
            assert_eq!(own, super::aws::key(name), "{key} → {name}");
        }
    }
    for (sdk, cloudfront) in [
        ("acm_certificate_arn", "ACMCertificateArn"),
        ("is_ipv6_enabled", "IsIPV6Enabled"),
        ("ssl_support_method", "SSLSupportMethod"),
        ("origin_ssl_protocols", "OriginSslProtocols"),
        ("http_port", "HTTPPort"),
        ("web_acl_id", "WebACLId"),
        ("lambda_function_arn", "LambdaFunctionARN"),
        ("a_member_of_tomorrow", "a_member_of_tomorrow"),
    ] {
        assert_eq!(super::aws::aws_member(sdk), cloudfront);
    }
    round_trip::<SslProtocol>("items", SslProtocol::values());
    round_trip::<MinimumProtocolVersion>(
        "minimum_protocol_version",
        MinimumProtocolVersion::values(),
    );
    round_trip::<SslSupportMethod>("ssl_support_method", SslSupportMethod::values());
    round_trip::<PriceClass>("price_class", PriceClass::values());
    round_trip::<HttpVersion>("http_version", HttpVersion::values());
    round_trip::<ViewerProtocolPolicy>("viewer_protocol_policy", ViewerProtocolPolicy::values());
    round_trip::<OriginProtocolPolicy>("origin_protocol_policy", OriginProtocolPolicy::values());
    round_trip::<Method>("items", Method::values());
    round_trip::<EventType>("event_type", EventType::values());
    round_trip::<GeoRestrictionType>("restriction_type", GeoRestrictionType::values());
    round_trip::<ItemSelection>("forward", ItemSelection::values());
    round_trip::<OriginGroupSelectionCriteria>(
        "selection_criteria",
        OriginGroupSelectionCriteria::values(),
    );
    round_trip::<IpAddressType>("ip_address_type", IpAddressType::values());
    round_trip::<CertificateSource>("certificate_source", CertificateSource::values());
    round_trip::<ViewerMtlsMode>("mode", ViewerMtlsMode::values());
    round_trip::<ConnectionMode>("connection_mode", ConnectionMode::values());
    assert_eq!(super::aws::aws_value("http_version", "Http9"), None);
}

/// Every value of `T` the SDK knows, as `Debug` writes it (`TlSv122021`), is found again
/// under `member` (`TLSv1.2_2021`).
fn round_trip<T>(member: &str, values: &[&str])
where
    T: std::fmt::Debug + for<'a> From<&'a str>,
{
    for value in values {
        let variant = format!("{:?}", T::from(*value));
        assert_eq!(
            super::aws::aws_value(member, &variant),
            Some(*value),
            "{member}: {variant}"
        );
    }
}

#[test]
fn digests_match_between_what_was_sent_and_what_cloudfront_returns() {
    let plan = planned(&["shop.example.com"]);
    assert_eq!(digests(&plan), digests(&as_cloudfront_returns(&plan)));
}
