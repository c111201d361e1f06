//! A distribution's configuration as named fields, for the operator's views: what a plan
//! changes against the reference, what differs between a clone and its plan, and a content
//! hash of the reference (its *revision*). Pure.
//!
//! Fields are named as CloudFront's API names them (`DefaultCacheBehavior`, `Origins[web]`,
//! `CacheBehaviors[/api/*]`); origins and cache behaviours are one field each, so a change
//! to one behaviour is not a change to "all of them". A field's text is the SDK type's
//! pretty `Debug` with absent (`None`) members left out, so a newer SDK that knows one more
//! optional member reads the same. The SDK hides two members in `Debug` (`Comment`, and the
//! values of origin custom headers); both are written out here, a header value as a digest
//! (it is often a shared secret between CloudFront and the origin). These texts are what a
//! clone's record digests, so they stay as they are; a change is *shown* in CloudFront's own
//! vocabulary ([`Change::lines`], module `aws`).

use aws_sdk_cloudfront::types::{DistributionConfig, Origin, ViewerCertificate};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Debug;

mod aws;
mod names;

/// Field name → its text.
pub type Fields = BTreeMap<String, String>;

/// The alternate domain names of `config` (none when it has no `Aliases`).
pub fn aliases(config: &DistributionConfig) -> Vec<String> {
    config
        .aliases
        .as_ref()
        .and_then(|a| a.items.clone())
        .unwrap_or_default()
}

/// The fields of `config`, `CallerReference` left out (it names the distribution, it is not
/// configuration). Absent fields are not listed.
pub fn fields(config: &DistributionConfig) -> Fields {
    let mut out = Fields::new();
    let mut put = |name: &str, value: Option<String>| {
        // An empty value is an absent one (see `text`).
        if let Some(text) = value.filter(|t| t != "\"\"" && t != "[]") {
            out.insert(name.to_owned(), text);
        }
    };
    put("Aliases", config.aliases.as_ref().map(text));
    put(
        "DefaultRootObject",
        config.default_root_object.as_ref().map(text),
    );
    put("OriginGroups", config.origin_groups.as_ref().map(text));
    put(
        "DefaultCacheBehavior",
        config.default_cache_behavior.as_ref().map(text),
    );
    put(
        "CustomErrorResponses",
        config.custom_error_responses.as_ref().map(text),
    );
    put("Comment", Some(text(&config.comment)));
    put("Logging", config.logging.as_ref().map(text));
    put("PriceClass", config.price_class.as_ref().map(text));
    put("Enabled", Some(text(&config.enabled)));
    put(
        "ViewerCertificate",
        config.viewer_certificate.as_ref().map(text),
    );
    put("Restrictions", config.restrictions.as_ref().map(text));
    put("WebACLId", config.web_acl_id.as_ref().map(text));
    put("HttpVersion", config.http_version.as_ref().map(text));
    put("IsIPV6Enabled", config.is_ipv6_enabled.as_ref().map(text));
    put(
        "ContinuousDeploymentPolicyId",
        config.continuous_deployment_policy_id.as_ref().map(text),
    );
    put("Staging", config.staging.as_ref().map(text));
    put(
        "AnycastIpListId",
        config.anycast_ip_list_id.as_ref().map(text),
    );
    put("TenantConfig", config.tenant_config.as_ref().map(text));
    put("ConnectionMode", config.connection_mode.as_ref().map(text));
    put(
        "ViewerMtlsConfig",
        config.viewer_mtls_config.as_ref().map(text),
    );
    put(
        "ConnectionFunctionAssociation",
        config.connection_function_association.as_ref().map(text),
    );
    put("CacheTagConfig", config.cache_tag_config.as_ref().map(text));
    for origin in config.origins.iter().flat_map(|o| o.items.iter()) {
        out.insert(format!("Origins[{}]", origin.id), origin_text(origin));
    }
    let behaviours: Vec<&str> = config
        .cache_behaviors
        .iter()
        .flat_map(|b| b.items.iter().flatten())
        .map(|b| b.path_pattern.as_str())
        .collect();
    if !behaviours.is_empty() {
        // Precedence is the order of the list.
        out.insert("CacheBehaviors (order)".into(), text(&behaviours));
    }
    for behaviour in config
        .cache_behaviors
        .iter()
        .flat_map(|b| b.items.iter().flatten())
    {
        out.insert(
            format!("CacheBehaviors[{}]", behaviour.path_pattern),
            text(behaviour),
        );
    }
    out
}

/// A short digest of a text: 16 hex digits of its SHA-256.
pub fn digest(text: &str) -> String {
    let hash = Sha256::digest(text.as_bytes());
    hash[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Each field's digest, `config` normalised first: what a clone's record keeps of the
/// configuration it was given, to tell later whether a field was edited since.
pub fn digests(config: &DistributionConfig) -> BTreeMap<String, String> {
    fields(&normalised(config))
        .iter()
        .map(|(name, text)| (name.clone(), digest(text)))
        .collect()
}

/// The reference's revision: a digest of its whole configuration (after
/// [`normalised`], without `CallerReference`). Unlike the ETag it changes
/// only when the content does.
pub fn revision(reference: &DistributionConfig) -> String {
    let fields = fields(&normalised(reference));
    let mut hash = Sha256::new();
    for (name, text) in &fields {
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update(text.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    format!("r-{hex}")
}

/// One field that differs between two configurations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    /// The text in the first configuration; `None` when the field is absent there.
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Change {
    /// The change as lines in CloudFront's vocabulary: `-` what goes, `+` what comes, one
    /// leaf a line (`+ DefaultCacheBehavior.Compress: false`), unchanged leaves left out (a
    /// line diff of the two sides rendered by `aws::rendered`).
    pub fn lines(&self) -> Vec<String> {
        let before = aws::rendered(&self.field, self.before.as_deref());
        let after = aws::rendered(&self.field, self.after.as_deref());
        let diff = similar::TextDiff::from_lines(&before, &after);
        diff.iter_all_changes()
            .filter_map(|change| {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => return None,
                };
                Some(format!("{sign} {}", change.value().trim_end()))
            })
            .collect()
    }
}

/// The fields that differ from `from` to `to`, both normalised first (what CloudFront adds
/// on its own is no difference), in field-name order.
pub fn changes(from: &DistributionConfig, to: &DistributionConfig) -> Vec<Change> {
    let from = fields(&normalised(from));
    let to = fields(&normalised(to));
    let mut names: Vec<&String> = from.keys().chain(to.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| from.get(*name) != to.get(*name))
        .map(|name| Change {
            field: name.clone(),
            before: from.get(name).cloned(),
            after: to.get(name).cloned(),
        })
        .collect()
}

/// Pretty `Debug` without the lines of absent members, and a `Some(` around a single value
/// kept on one line (`compress: Some(true),`), so that a changed line names its member. An
/// empty text or list is absent too: CloudFront answers some members left out as empty
/// elements (moto answers `IAMCertificateId` so), and either way there is nothing in them.
fn text(value: &impl Debug) -> String {
    let pretty = format!("{value:#?}");
    let lines: Vec<&str> = pretty
        .lines()
        .filter(|line| !line.trim_end().ends_with(": None,"))
        .collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let single = lines
            .get(i + 1)
            .map(|l| l.trim())
            .filter(|inner| !inner.ends_with(['{', '[', '(']) && inner.ends_with(','));
        let closing = lines.get(i + 2).map(|l| l.trim());
        if let (true, Some(inner), Some(close @ (")" | "),"))) =
            (line.ends_with("Some("), single, closing)
        {
            out.push(format!(
                "{line}{}){}",
                inner.trim_end_matches(','),
                &close[1..]
            ));
            i += 3;
        } else {
            out.push(line.to_owned());
            i += 1;
        }
    }
    out.retain(|line| !line.ends_with(": Some(\"\"),") && !line.ends_with(": Some([]),"));
    out.join("\n")
}

/// An origin, its custom headers written out (the SDK's `Debug` hides their values).
fn origin_text(origin: &Origin) -> String {
    let mut origin = origin.clone();
    let headers: Vec<String> = origin
        .custom_headers
        .take()
        .map(|h| h.items.unwrap_or_default())
        .unwrap_or_default()
        .iter()
        .map(|h| format!("{}: sha256:{}", h.header_name, digest(&h.header_value)))
        .collect();
    let mut out = text(&origin);
    if !headers.is_empty() {
        out.push_str("\nCustomHeaders: ");
        out.push_str(&text(&headers));
    }
    out
}

/// `config` with what CloudFront adds on its own taken out again. CloudFront's answers are
/// not a byte-for-byte echo of what was sent; what it adds or spells its own way
/// (GetDistributionConfig, API version 2020-05-31):
/// - `ViewerCertificate.Certificate` and `CertificateSource`, deprecated, always returned
///   beside `ACMCertificateArn` / `CloudFrontDefaultCertificate`;
/// - with the default certificate, `SSLSupportMethod` and `MinimumProtocolVersion` of its
///   own (CloudFront uses TLSv1 there whatever the request said);
/// - `Staging=false`, and empty `ContinuousDeploymentPolicyId`, `AnycastIpListId`,
///   `WebACLId` and `OriginPath` elements where the request left them out (any other empty
///   value is absent to [`fields`] too);
/// - an empty list as `<Quantity>0</Quantity>` with no `Items`.
pub fn normalised(config: &DistributionConfig) -> DistributionConfig {
    let mut config = config.clone();
    if let Some(v) = config.viewer_certificate.take() {
        config.viewer_certificate = Some(viewer_certificate(v));
    }
    if let Some(aliases) = config.aliases.as_mut()
        && aliases.items.as_ref().is_some_and(Vec::is_empty)
    {
        aliases.items = None;
    }
    if config.staging == Some(false) {
        config.staging = None;
    }
    for field in [
        &mut config.continuous_deployment_policy_id,
        &mut config.anycast_ip_list_id,
        &mut config.web_acl_id,
    ] {
        if field.as_deref() == Some("") {
            *field = None;
        }
    }
    for origin in config.origins.iter_mut().flat_map(|o| o.items.iter_mut()) {
        if origin.origin_path.is_none() {
            origin.origin_path = Some(String::new());
        }
    }
    config
}

#[allow(deprecated)]
fn viewer_certificate(mut v: ViewerCertificate) -> ViewerCertificate {
    v.certificate = None;
    v.certificate_source = None;
    if v.cloud_front_default_certificate == Some(true) {
        v.ssl_support_method = None;
        v.minimum_protocol_version = None;
        v.acm_certificate_arn = None;
        v.iam_certificate_id = None;
    } else if v.cloud_front_default_certificate.is_none() {
        v.cloud_front_default_certificate = Some(false);
    }
    v
}

#[cfg(test)]
mod tests;
