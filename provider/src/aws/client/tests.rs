use super::*;
use aws_config::Region;
use aws_sdk_cloudfront::error::{ConnectorError, ErrorMetadata};
use aws_sdk_cloudfront::operation::get_distribution_config::GetDistributionConfigError;

fn service_error(code: &str, message: Option<&str>) -> AwsError {
    let mut metadata = ErrorMetadata::builder().code(code);
    if let Some(message) = message {
        metadata = metadata.message(message);
    }
    let error = GetDistributionConfigError::generic(metadata.build());
    classify("GetDistributionConfig", SdkError::service_error(error, ()))
}

#[test]
fn service_errors_are_classified_by_their_code() {
    let error = service_error(
        "NoSuchDistribution",
        Some("The specified distribution does not exist."),
    );
    assert!(error.is(ErrorKind::NotFound));
    assert_eq!(error.code.as_deref(), Some("NoSuchDistribution"));
    assert_eq!(error.message, "The specified distribution does not exist.");
    assert!(service_error("PreconditionFailed", None).is(ErrorKind::PreconditionFailed));
    assert!(service_error("CNAMEAlreadyExists", None).is(ErrorKind::CnameAlreadyExists));
    assert!(service_error("SomethingNew", None).is(ErrorKind::Other));
}

#[test]
fn service_clients_do_not_parse_the_trust_roots_until_a_request_needs_them() {
    let before = CONNECTORS_BUILT.load(std::sync::atomic::Ordering::Relaxed);
    use aws_sdk_cloudfront::config::{Credentials, SharedCredentialsProvider};
    // Region and credentials given here: from the environment, a missing region
    // would be looked up over HTTP (IMDS) through this very client.
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDTEST", "secret", None, None, "test",
        )))
        .http_client(https_client(include_bytes!("../tls/test-root.pem")))
        .build();
    let _clients = (
        aws_sdk_cloudfront::Client::new(&config),
        aws_sdk_acm::Client::new(&config),
        aws_sdk_ssm::Client::new(&config),
        aws_sdk_lambda::Client::new(&config),
    );
    assert_eq!(
        CONNECTORS_BUILT.load(std::sync::atomic::Ordering::Relaxed),
        before
    );
}

#[derive(Debug)]
struct Layer(&'static str, Option<Box<Layer>>);

impl std::fmt::Display for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Layer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.1.as_deref().map(|e| e as _)
    }
}

#[test]
fn transport_errors_read_as_their_causes_without_a_debug_dump() {
    let cause = Layer(
        "client error (Connect)",
        Some(Box::new(Layer("dns error: failed to lookup address", None))),
    );
    let error: SdkError<GetDistributionConfigError, ()> =
        SdkError::dispatch_failure(ConnectorError::io(Box::new(cause)));
    let error = classify("GetDistributionConfig", error);
    assert!(error.is(ErrorKind::Transport));
    assert_eq!(
        error.message,
        "could not connect to the endpoint (dispatch failure: io error: client error (Connect): dns error: failed to lookup address); check the network, and AWS_ENDPOINT_URL if it is set"
    );
}

#[test]
fn a_refused_connection_is_unreachable_and_a_reset_one_is_not() {
    use std::io::{Error, ErrorKind};
    #[derive(Debug)]
    struct Wrapped(Error);
    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("io error")
        }
    }
    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    for kind in [ErrorKind::ConnectionRefused, ErrorKind::HostUnreachable] {
        assert!(super::unreachable(&Wrapped(Error::from(kind))), "{kind:?}");
    }
    for kind in [
        ErrorKind::ConnectionReset,
        ErrorKind::TimedOut,
        ErrorKind::BrokenPipe,
    ] {
        assert!(!super::unreachable(&Wrapped(Error::from(kind))), "{kind:?}");
    }
}
