//! `vocaudit bench verify`: end-to-end throughput of `load + verify` on a generated election,
//! set against a bound measured in the same run: the cost of the protocol's own operations per
//! vote (tx re-encode + sha256, EIP-191 recovery, keccak nullifier, the census proof, sealed-box
//! opens, ballot decode + validation) times the votes, over the threads used. Whatever the
//! verifier spends beyond that (JSON, the bundle, the checks' bookkeeping) lowers the ratio.
//!
//! The bundle is built once per (scenario, votes, seed) by fetching the election from the
//! loopback node (exactly what `vocaudit fetch` writes) and kept in a cache directory.

use std::fmt;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use num_bigint::BigUint;
use thiserror::Error;

use super::seconds_per_item;
use crate::bundle::evidence::VoteEvidence;
use crate::bundle::load::{self, LoadError};
use crate::bundle::Manifest;
use crate::fetch::{self, FetchConfig, FetchError, Target};
use crate::protocol::arbo::dump::weighted_census_key;
use crate::protocol::arbo::proof::check_proof;
use crate::protocol::arbo::HashKind;
use crate::protocol::ballot::check_package;
use crate::protocol::csp::{verify_ca_proof, CaProof};
use crate::protocol::hash::{Address, Hash32};
use crate::protocol::proto::{CensusOrigin, ProofPayload, ProtoEnum, Tx, TxPayload, VoteEnvelope};
use crate::protocol::sealed_box::open_layers;
use crate::protocol::tx::{decode_tx_json, reproduce_tx_bytes, Reproduction};
use crate::protocol::zk::registry::SignalLayout;
use crate::protocol::zk::{parse_public_signals, CircuitRegistry, Proof as ZkProof};
use crate::protocol::{hex_bytes, identity};
use crate::sim::{self, FaultPlan};
use crate::verify::context::{CensusKind, ElectionContext};
use crate::verify::result::Verdict;
use crate::verify::{self, VerifyOptions};

/// Votes per election whose primitives are timed for the bound.
const SAMPLE: usize = 2_000;

/// Why the benchmark could not run.
#[derive(Debug, Error)]
pub enum VerifyBenchError {
    #[error("simulator: {0}")]
    Sim(String),
    #[error("fetch: {0}")]
    Fetch(#[from] FetchError),
    #[error("bundle: {0}")]
    Load(#[from] LoadError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("thread pool: {0}")]
    Pool(String),
    #[error("the bundle's votes could not be read: {0}")]
    Votes(String),
}

/// A bundle ready to be verified, and what building it cost (`None`: taken from the cache).
#[derive(Debug, Clone)]
pub struct PreparedBundle {
    pub dir: PathBuf,
    pub built: Option<BuildCost>,
}

/// Time spent generating the world and fetching it into a bundle.
#[derive(Debug, Clone, Copy)]
pub struct BuildCost {
    pub generate: Duration,
    pub fetch: Duration,
    pub requests: u64,
}

/// The bundle directory for one (scenario, votes, seed) under `cache`.
pub fn bundle_dir(cache: &Path, scenario: &str, votes: usize, seed: u64) -> PathBuf {
    cache.join(format!("{scenario}-{votes}-{seed}"))
}

/// Whether `dir` holds a bundle whose fetch finished (its manifest has `fetchEnd`).
fn finished_bundle(dir: &Path) -> bool {
    std::fs::read(dir.join("manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        .is_some_and(|m| m.fetch_end.is_some())
}

/// Returns the cached bundle of the scenario, or generates the world, serves it on the loopback
/// node and fetches it (the SaaS process when the scenario has one, else its first election).
pub async fn prepare_bundle(
    scenario: &str,
    votes: usize,
    seed: u64,
    cache: &Path,
    quiet: bool,
) -> Result<PreparedBundle, VerifyBenchError> {
    let dir = bundle_dir(cache, scenario, votes, seed);
    if finished_bundle(&dir) {
        return Ok(PreparedBundle { dir, built: None });
    }
    let start = Instant::now();
    let world =
        sim::scenario(scenario, votes, seed).map_err(|e| VerifyBenchError::Sim(e.to_string()))?;
    let generate = start.elapsed();
    let server = sim::serve_local(&world, FaultPlan::none())
        .await
        .map_err(|e| VerifyBenchError::Sim(e.to_string()))?;
    let url =
        |s: String| reqwest::Url::parse(&s).map_err(|e| VerifyBenchError::Sim(format!("{s}: {e}")));
    let target = match world.saas_processes.keys().next() {
        Some(process_id) => Target::Saas {
            base: url(server.saas_url())?,
            process_id: process_id.clone(),
            bundle_id: None,
        },
        None => Target::Election(
            world
                .elections
                .keys()
                .next()
                .cloned()
                .ok_or_else(|| VerifyBenchError::Sim(format!("{scenario} has no election")))?,
        ),
    };
    drop(world);
    let mut config = FetchConfig::new(url(server.node_url())?, target, &dir);
    config.ipfs_gateways = vec![url(server.base_url())?];
    config.quiet = quiet;
    config.concurrency = 32;
    let start = Instant::now();
    let summary = fetch::run(config).await?;
    let fetch = start.elapsed();
    server
        .shutdown()
        .await
        .map_err(|e| VerifyBenchError::Sim(e.to_string()))?;
    Ok(PreparedBundle {
        dir,
        built: Some(BuildCost {
            generate,
            fetch,
            requests: summary.requests,
        }),
    })
}

/// One timed `load + verify` of a bundle.
#[derive(Debug, Clone)]
pub struct VerifyRun {
    pub threads: usize,
    /// Listed votes verified, over every election of the bundle.
    pub votes: u64,
    pub elapsed: Duration,
    pub verdict: Verdict,
    /// Peak resident set during the run (VmHWM, reset before it when the kernel allows).
    pub peak_rss_kib: Option<u64>,
    /// Resident set when the run started.
    pub start_rss_kib: Option<u64>,
}

impl VerifyRun {
    pub fn votes_per_sec(&self) -> f64 {
        self.votes as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Vocdoni's circuit keys plus the simulator's test key of `seed`, as `--zk-key` adds it: the
/// bench verifies simulated worlds, whose anonymous votes are proved with that key.
pub fn sim_circuits(seed: u64) -> Result<Arc<CircuitRegistry>, VerifyBenchError> {
    let circuit =
        sim::generate::test_circuit(seed).map_err(|e| VerifyBenchError::Sim(e.to_string()))?;
    let mut registry =
        CircuitRegistry::vocdoni().map_err(|e| VerifyBenchError::Sim(e.to_string()))?;
    registry
        .add_trusted_key(
            "simulator test key",
            circuit.verification_key_json(),
            SignalLayout::V1_0_0,
        )
        .map_err(|e| VerifyBenchError::Sim(e.to_string()))?;
    Ok(Arc::new(registry))
}

/// Loads and verifies the bundle at `dir` on a rayon pool of `threads` threads, with the circuit
/// keys `circuits` (Vocdoni's alone when `None`).
pub fn time_verify(
    dir: &Path,
    threads: usize,
    circuits: Option<Arc<CircuitRegistry>>,
) -> Result<VerifyRun, VerifyBenchError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| VerifyBenchError::Pool(e.to_string()))?;
    reset_peak_rss();
    let start_rss_kib = status_kib("VmRSS");
    let start = Instant::now();
    let result = pool.install(|| -> Result<_, VerifyBenchError> {
        let input = load::load(dir)?;
        Ok(verify::verify(
            input,
            &VerifyOptions {
                generated_at: Some("1970-01-01T00:00:00Z".into()),
                circuits,
            },
        ))
    })?;
    let elapsed = start.elapsed();
    Ok(VerifyRun {
        threads,
        votes: result.elections.iter().map(|e| e.votes.listed).sum(),
        elapsed,
        verdict: result.verdict,
        peak_rss_kib: status_kib("VmHWM"),
        start_rss_kib,
    })
}

/// Asks the kernel to restart the VmHWM high-water mark from the current RSS
/// (`/proc/self/clear_refs`, value 5); harmless where unsupported.
pub(crate) fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A `kB` line of `/proc/self/status` (Linux only).
pub fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        l.strip_prefix(field)?
            .strip_prefix(':')?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()
    })
}

/// The measured single-thread cost of each protocol operation, per listed vote.
#[derive(Debug, Clone, Default)]
pub struct PrimitiveCosts {
    /// Operation name → seconds per listed vote (averaged over the sampled votes, which
    /// counts an operation only for the votes that need it).
    pub per_vote: Vec<(&'static str, f64)>,
    /// Votes sampled.
    pub sampled: usize,
    /// The totals of the measurements averaged here (before and after the runs), if any.
    pub spread: Option<(f64, f64)>,
}

impl PrimitiveCosts {
    /// Seconds of protocol work per vote on one thread.
    pub fn total(&self) -> f64 {
        self.per_vote.iter().map(|(_, s)| s).sum()
    }

    /// The per-operation mean of two measurements of the same bundle.
    pub fn mean(a: &PrimitiveCosts, b: &PrimitiveCosts) -> PrimitiveCosts {
        let mut out = PrimitiveCosts {
            per_vote: Vec::new(),
            sampled: a.sampled,
            spread: Some((a.total(), b.total())),
        };
        for (name, secs) in a.per_vote.iter().chain(&b.per_vote) {
            out.add(name, *secs, 0.5);
        }
        out
    }

    fn add(&mut self, name: &'static str, secs: f64, weight: f64) {
        match self.per_vote.iter_mut().find(|(n, _)| *n == name) {
            Some((_, s)) => *s += secs * weight,
            None => self.per_vote.push((name, secs * weight)),
        }
    }
}

/// Times the protocol operations on the first votes of every election of the bundle, weighting
/// each election by its share of the listed votes.
pub fn primitive_costs(dir: &Path) -> Result<PrimitiveCosts, VerifyBenchError> {
    let input = load::load(dir)?;
    let listed: Vec<u64> = input
        .elections
        .iter()
        .map(|e| e.list_total.unwrap_or(0))
        .collect();
    let all: u64 = listed.iter().sum::<u64>().max(1);
    let mut costs = PrimitiveCosts::default();
    for (ev, n) in input.elections.into_iter().zip(listed) {
        let (ctx, mut votes) = ElectionContext::new(ev, input.saas.as_ref());
        let mut sample = Vec::new();
        while sample.len() < SAMPLE {
            match votes.next_batch() {
                None => break,
                Some(Err(e)) => return Err(VerifyBenchError::Votes(e.to_string())),
                Some(Ok(batch)) => sample.extend(
                    batch
                        .into_iter()
                        .filter_map(SampleVote::decode)
                        .take(SAMPLE - sample.len()),
                ),
            }
        }
        costs.sampled += sample.len();
        time_election(&ctx, &sample, n as f64 / all as f64, &mut costs);
    }
    Ok(costs)
}

/// A sampled vote with its inputs decoded (untimed).
struct SampleVote {
    tx: Tx,
    envelope: VoteEnvelope,
    signature: Vec<u8>,
    published: Hash32,
    weight: BigUint,
}

impl SampleVote {
    fn decode(ev: VoteEvidence) -> Option<SampleVote> {
        let detail = ev.detail?;
        let response = ev.tx?;
        let value: serde_json::Value = serde_json::from_str(response.tx.get()).ok()?;
        let tx = decode_tx_json(&value).ok()?.tx;
        let envelope = match &tx.payload {
            Some(TxPayload::Vote(env)) => env.clone(),
            _ => return None,
        };
        Some(SampleVote {
            envelope,
            signature: hex_bytes::decode("signature", &response.signature).ok()?,
            published: hex_bytes::decode_array::<32>("txHash", &detail.tx_hash).ok()?,
            weight: detail.weight.parse().ok()?,
            tx,
        })
    }
}

/// Times each operation the node's acceptance and tally apply to the sampled votes of one
/// election, adding `share` × its per-vote cost to `costs`.
fn time_election(
    ctx: &ElectionContext,
    sample: &[SampleVote],
    share: f64,
    costs: &mut PrimitiveCosts,
) {
    let Ok(id) = ctx.id else { return };
    let n = sample.len();
    if n == 0 {
        return;
    }
    let bytes: Vec<Vec<u8>> = sample
        .iter()
        .map(
            |v| match reproduce_tx_bytes(&v.tx, &v.signature, &v.published) {
                Reproduction::Reproduced(r) => r.tx_bytes,
                Reproduction::CannotReproduce { .. } => Vec::new(),
            },
        )
        .collect();
    costs.add(
        "tx re-encode + sha256",
        seconds_per_item(n, |i| {
            let v = &sample[i];
            black_box(reproduce_tx_bytes(&v.tx, &v.signature, &v.published));
        }),
        share,
    );
    let chain_id = ctx.election.chain_id.as_str();
    let recover = |i: usize| -> Option<Address> {
        let message = identity::vote_tx_message(&id, &bytes[i], chain_id);
        identity::recover_eip191(message.as_bytes(), &sample[i].signature)
            .ok()
            .map(|p| identity::address_of(&p))
    };
    let signers: Vec<Address> = (0..n).map(|i| recover(i).unwrap_or([0; 20])).collect();
    if !ctx.election.vote_mode.anonymous {
        costs.add(
            "EIP-191 signer recovery",
            seconds_per_item(n, |i| {
                black_box(recover(i));
            }),
            share,
        );
    }
    costs.add(
        "keccak nullifier",
        seconds_per_item(n, |i| {
            black_box(identity::nullifier(&signers[i], &id));
        }),
        share,
    );
    let proof = |i: usize| {
        sample[i]
            .envelope
            .proof
            .as_ref()
            .and_then(|p| p.payload.as_ref())
    };
    match ctx.census_kind() {
        CensusKind::Csp => {
            let root = hex_bytes::decode("censusRoot", &ctx.election.census.census_root)
                .unwrap_or_default();
            let origin =
                CensusOrigin::value_of(&ctx.election.census.census_origin).unwrap_or(0) as u8;
            costs.add(
                "CSP proof (recovery + point add)",
                seconds_per_item(n, |i| {
                    if let (Some(ProofPayload::Ca(p)), Ok(pid)) = (
                        proof(i),
                        <[u8; 32]>::try_from(sample[i].envelope.process_id.as_slice()),
                    ) {
                        if let Some(b) = &p.bundle {
                            let ca = CaProof {
                                proof_type: p.r#type,
                                bundle_bytes: &b.signed_bytes(),
                                bundle_vote_weight: b.vote_weight.as_deref(),
                                signature: &p.signature,
                            };
                            black_box(verify_ca_proof(&ca, &root, &pid, origin));
                        }
                    }
                }),
                share,
            );
        }
        CensusKind::Arbo => {
            if let Ok(root) = &ctx.census_root {
                costs.add(
                    "arbo proof check",
                    seconds_per_item(n, |i| {
                        if let Some(ProofPayload::Arbo(p)) = proof(i) {
                            let key = weighted_census_key(&signers[i]);
                            black_box(
                                check_proof(
                                    HashKind::Blake2b,
                                    &key,
                                    &p.available_weight,
                                    root,
                                    &p.siblings,
                                )
                                .ok(),
                            );
                        }
                    }),
                    share,
                );
            }
        }
        CensusKind::Zk => {
            // One verification per proof, under the key in force (the same pairing cost as the
            // test key's: both have 8 public inputs); the audit batches them (see `bench zk`).
            let parsed: Vec<_> = (0..n)
                .filter_map(|i| match proof(i) {
                    Some(ProofPayload::ZkSnark(z)) => Some((
                        ZkProof::from_protobuf(&z.a, &z.b, &z.c).ok()?,
                        parse_public_signals(&z.public_inputs, 8).ok()?,
                    )),
                    _ => None,
                })
                .collect();
            if let (Ok(circuits), false) = (&ctx.circuits, parsed.is_empty()) {
                let key = circuits
                    .vocdoni_key_at(&ctx.election.chain_id, u64::MAX)
                    .key();
                costs.add(
                    "Groth16 proof (one by one)",
                    seconds_per_item(parsed.len(), |i| {
                        black_box(key.verify(&parsed[i].0, &parsed[i].1).ok());
                    }),
                    share,
                );
            }
        }
        CensusKind::Other(_) => {}
    }
    let open = |i: usize| {
        let env = &sample[i].envelope;
        open_layers(
            &env.vote_package,
            &env.encryption_key_indexes,
            &ctx.revealed,
        )
        .ok()
    };
    let plain: Vec<Vec<u8>> = if ctx.encrypted() {
        costs.add(
            "sealed-box opens",
            seconds_per_item(n, |i| {
                black_box(open(i));
            }),
            share,
        );
        (0..n).map(|i| open(i).unwrap_or_default()).collect()
    } else {
        sample
            .iter()
            .map(|v| v.envelope.vote_package.clone())
            .collect()
    };
    let params = ctx.tally_params();
    costs.add(
        "ballot decode + validate",
        seconds_per_item(n, |i| {
            black_box(check_package(&plain[i], &sample[i].weight, &params));
        }),
        share,
    );
}

/// The whole benchmark's figures.
#[derive(Debug, Clone)]
pub struct VerifyBenchReport {
    pub scenario: String,
    pub bundle: PreparedBundle,
    pub costs: PrimitiveCosts,
    pub runs: Vec<VerifyRun>,
}

impl VerifyBenchReport {
    /// The bound for `run`: protocol cost per vote × votes / threads.
    pub fn bound(&self, run: &VerifyRun) -> Duration {
        Duration::from_secs_f64(self.costs.total() * run.votes as f64 / run.threads.max(1) as f64)
    }

    /// Bound over measured time (1.0 = as fast as the protocol's own work allows).
    pub fn ratio(&self, run: &VerifyRun) -> f64 {
        self.bound(run).as_secs_f64() / run.elapsed.as_secs_f64().max(1e-9)
    }

    /// Time on 1 thread over time on `threads`, when both ran.
    pub fn speedup(&self, threads: usize) -> Option<f64> {
        let one = self.runs.iter().find(|r| r.threads == 1)?;
        let n = self.runs.iter().find(|r| r.threads == threads)?;
        Some(one.elapsed.as_secs_f64() / n.elapsed.as_secs_f64().max(1e-9))
    }
}

fn mib(kib: Option<u64>) -> String {
    kib.map(|k| format!("{:.1} MiB", k as f64 / 1024.0))
        .unwrap_or_else(|| "n/a".into())
}

impl fmt::Display for VerifyBenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "scenario {}  bundle {}",
            self.scenario,
            self.bundle.dir.display()
        )?;
        match &self.bundle.built {
            Some(b) => writeln!(
                f,
                "built: generate {:.1} s, fetch {:.1} s ({} requests); the build's memory stays in this process, re-run for a clean peak RSS",
                b.generate.as_secs_f64(),
                b.fetch.as_secs_f64(),
                b.requests
            )?,
            None => writeln!(f, "bundle taken from the cache")?,
        }
        writeln!(
            f,
            "protocol cost per vote (1 thread, {} votes sampled): {:.1} µs",
            self.costs.sampled,
            self.costs.total() * 1e6
        )?;
        if let Some((before, after)) = self.costs.spread {
            writeln!(
                f,
                "  (mean of {:.1} µs before the runs and {:.1} µs after)",
                before * 1e6,
                after * 1e6
            )?;
        }
        for (name, secs) in &self.costs.per_vote {
            writeln!(f, "  {name:<34} {:>9.2} µs", secs * 1e6)?;
        }
        for run in &self.runs {
            writeln!(
                f,
                "threads {}: {} votes in {:.2} s = {:.0} votes/s; bound {:.2} s; ratio {:.2}; peak RSS {} (start {}); verdict {:?}",
                run.threads,
                run.votes,
                run.elapsed.as_secs_f64(),
                run.votes_per_sec(),
                self.bound(run).as_secs_f64(),
                self.ratio(run),
                mib(run.peak_rss_kib),
                mib(run.start_rss_kib),
                run.verdict
            )?;
        }
        for run in self.runs.iter().filter(|r| r.threads > 1) {
            if let Some(s) = self.speedup(run.threads) {
                writeln!(f, "speedup 1 → {} threads: {s:.2}×", run.threads)?;
            }
        }
        Ok(())
    }
}

/// Prepares the bundle, measures the protocol cost, then times `load + verify` once per entry
/// of `threads`.
pub async fn run(
    scenario: &str,
    votes: usize,
    seed: u64,
    cache: &Path,
    threads: &[usize],
    quiet: bool,
) -> Result<VerifyBenchReport, VerifyBenchError> {
    let bundle = prepare_bundle(scenario, votes, seed, cache, quiet).await?;
    let dir = bundle.dir.clone();
    let threads = threads.to_vec();
    let circuits = sim_circuits(seed)?;
    let (costs, runs) = tokio::task::spawn_blocking(move || -> Result<_, VerifyBenchError> {
        // The machine may be shared: the protocol cost is measured on both sides of the runs
        // and averaged, and both figures are kept so the spread shows.
        let before = primitive_costs(&dir)?;
        let runs = threads
            .iter()
            .map(|&t| time_verify(&dir, t.max(1), Some(circuits.clone())))
            .collect::<Result<Vec<_>, _>>()?;
        let after = primitive_costs(&dir)?;
        Ok((PrimitiveCosts::mean(&before, &after), runs))
    })
    .await
    .map_err(|e| VerifyBenchError::Pool(e.to_string()))??;
    Ok(VerifyBenchReport {
        scenario: scenario.to_string(),
        bundle,
        costs,
        runs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The anonymous scenario verifies (its proofs under the simulator's test key, trusted as
    /// `--zk-key` would) and its cost table has the one-by-one Groth16 row the batch beats.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn times_an_anonymous_election() {
        let cache = tempfile::tempdir().expect("tempdir");
        let report = run("anonymous", 12, 3, cache.path(), &[1], true)
            .await
            .expect("bench runs");
        assert_eq!(report.runs[0].votes, 12);
        assert_eq!(report.runs[0].verdict, Verdict::Pass);
        let names: Vec<_> = report.costs.per_vote.iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"Groth16 proof (one by one)"), "{names:?}");
        assert!(!names.contains(&"EIP-191 signer recovery"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn builds_once_then_times_every_pool_size() {
        let cache = tempfile::tempdir().expect("tempdir");
        let report = run("csp-ecdsa", 40, 3, cache.path(), &[1, 2], true)
            .await
            .expect("bench runs");
        assert!(report.bundle.built.is_some());
        assert_eq!(report.runs.len(), 2);
        for r in &report.runs {
            assert_eq!(r.votes, 40);
            assert_eq!(r.verdict, Verdict::Pass);
        }
        let names: Vec<_> = report.costs.per_vote.iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"CSP proof (recovery + point add)"));
        assert!(names.contains(&"EIP-191 signer recovery"));
        assert!(report.costs.total() > 0.0);
        assert!(report.speedup(2).is_some());

        let again = prepare_bundle("csp-ecdsa", 40, 3, cache.path(), true)
            .await
            .expect("cached");
        assert!(again.built.is_none(), "the finished bundle is reused");
        assert_eq!(again.dir, report.bundle.dir);
    }

    #[test]
    fn weighted_encrypted_costs_name_its_primitives() {
        let cache = tempfile::tempdir().expect("tempdir");
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let bundle = runtime
            .block_on(prepare_bundle(
                "weighted-encrypted",
                30,
                5,
                cache.path(),
                true,
            ))
            .expect("bundle");
        let costs = primitive_costs(&bundle.dir).expect("costs");
        let names: Vec<_> = costs.per_vote.iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"arbo proof check"), "{names:?}");
        assert!(names.contains(&"sealed-box opens"), "{names:?}");
        assert!(!names.contains(&"CSP proof (recovery + point add)"));
        assert_eq!(costs.sampled, 30);
    }

    #[test]
    fn reads_the_resident_set() {
        let rss = status_kib("VmRSS").expect("Linux /proc/self/status");
        let hwm = status_kib("VmHWM").expect("Linux /proc/self/status");
        assert!(rss > 0 && hwm >= rss);
    }
}
