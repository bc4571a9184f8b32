//! Fetch throughput against the loopback node: a synthetic ended election of N votes (bytes
//! shaped like `vocdoni/vocdoni-node` answers, not cryptographically valid — fetch never checks
//! them), served with added latency, fetched at a given concurrency, and compared with the ideal
//! `requests × latency / concurrency`.

use std::time::{Duration, Instant};

use serde_json::value::RawValue;

use crate::api::node::{
    ChainInfo, Election, ElectionCensus, TransactionResponse, TxInfo, VoteDetail,
};
use crate::protocol::hash::sha256;
use crate::sim::{self, FaultPlan, SimElection, World};

use crate::fetch::progress::{Progress, ProgressMode};
use crate::fetch::{self, FetchConfig, FetchError, Target};

/// Chain id of the synthetic worlds.
pub const CHAIN_ID: &str = "vocdoni/SIM/1";
/// Block height of the first synthetic vote.
const FIRST_HEIGHT: u64 = 1_000;

fn hex_of(tag: &str, i: u64) -> String {
    hex::encode(sha256(&[tag.as_bytes(), &i.to_be_bytes()]))
}

/// The id of election `n` in a synthetic world.
pub fn election_id(n: u64) -> String {
    hex_of("election", n)
}

/// Vote `i` of election `election`: nullifier, tx hash, a plain two-option ballot, weight 1,
/// ten votes per block (so list pages and heights interleave like a real chain).
pub fn vote(
    election: &str,
    i: u64,
) -> Result<(VoteDetail, TransactionResponse), serde_json::Error> {
    let nullifier = hex_of(&format!("nullifier/{election}"), i);
    let tx_hash = hex_of(&format!("tx/{election}"), i);
    let height = FIRST_HEIGHT + i / 10;
    let index = (i % 10) as u32;
    let package = format!(
        r#"{{"nonce":"{:08x}","votes":[{},{}]}}"#,
        i,
        i % 2,
        1 - i % 2
    );
    let detail = VoteDetail {
        tx_hash: tx_hash.clone(),
        vote_id: nullifier.clone(),
        encryption_keys: Vec::new(),
        package: RawValue::from_string(package.clone())?,
        weight: "1".into(),
        election_id: election.to_string(),
        voter_id: Some(hex_of("voter", i)[..40].to_string()),
        block_height: height,
        transaction_index: index,
        overwrite_count: 0,
        memo: None,
        date: format!("2025-03-01T10:{:02}:{:02}Z", (i / 60) % 60, i % 60),
    };
    let tx = format!(
        r#"{{"vote":{{"nonce":"{:08x}","processId":"{election}","votePackage":"{}","nullifier":"","encryptionKeyIndexes":[]}}}}"#,
        i,
        hex::encode(package)
    );
    let response = TransactionResponse {
        tx: RawValue::from_string(tx)?,
        tx_info: TxInfo {
            hash: tx_hash,
            height,
            index,
            tx_type: "vote".into(),
            subtype: String::new(),
            signer: hex_of("voter", i)[..40].to_string(),
        },
        signature: hex_of("sig", i),
    };
    Ok((detail, response))
}

/// An ended (RESULTS) unencrypted election with `votes` votes, consistent counts, and its
/// transactions in the world.
pub fn synthetic_election(
    world: &mut World,
    n: u64,
    votes: u64,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let id = election_id(n);
    let mut election = SimElection::new(Election {
        election_id: id.clone(),
        organization_id: hex_of("org", n)[..40].to_string(),
        status: "RESULTS".into(),
        start_date: "2025-03-01T10:00:00Z".into(),
        end_date: "2025-03-02T10:00:00Z".into(),
        vote_count: votes,
        final_results: true,
        chain_id: CHAIN_ID.into(),
        census: ElectionCensus {
            census_origin: "OFF_CHAIN_TREE_WEIGHTED".into(),
            census_root: hex_of("root", n),
            census_url: String::new(),
            ..ElectionCensus::default()
        },
        ..Election::default()
    });
    election.scrutiny = Some(crate::api::node::Scrutiny {
        election_id: id.clone(),
        results: vec![vec![
            (votes / 2).to_string(),
            (votes - votes / 2).to_string(),
        ]],
        ..Default::default()
    });
    for i in 0..votes {
        let (detail, tx) = vote(&id, i)?;
        world.add_transaction(&tx)?;
        election.votes.push(detail);
    }
    world.add_election(election)?;
    Ok(id)
}

/// A world holding one [`synthetic_election`] (number 0).
pub fn synthetic_world(
    votes: u64,
) -> Result<(World, String), Box<dyn std::error::Error + Send + Sync>> {
    let mut world = World::new(ChainInfo {
        chain_id: CHAIN_ID.into(),
        height: FIRST_HEIGHT + votes / 10 + 100,
        block_timestamp: 1_740_830_400,
        ..ChainInfo::default()
    });
    let id = synthetic_election(&mut world, 0, votes)?;
    Ok((world, id))
}

/// What one benchmark run measured.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub votes: u64,
    pub requests: u64,
    pub concurrency: usize,
    pub latency: Duration,
    pub wall: Duration,
    /// `requests × latency / concurrency`.
    pub ideal: Duration,
}

impl BenchReport {
    /// Wall time over the ideal (1.0 = perfect pipelining).
    pub fn ratio(&self) -> f64 {
        self.wall.as_secs_f64() / self.ideal.as_secs_f64().max(f64::EPSILON)
    }
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} votes, {} requests, {:?} latency, concurrency {}: {:.2}s wall, {:.2}s ideal, {:.3}x",
            self.votes,
            self.requests,
            self.latency,
            self.concurrency,
            self.wall.as_secs_f64(),
            self.ideal.as_secs_f64(),
            self.ratio()
        )
    }
}

/// Fetches a `votes`-vote election from a loopback node that adds `latency_ms` to every
/// request, at `concurrency`, into a temporary directory under `scratch`.
pub async fn bench_loopback(
    votes: u64,
    latency_ms: u64,
    concurrency: usize,
    scratch: &std::path::Path,
) -> Result<BenchReport, Box<dyn std::error::Error + Send + Sync>> {
    let (world, id) = synthetic_world(votes)?;
    let latency = Duration::from_millis(latency_ms);
    let faults = FaultPlan::parse(&[format!("latency={latency_ms}ms")])?;
    let server = sim::serve_local(&world, faults).await?;
    let out = scratch.join(format!("bench-{votes}-{latency_ms}-{concurrency}"));
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    let mut cfg = FetchConfig::new(
        reqwest::Url::parse(&server.node_url())?,
        Target::Election(id),
        &out,
    );
    cfg.concurrency = concurrency;
    cfg.ipfs_gateways = vec![reqwest::Url::parse(&server.base_url())?];
    cfg.progress = Some(Progress::new(ProgressMode::Quiet));
    let start = Instant::now();
    let summary = fetch::run(cfg).await.map_err(|e: FetchError| Box::new(e))?;
    let wall = start.elapsed();
    server.shutdown().await?;
    Ok(BenchReport {
        votes,
        requests: summary.requests,
        concurrency,
        latency,
        wall,
        ideal: latency.mul_f64(summary.requests as f64 / concurrency.max(1) as f64),
    })
}
