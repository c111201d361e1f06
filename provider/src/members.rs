//! Members of a configuration this build does not know. `UpdateDistribution` replaces the
//! whole configuration, and the AWS SDK drops the XML members its model does not have: a
//! field CloudFront added after this build would be lost from a clone of a reference that
//! sets it, and wiped from a clone by an Update. The adapter keeps the raw XML CloudFront
//! answered and what the SDK serializes of what it read; this compares the two.

use std::collections::BTreeSet;

/// The members of `raw` (CloudFront's answer) that `known` (the SDK's serialization of what
/// it read from `raw`) lacks, as paths from `root` such as
/// `DistributionConfig/Origins/Items/Origin/NewMember`: only the outermost of each missing
/// subtree, only members that hold something (an empty element carries nothing to lose),
/// sorted. `root` is the path, in `raw`, of the element `known` starts with.
pub fn unknown(raw: &str, root: &str, known: &str) -> Vec<String> {
    let (Some(raw), Some(known)) = (paths(raw), paths(known)) else {
        return Vec::new();
    };
    let (prefix, top) = match root.rsplit_once('/') {
        Some((parent, top)) => (format!("{parent}/"), top),
        None => (String::new(), root),
    };
    let missing: BTreeSet<&str> = raw
        .iter()
        .filter_map(|p| p.strip_prefix(&prefix))
        .filter(|p| *p == top || p.starts_with(&format!("{top}/")))
        .filter(|p| !known.contains(*p))
        .collect();
    missing
        .iter()
        .filter(|p| !ancestors(p).any(|a| missing.contains(a)))
        .map(|p| (*p).to_owned())
        .collect()
}

/// Each proper ancestor path of `path`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// Every element path (local names, `/`-joined) of a document whose element holds text or
/// other elements; `None` when the document is not well-formed XML.
fn paths(document: &str) -> Option<BTreeSet<String>> {
    use xmlparser::{ElementEnd, Token};
    let mut found = BTreeSet::new();
    // Each open element: its name and whether it holds anything yet.
    let mut open: Vec<(String, bool)> = Vec::new();
    let path = |open: &[(String, bool)]| {
        open.iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join("/")
    };
    for token in xmlparser::Tokenizer::from(document) {
        match token.ok()? {
            Token::ElementStart { local, .. } => {
                if let Some(parent) = open.last_mut() {
                    parent.1 = true;
                }
                open.push((local.as_str().to_owned(), false));
            }
            Token::ElementEnd { end, .. } => {
                if matches!(end, ElementEnd::Open) {
                    continue;
                }
                if open.last().is_some_and(|(_, holds)| *holds) {
                    found.insert(path(&open));
                }
                open.pop()?;
            }
            Token::Text { text } | Token::Cdata { text, .. } => {
                if let Some(element) = open.last_mut() {
                    element.1 |= !text.as_str().trim().is_empty();
                }
            }
            _ => {}
        }
    }
    open.is_empty().then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>r</CallerReference><Aliases><Quantity>0</Quantity></Aliases><Comment></Comment><Enabled>true</Enabled></DistributionConfig>"#;

    #[test]
    fn what_the_sdk_kept_is_not_reported() {
        let raw = KNOWN.replace("<Quantity>0</Quantity>", "<Quantity>0</Quantity><Items/>");
        assert_eq!(
            unknown(&raw, "DistributionConfig", KNOWN),
            Vec::<String>::new()
        );
        assert_eq!(
            unknown(KNOWN, "DistributionConfig", KNOWN),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_new_member_is_named_once_by_its_outermost_path() {
        let raw = KNOWN.replace(
            "<Enabled>true</Enabled>",
            "<Enabled>true</Enabled><ViewerMtls><Mode>required</Mode><Store><Id>s</Id></Store></ViewerMtls>",
        );
        let raw = raw.replace(
            "<Quantity>0</Quantity>",
            "<Quantity>0</Quantity><Kind><![CDATA[x]]></Kind>",
        );
        assert_eq!(
            unknown(&raw, "DistributionConfig", KNOWN),
            [
                "DistributionConfig/Aliases/Kind",
                "DistributionConfig/ViewerMtls"
            ]
        );
    }

    #[test]
    fn a_configuration_inside_a_distribution_is_compared_from_its_root() {
        let raw = format!(
            "<Distribution><Id>E1</Id><Unrelated>1</Unrelated>{}</Distribution>",
            KNOWN
                .split_once("?>\n")
                .unwrap()
                .1
                .replace("<Comment></Comment>", "<Comment></Comment><New>1</New>")
        );
        assert_eq!(
            unknown(&raw, "Distribution/DistributionConfig", KNOWN),
            ["DistributionConfig/New"]
        );
    }

    #[test]
    fn what_cannot_be_read_reports_nothing() {
        assert_eq!(unknown("<a><b>", "a", KNOWN), Vec::<String>::new());
    }
}
