//! AWS failures as reasons for CloudFormation: the property or permission at fault and
//! the way out, where we know it. Pure.

use crate::aws::{AwsError, ErrorKind};
use aws_sdk_cloudfront::types::DistributionConfig;

/// An AWS failure as a reason, with the way out where we know it.
pub fn explain(error: &AwsError) -> String {
    let alias_error =
        error.is(ErrorKind::CnameAlreadyExists) || error.code.as_deref() == Some("InvalidArgument");
    match error.kind {
        // CloudFront answers this one as CNAMEAlreadyExists (409) in captured responses;
        // its documentation names only the message. Read the message either way.
        _ if alias_error && is_dns_conflict(&error.message) => format!(
            "Aliases: {error}; the alias's DNS record points at another CloudFront distribution — point the record at this clone first, or move the alias with CloudFront's domain move (aws cloudfront associate-alias, which needs a TXT record _<alias> pointing at the clone's domain name)"
        ),
        ErrorKind::CnameAlreadyExists => format!(
            "Aliases: {error}; another distribution already uses one of these aliases — remove it there or choose another alias"
        ),
        _ => error.to_string(),
    }
}

/// A failed `CreateDistributionWithTags` / `UpdateDistribution` of `config`: an
/// `AccessDenied` names the permissions this configuration needs beyond the provider's
/// own, and how to grant them.
pub fn explain_write(error: &AwsError, config: &DistributionConfig) -> String {
    if !error.is(ErrorKind::AccessDenied) {
        return explain(error);
    }
    let needs = permissions_needed(config);
    if needs.is_empty() {
        return error.to_string();
    }
    format!(
        "{} failed ({}): {}; this reference needs {} — grant it to the provider's role (see the README's IAM section)",
        error.operation,
        error.code.as_deref().unwrap_or("AccessDenied"),
        error.message,
        needs.join("; and ")
    )
}

/// What a configuration needs the caller of CreateDistribution/UpdateDistribution to be
/// allowed beyond CloudFront's own actions, with how each is granted.
pub fn permissions_needed(config: &DistributionConfig) -> Vec<String> {
    let mut needs = Vec::new();
    if let Some(logging) = config.logging.as_ref().filter(|l| l.enabled) {
        let bucket = logging
            .bucket
            .split(".s3")
            .next()
            .unwrap_or(&logging.bucket);
        needs.push(format!(
            "s3:GetBucketAcl and s3:PutBucketAcl on the log bucket {bucket} (standard logging; CDK: the provider's logBuckets prop; examples/provider.yaml: LogBucketArns)"
        ));
    }
    let mut edge: Vec<&str> = config
        .default_cache_behavior
        .iter()
        .filter_map(|b| b.lambda_function_associations.as_ref())
        .chain(
            config
                .cache_behaviors
                .iter()
                .flat_map(|c| c.items.iter().flatten())
                .filter_map(|b| b.lambda_function_associations.as_ref()),
        )
        .flat_map(|a| a.items.iter().flatten())
        .map(|a| a.lambda_function_arn.as_str())
        .collect();
    edge.sort();
    edge.dedup();
    if !edge.is_empty() {
        needs.push(format!(
            "lambda:GetFunction and lambda:EnableReplication* on the Lambda@Edge versions {} (CDK: the provider's edgeFunctionArns prop; examples/provider.yaml: EdgeFunctionArns)",
            edge.join(", ")
        ));
    }
    let vpc = config
        .origins
        .iter()
        .flat_map(|o| o.items.iter())
        .any(|o| o.vpc_origin_config.is_some());
    if vpc {
        needs.push(
            "cloudfront:GetVpcOrigin on the reference's VPC origins (CDK: the provider's vpcOriginIds prop; examples/provider.yaml: VpcOriginArns)".into(),
        );
    }
    if let Some(acl) = config
        .web_acl_id
        .as_deref()
        .filter(|id| id.starts_with("arn:"))
    {
        needs.push(format!(
            "wafv2:GetWebACL on the web ACL {acl} (CDK: the provider's webAclArns prop; examples/provider.yaml: WebAclArns)"
        ));
    }
    needs
}

/// CloudFront's `InvalidArgument` for an alias whose DNS already points at another
/// distribution ("…includes an incorrectly configured DNS record that points to another
/// CloudFront distribution").
fn is_dns_conflict(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("dns record") && m.contains("another cloudfront distribution")
}

/// CloudFront's `DistributionAlreadyExists` message ends with "Already exists: E…".
pub fn existing_id(message: &str) -> Option<String> {
    let (_, tail) = message.rsplit_once("Already exists:")?;
    let id: String = tail
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures::reference;

    fn error(code: &str, kind: ErrorKind, message: &str) -> AwsError {
        let mut e = AwsError::new("CreateDistributionWithTags", kind, message);
        e.code = Some(code.into());
        e
    }

    #[test]
    fn an_alias_whose_dns_points_elsewhere_is_explained() {
        let e = error(
            "CNAMEAlreadyExists",
            ErrorKind::CnameAlreadyExists,
            "One or more aliases specified for the distribution includes an incorrectly configured DNS record that points to another CloudFront distribution. You must update the DNS record to correct the problem.",
        );
        let text = explain(&e);
        assert!(text.starts_with("Aliases: "), "{text}");
        assert!(text.contains("associate-alias"), "{text}");
        let mut e = e.clone();
        e.code = Some("InvalidArgument".into());
        e.kind = ErrorKind::Other;
        assert!(explain(&e).contains("associate-alias"));
        let plain = error(
            "CNAMEAlreadyExists",
            ErrorKind::CnameAlreadyExists,
            "One or more of the CNAMEs you provided are already associated with a different resource.",
        );
        assert!(explain(&plain).contains("remove it there"));
        let other = error(
            "InvalidArgument",
            ErrorKind::Other,
            "The parameter Foo is invalid.",
        );
        assert_eq!(explain(&other), other.to_string());
    }

    #[test]
    fn access_denied_names_what_the_reference_needs_and_how_to_grant_it() {
        let e = error(
            "AccessDenied",
            ErrorKind::AccessDenied,
            "User is not authorized to perform: s3:PutBucketAcl",
        );
        let text = explain_write(&e, &reference());
        assert!(text.contains("s3:PutBucketAcl"), "{text}");
        assert!(text.contains("log bucket logs-123456789012"), "{text}");
        assert!(text.contains("logBuckets"), "{text}");
        assert!(text.contains("lambda:EnableReplication*"), "{text}");
        assert!(text.contains("edgeFunctionArns"), "{text}");
    }

    #[test]
    fn the_existing_id_is_read_from_cloudfronts_message() {
        assert_eq!(
            existing_id("The caller reference ... Already exists: E2ABC123DEF456").as_deref(),
            Some("E2ABC123DEF456")
        );
        assert_eq!(existing_id("something else"), None);
    }
}
