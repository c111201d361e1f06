//! Adapters that read once what a fleet operation's clones share. A sync plans every clone
//! from the same reference and the same certificate list, and reads each clone before it
//! decides to update it: without this bundle each clone's Update would read all three
//! again. Over [`Memo::over`] the reads go so:
//!
//! - `GetDistributionConfig` of a distribution is read once and shared by every caller,
//!   at the same time or later, until cfclone writes that distribution (`UpdateDistribution`,
//!   `DeleteDistribution`): the references, which cfclone never writes, are read once.
//! - `GetDistribution` always goes to CloudFront (the waits poll it), and its answer stands
//!   in for the *next* `GetDistributionConfig` of that distribution, once: the Update that
//!   follows a clone's read plans on what was read, and sends it with that read's ETag. Had
//!   the clone changed in between, CloudFront answers `PreconditionFailed`, which clears
//!   what was kept, and the Update reads again.
//! - `ListCertificates` (the usable ones) is read once, and `DescribeCertificate` of a
//!   certificate once (asked only of a summary that lacks its names).
//!
//! Every other call goes through untouched. Use one bundle per operation, never longer: what
//! it keeps is as old as the operation.

use super::{
    Adapters, AwsError, Certificates, Configured, Conflict, Distribution, Distributions, Listed,
    Requested,
};
use crate::certificate_request::Request as CertificateRequest;
use crate::certificates::Certificate;
use async_trait::async_trait;
use aws_sdk_cloudfront::types::DistributionConfig;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Read<T> = Shared<BoxFuture<'static, Result<T, AwsError>>>;

/// See the module's documentation.
pub struct Memo;

impl Memo {
    /// `aws` with CloudFront's and ACM's reads kept for one fleet operation.
    pub fn over(aws: &Adapters) -> Adapters {
        Adapters {
            distributions: Arc::new(MemoDistributions {
                inner: aws.distributions.clone(),
                configs: Mutex::default(),
                read: Mutex::default(),
            }),
            certificates: Arc::new(MemoCertificates {
                inner: aws.certificates.clone(),
                usable: Mutex::default(),
                described: Mutex::default(),
            }),
            ..aws.clone()
        }
    }
}

struct MemoDistributions {
    inner: Arc<dyn Distributions>,
    configs: Mutex<HashMap<String, Read<Configured>>>,
    /// A distribution's last `GetDistribution`, for its next `GetDistributionConfig`.
    read: Mutex<HashMap<String, Configured>>,
}

impl MemoDistributions {
    fn forget(&self, id: &str) {
        lock(&self.configs).remove(id);
        lock(&self.read).remove(id);
    }
}

/// The answer kept under `key`, or `read`'s, shared by every caller at the same time and
/// later; a failed read is not kept: the next caller asks again. (`read` is dropped unpolled
/// when an answer is kept.)
async fn once<T: Clone + Send + Sync + 'static>(
    kept: &Mutex<HashMap<String, Read<T>>>,
    key: &str,
    read: impl std::future::Future<Output = Result<T, AwsError>> + Send + 'static,
) -> Result<T, AwsError> {
    let shared = lock(kept)
        .entry(key.to_owned())
        .or_insert_with(|| read.boxed().shared())
        .clone();
    let answer = shared.await;
    if answer.is_err() {
        lock(kept).remove(key);
    }
    answer
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[async_trait]
impl Distributions for MemoDistributions {
    async fn get_config(&self, id: &str) -> Result<Configured, AwsError> {
        if let Some(read) = lock(&self.read).remove(id) {
            return Ok(read);
        }
        let (inner, owned) = (self.inner.clone(), id.to_owned());
        once(
            &self.configs,
            id,
            async move { inner.get_config(&owned).await },
        )
        .await
    }

    async fn get(&self, id: &str) -> Result<Distribution, AwsError> {
        let found = self.inner.get(id).await?;
        let configured = Configured {
            config: found.config.clone(),
            etag: found.etag.clone(),
            unknown: found.unknown.clone(),
        };
        lock(&self.read).insert(id.to_owned(), configured);
        Ok(found)
    }

    async fn create(
        &self,
        config: DistributionConfig,
        tags: Vec<(String, String)>,
    ) -> Result<Distribution, AwsError> {
        self.inner.create(config, tags).await
    }

    async fn update(
        &self,
        id: &str,
        config: DistributionConfig,
        if_match: &str,
    ) -> Result<Distribution, AwsError> {
        self.forget(id);
        self.inner.update(id, config, if_match).await
    }

    async fn delete(&self, id: &str, if_match: &str) -> Result<(), AwsError> {
        self.forget(id);
        self.inner.delete(id, if_match).await
    }

    async fn list(&self) -> Result<Vec<Listed>, AwsError> {
        self.inner.list().await
    }

    async fn conflicting_aliases(
        &self,
        distribution: &str,
        alias: &str,
    ) -> Result<Vec<Conflict>, AwsError> {
        self.inner.conflicting_aliases(distribution, alias).await
    }

    async fn domain_conflicts(
        &self,
        distribution: &str,
        domain: &str,
    ) -> Result<Vec<Conflict>, AwsError> {
        self.inner.domain_conflicts(distribution, domain).await
    }

    async fn tags(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
        self.inner.tags(arn).await
    }

    async fn tag(&self, arn: &str, tags: Vec<(String, String)>) -> Result<(), AwsError> {
        self.inner.tag(arn, tags).await
    }

    async fn untag(&self, arn: &str, keys: Vec<String>) -> Result<(), AwsError> {
        self.inner.untag(arn, keys).await
    }
}

struct MemoCertificates {
    inner: Arc<dyn Certificates>,
    usable: Mutex<Option<Read<Vec<Certificate>>>>,
    described: Mutex<HashMap<String, Read<Certificate>>>,
}

#[async_trait]
impl Certificates for MemoCertificates {
    async fn list(&self) -> Result<Vec<Certificate>, AwsError> {
        let shared = lock(&self.usable)
            .get_or_insert_with(|| {
                let inner = self.inner.clone();
                async move { inner.list().await }.boxed().shared()
            })
            .clone();
        let answer = shared.await;
        if answer.is_err() {
            *lock(&self.usable) = None;
        }
        answer
    }

    async fn list_all(&self) -> Result<Vec<Certificate>, AwsError> {
        self.inner.list_all().await
    }

    async fn describe(&self, arn: &str) -> Result<Certificate, AwsError> {
        let (inner, owned) = (self.inner.clone(), arn.to_owned());
        once(
            &self.described,
            arn,
            async move { inner.describe(&owned).await },
        )
        .await
    }

    async fn request(
        &self,
        request: &CertificateRequest,
        tags: Vec<(String, String)>,
    ) -> Result<String, AwsError> {
        // A requested certificate is not in the kept list, and needs not be: the Update
        // that requested it plans with its ARN.
        self.inner.request(request, tags).await
    }

    async fn requested(&self, arn: &str) -> Result<Requested, AwsError> {
        self.inner.requested(arn).await
    }

    async fn certificate_tags(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
        self.inner.certificate_tags(arn).await
    }

    async fn delete_certificate(&self, arn: &str) -> Result<(), AwsError> {
        self.inner.delete_certificate(arn).await
    }
}

#[cfg(test)]
mod tests;
