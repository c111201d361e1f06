//! Problem documents (RFC 9457, `application/problem+json`): every failed request is
//! answered with one, naming the field when a field is at fault, with the right status and
//! the request id; never a stack trace.

use super::aws_status;
use crate::error::Error;
use crate::guard::Interrupted;
use serde_json::{Value, json};

/// A failed request, as the client reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub status: u16,
    pub detail: String,
    /// The property (or query parameter) at fault.
    pub field: Option<String>,
    /// The clone a failed Create made nonetheless (its SSM outputs failed, say).
    pub distribution_id: Option<String>,
    /// The methods the path takes, for the `Allow` header of a 405.
    pub allow: Option<&'static [&'static str]>,
    pub request_id: String,
}

/// What a request the provider could not finish in time is told (504).
const OUT_OF_TIME: &str = "the request did not finish before the function's deadline; try again";
/// What a request the provider failed on (a panic) is told (500): the details are logged.
const PANICKED: &str = "the provider failed on this request; its log has the details";

impl Problem {
    fn new(status: u16, detail: String) -> Self {
        Self {
            status,
            detail,
            field: None,
            distribution_id: None,
            allow: None,
            request_id: String::new(),
        }
    }

    /// A request the API cannot read (not a field of it).
    pub fn bad_request(detail: String) -> Self {
        Self::new(400, detail)
    }

    /// A field of the request (a property, a parameter, a header) that cannot be used,
    /// named as every property error is ([`Error::reason`]).
    pub fn property(name: &str, message: impl Into<String>) -> Self {
        Self::from_error(&Error::property(name, message))
    }

    fn on(self, field: &str) -> Self {
        Self {
            field: Some(field.to_owned()),
            ..self
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            401,
            "the request carries no authorizer claims: call the API through API Gateway with a Cognito access token".into(),
        )
    }

    pub fn forbidden(scope: &str) -> Self {
        Self::new(
            403,
            format!("the token lacks the scope {scope} this route needs"),
        )
    }

    pub fn not_found(detail: String) -> Self {
        Self::new(404, detail)
    }

    pub fn conflict(detail: String) -> Self {
        Self::new(409, detail)
    }

    /// `path` takes only the `allowed` methods (the `Allow` header names them too).
    pub fn method_not_allowed(method: &str, path: &str, allowed: &'static [&'static str]) -> Self {
        let takes = match allowed {
            [.., last] if allowed.len() > 1 => {
                format!("{} or {last}", allowed[..allowed.len() - 1].join(", "))
            }
            _ => allowed.join(", "),
        };
        Self {
            allow: Some(allowed),
            ..Self::new(405, format!("{path} takes {takes}, not {method}"))
        }
    }

    /// The status and wording of an operation's failure: bad input 400 (naming the
    /// property), an unknown or foreign distribution 404, a conflict 409, an
    /// `Idempotency-Key` reused with another body 422, throttling 429,
    /// any other AWS failure 502, a fault of the provider 500.
    pub fn from_error(error: &Error) -> Self {
        let detail = error.reason();
        match error {
            Error::Property(e) => Self::bad_request(detail).on(&e.property),
            Error::Certificate(_) => Self::bad_request(detail).on("Aliases"),
            Error::Plan(e) => Self::bad_request(detail).on(e.property()),
            Error::NoDistribution { .. } | Error::NotOwned(_) | Error::NotAClone { .. } => {
                Self::not_found(detail)
            }
            Error::OwnedElsewhere { .. } => Self::conflict(detail),
            Error::Stuck { .. } | Error::NotAdoptable(_) => Self::new(409, detail),
            Error::Write { error, .. } if error.is(crate::aws::ErrorKind::CnameAlreadyExists) => {
                Self {
                    field: Some("Aliases".into()),
                    ..Self::new(409, detail)
                }
            }
            Error::Aws(e) | Error::Write { error: e, .. } | Error::Record { error: e, .. } => {
                let status = aws_status(e.kind);
                Self::new(status, detail)
            }
            Error::Panicked(_) | Error::Deadline(_) | Error::TooManyHandOffs(_) => Self::new(
                500,
                "the provider could not finish the request; see its log".into(),
            ),
            Error::SsmWrites(_) | Error::Cleanup { .. } | Error::HandOff { .. } => {
                Self::new(502, detail)
            }
            Error::NotARequest => Self::bad_request(detail),
            Error::UnknownMembers {
                reference: true, ..
            } => Self::bad_request(detail).on("ReferenceDistributionId"),
            Error::UnknownMembers { .. } => Self::new(409, detail),
            Error::KeyReused { .. } => Self {
                field: Some("Idempotency-Key".into()),
                ..Self::new(422, detail)
            },
        }
    }

    /// Work the provider could not finish (a panic, the deadline), without its details, as
    /// API Gateway would answer a request past its time.
    pub fn interrupted(interrupted: &Interrupted) -> Self {
        match interrupted {
            Interrupted::Panicked(_) => Self::internal(500, PANICKED),
            Interrupted::Deadline => Self::internal(504, OUT_OF_TIME),
        }
    }

    /// A failure of the provider itself (a panic, the deadline), without its details.
    pub fn internal(status: u16, detail: &str) -> Self {
        Self::new(status, detail.to_owned())
    }

    /// The problem's title: the status's, in words.
    pub fn title(&self) -> &'static str {
        match self.status {
            400 => "Bad request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not found",
            405 => "Method not allowed",
            409 => "Conflict",
            422 => "Unprocessable content",
            429 => "Too many requests",
            502 => "AWS failure",
            504 => "Timeout",
            _ => "Internal error",
        }
    }

    pub fn with_request_id(mut self, request_id: &str) -> Self {
        request_id.clone_into(&mut self.request_id);
        self
    }

    /// The document.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "type": "about:blank",
            "title": self.title(),
            "status": self.status,
            "detail": self.detail,
            "requestId": self.request_id,
        });
        if let Some(field) = &self.field {
            body["field"] = json!(field);
        }
        if let Some(id) = &self.distribution_id {
            body["distributionId"] = json!(id);
        }
        body
    }
}
