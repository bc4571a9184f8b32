//! The HTTP transport every fetch goes through: one shared reqwest client (connection reuse), a
//! semaphore bounding requests in flight, retries with exponential backoff and seedable jitter that
//! honour `Retry-After`, a response-size cap, and typed outcomes for the answers a Vocdoni node gives
//! on purpose (`vocdoni/vocdoni-node:httprouter/apirest/apirest.go`, codes in `api/errors.go`):
//! 404 (code 4057 = past the last page), 204 (transaction not found, code 4007) and
//! `{"error","code"}` bodies are returned, not retried.
//!
//! Bearer tokens travel as [`Secret`], whose `Debug`/`Display` print `[redacted]`; the header is
//! built with reqwest's `bearer_auth`, which marks it sensitive, and nothing here formats headers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use tokio::sync::Semaphore;

use crate::bundle::Capture;

/// The node's "page not found" error code: the page asked for is past `lastPage`.
pub const CODE_PAGE_NOT_FOUND: i64 = 4057;

/// A credential (SaaS bearer token). It can be used to authorize a request but never shows up
/// in `Debug`, `Display`, logs or error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The raw value, only for building the `Authorization` header.
    fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Transport settings. `Default` gives the production values.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Whole-attempt timeout (connect, headers and body).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Maximum requests in flight across all clones of the client.
    pub concurrency: usize,
    /// Attempts per request, the first one included.
    pub max_attempts: u32,
    /// Backoff before retry n (1-based) is `min(backoff_max, backoff_base·2^(n-1))`, of which the
    /// upper half is jittered.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Longest `Retry-After` honoured; a server asking for more gets this.
    pub retry_after_max: Duration,
    /// Largest response body accepted; a bigger one is an error, never buffered.
    pub max_body_bytes: u64,
    /// Seed for the jitter (tests); `None` seeds from the OS.
    pub jitter_seed: Option<u64>,
    pub user_agent: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            concurrency: 16,
            max_attempts: 6,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            retry_after_max: Duration::from_secs(120),
            max_body_bytes: 64 * 1024 * 1024,
            jitter_seed: None,
            user_agent: concat!("vocaudit/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// The `{"error","code"}` body of a node or SaaS error (unknown fields such as the SaaS `data`
/// are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiError {
    pub error: String,
    pub code: i64,
}

/// A response as received: the bytes are exactly what the server sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The URL requested.
    pub url: String,
    pub status: u16,
    pub body: Vec<u8>,
    /// When the body finished arriving.
    pub fetched_at: DateTime<Utc>,
    /// Attempts it took (1 = first try).
    pub attempts: u32,
    /// The `Location` of a 3xx answer: a redirect the transport did not follow because it
    /// leaves the configured host.
    pub redirect: Option<String>,
}

impl Response {
    /// The response in the shape the bundle stores.
    pub fn capture(&self) -> Capture<'_> {
        Capture {
            url: &self.url,
            fetched_at: self.fetched_at,
            status: self.status,
            body: &self.body,
        }
    }

    /// What the answer is, for messages: `HTTP 302, redirect to … not followed (another host)`
    /// or `HTTP 404` followed by up to 120 printable characters of the body.
    pub fn describe(&self) -> String {
        if let Some(to) = &self.redirect {
            return format!(
                "HTTP {}: redirect to {to} not followed (not the configured host)",
                self.status
            );
        }
        let text = String::from_utf8_lossy(&self.body);
        let hint: String = text.trim().chars().take(120).collect();
        format!("HTTP {} {hint}", self.status)
    }

    /// The `{"error","code"}` body, when the body is one.
    pub fn api_error(&self) -> Option<ApiError> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// What a request came back with, once retries are over. Every variant carries the response so
/// the crawler can store it as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx other than 204.
    Ok(Response),
    /// 204: the node's "not found" for transactions (code 4007 without a body).
    NoContent(Response),
    /// 404 with code 4057: the page asked for is past the last page.
    PastLastPage(Response),
    /// Any other 404.
    NotFound(Response),
    /// Any other status that retrying will not change: 4xx, redirects not followed, and a 500
    /// carrying an `{"error","code"}` body (e.g. 5024 "results not yet available").
    Rejected(Response),
}

impl Outcome {
    pub fn response(&self) -> &Response {
        match self {
            Outcome::Ok(r)
            | Outcome::NoContent(r)
            | Outcome::PastLastPage(r)
            | Outcome::NotFound(r)
            | Outcome::Rejected(r) => r,
        }
    }

    pub fn into_response(self) -> Response {
        match self {
            Outcome::Ok(r)
            | Outcome::NoContent(r)
            | Outcome::PastLastPage(r)
            | Outcome::NotFound(r)
            | Outcome::Rejected(r) => r,
        }
    }
}

/// Why one attempt failed in a way worth retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A retryable status: 408, 429, 5xx without a node error body.
    Status(u16),
    /// The attempt ran past [`HttpConfig::timeout`].
    Timeout,
    /// Connecting or sending failed (refused, reset, DNS).
    Transport(String),
    /// The body stopped early: read error or fewer bytes than `Content-Length`.
    Truncated(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Status(s) => {
                let reason = reqwest::StatusCode::from_u16(*s)
                    .ok()
                    .and_then(|c| c.canonical_reason())
                    .unwrap_or("");
                write!(f, "HTTP {s} {reason}")
            }
            Failure::Timeout => f.write_str("timed out"),
            Failure::Transport(m) => write!(f, "connection failed: {m}"),
            Failure::Truncated(m) => write!(f, "body truncated: {m}"),
        }
    }
}

/// A request that could not be completed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("GET {url}: gave up after {attempts} attempts; last: {last}")]
    GaveUp {
        url: String,
        attempts: u32,
        last: Failure,
    },
    #[error("GET {url}: response body exceeds the limit of {limit} bytes")]
    BodyTooLarge { url: String, limit: u64 },
    #[error("{url:?}: not an http(s) URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("building the HTTP client: {0}")]
    Client(String),
}

impl HttpError {
    /// The URL the error is about (`None` for client construction).
    pub fn url(&self) -> Option<&str> {
        match self {
            HttpError::GaveUp { url, .. }
            | HttpError::BodyTooLarge { url, .. }
            | HttpError::InvalidUrl { url, .. } => Some(url),
            HttpError::Client(_) => None,
        }
    }
}

/// Redirects are followed only within the origin (scheme, host, port) of the URL asked for, at
/// most 5 hops: evidence must come from the configured node, SaaS or gateway, so a source that
/// points elsewhere gets its 3xx answer back as [`Outcome::Rejected`] (the caller records the
/// status as a gap or an error), never a silent fetch from another host.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let origin = |u: &reqwest::Url| {
            (
                u.scheme().to_string(),
                u.host_str().map(str::to_string),
                u.port_or_known_default(),
            )
        };
        let first = attempt.previous().first().map(origin);
        if attempt.previous().len() > 5 {
            attempt.error("more than 5 redirects")
        } else if first.as_ref() == Some(&origin(attempt.url())) {
            attempt.follow()
        } else {
            tracing::warn!(to = %attempt.url(), "refusing a redirect off the configured host");
            attempt.stop()
        }
    })
}

/// The shared HTTP client. Cloning is cheap and clones share connections, the concurrency bound
/// and the jitter generator.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: reqwest::Client,
    permits: Semaphore,
    cfg: HttpConfig,
    rng: Mutex<ChaCha8Rng>,
}

/// How one attempt ended.
enum Attempt {
    Done(Outcome),
    Retry(Failure, Option<Duration>),
}

impl HttpClient {
    pub fn new(cfg: HttpConfig) -> Result<HttpClient, HttpError> {
        let client = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.connect_timeout)
            .user_agent(cfg.user_agent.clone())
            .redirect(same_origin_redirects())
            .build()
            .map_err(|e| HttpError::Client(error_chain(&e)))?;
        let rng = match cfg.jitter_seed {
            Some(seed) => ChaCha8Rng::seed_from_u64(seed),
            None => ChaCha8Rng::from_entropy(),
        };
        Ok(HttpClient {
            inner: Arc::new(Inner {
                client,
                permits: Semaphore::new(cfg.concurrency.max(1)),
                cfg,
                rng: Mutex::new(rng),
            }),
        })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.inner.cfg
    }

    /// `GET url`, retried as described in the module doc.
    pub async fn get(&self, url: &str) -> Result<Outcome, HttpError> {
        self.request(url, None).await
    }

    /// `GET url` with `Authorization: Bearer <token>` (SaaS requests).
    pub async fn get_authorized(&self, url: &str, token: &Secret) -> Result<Outcome, HttpError> {
        self.request(url, Some(token)).await
    }

    async fn request(&self, url: &str, token: Option<&Secret>) -> Result<Outcome, HttpError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| HttpError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(HttpError::InvalidUrl {
                url: url.to_string(),
                reason: format!("scheme {:?}", parsed.scheme()),
            });
        }
        let cfg = &self.inner.cfg;
        let max_attempts = cfg.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let result = {
                // The permit is held for the attempt only, not while backing off.
                let _permit = self
                    .inner
                    .permits
                    .acquire()
                    .await
                    .map_err(|e| HttpError::Client(e.to_string()))?;
                self.attempt(&parsed, url, token, attempt).await?
            };
            let (failure, retry_after) = match result {
                Attempt::Done(outcome) => return Ok(outcome),
                Attempt::Retry(failure, retry_after) => (failure, retry_after),
            };
            if attempt >= max_attempts {
                return Err(HttpError::GaveUp {
                    url: url.to_string(),
                    attempts: attempt,
                    last: failure,
                });
            }
            let delay = {
                let mut rng = self.inner.rng.lock().unwrap_or_else(|p| p.into_inner());
                retry_delay(cfg, attempt, retry_after, &mut *rng)
            };
            tracing::debug!(%url, attempt, %failure, ?delay, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn attempt(
        &self,
        parsed: &reqwest::Url,
        url: &str,
        token: Option<&Secret>,
        attempt: u32,
    ) -> Result<Attempt, HttpError> {
        let mut req = self.inner.client.get(parsed.clone());
        if let Some(token) = token {
            req = req.bearer_auth(token.expose());
        }
        let mut resp = match req.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Ok(Attempt::Retry(Failure::Timeout, None)),
            Err(e) => return Ok(Attempt::Retry(Failure::Transport(error_chain(&e)), None)),
        };
        let status = resp.status().as_u16();
        let redirect = resp
            .status()
            .is_redirection()
            .then(|| resp.headers().get(reqwest::header::LOCATION))
            .flatten()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let limit = self.inner.cfg.max_body_bytes;
        let too_large = || HttpError::BodyTooLarge {
            url: url.to_string(),
            limit,
        };
        let declared = resp.content_length();
        if declared.is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut body = Vec::with_capacity(declared.unwrap_or(0).min(1 << 20) as usize);
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > limit {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => return Ok(Attempt::Retry(Failure::Timeout, None)),
                Err(e) => return Ok(Attempt::Retry(Failure::Truncated(error_chain(&e)), None)),
            }
        }
        if let Some(n) = declared.filter(|&n| n != body.len() as u64) {
            let msg = format!("Content-Length {n}, received {}", body.len());
            return Ok(Attempt::Retry(Failure::Truncated(msg), None));
        }
        let response = Response {
            url: url.to_string(),
            status,
            body,
            fetched_at: Utc::now(),
            attempts: attempt,
            redirect,
        };
        Ok(classify(response, retry_after))
    }
}

/// Sorts a complete response into an outcome or a retry (see [`Outcome`] and [`Failure`]).
fn classify(response: Response, retry_after: Option<Duration>) -> Attempt {
    let status = response.status;
    match status {
        204 => Attempt::Done(Outcome::NoContent(response)),
        200..=299 => Attempt::Done(Outcome::Ok(response)),
        404 if response
            .api_error()
            .is_some_and(|e| e.code == CODE_PAGE_NOT_FOUND) =>
        {
            Attempt::Done(Outcome::PastLastPage(response))
        }
        404 => Attempt::Done(Outcome::NotFound(response)),
        429 | 503 => Attempt::Retry(Failure::Status(status), retry_after),
        408 => Attempt::Retry(Failure::Status(status), None),
        500 if response.api_error().is_some() => Attempt::Done(Outcome::Rejected(response)),
        500..=599 => Attempt::Retry(Failure::Status(status), None),
        _ => Attempt::Done(Outcome::Rejected(response)),
    }
}

/// Delay before retry number `attempt` (1-based): exponential backoff whose upper half is
/// jittered, and at least the server's `Retry-After` (capped at `retry_after_max`).
pub fn retry_delay(
    cfg: &HttpConfig,
    attempt: u32,
    retry_after: Option<Duration>,
    rng: &mut impl Rng,
) -> Duration {
    let exp = cfg
        .backoff_base
        .saturating_mul(
            1u32.checked_shl(attempt.saturating_sub(1))
                .unwrap_or(u32::MAX),
        )
        .min(cfg.backoff_max);
    let half = exp / 2;
    let jitter = half.mul_f64(rng.gen::<f64>());
    let backoff = exp - half + jitter;
    match retry_after {
        Some(ra) => backoff.max(ra.min(cfg.retry_after_max)),
        None => backoff,
    }
}

/// An error and its sources on one line (reqwest's own `Display` is only the outer layer).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_is_reproducible() {
        let cfg = HttpConfig {
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_millis(1000),
            ..HttpConfig::default()
        };
        let run = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (1..=8)
                .map(|n| retry_delay(&cfg, n, None, &mut rng))
                .collect::<Vec<_>>()
        };
        let a = run(7);
        assert_eq!(a, run(7), "same seed, same delays");
        assert_ne!(a, run(8), "the jitter depends on the seed");
        for (i, d) in a.iter().enumerate() {
            let exp = Duration::from_millis(100 * (1 << i)).min(Duration::from_millis(1000));
            assert!(
                *d >= exp / 2 && *d <= exp,
                "retry {}: {d:?} not in [{:?}, {exp:?}]",
                i + 1,
                exp / 2
            );
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_its_cap() {
        let cfg = HttpConfig {
            backoff_base: Duration::from_millis(10),
            retry_after_max: Duration::from_secs(5),
            ..HttpConfig::default()
        };
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let d = retry_delay(&cfg, 1, Some(Duration::from_secs(2)), &mut rng);
        assert_eq!(d, Duration::from_secs(2));
        let d = retry_delay(&cfg, 1, Some(Duration::from_secs(3600)), &mut rng);
        assert_eq!(d, Duration::from_secs(5));
    }

    #[test]
    fn secret_never_formats() {
        let s = Secret::new("tok-123");
        assert_eq!(format!("{s}"), "[redacted]");
        assert!(!format!("{s:?} {:?}", Some(&s)).contains("tok-123"));
    }

    fn resp(status: u16, body: &str) -> Response {
        Response {
            url: "http://n/v2/x".into(),
            status,
            body: body.as_bytes().to_vec(),
            fetched_at: Utc::now(),
            attempts: 1,
            redirect: None,
        }
    }

    #[test]
    fn node_answers_are_typed() {
        let done = |a: Attempt| match a {
            Attempt::Done(o) => o,
            Attempt::Retry(f, _) => panic!("retried: {f}"),
        };
        let page = r#"{"error":"page not found","code":4057}"#;
        assert!(matches!(
            done(classify(resp(404, page), None)),
            Outcome::PastLastPage(_)
        ));
        let vote = r#"{"error":"vote not found","code":4024}"#;
        assert!(matches!(
            done(classify(resp(404, vote), None)),
            Outcome::NotFound(_)
        ));
        assert!(matches!(
            done(classify(resp(204, ""), None)),
            Outcome::NoContent(_)
        ));
        let results = r#"{"error":"results not available","code":5024}"#;
        assert!(matches!(
            done(classify(resp(500, results), None)),
            Outcome::Rejected(_)
        ));
        assert!(matches!(
            done(classify(resp(401, "{}"), None)),
            Outcome::Rejected(_)
        ));
        assert!(matches!(
            classify(resp(500, "oops"), None),
            Attempt::Retry(Failure::Status(500), _)
        ));
        assert!(matches!(
            classify(resp(429, ""), Some(Duration::from_secs(3))),
            Attempt::Retry(Failure::Status(429), Some(d)) if d == Duration::from_secs(3)
        ));
    }
}
