//! What the fleet's bundle reads once, and what it always asks again.

use super::Memo;
use crate::aws::ErrorKind;
use crate::aws::fake::{self, FakeAcm, FakeClock, FakeCloudFormation, FakeCloudFront, FakeSsm};
use crate::test_support::{self, REFERENCE_ID};
use std::sync::Arc;

struct Fixture {
    cf: Arc<FakeCloudFront>,
    acm: Arc<FakeAcm>,
    aws: crate::aws::Adapters,
}

fn fixture() -> Fixture {
    let clock = Arc::new(FakeClock::at(1_800_000_000_000));
    let cf = Arc::new(FakeCloudFront::new(Arc::clone(&clock)));
    cf.insert(REFERENCE_ID, test_support::reference(), vec![]);
    cf.insert("ECLONE", test_support::reference(), vec![]);
    let acm = Arc::new(FakeAcm::default());
    let plain = fake::adapters(
        Arc::clone(&cf),
        Arc::clone(&acm),
        Arc::new(FakeSsm::default()),
        clock,
        Arc::new(FakeCloudFormation::default()),
    );
    Fixture {
        cf,
        acm,
        aws: Memo::over(&plain),
    }
}

#[tokio::test]
async fn a_reference_is_read_once_by_every_caller_at_once_and_later() {
    let f = fixture();
    let d = &f.aws.distributions;
    let (a, b) = tokio::join!(d.get_config(REFERENCE_ID), d.get_config(REFERENCE_ID));
    assert_eq!(a.unwrap(), b.unwrap());
    d.get_config(REFERENCE_ID).await.unwrap();
    assert_eq!(f.cf.count("GetDistributionConfig"), 1, "{:?}", f.cf.calls());
}

#[tokio::test]
async fn a_clones_read_stands_in_for_its_next_configuration_read_once() {
    let f = fixture();
    let d = &f.aws.distributions;
    let read = d.get("ECLONE").await.unwrap();
    let configured = d.get_config("ECLONE").await.unwrap();
    assert_eq!(
        (configured.config, configured.etag),
        (read.config, read.etag)
    );
    assert_eq!(f.cf.count("GetDistributionConfig"), 0, "{:?}", f.cf.calls());
    // The waits poll GetDistribution: it always goes to CloudFront.
    d.get("ECLONE").await.unwrap();
    assert_eq!(f.cf.count("GetDistribution "), 2, "{:?}", f.cf.calls());
}

#[tokio::test]
async fn a_write_forgets_what_was_kept_of_that_distribution() {
    let f = fixture();
    let d = &f.aws.distributions;
    let before = d.get_config("ECLONE").await.unwrap();
    let mut config = before.config.clone();
    config.comment = "edited".into();
    config.aliases = None; // the reference's own, which CloudFront would refuse twice
    d.update("ECLONE", config, &before.etag).await.unwrap();
    let after = d.get_config("ECLONE").await.unwrap();
    assert_eq!(after.config.comment, "edited");
    assert_eq!(f.cf.count("GetDistributionConfig"), 2, "{:?}", f.cf.calls());
}

#[tokio::test]
async fn a_failed_read_is_asked_again() {
    let f = fixture();
    let d = &f.aws.distributions;
    f.cf.fail_next(
        "GetDistributionConfig",
        ErrorKind::Throttled,
        "Rate exceeded",
    );
    assert!(d.get_config(REFERENCE_ID).await.is_err());
    assert!(d.get_config(REFERENCE_ID).await.is_ok());
    assert_eq!(f.cf.count("GetDistributionConfig"), 2, "{:?}", f.cf.calls());
}

#[tokio::test]
async fn the_usable_certificates_are_listed_once() {
    let f = fixture();
    let c = &f.aws.certificates;
    let (a, b) = tokio::join!(c.list(), c.list());
    assert_eq!(a.unwrap(), b.unwrap());
    c.list().await.unwrap();
    assert_eq!(f.acm.count("ListCertificates"), 1);
}

#[tokio::test]
async fn a_certificate_is_described_once_and_a_failure_asked_again() {
    let f = fixture();
    let c = &f.aws.certificates;
    assert!(c.describe("arn:missing").await.is_err());
    assert!(c.describe("arn:missing").await.is_err());
    assert_eq!(
        f.acm.count("DescribeCertificate"),
        2,
        "a failure is not kept"
    );
    let known = "arn:aws:acm:us-east-1:123456789012:certificate/shop".to_owned();
    let certificate = crate::certificates::Certificate::issued(
        &known,
        "shop.example.com",
        &["shop.example.com"],
        1_900_000_000_000,
    );
    f.acm.add(certificate, false);
    let (a, b) = tokio::join!(c.describe(&known), c.describe(&known));
    assert_eq!(a.unwrap(), b.unwrap());
    c.describe(&known).await.unwrap();
    assert_eq!(f.acm.count("DescribeCertificate"), 3);
}
