//! What a distribution configuration needs its creator to be allowed beyond CloudFront's
//! own actions (log buckets, Lambda@Edge, VPC origins, WAF), and how each is granted.
//! Pure: read from the configuration alone.

use aws_sdk_cloudfront::types::DistributionConfig;

/// What a configuration needs the caller of CreateDistribution/UpdateDistribution to be
/// allowed beyond CloudFront's own actions, with how each is granted.
pub fn needed(config: &DistributionConfig) -> Vec<String> {
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
    let mut edge: Vec<&str> = crate::plan::behaviours(config)
        .filter_map(|b| b.lambda_function_associations)
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
