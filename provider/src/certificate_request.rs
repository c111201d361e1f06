//! A certificate for aliases no usable one covers: what to ask ACM for and under which
//! idempotency token, which DNS validation records go into which hosted zone, and what the
//! wait's outcome says. Pure: the lifecycle reads and writes, this decides.
//!
//! ACM's rules this follows (RequestCertificate, DomainValidation and the DNS validation
//! chapter of the ACM User Guide):
//! - `IdempotencyToken` is 1–32 word characters; the same token within one hour returns the
//!   same certificate. The token here is a digest of the resource and its names, so a
//!   redelivered event asks for nothing twice — and an alias change, a new certificate.
//!   Past the hour the lifecycle must find its certificate by its tags instead.
//! - `DomainName` (the certificate's Common Name) is at most 64 octets (RFC 5280; the
//!   RequestCertificate reference); a longer name goes among the SANs (up to 253).
//! - A certificate holds 10 names by default (quota "Domain names per ACM certificate",
//!   which an account can raise to 100): only ACM knows the account's quota, so only ACM
//!   refuses more (`LimitExceededException`, "Certificate has too many domains").
//! - A validation record belongs to the name and the account, not to one certificate:
//!   every certificate of the account naming it, in any region, at every renewal, uses
//!   the same one. So a record is written, never removed.
//! - Each name has its own validation CNAME, but a wildcard and its base name share one
//!   (`*.example.com`, `example.com`), and ACM may answer without `ResourceRecord` for a
//!   few seconds after the request.
//! - A certificate still pending after 72 hours becomes `VALIDATION_TIMED_OUT`; CAA records
//!   that do not allow Amazon make it `FAILED` with `FailureReason=CAA_ERROR`.

use crate::certificates::CertificateStatus;
use aws_sdk_acm::types::DomainStatus;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// ACM's default quota of names per certificate ("Domain names per ACM certificate").
pub const DEFAULT_NAMES_QUOTA: usize = 10;
/// The longest `DomainName` (Common Name) ACM takes.
pub const MAX_DOMAIN_NAME: usize = 64;
/// ACM's longest idempotency token.
pub const TOKEN_LENGTH: usize = 32;
/// The property whose value the errors name.
pub const PROPERTY: &str = "CertificateValidation";

/// What RequestCertificate is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub domain_name: String,
    /// The other names (ACM adds the domain name itself).
    pub subject_alternative_names: Vec<String>,
    pub idempotency_token: String,
}

/// Why no certificate can be requested, or validated, as the properties say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// Every alias is longer than a certificate's domain name (Common Name) may be.
    NoShortName,
    /// Names no given hosted zone contains: (name, the zones given).
    NotInZones(Vec<String>, Vec<String>),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoShortName => write!(
                f,
                "every alias is longer than {MAX_DOMAIN_NAME} characters, and ACM takes a certificate's first name (its Common Name) only up to {MAX_DOMAIN_NAME}; add a shorter alias to Aliases (the long ones become subject alternative names), or set CertificateArn to a certificate made elsewhere"
            ),
            Self::NotInZones(names, zones) => write!(
                f,
                "no hosted zone given contains {}: the zones are {}; add the zone that holds each alias",
                names.join(", "),
                zones.join(", ")
            ),
        }
    }
}

fn plain(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The request for `aliases` (in their declared order; the first one short enough is the
/// domain name) of the resource `logical_id` of the stack `stack_id`.
pub fn request(
    stack_id: &str,
    logical_id: &str,
    aliases: &[String],
) -> Result<Request, RequestError> {
    let mut names: Vec<String> = Vec::new();
    for alias in aliases.iter().map(|a| plain(a)) {
        if !names.contains(&alias) {
            names.push(alias);
        }
    }
    let Some(first) = names.iter().position(|n| n.len() <= MAX_DOMAIN_NAME) else {
        return Err(RequestError::NoShortName);
    };
    let mut sorted = names.clone();
    sorted.sort();
    let digest = Sha256::digest(format!("{stack_id}\n{logical_id}\n{}", sorted.join(",")));
    let token: String = digest
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .chars()
        .take(TOKEN_LENGTH)
        .collect();
    let domain_name = names.remove(first);
    Ok(Request {
        domain_name,
        subject_alternative_names: names,
        idempotency_token: token,
    })
}

/// One name's validation, as DescribeCertificate's `DomainValidationOptions` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    pub domain_name: String,
    /// `PENDING_VALIDATION`, `SUCCESS` or `FAILED`.
    pub status: DomainStatus,
    /// The CNAME to create: (name, value); `None` while ACM has not said yet.
    pub record: Option<(String, String)>,
}

/// A validation CNAME to write, and the names it validates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub name: String,
    pub value: String,
    pub domains: Vec<String>,
}

/// The records to write, one per CNAME name (a wildcard and its base name share one), or
/// the names ACM has not given a record yet (ask again in a few seconds).
pub fn records(validations: &[Validation]) -> Result<Vec<Record>, Vec<String>> {
    let waiting: Vec<String> = validations
        .iter()
        .filter(|v| v.record.is_none())
        .map(|v| v.domain_name.clone())
        .collect();
    if !waiting.is_empty() {
        return Err(waiting);
    }
    let mut out: Vec<Record> = Vec::new();
    for v in validations {
        let Some((name, value)) = &v.record else {
            continue;
        };
        match out.iter_mut().find(|r| plain(&r.name) == plain(name)) {
            Some(record) => record.domains.push(v.domain_name.clone()),
            None => out.push(Record {
                name: name.clone(),
                value: value.clone(),
                domains: vec![v.domain_name.clone()],
            }),
        }
    }
    Ok(out)
}

/// A hosted zone the properties give: its id and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub id: String,
    pub name: String,
}

/// Whether `zone` (a domain name) contains `name`: the same name or one under it.
fn contains(zone: &str, name: &str) -> bool {
    let (zone, name) = (plain(zone), plain(name));
    name == zone || name.ends_with(&format!(".{zone}"))
}

/// The zone a record named `name` goes into: of the zones containing it, the most specific
/// (a delegated subdomain's zone, not its parent's).
pub fn zone_of<'a>(name: &str, zones: &'a [Zone]) -> Option<&'a Zone> {
    zones
        .iter()
        .filter(|z| contains(&z.name, name))
        .max_by_key(|z| plain(&z.name).len())
}

/// Each record with the zone it goes into ([`zone_of`]), or the names no zone holds.
pub fn assign<'a>(
    records: &'a [Record],
    zones: &'a [Zone],
) -> Result<Vec<(&'a Zone, &'a Record)>, RequestError> {
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for record in records {
        match zone_of(&record.name, zones) {
            Some(zone) => out.push((zone, record)),
            None => missing.extend(record.domains.iter().cloned()),
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        let given = zones
            .iter()
            .map(|z| format!("{} ({})", plain(&z.name), z.id))
            .collect();
        Err(RequestError::NotInZones(missing, given))
    }
}

/// Where a requested certificate stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Issued,
    /// Still validating: the records of the names not validated yet.
    Pending(Vec<Record>),
    /// It will never be issued: why, and the way out.
    Failed(String),
}

/// The standing of a certificate from its `Status`, `FailureReason` and validations.
pub fn standing(
    status: &CertificateStatus,
    failure_reason: Option<&str>,
    validations: &[Validation],
) -> Standing {
    let pending = || {
        let open: Vec<Validation> = validations
            .iter()
            .filter(|v| v.status != DomainStatus::Success)
            .cloned()
            .collect();
        records(&open).unwrap_or_default()
    };
    match status {
        CertificateStatus::Issued => Standing::Issued,
        CertificateStatus::PendingValidation => Standing::Pending(pending()),
        CertificateStatus::ValidationTimedOut => Standing::Failed(format!(
            "ACM stopped waiting for validation (72 hours) with these records missing: {}; delete the certificate and update the stack to request a new one",
            missing_text(&pending())
        )),
        CertificateStatus::Failed if failure_reason == Some("CAA_ERROR") => Standing::Failed(
            "the domain's CAA records do not allow Amazon to issue certificates: add a CAA record `0 issue \"amazon.com\"` (or remove the CAA records), then update the stack".into(),
        ),
        other => Standing::Failed(format!(
            "ACM answered {other}{}",
            failure_reason.map_or(String::new(), |r| format!(" ({r})"))
        )),
    }
}

/// Aliases no given zone contains, checked before anything is requested (a validation
/// record lives under its name, so the alias's zone holds it). No zones given: DNS is
/// hosted elsewhere, nothing to check.
pub fn check_zones(aliases: &[String], zones: &[Zone]) -> Result<(), RequestError> {
    if zones.is_empty() {
        return Ok(());
    }
    let as_records: Vec<Record> = aliases
        .iter()
        .map(|alias| Record {
            name: plain(alias).trim_start_matches("*.").to_owned(),
            value: String::new(),
            domains: vec![alias.clone()],
        })
        .collect();
    assign(&as_records, zones).map(|_| ())
}

/// The SSM parameter (us-east-1) that keeps what this resource requested:
/// `/cfclone/certificates/<stack name>/<logical id>`.
pub fn ledger_name(stack_id: &str, logical_id: &str) -> String {
    // arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>
    let stack = stack_id.split('/').nth(1).unwrap_or(stack_id);
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!("{LEDGER_PREFIX}/{}/{}", safe(stack), safe(logical_id))
}

/// Where the ledgers live.
pub const LEDGER_PREFIX: &str = "/cfclone/certificates";

/// The certificates one resource requested and has not removed yet, newest last: what
/// Delete (and an Update that moved the clone to a new certificate) removes. Kept in SSM
/// beside the clone's record, so a redelivered Delete still finds them after the clone is
/// gone. A certificate enters it as soon as RequestCertificate answers, before anything
/// else can fail; once a clone uses it, the entry names that clone, so that the Delete of
/// another physical id of the resource (CloudFormation's clean-up after a vanished clone
/// was created anew) leaves it alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub certificates: Vec<Requested>,
}

/// One requested certificate: its ARN, the hosted zones its validation records went into
/// (none: DNS hosted elsewhere) and, for the newest, the records (for DNS hosted
/// elsewhere to copy; an older certificate's are read from ACM again when it is removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Requested {
    pub certificate_arn: String,
    #[serde(default)]
    pub hosted_zone_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<Written>,
    /// The clone (distribution id) that uses it; `None` until one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clone_id: Option<String>,
}

/// A validation record as the ledger and the `CertificateValidationRecords` attribute
/// show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Written {
    pub name: String,
    #[serde(rename = "Type")]
    pub kind: String,
    pub value: String,
}

impl Ledger {
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("not a certificate ledger: {e}"))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a ledger serializes")
    }

    /// The ledger with `arn` as its newest certificate (once, whatever came before, the
    /// clone using it kept), its records kept and every older one's dropped.
    pub fn with(mut self, arn: &str, hosted_zone_ids: &[String], records: &[Record]) -> Self {
        let clone_id = self
            .certificates
            .iter()
            .find(|c| c.certificate_arn == arn)
            .and_then(|c| c.clone_id.clone());
        self.certificates.retain(|c| c.certificate_arn != arn);
        for older in &mut self.certificates {
            older.records.clear();
        }
        self.certificates.push(Requested {
            certificate_arn: arn.to_owned(),
            hosted_zone_ids: hosted_zone_ids.to_vec(),
            records: records.iter().map(Written::from).collect(),
            clone_id,
        });
        self
    }

    /// The ledger with `arn` (if it holds it) used by the clone `clone_id`.
    pub fn used_by(mut self, arn: &str, clone_id: &str) -> Self {
        for entry in &mut self.certificates {
            if entry.certificate_arn == arn {
                entry.clone_id = Some(clone_id.to_owned());
            }
        }
        self
    }

    /// The certificates to remove now: every one but `keep` (the one the clone uses).
    pub fn retired(&self, keep: Option<&str>) -> Vec<&Requested> {
        self.certificates
            .iter()
            .filter(|c| Some(c.certificate_arn.as_str()) != keep)
            .collect()
    }

    /// The ledger without `arn`.
    pub fn without(mut self, arn: &str) -> Self {
        self.certificates.retain(|c| c.certificate_arn != arn);
        self
    }
}

impl Requested {
    /// The clone other than `clone_id` that uses this certificate, if the ledger says one
    /// does: the Delete of `clone_id` leaves it to that clone.
    pub fn other_clone(&self, clone_id: &str) -> Option<&str> {
        self.clone_id.as_deref().filter(|other| *other != clone_id)
    }
}

impl From<&Record> for Written {
    fn from(r: &Record) -> Self {
        Self {
            name: r.name.clone(),
            kind: "CNAME".into(),
            value: r.value.clone(),
        }
    }
}

/// The `CertificateValidationRecords` attribute: the records as a JSON list.
pub fn records_attribute(records: &[Record]) -> String {
    let written: Vec<Written> = records.iter().map(Written::from).collect();
    serde_json::to_string(&written).expect("records serialize")
}

/// `NAME CNAME VALUE (for a, b)`, one per record.
pub fn missing_text(records: &[Record]) -> String {
    records
        .iter()
        .map(|r| {
            format!(
                "{} CNAME {} (for {})",
                r.name,
                r.value,
                r.domains.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests;
