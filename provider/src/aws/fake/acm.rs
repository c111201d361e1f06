//! ACM in us-east-1 and the Route 53 zones its DNS validation reads, in memory: a
//! requested certificate is ISSUED once every name's validation CNAME is in a zone (as the
//! strict emulator and ACM itself do), the same idempotency token gives the same
//! certificate, and one in use cannot be deleted.

use super::lock;
use crate::aws::{AwsError, Certificates, ErrorKind, RecordAction, Requested, Zones};
use crate::certificate_request::{Record, Request, Validation};
use crate::certificates::Certificate;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
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

    /// The validation CNAME of `name` on certificate `arn` (a wildcard shares its base's).
    pub fn validation_record(arn: &str, name: &str) -> (String, String) {
        let base = name.trim_start_matches("*.");
        let digest = Sha256::digest(format!("{arn}{base}"));
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
        if *lock(&self.at_quota) {
            let mut e = AwsError::new(
                "RequestCertificate",
                ErrorKind::Quota,
                "you have reached your limit of 2500 certificates",
            );
            e.code = Some("LimitExceededException".into());
            return Err(e);
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
        Ok(arn)
    }

    async fn requested(&self, arn: &str) -> Result<Requested, AwsError> {
        lock(&self.calls).push(format!("DescribeCertificate {arn}"));
        let asked = lock(&self.asked)
            .iter()
            .find(|(a, asked)| a == arn && !asked.deleted)
            .map(|(_, asked)| asked.clone())
            .ok_or_else(|| AwsError::new("DescribeCertificate", ErrorKind::NotFound, arn))?;
        let names = Self::names(&asked.request);
        let validations: Vec<Validation> = names
            .iter()
            .map(|name| {
                let (n, v) = Self::validation_record(arn, name);
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
        let issued = validations.iter().all(|v| v.status == "SUCCESS");
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

impl Zones for FakeAcm {
    async fn zone_name(&self, id: &str) -> Result<String, AwsError> {
        lock(&self.calls).push(format!("GetHostedZone {id}"));
        lock(&self.zones)
            .get(id)
            .cloned()
            .ok_or_else(|| AwsError::new("GetHostedZone", ErrorKind::NotFound, "NoSuchHostedZone"))
    }

    async fn change(
        &self,
        zone_id: &str,
        action: RecordAction,
        records: &[Record],
    ) -> Result<(), AwsError> {
        lock(&self.calls).push(format!("ChangeResourceRecordSets {zone_id} {action:?}"));
        let mut held = lock(&self.records);
        for record in records {
            let key = (zone_id.to_owned(), record.name.clone());
            match action {
                RecordAction::Upsert => {
                    held.insert(key, record.value.clone());
                }
                RecordAction::Delete => {
                    held.remove(&key);
                }
            }
        }
        Ok(())
    }
}
