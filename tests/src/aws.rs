//! AWS SDK clients on moto, and the readings of moto's state that tests assert on.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudfront::error::ProvideErrorMetadata;
use aws_sdk_cloudfront::types::DistributionConfig;
use aws_sdk_s3::config::Credentials;
use std::collections::BTreeMap;

/// The region CloudFront takes its certificates from.
pub const CERTIFICATE_REGION: &str = "us-east-1";

/// A distribution as read back from moto.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    pub id: String,
    pub arn: String,
    pub domain_name: String,
    pub status: String,
    pub config: DistributionConfig,
}

impl Distribution {
    pub fn aliases(&self) -> Vec<String> {
        self.config
            .aliases
            .as_ref()
            .and_then(|a| a.items.clone())
            .unwrap_or_default()
    }

    pub fn certificate_arn(&self) -> Option<String> {
        self.config
            .viewer_certificate
            .as_ref()
            .and_then(|v| v.acm_certificate_arn.clone())
            .filter(|arn| !arn.is_empty())
    }

    /// `(id, domain name, origin path)` of every origin.
    pub fn origins(&self) -> Vec<(String, String, String)> {
        self.config
            .origins
            .as_ref()
            .map(|o| o.items.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|o| {
                (
                    o.id.clone(),
                    o.domain_name.clone(),
                    o.origin_path.clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    /// The origin with this id.
    pub fn origin(&self, id: &str) -> Option<(String, String)> {
        self.origins()
            .into_iter()
            .find(|(origin_id, _, _)| origin_id == id)
            .map(|(_, domain, path)| (domain, path))
    }

    /// The id of the origin the default cache behaviour targets.
    pub fn default_origin_id(&self) -> String {
        self.config
            .default_cache_behavior
            .as_ref()
            .map(|b| b.target_origin_id.clone())
            .unwrap_or_default()
    }

    /// `(path pattern, target origin id)` of every cache behaviour, the default last as `*`.
    pub fn behaviours(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .config
            .cache_behaviors
            .as_ref()
            .and_then(|b| b.items.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|b| (b.path_pattern, b.target_origin_id))
            .collect();
        out.push(("*".into(), self.default_origin_id()));
        out
    }
}

/// SDK clients on moto.
#[derive(Clone)]
pub struct Aws {
    pub config: SdkConfig,
    pub cloudfront: aws_sdk_cloudfront::Client,
    pub route53: aws_sdk_route53::Client,
    /// ACM in us-east-1 (where CloudFront's certificates live).
    pub acm: aws_sdk_acm::Client,
    pub s3: aws_sdk_s3::Client,
}

impl Aws {
    /// Clients for `endpoint` in the stack's region, with moto's test credentials (the
    /// account [`crate::ACCOUNT`]).
    pub async fn new(endpoint: &str) -> Self {
        Self::with_credentials(
            endpoint,
            Credentials::new("testing", "testing", None, None, "e2e"),
        )
        .await
    }

    /// Clients acting in another account: moto keeps each account's resources apart and
    /// tells the account by the access key, which STS `AssumeRole` of a role in `account`
    /// hands out (moto does not check that the role exists).
    pub async fn in_account(&self, account: &str) -> Self {
        let endpoint = self.config.endpoint_url().expect("an endpoint").to_owned();
        let assumed = aws_sdk_sts::Client::new(&self.config)
            .assume_role()
            .role_arn(format!(
                "arn:aws:iam::{account}:role/cfclone-e2e-other-account"
            ))
            .role_session_name("cfclone-e2e")
            .send()
            .await
            .expect("AssumeRole")
            .credentials
            .expect("credentials");
        let credentials = Credentials::new(
            assumed.access_key_id,
            assumed.secret_access_key,
            Some(assumed.session_token),
            None,
            "e2e-other-account",
        );
        Self::with_credentials(&endpoint, credentials).await
    }

    async fn with_credentials(endpoint: &str, credentials: Credentials) -> Self {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(endpoint)
            .region(Region::new(crate::REGION))
            .credentials_provider(credentials)
            .load()
            .await;
        let acm = aws_sdk_acm::Client::from_conf(
            aws_sdk_acm::config::Builder::from(&config)
                .region(Region::new(CERTIFICATE_REGION))
                .build(),
        );
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&config)
                .force_path_style(true)
                .request_checksum_calculation(
                    aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired,
                )
                .response_checksum_validation(
                    aws_sdk_s3::config::ResponseChecksumValidation::WhenRequired,
                )
                .build(),
        );
        Self {
            cloudfront: aws_sdk_cloudfront::Client::new(&config),
            route53: aws_sdk_route53::Client::new(&config),
            acm,
            s3,
            config,
        }
    }

    /// SSM in `region`.
    pub fn ssm(&self, region: &str) -> aws_sdk_ssm::Client {
        aws_sdk_ssm::Client::from_conf(
            aws_sdk_ssm::config::Builder::from(&self.config)
                .region(Region::new(region.to_owned()))
                .build(),
        )
    }

    /// The distribution, or `None` when CloudFront says `NoSuchDistribution`.
    pub async fn distribution(&self, id: &str) -> Option<Distribution> {
        match self.cloudfront.get_distribution().id(id).send().await {
            Ok(out) => {
                let d = out
                    .distribution
                    .expect("GetDistribution returns a distribution");
                Some(Distribution {
                    id: d.id,
                    arn: d.arn,
                    domain_name: d.domain_name,
                    status: d.status,
                    config: d
                        .distribution_config
                        .expect("GetDistribution returns the configuration"),
                })
            }
            Err(e) if e.code() == Some("NoSuchDistribution") => None,
            Err(e) => panic!(
                "GetDistribution {id}: {}",
                aws_sdk_cloudfront::error::DisplayErrorContext(&e)
            ),
        }
    }

    /// `GetDistributionConfig`: what CloudFront stores for the distribution.
    pub async fn distribution_config(&self, id: &str) -> DistributionConfig {
        self.cloudfront
            .get_distribution_config()
            .id(id)
            .send()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "GetDistributionConfig {id}: {}",
                    aws_sdk_cloudfront::error::DisplayErrorContext(&e)
                )
            })
            .distribution_config
            .expect("GetDistributionConfig returns the configuration")
    }

    /// Edits a distribution's configuration by hand, as someone in the console would (its
    /// current ETag as `IfMatch`); the new ETag.
    pub async fn edit(&self, id: &str, edit: impl FnOnce(&mut DistributionConfig)) -> String {
        let out = self
            .cloudfront
            .get_distribution_config()
            .id(id)
            .send()
            .await
            .expect("GetDistributionConfig");
        let mut config = out.distribution_config.expect("a configuration");
        edit(&mut config);
        self.cloudfront
            .update_distribution()
            .id(id)
            .if_match(out.e_tag.expect("an ETag"))
            .distribution_config(config)
            .send()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "UpdateDistribution {id}: {}",
                    aws_sdk_cloudfront::error::DisplayErrorContext(&e)
                )
            })
            .e_tag
            .expect("an ETag")
    }

    /// Disables and deletes a distribution as someone outside the provider would: with
    /// its ETag, and once CloudFront has deployed the disabled configuration.
    pub async fn disable_and_delete(&self, id: &str) {
        let mut etag = self.edit(id, |config| config.enabled = false).await;
        for _ in 0..50 {
            let d = self
                .cloudfront
                .get_distribution()
                .id(id)
                .send()
                .await
                .expect("GetDistribution");
            etag = d.e_tag.expect("an ETag");
            if d.distribution.is_some_and(|d| d.status == "Deployed") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        self.cloudfront
            .delete_distribution()
            .id(id)
            .if_match(etag)
            .send()
            .await
            .expect("DeleteDistribution");
    }

    /// The ids of every distribution in the account.
    pub async fn distribution_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        let mut marker = None;
        loop {
            let out = self
                .cloudfront
                .list_distributions()
                .set_marker(marker)
                .send()
                .await
                .expect("ListDistributions");
            let Some(list) = out.distribution_list else {
                return ids;
            };
            ids.extend(list.items.unwrap_or_default().into_iter().map(|d| d.id));
            match list.next_marker.filter(|_| list.is_truncated) {
                Some(next) => marker = Some(next),
                None => return ids,
            }
        }
    }

    /// The tags of a distribution (by ARN), as a map.
    pub async fn tags(&self, arn: &str) -> BTreeMap<String, String> {
        self.cloudfront
            .list_tags_for_resource()
            .resource(arn)
            .send()
            .await
            .expect("ListTagsForResource")
            .tags
            .and_then(|t| t.items)
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.key, t.value.unwrap_or_default()))
            .collect()
    }

    /// Every SSM parameter under `prefix` in `region`: name → value.
    pub async fn parameters(&self, region: &str, prefix: &str) -> BTreeMap<String, String> {
        let client = self.ssm(region);
        let mut out = BTreeMap::new();
        let mut token = None;
        loop {
            let page = client
                .get_parameters_by_path()
                .path(prefix)
                .recursive(true)
                .set_next_token(token)
                .send()
                .await
                .expect("GetParametersByPath");
            for p in page.parameters.unwrap_or_default() {
                if let (Some(name), Some(value)) = (p.name, p.value) {
                    out.insert(name, value);
                }
            }
            match page.next_token {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => return out,
            }
        }
    }

    /// Writes one SSM parameter (for tests that need one in place beforehand).
    pub async fn put_parameter(&self, region: &str, name: &str, value: &str) {
        self.ssm(region)
            .put_parameter()
            .name(name)
            .value(value)
            .r#type(aws_sdk_ssm::types::ParameterType::String)
            .overwrite(true)
            .send()
            .await
            .expect("PutParameter");
    }

    /// A public hosted zone for `name`: its id, without `/hostedzone/`.
    pub async fn hosted_zone(&self, name: &str) -> String {
        let zone = self
            .route53
            .create_hosted_zone()
            .name(name)
            .caller_reference(crate::uuid())
            .send()
            .await
            .expect("CreateHostedZone")
            .hosted_zone
            .expect("a hosted zone");
        zone.id.trim_start_matches("/hostedzone/").to_owned()
    }

    /// The CNAMEs of a hosted zone: name → value.
    pub async fn cnames(&self, zone_id: &str) -> BTreeMap<String, String> {
        self.route53
            .list_resource_record_sets()
            .hosted_zone_id(zone_id)
            .send()
            .await
            .expect("ListResourceRecordSets")
            .resource_record_sets
            .into_iter()
            .filter(|set| set.r#type == aws_sdk_route53::types::RrType::Cname)
            .map(|set| {
                let value = set
                    .resource_records
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| r.value)
                    .collect::<Vec<_>>()
                    .join(",");
                (set.name, value)
            })
            .collect()
    }

    /// Every certificate of the account in us-east-1, whatever its status: ARN → status.
    pub async fn certificates(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let mut token = None;
        loop {
            let page = self
                .acm
                .list_certificates()
                .set_next_token(token)
                .send()
                .await
                .expect("ListCertificates");
            for c in page.certificate_summary_list.unwrap_or_default() {
                if let Some(arn) = c.certificate_arn {
                    let status = c.status.map(|s| s.as_str().to_owned()).unwrap_or_default();
                    out.insert(arn, status);
                }
            }
            match page.next_token {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => return out,
            }
        }
    }

    /// The tags of a certificate, as a map.
    pub async fn certificate_tags(&self, arn: &str) -> BTreeMap<String, String> {
        self.acm
            .list_tags_for_certificate()
            .certificate_arn(arn)
            .send()
            .await
            .expect("ListTagsForCertificate")
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.key, t.value.unwrap_or_default()))
            .collect()
    }
}
