//! Values AWS would refuse, refused first with the property named: tags (CloudFront's tag
//! restrictions), SSM parameter names (Parameter Store's naming rules) and WAF web ACL ids
//! (CloudFront takes a WAFv2 ARN; WAF Classic is retired). Pure.

use super::PropertyError;

/// The longest tag key CloudFront takes, in characters.
pub const MAX_TAG_KEY_CHARS: usize = 128;
/// The longest tag value CloudFront takes, in characters.
pub const MAX_TAG_VALUE_CHARS: usize = 256;
/// Tag keys starting with this (any case) are AWS's own.
pub const AWS_TAG_PREFIX: &str = "aws:";
/// The most levels a Parameter Store name may have (`/a/b/c` has three).
pub const MAX_SSM_LEVELS: usize = 15;
/// The longest Parameter Store name, in characters, counting the ARN in front of it
/// (`arn:aws:ssm:REGION:ACCOUNT:parameter/…`): 2048 less 1037 AWS keeps for itself.
pub const MAX_SSM_NAME_CHARS: usize = 1011;

/// CloudFront's tag characters: letters, digits and white space of any script, and
/// `_ . : / = + - @`.
fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

/// Checks one user tag as CloudFront's `TagResource` would.
pub fn validate_tag(key: &str, value: &str) -> Result<(), PropertyError> {
    let refuse = |message: String| Err(PropertyError::new("Tags", message));
    if key.chars().count() > MAX_TAG_KEY_CHARS {
        return refuse(format!(
            "`{key}` is longer than {MAX_TAG_KEY_CHARS} characters"
        ));
    }
    if key
        .get(..AWS_TAG_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(AWS_TAG_PREFIX))
    {
        return refuse(format!(
            "`{key}`: keys starting with {AWS_TAG_PREFIX} are reserved by AWS"
        ));
    }
    if let Some(c) = key.chars().find(|c| !is_tag_char(*c)) {
        return refuse(format!(
            "`{key}` contains {c:?}; tag keys and values may hold letters, digits, spaces and _ . : / = + - @"
        ));
    }
    if value.chars().count() > MAX_TAG_VALUE_CHARS {
        return refuse(format!(
            "the value of `{key}` is longer than {MAX_TAG_VALUE_CHARS} characters"
        ));
    }
    if let Some(c) = value.chars().find(|c| !is_tag_char(*c)) {
        return refuse(format!(
            "the value of `{key}` contains {c:?}; tag keys and values may hold letters, digits, spaces and _ . : / = + - @"
        ));
    }
    Ok(())
}

/// The ARN in front of a parameter's name in `region`, which Parameter Store counts into
/// the name's length (`arn:aws:ssm:eu-west-1:123456789012:parameter`).
fn parameter_arn_prefix_len(region: &str) -> usize {
    let partition = if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    };
    format!("arn:{partition}:ssm:{region}:123456789012:parameter").len()
}

/// Checks that every parameter name under `prefix` (`prefix/leaf` for each of `leaves`)
/// fits Parameter Store's limits on levels, and on length in each of `regions` (the
/// 1011 characters include the parameter's ARN).
pub fn validate_ssm_names(
    prefix: &str,
    leaves: &[&str],
    regions: &[String],
) -> Result<(), PropertyError> {
    let levels = prefix.split('/').filter(|s| !s.is_empty()).count() + 1;
    if levels > MAX_SSM_LEVELS {
        return Err(PropertyError::new(
            "SsmParameterPrefix",
            format!(
                "`{prefix}` has {} levels; with the parameter's own name that is {levels}, and Parameter Store allows at most {MAX_SSM_LEVELS}",
                levels - 1
            ),
        ));
    }
    let longest = leaves.iter().map(|l| l.len()).max().unwrap_or(0);
    for region in regions {
        let length = parameter_arn_prefix_len(region) + prefix.chars().count() + 1 + longest;
        if length > MAX_SSM_NAME_CHARS {
            return Err(PropertyError::new(
                "SsmParameterPrefix",
                format!(
                    "is too long: the longest parameter under it, with its ARN in {region}, would be {length} characters, and Parameter Store allows at most {MAX_SSM_NAME_CHARS}"
                ),
            ));
        }
    }
    Ok(())
}

/// `WebAclId`: empty (no web ACL) or an AWS WAF (WAFv2) web ACL ARN of scope CLOUDFRONT,
/// which lives in us-east-1 (`arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID`).
pub fn validate_web_acl_id(id: &str) -> Result<(), PropertyError> {
    if id.is_empty() {
        return Ok(());
    }
    let refuse = |message: String| Err(PropertyError::new("WebAclId", message));
    let is_classic_id = id.len() == 36
        && id.chars().enumerate().all(|(i, c)| {
            matches!(i, 8 | 13 | 18 | 23) == (c == '-') && (c == '-' || c.is_ascii_hexdigit())
        });
    if is_classic_id {
        return refuse(format!(
            "`{id}` is an AWS WAF Classic web ACL id; WAF Classic is retired — migrate the web ACL to AWS WAF (WAFv2) and give its ARN (arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID)"
        ));
    }
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "wafv2"
        && parts[5].starts_with("global/webacl/");
    if !ok {
        return refuse(format!(
            "`{id}` is not an AWS WAF web ACL ARN of scope CLOUDFRONT (arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID); use \"\" for none"
        ));
    }
    if parts[3] != "us-east-1" {
        return refuse(format!(
            "`{id}` is in {}; web ACLs for CloudFront are global and live in us-east-1",
            parts[3]
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_cloudfronts_restrictions() {
        assert!(validate_tag("team", "web").is_ok());
        assert!(validate_tag("Kostenstelle", "Überseeweg 4 / Büro 12").is_ok());
        assert!(validate_tag("k", "").is_ok());
        assert!(validate_tag("a=b+c-d@e.f:g/h_i", "x").is_ok());
        let key_too_long = "k".repeat(129);
        assert!(validate_tag(&key_too_long, "").is_err());
        assert!(
            validate_tag(&"ä".repeat(128), "").is_ok(),
            "characters, not bytes"
        );
        assert!(validate_tag("k", &"v".repeat(257)).is_err());
        for reserved in ["aws:cloudformation:stack-name", "AWS:x"] {
            let e = validate_tag(reserved, "v").unwrap_err();
            assert!(e.to_string().contains("reserved by AWS"), "{e}");
        }
        let e = validate_tag("owner<script>", "v").unwrap_err();
        assert!(e.to_string().starts_with("Tags:"), "{e}");
        assert!(e.to_string().contains("'<'"), "{e}");
        assert!(validate_tag("k", "a;b").is_err());
    }

    #[test]
    fn ssm_names_keep_within_fifteen_levels_and_1011_characters_with_their_arn() {
        let leaves = ["distribution-id", "reference-distribution-id"];
        let regions = vec!["eu-west-1".to_owned()];
        let fourteen = "/a".repeat(14);
        assert!(validate_ssm_names(&fourteen, &leaves, &regions).is_ok());
        let fifteen = "/a".repeat(15);
        let e = validate_ssm_names(&fifteen, &leaves, &regions).unwrap_err();
        assert!(e.to_string().contains("at most 15"), "{e}");
        let arn = "arn:aws:ssm:eu-west-1:123456789012:parameter".len();
        let fits = format!(
            "/{}",
            "x".repeat(MAX_SSM_NAME_CHARS - arn - 2 - leaves[1].len())
        );
        assert!(validate_ssm_names(&fits, &leaves, &regions).is_ok());
        let over = format!("{fits}y");
        let e = validate_ssm_names(&over, &leaves, &regions).unwrap_err();
        assert!(
            e.to_string().contains("1011") && e.to_string().contains("eu-west-1"),
            "{e}"
        );
        // A longer region name leaves less room.
        let longer = vec!["eu-west-1".to_owned(), "ap-southeast-5".to_owned()];
        assert!(validate_ssm_names(&fits, &leaves, &longer).is_err());
    }

    #[test]
    fn waf_classic_ids_are_refused_with_the_way_to_wafv2() {
        let e = validate_web_acl_id("473e64fd-f30b-4765-81a0-62ad96dd167a").unwrap_err();
        assert!(e.to_string().contains("WAF Classic"), "{e}");
        assert!(e.to_string().contains("arn:aws:wafv2"), "{e}");
        assert!(validate_web_acl_id("").is_ok());
        assert!(
            validate_web_acl_id(
                "arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/473e64fd-f30b-4765-81a0-62ad96dd167a"
            )
            .is_ok()
        );
        let regional = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop/473e64fd-f30b-4765-81a0-62ad96dd167a";
        assert!(validate_web_acl_id(regional).is_err());
        let elsewhere = "arn:aws:wafv2:eu-west-1:123456789012:global/webacl/shop/473e64fd";
        let e = validate_web_acl_id(elsewhere).unwrap_err();
        assert!(e.to_string().contains("us-east-1"), "{e}");
        assert!(validate_web_acl_id("my-acl").is_err());
    }
}
