//! ACM in us-east-1 and the Route 53 zones its DNS validation reads, in memory: a
//! requested certificate is ISSUED once every name's validation CNAME is in a zone (as the
//! strict emulator and ACM itself do), a name's CNAME is the account's (every certificate
//! naming it shares it), the same idempotency token gives the same certificate, a new one
//! can be hidden from DescribeCertificate for a while, and one in use cannot be deleted.

use super::lock;
use crate::aws::{AwsError, Certificates, ErrorKind, HostedZone, Requested, Zones};
use crate::certificate_request::{
    DEFAULT_NAMES_QUOTA, MAX_DOMAIN_NAME, Record, Request, Validation,
};
use crate::certificates::Certificate;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

/// One certificate requested through the fake.
#[derive(Debug, Clone)]
pub struct Asked {
    pub request: Request,
    pub tags: Vec<(String, String)>,
    pub deleted: bool,
}

#[derive(Debug, Default)]
pub struct FakeAcm {
    /// What `ListCertificates` returns (summaries may lack SANs).
    pub summaries: Mutex<Vec<Certificate>>,
    /// What `DescribeCertificate` returns, by ARN.
    pub details: Mutex<HashMap<String, Certificate>>,
    pub calls: Mutex<Vec<String>>,
    /// Requested certificates by ARN, in the order requested.
    pub asked: Mutex<Vec<(String, Asked)>>,
    /// Hosted zones: id → name (with its trailing dot, as Route 53 answers).
    pub zones: Mutex<BTreeMap<String, String>>,
    /// CNAMEs: (zone id, name) → value.
    pub records: Mutex<BTreeMap<(String, String), String>>,
    /// Who uses a certificate, by ARN (CloudFront's distributions, as ACM's `InUseBy`).
    pub in_use_by: Mutex<HashMap<String, Vec<String>>>,
    /// RequestCertificate answers `LimitExceededException`.
    pub at_quota: Mutex<bool>,
    /// The private ones among `zones`.
    pub private_zones: Mutex<BTreeSet<String>>,
    /// The account's quota of names per certificate; `None`: ACM's default.
    pub names_quota: Mutex<Option<usize>>,
    /// How many DescribeCertificate calls a new certificate is not found by (ACM: "a delay
    /// of several seconds" after RequestCertificate).
    pub hidden_for: Mutex<usize>,
    /// What is left of that, by ARN.
    hidden: Mutex<HashMap<String, usize>>,
    /// How many DeleteCertificate calls answer `ConflictException` first.
    pub conflicts: Mutex<usize>,
}

impl FakeAcm {
    pub fn add(&self, full: Certificate, summary_has_sans: bool) {
        let mut summary = full.clone();
        if !summary_has_sans {
            summary.subject_alternative_names = None;
        }
        lock(&self.summaries).push(summary);
        lock(&self.details).insert(full.arn.clone(), full);
    }

    /// The validation CNAME of `name` in `account` (a wildcard shares its base's): the
    /// same for every certificate of the account that names it.
    pub fn validation_record(account: &str, name: &str) -> (String, String) {
        let base = name.trim_start_matches("*.");
        let digest = Sha256::digest(format!("{account}|{base}"));
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        (
            format!("_{hex}.{base}."),
            format!("_{hex}.acm-validations.aws."),
        )
    }

    /// The ARNs requested and not deleted.
    pub fn live(&self) -> Vec<String> {
        lock(&self.asked)
            .iter()
            .filter(|(_, a)| !a.deleted)
            .map(|(arn, _)| arn.clone())
            .collect()
    }

    fn names(request: &Request) -> Vec<String> {
        std::iter::once(request.domain_name.clone())
            .chain(request.subject_alternative_names.iter().cloned())
            .collect()
    }

    /// The account an ARN names.
    pub fn account(arn: &str) -> &str {
        arn.split(':').nth(4).unwrap_or_default()
    }

    fn error(operation: &'static str, kind: ErrorKind, code: &str, message: &str) -> AwsError {
        let mut e = AwsError::new(operation, kind, message);
        e.code = Some(code.into());
        e
    }

    fn in_dns(&self, name: &str, value: &str) -> bool {
        lock(&self.records)
            .iter()
            .any(|((_, n), v)| n == name && v == value)
    }

    pub fn count(&self, operation: &str) -> usize {
        lock(&self.calls)
            .iter()
            .filter(|c| c.starts_with(operation))
            .count()
    }
}

#[async_trait::async_trait]
impl Certificates for FakeAcm {
    async fn list(&self) -> Result<Vec<Certificate>, AwsError> {
        lock(&self.calls).push("ListCertificates".into());
        Ok(lock(&self.summaries).clone())
    }

    async fn list_all(&self) -> Result<Vec<Certificate>, AwsError> {
        lock(&self.calls).push("ListCertificates (all)".into());
        Ok(lock(&self.summaries).clone())
    }

    async fn describe(&self, arn: &str) -> Result<Certificate, AwsError> {
        lock(&self.calls).push(format!("DescribeCertificate {arn}"));
        lock(&self.details).get(arn).cloned().ok_or_else(|| {
            AwsError::new(
                "DescribeCertificate",
                ErrorKind::NotFound,
                "no such certificate",
            )
        })
    }

    async fn request(
        &self,
        request: &Request,
        tags: Vec<(String, String)>,
    ) -> Result<String, AwsError> {
        lock(&self.calls).push(format!("RequestCertificate {}", request.domain_name));
        const OP: &str = "RequestCertificate";
        if *lock(&self.at_quota) {
            let m = "you have reached your limit of 2500 certificates";
            return Err(Self::error(
                OP,
                ErrorKind::Quota,
                "LimitExceededException",
                m,
            ));
        }
        if request.domain_name.len() > MAX_DOMAIN_NAME {
            let m = "the domain name (Common Name) cannot exceed 64 octets";
            return Err(Self::error(OP, ErrorKind::Other, "ValidationException", m));
        }
        let quota = lock(&self.names_quota).unwrap_or(DEFAULT_NAMES_QUOTA);
        if Self::names(request).len() > quota {
            let m = "Certificate has too many domains.";
            return Err(Self::error(
                OP,
                ErrorKind::Quota,
                "LimitExceededException",
                m,
            ));
        }
        let mut asked = lock(&self.asked);
        if let Some((arn, _)) = asked
            .iter()
            .find(|(_, a)| !a.deleted && a.request.idempotency_token == request.idempotency_token)
        {
            return Ok(arn.clone());
        }
        let arn = format!(
            "arn:aws:acm:us-east-1:123456789012:certificate/requested-{}",
            asked.len() + 1
        );
        asked.push((
            arn.clone(),
            Asked {
                request: request.clone(),
                tags,
                deleted: false,
            },
        ));
        let hidden = *lock(&self.hidden_for);
        lock(&self.hidden).insert(arn.clone(), hidden);
        Ok(arn)
    }

    async fn requested(&self, arn: &str) -> Result<Requested, AwsError> {
        lock(&self.calls).push(format!("DescribeCertificate {arn}"));
        if let Some(left) = lock(&self.hidden).get_mut(arn).filter(|left| **left > 0) {
            *left -= 1;
            let m = format!("Could not find certificate {arn}.");
            return Err(Self::error(
                "DescribeCertificate",
                ErrorKind::NotFound,
                "ResourceNotFoundException",
                &m,
            ));
        }
        let asked = lock(&self.asked)
            .iter()
            .find(|(a, asked)| a == arn && !asked.deleted)
            .map(|(_, asked)| asked.clone())
            .ok_or_else(|| AwsError::new("DescribeCertificate", ErrorKind::NotFound, arn))?;
        let names = Self::names(&asked.request);
        let validations: Vec<Validation> = names
            .iter()
            .map(|name| {
                let (n, v) = Self::validation_record(Self::account(arn), name);
                let status = if self.in_dns(&n, &v) {
                    "SUCCESS"
                } else {
                    "PENDING_VALIDATION"
                };
                Validation {
                    domain_name: name.clone(),
                    status: status.into(),
                    record: Some((n, v)),
                }
            })
            .collect();
        let issued = validations
            .iter()
            .all(|v| v.status == aws_sdk_acm::types::DomainStatus::Success);
        if issued && !lock(&self.details).contains_key(arn) {
            // ACM lists the domain name among the SANs too.
            let sans: Vec<&str> = names.iter().map(String::as_str).collect();
            self.add(
                Certificate::issued(arn, &names[0], &sans, 4_000_000_000),
                true,
            );
        }
        Ok(Requested {
            arn: arn.to_owned(),
            status: if issued {
                "ISSUED"
            } else {
                "PENDING_VALIDATION"
            }
            .into(),
            failure_reason: None,
            validations,
            in_use_by: lock(&self.in_use_by).get(arn).cloned().unwrap_or_default(),
        })
    }

    async fn certificate_tags(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
        lock(&self.calls).push(format!("ListTagsForCertificate {arn}"));
        lock(&self.asked)
            .iter()
            .find(|(a, asked)| a == arn && !asked.deleted)
            .map(|(_, asked)| asked.tags.clone())
            .ok_or_else(|| AwsError::new("ListTagsForCertificate", ErrorKind::NotFound, arn))
    }

    async fn delete_certificate(&self, arn: &str) -> Result<(), AwsError> {
        lock(&self.calls).push(format!("DeleteCertificate {arn}"));
        let mut conflicts = lock(&self.conflicts);
        if *conflicts > 0 {
            *conflicts -= 1;
            let m = "the certificate is being updated; try again";
            return Err(Self::error(
                "DeleteCertificate",
                ErrorKind::Other,
                "ConflictException",
                m,
            ));
        }
        drop(conflicts);
        if lock(&self.in_use_by)
            .get(arn)
            .is_some_and(|by| !by.is_empty())
        {
            return Err(AwsError::new("DeleteCertificate", ErrorKind::InUse, arn));
        }
        let mut asked = lock(&self.asked);
        let Some((_, found)) = asked.iter_mut().find(|(a, x)| a == arn && !x.deleted) else {
            return Err(AwsError::new("DeleteCertificate", ErrorKind::NotFound, arn));
        };
        found.deleted = true;
        lock(&self.summaries).retain(|c| c.arn != arn);
        lock(&self.details).remove(arn);
        Ok(())
    }
}

#[async_trait::async_trait]
impl Zones for FakeAcm {
    async fn zone(&self, id: &str) -> Result<HostedZone, AwsError> {
        lock(&self.calls).push(format!("GetHostedZone {id}"));
        let name = lock(&self.zones).get(id).cloned().ok_or_else(|| {
            AwsError::new("GetHostedZone", ErrorKind::NotFound, "NoSuchHostedZone")
        })?;
        Ok(HostedZone {
            name,
            private: lock(&self.private_zones).contains(id),
        })
    }

    async fn upsert(&self, zone_id: &str, records: &[Record]) -> Result<(), AwsError> {
        lock(&self.calls).push(format!("ChangeResourceRecordSets {zone_id} UPSERT"));
        let mut held = lock(&self.records);
        for record in records {
            held.insert(
                (zone_id.to_owned(), record.name.clone()),
                record.value.clone(),
            );
        }
        Ok(())
    }
}
