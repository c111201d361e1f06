//! The CloudFormation front: one wrapper around the lifecycle. It reads the event once
//! ([`event::parse`]; an edit of a reference goes to [`crate::sync::auto`] instead), sets the time budget, turns every error, panic and the approaching
//! deadline into a FAILED answer, hands unfinished waits on to a fresh invocation, and sends
//! exactly one [`response`] per request.

use crate::aws::{Adapters, SelfInvoke};
use crate::error::{Error, Failure};
use crate::event::{self, Continuation, Event, Ids, Phase, Request, Unusable};
use crate::lifecycle::{Answer, Budget, Lifecycle, Outcome, reserve};
use crate::response;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tracing::{error, info, warn};

/// Default time between two looks at a distribution that CloudFront is deploying.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(12);
/// A chain of continuations never grows longer than this: a safety net only, since every
/// invocation waits before it hands off and the whole operation ends at the resource's
/// `ServiceTimeout` (one hour at most, so a 10-second function needs about 500).
pub const MAX_HAND_OFFS: u32 = 1000;

/// What the runtime says about one invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// When Lambda stops the invocation, ms since the epoch.
    pub deadline_ms: u64,
    /// The function ARN the event came through (with its version or alias, if it was
    /// invoked so): a continuation invokes exactly this, so it runs the same code.
    pub function: String,
}

impl Invocation {
    pub fn new(deadline_ms: u64, function: impl Into<String>) -> Self {
        Self {
            deadline_ms,
            function: function.into(),
        }
    }
}

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

/// How the provider continues unfinished work.
#[derive(Clone)]
pub enum Continuer {
    /// A fresh asynchronous invocation of the provider's own function (Lambda).
    Invoke(Arc<dyn SelfInvoke>),
    /// In the same process (the CLI has no deadline to beat).
    InProcess,
}

/// The provider: adapters, the HTTP client for responses and its settings.
pub struct Provider {
    pub aws: Adapters,
    pub continuer: Continuer,
    pub http: reqwest::Client,
    pub poll_interval: Duration,
    /// How much one automatic sync may do.
    pub sync_limits: crate::sync::Limits,
}

impl Provider {
    /// Handles one payload of `invocation`: an edit of a reference to sync its clones
    /// after, else a CloudFormation event or a continuation of one.
    pub async fn handle(self: &Arc<Self>, payload: Value, invocation: &Invocation) -> Handled {
        if crate::rest::is_api_event(&payload) {
            // Boxed: the API's future nests the lifecycle's, too deep for one layout.
            return Box::pin(self.rest(payload, invocation)).await;
        }
        if let Some(trigger) = crate::trigger::parse(&payload) {
            return self.auto_sync(trigger, invocation).await;
        }
        let Event {
            request,
            mut continuation,
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
        let request = Arc::new(request);
        let deadline_ms = invocation.deadline_ms;
        loop {
            let now = self.aws.clock.now_ms();
            let budget = Budget::new(
                continuation.as_ref().map_or(now, |c| c.started_ms),
                now,
                deadline_ms,
                request.properties.service_timeout,
                self.poll_interval,
            );
            let phase = continuation.as_ref().map(|c| c.phase.clone());
            let answer = match self.run(&request, phase, budget, deadline_ms).await {
                Outcome::Done(answer) => answer,
                Outcome::Continue { phase } => {
                    let next = Continuation {
                        hand_offs: continuation.as_ref().map_or(0, |c| c.hand_offs) + 1,
                        started_ms: budget.started_ms,
                        phase,
                    };
                    let invoker = match &self.continuer {
                        Continuer::InProcess => {
                            continuation = Some(next);
                            continue;
                        }
                        Continuer::Invoke(invoker) => invoker,
                    };
                    // Should the hand-off fail, the answer names what exists.
                    let physical_id = fallback_id(&request, next.phase.distribution());
                    match self
                        .hand_off(invoker.as_ref(), &request, next, &budget, invocation)
                        .await
                    {
                        Ok(hand_offs) => return Handled::HandedOff { hand_offs },
                        Err(error) => Answer::Failed(Failure::new(physical_id, error)),
                    }
                }
            };
            return self.answer(&request.ids, answer).await;
        }
    }

    /// Runs the lifecycle in its own task, and answers FAILED for it should it panic or
    /// outlast the invocation (the lifecycle answers for itself once a clone exists).
    pub(crate) async fn run(
        self: &Arc<Self>,
        request: &Arc<Request>,
        phase: Option<Phase>,
        budget: Budget,
        deadline_ms: u64,
    ) -> Outcome {
        let resumed = phase
            .as_ref()
            .and_then(Phase::distribution)
            .map(str::to_owned);
        let mut task = {
            let (provider, request) = (Arc::clone(self), Arc::clone(request));
            tokio::spawn(async move {
                let lifecycle = Lifecycle {
                    aws: &provider.aws,
                    budget,
                };
                lifecycle.run(&request, phase.as_ref()).await
            })
        };
        // Later than the lifecycle's own limit (`budget.answer_by_ms`), earlier than Lambda's.
        let now = self.aws.clock.now_ms();
        let stop = deadline_ms.saturating_sub(reserve(now, deadline_ms).as_millis() as u64 / 3);
        let limit = Duration::from_millis(stop.saturating_sub(now));
        let finished = tokio::time::timeout(limit, &mut task).await;
        let error = match finished {
            Ok(Ok(outcome)) => return outcome,
            Ok(Err(join)) => {
                let detail = if join.is_panic() {
                    crate::error::panic_detail(join.into_panic())
                } else {
                    "the task was cancelled".into()
                };
                error!(detail, "the provider panicked");
                Error::Panicked(detail)
            }
            Err(_) => {
                // Nothing may carry on behind the answer: Lambda would thaw it next time.
                task.abort();
                error!("the invocation's deadline is near; answering FAILED");
                Error::Deadline(request.request_type)
            }
        };
        let physical_id = fallback_id(request, resumed.as_deref());
        Outcome::Done(Answer::Failed(Failure::new(physical_id, error)))
    }

    pub(crate) async fn hand_off(
        &self,
        invoker: &dyn SelfInvoke,
        request: &Request,
        next: Continuation,
        budget: &Budget,
        invocation: &Invocation,
    ) -> Result<u32, Error> {
        let hand_offs = next.hand_offs;
        if hand_offs > MAX_HAND_OFFS {
            return Err(Error::TooManyHandOffs(MAX_HAND_OFFS));
        }
        let payload = request.continuation(next);
        // The Invoke call (and the SDK's retries) must end in time to answer otherwise.
        let limit = budget.answer_by_ms.saturating_sub(self.aws.clock.now_ms());
        let invoked = tokio::time::timeout(
            Duration::from_millis(limit),
            invoker.invoke_async(&invocation.function, payload),
        )
        .await
        .unwrap_or_else(|_| {
            Err(crate::aws::AwsError::new(
                "Invoke",
                crate::aws::ErrorKind::Transport,
                "no answer before the invocation's deadline",
            ))
        });
        match invoked {
            Ok(()) => {
                info!(hand_offs, function = %invocation.function, "handed the work on to a fresh invocation");
                Ok(hand_offs)
            }
            Err(error) => Err(Error::HandOff {
                error,
                function: invocation.function.clone(),
            }),
        }
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

/// The physical id to fail with when the lifecycle itself could not say: the clone a
/// continuation was waiting on, else the request's own, else the mark of nothing made.
fn fallback_id(request: &Request, distribution: Option<&str>) -> String {
    distribution
        .map(str::to_owned)
        .or_else(|| request.physical_resource_id.clone())
        .unwrap_or_else(|| request.not_created_id())
}

mod api;
#[cfg(test)]
mod tests;
