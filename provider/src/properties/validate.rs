//! The rules a property value must follow before AWS sees it.

use super::{MAX_ALIASES, PropertyError};

/// Whether `id` can be a CloudFront distribution id (E2QWRUHAPOMQZL: capital letters and
/// digits).
pub fn is_distribution_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

pub(super) fn validate_distribution_id(id: &str) -> Result<(), PropertyError> {
    if is_distribution_id(id) {
        Ok(())
    } else {
        Err(PropertyError::new(
            "ReferenceDistributionId",
            format!("`{id}` is not a CloudFront distribution id (like E2QWRUHAPOMQZL)"),
        ))
    }
}

pub(super) fn validate_aliases(aliases: &[String]) -> Result<(), PropertyError> {
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
pub(super) fn validate_host(property: &str, host: &str) -> Result<(), PropertyError> {
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

pub(super) fn validate_origin_path(property: &str, path: &str) -> Result<(), PropertyError> {
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

pub(super) fn validate_certificate_arn(arn: &str) -> Result<(), PropertyError> {
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

pub(super) fn validate_ssm_prefix(prefix: &str) -> Result<(), PropertyError> {
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

pub(super) fn validate_regions(regions: &[String]) -> Result<(), PropertyError> {
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
