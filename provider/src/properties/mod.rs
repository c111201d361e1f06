//! The resource's properties: CloudFormation sends every value as a string (lists as
//! lists of strings); this module turns them into typed values or refuses them with a
//! reason that names the property and the way out.

use serde_json::Value;
use std::time::Duration;

pub mod aws_limits;
mod reader;
mod steps;
mod validate;

use reader::{Reader, reject_unknown};
pub use validate::is_distribution_id;
use validate::*;

/// Every property `Custom::ClonedDistribution` accepts, in the order of docs/properties.md.
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
    "CertificateValidation",
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
    "DeletionMode",
];

/// The properties whose value is text (the rest are lists, objects, booleans, numbers). The
/// REST API takes them as JSON strings (`api/openapi.json` types them so: a test keeps the
/// two in step); CloudFormation sends every value as text anyway.
pub const TEXT_PROPERTIES: &[&str] = &[
    "ReferenceDistributionId",
    "OriginDomainName",
    "OriginPath",
    "CertificateArn",
    "Comment",
    "PriceClass",
    "WebAclId",
    "LoggingPrefix",
];

/// The attributes `Fn::GetAtt` can read.
pub const ATTRIBUTE_NAMES: &[&str] = &[
    "DistributionId",
    "DomainName",
    "Arn",
    "CertificateArn",
    "ReferenceDistributionId",
    "OriginAccessControlBuckets",
    "CertificateValidationRecords",
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
    pub(crate) fn new(property: &str, message: impl Into<String>) -> Self {
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

/// What Delete does with the clone (`DeletionMode`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DeletionMode {
    /// Disable, wait, delete (the default).
    #[default]
    Delete,
    /// Disable and leave it: the clone stays, disabled, with its aliases and certificate
    /// (Terraform's `retain_on_delete`).
    Disable,
}

impl DeletionMode {
    fn parse(value: Option<&str>) -> Result<Self, PropertyError> {
        match value {
            None | Some("Delete") => Ok(Self::Delete),
            Some("Disable") => Ok(Self::Disable),
            Some(other) => Err(PropertyError::new(
                "DeletionMode",
                format!(
                    "`{other}` is not a deletion mode; use Delete (the default: disable, wait, delete) or Disable (leave the clone disabled)"
                ),
            )),
        }
    }
}

/// `CertificateValidation`: request a certificate when no usable one covers the aliases,
/// validated by DNS in these Route 53 hosted zones (none: the records are published, for
/// DNS hosted elsewhere, and the wait goes on until someone adds them).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertificateValidation {
    /// Hosted zone ids (`Z…`, without `/hostedzone/`).
    pub hosted_zone_ids: Vec<String>,
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
    pub certificate_validation: Option<CertificateValidation>,
    pub comment: Option<String>,
    pub enabled: bool,
    pub price_class: Option<PriceClass>,
    /// `Some("")` removes the reference's web ACL.
    pub web_acl_id: Option<String>,
    pub logging_prefix: Option<String>,
    pub tags: Vec<Tag>,
    pub ssm: Option<SsmOutputs>,
    pub wait_for_deployment: bool,
    pub deletion_mode: DeletionMode,
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
        let (reference_distribution_id, aliases) = reader.required()?;
        let (origin_domain_name, origin_path, origins) = reader.origin()?;
        let (certificate_arn, certificate_validation) = reader.certificate(&aliases)?;
        // In this order, so that of several bad properties the same one is named first.
        let comment = reader.comment()?;
        let price_class = reader.price_class()?;
        let logging_prefix = reader.logging_prefix()?;
        let tags = reader.tags()?;
        let web_acl_id = reader.web_acl_id()?;
        let ssm = reader.ssm(stack_region)?;
        let service_timeout = reader.service_timeout()?;
        Ok(Self {
            reference_distribution_id,
            aliases,
            origin_domain_name,
            origin_path,
            origins,
            certificate_arn,
            certificate_validation,
            comment,
            enabled: reader.boolean("Enabled")?.unwrap_or(true),
            price_class,
            web_acl_id,
            logging_prefix,
            tags,
            ssm,
            wait_for_deployment: reader.boolean("WaitForDeployment")?.unwrap_or(false),
            deletion_mode: DeletionMode::parse(reader.string("DeletionMode")?.as_deref())?,
            reference_revision: reader.string("ReferenceRevision")?,
            service_timeout,
        })
    }

    /// The first alias, if any: the clone's "main" domain name.
    pub fn primary_alias(&self) -> Option<&str> {
        self.aliases.first().map(String::as_str)
    }
}

/// The properties of one request, read once: checked for Create and Update, and what
/// Delete and the time budget need read leniently, so that even properties that today's
/// rules refuse (an older provider took them) can be deleted, and even an invalid event is
/// bounded by the timeout its template asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The typed properties, or the first property that cannot be used.
    pub checked: Result<Properties, PropertyError>,
    pub service_timeout: Duration,
    pub ssm: Option<SsmOutputs>,
    pub reference_distribution_id: Option<String>,
    /// `DeletionMode`, read leniently: anything but `Disable` deletes.
    pub deletion_mode: DeletionMode,
    /// The properties as CloudFormation sent them.
    pub raw: Value,
}

impl Declared {
    /// Reads `ResourceProperties`; `stack_region` is the default for `SsmRegions`.
    pub fn read(raw: Value, stack_region: &str) -> Self {
        let checked = Properties::parse(&raw, stack_region);
        let (service_timeout, ssm, reference_distribution_id) = match &checked {
            Ok(p) => (
                p.service_timeout,
                p.ssm.clone(),
                Some(p.reference_distribution_id.clone()),
            ),
            Err(_) => (
                service_timeout_of(&raw),
                ssm_outputs_of(&raw, stack_region),
                raw.get("ReferenceDistributionId")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
        };
        let deletion_mode = match raw.get("DeletionMode").and_then(Value::as_str) {
            Some("Disable") => DeletionMode::Disable,
            _ => DeletionMode::Delete,
        };
        Self {
            checked,
            service_timeout,
            ssm,
            reference_distribution_id,
            deletion_mode,
            raw,
        }
    }

    /// The tags these properties declare (none if they cannot be read).
    pub fn tags(&self) -> &[Tag] {
        self.checked.as_ref().map_or(&[], |p| &p.tags)
    }
}

/// Reads the `ServiceTimeout` of raw properties without validating anything else, so
/// that even an invalid event is bounded by the timeout the template asked for.
fn service_timeout_of(value: &Value) -> Duration {
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
fn ssm_outputs_of(value: &Value, stack_region: &str) -> Option<SsmOutputs> {
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

#[cfg(test)]
mod tests;
