//! The Lambda front: reads a payload once and sends it where it belongs — an API Gateway
//! request to the REST front (`api`), an edit of a reference to [`crate::sync::auto`], a
//! CloudFormation event ([`event::parse`]) or a continuation of one to the [`Runner`] —
//! and sends exactly one [`response`] per CloudFormation request.

use crate::error::{Error, Failure};
use crate::event::{self, Event, Ids, Unusable};
use crate::lifecycle::Answer;
use crate::response;
use crate::runner::{Ended, Invocation, Run, Runner};
use serde_json::Value;
use std::sync::Arc;
use tracing::{error, info, warn};

/// What one invocation did.
#[derive(Debug, Clone, PartialEq)]
pub enum Handled {
    /// Answered CloudFormation with this body (delivered or not: see the logs).
    Answered {
        answer: Answer,
        body: Vec<u8>,
        delivered: bool,
    },
    /// Handed the rest of the work to a fresh invocation; no answer yet.
    HandedOff { hand_offs: u32 },
    /// The payload could not be answered at all (no ResponseURL to answer to).
    Ignored { why: String },
    /// A reference was edited: its clones were synced ([`crate::sync::auto`]).
    Synced { summary: String },
    /// An API Gateway request was answered with this proxy response ([`crate::rest`]).
    Responded { status: u16, response: Value },
}

impl Handled {
    /// One line for logs and the Lambda's own return value.
    pub fn summary(&self) -> String {
        match self {
            Self::Answered {
                answer, delivered, ..
            } => format!(
                "answered {} for {} (delivered: {delivered})",
                if answer.is_success() {
                    "SUCCESS"
                } else {
                    "FAILED"
                },
                answer.physical_id()
            ),
            Self::HandedOff { hand_offs } => format!("handed off (hand-off {hand_offs})"),
            Self::Ignored { why } => format!("ignored: {why}"),
            Self::Synced { summary } => summary.clone(),
            Self::Responded { status, .. } => format!("answered the API request with {status}"),
        }
    }
}

/// The CloudFormation front: the runner, the HTTP client that answers CloudFormation, and
/// how much one automatic sync may do.
pub struct Provider {
    pub runner: Arc<Runner>,
    pub http: reqwest::Client,
    pub sync_limits: crate::sync::Limits,
}

impl Provider {
    /// Handles one payload of `invocation`: an edit of a reference to sync its clones
    /// after, else a CloudFormation event or a continuation of one.
    pub async fn handle(&self, payload: Value, invocation: &Invocation) -> Handled {
        if crate::rest::is_api_event(&payload) {
            // Boxed: the API's future nests the lifecycle's, too deep for one layout.
            return Box::pin(self.rest(payload, invocation)).await;
        }
        if let Some(trigger) = crate::trigger::parse(&payload) {
            return match crate::sync::auto::run(
                &self.runner,
                &self.sync_limits,
                trigger,
                invocation,
            )
            .await
            {
                crate::sync::auto::Auto::Ignored(why) => Handled::Ignored { why },
                crate::sync::auto::Auto::Synced(summary) => Handled::Synced { summary },
            };
        }
        let Event {
            request,
            continuation,
        } = match event::parse(payload) {
            Ok(event) => event,
            Err(Unusable::Refused(why)) => {
                error!(why, "refusing the payload");
                return Handled::Ignored { why };
            }
            Err(Unusable::NotARequest {
                ids,
                physical_resource_id,
            }) => return self.answer_not_a_request(ids, physical_resource_id).await,
        };
        info!(
            request_type = ?request.request_type,
            request_id = %request.ids.request_id,
            logical_resource_id = %request.ids.logical_resource_id,
            physical_resource_id = request.physical_resource_id.as_deref().unwrap_or(""),
            hand_offs = continuation.as_ref().map_or(0, |c| c.hand_offs),
            response_url = response::redact(&request.ids.response_url),
            "handling a CloudFormation request"
        );
        let ids = request.ids.clone();
        let answer = match self
            .runner
            .run(Run::to_the_end(request, continuation), invocation)
            .await
        {
            Ended::Answered(answer) => answer,
            Ended::HandedOff { hand_offs } => return Handled::HandedOff { hand_offs },
        };
        self.answer(&ids, answer).await
    }

    async fn answer(&self, ids: &Ids, answer: Answer) -> Handled {
        match &answer {
            Answer::Success { physical_id, .. } => info!(physical_id, "answering SUCCESS"),
            Answer::Failed(failure) => {
                warn!(physical_id = %failure.physical_id, reason = %failure.reason(), "answering FAILED");
            }
        }
        let body = response::body(ids, &answer);
        if ids.response_url.is_empty() {
            info!("the event has no ResponseURL; the response is not sent");
            return Handled::Answered {
                answer,
                body,
                delivered: false,
            };
        }
        let delivered = match response::send(&self.http, &ids.response_url, body.clone()).await {
            Ok(()) => true,
            Err(e) => {
                error!(error = %e, "the response was not delivered; CloudFormation will time out");
                false
            }
        };
        Handled::Answered {
            answer,
            body,
            delivered,
        }
    }

    /// An event that is not a CloudFormation request: answer FAILED if it says where to.
    async fn answer_not_a_request(&self, ids: Ids, physical_id: Option<String>) -> Handled {
        if ids.response_url.is_empty() {
            error!(
                "the payload is not a CloudFormation custom resource request and has no ResponseURL"
            );
            return Handled::Ignored {
                why: "not a CloudFormation custom resource request".into(),
            };
        }
        let physical_id = physical_id.unwrap_or_else(|| event::not_created_id(&ids));
        let answer = Answer::Failed(Failure::new(physical_id, Error::NotARequest));
        self.answer(&ids, answer).await
    }
}

mod api;
#[cfg(test)]
mod tests;
