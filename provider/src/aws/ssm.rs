//! SSM Parameter Store on the SDK.

use super::client::classify;
use super::client::{Connect, NamesTheEndpoint, UnreachableIsFinal};
use super::{AwsError, ErrorKind, Parameters};
use aws_config::{Region, SdkConfig};
use std::collections::HashMap;
use std::sync::Mutex;

/// SSM Parameter Store on the SDK, one client per region, made on first use.
#[derive(Debug)]
pub struct SdkParameters {
    config: SdkConfig,
    connect: Connect,
    clients: Mutex<HashMap<String, aws_sdk_ssm::Client>>,
}

impl SdkParameters {
    pub fn new(config: &SdkConfig, connect: Connect) -> Self {
        Self {
            config: config.clone(),
            connect,
            clients: Mutex::new(HashMap::new()),
        }
    }

    fn client(&self, region: &str) -> aws_sdk_ssm::Client {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients
            .entry(region.to_owned())
            .or_insert_with(|| {
                let mut config = aws_sdk_ssm::config::Builder::from(&self.config)
                    .region(Region::new(region.to_owned()))
                    .interceptor(NamesTheEndpoint);
                if self.connect == Connect::FailFast {
                    config = config.retry_classifier(UnreachableIsFinal::default());
                }
                aws_sdk_ssm::Client::from_conf(config.build())
            })
            .clone()
    }
}

#[async_trait::async_trait]
impl Parameters for SdkParameters {
    async fn put(&self, region: &str, name: &str, value: &str) -> Result<(), AwsError> {
        use aws_sdk_ssm::types::{ParameterTier, ParameterType};
        self.client(region)
            .put_parameter()
            .name(name)
            .value(value)
            .r#type(ParameterType::String)
            // Standard (free, 4 KB) unless the value needs Advanced (8 KB): a clone record
            // of a reference with many behaviours can pass 4 KB.
            .tier(ParameterTier::IntelligentTiering)
            .overwrite(true)
            .description("written by cfclone (Custom::ClonedDistribution)")
            .send()
            .await
            .map_err(|e| classify("PutParameter", e))?;
        Ok(())
    }

    async fn get(&self, region: &str, name: &str) -> Result<Option<String>, AwsError> {
        match self.client(region).get_parameter().name(name).send().await {
            Ok(out) => Ok(out.parameter.and_then(|p| p.value)),
            Err(e) => {
                let err = classify("GetParameter", e);
                if err.is(ErrorKind::NotFound) {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    async fn delete(&self, region: &str, names: &[String]) -> Result<(), AwsError> {
        self.client(region)
            .delete_parameters()
            .set_names(Some(names.to_vec()))
            .send()
            .await
            .map_err(|e| classify("DeleteParameters", e))?;
        Ok(())
    }

    async fn under(&self, region: &str, path: &str) -> Result<Vec<(String, String)>, AwsError> {
        const OP: &str = "GetParametersByPath";
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        loop {
            // Ten a page, SSM's most; a page may come back short, or empty, with a
            // NextToken: only its absence ends the listing.
            let out = self
                .client(region)
                .get_parameters_by_path()
                .path(path)
                .recursive(false)
                .max_results(10)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(OP, e))?;
            found.extend(
                out.parameters
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| Some((p.name?, p.value?))),
            );
            match out.next_token.filter(|t| !t.is_empty()) {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        Ok(found)
    }
}
