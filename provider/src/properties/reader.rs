//! Reading CloudFormation's property values: every value arrives as a string (lists as
//! lists of strings); these read them into typed values or name the property at fault.

use super::validate::{validate_host, validate_origin_path};
use super::{
    CertificateValidation, OriginOverride, PROPERTY_NAMES, PropertyError, RESERVED_TAG_PREFIX, Tag,
    aws_limits,
};
use serde_json::{Map, Value};

/// Refuses a property `Custom::ClonedDistribution` does not have, with the nearest name.
pub(super) fn reject_unknown(map: &Map<String, Value>) -> Result<(), PropertyError> {
    for key in map.keys() {
        if key.is_empty() {
            return Err(PropertyError::new(
                "ResourceProperties",
                "has a property with an empty name; remove it",
            ));
        }
        if !PROPERTY_NAMES.contains(&key.as_str()) {
            let hint = PROPERTY_NAMES
                .iter()
                .find(|known| {
                    strsim::levenshtein(&known.to_ascii_lowercase(), &key.to_ascii_lowercase()) <= 2
                })
                .map(|known| format!("; did you mean {known}?"))
                .unwrap_or_default();
            return Err(PropertyError::new(
                key,
                format!("is not a property of Custom::ClonedDistribution{hint}"),
            ));
        }
    }
    Ok(())
}

pub(super) struct Reader<'a>(pub(super) &'a Map<String, Value>);

impl Reader<'_> {
    pub(super) fn string(&self, name: &str) -> Result<Option<String>, PropertyError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => Err(PropertyError::new(
                name,
                format!("expected a string, got {}", kind_of(other)),
            )),
        }
    }

    pub(super) fn boolean(&self, name: &str) -> Result<Option<bool>, PropertyError> {
        match self.string(name)?.as_deref() {
            None => Ok(None),
            Some("true" | "True" | "TRUE") => Ok(Some(true)),
            Some("false" | "False" | "FALSE") => Ok(Some(false)),
            Some(other) => Err(PropertyError::new(
                name,
                format!("`{other}` is not a boolean; use \"true\" or \"false\""),
            )),
        }
    }

    pub(super) fn list(&self, name: &str) -> Result<Option<&Vec<Value>>, PropertyError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(PropertyError::new(
                name,
                format!("expected a list, got {}", kind_of(other)),
            )),
        }
    }

    pub(super) fn string_list(&self, name: &str) -> Result<Option<Vec<String>>, PropertyError> {
        let Some(items) = self.list(name)? else {
            return Ok(None);
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(PropertyError::new(
                    name,
                    format!("item {i} should be a string, got {}", kind_of(other)),
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    pub(super) fn objects(&self, name: &str) -> Result<Vec<&Map<String, Value>>, PropertyError> {
        let Some(items) = self.list(name)? else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_object().ok_or_else(|| {
                    PropertyError::new(
                        name,
                        format!("item {i} should be an object, got {}", kind_of(item)),
                    )
                })
            })
            .collect()
    }

    pub(super) fn origins(&self) -> Result<Vec<OriginOverride>, PropertyError> {
        let mut origins: Vec<OriginOverride> = Vec::new();
        for (i, item) in self.objects("Origins")?.into_iter().enumerate() {
            let field = |key: &str| -> Result<Option<String>, PropertyError> {
                match item.get(key) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) => Ok(Some(s.clone())),
                    Some(other) => Err(PropertyError::new(
                        "Origins",
                        format!("item {i}: {key} should be a string, got {}", kind_of(other)),
                    )),
                }
            };
            if let Some(key) = item
                .keys()
                .find(|k| !matches!(k.as_str(), "Id" | "DomainName" | "OriginPath"))
            {
                return Err(PropertyError::new(
                    "Origins",
                    format!("item {i}: unknown key {key}; use Id, DomainName and OriginPath"),
                ));
            }
            let id = field("Id")?.filter(|id| !id.is_empty()).ok_or_else(|| {
                PropertyError::new(
                    "Origins",
                    format!("item {i}: Id is required (the reference origin's id)"),
                )
            })?;
            let domain_name = field("DomainName")?;
            if let Some(name) = &domain_name {
                validate_host("Origins", name)?;
            }
            let origin_path = field("OriginPath")?;
            if let Some(path) = &origin_path {
                validate_origin_path("Origins", path)?;
            }
            if origins.iter().any(|o| o.id == id) {
                return Err(PropertyError::new(
                    "Origins",
                    format!("origin id `{id}` appears twice; merge the two entries"),
                ));
            }
            origins.push(OriginOverride {
                id,
                domain_name,
                origin_path,
            });
        }
        Ok(origins)
    }

    /// `CertificateValidation: { HostedZoneIds: [Z…] }` (`{}` for DNS hosted elsewhere).
    pub(super) fn certificate_validation(
        &self,
    ) -> Result<Option<CertificateValidation>, PropertyError> {
        const NAME: &str = "CertificateValidation";
        let item = match self.0.get(NAME) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Object(item)) => item,
            Some(other) => {
                return Err(PropertyError::new(
                    NAME,
                    format!(
                        "expected an object such as {{\"HostedZoneIds\": [\"Z0123456789ABCDEFGHIJ\"]}}, got {}",
                        kind_of(other)
                    ),
                ));
            }
        };
        if let Some(key) = item.keys().find(|k| k.as_str() != "HostedZoneIds") {
            return Err(PropertyError::new(
                NAME,
                format!("unknown key {key}; the one key is HostedZoneIds"),
            ));
        }
        let ids = Reader(item)
            .string_list("HostedZoneIds")
            .map_err(|e| PropertyError::new(NAME, e.to_string()))?
            .unwrap_or_default();
        let mut hosted_zone_ids: Vec<String> = Vec::new();
        for id in ids {
            let bare = id.trim().trim_start_matches("/hostedzone/").to_owned();
            // Route 53's ResourceId: at most 32 characters; its ids are capitals and digits.
            let well_formed = (1..=32).contains(&bare.len())
                && bare
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if !well_formed {
                return Err(PropertyError::new(
                    NAME,
                    format!(
                        "HostedZoneIds: `{id}` is not a Route 53 hosted zone id (capital letters and digits, such as Z0123456789ABCDEFGHIJ, as `aws route53 list-hosted-zones` shows)"
                    ),
                ));
            }
            if !hosted_zone_ids.contains(&bare) {
                hosted_zone_ids.push(bare);
            }
        }
        Ok(Some(CertificateValidation { hosted_zone_ids }))
    }

    pub(super) fn tags(&self) -> Result<Vec<Tag>, PropertyError> {
        let mut tags: Vec<Tag> = Vec::new();
        for (i, item) in self.objects("Tags")?.into_iter().enumerate() {
            let get = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
            let key = get("Key")
                .filter(|k| !k.is_empty())
                .ok_or_else(|| PropertyError::new("Tags", format!("item {i}: Key is required")))?;
            if key.starts_with(RESERVED_TAG_PREFIX) {
                return Err(PropertyError::new(
                    "Tags",
                    format!(
                        "`{key}`: keys starting with {RESERVED_TAG_PREFIX} are reserved for the provider's ownership tags"
                    ),
                ));
            }
            let value = get("Value").unwrap_or_default();
            aws_limits::validate_tag(&key, &value)?;
            if tags.iter().any(|t| t.key == key) {
                return Err(PropertyError::new("Tags", format!("`{key}` appears twice")));
            }
            tags.push(Tag { key, value });
        }
        // CloudFront allows 50 tags; two are the provider's.
        if tags.len() > 48 {
            return Err(PropertyError::new(
                "Tags",
                format!(
                    "{} tags given; at most 48 fit next to the provider's two ownership tags",
                    tags.len()
                ),
            ));
        }
        Ok(tags)
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
