//! Keeping a clone's [record](crate::record) beside it: written after every Create and
//! Update (before the wait, so a clone never exists without one for long), read by the
//! operator's tools, removed after Delete.

use super::Lifecycle;
use super::inputs::PlanInputs;
use crate::aws::{AwsError, Distribution};
use crate::error::Error;
use crate::event::Request;
use crate::properties::Properties;
use crate::record::{RECORD_REGION, Record, parameter_name};
use tracing::info;

impl Lifecycle<'_> {
    /// Writes the record of `clone`, just given its configuration from `inputs`.
    pub(super) async fn keep_record(
        &self,
        request: &Request,
        properties: &Properties,
        inputs: &PlanInputs,
        clone: &Distribution,
    ) -> Result<(), Error> {
        let record = Record::new(
            &properties.reference_distribution_id,
            &inputs.reference,
            &request.properties.raw,
            &clone.config,
        );
        let name = parameter_name(&clone.id);
        self.aws
            .parameters
            .put(RECORD_REGION, &name, &record.to_json())
            .await
            .map_err(|error| Error::Record {
                name: name.clone(),
                error,
            })?;
        info!(distribution_id = %clone.id, record = %name, revision = %record.reference_revision, "kept the clone's record");
        Ok(())
    }

    /// The record of clone `id`, if it has one.
    pub async fn record(&self, id: &str) -> Result<Option<Record>, Error> {
        self.kept(&parameter_name(id), Record::parse).await
    }

    /// The parameter `name` of us-east-1, read by `parse`, if there is one (records and
    /// certificate ledgers: what cfclone keeps beside what it made).
    pub(super) async fn kept<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, Error> {
        let text = self
            .aws
            .parameters
            .get(RECORD_REGION, name)
            .await
            .map_err(|error| Error::Record {
                name: name.to_owned(),
                error,
            })?;
        text.map(|text| {
            parse(&text).map_err(|message| Error::Stuck {
                operation: "GetParameter",
                message: format!("{name}: {message}"),
            })
        })
        .transpose()
    }

    /// Removes the record of a deleted clone.
    pub(super) async fn forget_record(&self, id: &str) -> Result<(), AwsError> {
        // The name is the clone's own, so nothing to check first; DeleteParameters answers
        // a name that is not there among its InvalidParameters, not as an error.
        self.aws
            .parameters
            .delete(RECORD_REGION, &[parameter_name(id)])
            .await?;
        info!(distribution_id = %id, "removed the clone's record (when it had one)");
        Ok(())
    }
}
