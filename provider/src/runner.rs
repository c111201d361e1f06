//! The one runner: takes a typed [`Request`] to its end for every front — the
//! CloudFormation handler, the REST API, the CLI, the fleet sync and the automatic sync.
//! Each leg runs the lifecycle within a [`Budget`] under [`guard`] (a panic or the
//! approaching deadline becomes a FAILED answer); a leg that ends in
//! [`Outcome::Continue`] goes on in process or is handed to a fresh invocation of the
//! provider's own function, as the [`Continuer`] says.

use crate::aws::{Adapters, AwsError, ErrorKind, Memo, Pace, Paced, SelfInvoke};
use crate::error::{Error, Failure};
use crate::event::{Continuation, Phase, Request};
use crate::guard::guard;
use crate::lifecycle::{Answer, Budget, Lifecycle, Outcome, reserve};
use std::sync::Arc;
use std::time::Duration;
use tracing::info;

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

    /// When a first leg begun at `now_ms` ends: the invocation's deadline, or earlier when
    /// it must answer `within` (an API request).
    fn first_leg_deadline(&self, now_ms: u64, within: Option<Duration>) -> u64 {
        within.map_or(self.deadline_ms, |within| {
            self.deadline_ms.min(now_ms + within.as_millis() as u64)
        })
    }
}

/// How unfinished work goes on.
#[derive(Clone)]
pub enum Continuer {
    /// A fresh asynchronous invocation of the provider's own function (Lambda).
    Invoke(Arc<dyn SelfInvoke>),
    /// In the same process, until the invocation's deadline (the CLI has no Lambda
    /// deadline to beat: its deadline is its `--timeout`).
    InProcess,
}

/// The adapters, how work goes on, and how often a wait looks.
#[derive(Clone)]
pub struct Runner {
    pub aws: Adapters,
    pub continuer: Continuer,
    pub poll_interval: Duration,
}

/// One request to run.
#[derive(Debug, Clone)]
pub struct Run {
    pub request: Arc<Request>,
    /// Where an earlier invocation left off.
    pub continuation: Option<Continuation>,
    /// The first leg answers within this long (an API request), else by the invocation's
    /// deadline.
    pub answer_within: Option<Duration>,
}

impl Run {
    /// A request run to its end: in this invocation, or handed on.
    pub fn to_the_end(request: Request, continuation: Option<Continuation>) -> Self {
        Self {
            request: Arc::new(request),
            continuation,
            answer_within: None,
        }
    }
}

/// How a run ended in this invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum Ended {
    Answered(Answer),
    /// A fresh invocation goes on with it; no answer yet.
    HandedOff {
        hand_offs: u32,
    },
}

impl Runner {
    /// This runner for one fleet operation, ending by `deadline_ms`, whose clones share
    /// their reads and CloudFront's budget: over the [`Memo`] bundle, so each reference and
    /// the certificate list are read once and a clone's Update plans on the read that
    /// decided it, and over [`Paced`], so the clones' CloudFront calls back off as one.
    pub fn for_fleet(&self, deadline_ms: u64) -> Runner {
        let paced = Paced::over(&self.aws, Pace::default(), deadline_ms);
        Runner {
            aws: Memo::over(&paced),
            ..self.clone()
        }
    }

    /// The lifecycle for reads (plan, list, diff, a clone's owner), with until
    /// `deadline_ms` to spend: every AWS read a front needs goes through it.
    pub fn reader(&self, deadline_ms: u64) -> Lifecycle<'_> {
        Lifecycle::for_reads(&self.aws, deadline_ms, self.poll_interval)
    }

    /// Runs `run` within `invocation`: leg after leg, until it is answered or handed on.
    pub async fn run(&self, run: Run, invocation: &Invocation) -> Ended {
        let Run {
            request,
            mut continuation,
            answer_within,
        } = run;
        let now = self.aws.clock.now_ms();
        let mut deadline_ms = invocation.first_leg_deadline(now, answer_within);
        let service_timeout = request.properties.service_timeout;
        loop {
            let now = self.aws.clock.now_ms();
            let started_ms = continuation.as_ref().map_or(now, |c| c.started_ms);
            let budget = Budget::new(
                started_ms,
                now,
                deadline_ms,
                service_timeout,
                self.poll_interval,
            );
            let phase = continuation.as_ref().map(|c| c.phase.clone());
            let phase = match self.leg(&request, phase, budget, deadline_ms).await {
                Outcome::Done(answer) => return Ended::Answered(answer),
                Outcome::Continue { phase } => phase,
            };
            let next = Continuation {
                hand_offs: continuation.as_ref().map_or(0, |c| c.hand_offs) + 1,
                started_ms,
                phase,
            };
            let invoker = match &self.continuer {
                Continuer::InProcess if deadline_ms >= invocation.deadline_ms => {
                    // A further leg would end where this one did: answer rather than begin
                    // one that can do no more.
                    let physical_id = fallback_id(&request, next.phase.distribution());
                    let error = Error::Deadline(request.request_type);
                    return Ended::Answered(Answer::Failed(Failure::new(physical_id, error)));
                }
                Continuer::InProcess => {
                    continuation = Some(next);
                    deadline_ms = invocation.deadline_ms;
                    continue;
                }
                Continuer::Invoke(invoker) => invoker.as_ref(),
            };
            // Should the hand-off fail, the answer names what exists.
            let physical_id = fallback_id(&request, next.phase.distribution());
            return match self
                .hand_off(invoker, &request, next, &budget, invocation)
                .await
            {
                Ok(hand_offs) => Ended::HandedOff { hand_offs },
                Err(error) => Ended::Answered(Answer::Failed(Failure::new(physical_id, error))),
            };
        }
    }

    /// One leg of `request` that answers within `within` and says what it leaves to do: the
    /// API's Create and Update, which answer before CloudFront has deployed. The leg is the
    /// whole operation's time (the request's `ServiceTimeout` does not shorten it).
    pub async fn one_leg(
        &self,
        request: &Request,
        invocation: &Invocation,
        within: Duration,
    ) -> Outcome {
        let now = self.aws.clock.now_ms();
        let deadline_ms = invocation.first_leg_deadline(now, Some(within));
        // The leg is the whole operation: the API's time, whatever ServiceTimeout says.
        let service_timeout = within;
        let budget = Budget::new(now, now, deadline_ms, service_timeout, self.poll_interval);
        self.leg(request, None, budget, deadline_ms).await
    }

    /// One leg of the lifecycle under [`guard`], stopped later than the lifecycle's own
    /// limit (`budget.answer_by_ms`) and earlier than Lambda's.
    async fn leg(
        &self,
        request: &Request,
        phase: Option<Phase>,
        budget: Budget,
        deadline_ms: u64,
    ) -> Outcome {
        let resumed = phase
            .as_ref()
            .and_then(Phase::distribution)
            .map(str::to_owned);
        let lifecycle = Lifecycle {
            aws: &self.aws,
            budget,
        };
        let now = self.aws.clock.now_ms();
        let stop = deadline_ms.saturating_sub(reserve(now, deadline_ms).as_millis() as u64 / 3);
        let limit = Duration::from_millis(stop.saturating_sub(now));
        // Boxed: the lifecycle's future is too large to nest on the stack.
        let work = Box::pin(lifecycle.run(request, phase.as_ref()));
        match guard(limit, work).await {
            Ok(outcome) => outcome,
            Err(interrupted) => {
                let physical_id = fallback_id(request, resumed.as_deref());
                let error = interrupted.into_error(request.request_type);
                Outcome::Done(Answer::Failed(Failure::new(physical_id, error)))
            }
        }
    }

    /// Invokes the provider's own function with the request and where it left off.
    async fn hand_off(
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
            Err(AwsError::new(
                "Invoke",
                ErrorKind::Transport,
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
}

/// The physical id to fail with when the lifecycle itself could not say: the clone a
/// continuation was waiting on, else the request's own, else the mark of nothing made.
pub fn fallback_id(request: &Request, distribution: Option<&str>) -> String {
    distribution
        .map(str::to_owned)
        .or_else(|| request.physical_resource_id.clone())
        .unwrap_or_else(|| request.not_created_id())
}
