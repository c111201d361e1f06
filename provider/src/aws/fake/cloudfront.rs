//! The fake CloudFront: unlike moto, it changes ETags on every write, enforces `IfMatch`,
//! refuses to delete an enabled or undeployed distribution (`DistributionNotDisabled`) and
//! refuses duplicate aliases (`CNAMEAlreadyExists`), and answers configurations in
//! CloudFront's own shape ([`as_cloudfront_returns`]). Deployments finish `deploy_ms` after
//! each change, on the fake clock.

use super::{FakeClock, lock};
use crate::aws::{AwsError, Clock, Configured, Distribution, Distributions, ErrorKind};
use aws_sdk_cloudfront::types::DistributionConfig;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What GetDistributionConfig returns for a configuration that was sent as `sent`: the
/// deprecated `ViewerCertificate.Certificate`/`CertificateSource`, CloudFront's own
/// settings for its default certificate, `Staging=false`, empty ids for what was left
/// out, and empty lists without `Items` (as the strict emulator and AWS answer).
#[allow(deprecated)]
pub fn as_cloudfront_returns(sent: &DistributionConfig) -> DistributionConfig {
    use aws_sdk_cloudfront::types::{
        Aliases, CertificateSource, MinimumProtocolVersion, SslSupportMethod,
    };
    let mut back = sent.clone();
    if let Some(v) = back.viewer_certificate.as_mut() {
        match v.acm_certificate_arn.clone() {
            Some(arn) => {
                v.certificate = Some(arn);
                v.certificate_source = Some(CertificateSource::Acm);
            }
            None => {
                v.certificate_source = Some(CertificateSource::Cloudfront);
                v.ssl_support_method = Some(SslSupportMethod::Vip);
                v.minimum_protocol_version = Some(MinimumProtocolVersion::TlSv1);
            }
        }
    }
    if back.aliases.as_ref().is_some_and(|a| a.quantity == 0) {
        back.aliases = Some(Aliases::builder().quantity(0).build().expect("quantity"));
    }
    back.staging.get_or_insert(false);
    back.continuous_deployment_policy_id.get_or_insert_default();
    back.anycast_ip_list_id.get_or_insert_default();
    back.web_acl_id.get_or_insert_default();
    back
}

#[derive(Debug, Clone)]
pub struct Stored {
    pub distribution: Distribution,
    pub tags: Vec<(String, String)>,
    pub deployed_at_ms: u64,
    version: u64,
}

#[derive(Debug)]
pub struct FakeCloudFront {
    pub stored: Mutex<BTreeMap<String, Stored>>,
    pub calls: Mutex<Vec<String>>,
    failures: Mutex<HashMap<&'static str, VecDeque<AwsError>>>,
    next_id: AtomicU64,
    pub deploy_ms: AtomicU64,
    pub clock: Arc<FakeClock>,
    /// An operation that panics, or stalls this long (real time), when called.
    pub panic_on: Mutex<Option<&'static str>>,
    pub stall_on: Mutex<Option<(&'static str, Duration)>>,
    /// Distribution tenants, `(id, domain)`: only `ListDomainConflicts` sees them.
    pub tenants: Mutex<Vec<(String, String)>>,
}

impl FakeCloudFront {
    pub fn new(clock: Arc<FakeClock>) -> Self {
        Self {
            stored: Mutex::default(),
            calls: Mutex::default(),
            failures: Mutex::default(),
            next_id: AtomicU64::new(1),
            deploy_ms: AtomicU64::new(0),
            clock,
            panic_on: Mutex::default(),
            stall_on: Mutex::default(),
            tenants: Mutex::default(),
        }
    }

    /// Puts a distribution in place (as if made elsewhere), already `Deployed`.
    pub fn insert(&self, id: &str, config: DistributionConfig, tags: Vec<(String, String)>) {
        let distribution = Distribution {
            id: id.to_owned(),
            arn: format!("arn:aws:cloudfront::123456789012:distribution/{id}"),
            domain_name: format!("{}.cloudfront.net", id.to_ascii_lowercase()),
            status: "Deployed".into(),
            etag: format!("{id}-v1"),
            config,
            unknown: Vec::new(),
        };
        lock(&self.stored).insert(
            id.to_owned(),
            Stored {
                distribution,
                tags,
                deployed_at_ms: 0,
                version: 1,
            },
        );
    }

    /// The next call of `operation` fails with `kind`.
    pub fn fail_next(&self, operation: &'static str, kind: ErrorKind, message: &str) {
        lock(&self.failures)
            .entry(operation)
            .or_default()
            .push_back(AwsError::new(operation, kind, message));
    }

    /// The next call of `operation` fails with this error (a code of its own, or none).
    pub fn fail_next_with(&self, error: AwsError) {
        lock(&self.failures)
            .entry(error.operation)
            .or_default()
            .push_back(error);
    }

    pub fn calls(&self) -> Vec<String> {
        lock(&self.calls).clone()
    }

    pub fn count(&self, operation: &str) -> usize {
        self.calls()
            .iter()
            .filter(|c| c.starts_with(operation))
            .count()
    }

    /// Gives a distribution members this build does not know, as a newer CloudFront
    /// configuration would hold; an update's new configuration drops them.
    pub fn set_unknown(&self, id: &str, members: &[&str]) {
        if let Some(s) = lock(&self.stored).get_mut(id) {
            s.distribution.unknown = members.iter().map(|m| (*m).to_owned()).collect();
        }
    }

    pub fn get_stored(&self, id: &str) -> Option<Stored> {
        lock(&self.stored).get(id).cloned()
    }

    async fn enter(&self, operation: &'static str, id: &str) -> Result<(), AwsError> {
        lock(&self.calls).push(format!("{operation} {id}"));
        if *lock(&self.panic_on) == Some(operation) {
            panic!("injected panic in {operation}");
        }
        let stall = lock(&self.stall_on).filter(|(op, _)| *op == operation);
        if let Some((_, duration)) = stall {
            tokio::time::sleep(duration).await;
        }
        match lock(&self.failures)
            .get_mut(operation)
            .and_then(VecDeque::pop_front)
        {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// One tag write (`operation`) on the distribution with this ARN.
    async fn edit_tags(
        &self,
        operation: &'static str,
        arn: &str,
        edit: impl FnOnce(&mut Vec<(String, String)>),
    ) -> Result<(), AwsError> {
        self.enter(operation, arn).await?;
        let mut stored = lock(&self.stored);
        let s = stored
            .values_mut()
            .find(|s| s.distribution.arn == arn)
            .ok_or_else(|| AwsError::new(operation, ErrorKind::NotFound, "no such resource"))?;
        edit(&mut s.tags);
        Ok(())
    }

    fn view(&self, stored: &Stored) -> Distribution {
        let mut d = stored.distribution.clone();
        d.status = if self.clock.now_ms() >= stored.deployed_at_ms {
            "Deployed".into()
        } else {
            "InProgress".into()
        };
        d
    }

    fn not_found(operation: &'static str, id: &str) -> AwsError {
        AwsError::new(
            operation,
            ErrorKind::NotFound,
            format!("The specified distribution does not exist: {id}"),
        )
    }

    fn check_aliases(
        &self,
        operation: &'static str,
        config: &DistributionConfig,
        except: Option<&str>,
    ) -> Result<(), AwsError> {
        let wanted = crate::fields::aliases(config);
        for (id, s) in lock(&self.stored).iter() {
            if Some(id.as_str()) == except {
                continue;
            }
            if crate::fields::aliases(&s.distribution.config)
                .iter()
                .any(|a| wanted.contains(a))
            {
                return Err(AwsError::new(
                    operation,
                    ErrorKind::CnameAlreadyExists,
                    "One or more of the CNAMEs you provided are already associated with a different resource.",
                ));
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Distributions for FakeCloudFront {
    async fn list(&self) -> Result<Vec<super::super::Listed>, AwsError> {
        self.enter("ListDistributions", "").await?;
        Ok(lock(&self.stored)
            .values()
            .map(|s| super::super::Listed {
                id: s.distribution.id.clone(),
                arn: s.distribution.arn.clone(),
                aliases: crate::fields::aliases(&s.distribution.config),
            })
            .collect())
    }

    /// Exact matches only, ids shown whole: the fake's tests check the plumbing; the
    /// emulator answers as CloudFront does (overlaps, masking, InvalidArgument).
    async fn conflicting_aliases(
        &self,
        distribution: &str,
        alias: &str,
    ) -> Result<Vec<super::super::Conflict>, AwsError> {
        const OP: &str = "ListConflictingAliases";
        self.enter(OP, distribution).await?;
        let stored = lock(&self.stored);
        if !stored.contains_key(distribution) {
            return Err(FakeCloudFront::not_found(OP, distribution));
        }
        Ok(stored
            .values()
            .filter(|s| {
                crate::fields::aliases(&s.distribution.config)
                    .iter()
                    .any(|a| a == alias)
            })
            .map(|s| super::super::Conflict {
                alias: alias.to_owned(),
                id: s.distribution.id.clone(),
                account_id: "123456789012".into(),
                tenant: false,
            })
            .collect())
    }

    /// Exact matches only, ids shown whole, distributions then [`Self::tenants`]: as
    /// `conflicting_aliases`, the plumbing; the emulator answers as CloudFront does.
    async fn domain_conflicts(
        &self,
        distribution: &str,
        domain: &str,
    ) -> Result<Vec<super::super::Conflict>, AwsError> {
        const OP: &str = "ListDomainConflicts";
        self.enter(OP, distribution).await?;
        let stored = lock(&self.stored);
        if !stored.contains_key(distribution) {
            return Err(AwsError {
                code: Some("EntityNotFound".into()),
                ..AwsError::new(OP, ErrorKind::Other, "The entity was not found.")
            });
        }
        let conflict = |id: &str, tenant: bool| super::super::Conflict {
            alias: domain.to_owned(),
            id: id.to_owned(),
            account_id: "123456789012".into(),
            tenant,
        };
        let mut found: Vec<_> = stored
            .values()
            .filter(|s| {
                crate::fields::aliases(&s.distribution.config)
                    .iter()
                    .any(|a| a == domain)
            })
            .map(|s| conflict(&s.distribution.id, false))
            .collect();
        found.extend(
            lock(&self.tenants)
                .iter()
                .filter(|(_, held)| held == domain)
                .map(|(id, _)| conflict(id, true)),
        );
        Ok(found)
    }

    async fn get_config(&self, id: &str) -> Result<Configured, AwsError> {
        const OP: &str = "GetDistributionConfig";
        self.enter(OP, id).await?;
        let stored = lock(&self.stored);
        let s = stored
            .get(id)
            .ok_or_else(|| FakeCloudFront::not_found(OP, id))?;
        Ok(Configured {
            config: s.distribution.config.clone(),
            etag: s.distribution.etag.clone(),
            unknown: s.distribution.unknown.clone(),
        })
    }

    async fn get(&self, id: &str) -> Result<Distribution, AwsError> {
        const OP: &str = "GetDistribution";
        self.enter(OP, id).await?;
        let stored = lock(&self.stored);
        let s = stored
            .get(id)
            .ok_or_else(|| FakeCloudFront::not_found(OP, id))?;
        Ok(self.view(s))
    }

    async fn create(
        &self,
        config: DistributionConfig,
        tags: Vec<(String, String)>,
    ) -> Result<Distribution, AwsError> {
        const OP: &str = "CreateDistributionWithTags";
        self.enter(OP, &config.caller_reference).await?;
        if let Some((id, _)) = lock(&self.stored)
            .iter()
            .find(|(_, s)| s.distribution.config.caller_reference == config.caller_reference)
        {
            return Err(AwsError::new(
                OP,
                ErrorKind::AlreadyExists,
                format!(
                    "The caller reference that you are using to create a distribution is associated with another distribution. Already exists: {id}"
                ),
            ));
        }
        self.check_aliases(OP, &config, None)?;
        let n = self.next_id.fetch_add(1, Ordering::SeqCst);
        let id = format!("ECLONE{n:08}");
        let stored = Stored {
            distribution: Distribution {
                id: id.clone(),
                arn: format!("arn:aws:cloudfront::123456789012:distribution/{id}"),
                domain_name: format!("d{n:08}.cloudfront.net"),
                status: "InProgress".into(),
                etag: format!("{id}-v1"),
                config: as_cloudfront_returns(&config),
                unknown: Vec::new(),
            },
            tags,
            deployed_at_ms: self.clock.now_ms() + self.deploy_ms.load(Ordering::SeqCst),
            version: 1,
        };
        let view = self.view(&stored);
        lock(&self.stored).insert(id, stored);
        Ok(view)
    }

    async fn update(
        &self,
        id: &str,
        config: DistributionConfig,
        if_match: &str,
    ) -> Result<Distribution, AwsError> {
        const OP: &str = "UpdateDistribution";
        self.enter(OP, id).await?;
        self.check_aliases(OP, &config, Some(id))?;
        let mut stored = lock(&self.stored);
        let s = stored
            .get_mut(id)
            .ok_or_else(|| FakeCloudFront::not_found(OP, id))?;
        if s.distribution.etag != if_match {
            return Err(AwsError::new(
                OP,
                ErrorKind::PreconditionFailed,
                "The precondition given in one or more of the request-header fields evaluated to false.",
            ));
        }
        s.version += 1;
        s.distribution.etag = format!("{id}-v{}", s.version);
        s.distribution.config = as_cloudfront_returns(&config);
        s.distribution.unknown.clear(); // the whole configuration is replaced
        s.deployed_at_ms = self.clock.now_ms() + self.deploy_ms.load(Ordering::SeqCst);
        Ok(self.view(s))
    }

    async fn delete(&self, id: &str, if_match: &str) -> Result<(), AwsError> {
        const OP: &str = "DeleteDistribution";
        self.enter(OP, id).await?;
        let mut stored = lock(&self.stored);
        let s = stored
            .get(id)
            .ok_or_else(|| FakeCloudFront::not_found(OP, id))?;
        if s.distribution.etag != if_match {
            return Err(AwsError::new(
                OP,
                ErrorKind::PreconditionFailed,
                "precondition failed",
            ));
        }
        if s.distribution.config.enabled || self.view(s).status != "Deployed" {
            return Err(AwsError::new(
                OP,
                ErrorKind::NotDisabled,
                "The distribution you are trying to delete has not been disabled.",
            ));
        }
        stored.remove(id);
        Ok(())
    }

    async fn tags(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
        const OP: &str = "ListTagsForResource";
        self.enter(OP, arn).await?;
        let stored = lock(&self.stored);
        stored
            .values()
            .find(|s| s.distribution.arn == arn)
            .map(|s| s.tags.clone())
            .ok_or_else(|| AwsError::new(OP, ErrorKind::NotFound, "no such resource"))
    }

    async fn tag(&self, arn: &str, tags: Vec<(String, String)>) -> Result<(), AwsError> {
        self.edit_tags("TagResource", arn, |stored| {
            for (key, value) in tags {
                stored.retain(|(k, _)| *k != key);
                stored.push((key, value));
            }
        })
        .await
    }

    async fn untag(&self, arn: &str, keys: Vec<String>) -> Result<(), AwsError> {
        self.edit_tags("UntagResource", arn, |stored| {
            stored.retain(|(k, _)| !keys.contains(k));
        })
        .await
    }
}
