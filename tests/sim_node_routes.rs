//! The loopback node's routes, read with a real HTTP client: pagination edges, the legacy page
//! route, error bodies and statuses, state-only routes, SaaS and IPFS routes, determinism and a
//! live election whose pages shift while it is read.

use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use vocaudit::api::node::{
    ApiError, Block, BlockHeader, ChainInfo, Election, ElectionKey, ElectionKeys, Scrutiny,
    TransactionResponse, TxInfo, VoteDetail, VoteList, VoteMode,
};
use vocaudit::api::saas::{
    LegacyProcess, Process, ProcessBundle, ProcessResults, Question, ResultsQuestion,
};
use vocaudit::api::Opaque;
use vocaudit::sim::{serve_local, FaultPlan, LiveVotes, SaasProcess, SimElection, World};

const RESULTS_ID: &str = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
const EMPTY_ID: &str = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
const TEN_ID: &str = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";
const LIVE_ID: &str = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";
const UNKNOWN_ID: &str = "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5";
const TX_HASH: &str = "f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6";
const SAAS_ID: &str = "65f0a1b2c3d4e5f6a7b8c9d0";
const BUNDLE_ID: &str = "65f0a1b2c3d4e5f6a7b8c9ff";
const CID: &str = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

/// Nullifier `n` of an election: distinct, and not in the order of `n`.
fn nullifier(election: &str, n: u64) -> String {
    format!(
        "{:016x}{}",
        n.wrapping_mul(0x9e37_79b9_7f4a_7c15),
        &election[..48]
    )
}

fn vote(election: &str, n: u64, height: u64) -> VoteDetail {
    VoteDetail {
        tx_hash: format!("{:064x}", height * 1000 + n),
        vote_id: nullifier(election, n),
        encryption_keys: vec![],
        package: RawValue::from_string(format!(r#"{{"nonce":"{n:04x}","votes":[{},0]}}"#, n % 2))
            .unwrap(),
        weight: (n + 1).to_string(),
        election_id: election.to_string(),
        voter_id: Some(format!("{:040x}", n)),
        block_height: height,
        transaction_index: (n % 3) as u32,
        overwrite_count: 0,
        memo: None,
        date: format!("2024-05-01T10:{:02}:00Z", height % 60),
    }
}

fn election(id: &str, status: &str, vote_count: u64, encrypted: bool) -> Election {
    Election {
        election_id: id.to_string(),
        organization_id: "0a".repeat(20),
        status: status.to_string(),
        start_date: "2024-05-01T10:00:00Z".into(),
        end_date: "2024-05-02T10:00:00Z".into(),
        vote_count,
        final_results: status == "RESULTS",
        chain_id: "vocdoni/TEST/1".into(),
        title: Some("Board <election> & more".into()),
        vote_mode: VoteMode {
            encrypted_votes: encrypted,
            ..VoteMode::default()
        },
        ..Election::default()
    }
}

fn world() -> World {
    let mut world = World::new(ChainInfo {
        chain_id: "vocdoni/TEST/1".into(),
        height: 500,
        election_count: 4,
        vote_count: 50,
        ..ChainInfo::default()
    });

    // 25 votes, heights 100..=112 so several share a height (nullifier order decides there).
    let mut results = SimElection::new(election(RESULTS_ID, "RESULTS", 25, false));
    results.votes = (0..25).map(|n| vote(RESULTS_ID, n, 100 + n / 2)).collect();
    results.scrutiny = Some(Scrutiny {
        abi_encoded: "0x00".into(),
        census_root: "cc".repeat(32),
        election_id: RESULTS_ID.into(),
        organization_id: "0a".repeat(20),
        results: vec![vec!["12".into(), "13".into()]],
        source_contract_address: None,
    });
    world.add_election(results).unwrap();

    let mut empty = SimElection::new(election(EMPTY_ID, "READY", 0, true));
    empty.keys = Some(ElectionKeys {
        public_keys: vec![ElectionKey {
            index: 1,
            key: "11".repeat(32),
        }],
        private_keys: vec![],
    });
    world.add_election(empty).unwrap();

    let mut ten = SimElection::new(election(TEN_ID, "ENDED", 10, false));
    ten.votes = (0..10).map(|n| vote(TEN_ID, n, 200 + n)).collect();
    world.add_election(ten).unwrap();

    // Live: 5 votes now; 5 new ones and an overwrite of vote 0 arrive, 3 per list request.
    let mut live = SimElection::new(election(LIVE_ID, "READY", 5, false));
    live.votes = (0..5).map(|n| vote(LIVE_ID, n, 300 + n)).collect();
    let mut pending: Vec<VoteDetail> = (5..10).map(|n| vote(LIVE_ID, n, 300 + n)).collect();
    let mut overwrite = vote(LIVE_ID, 0, 320);
    overwrite.overwrite_count = 1;
    pending.push(overwrite);
    live.live = Some(LiveVotes {
        pending,
        reveal_per_list_request: 3,
        ..LiveVotes::default()
    });
    world.add_election(live).unwrap();

    world
        .add_transaction(&TransactionResponse {
            tx: RawValue::from_string(r#"{"vote":{"nonce":"01","processId":"a1"}}"#.into())
                .unwrap(),
            tx_info: TxInfo {
                hash: TX_HASH.into(),
                height: 100,
                index: 0,
                tx_type: "vote".into(),
                subtype: String::new(),
                signer: "0b".repeat(20),
            },
            signature: "ab".repeat(65),
        })
        .unwrap();
    world.add_block(Block {
        header: BlockHeader {
            chain_id: "vocdoni/TEST/1".into(),
            height: 100,
            time: "2024-05-01T10:00:00Z".into(),
            proposer_address: "0c".repeat(20),
        },
        hash: "dd".repeat(32),
        tx_count: 2,
    });
    world
        .ipfs
        .insert(CID.into(), b"\x00raw census dump\xff".to_vec());
    world.saas_processes.insert(
        SAAS_ID.into(),
        SaasProcess {
            process: Process {
                id: SAAS_ID.into(),
                org_address: "0a".repeat(20),
                published: Some(Opaque::of(&true)),
                questions: vec![Question {
                    id: "q1".into(),
                    upstream_id: RESULTS_ID.into(),
                    status: "RESULTS".into(),
                    ..Question::default()
                }],
                chain_id: "vocdoni/TEST/1".into(),
                ..Process::default()
            },
            results: ProcessResults {
                id: SAAS_ID.into(),
                questions: vec![ResultsQuestion {
                    question_id: "q1".into(),
                    upstream_id: RESULTS_ID.into(),
                    vote_count: Some(25),
                    max_voters: Some(30),
                    final_results: Some(true),
                    results: Some(vec![vec!["12".into(), "13".into()]]),
                }],
            },
            ..SaasProcess::default()
        },
    );
    world.legacy_processes.insert(
        SAAS_ID.into(),
        LegacyProcess {
            id: SAAS_ID.into(),
            address: RESULTS_ID.into(),
            ..LegacyProcess::default()
        },
    );
    world.process_bundles.insert(
        BUNDLE_ID.into(),
        ProcessBundle {
            id: BUNDLE_ID.into(),
            processes: vec![RESULTS_ID.into(), TEN_ID.into()],
            ..ProcessBundle::default()
        },
    );
    world
}

/// The rows of `votes` of an election in the node's order: height desc, nullifier asc.
fn expected_order(votes: &[VoteDetail]) -> Vec<String> {
    let mut rows: Vec<(u64, String)> = votes
        .iter()
        .map(|v| (v.block_height, v.vote_id.clone()))
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    rows.into_iter().map(|(_, id)| id).collect()
}

async fn get(url: &str) -> (StatusCode, Vec<u8>) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status();
    (status, response.bytes().await.unwrap().to_vec())
}

async fn get_json(url: &str) -> (StatusCode, Value) {
    let (status, body) = get(url).await;
    (status, serde_json::from_slice(&body).unwrap())
}

async fn api_error(url: &str) -> (StatusCode, ApiError) {
    let (status, body) = get(url).await;
    assert_eq!(body.last(), Some(&b'\n'), "node bodies end with a newline");
    (status, serde_json::from_slice(&body).unwrap())
}

async fn list(node: &str, election: &str, query: &str) -> VoteList {
    let (status, body) = get(&format!("{node}/votes?electionId={election}{query}")).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

fn ids(list: &VoteList) -> Vec<String> {
    list.votes.iter().map(|v| v.vote_id.clone()).collect()
}

#[tokio::test]
async fn pagination_walks_pages_in_node_order() {
    let world = world();
    let server = serve_local(&world, FaultPlan::none()).await.unwrap();
    let node = server.node_url();
    let order = expected_order(&world.elections[RESULTS_ID].votes);

    let mut seen = Vec::new();
    for (page, size, prev, next) in [
        (0, 10, None, Some(1)),
        (1, 10, Some(0), Some(2)),
        (2, 5, Some(1), None),
    ] {
        let l = list(&node, RESULTS_ID, &format!("&page={page}")).await;
        let p = l.pagination.clone().unwrap();
        assert_eq!(l.votes.len(), size);
        assert_eq!((p.total_items, p.current_page, p.last_page), (25, page, 2));
        assert_eq!((p.previous_page, p.next_page), (prev, next));
        assert!(l
            .votes
            .iter()
            .all(|v| v.election_id.as_deref() == Some(RESULTS_ID)));
        seen.extend(ids(&l));
    }
    assert_eq!(seen, order);
    // Highest block first.
    assert_eq!(seen[0], nullifier(RESULTS_ID, 24));

    // Past the last page: 404 with code 4057.
    let (status, err) = api_error(&format!("{node}/votes?electionId={RESULTS_ID}&page=3")).await;
    assert_eq!((status, err.code), (StatusCode::NOT_FOUND, 4057));
    assert_eq!(err.error, "page not found");
    let (status, err) = api_error(&format!("{node}/votes?electionId={RESULTS_ID}&page=-1")).await;
    assert_eq!((status, err.code), (StatusCode::NOT_FOUND, 4057));
    let (status, err) = api_error(&format!("{node}/votes?electionId={RESULTS_ID}&page=x")).await;
    assert_eq!((status, err.code), (StatusCode::BAD_REQUEST, 4019));

    // Other page sizes cover the same rows in the same order.
    let mut by_seven = Vec::new();
    for page in 0..4 {
        let l = list(&node, RESULTS_ID, &format!("&page={page}&limit=7")).await;
        assert_eq!(l.pagination.as_ref().unwrap().last_page, 3);
        by_seven.extend(ids(&l));
    }
    assert_eq!(by_seven, order);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn limits_are_clamped_and_edges_are_exact() {
    let world = world();
    let server = serve_local(&world, FaultPlan::none()).await.unwrap();
    let node = server.node_url();

    for (limit, rows) in [("0", 10), ("-5", 10), ("", 10), ("1000", 25), ("3", 3)] {
        let l = list(&node, RESULTS_ID, &format!("&limit={limit}")).await;
        assert_eq!(l.votes.len(), rows, "limit={limit}");
    }
    let all = list(&node, RESULTS_ID, "&limit=1000").await;
    assert_eq!(all.pagination.unwrap().last_page, 0);

    // Exactly one full page, then exactly two.
    let ten = list(&node, TEN_ID, "").await;
    let p = ten.pagination.unwrap();
    assert_eq!((ten.votes.len(), p.last_page, p.next_page), (10, 0, None));
    let half = list(&node, TEN_ID, "&limit=5&page=1").await;
    let p = half.pagination.unwrap();
    assert_eq!(
        (half.votes.len(), p.last_page, p.previous_page, p.next_page),
        (5, 1, Some(0), None)
    );
    let (status, _) = api_error(&format!("{node}/votes?electionId={TEN_ID}&limit=5&page=2")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An empty election has one empty page 0, and nothing after it.
    let empty = list(&node, EMPTY_ID, "").await;
    let p = empty.pagination.unwrap();
    assert!(empty.votes.is_empty());
    assert_eq!(
        (p.total_items, p.last_page, p.previous_page, p.next_page),
        (0, 0, None, None)
    );
    let (status, err) = api_error(&format!("{node}/votes?electionId={EMPTY_ID}&page=1")).await;
    assert_eq!((status, err.code), (StatusCode::NOT_FOUND, 4057));

    // electionId must be a full, known 64-hex id; 0x and upper case are accepted.
    for bad in [&RESULTS_ID[..62], UNKNOWN_ID, "zz"] {
        let (status, err) = api_error(&format!("{node}/votes?electionId={bad}")).await;
        assert_eq!((status, err.code), (StatusCode::NOT_FOUND, 4045), "{bad}");
    }
    let upper = list(&node, &format!("0x{}", TEN_ID.to_uppercase()), "").await;
    assert_eq!(upper.votes.len(), 10);

    // Without electionId: every election's votes.
    let chain = list(&node, "", "&limit=100").await;
    assert_eq!(chain.pagination.unwrap().total_items, 25 + 10 + 5);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn legacy_page_route_has_ten_rows_and_no_404() {
    let world = world();
    let server = serve_local(&world, FaultPlan::none()).await.unwrap();
    let node = server.node_url();
    let order = expected_order(&world.elections[RESULTS_ID].votes);

    let mut seen = Vec::new();
    for (page, rows) in [(0, 10), (1, 10), (2, 5), (3, 0), (99, 0), (-1, 0)] {
        let (status, body) =
            get_json(&format!("{node}/elections/{RESULTS_ID}/votes/page/{page}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.get("pagination").is_none());
        let votes = body["votes"].as_array().unwrap();
        assert_eq!(votes.len(), rows, "page {page}");
        for v in votes {
            assert!(v.get("electionID").is_none());
            if page >= 0 {
                seen.push(v["voteID"].as_str().unwrap().to_string());
            }
        }
    }
    assert_eq!(seen, order);
    let (status, body) = get(&format!("{node}/elections/{RESULTS_ID}/votes/page/5")).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, &b"{\"votes\":[]}\n"[..])
    );
    let (status, err) = api_error(&format!("{node}/elections/{UNKNOWN_ID}/votes/page/0")).await;
    assert_eq!((status, err.code), (StatusCode::NOT_FOUND, 4045));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn errors_have_the_node_statuses_codes_and_bodies() {
    let world = world();
    let server = serve_local(&world, FaultPlan::none()).await.unwrap();
    let node = server.node_url();

    // Unknown route: chi's plain-text 404.
    let (status, body) = get(&format!("{node}/no/such/route")).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::NOT_FOUND, &b"404 page not found\n"[..])
    );
    let (status, _) = get(&format!("{}/elsewhere", server.base_url())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let cases = [
        (format!("elections/{UNKNOWN_ID}"), 404, 4045),
        ("elections/zz".to_string(), 400, 4017),
        (format!("elections/{UNKNOWN_ID}/keys"), 404, 4045),
        (format!("elections/{RESULTS_ID}/keys"), 404, 4047),
        (format!("elections/{TEN_ID}/scrutiny"), 500, 5024),
        (format!("elections/{EMPTY_ID}/scrutiny"), 500, 5024),
        (format!("elections/{UNKNOWN_ID}/votes/count"), 404, 4045),
        (format!("votes/{}", "00".repeat(32)), 404, 4024),
        ("votes/xyz".to_string(), 400, 4021),
        (
            format!("votes/verify/{RESULTS_ID}/{}", "00".repeat(32)),
            404,
            4024,
        ),
        (format!("votes/verify/{RESULTS_ID}/abcd"), 400, 4023),
        ("chain/transactions/0xq1".to_string(), 400, 4056),
        ("chain/blocks/7".to_string(), 404, 4008),
    ];
    for (path, status, code) in cases {
        let (got_status, err) = api_error(&format!("{node}/{path}")).await;
        assert_eq!(
            (got_status.as_u16(), err.code),
            (status, code),
            "{path}: {}",
            err.error
        );
        assert!(!err.error.is_empty());
    }
    let (_, err) = api_error(&format!("{node}/elections/{TEN_ID}/scrutiny")).await;
    assert_eq!(err.error, "election results are not yet available");

    // Unknown transaction: HTTP 204 and no body at all (the 4007 body is discarded).
    let response = reqwest::get(format!("{node}/chain/transactions/{UNKNOWN_ID}"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.bytes().await.unwrap().is_empty());

    // A height that is not a number is a plain Go error: 500 with its text.
    let (status, body) = get(&format!("{node}/chain/blocks/x")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, b"strconv.ParseUint: parsing \"x\": invalid syntax\n");

    // SaaS errors.
    let saas = server.saas_url();
    let (status, err) = api_error(&format!("{saas}/processes/{}", "0".repeat(24))).await;
    assert_eq!((status, err.code), (StatusCode::NOT_FOUND, 40038));
    let (status, err) = api_error(&format!("{saas}/processes/{RESULTS_ID}")).await;
    assert_eq!((status, err.code), (StatusCode::BAD_REQUEST, 40010));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn routes_serve_the_world() {
    let world = world();
    let server = serve_local(&world, FaultPlan::none()).await.unwrap();
    let node = server.node_url();

    let (_, info) = get_json(&format!("{node}/chain/info")).await;
    assert_eq!(
        serde_json::from_value::<ChainInfo>(info).unwrap(),
        world.chain_info
    );

    let (status, body) = get(&format!("{node}/elections/{RESULTS_ID}")).await;
    assert_eq!(status, StatusCode::OK);
    // Go's encoding/json escapes HTML characters.
    let text = String::from_utf8(body.clone()).unwrap();
    assert!(
        text.contains(r"Board \u003celection\u003e \u0026 more"),
        "{text}"
    );
    let served: Election = serde_json::from_slice(&body).unwrap();
    assert_eq!(served, world.elections[RESULTS_ID].election);

    let (_, scrutiny) = get_json(&format!("{node}/elections/{RESULTS_ID}/scrutiny")).await;
    assert_eq!(
        serde_json::from_value::<Scrutiny>(scrutiny).unwrap(),
        world.elections[RESULTS_ID].scrutiny.clone().unwrap()
    );
    let (status, keys) = get_json(&format!("{node}/elections/{EMPTY_ID}/keys")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        keys,
        json!({"publicKeys": [{"index": 1, "key": "11".repeat(32)}]})
    );
    let (_, count) = get_json(&format!("{node}/elections/{RESULTS_ID}/votes/count")).await;
    assert_eq!(count, json!({"count": 25}));
    let (_, count) = get_json(&format!("{node}/elections/{EMPTY_ID}/votes/count")).await;
    assert_eq!(count, json!({"count": 0}));

    let wanted = &world.elections[RESULTS_ID].votes[7];
    let (status, body) = get(&format!("{node}/votes/0x{}", wanted.vote_id.to_uppercase())).await;
    assert_eq!(status, StatusCode::OK);
    let detail: VoteDetail = serde_json::from_slice(&body).unwrap();
    assert_eq!(detail.package.get(), wanted.package.get());
    assert_eq!(
        (detail.weight.as_str(), detail.block_height),
        ("8", wanted.block_height)
    );
    assert_eq!(detail.election_id, RESULTS_ID);

    let (status, body) = get(&format!(
        "{node}/votes/verify/{RESULTS_ID}/{}",
        wanted.vote_id
    ))
    .await;
    assert_eq!((status, body.as_slice()), (StatusCode::OK, &b"\n"[..]));
    let (status, _) = get(&format!("{node}/votes/verify/{TEN_ID}/{}", wanted.vote_id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, body) = get(&format!(
        "{node}/chain/transactions/{}",
        TX_HASH.to_uppercase()
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut stored = world.transactions[TX_HASH].clone().into_bytes();
    stored.push(b'\n');
    assert_eq!(body, stored);
    let (_, block) = get_json(&format!("{node}/chain/blocks/100")).await;
    assert_eq!(
        serde_json::from_value::<Block>(block).unwrap(),
        world.blocks[&100]
    );

    let (status, body) = get(&format!("{}/ipfs/{CID}", server.base_url())).await;
    assert_eq!((status, body), (StatusCode::OK, world.ipfs[CID].clone()));
    let (status, _) = get(&format!("{}/ipfs/bafyunknown", server.base_url())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let saas = server.saas_url();
    let (status, body) = get(&format!("{saas}/processes/{SAAS_ID}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.ends_with(b"}\n\n"), "SaaS framing is Encode + newline");
    let process: Process = serde_json::from_slice(&body).unwrap();
    assert_eq!(process, world.saas_processes[SAAS_ID].process);
    let (_, results) = get_json(&format!("{saas}/processes/{SAAS_ID}/results")).await;
    assert_eq!(
        serde_json::from_value::<ProcessResults>(results).unwrap(),
        world.saas_processes[SAAS_ID].results
    );
    let (_, legacy) = get_json(&format!("{saas}/process/{SAAS_ID}")).await;
    assert_eq!(legacy["address"], RESULTS_ID);
    assert!(legacy.get("orgAdress").is_some());
    let (_, bundle) = get_json(&format!("{saas}/process/bundle/{BUNDLE_ID}")).await;
    assert_eq!(
        serde_json::from_value::<ProcessBundle>(bundle).unwrap(),
        world.process_bundles[BUNDLE_ID]
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn same_world_same_bytes_on_every_route() {
    let world = world();
    let a = serve_local(&world, FaultPlan::none()).await.unwrap();
    let b = serve_local(&world, FaultPlan::none()).await.unwrap();
    let vote_id = &world.elections[RESULTS_ID].votes[3].vote_id;
    let paths = [
        "/v2/chain/info".to_string(),
        format!("/v2/elections/{RESULTS_ID}"),
        format!("/v2/elections/{EMPTY_ID}/keys"),
        format!("/v2/elections/{RESULTS_ID}/scrutiny"),
        format!("/v2/elections/{TEN_ID}/scrutiny"),
        format!("/v2/elections/{RESULTS_ID}/votes/count"),
        format!("/v2/votes?electionId={RESULTS_ID}&page=1&limit=7"),
        format!("/v2/votes?electionId={LIVE_ID}"),
        format!("/v2/votes?electionId={LIVE_ID}&page=1&limit=4"),
        format!("/v2/elections/{LIVE_ID}"),
        format!("/v2/elections/{RESULTS_ID}/votes/page/1"),
        "/v2/votes?limit=100".to_string(),
        format!("/v2/votes/{vote_id}"),
        format!("/v2/votes/verify/{RESULTS_ID}/{vote_id}"),
        format!("/v2/chain/transactions/{TX_HASH}"),
        "/v2/chain/blocks/100".to_string(),
        format!("/ipfs/{CID}"),
        format!("/saas/processes/{SAAS_ID}"),
        format!("/saas/processes/{SAAS_ID}/results"),
        format!("/saas/process/{SAAS_ID}"),
        format!("/saas/process/bundle/{BUNDLE_ID}"),
        "/v2/unknown".to_string(),
    ];
    for path in &paths {
        let from_a = get(&format!("{}{path}", a.base_url())).await;
        let from_b = get(&format!("{}{path}", b.base_url())).await;
        assert_eq!(from_a, from_b, "{path}");
        assert!(
            !from_a.1.is_empty() || from_a.0 == StatusCode::NO_CONTENT,
            "{path}"
        );
    }
    a.shutdown().await.unwrap();
    b.shutdown().await.unwrap();
}

#[tokio::test]
async fn live_election_pages_shift_while_read() {
    let world = world();
    let server = serve_local(&world, FaultPlan::none()).await.unwrap();
    let node = server.node_url();
    let vote_count = |e: Value| e["voteCount"].as_u64().unwrap();

    let (_, e) = get_json(&format!("{node}/elections/{LIVE_ID}")).await;
    assert_eq!(vote_count(e), 5, "nothing revealed before a list request");

    // Request 1 reveals votes 5, 6, 7 (heights 305..307): page 0 of 4 starts with them.
    let page0 = list(&node, LIVE_ID, "&limit=4").await;
    assert_eq!(page0.pagination.as_ref().unwrap().total_items, 8);
    assert_eq!(
        ids(&page0)[..3],
        [
            nullifier(LIVE_ID, 7),
            nullifier(LIVE_ID, 6),
            nullifier(LIVE_ID, 5)
        ]
    );
    let (_, e) = get_json(&format!("{node}/elections/{LIVE_ID}")).await;
    assert_eq!(vote_count(e), 8);

    // Request 2 reveals 8, 9 and the overwrite of vote 0 (height 320): page 1 now repeats rows
    // a client already read on page 0, and the total grows by 2, not 3.
    let page1 = list(&node, LIVE_ID, "&limit=4&page=1").await;
    assert_eq!(page1.pagination.as_ref().unwrap().total_items, 10);
    let repeated: Vec<_> = ids(&page1)
        .into_iter()
        .filter(|id| ids(&page0).contains(id))
        .collect();
    assert!(
        !repeated.is_empty(),
        "page 1 should repeat rows of the earlier page 0"
    );

    let all = list(&node, LIVE_ID, "&limit=100").await;
    assert_eq!(
        all.votes[0].vote_id,
        nullifier(LIVE_ID, 0),
        "the overwrite moved to the top"
    );
    assert_eq!(all.votes[0].block_height, 320);
    assert_eq!(all.votes.len(), 10);
    let (_, count) = get_json(&format!("{node}/elections/{LIVE_ID}/votes/count")).await;
    assert_eq!(count, json!({"count": 10}));
    let (_, detail) = get_json(&format!("{node}/votes/{}", nullifier(LIVE_ID, 0))).await;
    assert_eq!(detail["overwriteCount"], 1);

    // Nothing left to arrive: the list is stable now.
    let again = list(&node, LIVE_ID, "&limit=100").await;
    assert_eq!(ids(&again), ids(&all));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn many_vote_requests_are_served() {
    // 10,000 votes: every page of 100, then every vote detail once.
    let mut world = World::default();
    let mut big = SimElection::new(election(UNKNOWN_ID, "RESULTS", 10_000, false));
    big.votes = (0..10_000)
        .map(|n| vote(UNKNOWN_ID, n, 1000 + n / 7))
        .collect();
    world.add_election(big).unwrap();
    let server = serve_local(&world, FaultPlan::none()).await.unwrap();
    let node = server.node_url();
    let client = reqwest::Client::new();
    let started = std::time::Instant::now();
    let mut listed = Vec::new();
    for page in 0..100 {
        let url = format!("{node}/votes?electionId={UNKNOWN_ID}&limit=100&page={page}");
        let body = client.get(url).send().await.unwrap().bytes().await.unwrap();
        let l: VoteList = serde_json::from_slice(&body).unwrap();
        listed.extend(ids(&l));
    }
    assert_eq!(listed, expected_order(&world.elections[UNKNOWN_ID].votes));
    let fetched: Vec<StatusCode> = futures::stream::iter(listed.iter().map(|id| {
        let client = client.clone();
        let url = format!("{node}/votes/{id}");
        async move { client.get(url).send().await.unwrap().status() }
    }))
    .buffer_unordered(16)
    .collect()
    .await;
    assert_eq!(fetched.len(), 10_000);
    assert!(fetched.iter().all(|s| *s == StatusCode::OK));
    eprintln!("10,100 requests in {:?}", started.elapsed());
    server.shutdown().await.unwrap();
}
