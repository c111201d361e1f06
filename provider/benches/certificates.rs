//! Certificate matching over 10,000 ACM certificates: what one Create does after
//! `ListCertificates` (`to_describe`, then `select`). Run with
//! `cargo bench -p cfclone --bench certificates`; `bench/run` reports the medians.

use cfclone::certificates::{Certificate, select, to_describe};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const NOW: i64 = 1_800_000_000;
const DAY: i64 = 24 * 3600;
const COUNT: usize = 10_000;

/// A small deterministic generator, so every run matches the same certificates.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// 10,000 certificates as an account with many tenants holds them: exact names,
/// wildcards, multi-name SAN certificates, summaries without SANs or cut short, a few
/// expired, not issued or with key types CloudFront refuses. The lookups' own
/// certificates sit at the end, so every lookup scans the whole list.
fn certificates() -> Vec<Certificate> {
    let mut rng = Lcg(0x00c0_ffee);
    let algorithms = [
        "RSA_2048",
        "RSA_2048",
        "RSA_2048",
        "EC_prime256v1",
        "RSA_4096",
        "EC_secp384r1",
        "RSA_1024",
    ];
    let mut certificates: Vec<Certificate> = (0..COUNT - 3)
        .map(|i| {
            let tenant = format!("tenant{i}.example{}.com", i % 97);
            let (domain_name, sans) = match rng.below(4) {
                0 => (tenant.clone(), vec![tenant.clone()]),
                1 => (format!("*.{tenant}"), vec![format!("*.{tenant}"), tenant]),
                2 => {
                    let extra = 1 + rng.below(8);
                    let mut sans = vec![tenant.clone()];
                    sans.extend((0..extra).map(|k| format!("app{k}.{tenant}")));
                    (tenant, sans)
                }
                _ => (format!("www.{tenant}"), vec![format!("www.{tenant}")]),
            };
            let roll = rng.below(100);
            Certificate {
                arn: format!(
                    "arn:aws:acm:us-east-1:123456789012:certificate/{:08x}-{i:04}",
                    rng.next()
                ),
                subject_alternative_names: (roll >= 10).then_some(sans),
                sans_complete: roll >= 15,
                status: if roll < 3 {
                    "PENDING_VALIDATION"
                } else {
                    "ISSUED"
                }
                .into(),
                key_algorithm: algorithms[rng.below(algorithms.len() as u64) as usize].into(),
                not_after: Some(if (3..8).contains(&roll) {
                    NOW - (rng.below(300) as i64 + 1) * DAY
                } else {
                    NOW + (rng.below(700) as i64 + 1) * DAY
                }),
                domain_name,
                kind: if roll == 9 {
                    "IMPORTED"
                } else {
                    "AMAZON_ISSUED"
                }
                .into(),
                managed_by: String::new(),
            }
        })
        .collect();
    let usable = |arn: &str, domain: &str, sans: &[&str], days: i64| {
        Certificate::issued(arn, domain, sans, NOW + days * DAY)
    };
    certificates.push(usable(
        "arn:aws:acm:us-east-1:123456789012:certificate/shop-wildcard",
        "*.shop.example.com",
        &["*.shop.example.com", "shop.example.com"],
        90,
    ));
    certificates.push(usable(
        "arn:aws:acm:us-east-1:123456789012:certificate/shop-exact",
        "eu.shop.example.com",
        &["eu.shop.example.com", "us.shop.example.com"],
        300,
    ));
    let mut expired = usable(
        "arn:aws:acm:us-east-1:123456789012:certificate/shop-expired",
        "eu.shop.example.com",
        &["eu.shop.example.com"],
        0,
    );
    expired.not_after = Some(NOW - DAY);
    certificates.push(expired);
    certificates
}

fn aliases(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn matching(c: &mut Criterion) {
    let certificates = certificates();
    assert_eq!(certificates.len(), COUNT);
    let one = aliases(&["eu.shop.example.com"]);
    let two = aliases(&["eu.shop.example.com", "us.shop.example.com"]);
    let none = aliases(&["shop.example.org"]);
    assert!(select(&certificates, &one, NOW).is_ok());
    assert!(select(&certificates, &none, NOW).is_err());

    let mut group = c.benchmark_group("certificates_10000");
    group.bench_function("select_one_alias", |b| {
        b.iter(|| select(black_box(&certificates), black_box(&one), NOW).map(|c| c.arn.len()))
    });
    group.bench_function("select_two_aliases", |b| {
        b.iter(|| select(black_box(&certificates), black_box(&two), NOW).map(|c| c.arn.len()))
    });
    group.bench_function("select_no_match", |b| {
        b.iter(|| select(black_box(&certificates), black_box(&none), NOW).map(|c| c.arn.len()))
    });
    group.bench_function("to_describe_one_alias", |b| {
        b.iter(|| to_describe(black_box(&certificates), black_box(&one), NOW).len())
    });
    group.bench_function("to_describe_then_select", |b| {
        b.iter(|| {
            let pending = to_describe(black_box(&certificates), black_box(&one), NOW).len();
            let chosen =
                select(black_box(&certificates), black_box(&one), NOW).map(|c| c.arn.len());
            (pending, chosen)
        })
    });
    group.finish();
}

criterion_group!(benches, matching);
criterion_main!(benches);
