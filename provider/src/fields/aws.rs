//! A field's text in CloudFront's own vocabulary, for the operator's eyes: one line per
//! leaf, `<path>: <value>`, paths and values as `aws cloudfront get-distribution-config`
//! spells them (`ViewerCertificate.SSLSupportMethod: "sni-only"`).
//!
//! The text is the SDK type's pretty `Debug` as [`super::text`] writes it (absent members
//! left out, `Some(x)` of one scalar on one line), read back into a tree:
//! - type names (`ViewerCertificate {`) and `Some(` / `Unknown(` wrappers are dropped;
//! - a struct member is a path segment, its name CloudFront's (`is_ipv6_enabled` →
//!   `IsIPV6Enabled`, from botocore's model: [`super::names`]);
//! - a list of scalars is one line, a JSON array (`Aliases.Items: ["a.example.com"]`); a
//!   list of structs is one path per item, by position (`Items[0].EventType`);
//! - `Quantity` is left out beside `Items` (it is their number), shown without them
//!   (`Aliases.Quantity: 0`);
//! - scalars are written as JSON would: strings quoted, booleans and numbers bare, enum
//!   values as CloudFront spells them (`SniOnly` → `"sni-only"`).
//!
//! A name or value the table does not know is left as the SDK wrote it; nothing here
//! panics on text it cannot read, it shows it.

use super::names::{MEMBERS, VALUES};

/// `text` (a field's text; `None` when the field is absent) as lines in CloudFront's
/// vocabulary, each prefixed by `field`, each ending in a newline.
pub(super) fn rendered(field: &str, text: Option<&str>) -> String {
    let Some(text) = text else {
        return String::new();
    };
    let mut out = Vec::new();
    for (name, node) in Parser::new(text).top() {
        let path = join(field, &aws_member(&name));
        let member = if name.is_empty() {
            field
        } else {
            name.as_str()
        };
        leaves(&path, member, &node, &mut out);
    }
    out.into_iter().map(|line| line + "\n").collect()
}

/// A value of the `Debug` text.
#[derive(Debug)]
enum Node {
    /// A scalar, as `Debug` wrote it (`"a"`, `true`, `443`, `SniOnly`).
    Leaf(String),
    /// Members by their SDK name.
    Struct(Vec<(String, Node)>),
    List(Vec<Node>),
}

/// Reads pretty `Debug` text line by line: a line ending in `{`, `[` or `(` opens a value
/// that a line of `}`, `]` or `)` closes.
struct Parser<'a> {
    lines: Vec<&'a str>,
    at: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        Parser {
            lines: lines.collect(),
            at: 0,
        }
    }

    fn line(&mut self) -> Option<&'a str> {
        let line = self.lines.get(self.at).copied();
        self.at += 1;
        line
    }

    /// The whole text: its value (name `""`), then any `Name: value` after it (an origin's
    /// `CustomHeaders`).
    fn top(&mut self) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        while let Some(line) = self.line() {
            if closer(line) {
                continue;
            }
            match named(line) {
                Some((name, rest)) => out.push((name.to_owned(), self.value(rest))),
                None => out.push((String::new(), self.value(line))),
            }
        }
        out
    }

    /// The value that `head` (a line, or what follows `name: `) begins.
    fn value(&mut self, head: &str) -> Node {
        let head = head.strip_suffix(',').unwrap_or(head);
        if head.ends_with('{') {
            Node::Struct(self.members())
        } else if head.ends_with('[') {
            Node::List(self.items())
        } else if head.ends_with('(') {
            // `Some(`, `Unknown(`, `UnknownVariantValue(`: what they wrap.
            let mut items = self.items();
            match items.len() {
                1 => items.remove(0),
                _ => Node::List(items),
            }
        } else {
            inline(head)
        }
    }

    fn members(&mut self) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        while let Some(line) = self.line() {
            if closer(line) {
                break;
            }
            match line.split_once(": ") {
                Some((name, rest)) => out.push((name.to_owned(), self.value(rest))),
                None => out.push((String::new(), self.value(line))),
            }
        }
        out
    }

    fn items(&mut self) -> Vec<Node> {
        let mut out = Vec::new();
        while let Some(line) = self.line() {
            if closer(line) {
                break;
            }
            out.push(self.value(line));
        }
        out
    }
}

/// `}`, `]` or `)`, with or without a comma.
fn closer(line: &str) -> bool {
    matches!(line.strip_suffix(',').unwrap_or(line), "}" | "]" | ")")
}

/// `Name: rest` when `Name` is an identifier (a string or a type name is not).
fn named(line: &str) -> Option<(&str, &str)> {
    let (name, rest) = line.split_once(": ")?;
    let identifier =
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    identifier.then_some((name, rest))
}

/// A value on one line: `Some(x)` is `x`, `[]` an empty list, anything else a scalar.
fn inline(head: &str) -> Node {
    if let Some(inner) = head.strip_prefix("Some(").and_then(|r| r.strip_suffix(')')) {
        return inline(inner);
    }
    if head == "[]" {
        return Node::List(Vec::new());
    }
    Node::Leaf(head.to_owned())
}

/// The leaves of `node` at `path` as `path: value` lines; `member` is the SDK name of
/// the member that holds it (an enum value may be spelled by its member, see `names`).
fn leaves(path: &str, member: &str, node: &Node, out: &mut Vec<String>) {
    match node {
        Node::Leaf(raw) => out.push(format!("{path}: {}", scalar(member, raw))),
        Node::Struct(members) => {
            let has_items = members.iter().any(|(name, _)| name == "items");
            for (name, child) in members {
                if has_items && name == "quantity" {
                    continue;
                }
                let child_path = join(path, &aws_member(name));
                let holder = if name.is_empty() {
                    member
                } else {
                    name.as_str()
                };
                leaves(&child_path, holder, child, out);
            }
        }
        Node::List(items) => {
            let scalars: Option<Vec<String>> = items
                .iter()
                .map(|item| match item {
                    Node::Leaf(raw) => Some(scalar(member, raw)),
                    _ => None,
                })
                .collect();
            match scalars {
                Some(scalars) => out.push(format!("{path}: [{}]", scalars.join(", "))),
                None => {
                    for (i, item) in items.iter().enumerate() {
                        leaves(&format!("{path}[{i}]"), member, item, out);
                    }
                }
            }
        }
    }
}

fn join(path: &str, name: &str) -> String {
    match (path.is_empty(), name.is_empty()) {
        (_, true) => path.to_owned(),
        (true, false) => name.to_owned(),
        (false, false) => format!("{path}.{name}"),
    }
}

/// A scalar as JSON would write it: a string quoted (JSON's escapes, not Rust's), a
/// boolean or number bare, an enum value as CloudFront spells it, in quotes. What is none
/// of these, or an enum value not in the table, is left as `Debug` wrote it.
fn scalar(member: &str, raw: &str) -> String {
    if raw.starts_with('"') {
        return unescaped(raw)
            .map(|s| serde_json::Value::String(s).to_string())
            .unwrap_or_else(|| raw.to_owned());
    }
    let number =
        raw.starts_with(|c: char| c.is_ascii_digit() || c == '-') && raw.parse::<f64>().is_ok();
    if number || raw == "true" || raw == "false" {
        return raw.to_owned();
    }
    if raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && let Some(value) = aws_value(member, raw)
    {
        return serde_json::Value::String(value.to_owned()).to_string();
    }
    raw.to_owned()
}

/// The string a Rust `Debug` string literal (`"a\"b"`) stands for; `None` when it is not
/// one.
fn unescaped(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            '0' => '\0',
            c @ ('\\' | '"' | '\'') => c,
            'u' => {
                // `\u{1f600}`
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            _ => return None,
        });
    }
    Some(out)
}

/// The name lower-cased, only ASCII letters and digits kept: the tables' key.
pub(super) fn key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn find(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| table[i].1)
}

/// CloudFront's name of an SDK member (`acm_certificate_arn` → `ACMCertificateArn`), the
/// SDK's when the table does not know it.
pub(super) fn aws_member(sdk: &str) -> String {
    find(MEMBERS, &key(sdk)).map_or_else(|| sdk.to_owned(), str::to_owned)
}

/// CloudFront's spelling of an SDK enum variant (`TlSv122021` → `TLSv1.2_2021`) held by
/// `member`.
pub(super) fn aws_value(member: &str, variant: &str) -> Option<&'static str> {
    let value = key(variant);
    find(VALUES, &format!("{}.{value}", key(member))).or_else(|| find(VALUES, &value))
}
