use super::*;
use crate::test_support::reference;

fn error(code: &str, kind: ErrorKind, message: &str) -> AwsError {
    let mut e = AwsError::new("CreateDistributionWithTags", kind, message);
    e.code = Some(code.into());
    e
}

fn explain_write(
    error: &AwsError,
    config: &aws_sdk_cloudfront::types::DistributionConfig,
) -> String {
    Error::write(error.clone(), config).reason()
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
fn every_reason_names_its_property_or_operation_first() {
    let aws = AwsError::new("GetDistribution", ErrorKind::Other, "boom");
    let cases = [
        (Error::property("Aliases", "bad"), "Aliases: bad"),
        (
            Error::Stuck {
                operation: "DeleteDistribution",
                message: "still InProgress".into(),
            },
            "DeleteDistribution: still InProgress",
        ),
        (
            Error::SsmWrites(vec![SsmWrite {
                name: "/p/distribution-id".into(),
                region: "eu-west-1".into(),
                error: aws.clone(),
            }]),
            "SsmParameterPrefix: writing /p/distribution-id in eu-west-1: GetDistribution failed: boom",
        ),
        (
            Error::Cleanup {
                what: "removing the old SSM parameters",
                error: aws.clone(),
            },
            "removing the old SSM parameters: GetDistribution failed: boom",
        ),
    ];
    for (error, reason) in cases {
        assert_eq!(error.reason(), reason);
    }
}

#[test]
fn a_record_failure_says_what_was_done_and_names_the_permission_only_when_denied() {
    let failure = |name: &str, operation, kind| {
        Error::Record {
            name: name.into(),
            error: AwsError::new(operation, kind, "no"),
        }
        .reason()
    };
    let denied = failure(
        "/cfclone/records/",
        "GetParametersByPath",
        ErrorKind::AccessDenied,
    );
    assert!(
        denied.starts_with("reading the clones' records /cfclone/records/ (us-east-1)")
            && denied.ends_with(
                "needs ssm:GetParametersByPath on arn:aws:ssm:us-east-1:ACCOUNT:parameter/cfclone/records"
            ),
        "{denied}"
    );
    let put = failure(
        "/cfclone/records/E1",
        "PutParameter",
        ErrorKind::AccessDenied,
    );
    assert!(
        put.starts_with("keeping the clone's record /cfclone/records/E1")
            && put.ends_with(
                "ssm:PutParameter on arn:aws:ssm:us-east-1:ACCOUNT:parameter/cfclone/records/E1"
            ),
        "{put}"
    );
    let ledger = failure(
        "/cfclone/certificates/stack/Shop",
        "DeleteParameters",
        ErrorKind::AccessDenied,
    );
    assert!(
        ledger.starts_with("removing the certificate ledger /cfclone/certificates/stack/Shop")
            && ledger.ends_with("parameter/cfclone/certificates/stack/Shop"),
        "{ledger}"
    );
    let unreachable = failure(
        "/cfclone/records/",
        "GetParametersByPath",
        ErrorKind::Transport,
    );
    assert!(!unreachable.contains("needs"), "{unreachable}");
}
