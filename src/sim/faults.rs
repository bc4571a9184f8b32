//! Fault injection for the loopback node: added latency, HTTP 429 with `Retry-After`, 500/503,
//! dropped connections, truncated and trickled bodies — the failures a fetcher meets on public
//! Vocdoni nodes (chi's `ThrottleBacklog` 429s, proxies' 503s, resets under load).
//!
//! Triggering is deterministic: every rule counts the requests its scope matches (an atomic
//! counter, numbered from 1) and fires on `every=K`, `first=N` or `after=N` of them.
//!
//! # Syntax of one `--fault` value
//!
//! ```text
//! [SCOPE:]KIND[=VALUE][@TRIGGER]
//!
//! SCOPE    global (default) | a route name (see ROUTE_NAMES, e.g. votes, vote, tx, election)
//!          | a path prefix starting with `/` (e.g. /v2/chain, /saas)
//! KIND     latency=DURATION          delay the response
//!          429[=SECONDS]             Too Many Requests, Retry-After: SECONDS (default 1)
//!          500 | 503                 error status with a JSON error body
//!          reset                     close the connection without any response
//!          truncate[=BYTES]          declare the full Content-Length, send BYTES (default half)
//!          slow=DURATION[/BYTES]     send the body in BYTES-sized chunks (default 64),
//!                                    DURATION apart
//!          huge, endless, nested, rewrite, nonutf8, html, content-type, redirect,
//!          equivocate                hostile answers, see [`super::hostile`]
//! TRIGGER  always (default) | every=K | first=N | after=N
//! DURATION an integer with unit us, ms or s (20ms, 2s)
//! ```
//!
//! Examples: `latency=20ms`, `votes:429@every=5`, `global:reset@first=2`,
//! `/v2/chain:truncate=10@first=1`, `vote:slow=5ms/16`, `vote:rewrite=weight/9*1000000`.
//! A kind whose value holds `:` (`redirect=http://host:port/`) needs no scope: text before a `:`
//! is a scope only when it holds no `=`.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use thiserror::Error;

use super::hostile::{Hostile, HostileParseError, Memory};
use super::server::ROUTE_NAMES;

/// The requests a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every request, known route or not.
    Global,
    /// One route of [`ROUTE_NAMES`].
    Route(String),
    /// Requests whose path starts with this prefix.
    PathPrefix(String),
}

/// What a triggered rule does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Wait this long before answering (latencies of several triggered rules add up).
    Latency(Duration),
    /// HTTP 429 with `Retry-After: retry_after_secs`.
    TooManyRequests { retry_after_secs: u64 },
    /// HTTP 500 or 503 with an error body.
    Status(u16),
    /// Drop the connection without sending a response.
    Reset,
    /// Declare the full `Content-Length` but send only `keep` bytes (half when `None`, and
    /// always fewer than the full body), then close.
    Truncate { keep: Option<usize> },
    /// Send the whole body in `chunk`-byte pieces, `interval` apart.
    SlowBody { chunk: usize, interval: Duration },
    /// Answer as a hostile node would ([`super::hostile`]).
    Hostile(Hostile),
}

/// Which of the matching requests (numbered from 1) a rule fires on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Always,
    /// Requests K, 2K, 3K, …
    Every(u64),
    /// Requests 1..=N.
    First(u64),
    /// Requests N+1, N+2, …
    After(u64),
}

impl Trigger {
    fn fires(self, n: u64) -> bool {
        match self {
            Trigger::Always => true,
            // `every=0` never fires (the parser refuses it; a hand-built rule must not panic).
            Trigger::Every(k) => n.checked_rem(k) == Some(0),
            Trigger::First(limit) => n <= limit,
            Trigger::After(limit) => n > limit,
        }
    }
}

/// One fault rule, parsed from the syntax in the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub scope: Scope,
    pub kind: FaultKind,
    pub trigger: Trigger,
}

/// A fault rule that could not be parsed; every variant names the offending spec.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FaultParseError {
    #[error("fault `{spec}`: empty specification")]
    Empty { spec: String },
    #[error(
        "fault `{spec}`: unknown scope `{scope}` (expected `global`, a path prefix starting \
         with `/`, or one of: {})",
        ROUTE_NAMES.join(", ")
    )]
    UnknownScope { spec: String, scope: String },
    #[error(
        "fault `{spec}`: unknown kind `{kind}` (expected latency, 429, 500, 503, reset, \
         truncate, slow, huge, endless, nested, rewrite, nonutf8, html, content-type, redirect \
         or equivocate)"
    )]
    UnknownKind { spec: String, kind: String },
    #[error("fault `{spec}`: `{kind}` needs a value (`{kind}=…`)")]
    MissingValue { spec: String, kind: String },
    #[error("fault `{spec}`: `{kind}` takes no value")]
    UnexpectedValue { spec: String, kind: String },
    #[error("fault `{spec}`: bad duration `{value}` (expected an integer with us, ms or s)")]
    BadDuration { spec: String, value: String },
    #[error("fault `{spec}`: bad {what} `{value}` (expected a positive integer)")]
    BadNumber {
        spec: String,
        what: &'static str,
        value: String,
    },
    #[error("fault `{spec}`: bad {expected} `{value}` for `{kind}`")]
    BadValue {
        spec: String,
        kind: String,
        expected: &'static str,
        value: String,
    },
    #[error("fault `{spec}`: unknown trigger `{trigger}` (expected always, every=K, first=N or after=N)")]
    UnknownTrigger { spec: String, trigger: String },
}

impl FromStr for FaultRule {
    type Err = FaultParseError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let owned = || spec.to_string();
        let (body, trigger) = match spec.rsplit_once('@') {
            Some((body, trigger)) => (body, parse_trigger(spec, trigger)?),
            None => (spec, Trigger::Always),
        };
        let (scope, kind) = match body.split_once(':') {
            Some((scope, kind)) if !scope.contains('=') => (parse_scope(spec, scope)?, kind),
            _ => (Scope::Global, body),
        };
        if kind.is_empty() {
            return Err(FaultParseError::Empty { spec: owned() });
        }
        let (name, value) = match kind.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (kind, None),
        };
        let no_value = |kind: FaultKind| match value {
            None => Ok(kind),
            Some(_) => Err(FaultParseError::UnexpectedValue {
                spec: owned(),
                kind: name.to_string(),
            }),
        };
        let needs_value = || {
            value.ok_or_else(|| FaultParseError::MissingValue {
                spec: owned(),
                kind: name.to_string(),
            })
        };
        let kind = match name {
            "latency" => FaultKind::Latency(parse_duration(spec, needs_value()?)?),
            "429" => FaultKind::TooManyRequests {
                retry_after_secs: match value {
                    Some(v) => parse_number(spec, "Retry-After seconds", v)?,
                    None => 1,
                },
            },
            "500" => no_value(FaultKind::Status(500))?,
            "503" => no_value(FaultKind::Status(503))?,
            "reset" => no_value(FaultKind::Reset)?,
            "truncate" => FaultKind::Truncate {
                keep: value
                    .map(|v| parse_number(spec, "byte count", v).map(|n| n as usize))
                    .transpose()?,
            },
            "slow" => {
                let value = needs_value()?;
                let (interval, chunk) = match value.split_once('/') {
                    Some((interval, chunk)) => (
                        interval,
                        parse_positive(spec, "chunk size", chunk)? as usize,
                    ),
                    None => (value, 64),
                };
                FaultKind::SlowBody {
                    chunk,
                    interval: parse_duration(spec, interval)?,
                }
            }
            other => match Hostile::parse(other, value, |v| parse_duration(spec, v).ok()) {
                Some(Ok(hostile)) => FaultKind::Hostile(hostile),
                Some(Err(HostileParseError::Missing)) => {
                    return Err(FaultParseError::MissingValue {
                        spec: owned(),
                        kind: other.to_string(),
                    })
                }
                Some(Err(HostileParseError::Unexpected)) => {
                    return Err(FaultParseError::UnexpectedValue {
                        spec: owned(),
                        kind: other.to_string(),
                    })
                }
                Some(Err(HostileParseError::Bad(expected))) => {
                    return Err(FaultParseError::BadValue {
                        spec: owned(),
                        kind: other.to_string(),
                        expected,
                        value: value.unwrap_or_default().to_string(),
                    })
                }
                None => {
                    return Err(FaultParseError::UnknownKind {
                        spec: owned(),
                        kind: other.to_string(),
                    })
                }
            },
        };
        Ok(FaultRule {
            scope,
            kind,
            trigger,
        })
    }
}

fn parse_scope(spec: &str, scope: &str) -> Result<Scope, FaultParseError> {
    if scope == "global" {
        Ok(Scope::Global)
    } else if scope.starts_with('/') {
        Ok(Scope::PathPrefix(scope.to_string()))
    } else if ROUTE_NAMES.contains(&scope) {
        Ok(Scope::Route(scope.to_string()))
    } else {
        Err(FaultParseError::UnknownScope {
            spec: spec.to_string(),
            scope: scope.to_string(),
        })
    }
}

fn parse_trigger(spec: &str, trigger: &str) -> Result<Trigger, FaultParseError> {
    let unknown = || FaultParseError::UnknownTrigger {
        spec: spec.to_string(),
        trigger: trigger.to_string(),
    };
    match trigger.split_once('=') {
        None if trigger == "always" => Ok(Trigger::Always),
        Some(("every", k)) => Ok(Trigger::Every(parse_positive(spec, "period", k)?)),
        Some(("first", n)) => Ok(Trigger::First(parse_number(spec, "request count", n)?)),
        Some(("after", n)) => Ok(Trigger::After(parse_number(spec, "request count", n)?)),
        _ => Err(unknown()),
    }
}

fn parse_number(spec: &str, what: &'static str, value: &str) -> Result<u64, FaultParseError> {
    value.parse().map_err(|_| FaultParseError::BadNumber {
        spec: spec.to_string(),
        what,
        value: value.to_string(),
    })
}

fn parse_positive(spec: &str, what: &'static str, value: &str) -> Result<u64, FaultParseError> {
    match parse_number(spec, what, value)? {
        0 => Err(FaultParseError::BadNumber {
            spec: spec.to_string(),
            what,
            value: value.to_string(),
        }),
        n => Ok(n),
    }
}

fn parse_duration(spec: &str, value: &str) -> Result<Duration, FaultParseError> {
    let bad = || FaultParseError::BadDuration {
        spec: spec.to_string(),
        value: value.to_string(),
    };
    let split = value.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (digits, unit) = value.split_at(split);
    let n: u64 = digits.parse().map_err(|_| bad())?;
    match unit {
        "us" => Ok(Duration::from_micros(n)),
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        _ => Err(bad()),
    }
}

/// An ordered list of fault rules, e.g. from repeated `--fault` flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultPlan {
    pub rules: Vec<FaultRule>,
}

impl FaultPlan {
    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Parses every spec, failing on the first bad one.
    pub fn parse<S: AsRef<str>>(specs: &[S]) -> Result<Self, FaultParseError> {
        specs
            .iter()
            .map(|s| s.as_ref().parse())
            .collect::<Result<_, _>>()
            .map(|rules| Self { rules })
    }

    /// Adds one rule (builder style).
    pub fn with(mut self, rule: FaultRule) -> Self {
        self.rules.push(rule);
        self
    }
}

/// How a triggered fault replaces the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replacement {
    TooManyRequests { retry_after_secs: u64 },
    Status(u16),
    Reset,
}

/// How a triggered fault alters the body of the real response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyFault {
    Truncate { keep: Option<usize> },
    Slow { chunk: usize, interval: Duration },
}

/// What the faults decide for one request.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Decision {
    pub latency: Duration,
    /// The first triggered replacing rule, in plan order.
    pub replacement: Option<Replacement>,
    /// The first triggered body rule, in plan order.
    pub body: Option<BodyFault>,
    /// The first triggered hostile rule, in plan order: it shapes the whole answer.
    pub hostile: Option<Hostile>,
}

/// A plan with its per-rule request counters, shared by the server's tasks.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    rules: Vec<(FaultRule, AtomicU64)>,
    memory: Memory,
}

impl FaultState {
    pub fn new(plan: FaultPlan) -> Self {
        Self {
            rules: plan
                .rules
                .into_iter()
                .map(|r| (r, AtomicU64::new(0)))
                .collect(),
            memory: Memory::default(),
        }
    }

    /// What hostile rules remember between requests.
    pub fn memory(&self) -> &Memory {
        &self.memory
    }

    /// Counts the request against every rule whose scope matches and collects what fires.
    pub fn decide(&self, path: &str, route: Option<&str>) -> Decision {
        let mut decision = Decision::default();
        for (rule, counter) in &self.rules {
            let matches = match &rule.scope {
                Scope::Global => true,
                Scope::Route(name) => route == Some(name.as_str()),
                Scope::PathPrefix(prefix) => path.starts_with(prefix.as_str()),
            };
            if !matches {
                continue;
            }
            let n = counter.fetch_add(1, Ordering::Relaxed) + 1;
            if !rule.trigger.fires(n) {
                continue;
            }
            match &rule.kind {
                FaultKind::Latency(d) => decision.latency += *d,
                FaultKind::TooManyRequests { retry_after_secs } => {
                    decision
                        .replacement
                        .get_or_insert(Replacement::TooManyRequests {
                            retry_after_secs: *retry_after_secs,
                        });
                }
                FaultKind::Status(code) => {
                    decision
                        .replacement
                        .get_or_insert(Replacement::Status(*code));
                }
                FaultKind::Reset => {
                    decision.replacement.get_or_insert(Replacement::Reset);
                }
                FaultKind::Truncate { keep } => {
                    decision
                        .body
                        .get_or_insert(BodyFault::Truncate { keep: *keep });
                }
                FaultKind::SlowBody { chunk, interval } => {
                    decision.body.get_or_insert(BodyFault::Slow {
                        chunk: *chunk,
                        interval: *interval,
                    });
                }
                FaultKind::Hostile(h) => {
                    decision.hostile.get_or_insert_with(|| h.clone());
                }
            }
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn rule(scope: Scope, kind: FaultKind, trigger: Trigger) -> FaultRule {
        FaultRule {
            scope,
            kind,
            trigger,
        }
    }

    #[rstest]
    #[case(
        "latency=20ms",
        rule(
            Scope::Global,
            FaultKind::Latency(Duration::from_millis(20)),
            Trigger::Always
        )
    )]
    #[case("votes:429@every=5", rule(Scope::Route("votes".into()), FaultKind::TooManyRequests { retry_after_secs: 1 }, Trigger::Every(5)))]
    #[case(
        "global:reset@first=2",
        rule(Scope::Global, FaultKind::Reset, Trigger::First(2))
    )]
    #[case("tx:429=7@after=3", rule(Scope::Route("tx".into()), FaultKind::TooManyRequests { retry_after_secs: 7 }, Trigger::After(3)))]
    #[case("/v2/chain:503", rule(Scope::PathPrefix("/v2/chain".into()), FaultKind::Status(503), Trigger::Always))]
    #[case("election:500@always", rule(Scope::Route("election".into()), FaultKind::Status(500), Trigger::Always))]
    #[case("truncate", rule(Scope::Global, FaultKind::Truncate { keep: None }, Trigger::Always))]
    #[case("vote:truncate=10", rule(Scope::Route("vote".into()), FaultKind::Truncate { keep: Some(10) }, Trigger::Always))]
    #[case("slow=5ms", rule(Scope::Global, FaultKind::SlowBody { chunk: 64, interval: Duration::from_millis(5) }, Trigger::Always))]
    #[case("redirect=http://127.0.0.1:9/x", rule(Scope::Global, FaultKind::Hostile(Hostile::Redirect("http://127.0.0.1:9/x".into())), Trigger::Always))]
    #[case("vote:equivocate=weight@after=1", rule(Scope::Route("vote".into()), FaultKind::Hostile(Hostile::Equivocate { field: "weight".into() }), Trigger::After(1)))]
    #[case("ipfs:slow=1s/8", rule(Scope::Route("ipfs".into()), FaultKind::SlowBody { chunk: 8, interval: Duration::from_secs(1) }, Trigger::Always))]
    fn parses(#[case] spec: &str, #[case] expected: FaultRule) {
        assert_eq!(spec.parse::<FaultRule>(), Ok(expected));
    }

    #[rstest]
    #[case("", "empty")]
    #[case("votes:", "empty")]
    #[case("nosuchroute:500", "scope")]
    #[case("explode", "kind")]
    #[case("latency", "missing")]
    #[case("reset=3", "unexpected")]
    #[case("500=1", "unexpected")]
    #[case("latency=20", "duration")]
    #[case("latency=20min", "duration")]
    #[case("latency=ms", "duration")]
    #[case("429=soon", "number")]
    #[case("slow=5ms/0", "number")]
    #[case("reset@every=0", "number")]
    #[case("reset@sometimes", "trigger")]
    #[case("reset@every", "trigger")]
    #[case("huge", "missing")]
    #[case("html=1", "unexpected")]
    #[case("vote:nested=deep", "value")]
    #[case("rewrite=weight", "value")]
    fn refuses(#[case] spec: &str, #[case] what: &str) {
        let err = spec.parse::<FaultRule>().unwrap_err();
        let matched = match err {
            FaultParseError::Empty { .. } => "empty",
            FaultParseError::UnknownScope { .. } => "scope",
            FaultParseError::UnknownKind { .. } => "kind",
            FaultParseError::MissingValue { .. } => "missing",
            FaultParseError::UnexpectedValue { .. } => "unexpected",
            FaultParseError::BadDuration { .. } => "duration",
            FaultParseError::BadNumber { .. } => "number",
            FaultParseError::BadValue { .. } => "value",
            FaultParseError::UnknownTrigger { .. } => "trigger",
        };
        assert_eq!(matched, what, "{err}");
        assert!(err.to_string().contains(&format!("`{spec}`")));
    }

    #[test]
    fn plan_parse_stops_at_first_bad_spec() {
        assert_eq!(
            FaultPlan::parse(&["latency=1ms", "500"])
                .unwrap()
                .rules
                .len(),
            2
        );
        assert!(matches!(
            FaultPlan::parse(&["latency=1ms", "bogus"]),
            Err(FaultParseError::UnknownKind { .. })
        ));
    }

    #[test]
    fn triggers_count_only_matching_requests() {
        let state = FaultState::new(
            FaultPlan::parse(&[
                "votes:429@every=2",
                "/v2/chain:reset@first=1",
                "latency=1ms@after=3",
            ])
            .unwrap(),
        );
        let fired: Vec<_> = [
            ("/v2/votes", Some("votes")),
            ("/v2/chain/info", Some("chain-info")),
            ("/v2/votes", Some("votes")),
            ("/v2/chain/info", Some("chain-info")),
            ("/nowhere", None),
        ]
        .iter()
        .map(|(path, route)| state.decide(path, *route))
        .collect();
        assert_eq!(fired[0], Decision::default());
        assert_eq!(fired[1].replacement, Some(Replacement::Reset));
        assert_eq!(
            fired[2].replacement,
            Some(Replacement::TooManyRequests {
                retry_after_secs: 1
            })
        );
        assert_eq!(fired[3].replacement, None);
        assert_eq!(fired[3].latency, Duration::from_millis(1));
        assert_eq!(fired[4].latency, Duration::from_millis(1));
    }

    #[test]
    fn first_replacement_and_body_rule_win_latencies_add() {
        let state = FaultState::new(
            FaultPlan::parse(&[
                "latency=2ms",
                "503",
                "500",
                "truncate=3",
                "slow=1ms",
                "latency=3ms",
            ])
            .unwrap(),
        );
        let d = state.decide("/v2/votes", Some("votes"));
        assert_eq!(d.latency, Duration::from_millis(5));
        assert_eq!(d.replacement, Some(Replacement::Status(503)));
        assert_eq!(d.body, Some(BodyFault::Truncate { keep: Some(3) }));
    }
}
