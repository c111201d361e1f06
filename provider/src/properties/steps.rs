//! The named steps of [`super::Properties::parse`]: each property (or the few that go
//! together) read, checked and typed, naming the property at fault.

use super::reader::Reader;
use super::validate::*;
use super::{
    CertificateValidation, MAX_COMMENT_CHARS, MAX_SERVICE_TIMEOUT, OriginOverride, PriceClass,
    PropertyError, SSM_PARAMETER_NAMES, SsmOutputs, aws_limits,
};
use std::time::Duration;

/// `OriginDomainName`, `OriginPath` and `Origins`.
type Origin = (Option<String>, Option<String>, Vec<OriginOverride>);

impl Reader<'_> {
    /// `ReferenceDistributionId` and `Aliases`, both required.
    pub(super) fn required(&self) -> Result<(String, Vec<String>), PropertyError> {
        let reference_distribution_id =
            self.string("ReferenceDistributionId")?.ok_or_else(|| {
                PropertyError::new(
                    "ReferenceDistributionId",
                    "is required: the id (E…) of the distribution to copy",
                )
            })?;
        validate_distribution_id(&reference_distribution_id)?;

        let aliases = self.string_list("Aliases")?.ok_or_else(|| {
            PropertyError::new(
                "Aliases",
                "is required: the clone's domain names (use [] for none)",
            )
        })?;
        validate_aliases(&aliases)?;
        Ok((reference_distribution_id, aliases))
    }

    /// `OriginDomainName`, `OriginPath` and `Origins`.
    pub(super) fn origin(&self) -> Result<Origin, PropertyError> {
        let origin_domain_name = self.string("OriginDomainName")?;
        if let Some(name) = &origin_domain_name {
            validate_host("OriginDomainName", name)?;
        }
        let origin_path = self.string("OriginPath")?;
        if let Some(path) = &origin_path {
            validate_origin_path("OriginPath", path)?;
        }
        let origins = self.origins()?;
        Ok((origin_domain_name, origin_path, origins))
    }

    /// `CertificateArn` or `CertificateValidation` (not both), each only with aliases.
    pub(super) fn certificate(
        &self,
        aliases: &[String],
    ) -> Result<(Option<String>, Option<CertificateValidation>), PropertyError> {
        let certificate_arn = self.string("CertificateArn")?;
        if let Some(arn) = &certificate_arn {
            validate_certificate_arn(arn)?;
            if aliases.is_empty() {
                return Err(PropertyError::new(
                    "CertificateArn",
                    "is set but Aliases is empty; a certificate needs at least one alias",
                ));
            }
        }

        let certificate_validation = self.certificate_validation()?;
        if certificate_validation.is_some() {
            if aliases.is_empty() {
                return Err(PropertyError::new(
                    "CertificateValidation",
                    "is set but Aliases is empty; a certificate is requested for the aliases",
                ));
            }
            if certificate_arn.is_some() {
                return Err(PropertyError::new(
                    "CertificateValidation",
                    "is set together with CertificateArn; give the certificate or let the provider request one, not both",
                ));
            }
        }
        Ok((certificate_arn, certificate_validation))
    }

    /// `Comment`, within CloudFront's length.
    pub(super) fn comment(&self) -> Result<Option<String>, PropertyError> {
        let comment = self.string("Comment")?;
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
        Ok(comment)
    }

    /// `PriceClass`, one of CloudFront's three.
    pub(super) fn price_class(&self) -> Result<Option<PriceClass>, PropertyError> {
        let price_class = self
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
        Ok(price_class)
    }

    /// `LoggingPrefix`, relative.
    pub(super) fn logging_prefix(&self) -> Result<Option<String>, PropertyError> {
        let logging_prefix = self.string("LoggingPrefix")?;
        if let Some(prefix) = &logging_prefix
            && prefix.starts_with('/')
        {
            return Err(PropertyError::new(
                "LoggingPrefix",
                "must not start with `/` (CloudFront log prefixes are like `logs/shop/`)",
            ));
        }
        Ok(logging_prefix)
    }

    /// `WebAclId`, a WAF web ACL's id or ARN.
    pub(super) fn web_acl_id(&self) -> Result<Option<String>, PropertyError> {
        let web_acl_id = self.string("WebAclId")?;
        if let Some(id) = &web_acl_id {
            aws_limits::validate_web_acl_id(id)?;
        }
        Ok(web_acl_id)
    }

    /// `SsmParameterPrefix` and `SsmRegions` (the stack's region by default).
    pub(super) fn ssm(&self, stack_region: &str) -> Result<Option<SsmOutputs>, PropertyError> {
        let ssm_prefix = self.string("SsmParameterPrefix")?;
        let ssm_regions = self.string_list("SsmRegions")?;
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
        Ok(ssm)
    }

    /// `ServiceTimeout`, in seconds (an hour by default).
    pub(super) fn service_timeout(&self) -> Result<Duration, PropertyError> {
        let service_timeout = match self.string("ServiceTimeout")? {
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
        Ok(service_timeout)
    }
}
