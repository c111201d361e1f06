//! The one wrapper around the lifecycle: it reads the event (or a continuation of it),
//! sets the time budget, turns every error, panic and the approaching deadline into a
//! FAILED answer, hands unfinished waits on to a fresh invocation, and sends exactly one
//! response per request.

use crate::aws::{Adapters, Certificates, Clock, Distributions, Parameters, SelfInvoke};
use crate::lifecycle::{Budget, Lifecycle, Outcome, Phase, Request, RequestType};
use crate::properties;
use crate::response::{self, Answer};
use aws_lambda_events::event::cloudformation::CloudFormationCustomResourceRequest;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tracing::{error, info, warn};

/// The key that marks a payload as a continuation rather than a CloudFormation event.
pub const CONTINUATION_KEY: &str = "cfcloneContinuation";
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

/// What a continuation carries besides the original event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Continuation {
    /// How many hand-offs led to this invocation (1 for the first continuation).
    pub hand_offs: u32,
    /// When the operation began, ms since the epoch.
    pub started_ms: u64,
    #[serde(flatten)]
    pub phase: Phase,
}

#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    #[serde(rename = "cfcloneContinuation")]
    continuation: Continuation,
    event: Value,
}

/// What one invocation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// Answered CloudFormation with this body (delivered or not: see the logs).
    Answered { body: Vec<u8>, delivered: bool },
    /// Handed the rest of the work to a fresh invocation; no answer yet.
    HandedOff { hand_offs: u32 },
    /// The payload could not be answered at all (no ResponseURL to answer to).
    Ignored { why: String },
}

impl Handled {
    /// One line for logs and the Lambda's own return value.
    pub fn summary(&self) -> String {
        match self {
            Self::Answered { body, delivered } => {
                let value: Value = serde_json::from_slice(body).unwrap_or_default();
                format!(
                    "answered {} for {} (delivered: {delivered})",
                    value["Status"].as_str().unwrap_or("?"),
                    value["PhysicalResourceId"].as_str().unwrap_or("?")
                )
            }
            Self::HandedOff { hand_offs } => format!("handed off (hand-off {hand_offs})"),
            Self::Ignored { why } => format!("ignored: {why}"),
        }
    }
}

/// How the provider continues unfinished work.
pub enum Continuer<I> {
    /// A fresh asynchronous invocation of the provider's own function (Lambda).
    Invoke(I),
    /// In the same process (the CLI has no deadline to beat).
    InProcess,
}

/// The provider: adapters, the HTTP client for responses and its settings.
pub struct Provider<D, C, P, K, I> {
    pub aws: Adapters<D, C, P, K>,
    pub continuer: Continuer<I>,
    pub http: reqwest::Client,
    pub poll_interval: Duration,
}

impl<D, C, P, K, I> Provider<D, C, P, K, I>
where
    D: Distributions + 'static,
    C: Certificates + 'static,
    P: Parameters + 'static,
    K: Clock + 'static,
    I: SelfInvoke + 'static,
{
    /// Handles one payload of `invocation`.
    pub async fn handle(self: &Arc<Self>, payload: Value, invocation: &Invocation) -> Handled {
        let deadline_ms = invocation.deadline_ms;
        let (event, continuation) = match split(payload) {
            Ok(parts) => parts,
            Err(why) => {
                error!(why, "refusing the payload");
                return Handled::Ignored { why };
            }
        };
        let request =
            match serde_json::from_value::<CloudFormationCustomResourceRequest>(event.clone())
                .ok()
                .and_then(Request::from_event)
            {
                Some(request) => request,
                None => return self.answer_malformed(&event).await,
            };
        if continuation.is_some() && request.response_url.is_empty() {
            return Handled::Ignored {
                why: "the continuation's event has no ResponseURL".into(),
            };
        }
        info!(
            request_type = ?request.request_type,
            request_id = %request.request_id,
            logical_resource_id = %request.logical_resource_id,
            physical_resource_id = request.physical_resource_id.as_deref().unwrap_or(""),
            hand_offs = continuation.as_ref().map_or(0, |c| c.hand_offs),
            response_url = response::redact(&request.response_url),
            "handling a CloudFormation request"
        );
        let mut continuation = continuation;
        loop {
            let now = self.aws.clock.now_ms();
            let budget = self.budget(&request, continuation.as_ref(), now, deadline_ms);
            let answer = match self
                .run(
                    &request,
                    continuation.as_ref().map(|c| &c.phase),
                    budget,
                    deadline_ms,
                )
                .await
            {
                Ok(answer) => answer,
                Err(phase) => {
                    // Should the hand-off fail, the answer must name what exists.
                    let waiting_on = match &phase {
                        Phase::AwaitDeployment { distribution_id } => Some(distribution_id.clone()),
                        Phase::Delete => None,
                    };
                    let next = Continuation {
                        hand_offs: continuation.as_ref().map_or(0, |c| c.hand_offs) + 1,
                        started_ms: budget.started_ms,
                        phase,
                    };
                    match &self.continuer {
                        Continuer::InProcess => {
                            continuation = Some(next);
                            continue;
                        }
                        Continuer::Invoke(invoker) => {
                            match self.hand_off(invoker, &request, next, invocation).await {
                                Ok(hand_offs) => return Handled::HandedOff { hand_offs },
                                Err(reason) => Answer::Failed {
                                    physical_id: fallback_id(&request, waiting_on),
                                    reason,
                                },
                            }
                        }
                    }
                }
            };
            return self.answer(&request, &answer).await;
        }
    }

    fn budget(
        &self,
        request: &Request,
        continuation: Option<&Continuation>,
        now: u64,
        deadline_ms: u64,
    ) -> Budget {
        let started_ms = continuation.map_or(now, |c| c.started_ms);
        let timeout = properties::service_timeout_of(&request.properties);
        let margin = (timeout / 10).min(Duration::from_secs(60));
        let reserve = reserve(now, deadline_ms);
        Budget {
            started_ms,
            invocation_deadline_ms: deadline_ms.saturating_sub(reserve.as_millis() as u64),
            operation_deadline_ms: started_ms + (timeout - margin).as_millis() as u64,
            poll_interval: self.poll_interval,
        }
    }

    /// Runs the lifecycle in its own task under the invocation's deadline. `Err` carries
    /// the phase to continue with.
    async fn run(
        self: &Arc<Self>,
        request: &Request,
        phase: Option<&Phase>,
        budget: Budget,
        deadline_ms: u64,
    ) -> Result<Answer, Phase> {
        let made = Arc::new(std::sync::Mutex::new(None::<String>));
        let mut task = {
            let provider = Arc::clone(self);
            let request = request.clone();
            let phase = phase.cloned();
            let made = Arc::clone(&made);
            tokio::spawn(async move {
                let lifecycle = Lifecycle {
                    aws: &provider.aws,
                    budget,
                    made,
                };
                lifecycle.run(&request, phase.as_ref()).await
            })
        };
        let now = self.aws.clock.now_ms();
        let hard_stop =
            deadline_ms.saturating_sub(reserve(now, deadline_ms).as_millis() as u64 / 2);
        let limit = Duration::from_millis(hard_stop.saturating_sub(now));
        let made_id = || made.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let finished = tokio::time::timeout(limit, &mut task).await;
        if finished.is_err() {
            // Nothing may carry on behind the answer: Lambda would thaw it next time.
            task.abort();
        }
        match finished {
            Ok(Ok(Outcome::Success { physical_id, data })) => {
                Ok(Answer::Success { physical_id, data })
            }
            Ok(Ok(Outcome::Failed {
                physical_id,
                reason,
            })) => Ok(Answer::Failed {
                physical_id,
                reason,
            }),
            Ok(Ok(Outcome::Continue { phase })) => Err(phase),
            Ok(Err(join)) => {
                let detail = panic_message(join);
                error!(detail, "the provider panicked");
                Ok(Answer::Failed {
                    physical_id: fallback_id(request, made_id()),
                    reason: format!(
                        "the provider failed unexpectedly ({detail}); this is a bug in cfclone — retry, and report it with the function's logs"
                    ),
                })
            }
            Err(_) => {
                error!("the invocation's deadline is near; answering FAILED");
                Ok(Answer::Failed {
                    physical_id: fallback_id(request, made_id()),
                    reason: format!(
                        "the {:?} did not finish before the Lambda invocation's deadline (an AWS call did not answer in time); retry the stack operation, and raise the function's timeout if this repeats",
                        request.request_type
                    ),
                })
            }
        }
    }

    async fn hand_off<X: SelfInvoke>(
        &self,
        invoker: &X,
        request: &Request,
        next: Continuation,
        invocation: &Invocation,
    ) -> Result<u32, String> {
        let deadline_ms = invocation.deadline_ms;
        let hand_offs = next.hand_offs;
        if hand_offs > MAX_HAND_OFFS {
            return Err(format!(
                "gave up after {MAX_HAND_OFFS} hand-offs to fresh invocations"
            ));
        }
        let event = raw_event(request);
        let payload = serde_json::to_vec(&Envelope {
            continuation: next,
            event,
        })
        .map_err(|e| e.to_string())?;
        // The Invoke call (and the SDK's retries) must end in time to answer otherwise.
        let now = self.aws.clock.now_ms();
        let hard_stop =
            deadline_ms.saturating_sub(reserve(now, deadline_ms).as_millis() as u64 / 2);
        let limit = Duration::from_millis(hard_stop.saturating_sub(now));
        let invoked =
            tokio::time::timeout(limit, invoker.invoke_async(&invocation.function, payload))
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
            Err(e) => Err(format!(
                "could not hand the wait on to a fresh invocation ({e}); the provider needs lambda:InvokeFunction on {} (the ARN it was invoked through)",
                invocation.function
            )),
        }
    }

    async fn answer(&self, request: &Request, answer: &Answer) -> Handled {
        match answer {
            Answer::Success { physical_id, .. } => info!(physical_id, "answering SUCCESS"),
            Answer::Failed {
                physical_id,
                reason,
            } => warn!(physical_id, reason, "answering FAILED"),
        }
        let body = response::body(request, answer);
        if request.response_url.is_empty() {
            info!("the event has no ResponseURL; the response is not sent");
            return Handled::Answered {
                body,
                delivered: false,
            };
        }
        let delivered = match response::send(&self.http, &request.response_url, body.clone()).await
        {
            Ok(()) => true,
            Err(e) => {
                error!(error = %e, "the response was not delivered; CloudFormation will time out");
                false
            }
        };
        Handled::Answered { body, delivered }
    }

    /// An event that is not a CloudFormation request: answer FAILED if it says where to.
    async fn answer_malformed(&self, event: &Value) -> Handled {
        let field = |k: &str| {
            event
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let request = Request {
            request_type: RequestType::Create,
            request_id: field("RequestId"),
            stack_id: field("StackId"),
            logical_resource_id: field("LogicalResourceId"),
            response_url: field("ResponseURL"),
            physical_resource_id: None,
            properties: Value::Null,
            old_properties: None,
        };
        if request.response_url.is_empty() {
            error!(
                "the payload is not a CloudFormation custom resource request and has no ResponseURL"
            );
            return Handled::Ignored {
                why: "not a CloudFormation custom resource request".into(),
            };
        }
        let physical_id = match event.get("PhysicalResourceId").and_then(Value::as_str) {
            Some(id) => id.to_owned(),
            None => request.not_created_id(),
        };
        let answer = Answer::Failed {
            physical_id,
            reason: "the event is not a valid CloudFormation custom resource request (RequestType Create, Update or Delete with RequestId, StackId, LogicalResourceId and ResourceProperties)".into(),
        };
        self.answer(&request, &answer).await
    }
}

/// Splits a payload into the CloudFormation event and the continuation, if any.
fn split(payload: Value) -> Result<(Value, Option<Continuation>), String> {
    if payload.get(CONTINUATION_KEY).is_none() {
        return Ok((payload, None));
    }
    let envelope: Envelope = serde_json::from_value(payload)
        .map_err(|e| format!("malformed continuation payload ({e}); nothing was done"))?;
    if !envelope.event.is_object() {
        return Err("the continuation carries no original event; nothing was done".into());
    }
    Ok((envelope.event, Some(envelope.continuation)))
}

/// The request as CloudFormation sent it, for a continuation.
fn raw_event(request: &Request) -> Value {
    let mut event = serde_json::json!({
        "RequestType": request.request_type,
        "RequestId": request.request_id,
        "ResponseURL": request.response_url,
        "StackId": request.stack_id,
        "LogicalResourceId": request.logical_resource_id,
        "ResourceType": crate::RESOURCE_TYPE,
        "ResourceProperties": request.properties,
    });
    if let Some(id) = &request.physical_resource_id {
        event["PhysicalResourceId"] = Value::String(id.clone());
    }
    if let Some(old) = &request.old_properties {
        event["OldResourceProperties"] = old.clone();
    }
    event
}

/// The physical id to fail with when the lifecycle itself could not say.
fn fallback_id(request: &Request, made: Option<String>) -> String {
    made.or_else(|| request.physical_resource_id.clone())
        .unwrap_or_else(|| request.not_created_id())
}

/// Time kept back from the deadline to answer: a fifth of what is left, 1–10 s.
fn reserve(now_ms: u64, deadline_ms: u64) -> Duration {
    Duration::from_millis(deadline_ms.saturating_sub(now_ms) / 5)
        .clamp(Duration::from_secs(1), Duration::from_secs(10))
}

fn panic_message(join: tokio::task::JoinError) -> String {
    if !join.is_panic() {
        return "the task was cancelled".into();
    }
    let payload = join.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

#[cfg(test)]
mod tests;
