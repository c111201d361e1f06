//! The REST front's side of the handler: an API Gateway request answered in its own task (a
//! panic or the approaching deadline becomes a problem document, never a stack trace), and
//! the API's Delete run as a stack's is, its wait handed on to fresh invocations.

use super::{Continuer, Handled, Invocation, Provider};
use crate::event::{Continuation, Request};
use crate::lifecycle::{Answer, Budget, Outcome, reserve};
use crate::rest::{self, Problem, Reply};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tracing::{error, info};

impl Provider {
    /// Answers an API Gateway request ([`crate::rest`]).
    pub(super) async fn rest(self: &Arc<Self>, payload: Value, invocation: &Invocation) -> Handled {
        let (status, body, problem, request_id) = match rest::parse(payload) {
            Err(problem) => {
                let request_id = problem.request_id.clone();
                (problem.status, problem.body(), Some(problem), request_id)
            }
            Ok(call) => {
                let request_id = call.request_id.clone();
                match self.answer_call(call, invocation).await {
                    Ok((status, body)) => (status, body, None, request_id),
                    Err(problem) => {
                        let problem = problem.with_request_id(&request_id);
                        (problem.status, problem.body(), Some(problem), request_id)
                    }
                }
            }
        };
        info!(status, request_id, "answering the API request");
        Handled::Responded {
            status,
            response: rest::response(status, &body, problem.as_ref(), &request_id),
        }
    }

    async fn answer_call(
        self: &Arc<Self>,
        call: rest::Call,
        invocation: &Invocation,
    ) -> Result<(u16, Value), Problem> {
        let request_id = call.request_id.clone();
        let context = rest::Context::of(&invocation.function, invocation.deadline_ms);
        let deadline_ms = invocation.deadline_ms;
        let provider = Arc::clone(self);
        let task = tokio::spawn(async move {
            rest::answer(&provider.aws, &call, &context, provider.poll_interval).await
        });
        let now = self.aws.clock.now_ms();
        let limit = deadline_ms.saturating_sub(now + reserve(now, deadline_ms).as_millis() as u64);
        let reply = match tokio::time::timeout(Duration::from_millis(limit), task).await {
            Ok(Ok(reply)) => reply?,
            Ok(Err(join)) => {
                let detail = if join.is_panic() {
                    crate::error::panic_detail(join.into_panic())
                } else {
                    "cancelled".into()
                };
                error!(detail, "the API request panicked");
                return Err(Problem::internal(
                    500,
                    "the provider failed on this request; its log has the details",
                ));
            }
            Err(_) => {
                return Err(Problem::internal(
                    504,
                    "the request did not finish before the function's deadline; try again",
                ));
            }
        };
        match reply {
            Reply::Json { status, body } => Ok((status, body)),
            Reply::Delete { request, id } => {
                let done = self.api_delete(*request, invocation).await?;
                Ok(Reply::deleted(&id, done, &request_id))
            }
        }
    }

    /// Runs the API's Delete for as long as an API request may take; hands the rest on to a
    /// fresh invocation (answering nowhere when done). Whether the clone is gone already.
    async fn api_delete(
        self: &Arc<Self>,
        request: Request,
        invocation: &Invocation,
    ) -> Result<bool, Problem> {
        let request = Arc::new(request);
        let now = self.aws.clock.now_ms();
        let deadline_ms = invocation
            .deadline_ms
            .min(now + rest::API_BUDGET.as_millis() as u64);
        let mut budget = Budget::new(
            now,
            now,
            deadline_ms,
            request.properties.service_timeout,
            self.poll_interval,
        );
        let mut phase = None;
        let mut deadline = deadline_ms;
        loop {
            let next = match self.run(&request, phase.take(), budget, deadline).await {
                Outcome::Done(Answer::Success { .. }) => return Ok(true),
                Outcome::Done(Answer::Failed(failure)) => {
                    return Err(Problem::from_error(&failure.error));
                }
                Outcome::Continue { phase } => Continuation {
                    hand_offs: 1,
                    started_ms: budget.started_ms,
                    phase,
                },
            };
            match &self.continuer {
                // No deadline to beat (the CLI, the tests): go on here.
                Continuer::InProcess => {
                    phase = Some(next.phase);
                    let now = self.aws.clock.now_ms();
                    deadline = now + 900_000;
                    budget = Budget::new(
                        budget.started_ms,
                        now,
                        deadline,
                        request.properties.service_timeout,
                        self.poll_interval,
                    );
                }
                Continuer::Invoke(invoker) => {
                    return match self
                        .hand_off(invoker.as_ref(), &request, next, &budget, invocation)
                        .await
                    {
                        Ok(_) => Ok(false),
                        Err(error) => Err(Problem::from_error(&error)),
                    };
                }
            }
        }
    }
}
