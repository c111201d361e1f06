//! CloudFront on the SDK.

use super::client::{Connect, NamesTheEndpoint, UnreachableIsFinal};
use super::client::{classify, missing};
use super::unknown::{self, RawResponse};
use super::{AwsError, Configured, Conflict, Distribution, Distributions, Listed};
use aws_config::SdkConfig;
use aws_sdk_cloudfront::types::{DistributionConfig, DistributionConfigWithTags, Tag, Tags};

/// CloudFront on the SDK.
#[derive(Debug, Clone)]
pub struct SdkDistributions {
    client: aws_sdk_cloudfront::Client,
}

impl SdkDistributions {
    /// CloudFront's client, with a retry quota of its own that never runs dry: the SDK's
    /// default quota (500 tokens per process and region, 5 per throttled retry, not
    /// refilled over time) would stop retrying throttles after a burst, and CloudFront's
    /// control plane throttles bursts as a matter of course. [`MAX_ATTEMPTS`](super::client::MAX_ATTEMPTS) still bounds
    /// every call.
    pub fn new(config: &SdkConfig, connect: Connect) -> Self {
        use aws_sdk_cloudfront::config::retry::{RetryPartition, TokenBucket};
        let mut config = aws_sdk_cloudfront::config::Builder::from(config)
            .retry_partition(
                RetryPartition::custom("cfclone-cloudfront")
                    .token_bucket(TokenBucket::unlimited())
                    .build(),
            )
            .interceptor(NamesTheEndpoint);
        if connect == Connect::FailFast {
            config = config.retry_classifier(UnreachableIsFinal::default());
        }
        let config = config.build();
        Self {
            client: aws_sdk_cloudfront::Client::from_conf(config),
        }
    }
}

/// A distribution as an answer holds it; `unknown` as [`unknown::members`] finds them in
/// the raw answer (a write's answer is the configuration it sent: nothing to find).
fn distribution(
    operation: &'static str,
    distribution: Option<aws_sdk_cloudfront::types::Distribution>,
    etag: Option<String>,
    unknown: Vec<String>,
) -> Result<Distribution, AwsError> {
    let d = distribution.ok_or_else(|| missing(operation, "distribution"))?;
    Ok(Distribution {
        config: d
            .distribution_config
            .ok_or_else(|| missing(operation, "distribution configuration"))?,
        id: d.id,
        arn: d.arn,
        domain_name: d.domain_name,
        status: d.status,
        etag: etag.ok_or_else(|| missing(operation, "ETag"))?,
        unknown,
    })
}

#[async_trait::async_trait]
impl Distributions for SdkDistributions {
    async fn get_config(&self, id: &str) -> Result<Configured, AwsError> {
        const OP: &str = "GetDistributionConfig";
        let raw = RawResponse::default();
        let out = self
            .client
            .get_distribution_config()
            .id(id)
            .customize()
            .interceptor(raw.clone())
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        let config = out
            .distribution_config
            .ok_or_else(|| missing(OP, "distribution configuration"))?;
        Ok(Configured {
            unknown: unknown::members(&self.client, raw.0.take(), "DistributionConfig", &config)
                .await,
            config,
            etag: out.e_tag.ok_or_else(|| missing(OP, "ETag"))?,
        })
    }

    async fn list(&self) -> Result<Vec<Listed>, AwsError> {
        const OP: &str = "ListDistributions";
        let mut found = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .client
                .list_distributions()
                .max_items(100)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| classify(OP, e))?;
            let Some(list) = out.distribution_list else {
                break;
            };
            found.extend(list.items.unwrap_or_default().into_iter().map(|d| Listed {
                id: d.id,
                arn: d.arn,
                aliases: d.aliases.and_then(|a| a.items).unwrap_or_default(),
            }));
            match list.next_marker.filter(|m| !m.is_empty()) {
                Some(next) if list.is_truncated => marker = Some(next),
                _ => break,
            }
        }
        Ok(found)
    }

    async fn conflicting_aliases(
        &self,
        distribution: &str,
        alias: &str,
    ) -> Result<Vec<Conflict>, AwsError> {
        const OP: &str = "ListConflictingAliases";
        let mut found = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .client
                .list_conflicting_aliases()
                .distribution_id(distribution)
                .alias(alias)
                .max_items(100)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| classify(OP, e))?;
            let Some(list) = out.conflicting_aliases_list else {
                break;
            };
            found.extend(
                list.items
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| Conflict {
                        alias: c.alias.unwrap_or_default(),
                        id: c.distribution_id.unwrap_or_default(),
                        account_id: c.account_id.unwrap_or_default(),
                        tenant: false,
                    }),
            );
            match list.next_marker.filter(|m| !m.is_empty()) {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        Ok(found)
    }

    async fn domain_conflicts(
        &self,
        distribution: &str,
        domain: &str,
    ) -> Result<Vec<Conflict>, AwsError> {
        use aws_sdk_cloudfront::types::{DistributionResourceId, DistributionResourceType};
        const OP: &str = "ListDomainConflicts";
        let mut found = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .client
                .list_domain_conflicts()
                .domain(domain)
                .domain_control_validation_resource(
                    DistributionResourceId::builder()
                        .distribution_id(distribution)
                        .build(),
                )
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| classify(OP, e))?;
            found.extend(
                out.domain_conflicts
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| Conflict {
                        tenant: c.resource_type == DistributionResourceType::DistributionTenant,
                        alias: c.domain,
                        id: c.resource_id,
                        account_id: c.account_id,
                    }),
            );
            match out.next_marker.filter(|m| !m.is_empty()) {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        Ok(found)
    }

    async fn get(&self, id: &str) -> Result<Distribution, AwsError> {
        const OP: &str = "GetDistribution";
        let raw = RawResponse::default();
        let out = self
            .client
            .get_distribution()
            .id(id)
            .customize()
            .interceptor(raw.clone())
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        let mut found = distribution(OP, out.distribution, out.e_tag, Vec::new())?;
        found.unknown = unknown::members(
            &self.client,
            raw.0.take(),
            "Distribution/DistributionConfig",
            &found.config,
        )
        .await;
        Ok(found)
    }

    async fn create(
        &self,
        config: DistributionConfig,
        tags: Vec<(String, String)>,
    ) -> Result<Distribution, AwsError> {
        const OP: &str = "CreateDistributionWithTags";
        let tags = to_tags(tags);
        let out = self
            .client
            .create_distribution_with_tags()
            .distribution_config_with_tags(
                DistributionConfigWithTags::builder()
                    .distribution_config(config)
                    .tags(tags)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        distribution(OP, out.distribution, out.e_tag, Vec::new())
    }

    async fn update(
        &self,
        id: &str,
        config: DistributionConfig,
        if_match: &str,
    ) -> Result<Distribution, AwsError> {
        const OP: &str = "UpdateDistribution";
        let out = self
            .client
            .update_distribution()
            .id(id)
            .if_match(if_match)
            .distribution_config(config)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        distribution(OP, out.distribution, out.e_tag, Vec::new())
    }

    async fn delete(&self, id: &str, if_match: &str) -> Result<(), AwsError> {
        self.client
            .delete_distribution()
            .id(id)
            .if_match(if_match)
            .send()
            .await
            .map_err(|e| classify("DeleteDistribution", e))?;
        Ok(())
    }

    async fn tags(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
        let out = self
            .client
            .list_tags_for_resource()
            .resource(arn)
            .send()
            .await
            .map_err(|e| classify("ListTagsForResource", e))?;
        Ok(out
            .tags
            .and_then(|t| t.items)
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.key, t.value.unwrap_or_default()))
            .collect())
    }

    async fn tag(&self, arn: &str, tags: Vec<(String, String)>) -> Result<(), AwsError> {
        self.client
            .tag_resource()
            .resource(arn)
            .tags(to_tags(tags))
            .send()
            .await
            .map_err(|e| classify("TagResource", e))?;
        Ok(())
    }

    async fn untag(&self, arn: &str, keys: Vec<String>) -> Result<(), AwsError> {
        use aws_sdk_cloudfront::types::TagKeys;
        self.client
            .untag_resource()
            .resource(arn)
            .tag_keys(TagKeys::builder().set_items(Some(keys)).build())
            .send()
            .await
            .map_err(|e| classify("UntagResource", e))?;
        Ok(())
    }
}

fn to_tags(tags: Vec<(String, String)>) -> Tags {
    Tags::builder()
        .set_items(Some(
            tags.into_iter()
                .map(|(key, value)| {
                    Tag::builder()
                        .key(key)
                        .value(value)
                        .build()
                        .expect("key is set")
                })
                .collect(),
        ))
        .build()
}
