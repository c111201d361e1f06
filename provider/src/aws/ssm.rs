//! SSM Parameter Store on the SDK.

use super::client::classify;
use super::{AwsError, ErrorKind, Parameters};
use aws_config::{Region, SdkConfig};
use std::collections::HashMap;
use std::sync::Mutex;

/// SSM Parameter Store on the SDK, one client per region, made on first use.
#[derive(Debug)]
pub struct SdkParameters {
    config: SdkConfig,
    clients: Mutex<HashMap<String, aws_sdk_ssm::Client>>,
}

impl SdkParameters {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            config: config.clone(),
            clients: Mutex::new(HashMap::new()),
        }
    }

    fn client(&self, region: &str) -> aws_sdk_ssm::Client {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients
            .entry(region.to_owned())
            .or_insert_with(|| {
                let config = aws_sdk_ssm::config::Builder::from(&self.config)
                    .region(Region::new(region.to_owned()))
                    .build();
                aws_sdk_ssm::Client::from_conf(config)
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
}
