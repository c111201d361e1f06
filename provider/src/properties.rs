//! The resource's properties: CloudFormation sends every value as a string (lists as
//! lists of strings); this module turns them into typed values or refuses them with a
//! reason that names the property and the way out.

use serde_json::{Map, Value};
use std::time::Duration;

pub mod aws_limits;

/// Every property `Custom::ClonedDistribution` accepts, in the order of the README.
/// `schema/cloned-distribution.json` holds the same list for the CDK side; a test keeps
/// both in step.
pub const PROPERTY_NAMES: &[&str] = &[
    "ServiceToken",
    "ServiceTimeout",
    "ReferenceDistributionId",
    "Aliases",
    "OriginDomainName",
    "OriginPath",
    "Origins",
    "CertificateArn",
    "Comment",
    "Enabled",
    "PriceClass",
    "WebAclId",
    "LoggingPrefix",
    "Tags",
    "SsmParameterPrefix",
    "SsmRegions",
    "WaitForDeployment",
    "ReferenceRevision",
];

/// The attributes `Fn::GetAtt` can read.
pub const ATTRIBUTE_NAMES: &[&str] = &[
    "DistributionId",
    "DomainName",
    "Arn",
    "CertificateArn",
    "ReferenceDistributionId",
    "OriginAccessControlBuckets",
];

/// The names, under `SsmParameterPrefix`, of the parameters written to SSM.
pub const SSM_PARAMETER_NAMES: &[&str] = &[
    "distribution-id",
    "domain-name",
    "reference-distribution-id",
    "certificate-arn",
];

/// CloudFront's limit on alternate domain names per distribution.
pub const MAX_ALIASES: usize = 100;
/// CloudFront's limit on a distribution comment.
pub const MAX_COMMENT_CHARS: usize = 128;
/// CloudFormation's limit on a custom resource's `ServiceTimeout`, and its default.
pub const MAX_SERVICE_TIMEOUT: Duration = Duration::from_secs(3600);
/// Tags whose keys start with this are the provider's own.
pub const RESERVED_TAG_PREFIX: &str = "cfclone:";

/// A property value CloudFormation cannot have meant: the message names the property.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{property}: {message}")]
pub struct PropertyError {
    pub property: String,
    pub message: String,
}

impl PropertyError {
    fn new(property: &str, message: impl Into<String>) -> Self {
        Self {
            property: property.to_owned(),
            message: message.into(),
        }
    }
}

/// A per-origin override (`Origins` list entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginOverride {
    pub id: String,
    pub domain_name: Option<String>,
    /// `Some("")` clears the origin path.
    pub origin_path: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceClass {
    PriceClass100,
    PriceClass200,
    PriceClassAll,
}

impl PriceClass {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PriceClass100 => "PriceClass_100",
            Self::PriceClass200 => "PriceClass_200",
            Self::PriceClassAll => "PriceClass_All",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// Where the SSM parameters go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsmOutputs {
    pub prefix: String,
    pub regions: Vec<String>,
}

impl SsmOutputs {
    /// The full parameter names, in the order of [`SSM_PARAMETER_NAMES`].
    pub fn names(&self) -> Vec<String> {
        SSM_PARAMETER_NAMES
            .iter()
            .map(|name| format!("{}/{name}", self.prefix))
            .collect()
    }
}

/// The typed properties of one `Custom::ClonedDistribution`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Properties {
    pub reference_distribution_id: String,
    pub aliases: Vec<String>,
    pub origin_domain_name: Option<String>,
    pub origin_path: Option<String>,
    pub origins: Vec<OriginOverride>,
    pub certificate_arn: Option<String>,
    pub comment: Option<String>,
    pub enabled: bool,
    pub price_class: Option<PriceClass>,
    /// `Some("")` removes the reference's web ACL.
    pub web_acl_id: Option<String>,
    pub logging_prefix: Option<String>,
    pub tags: Vec<Tag>,
    pub ssm: Option<SsmOutputs>,
    pub wait_for_deployment: bool,
    pub reference_revision: Option<String>,
    pub service_timeout: Duration,
}

impl Properties {
    /// Parses `ResourceProperties`. `stack_region` is the default for `SsmRegions`.
    pub fn parse(value: &Value, stack_region: &str) -> Result<Self, PropertyError> {
        let map = value.as_object().ok_or_else(|| {
            PropertyError::new(
                "ResourceProperties",
                "expected an object of properties; declare the resource with Properties",
            )
        })?;
        reject_unknown(map)?;
        let reader = Reader(map);

        let reference_distribution_id =
            reader.string("ReferenceDistributionId")?.ok_or_else(|| {
                PropertyError::new(
                    "ReferenceDistributionId",
                    "is required: the id (E…) of the distribution to copy",
                )
            })?;
        validate_distribution_id(&reference_distribution_id)?;

        let aliases = reader.string_list("Aliases")?.ok_or_else(|| {
            PropertyError::new(
                "Aliases",
                "is required: the clone's domain names (use [] for none)",
            )
        })?;
        validate_aliases(&aliases)?;

        let origin_domain_name = reader.string("OriginDomainName")?;
        if let Some(name) = &origin_domain_name {
            validate_host("OriginDomainName", name)?;
        }
        let origin_path = reader.string("OriginPath")?;
        if let Some(path) = &origin_path {
            validate_origin_path("OriginPath", path)?;
        }
        let origins = reader.origins()?;

        let certificate_arn = reader.string("CertificateArn")?;
        if let Some(arn) = &certificate_arn {
            validate_certificate_arn(arn)?;
            if aliases.is_empty() {
                return Err(PropertyError::new(
                    "CertificateArn",
                    "is set but Aliases is empty; a certificate needs at least one alias",
                ));
            }
        }

        let comment = reader.string("Comment")?;
        if let Some(comment) = &comment
            && comment.chars().count() > MAX_COMMENT_CHARS
        {
            return Err(PropertyError::new(
                "Comment",
                format!(
                    "is {} characters long; CloudFront allows at most {MAX_COMMENT_CHARS}",
                    comment.chars().count()
                ),
            ));
        }

        let price_class = reader
            .string("PriceClass")?
            .map(|value| match value.as_str() {
                "PriceClass_100" => Ok(PriceClass::PriceClass100),
                "PriceClass_200" => Ok(PriceClass::PriceClass200),
                "PriceClass_All" => Ok(PriceClass::PriceClassAll),
                other => Err(PropertyError::new(
                    "PriceClass",
                    format!(
                        "`{other}` is not a price class; use PriceClass_100, PriceClass_200 or PriceClass_All"
                    ),
                )),
            })
            .transpose()?;

        let logging_prefix = reader.string("LoggingPrefix")?;
        if let Some(prefix) = &logging_prefix
            && prefix.starts_with('/')
        {
            return Err(PropertyError::new(
                "LoggingPrefix",
                "must not start with `/` (CloudFront log prefixes are like `logs/shop/`)",
            ));
        }

        let tags = reader.tags()?;

        let web_acl_id = reader.string("WebAclId")?;
        if let Some(id) = &web_acl_id {
            aws_limits::validate_web_acl_id(id)?;
        }

        let ssm_prefix = reader.string("SsmParameterPrefix")?;
        let ssm_regions = reader.string_list("SsmRegions")?;
        let ssm = match (ssm_prefix, ssm_regions) {
            (None, Some(_)) => {
                return Err(PropertyError::new(
                    "SsmRegions",
                    "is set but SsmParameterPrefix is not; set a prefix such as /cfclone/shop",
                ));
            }
            (None, None) => None,
            (Some(prefix), regions) => {
                validate_ssm_prefix(&prefix)?;
                let regions = match regions {
                    Some(regions) if !regions.is_empty() => regions,
                    _ => vec![stack_region.to_owned()],
                };
                validate_regions(&regions)?;
                aws_limits::validate_ssm_names(&prefix, SSM_PARAMETER_NAMES, &regions)?;
                Some(SsmOutputs { prefix, regions })
            }
        };

        let service_timeout = match reader.string("ServiceTimeout")? {
            None => MAX_SERVICE_TIMEOUT,
            Some(text) => match text.trim().parse::<u64>() {
                Ok(secs) if (1..=MAX_SERVICE_TIMEOUT.as_secs()).contains(&secs) => {
                    Duration::from_secs(secs)
                }
                _ => {
                    return Err(PropertyError::new(
                        "ServiceTimeout",
                        format!("`{text}` is not a number of seconds between 1 and 3600"),
                    ));
                }
            },
        };

        Ok(Self {
            reference_distribution_id,
            aliases,
            origin_domain_name,
            origin_path,
            origins,
            certificate_arn,
            comment,
            enabled: reader.boolean("Enabled")?.unwrap_or(true),
            price_class,
            web_acl_id,
            logging_prefix,
            tags,
            ssm,
            wait_for_deployment: reader.boolean("WaitForDeployment")?.unwrap_or(false),
            reference_revision: reader.string("ReferenceRevision")?,
            service_timeout,
        })
    }

    /// The first alias, if any: the clone's "main" domain name.
    pub fn primary_alias(&self) -> Option<&str> {
        self.aliases.first().map(String::as_str)
    }
}

/// Reads the `ServiceTimeout` of raw properties without validating anything else, so
/// that even an invalid event is bounded by the timeout the template asked for.
pub fn service_timeout_of(value: &Value) -> Duration {
    value
        .get("ServiceTimeout")
        .and_then(|v| match v {
            Value::String(s) => s.trim().parse::<u64>().ok(),
            Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .filter(|secs| (1..=MAX_SERVICE_TIMEOUT.as_secs()).contains(secs))
        .map_or(MAX_SERVICE_TIMEOUT, Duration::from_secs)
}

/// Reads `SsmParameterPrefix`/`SsmRegions` leniently (for Delete, whose properties were
/// validated when they were created, or for the old properties of an Update).
pub fn ssm_outputs_of(value: &Value, stack_region: &str) -> Option<SsmOutputs> {
    let prefix = value.get("SsmParameterPrefix")?.as_str()?.to_owned();
    if validate_ssm_prefix(&prefix).is_err() {
        return None;
    }
    let regions: Vec<String> = value
        .get("SsmRegions")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .filter(|regions: &Vec<String>| !regions.is_empty() && validate_regions(regions).is_ok())
        .unwrap_or_else(|| vec![stack_region.to_owned()]);
    Some(SsmOutputs { prefix, regions })
}

fn reject_unknown(map: &Map<String, Value>) -> Result<(), PropertyError> {
    for key in map.keys() {
        if !PROPERTY_NAMES.contains(&key.as_str()) {
            let hint = PROPERTY_NAMES
                .iter()
                .find(|known| {
                    edit_distance(&known.to_ascii_lowercase(), &key.to_ascii_lowercase()) <= 2
                })
                .map(|known| format!("; did you mean {known}?"))
                .unwrap_or_default();
            return Err(PropertyError::new(
                key,
                format!("is not a property of Custom::ClonedDistribution{hint}"),
            ));
        }
    }
    Ok(())
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

struct Reader<'a>(&'a Map<String, Value>);

impl Reader<'_> {
    fn string(&self, name: &str) -> Result<Option<String>, PropertyError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => Err(PropertyError::new(
                name,
                format!("expected a string, got {}", kind_of(other)),
            )),
        }
    }

    fn boolean(&self, name: &str) -> Result<Option<bool>, PropertyError> {
        match self.string(name)?.as_deref() {
            None => Ok(None),
            Some("true" | "True" | "TRUE") => Ok(Some(true)),
            Some("false" | "False" | "FALSE") => Ok(Some(false)),
            Some(other) => Err(PropertyError::new(
                name,
                format!("`{other}` is not a boolean; use \"true\" or \"false\""),
            )),
        }
    }

    fn list(&self, name: &str) -> Result<Option<&Vec<Value>>, PropertyError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(PropertyError::new(
                name,
                format!("expected a list, got {}", kind_of(other)),
            )),
        }
    }

    fn string_list(&self, name: &str) -> Result<Option<Vec<String>>, PropertyError> {
        let Some(items) = self.list(name)? else {
            return Ok(None);
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(PropertyError::new(
                    name,
                    format!("item {i} should be a string, got {}", kind_of(other)),
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    fn objects(&self, name: &str) -> Result<Vec<&Map<String, Value>>, PropertyError> {
        let Some(items) = self.list(name)? else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_object().ok_or_else(|| {
                    PropertyError::new(
                        name,
                        format!("item {i} should be an object, got {}", kind_of(item)),
                    )
                })
            })
            .collect()
    }

    fn origins(&self) -> Result<Vec<OriginOverride>, PropertyError> {
        let mut origins: Vec<OriginOverride> = Vec::new();
        for (i, item) in self.objects("Origins")?.into_iter().enumerate() {
            let field = |key: &str| -> Result<Option<String>, PropertyError> {
                match item.get(key) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) => Ok(Some(s.clone())),
                    Some(other) => Err(PropertyError::new(
                        "Origins",
                        format!("item {i}: {key} should be a string, got {}", kind_of(other)),
                    )),
                }
            };
            if let Some(key) = item
                .keys()
                .find(|k| !matches!(k.as_str(), "Id" | "DomainName" | "OriginPath"))
            {
                return Err(PropertyError::new(
                    "Origins",
                    format!("item {i}: unknown key {key}; use Id, DomainName and OriginPath"),
                ));
            }
            let id = field("Id")?.filter(|id| !id.is_empty()).ok_or_else(|| {
                PropertyError::new(
                    "Origins",
                    format!("item {i}: Id is required (the reference origin's id)"),
                )
            })?;
            let domain_name = field("DomainName")?;
            if let Some(name) = &domain_name {
                validate_host("Origins", name)?;
            }
            let origin_path = field("OriginPath")?;
            if let Some(path) = &origin_path {
                validate_origin_path("Origins", path)?;
            }
            if origins.iter().any(|o| o.id == id) {
                return Err(PropertyError::new(
                    "Origins",
                    format!("origin id `{id}` appears twice; merge the two entries"),
                ));
            }
            origins.push(OriginOverride {
                id,
                domain_name,
                origin_path,
            });
        }
        Ok(origins)
    }

    fn tags(&self) -> Result<Vec<Tag>, PropertyError> {
        let mut tags: Vec<Tag> = Vec::new();
        for (i, item) in self.objects("Tags")?.into_iter().enumerate() {
            let get = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
            let key = get("Key")
                .filter(|k| !k.is_empty())
                .ok_or_else(|| PropertyError::new("Tags", format!("item {i}: Key is required")))?;
            if key.starts_with(RESERVED_TAG_PREFIX) {
                return Err(PropertyError::new(
                    "Tags",
                    format!(
                        "`{key}`: keys starting with {RESERVED_TAG_PREFIX} are reserved for the provider's ownership tags"
                    ),
                ));
            }
            let value = get("Value").unwrap_or_default();
            aws_limits::validate_tag(&key, &value)?;
            if tags.iter().any(|t| t.key == key) {
                return Err(PropertyError::new("Tags", format!("`{key}` appears twice")));
            }
            tags.push(Tag { key, value });
        }
        // CloudFront allows 50 tags; two are the provider's.
        if tags.len() > 48 {
            return Err(PropertyError::new(
                "Tags",
                format!(
                    "{} tags given; at most 48 fit next to the provider's two ownership tags",
                    tags.len()
                ),
            ));
        }
        Ok(tags)
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn validate_distribution_id(id: &str) -> Result<(), PropertyError> {
    let ok = !id.is_empty()
        && id.len() <= 32
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(PropertyError::new(
            "ReferenceDistributionId",
            format!("`{id}` is not a CloudFront distribution id (like E2QWRUHAPOMQZL)"),
        ))
    }
}

fn validate_aliases(aliases: &[String]) -> Result<(), PropertyError> {
    if aliases.len() > MAX_ALIASES {
        return Err(PropertyError::new(
            "Aliases",
            format!(
                "{} aliases given; CloudFront allows at most {MAX_ALIASES} per distribution",
                aliases.len()
            ),
        ));
    }
    for (i, alias) in aliases.iter().enumerate() {
        if alias.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(PropertyError::new(
                "Aliases",
                format!(
                    "`{alias}` must be lowercase (write `{}`)",
                    alias.to_ascii_lowercase()
                ),
            ));
        }
        let host = alias.strip_prefix("*.").unwrap_or(alias);
        validate_host("Aliases", host)?;
        if aliases[..i].contains(alias) {
            return Err(PropertyError::new(
                "Aliases",
                format!("`{alias}` appears twice"),
            ));
        }
    }
    Ok(())
}

/// A DNS host name: labels of letters, digits and hyphens, at most 253 characters.
fn validate_host(property: &str, host: &str) -> Result<(), PropertyError> {
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if host.len() <= 253 && host.contains('.') && host.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(PropertyError::new(
            property,
            format!("`{host}` is not a valid domain name"),
        ))
    }
}

fn validate_origin_path(property: &str, path: &str) -> Result<(), PropertyError> {
    if path.is_empty() || (path.starts_with('/') && !path.ends_with('/') && path.len() <= 255) {
        Ok(())
    } else {
        Err(PropertyError::new(
            property,
            format!(
                "origin path `{path}` must start with `/` and not end with `/` (like /prod), or be empty to clear it"
            ),
        ))
    }
}

fn validate_certificate_arn(arn: &str) -> Result<(), PropertyError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "acm"
        && parts[4].len() == 12
        && parts[5].starts_with("certificate/");
    if !ok {
        return Err(PropertyError::new(
            "CertificateArn",
            format!(
                "`{arn}` is not an ACM certificate ARN (arn:aws:acm:us-east-1:ACCOUNT:certificate/ID)"
            ),
        ));
    }
    if parts[3] != "us-east-1" {
        return Err(PropertyError::new(
            "CertificateArn",
            format!(
                "the certificate is in {}; CloudFront only uses ACM certificates from us-east-1 — request or import one there",
                parts[3]
            ),
        ));
    }
    Ok(())
}

fn validate_ssm_prefix(prefix: &str) -> Result<(), PropertyError> {
    let ok = prefix.len() > 1
        && prefix.len() <= 1000
        && prefix.starts_with('/')
        && !prefix.ends_with('/')
        && !prefix.contains("//")
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_.-".contains(c));
    let lower = prefix.to_ascii_lowercase();
    if !ok {
        return Err(PropertyError::new(
            "SsmParameterPrefix",
            format!(
                "`{prefix}` must look like /team/app: start with `/`, no trailing `/`, only letters, digits and _ . - /"
            ),
        ));
    }
    if lower.starts_with("/aws") || lower.starts_with("/ssm") {
        return Err(PropertyError::new(
            "SsmParameterPrefix",
            format!("`{prefix}`: names beginning with /aws or /ssm are reserved by AWS"),
        ));
    }
    Ok(())
}

fn validate_regions(regions: &[String]) -> Result<(), PropertyError> {
    for (i, region) in regions.iter().enumerate() {
        let parts: Vec<&str> = region.split('-').collect();
        let ok = parts.len() >= 3
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
            && parts
                .last()
                .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(PropertyError::new(
                "SsmRegions",
                format!("`{region}` is not a region name (like eu-west-1)"),
            ));
        }
        if regions[..i].contains(region) {
            return Err(PropertyError::new(
                "SsmRegions",
                format!("`{region}` appears twice"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
            serde_json::from_str(include_str!("../../schema/cloned-distribution.json")).unwrap();
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
}
