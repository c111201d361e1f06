//! `CertificateValidation`: when no usable certificate covers the aliases, request one in
//! us-east-1, write its validation CNAMEs into the given hosted zones, wait for `ISSUED`
//! (handing the wait on as the teardown does), and remove what this resource requested
//! once the clone no longer uses it. The decisions are `certificate_request`'s; this
//! module reads and writes.

use super::{Lifecycle, Outcome, WaitDecision, failed, owned_tags};
use crate::aws::{
    AwsError, Certificates, Clock, Distributions, ErrorKind, Parameters, RecordAction, Requested,
    Zones,
};
use crate::certificate_request::{self as cr, Ledger, PROPERTY, Record, Standing, Zone};
use crate::error::Error;
use crate::event::{Phase, Request};
use crate::properties::{CertificateValidation, Properties};
use crate::record::RECORD_REGION;
use std::borrow::Cow;
use tracing::{info, warn};

/// How removing one requested certificate went.
pub(super) enum Removal {
    /// Deleted with its records, or gone already.
    Removed,
    /// Still used by these resources; kept in the ledger for a later try.
    InUse(Vec<String>),
    /// Not this resource's (its tags say otherwise): forgotten, never touched.
    NotOurs,
}

impl<D, C, P, K> Lifecycle<'_, D, C, P, K>
where
    D: Distributions,
    C: Certificates + Zones,
    P: Parameters,
    K: Clock,
{
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
                Ok(Some(arn)) => return Ok(with(arn)),
                Ok(None) => return Ok(Cow::Borrowed(properties)),
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
            .map_err(|e| {
                if e.is(ErrorKind::Quota) {
                    Error::property(
                        PROPERTY,
                        format!(
                            "ACM refused a new certificate: the account's quota of certificates is reached ({e}); delete unused certificates or ask for a higher quota (Service Quotas, ACM), then retry"
                        ),
                    )
                } else {
                    Error::Aws(e)
                }
            })?;
        info!(certificate_arn = %arn, domain_name = %asked.domain_name, names = asked.subject_alternative_names.len() + 1, "requested a certificate validated by DNS");
        Ok(arn)
    }

    /// The hosted zones `CertificateValidation` names, with their domain names.
    pub(super) async fn zones(
        &self,
        validation: &CertificateValidation,
    ) -> Result<Vec<Zone>, Error> {
        let named = futures_util::future::join_all(validation.hosted_zone_ids.iter().map(
            |id| async move {
                match self.aws.certificates.zone_name(id).await {
                    Ok(name) => Ok(Zone {
                        id: id.clone(),
                        name,
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
    /// and polls until the certificate is ISSUED; `Err` is a failure or a hand-off.
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
            let described = self
                .aws
                .certificates
                .requested(arn)
                .await
                .map_err(|e| failed(answer_id, e))?;
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
            let pending = match standing {
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
                Standing::Pending(records) => records,
            };
            let now = self.aws.clock.now_ms();
            info!(
                certificate_arn = arn,
                status = %described.status,
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
                    let records = if pending.is_empty() {
                        "(ACM has not given the records yet)".to_owned()
                    } else {
                        cr::missing_text(&pending)
                    };
                    let where_ = if validation.hosted_zone_ids.is_empty() {
                        "add these records to the domain's DNS"
                    } else {
                        "check that the hosted zones are the domain's delegated, public zones"
                    };
                    return Err(failed(
                        answer_id,
                        Error::property(
                            PROPERTY,
                            format!(
                                "{arn} was still {} when the resource's ServiceTimeout ran out; the validation records not seen yet: {records}; {where_}, then retry (the same certificate is used again within the hour)",
                                described.status
                            ),
                        ),
                    ));
                }
            }
        }
    }

    /// UPSERTs the records into their zones (none given: DNS is hosted elsewhere, so they
    /// are logged for someone to add) and keeps the certificate in the ledger.
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
            self.change_records(RecordAction::Upsert, zones, &assigned)
                .await?;
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

    /// One `ChangeResourceRecordSets` per zone that holds any of the `placed` records.
    async fn change_records(
        &self,
        action: RecordAction,
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
            self.aws
                .certificates
                .change(&zone.id, action, &mine)
                .await?;
            info!(hosted_zone_id = %zone.id, records = mine.len(), ?action, "changed the validation records");
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

    /// Removes one certificate this resource requested: its validation records, then the
    /// certificate, unless anything still uses it or its tags are not this resource's.
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
        let described: Requested = match self.aws.certificates.requested(arn).await {
            Ok(d) => d,
            Err(e) if e.is(ErrorKind::NotFound) => return Ok(Removal::Removed),
            Err(e) => return Err(e),
        };
        if !described.in_use_by.is_empty() {
            return Ok(Removal::InUse(described.in_use_by));
        }
        let given: Vec<cr::Validation> = described
            .validations
            .into_iter()
            .filter(|v| v.record.is_some())
            .collect();
        let records = cr::records(&given).unwrap_or_default();
        // The zones the records went into; one deleted since holds none of them any more.
        let mut zones = Vec::new();
        for id in &entry.hosted_zone_ids {
            match self.aws.certificates.zone_name(id).await {
                Ok(name) => zones.push(Zone {
                    id: id.clone(),
                    name,
                }),
                Err(e) if e.is(ErrorKind::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        let placed: Vec<(&Zone, &Record)> = records
            .iter()
            .filter_map(|r| cr::zone_of(&r.name, &zones).map(|z| (z, r)))
            .collect();
        self.change_records(RecordAction::Delete, &zones, &placed)
            .await?;
        match self.aws.certificates.delete_certificate(arn).await {
            Ok(()) => {}
            Err(e) if e.is(ErrorKind::NotFound) => {}
            Err(e) if e.is(ErrorKind::InUse) => return Ok(Removal::InUse(Vec::new())),
            Err(e) => return Err(e),
        }
        info!(certificate_arn = %arn, "deleted the certificate this resource requested");
        Ok(Removal::Removed)
    }
}

impl<D, C, P, K> Lifecycle<'_, D, C, P, K>
where
    D: Distributions,
    C: Certificates + Zones,
    P: Parameters,
    K: Clock,
{
    /// After a Create or Update of a resource that requests certificates: removes every
    /// certificate it requested but the one the clone now uses (one still in use is kept
    /// for the next update or the Delete), and answers the `CertificateValidationRecords`
    /// attribute (the records of the certificate in use, if this resource requested it).
    /// A failure here is logged, never the answer: the clone itself is done.
    pub(super) async fn tidy_certificates(
        &self,
        request: &Request,
        properties: &Properties,
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
        let mut kept = ledger.clone();
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

    /// After the clone is deleted: removes every certificate this resource requested,
    /// waiting (or handing on) while ACM still counts the deleted clone as a user. `Err` is
    /// the outcome to answer with.
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
        let mut waited = false;
        let clone_suffix = format!("/{clone_id}");
        while let Some(entry) = ledger.certificates.first().cloned() {
            match self
                .remove_certificate(request, &entry)
                .await
                .map_err(cleanup)?
            {
                Removal::Removed | Removal::NotOurs => {
                    ledger = ledger.without(&entry.certificate_arn);
                    self.put_ledger(&name, &ledger)
                        .await
                        .map_err(|e| failed(clone_id, e))?;
                }
                Removal::InUse(by) if by.iter().any(|arn| !arn.ends_with(&clone_suffix)) => {
                    warn!(certificate_arn = %entry.certificate_arn, in_use_by = ?by, "the certificate this resource requested is used by other resources; left in place");
                    ledger = ledger.without(&entry.certificate_arn);
                    self.put_ledger(&name, &ledger)
                        .await
                        .map_err(|e| failed(clone_id, e))?;
                }
                Removal::InUse(_) => match self.budget.decide(self.aws.clock.now_ms(), waited) {
                    WaitDecision::Poll(pause) => {
                        info!(certificate_arn = %entry.certificate_arn, "ACM still counts the deleted clone as a user of the certificate; waiting");
                        self.aws.clock.sleep(pause).await;
                        waited = true;
                    }
                    WaitDecision::HandOff => {
                        return Err(Outcome::Continue {
                            phase: Phase::Delete,
                        });
                    }
                    WaitDecision::GiveUp => {
                        return Err(failed(
                            clone_id,
                            Error::Stuck {
                                operation: "DeleteCertificate",
                                message: format!(
                                    "the clone is deleted, but ACM still counted it as a user of {} when the resource's ServiceTimeout ran out; delete the certificate by hand (aws acm delete-certificate --region us-east-1 --certificate-arn {}) and the SSM parameter {name}, or retry the stack deletion",
                                    entry.certificate_arn, entry.certificate_arn
                                ),
                            },
                        ));
                    }
                },
            }
        }
        Ok(())
    }
}
