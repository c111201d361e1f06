//! Comparing a planned configuration with the one CloudFront returns, so that an Update
//! whose plan is already in place sends nothing (a needless `UpdateDistribution` puts the
//! clone back to `InProgress` for minutes, on every stack update). CloudFront's answers
//! are not a byte-for-byte echo of what was sent: the two are compared field by field as
//! [`crate::fields`] reads them, after [`crate::fields::normalised`] (what CloudFront adds
//! on its own) and with an empty value the same as an absent one. Pure.

use aws_sdk_cloudfront::types::DistributionConfig;

/// Whether two configurations are the same for CloudFront.
pub fn same_configuration(a: &DistributionConfig, b: &DistributionConfig) -> bool {
    crate::fields::changes(a, b).is_empty()
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

    #[test]
    fn an_empty_value_is_the_same_as_an_absent_one() {
        // Stock moto answers IAMCertificateId as "", real CloudFront leaves it out.
        let sent = planned(&["shop.example.com"], Some(CERT));
        let mut returned = as_cloudfront_returns(&sent);
        returned
            .viewer_certificate
            .as_mut()
            .unwrap()
            .iam_certificate_id = Some(String::new());
        returned.default_root_object = Some(String::new());
        let mut sent = sent;
        sent.default_root_object = None;
        assert!(same_configuration(&sent, &returned));
        assert!(crate::fields::changes(&sent, &returned).is_empty());

        returned.default_root_object = Some("index.html".into());
        assert!(!same_configuration(&sent, &returned));
    }
}
