//! The fleet as the operator sees it: a clone's differences from what its plan would give
//! it now ([`Lifecycle::diff`]), every clone cfclone manages ([`Lifecycle::list`]), a
//! reference's revision, and the Update request a sync runs — the same request a
//! CloudFormation Update of the clone's resource would be, so a sync gives a clone exactly
//! what its stack would. Reads only; the sync itself goes through the handler.

use super::{Budget, Lifecycle};
use crate::aws::{Adapters, Configured, ErrorKind, Listed};
use crate::error::Error;
use crate::event::{
    OWNER_LOGICAL_ID_TAG, OWNER_STACK_TAG, Owner, Request, RequestType, stack_region,
};
use crate::fields;
use crate::properties::Properties;
use crate::record::{Cause, Difference, RECORD_PREFIX, RECORD_REGION, Record, parameter_name};
use futures_util::future::{BoxFuture, FutureExt, Shared};
use futures_util::{StreamExt, stream};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tracing::warn;

/// How many clones are read at the same time.
const READ_CONCURRENCY: usize = 8;

/// One clone, and what a sync would change on it.
#[derive(Debug, Clone)]
pub struct CloneState {
    pub id: String,
    pub domain_name: String,
    pub status: String,
    pub aliases: Vec<String>,
    pub owner: Owner,
    pub record: Record,
    /// The reference's revision now.
    pub reference_revision: String,
    /// What the plan would change, field by field, and why each differs.
    pub differences: Vec<Difference>,
    /// Members of the clone's configuration this build does not know: an Update that
    /// changes anything is refused, since it would wipe them.
    pub unknown: Vec<String>,
}

impl CloneState {
    pub fn in_sync(&self) -> bool {
        self.differences.is_empty()
    }

    /// The fields someone changed outside cfclone.
    pub fn drifted(&self) -> Vec<&str> {
        self.differences
            .iter()
            .filter(|d| d.cause == Cause::EditedByHand)
            .map(|d| d.change.field.as_str())
            .collect()
    }

    /// What a sync does with this clone: nothing when it is in sync; nothing, unless
    /// `force`, when fields of it were edited by hand (they are named); else an Update of
    /// this many fields. The one decision of the CLI's, the API's and the automatic sync.
    pub fn sync_decision(&self, force: bool) -> SyncDecision {
        let drifted = self.drifted();
        if self.in_sync() {
            SyncDecision::InSync
        } else if !drifted.is_empty() && !force {
            SyncDecision::EditedByHand(drifted.into_iter().map(str::to_owned).collect())
        } else {
            SyncDecision::Update(self.differences.len())
        }
    }

    /// The Update a sync runs: the one the clone's own resource would get from
    /// CloudFormation, its recorded properties as both the new and the old ones. Unless
    /// `may_wait`, the Update does not wait for `Deployed` whatever the properties say
    /// (waiting changes nothing in the configuration).
    pub fn sync_request(&self, may_wait: bool) -> Request {
        let mut properties = self.record.declared("cfclone-sync");
        if !may_wait {
            properties["WaitForDeployment"] = json!("false");
        }
        let request_id = format!(
            "{}{}-{}",
            crate::event::SYNC_REQUEST_PREFIX,
            self.id,
            self.reference_revision
        );
        self.owner.request(
            RequestType::Update,
            Some(&self.id),
            &request_id,
            properties.clone(),
            Some(properties),
        )
    }
}

/// What a sync does with one clone ([`CloneState::sync_decision`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncDecision {
    InSync,
    /// Left alone: these fields were edited by hand.
    EditedByHand(Vec<String>),
    /// Updated: this many fields change.
    Update(usize),
}

/// Reads the clones of a fleet share: each reference's configuration and the certificate
/// list are read once, however many clones ask for them at the same time.
#[derive(Default)]
pub struct SharedReads<'a> {
    references: Mutex<HashMap<String, SharedRead<'a, Configured>>>,
    certificates: Mutex<Option<SharedRead<'a, Vec<crate::certificates::Certificate>>>>,
}

/// A distribution's tags, as the adapters answer them.
type Tags = Vec<(String, String)>;

type SharedRead<'a, T> = Shared<BoxFuture<'a, Result<T, crate::aws::AwsError>>>;

impl<'a> Lifecycle<'a> {
    /// The lifecycle for the fleet's reads, with until `deadline_ms` to spend.
    pub fn for_reads(aws: &'a Adapters, deadline_ms: u64, poll: Duration) -> Self {
        let now = aws.clock.now_ms();
        let left = Duration::from_millis(deadline_ms.saturating_sub(now));
        Self {
            aws,
            budget: Budget::new(now, now, deadline_ms, left, poll),
        }
    }

    /// The revision of a reference's configuration now.
    pub async fn revision(&self, reference_id: &str) -> Result<String, Error> {
        let reference = self
            .aws
            .distributions
            .get_config(reference_id)
            .await
            .map_err(|e| not_found(e, reference_id))?;
        Ok(fields::revision(&reference.config))
    }

    /// Clone `id` as `stack_id` may change it: its owner, from its ownership tags, and
    /// its record when it has one. Refuses a distribution cfclone did not make, and a
    /// clone another owner holds.
    pub async fn owned(&self, id: &str, stack_id: &str) -> Result<(Owner, Option<Record>), Error> {
        let clone = self
            .aws
            .distributions
            .get(id)
            .await
            .map_err(|e| not_found(e, id))?;
        let tags = self.aws.distributions.tags(&clone.arn).await?;
        let owner = Owner::from_tags(&tags).ok_or_else(|| Error::NotAClone { id: id.into() })?;
        if owner.stack_id != stack_id {
            return Err(Error::OwnedElsewhere {
                id: id.into(),
                stack_id: owner.stack_id,
                logical_id: owner.logical_id,
            });
        }
        // A record that cannot be read leaves the declared properties to the caller.
        let record = self.record(id).await.ok().flatten();
        Ok((owner, record))
    }

    /// Clone `id` now, and what its plan would change. Refuses a distribution cfclone did
    /// not make, and a clone without a record.
    pub async fn diff(&self, id: &str) -> Result<CloneState, Error> {
        self.diff_sharing(id, None, None, &SharedReads::default())
            .await
    }

    /// Each of these clones, as [`Self::diff`] sees it, a few at a time; each reference and
    /// the certificate list are read once for them all.
    pub async fn states(&self, ids: Vec<String>) -> Result<Vec<CloneState>, Error> {
        self.states_with_tags(ids.into_iter().map(|id| (id, None, None)).collect())
            .await
    }

    /// Each clone, with its tags and its record when they were read already.
    async fn states_with_tags(
        &self,
        clones: Vec<(String, Option<Tags>, Option<Record>)>,
    ) -> Result<Vec<CloneState>, Error> {
        let shared = SharedReads::default();
        let shared = &shared;
        stream::iter(clones)
            .map(|(id, tags, record)| async move {
                self.diff_sharing(&id, tags, record, shared).await
            })
            .buffered(READ_CONCURRENCY)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect()
    }

    /// [`Self::diff`], with the clone's tags and record when they were read already, the
    /// reference and the certificates read through `shared`.
    async fn diff_sharing(
        &self,
        id: &str,
        tags: Option<Tags>,
        record: Option<Record>,
        shared: &SharedReads<'a>,
    ) -> Result<CloneState, Error> {
        let record = async {
            match record {
                Some(record) => Ok(Some(record)),
                None => self.record(id).await,
            }
        };
        let (clone, record) = tokio::join!(self.aws.distributions.get(id), record);
        let clone = clone.map_err(|e| not_found(e, id))?;
        // While the tags are read (they need the clone's ARN), so are the reference the
        // record names and the certificates: shared reads, which the plan below finds done.
        let tags = async {
            match tags {
                Some(tags) => Ok(tags),
                None => self.aws.distributions.tags(&clone.arn).await,
            }
        };
        let early = async {
            if let Ok(Some(record)) = &record {
                let reference = self.shared_reference(shared, &record.reference_distribution_id);
                let _ = tokio::join!(reference, self.shared_certificates(shared));
            }
        };
        let (tags, ()) = tokio::join!(tags, early);
        let tags = tags?;
        let owner = Owner::from_tags(&tags).ok_or_else(|| {
            Error::NotOwned(format!(
                "{id} does not carry cfclone's ownership tags ({OWNER_STACK_TAG}, {OWNER_LOGICAL_ID_TAG}): it is not a clone cfclone made, and cfclone leaves it alone"
            ))
        })?;
        let record = record?.ok_or_else(|| Error::Stuck {
            operation: "GetParameter",
            message: format!(
                "{id} has no record ({} in us-east-1), so its plan is unknown: it was made by an older cfclone; update its stack once (change ReferenceRevision) to write one",
                parameter_name(id)
            ),
        })?;
        let properties =
            Properties::parse(&record.declared("cfclone"), stack_region(&owner.stack_id))
                .map_err(Error::Property)?;
        let reference = self.shared_reference(shared, &properties.reference_distribution_id);
        let certificate = self.certificate(&properties, self.shared_certificates(shared));
        let inputs = self
            .inputs_from(&properties, reference, certificate)
            .await?;
        let planned = inputs.plan(&properties, &clone.config.caller_reference)?;
        let differences = record.causes(fields::changes(&clone.config, &planned));
        Ok(CloneState {
            aliases: fields::aliases(&clone.config),
            id: clone.id,
            domain_name: clone.domain_name,
            status: clone.status,
            owner,
            reference_revision: fields::revision(&inputs.reference),
            record,
            differences,
            unknown: clone.unknown,
        })
    }

    /// Every clone in cfclone's index, of `reference` only when given, each with its
    /// differences. The index is the clones' records (`/cfclone/records/<id>` in us-east-1,
    /// read in pages of ten): the cost grows with the clones, not with the account's
    /// distributions. A record whose distribution is gone, or no longer carries cfclone's
    /// ownership tags, is passed over (and logged). Clones made before cfclone kept records
    /// have none: [`Self::scan`] finds them.
    pub async fn list(&self, reference: Option<&str>) -> Result<Vec<CloneState>, Error> {
        let indexed: Vec<_> = self
            .records()
            .await?
            .into_iter()
            .filter(|(_, record)| reference.is_none_or(|r| record.reference_distribution_id == r))
            .map(|(id, record)| (id, None, Some(record)))
            .collect();
        let mut clones = self.states_found(indexed).await?;
        clones.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(clones)
    }

    /// Every clone's record, with the clone's id: cfclone's index of its clones.
    pub async fn records(&self) -> Result<Vec<(String, Record)>, Error> {
        let found = self
            .aws
            .parameters
            .under(RECORD_REGION, RECORD_PREFIX)
            .await
            .map_err(|error| Error::Record {
                name: format!("{RECORD_PREFIX}/"),
                error,
            })?;
        // One record that cannot be read (a newer cfclone's, a stray parameter) does not
        // stop the others: it is passed over, and logged.
        let read = found.into_iter().filter_map(|(name, text)| {
            let id = name.rsplit('/').next().unwrap_or_default().to_owned();
            Record::parse(&text)
                .map_err(|why| warn!(record = %name, %why, "passed over"))
                .ok()
                .map(|record| (id, record))
        });
        Ok(read.collect())
    }

    /// The states of clones the index names; one whose distribution is gone, or which no
    /// longer carries the ownership tags, is passed over.
    async fn states_found(
        &self,
        clones: Vec<(String, Option<Tags>, Option<Record>)>,
    ) -> Result<Vec<CloneState>, Error> {
        let shared = SharedReads::default();
        let shared = &shared;
        let read: Vec<Result<CloneState, Error>> =
            stream::iter(clones)
                .map(|(id, tags, record)| async move {
                    self.diff_sharing(&id, tags, record, shared).await
                })
                .buffered(READ_CONCURRENCY)
                .collect()
                .await;
        let mut found = Vec::new();
        for state in read {
            match state {
                Ok(state) => found.push(state),
                Err(Error::NoDistribution { id, .. }) => {
                    warn!(distribution_id = %id, record = %parameter_name(&id), "the index names a distribution that is gone; passed over");
                }
                Err(Error::NotOwned(why)) => warn!(%why, "passed over"),
                Err(e) => return Err(e),
            }
        }
        Ok(found)
    }

    /// Every clone cfclone manages found the slow way, by the ownership tags of every
    /// distribution of the account (`ListDistributions`, then `ListTagsForResource` of
    /// each): what finds clones made before cfclone kept records. Of `reference` only
    /// when given; a clone without a record is named, with the way to give it one.
    pub async fn scan(&self, reference: Option<&str>) -> Result<Vec<CloneState>, Error> {
        let all = self.aws.distributions.list().await?;
        let tagged: Vec<Result<(Listed, Tags), Error>> = stream::iter(all)
            .map(|listed| async move {
                let tags = self.aws.distributions.tags(&listed.arn).await?;
                Ok((listed, tags))
            })
            .buffered(READ_CONCURRENCY)
            .collect()
            .await;
        let mut owned = Vec::new();
        for found in tagged {
            let (listed, tags) = found?;
            if Owner::from_tags(&tags).is_some() {
                owned.push((listed.id, Some(tags), None));
            }
        }
        if let Some(reference) = reference {
            owned = self.of_reference(owned, reference).await?;
        }
        let mut clones: Vec<CloneState> = self
            .states_with_tags(owned)
            .await?
            .into_iter()
            .filter(|c| reference.is_none_or(|r| c.record.reference_distribution_id == r))
            .collect();
        clones.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(clones)
    }

    /// The clones whose record names `reference`, their records read (a few at a time)
    /// before anything else is: the other references' clones cost one read each. A clone
    /// without a record stays, for its state to say so.
    async fn of_reference(
        &self,
        owned: Vec<(String, Option<Tags>, Option<Record>)>,
        reference: &str,
    ) -> Result<Vec<(String, Option<Tags>, Option<Record>)>, Error> {
        let read: Vec<Result<_, Error>> = stream::iter(owned)
            .map(|(id, tags, _)| async move {
                let record = self.record(&id).await?;
                Ok((id, tags, record))
            })
            .buffered(READ_CONCURRENCY)
            .collect()
            .await;
        let mut kept = Vec::new();
        for found in read {
            let (id, tags, record) = found?;
            match record {
                Some(r) if r.reference_distribution_id != reference => {}
                record => kept.push((id, tags, record)),
            }
        }
        Ok(kept)
    }
}

impl<'a> Lifecycle<'a> {
    fn shared_reference(&self, shared: &SharedReads<'a>, id: &str) -> SharedRead<'a, Configured> {
        let aws = self.aws;
        let mut references = shared.references.lock().unwrap_or_else(|e| e.into_inner());
        references
            .entry(id.to_owned())
            .or_insert_with(|| {
                let id = id.to_owned();
                async move { aws.distributions.get_config(&id).await }
                    .boxed()
                    .shared()
            })
            .clone()
    }

    fn shared_certificates(
        &self,
        shared: &SharedReads<'a>,
    ) -> SharedRead<'a, Vec<crate::certificates::Certificate>> {
        let aws = self.aws;
        let mut certificates = shared
            .certificates
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        certificates
            .get_or_insert_with(|| {
                async move { aws.certificates.list().await }
                    .boxed()
                    .shared()
            })
            .clone()
    }
}

fn not_found(error: crate::aws::AwsError, id: &str) -> Error {
    if error.is(ErrorKind::NotFound) {
        Error::NoDistribution {
            operation: error.operation,
            id: id.to_owned(),
        }
    } else {
        Error::Aws(error)
    }
}
