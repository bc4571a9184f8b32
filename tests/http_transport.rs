//! The HTTP transport against loopback servers: retries (429 + Retry-After, 5xx, connection reset,
//! truncated body), giving up with a clear error, the concurrency bound, the body limit, typed node
//! answers, and bearer tokens that never leak into output.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vocaudit::fetch::http::{Failure, HttpClient, HttpConfig, HttpError, Outcome, Secret};

fn fast() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(5),
        max_attempts: 4,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(40),
        jitter_seed: Some(42),
        ..HttpConfig::default()
    }
}

async fn serve(app: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// A raw HTTP/1.1 server: connection `n` (0-based) is answered by `reply(n)`; `None` resets
/// the connection instead (SO_LINGER 0 → RST).
async fn serve_raw(reply: impl Fn(usize) -> Option<Vec<u8>> + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut n = 0;
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 4096];
            let mut got = Vec::new();
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(k) => got.extend_from_slice(&buf[..k]),
                }
            }
            match reply(n) {
                Some(bytes) => {
                    let _ = sock.write_all(&bytes).await;
                    let _ = sock.shutdown().await;
                }
                None => {
                    // Deprecated because it blocks on drop; a zero linger here is exactly the
                    // point: it makes the kernel send RST.
                    #[allow(deprecated)]
                    sock.set_linger(Some(Duration::ZERO)).unwrap();
                    drop(sock);
                }
            }
            n += 1;
        }
    });
    format!("http://{addr}")
}

const OK_RAW: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}";

fn ok(outcome: Outcome) -> (Vec<u8>, u32) {
    match outcome {
        Outcome::Ok(r) => (r.body, r.attempts),
        other => panic!("expected 200, got {other:?}"),
    }
}

/// Answers `first` for the first `n` requests, then 200 `{"ok":true}`.
fn flaky(
    n: usize,
    first: impl Fn() -> axum::response::Response + Clone + Send + Sync + 'static,
) -> Router {
    let hits = Arc::new(AtomicUsize::new(0));
    Router::new().route(
        "/x",
        get(move || {
            let (hits, first) = (hits.clone(), first.clone());
            async move {
                if hits.fetch_add(1, Ordering::SeqCst) < n {
                    first()
                } else {
                    (StatusCode::OK, r#"{"ok":true}"#).into_response()
                }
            }
        }),
    )
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out() {
    let app = flaky(1, || {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1")],
            "slow down",
        )
            .into_response()
    });
    let base = serve(app).await;
    let client = HttpClient::new(fast()).unwrap();
    let t0 = Instant::now();
    let (body, attempts) = ok(client.get(&format!("{base}/x")).await.unwrap());
    assert!(
        t0.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!((body.as_slice(), attempts), (&br#"{"ok":true}"#[..], 2));
}

#[tokio::test]
async fn a_500_is_retried() {
    let base = serve(flaky(2, || {
        (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response()
    }))
    .await;
    let client = HttpClient::new(fast()).unwrap();
    assert_eq!(ok(client.get(&format!("{base}/x")).await.unwrap()).1, 3);
}

#[tokio::test]
async fn a_connection_reset_is_retried() {
    let base = serve_raw(|n| (n > 0).then(|| OK_RAW.to_vec())).await;
    let client = HttpClient::new(fast()).unwrap();
    let (body, attempts) = ok(client.get(&format!("{base}/x")).await.unwrap());
    assert_eq!((body.as_slice(), attempts), (&br#"{"ok":true}"#[..], 2));
}

#[tokio::test]
async fn a_truncated_body_is_retried() {
    let base = serve_raw(|n| {
        Some(if n == 0 {
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"ok\":".to_vec()
        } else {
            OK_RAW.to_vec()
        })
    })
    .await;
    let client = HttpClient::new(fast()).unwrap();
    let (body, attempts) = ok(client.get(&format!("{base}/x")).await.unwrap());
    assert_eq!((body.as_slice(), attempts), (&br#"{"ok":true}"#[..], 2));
}

#[tokio::test]
async fn a_server_that_stays_down_gives_a_clear_error() {
    let base = serve(flaky(usize::MAX, || {
        (StatusCode::SERVICE_UNAVAILABLE, "down").into_response()
    }))
    .await;
    let client = HttpClient::new(fast()).unwrap();
    let url = format!("{base}/x");
    let err = client.get(&url).await.unwrap_err();
    assert!(matches!(
        &err,
        HttpError::GaveUp { url: u, attempts: 4, last: Failure::Status(503) } if *u == url
    ));
    let msg = err.to_string();
    assert!(
        msg.contains(&url) && msg.contains("4 attempts") && msg.contains("503"),
        "{msg}"
    );

    // Nothing listening at all: the same, with the connection failure.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/x", closed.local_addr().unwrap());
    drop(closed);
    let err = client.get(&url).await.unwrap_err();
    assert!(matches!(
        &err,
        HttpError::GaveUp {
            attempts: 4,
            last: Failure::Transport(_),
            ..
        }
    ));
    assert_eq!(err.url(), Some(url.as_str()));
}

#[tokio::test]
async fn concurrency_is_bounded() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let app = {
        let (in_flight, peak) = (in_flight.clone(), peak.clone());
        Router::new().route(
            "/slow",
            get(move || {
                let (in_flight, peak) = (in_flight.clone(), peak.clone());
                async move {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    "{}"
                }
            }),
        )
    };
    let base = serve(app).await;
    let client = HttpClient::new(HttpConfig {
        concurrency: 3,
        ..fast()
    })
    .unwrap();
    let url = format!("{base}/slow");
    let all = futures::future::join_all((0..24).map(|_| client.get(&url))).await;
    assert!(all.into_iter().all(|r| matches!(r, Ok(Outcome::Ok(_)))));
    assert_eq!(
        peak.load(Ordering::SeqCst),
        3,
        "at most 3 in flight, and 3 reached"
    );
}

#[tokio::test]
async fn node_answers_are_typed_outcomes() {
    let app = Router::new()
        .route(
            "/page",
            get(|| async {
                (
                    StatusCode::NOT_FOUND,
                    r#"{"error":"page not found","code":4057}"#,
                )
            }),
        )
        .route("/tx", get(|| async { StatusCode::NO_CONTENT }))
        .route(
            "/vote",
            get(|| async {
                (
                    StatusCode::NOT_FOUND,
                    r#"{"error":"vote not found","code":4024}"#,
                )
            }),
        );
    let base = serve(app).await;
    let client = HttpClient::new(fast()).unwrap();
    let page = client.get(&format!("{base}/page")).await.unwrap();
    assert!(matches!(page, Outcome::PastLastPage(ref r) if r.attempts == 1));
    assert!(matches!(
        client.get(&format!("{base}/tx")).await.unwrap(),
        Outcome::NoContent(_)
    ));
    let vote = client.get(&format!("{base}/vote")).await.unwrap();
    assert_eq!(vote.response().api_error().map(|e| e.code), Some(4024));
    assert!(matches!(vote, Outcome::NotFound(_)));
}

#[tokio::test]
async fn a_huge_body_is_an_error() {
    let app = Router::new().route("/big", get(|| async { vec![b'x'; 100_000] }));
    let base = serve(app).await;
    let client = HttpClient::new(HttpConfig {
        max_body_bytes: 1000,
        ..fast()
    })
    .unwrap();
    let err = client.get(&format!("{base}/big")).await.unwrap_err();
    assert!(
        matches!(err, HttpError::BodyTooLarge { limit: 1000, .. }),
        "{err}"
    );

    // Without Content-Length (chunked), the limit is enforced while reading.
    let chunk = format!("258\r\n{}\r\n", "y".repeat(600));
    let chunked = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{chunk}{chunk}0\r\n\r\n"
    );
    let base = serve_raw(move |_| Some(chunked.clone().into_bytes())).await;
    let err = client.get(&format!("{base}/big")).await.unwrap_err();
    assert!(
        matches!(err, HttpError::BodyTooLarge { limit: 1000, .. }),
        "{err}"
    );
    let roomy = HttpClient::new(HttpConfig {
        max_body_bytes: 1200,
        ..fast()
    })
    .unwrap();
    let (body, _) = ok(roomy.get(&format!("{base}/big")).await.unwrap());
    assert_eq!(body.len(), 1200, "a body exactly at the limit is accepted");
}

#[tokio::test]
async fn a_bearer_token_is_sent_but_never_shown() {
    const TOKEN: &str = "sk-live-9f8e7d6c5b4a";
    let app = Router::new()
        .route(
            "/me",
            get(|h: HeaderMap| async move {
                let auth = h.get("authorization").and_then(|v| v.to_str().ok());
                if auth == Some(&format!("Bearer {TOKEN}")) {
                    (StatusCode::OK, "{}")
                } else {
                    (StatusCode::UNAUTHORIZED, r#"{"error":"no","code":40001}"#)
                }
            }),
        )
        .route("/down", get(|| async { StatusCode::BAD_GATEWAY }));
    let base = serve(app).await;
    let client = HttpClient::new(fast()).unwrap();
    let token = Secret::new(TOKEN);

    let authorized = client
        .get_authorized(&format!("{base}/me"), &token)
        .await
        .unwrap();
    assert!(
        matches!(authorized, Outcome::Ok(_)),
        "the header reaches the server"
    );
    let anonymous = client.get(&format!("{base}/me")).await.unwrap();
    assert!(matches!(anonymous, Outcome::Rejected(ref r) if r.status == 401));

    let err = client
        .get_authorized(&format!("{base}/down"), &token)
        .await
        .unwrap_err();
    let shown = format!(
        "{err} {err:?} {token} {token:?} {client:?} {authorized:?} {:?}",
        HttpConfig::default()
    );
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
    assert!(shown.contains("[redacted]"));
}

#[tokio::test]
async fn redirects_stay_on_the_configured_host() {
    // Another origin (a second loopback port) that must never be asked.
    let elsewhere_hits = Arc::new(AtomicUsize::new(0));
    let hits = elsewhere_hits.clone();
    let elsewhere = serve(Router::new().route(
        "/x",
        get(move || {
            hits.fetch_add(1, Ordering::SeqCst);
            async { "not evidence" }
        }),
    ))
    .await;
    let target = format!("{elsewhere}/x");
    let node = serve(
        Router::new()
            .route(
                "/off",
                get(move || {
                    let target = target.clone();
                    async move { (StatusCode::FOUND, [("location", target)], "") }
                }),
            )
            .route(
                "/moved",
                get(|| async { (StatusCode::MOVED_PERMANENTLY, [("location", "/here")], "") }),
            )
            .route("/here", get(|| async { "on the node" })),
    )
    .await;
    let client = HttpClient::new(fast()).unwrap();

    let same = client.get(&format!("{node}/moved")).await.unwrap();
    assert_eq!(ok(same).0, b"on the node");

    match client.get(&format!("{node}/off")).await.unwrap() {
        Outcome::Rejected(r) => assert_eq!(r.status, 302),
        other => panic!("expected the redirect to be refused, got {other:?}"),
    }
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "the other host was asked"
    );
}
