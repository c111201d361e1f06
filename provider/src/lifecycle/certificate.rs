//! `CertificateValidation`: when no usable certificate covers the aliases, request one in
//! us-east-1 (into the ledger at once), write its validation CNAMEs into the given public
//! hosted zones, wait for `ISSUED` (handing the wait on as the teardown does), and remove
//! the certificates this resource requested once no clone of it uses them. Validation
//! records are never removed: ACM gives every certificate of the account for a name the
//! same record, and uses it again at every renewal. The decisions are
//! `certificate_request`'s; this module reads and writes.

use super::{Lifecycle, Outcome, WaitDecision, failed, owned_tags};
use crate::aws::{AwsError, ErrorKind, Requested};
use crate::certificate_request::{self as cr, Ledger, PROPERTY, Record, Standing, Zone};
use crate::certificates::Choice;
use crate::error::Error;
use crate::event::{Phase, Request};
use crate::properties::{CertificateValidation, Properties};
use crate::record::RECORD_REGION;
use std::borrow::Cow;
use tracing::{info, warn};

/// How removing one requested certificate went.
pub(super) enum Removal {
    /// Deleted (its validation records stay: they are the account's), or gone already.
    Removed,
    /// Still used by these resources; kept in the ledger for a later try.
    InUse(Vec<String>),
    /// Not this resource's (its tags say otherwise): forgotten, never touched.
    NotOurs,
}

impl Lifecycle<'_> {
    /// The properties with the certificate the clone will use. Without
    /// `CertificateValidation` (or with an explicit `CertificateArn`) they are returned as
    /// they are, and the plan's inputs find the certificate; with it, an ISSUED
    /// certificate covering the aliases is used if there is one, and otherwise one is
    /// requested and waited for — `known` is the one an earlier invocation requested.
    /// `Err` is the outcome to answer with: a failure, or a hand-off.
    pub(super) async fn certified<'p>(
        &self,
        request: &Request,
        properties: &'p Properties,
        answer_id: &str,
        known: Option<&str>,
    ) -> Result<Cow<'p, Properties>, Outcome> {
        let Some(validation) = &properties.certificate_validation else {
            return Ok(Cow::Borrowed(properties));
        };
        if properties.certificate_arn.is_some() {
            return Ok(Cow::Borrowed(properties));
        }
        let with = |arn: String| {
            let mut p = properties.clone();
            p.certificate_arn = Some(arn);
            Cow::Owned(p)
        };
        if known.is_none() {
            match self
                .certificate(properties, self.aws.certificates.list())
                .await
            {
                Ok(Choice::Given(arn) | Choice::Found(arn)) => return Ok(with(arn)),
                Ok(Choice::Default | Choice::ToBeRequested) => {
                    return Ok(Cow::Borrowed(properties));
                }
                Err(Error::Certificate(none)) => {
                    info!(why = %none, "no usable certificate covers the aliases; requesting one");
                }
                Err(e) => return Err(failed(answer_id, e)),
            }
        }
        let zones = self
            .zones(validation)
            .await
            .map_err(|e| failed(answer_id, e))?;
        let arn = match known {
            Some(arn) => arn.to_owned(),
            None => self
                .request_certificate(request, properties, &zones)
                .await
                .map_err(|e| failed(answer_id, e))?,
        };
        self.await_issued(request, &arn, validation, &zones, answer_id)
            .await?;
        Ok(with(arn))
    }

    /// `RequestCertificate` for the aliases, once `zones` are known to hold them.
    async fn request_certificate(
        &self,
        request: &Request,
        properties: &Properties,
        zones: &[Zone],
    ) -> Result<String, Error> {
        let asked = cr::request(
            &request.ids.stack_id,
            &request.ids.logical_resource_id,
            &properties.aliases,
        )
        .map_err(|e| Error::property(PROPERTY, e.to_string()))?;
        cr::check_zones(&properties.aliases, zones)
            .map_err(|e| Error::property(PROPERTY, e.to_string()))?;
        let tags = owned_tags(request, properties);
        let arn = self
            .aws
            .certificates
            .request(&asked, tags)
            .await
            .map_err(|e| refused(e, asked.subject_alternative_names.len() + 1))?;
        info!(certificate_arn = %arn, domain_name = %asked.domain_name, names = asked.subject_alternative_names.len() + 1, "requested a certificate validated by DNS");
        // Into the ledger before anything else can fail: a rollback finds what was asked for.
        let name = cr::ledger_name(&request.ids.stack_id, &request.ids.logical_resource_id);
        let kept = self.ledger(&name).await?;
        if !kept
            .as_ref()
            .is_some_and(|l| l.certificates.iter().any(|c| c.certificate_arn == arn))
        {
            let ledger = kept
                .unwrap_or_default()
                .with(&arn, &properties_zones(properties), &[]);
            self.put_ledger(&name, &ledger).await?;
        }
        Ok(arn)
    }

    /// The hosted zones `CertificateValidation` names, with their domain names.
    pub(super) async fn zones(
        &self,
        validation: &CertificateValidation,
    ) -> Result<Vec<Zone>, Error> {
        let named = futures_util::future::join_all(validation.hosted_zone_ids.iter().map(
            |id| async move {
                match self.aws.zones.zone(id).await {
                    Ok(zone) if zone.private => Err(Error::property(
                        PROPERTY,
                        format!(
                            "HostedZoneIds: {id} ({}) is a private hosted zone, and ACM validates through public DNS only; give the domain's public hosted zone instead",
                            zone.name.trim_end_matches('.')
                        ),
                    )),
                    Ok(zone) => Ok(Zone {
                        id: id.clone(),
                        name: zone.name,
                    }),
                    Err(e) if e.is(ErrorKind::NotFound) => Err(Error::property(
                        PROPERTY,
                        format!(
                            "HostedZoneIds: there is no hosted zone {id} in this account ({}); check the id with `aws route53 list-hosted-zones`",
                            e.message
                        ),
                    )),
                    Err(e) => Err(Error::Aws(e)),
                }
            },
        ))
        .await;
        named.into_iter().collect()
    }

    /// Writes the validation records as soon as ACM gives them, keeps them in the ledger,
    /// and polls until the certificate is ISSUED; `Err` is a failure or a hand-off. Right
    /// after the request ACM may not describe the certificate yet ("a delay of several
    /// seconds", DescribeCertificate) nor give its records: both are "not yet".
    async fn await_issued(
        &self,
        request: &Request,
        arn: &str,
        validation: &CertificateValidation,
        zones: &[Zone],
        answer_id: &str,
    ) -> Result<(), Outcome> {
        let mut written = false;
        let mut waited = false;
        loop {
            let described = match self.aws.certificates.requested(arn).await {
                Ok(described) => Some(described),
                Err(e) if e.is(ErrorKind::NotFound) => None,
                Err(e) => return Err(failed(answer_id, e)),
            };
            let (status, pending) = match &described {
                None => ("not described by ACM yet", Vec::new()),
                Some(described) => {
                    if !written && let Ok(records) = cr::records(&described.validations) {
                        self.write_records(request, arn, validation, zones, &records)
                            .await
                            .map_err(|e| failed(answer_id, e))?;
                        written = true;
                    }
                    let standing = cr::standing(
                        &described.status,
                        described.failure_reason.as_deref(),
                        &described.validations,
                    );
                    match standing {
                        Standing::Issued => {
                            info!(certificate_arn = arn, "the certificate is issued");
                            return Ok(());
                        }
                        Standing::Failed(why) => {
                            return Err(failed(
                                answer_id,
                                Error::property(PROPERTY, format!("{arn}: {why}")),
                            ));
                        }
                        Standing::Pending(records) => (described.status.as_str(), records),
                    }
                }
            };
            let now = self.aws.clock.now_ms();
            info!(
                certificate_arn = arn,
                status,
                elapsed_s = self.budget.elapsed(now).as_secs(),
                left_s = self.budget.left(now).as_secs(),
                "waiting for ACM to validate the certificate"
            );
            match self.budget.decide(now, waited) {
                WaitDecision::Poll(pause) => {
                    self.aws.clock.sleep(pause).await;
                    waited = true;
                }
                WaitDecision::HandOff => {
                    return Err(Outcome::Continue {
                        phase: Phase::AwaitCertificate {
                            certificate_arn: arn.to_owned(),
                        },
                    });
                }
                WaitDecision::GiveUp => {
                    let message = gave_up(arn, status, &pending, validation);
                    return Err(failed(answer_id, Error::property(PROPERTY, message)));
                }
            }
        }
    }

    /// UPSERTs the records into their zones (none given: DNS is hosted elsewhere, so they
    /// are logged for someone to add) and keeps them in the ledger beside the certificate.
    async fn write_records(
        &self,
        request: &Request,
        arn: &str,
        validation: &CertificateValidation,
        zones: &[Zone],
        records: &[Record],
    ) -> Result<(), Error> {
        if zones.is_empty() {
            warn!(certificate_arn = arn, records = %cr::missing_text(records), "no hosted zone given: add these validation records to the domain's DNS");
        } else {
            let assigned =
                cr::assign(records, zones).map_err(|e| Error::property(PROPERTY, e.to_string()))?;
            self.upsert_records(zones, &assigned).await?;
        }
        let name = cr::ledger_name(&request.ids.stack_id, &request.ids.logical_resource_id);
        let kept = self.ledger(&name).await?;
        let ledger =
            kept.clone()
                .unwrap_or_default()
                .with(arn, &validation.hosted_zone_ids, records);
        // A continuation finds the ledger as the first invocation left it.
        if kept.as_ref() == Some(&ledger) {
            return Ok(());
        }
        self.put_ledger(&name, &ledger).await
    }

    /// One `ChangeResourceRecordSets` UPSERT per zone that holds any of the `placed` records.
    async fn upsert_records(
        &self,
        zones: &[Zone],
        placed: &[(&Zone, &Record)],
    ) -> Result<(), AwsError> {
        for zone in zones {
            let mine: Vec<Record> = placed
                .iter()
                .filter(|(z, _)| z.id == zone.id)
                .map(|(_, r)| (*r).clone())
                .collect();
            if mine.is_empty() {
                continue;
            }
            self.aws.zones.upsert(&zone.id, &mine).await?;
            info!(hosted_zone_id = %zone.id, records = mine.len(), "upserted the validation records");
        }
        Ok(())
    }

    /// This resource's ledger, if it has one.
    pub(super) async fn ledger(&self, name: &str) -> Result<Option<Ledger>, Error> {
        self.kept(name, Ledger::parse).await
    }

    /// Writes the ledger, or removes it once it holds nothing.
    pub(super) async fn put_ledger(&self, name: &str, ledger: &Ledger) -> Result<(), Error> {
        let written = if ledger.certificates.is_empty() {
            self.aws
                .parameters
                .delete(RECORD_REGION, &[name.to_owned()])
                .await
        } else {
            self.aws
                .parameters
                .put(RECORD_REGION, name, &ledger.to_json())
                .await
        };
        written.map_err(|error| Error::Record {
            name: name.to_owned(),
            error,
        })
    }

    /// Removes one certificate this resource requested, unless anything still uses it or
    /// its tags are not this resource's. Its validation records stay: they are the
    /// account's for the names, and any other certificate naming them (in any region, at
    /// any renewal) needs them.
    pub(super) async fn remove_certificate(
        &self,
        request: &Request,
        entry: &cr::Requested,
    ) -> Result<Removal, AwsError> {
        let arn = &entry.certificate_arn;
        let tags = match self.aws.certificates.certificate_tags(arn).await {
            Ok(tags) => tags,
            Err(e) if e.is(ErrorKind::NotFound) => return Ok(Removal::Removed),
            Err(e) => return Err(e),
        };
        if !request.owns(&tags) {
            warn!(certificate_arn = %arn, "the certificate does not carry this resource's ownership tags; left untouched");
            return Ok(Removal::NotOurs);
        }
        // Its tags were read, so a not-found here is ACM's delay after the request (nothing
        // uses a certificate that young): delete it all the same.
        let in_use_by = match self.aws.certificates.requested(arn).await {
            Ok(Requested { in_use_by, .. }) => in_use_by,
            Err(e) if e.is(ErrorKind::NotFound) => Vec::new(),
            Err(e) => return Err(e),
        };
        if !in_use_by.is_empty() {
            return Ok(Removal::InUse(in_use_by));
        }
        match self.aws.certificates.delete_certificate(arn).await {
            Ok(()) => {}
            Err(e) if e.is(ErrorKind::NotFound) => {}
            // ConflictException: "already being created or updated"; wait and try again.
            Err(e) if e.is(ErrorKind::InUse) || e.code.as_deref() == Some(CONFLICT) => {
                return Ok(Removal::InUse(Vec::new()));
            }
            Err(e) => return Err(e),
        }
        info!(certificate_arn = %arn, "deleted the certificate this resource requested (its validation records stay: they are the account's)");
        Ok(Removal::Removed)
    }
}

impl Lifecycle<'_> {
    /// After a Create or Update of a resource that requests certificates: notes in the
    /// ledger that clone `clone_id` uses `in_use`, removes every certificate it requested
    /// but that one (one still in use is kept for the next update or the Delete), and
    /// answers the `CertificateValidationRecords` attribute (the records of the certificate
    /// in use, if this resource requested it). A failure here is logged, never the answer:
    /// the clone itself is done.
    pub(super) async fn tidy_certificates(
        &self,
        request: &Request,
        properties: &Properties,
        clone_id: &str,
        in_use: Option<&str>,
    ) -> String {
        let declared = |raw: &serde_json::Value| raw.get(PROPERTY).is_some();
        let had = request
            .old_properties
            .as_ref()
            .is_some_and(|old| declared(&old.raw));
        if properties.certificate_validation.is_none() && !had {
            return "[]".into();
        }
        let name = cr::ledger_name(&request.ids.stack_id, &request.ids.logical_resource_id);
        let ledger = match self.ledger(&name).await {
            Ok(Some(ledger)) => ledger,
            Ok(None) => return "[]".into(),
            Err(e) => {
                warn!(ledger = %name, error = %e.reason(), "could not read the ledger of requested certificates");
                return "[]".into();
            }
        };
        let attribute = ledger
            .certificates
            .iter()
            .find(|c| Some(c.certificate_arn.as_str()) == in_use)
            .map_or_else(
                || "[]".to_owned(),
                |c| serde_json::to_string(&c.records).expect("records serialize"),
            );
        let mut kept = match in_use {
            Some(arn) => ledger.clone().used_by(arn, clone_id),
            None => ledger.clone(),
        };
        for entry in ledger.retired(in_use) {
            match self.remove_certificate(request, entry).await {
                Ok(Removal::Removed | Removal::NotOurs) => {
                    kept = kept.without(&entry.certificate_arn);
                }
                Ok(Removal::InUse(by)) => {
                    warn!(certificate_arn = %entry.certificate_arn, in_use_by = ?by, "the certificate the clone used before is still in use; it is removed at the next update or when the resource is deleted");
                }
                Err(e) => {
                    warn!(certificate_arn = %entry.certificate_arn, error = %e, "could not remove a certificate this resource requested; it is tried again at the next update or when the resource is deleted");
                }
            }
        }
        if kept != ledger
            && let Err(e) = self.put_ledger(&name, &kept).await
        {
            warn!(ledger = %name, error = %e.reason(), "could not write the ledger of requested certificates");
        }
        attribute
    }

    /// After the clone `clone_id` is deleted (or was never made): removes every certificate
    /// this resource requested that no live clone of it uses, waiting (or handing on) while
    /// ACM still counts the deleted clone as a user. One the ledger gives to another clone
    /// of this resource that still exists (a vanished clone made anew: CloudFormation's
    /// clean-up Delete of the old id comes after) stays in the ledger for that clone's
    /// Delete. `Err` is the outcome to answer with.
    pub(super) async fn remove_certificates(
        &self,
        request: &Request,
        clone_id: &str,
    ) -> Result<(), Outcome> {
        if request.properties.raw.get(PROPERTY).is_none() {
            return Ok(());
        }
        let name = cr::ledger_name(&request.ids.stack_id, &request.ids.logical_resource_id);
        let cleanup = |error: AwsError| {
            failed(
                clone_id,
                Error::Cleanup {
                    what: "the clone is deleted, but removing the certificate this resource requested failed",
                    error,
                },
            )
        };
        let Some(mut ledger) = self.ledger(&name).await.map_err(|e| failed(clone_id, e))? else {
            return Ok(());
        };
        let mut pending = std::collections::VecDeque::new();
        for entry in &ledger.certificates {
            if !self
                .kept_for_another_clone(entry, clone_id)
                .await
                .map_err(cleanup)?
            {
                pending.push_back(entry.clone());
            }
        }
        let mut waited = false;
        let clone_suffix = format!("/{clone_id}");
        while let Some(entry) = pending.front().cloned() {
            let arn = &entry.certificate_arn;
            let forget = match self
                .remove_certificate(request, &entry)
                .await
                .map_err(cleanup)?
            {
                Removal::Removed | Removal::NotOurs => true,
                Removal::InUse(by) if by.iter().any(|user| !user.ends_with(&clone_suffix)) => {
                    let own = self
                        .used_by_own_clone(request, &by, &clone_suffix)
                        .await
                        .map_err(cleanup)?;
                    if own {
                        info!(certificate_arn = %arn, in_use_by = ?by, "another clone of this resource uses the certificate; it stays in the ledger for that clone");
                    } else {
                        warn!(certificate_arn = %arn, in_use_by = ?by, "the certificate this resource requested is used by other resources; left in place");
                    }
                    pending.pop_front();
                    !own
                }
                Removal::InUse(_) => {
                    match self.budget.decide(self.aws.clock.now_ms(), waited) {
                        WaitDecision::Poll(pause) => {
                            info!(certificate_arn = %arn, "ACM still counts the deleted clone as a user of the certificate (or is busy with it); waiting");
                            self.aws.clock.sleep(pause).await;
                            waited = true;
                        }
                        WaitDecision::HandOff => {
                            return Err(Outcome::Continue {
                                phase: Phase::Delete,
                            });
                        }
                        WaitDecision::GiveUp => {
                            return Err(failed(clone_id, still_used(arn, &name)));
                        }
                    }
                    continue;
                }
            };
            if forget {
                pending.retain(|e| e.certificate_arn != *arn);
                ledger = ledger.without(arn);
                self.put_ledger(&name, &ledger)
                    .await
                    .map_err(|e| failed(clone_id, e))?;
            }
        }
        Ok(())
    }

    /// Whether the ledger gives `entry` to a clone of this resource other than `clone_id`
    /// that still exists.
    async fn kept_for_another_clone(
        &self,
        entry: &cr::Requested,
        clone_id: &str,
    ) -> Result<bool, AwsError> {
        let Some(other) = entry.other_clone(clone_id) else {
            return Ok(false);
        };
        match self.aws.distributions.get(other).await {
            Ok(_) => {
                info!(certificate_arn = %entry.certificate_arn, distribution_id = other, "the certificate belongs to the resource's current clone; kept");
                Ok(true)
            }
            Err(e) if e.is(ErrorKind::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Whether any of the distributions `by` (but the one ending in `clone_suffix`) is a
    /// clone of this resource (its ownership tags say so).
    async fn used_by_own_clone(
        &self,
        request: &Request,
        by: &[String],
        clone_suffix: &str,
    ) -> Result<bool, AwsError> {
        for user in by.iter().filter(|user| !user.ends_with(clone_suffix)) {
            match self.aws.distributions.tags(user).await {
                Ok(tags) if request.owns(&tags) => return Ok(true),
                Ok(_) => {}
                Err(e) if e.is(ErrorKind::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }
}

/// DeleteCertificate's answer while the certificate is being created or updated.
const CONFLICT: &str = "ConflictException";

/// The hosted zones `CertificateValidation` names (none without it).
fn properties_zones(properties: &Properties) -> Vec<String> {
    properties
        .certificate_validation
        .as_ref()
        .map(|v| v.hosted_zone_ids.clone())
        .unwrap_or_default()
}

/// RequestCertificate's refusal in the property's words: ACM's quotas named, with the way
/// out. `names`: how many names were asked for.
fn refused(e: AwsError, names: usize) -> Error {
    if !e.is(ErrorKind::Quota) {
        return Error::Aws(e);
    }
    let message = if e.message.to_ascii_lowercase().contains("domain") {
        format!(
            "ACM refused a certificate for the {names} aliases ({e}): more names than the account's quota \"Domain names per ACM certificate\" (default {}, at most 100); ask for a higher quota (Service Quotas, ACM, us-east-1) or split the aliases over several clones, then retry",
            cr::DEFAULT_NAMES_QUOTA
        )
    } else {
        format!(
            "ACM refused a new certificate: the account's quota of certificates is reached ({e}); delete unused certificates or ask for a higher quota (Service Quotas, ACM), then retry"
        )
    };
    Error::property(PROPERTY, message)
}

/// Why the wait for `arn` (last seen `status`) gave up, with the records not seen yet.
fn gave_up(
    arn: &str,
    status: &str,
    pending: &[Record],
    validation: &CertificateValidation,
) -> String {
    let records = if pending.is_empty() {
        "(ACM has not given the records yet)".to_owned()
    } else {
        cr::missing_text(pending)
    };
    let where_ = if validation.hosted_zone_ids.is_empty() {
        "add these records to the domain's DNS"
    } else {
        "check that the hosted zones are the domain's delegated, public zones"
    };
    format!(
        "{arn} was still {status} when the resource's ServiceTimeout ran out; the validation records not seen yet: {records}; {where_}, then retry (the same certificate is used again within the hour)"
    )
}

/// The Delete gave up on a certificate ACM still counted as used.
fn still_used(arn: &str, ledger: &str) -> Error {
    Error::Stuck {
        operation: "DeleteCertificate",
        message: format!(
            "the clone is deleted, but ACM still counted it as a user of {arn} when the resource's ServiceTimeout ran out; delete the certificate by hand (aws acm delete-certificate --region us-east-1 --certificate-arn {arn}) and the SSM parameter {ledger}, or retry the stack deletion"
        ),
    }
}
