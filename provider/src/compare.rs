//! Comparing a planned configuration with the one CloudFront returns, so that an Update
//! whose plan is already in place sends nothing (a needless `UpdateDistribution` puts the
//! clone back to `InProgress` for minutes, on every stack update).
//!
//! CloudFront's answers are not a byte-for-byte echo of what was sent. Pure.
//! What it adds or spells its own way (GetDistributionConfig, API version 2020-05-31):
//! - `ViewerCertificate.Certificate` and `CertificateSource`, deprecated, always returned
//!   beside `ACMCertificateArn` / `CloudFrontDefaultCertificate`;
//! - with the default certificate, `SSLSupportMethod` and `MinimumProtocolVersion` of its
//!   own (CloudFront uses TLSv1 there whatever the request said);
//! - `Staging=false`, and empty `ContinuousDeploymentPolicyId`, `AnycastIpListId`,
//!   `WebACLId` and `OriginPath` elements where the request left them out;
//! - an empty list as `<Quantity>0</Quantity>` with no `Items`.

use aws_sdk_cloudfront::types::{DistributionConfig, ViewerCertificate};

/// Whether two configurations are the same for CloudFront.
pub fn same_configuration(a: &DistributionConfig, b: &DistributionConfig) -> bool {
    normalised(a) == normalised(b)
}

/// `config` with what CloudFront adds on its own taken out again.
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
mod tests {
    use super::*;
    use crate::aws::fake::as_cloudfront_returns;
    use crate::test_support::{CERT, REFERENCE_ID, reference};
    use serde_json::json;

    fn planned(aliases: &[&str], certificate: Option<&str>) -> DistributionConfig {
        crate::test_support::plan_of(
            &reference(),
            json!({"ServiceToken": "x", "ReferenceDistributionId": REFERENCE_ID, "Aliases": aliases}),
            certificate,
        )
    }

    #[test]
    fn a_plan_equals_cloudfronts_answer_for_it() {
        let with_aliases = planned(&["shop.example.com"], Some(CERT));
        let returned = as_cloudfront_returns(&with_aliases);
        assert_ne!(with_aliases, returned, "the answer differs as sent");
        assert!(same_configuration(&with_aliases, &returned));

        let without = planned(&[], None);
        assert!(same_configuration(
            &without,
            &as_cloudfront_returns(&without)
        ));
    }

    #[test]
    fn a_real_difference_is_still_a_difference() {
        let sent = planned(&["shop.example.com"], Some(CERT));
        let mut returned = as_cloudfront_returns(&sent);
        returned.comment = "edited by hand".into();
        assert!(!same_configuration(&sent, &returned));

        let mut returned = as_cloudfront_returns(&sent);
        returned
            .viewer_certificate
            .as_mut()
            .unwrap()
            .acm_certificate_arn =
            Some("arn:aws:acm:us-east-1:123456789012:certificate/other".into());
        assert!(!same_configuration(&sent, &returned));

        let other_aliases = planned(&["www.example.org"], Some(CERT));
        assert!(!same_configuration(
            &sent,
            &as_cloudfront_returns(&other_aliases)
        ));
    }
}
