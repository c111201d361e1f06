use super::*;
use serde_json::json;

fn minimal() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:cfclone",
        "ReferenceDistributionId": "E2QWRUHAPOMQZL",
        "Aliases": ["shop.example.com"],
    })
}

fn parse(value: Value) -> Result<Properties, PropertyError> {
    Properties::parse(&value, "eu-west-1")
}

fn with(key: &str, value: Value) -> Value {
    let mut props = minimal();
    props[key] = value;
    props
}

fn error_of(value: Value) -> PropertyError {
    parse(value).expect_err("properties should be refused")
}

#[test]
fn minimal_properties_take_the_defaults() {
    let props = parse(minimal()).unwrap();
    assert_eq!(props.reference_distribution_id, "E2QWRUHAPOMQZL");
    assert_eq!(props.aliases, vec!["shop.example.com"]);
    assert!(props.enabled);
    assert!(!props.wait_for_deployment);
    assert_eq!(props.ssm, None);
    assert_eq!(props.service_timeout, Duration::from_secs(3600));
    assert!(props.origins.is_empty() && props.tags.is_empty());
}

#[test]
fn string_values_become_typed_values() {
    let props = parse(json!({
        "ServiceToken": "x",
        "ServiceTimeout": "900",
        "ReferenceDistributionId": "E2QWRUHAPOMQZL",
        "Aliases": ["shop.example.com", "*.shop.example.com"],
        "OriginDomainName": "abc123.execute-api.eu-west-1.amazonaws.com",
        "OriginPath": "/prod",
        "Origins": [{"Id": "assets", "DomainName": "assets.example.net", "OriginPath": ""}],
        "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
        "Comment": "shop",
        "Enabled": "false",
        "PriceClass": "PriceClass_100",
        "WebAclId": "",
        "LoggingPrefix": "logs/shop/",
        "Tags": [{"Key": "team", "Value": "web"}],
        "SsmParameterPrefix": "/cfclone/shop",
        "SsmRegions": ["eu-west-1", "us-east-1"],
        "WaitForDeployment": "true",
        "ReferenceRevision": "7",
    }))
    .unwrap();
    assert_eq!(props.service_timeout, Duration::from_secs(900));
    assert!(!props.enabled);
    assert!(props.wait_for_deployment);
    assert_eq!(props.price_class, Some(PriceClass::PriceClass100));
    assert_eq!(props.web_acl_id.as_deref(), Some(""));
    assert_eq!(
        props.origins,
        vec![OriginOverride {
            id: "assets".into(),
            domain_name: Some("assets.example.net".into()),
            origin_path: Some(String::new()),
        }]
    );
    assert_eq!(
        props.tags,
        vec![Tag {
            key: "team".into(),
            value: "web".into()
        }]
    );
    let ssm = props.ssm.unwrap();
    assert_eq!(ssm.regions, vec!["eu-west-1", "us-east-1"]);
    assert_eq!(ssm.names()[0], "/cfclone/shop/distribution-id");
}

#[test]
fn ssm_regions_default_to_the_stack_region() {
    let props = parse(with("SsmParameterPrefix", json!("/cfclone/shop"))).unwrap();
    assert_eq!(props.ssm.unwrap().regions, vec!["eu-west-1"]);
}

#[test]
fn an_empty_alias_list_is_allowed() {
    assert!(
        parse(with("Aliases", json!([])))
            .unwrap()
            .aliases
            .is_empty()
    );
}

#[test]
fn missing_required_properties_are_named() {
    let mut props = minimal();
    props.as_object_mut().unwrap().remove("Aliases");
    assert_eq!(error_of(props).property, "Aliases");
    let mut props = minimal();
    props
        .as_object_mut()
        .unwrap()
        .remove("ReferenceDistributionId");
    assert_eq!(error_of(props).property, "ReferenceDistributionId");
}

#[test]
fn an_unknown_property_is_refused_with_a_suggestion() {
    let err = error_of(with("Alias", json!(["a.example.com"])));
    assert_eq!(err.property, "Alias");
    assert!(err.message.contains("did you mean Aliases"), "{err}");
}

#[test]
fn uppercase_aliases_are_refused_with_the_lowercase_spelling() {
    let err = error_of(with("Aliases", json!(["Shop.Example.com"])));
    assert_eq!(err.property, "Aliases");
    assert!(err.message.contains("`shop.example.com`"), "{err}");
}

#[test]
fn more_than_a_hundred_aliases_are_refused() {
    let many: Vec<String> = (0..101).map(|i| format!("a{i}.example.com")).collect();
    let err = error_of(with("Aliases", json!(many)));
    assert!(err.message.contains("at most 100"), "{err}");
}

#[test]
fn duplicate_and_malformed_aliases_are_refused() {
    assert!(
        error_of(with("Aliases", json!(["a.example.com", "a.example.com"])))
            .message
            .contains("twice")
    );
    assert!(
        error_of(with("Aliases", json!(["bad..example.com"])))
            .message
            .contains("not a valid domain name")
    );
    assert!(
        error_of(with("Aliases", json!("a.example.com")))
            .message
            .contains("expected a list")
    );
}

#[test]
fn a_long_comment_is_refused() {
    let err = error_of(with("Comment", json!("x".repeat(129))));
    assert_eq!(err.property, "Comment");
    assert!(err.message.contains("at most 128"));
    assert!(parse(with("Comment", json!("x".repeat(128)))).is_ok());
}

#[test]
fn booleans_must_be_true_or_false() {
    let err = error_of(with("Enabled", json!("yes")));
    assert_eq!(
        err.to_string(),
        "Enabled: `yes` is not a boolean; use \"true\" or \"false\""
    );
}

#[test]
fn a_certificate_outside_us_east_1_is_refused() {
    let err = error_of(with(
        "CertificateArn",
        json!("arn:aws:acm:eu-west-1:123456789012:certificate/abc"),
    ));
    assert!(err.message.contains("us-east-1"), "{err}");
}

#[test]
fn ssm_prefixes_and_regions_are_checked() {
    assert_eq!(
        error_of(with("SsmParameterPrefix", json!("cfclone/shop"))).property,
        "SsmParameterPrefix"
    );
    assert!(
        error_of(with("SsmParameterPrefix", json!("/aws/shop")))
            .message
            .contains("reserved")
    );
    let mut props = with("SsmParameterPrefix", json!("/cfclone/shop"));
    props["SsmRegions"] = json!(["eu-west-1", "mars"]);
    assert_eq!(error_of(props).property, "SsmRegions");
    assert_eq!(
        error_of(with("SsmRegions", json!(["eu-west-1"]))).property,
        "SsmRegions"
    );
}

#[test]
fn reserved_and_duplicate_tags_are_refused() {
    let err = error_of(with(
        "Tags",
        json!([{"Key": "cfclone:stack-id", "Value": "x"}]),
    ));
    assert!(err.message.contains("reserved"));
    let err = error_of(with(
        "Tags",
        json!([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]),
    ));
    assert!(err.message.contains("twice"));
}

#[test]
fn origin_overrides_need_an_id_and_known_keys() {
    let err = error_of(with("Origins", json!([{"DomainName": "x.example.com"}])));
    assert!(err.message.contains("Id is required"));
    let err = error_of(with(
        "Origins",
        json!([{"Id": "a", "Domain": "x.example.com"}]),
    ));
    assert!(err.message.contains("unknown key Domain"));
    let err = error_of(with("OriginPath", json!("prod/")));
    assert_eq!(err.property, "OriginPath");
}

#[test]
fn service_timeout_is_bounded() {
    assert_eq!(
        error_of(with("ServiceTimeout", json!("7200"))).property,
        "ServiceTimeout"
    );
    assert_eq!(
        service_timeout_of(&json!({"ServiceTimeout": "600"})),
        Duration::from_secs(600)
    );
    assert_eq!(service_timeout_of(&json!({})), MAX_SERVICE_TIMEOUT);
}

#[test]
fn the_names_match_the_shared_schema_file() {
    let schema: Value =
        serde_json::from_str(include_str!("../../../schema/cloned-distribution.json")).unwrap();
    let names = |key: &str| -> Vec<String> {
        schema[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("properties"), PROPERTY_NAMES);
    assert_eq!(names("attributes"), ATTRIBUTE_NAMES);
    assert_eq!(names("ssmParameters"), SSM_PARAMETER_NAMES);
    assert_eq!(schema["resourceType"], crate::RESOURCE_TYPE);
}

#[test]
fn certificate_validation_takes_zone_ids_or_nothing() {
    let props = parse(with(
        "CertificateValidation",
        json!({"HostedZoneIds": ["/hostedzone/Z0123456789ABCDEFGHIJ", "Z1D633PJN98FT9", "Z1D633PJN98FT9"]}),
    ))
    .unwrap();
    assert_eq!(
        props.certificate_validation.unwrap().hosted_zone_ids,
        ["Z0123456789ABCDEFGHIJ", "Z1D633PJN98FT9"],
        "the prefix Route 53 answers with is dropped, a repeated id kept once"
    );
    let elsewhere = parse(with("CertificateValidation", json!({}))).unwrap();
    assert_eq!(
        elsewhere.certificate_validation,
        Some(CertificateValidation::default())
    );
    assert_eq!(parse(minimal()).unwrap().certificate_validation, None);
}

#[test]
fn certificate_validation_is_refused_where_it_cannot_apply() {
    let cases = [
        (
            with("CertificateValidation", json!("Z1D633PJN98FT9")),
            "expected an object",
        ),
        (
            with(
                "CertificateValidation",
                json!({"HostedZoneId": "Z1D633PJN98FT9"}),
            ),
            "unknown key HostedZoneId",
        ),
        (
            with(
                "CertificateValidation",
                json!({"HostedZoneIds": ["example.com"]}),
            ),
            "`example.com` is not a Route 53 hosted zone id",
        ),
        (
            {
                let mut p = with("CertificateValidation", json!({}));
                p["CertificateArn"] = json!("arn:aws:acm:us-east-1:123456789012:certificate/abc");
                p
            },
            "not both",
        ),
        (
            {
                let mut p = with("CertificateValidation", json!({}));
                p["Aliases"] = json!([]);
                p
            },
            "Aliases is empty",
        ),
    ];
    for (value, expected) in cases {
        let e = error_of(value);
        assert_eq!(e.property, "CertificateValidation");
        assert!(e.message.contains(expected), "{}", e.message);
    }
}

#[test]
fn deletion_mode_is_delete_or_disable() {
    assert_eq!(
        parse(minimal()).unwrap().deletion_mode,
        DeletionMode::Delete
    );
    let disable = parse(with("DeletionMode", json!("Disable"))).unwrap();
    assert_eq!(disable.deletion_mode, DeletionMode::Disable);
    let e = error_of(with("DeletionMode", json!("Retain")));
    assert_eq!(e.property, "DeletionMode");
    assert!(e.message.contains("use Delete"), "{}", e.message);
    // Delete reads it leniently, even beside properties today's rules refuse.
    let mut broken = with("DeletionMode", json!("Disable"));
    broken["Aliases"] = json!("not a list");
    assert_eq!(
        Declared::read(broken, "eu-west-1").deletion_mode,
        DeletionMode::Disable
    );
}
