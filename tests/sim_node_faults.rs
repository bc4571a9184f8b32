//! Every fault kind of the loopback node, observed from the client side: latency, 429 with
//! Retry-After on a counter, 500/503, a connection dropped with no response, a body shorter
//! than its Content-Length, and a trickled body that still arrives whole.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vocaudit::api::node::{ApiError, ChainInfo, Election};
use vocaudit::sim::{serve_local, FaultPlan, SimElection, SimServer, World};

const ELECTION_ID: &str = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";

fn world() -> World {
    let mut world = World::new(ChainInfo {
        chain_id: "vocdoni/TEST/1".into(),
        height: 1234,
        ..ChainInfo::default()
    });
    world
        .add_election(SimElection::new(Election {
            election_id: ELECTION_ID.into(),
            status: "READY".into(),
            ..Election::default()
        }))
        .unwrap();
    world
}

async fn start(faults: &[&str]) -> SimServer {
    serve_local(&world(), FaultPlan::parse(faults).unwrap())
        .await
        .unwrap()
}

/// A client without connection reuse, so one dropped connection cannot leak into the next
/// request.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

/// One raw HTTP/1.1 exchange: everything the server sent before closing.
async fn raw_get(server: &SimServer, path: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    // A reset may surface as an error after some bytes; what arrived is what counts.
    let _ = stream.read_to_end(&mut received).await;
    received
}

fn split_head(response: &[u8]) -> (String, &[u8]) {
    let at = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    (
        String::from_utf8_lossy(&response[..at]).to_lowercase(),
        &response[at + 4..],
    )
}

#[tokio::test]
async fn latency_delays_its_route() {
    let server = start(&["chain-info:latency=300ms"]).await;
    let node = server.node_url();
    let started = Instant::now();
    let status = client()
        .get(format!("{node}/chain/info"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn throttling_every_third_request_with_retry_after() {
    let server = start(&["votes:429=5@every=3"]).await;
    let url = format!("{}/votes?electionId={ELECTION_ID}", server.node_url());
    let client = client();
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let response = client.get(&url).send().await.unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(response.headers()["retry-after"], "5");
        }
        statuses.push(response.status().as_u16());
        // Other routes do not advance the votes counter.
        let info = client
            .get(format!("{}/chain/info", server.node_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(info.status(), StatusCode::OK);
    }
    assert_eq!(statuses, [200, 200, 429, 200, 200, 429]);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn server_errors_for_the_first_requests() {
    let server = start(&["election:503@first=1", "/v2/elections:500@first=2"]).await;
    let url = format!("{}/elections/{ELECTION_ID}", server.node_url());
    let client = client();
    let mut seen = Vec::new();
    for _ in 0..3 {
        let response = client.get(&url).send().await.unwrap();
        let status = response.status();
        let body = response.bytes().await.unwrap();
        if status.is_server_error() {
            let err: ApiError = serde_json::from_slice(&body).unwrap();
            seen.push((status.as_u16(), err.code));
        } else {
            let e: Election = serde_json::from_slice(&body).unwrap();
            assert_eq!(e.election_id, ELECTION_ID);
            seen.push((status.as_u16(), 0));
        }
    }
    // Request 1: both rules fire, the first in plan order wins; request 2: only the 500.
    assert_eq!(seen, [(503, 5030), (500, 5000), (200, 0)]);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn reset_closes_the_connection_without_a_response() {
    let server = start(&["global:reset@first=2"]).await;
    assert!(raw_get(&server, "/v2/chain/info").await.is_empty());
    let err = client()
        .get(format!("{}/chain/info", server.node_url()))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    // The third request is past `first=2`.
    let (head, body) = {
        let raw = raw_get(&server, "/v2/chain/info").await;
        let (head, body) = split_head(&raw);
        (head, body.to_vec())
    };
    assert!(head.starts_with("http/1.1 200"));
    let info: ChainInfo = serde_json::from_slice(&body).unwrap();
    assert_eq!(info.height, 1234);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn truncated_body_is_shorter_than_its_content_length() {
    let server = start(&["chain-info:truncate=10@first=1"]).await;
    let raw = raw_get(&server, "/v2/chain/info").await;
    let (head, body) = split_head(&raw);
    let declared: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .expect("a declared length")
        .trim()
        .parse()
        .unwrap();
    assert_eq!(body.len(), 10);
    assert!(declared > 10, "declared {declared}");

    // The next request is whole, and its length is the one declared above.
    let full = client()
        .get(format!("{}/chain/info", server.node_url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(full.len(), declared);
    assert_eq!(&full[..10], body);

    // reqwest sees the truncation as a body error.
    let server = start(&["chain-info:truncate"]).await;
    let response = client()
        .get(format!("{}/chain/info", server.node_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.bytes().await.is_err());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn slow_body_trickles_but_arrives_whole() {
    let fast = start(&[]).await;
    let expected = client()
        .get(format!("{}/chain/info", fast.node_url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    fast.shutdown().await.unwrap();

    let server = start(&["chain-info:slow=20ms/16"]).await;
    let started = Instant::now();
    let body = client()
        .get(format!("{}/chain/info", server.node_url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let pauses = (expected.len().div_ceil(16) - 1) as u32;
    assert!(pauses >= 5, "body of {} bytes", expected.len());
    assert!(started.elapsed() >= Duration::from_millis(20) * pauses);
    assert_eq!(body, expected);
    server.shutdown().await.unwrap();
}
