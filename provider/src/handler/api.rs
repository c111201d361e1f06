//! The REST front's side of the handler: an API Gateway request answered under the guard (a
//! panic or the approaching deadline becomes a problem document, never a stack trace), and
//! the API's Delete run as a stack's is, its wait handed on to fresh invocations.

use super::{Handled, Provider};
use crate::event::Request;
use crate::guard::guard;
use crate::lifecycle::{Answer, reserve};
use crate::rest::{self, Problem, Reply};
use crate::runner::{Ended, Invocation, Run};
use serde_json::Value;
use std::time::Duration;
use tracing::info;

impl Provider {
    /// Answers an API Gateway request ([`crate::rest`]).
    pub(super) async fn rest(&self, payload: Value, invocation: &Invocation) -> Handled {
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
        &self,
        call: rest::Call,
        invocation: &Invocation,
    ) -> Result<(u16, Value), Problem> {
        let request_id = call.request_id.clone();
        let context = rest::Context::of(&invocation.function, invocation.deadline_ms);
        let now = self.runner.aws.clock.now_ms();
        let deadline_ms = invocation.deadline_ms;
        let limit = deadline_ms.saturating_sub(now + reserve(now, deadline_ms).as_millis() as u64);
        let work = Box::pin(rest::answer(&self.runner, &call, &context, invocation));
        let reply = match guard(Duration::from_millis(limit), work).await {
            Ok(reply) => reply?,
            Err(interrupted) => return Err(Problem::interrupted(&interrupted)),
        };
        match reply {
            Reply::Json { status, body } => Ok((status, body)),
            Reply::Delete { request, id } => {
                let done = self.api_delete(*request, invocation).await?;
                Ok(Reply::deleted(&id, done, &request_id))
            }
        }
    }

    /// Runs the API's Delete for as long as an API request may take, as a stack's Delete
    /// runs; the rest goes on in fresh invocations (answering nowhere when done). Whether
    /// the clone is gone already.
    async fn api_delete(&self, request: Request, invocation: &Invocation) -> Result<bool, Problem> {
        let run = Run {
            answer_within: Some(rest::API_BUDGET),
            ..Run::to_the_end(request, None)
        };
        match self.runner.run(run, invocation).await {
            Ended::Answered(Answer::Success { .. }) => Ok(true),
            Ended::Answered(Answer::Failed(failure)) => Err(Problem::from_error(&failure.error)),
            Ended::HandedOff { .. } => Ok(false),
        }
    }
}
