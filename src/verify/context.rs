//! Per-election facts decoded once before the votes stream by: the election id, the voting
//! window, the census (root, dump or CSP key), the revealed keys and the SaaS question that
//! names the election. Every decoding problem is kept as a reason, never a panic, so checks can
//! say exactly why they could not run.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};

use crate::api::node::{Election, ElectionKeys, Scrutiny};
use crate::api::saas;
use crate::api::Unreadable;
use crate::bundle::evidence::{
    ElectionEvidence, Gap, InMemoryVotes, Rereads, SaasEvidence, VoteSource, ZkChainEvidence,
};
use num_bigint::BigUint;

use crate::protocol::arbo::dump::{decode_records, value_to_weight, CensusDump};
use crate::protocol::arbo::LeafSet;
use crate::protocol::hash::Hash32;
use crate::protocol::hex_bytes;
use crate::protocol::sealed_box::Opener;
use crate::protocol::tally::TallyParams;
use crate::protocol::zk::CircuitRegistry;
use crate::verify::history::HistoryFacts;
use crate::verify::result::Location;

/// Everything about one election except its votes.
pub struct ElectionContext {
    pub election: Election,
    /// Lowercase hex of the election id, as locations carry it.
    pub id_hex: String,
    /// The decoded election id, or why it could not be decoded.
    pub id: Result<Hash32, String>,
    pub keys: Option<ElectionKeys>,
    pub scrutiny: Option<Scrutiny>,
    pub votes_count: Option<u64>,
    pub list_total: Option<u64>,
    pub gaps: Vec<Gap>,
    /// The fetcher's second reads and the answers that differed.
    pub rereads: Rereads,
    /// `startDate`, the exact start of the voting window.
    pub start: Result<DateTime<Utc>, String>,
    /// `endDate`: the scheduled end, or later (manual end, results block; vochain-api.md §1.3).
    pub end: Result<DateTime<Utc>, String>,
    /// The SaaS question whose `upstreamId` is this election, with its results row.
    pub saas: Option<SaasQuestion>,
    /// The revealed private keys that decode, by key index, ready to open the votes.
    pub revealed: BTreeMap<u32, Opener>,
    /// Key indexes whose revealed private key does not derive the published public key
    /// (V-KEYS-01 fails them). The chain refuses such a reveal (`checkRevealProcessKeys`), so
    /// the key the node decrypted with is unknown: ballots sealed to it cannot be verified.
    pub mismatched_keys: BTreeSet<u32>,
    /// `census.censusRoot` decoded, for arbo censuses (32 bytes).
    pub census_root: Result<Hash32, String>,
    /// The census dump at `censusURL`, parsed (`None` when none was fetched).
    pub dump: Option<Result<DumpFacts, String>>,
    /// What the chain's transactions show happened to the election.
    pub history: HistoryFacts,
    /// The verifying keys anonymous votes' proofs are checked with: Vocdoni's, plus any the user
    /// trusted (`--zk-key`); never a key the node served.
    pub circuits: Result<Arc<CircuitRegistry>, String>,
    /// What the node said about its zk circuit and SIK roots (compared, never trusted).
    pub zk_chain: ZkChainEvidence,
}

/// Vocdoni's embedded circuit keys, loaded once. They are pinned by sha256 at build time, so a
/// load error is a broken build; it is kept as a reason so that the zk checks report it.
pub fn vocdoni_circuits() -> Result<Arc<CircuitRegistry>, String> {
    static REGISTRY: OnceLock<Result<Arc<CircuitRegistry>, String>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            CircuitRegistry::vocdoni()
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone()
}

/// What the census dump holds: the root it claims, the root its leaves rebuild, and the leaves.
pub struct DumpFacts {
    pub claimed_root: Hash32,
    pub rebuilt_root: Result<Hash32, String>,
    /// Leaf key → value, to find each voter's leaf.
    pub leaves: DumpLeaves,
    /// The leaves' weights (little-endian values) added up, and the largest.
    pub total_weight: BigUint,
    pub max_weight: BigUint,
}

/// The dump's leaves by key. Normally the [`LeafSet`] the root was rebuilt from (two flat
/// buffers, binary-searched: ~80 MB for a million leaves, where a map of owned keys and values
/// took ~170 MB beside it); a map when the leaves do not form a tree (a duplicate or an
/// over-long key), so that votes can still be looked up while V-CENSUS-01 fails the dump.
pub enum DumpLeaves {
    Tree(LeafSet),
    Map(HashMap<Vec<u8>, Vec<u8>>),
}

impl DumpLeaves {
    pub fn len(&self) -> usize {
        match self {
            DumpLeaves::Tree(set) => set.len(),
            DumpLeaves::Map(map) => map.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of leaf `key`, if the dump has it.
    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        match self {
            DumpLeaves::Tree(set) => set.get(key),
            DumpLeaves::Map(map) => map.get(key).map(Vec::as_slice),
        }
    }

    /// Every leaf's value.
    pub fn values(&self) -> Box<dyn Iterator<Item = &[u8]> + '_> {
        match self {
            DumpLeaves::Tree(set) => Box::new(set.leaves().map(|(_, v)| v)),
            DumpLeaves::Map(map) => Box::new(map.values().map(Vec::as_slice)),
        }
    }
}

impl DumpFacts {
    /// Parses a `CensusDump` JSON object and rebuilds its root (vocdoni-node:tree/arbo
    /// `ImportDump`), decompressing its records once and keeping only the leaf set.
    pub fn parse(raw: &[u8]) -> Result<DumpFacts, String> {
        let dump = CensusDump::from_json(raw).map_err(|e| format!("census dump: {e}"))?;
        let records = dump
            .records_bytes()
            .map_err(|e| format!("census dump records: {e}"))?;
        let (leaves, rebuilt_root) = {
            let records =
                decode_records(&records).map_err(|e| format!("census dump records: {e}"))?;
            match dump.leaf_set_of(&records) {
                Ok(set) => {
                    let root = set.root().map_err(|e| e.to_string());
                    (DumpLeaves::Tree(set), root)
                }
                Err(e) => {
                    let map = records
                        .iter()
                        .map(|(k, v)| (k.to_vec(), v.to_vec()))
                        .collect();
                    (DumpLeaves::Map(map), Err(e.to_string()))
                }
            }
        };
        drop(records);
        let (total_weight, max_weight) = leaves
            .values()
            .map(value_to_weight)
            .fold((BigUint::default(), BigUint::default()), |(sum, max), w| {
                (sum + &w, max.max(w))
            });
        Ok(DumpFacts {
            total_weight,
            max_weight,
            claimed_root: dump.root_hash,
            rebuilt_root,
            leaves,
        })
    }
}

/// How the election's census proves a voter's right to vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CensusKind {
    /// An arbo Merkle tree (`OFF_CHAIN_TREE`, `OFF_CHAIN_TREE_WEIGHTED`, signed votes).
    Arbo,
    /// A credential service provider's signature (`OFF_CHAIN_CA`, `OFF_CHAIN_CA_V2`).
    Csp,
    /// An anonymous election on a Poseidon arbo census (`OFF_CHAIN_TREE(_WEIGHTED)`, census
    /// type zkweighted): unsigned votes carrying a Groth16 proof of membership (vochain-zk.md).
    Zk,
    /// Anything vocaudit does not verify (token, Farcaster censuses, an anonymous election on
    /// another origin), by origin name.
    Other(String),
}

impl std::fmt::Display for CensusKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CensusKind::Arbo => f.write_str("arbo census"),
            CensusKind::Csp => f.write_str("CSP census"),
            CensusKind::Zk => f.write_str("anonymous (zk) Poseidon census"),
            CensusKind::Other(o) => write!(f, "census origin {o:?}"),
        }
    }
}

/// The SaaS view of one election.
#[derive(Debug, Clone)]
pub struct SaasQuestion {
    /// The SaaS process's `chainId` and `orgAddress`.
    pub chain_id: String,
    pub org_address: String,
    pub question: Option<saas::Question>,
    pub results: Option<saas::ResultsQuestion>,
    /// The SaaS process id and its census numbers (`census.size`, `census.totalWeight`).
    pub process_id: String,
    pub census: saas::ProcessCensus,
    /// Fields the SaaS served for this election that could not be read: `(route, field)`, with
    /// the route's `{id}` filled in. Process-level fields (and fields of a question that names
    /// no election) are every question's; a question's fields are its election's.
    pub unreadable: Vec<(String, Unreadable)>,
}

impl ElectionContext {
    /// Decodes the election-level facts; returns them with the election's vote stream.
    /// The context of `election` for checking single votes (receipts, watch mode): no vote list,
    /// counts, scrutiny or census dump.
    pub fn for_single_votes(election: Election, keys: Option<ElectionKeys>) -> ElectionContext {
        ElectionContext::new(
            ElectionEvidence {
                election,
                keys,
                scrutiny: None,
                votes_count: None,
                list_total: None,
                census_dump: None,
                gaps: Vec::new(),
                rereads: Rereads::default(),
                votes: Box::new(InMemoryVotes::new(Vec::new(), 1)),
                history: Default::default(),
            },
            None,
        )
        .0
    }

    pub fn new(
        ev: ElectionEvidence,
        saas: Option<&SaasEvidence>,
    ) -> (ElectionContext, Box<dyn VoteSource>) {
        let ElectionEvidence {
            election,
            keys,
            scrutiny,
            votes_count,
            list_total,
            census_dump,
            gaps,
            rereads,
            votes,
            history,
        } = ev;
        let id_hex = normal_hex(&election.election_id);
        let revealed: BTreeMap<u32, Opener> = keys
            .iter()
            .flat_map(|k| &k.private_keys)
            .filter_map(|k| {
                hex_bytes::decode_array::<32>("privateKeys", &k.key)
                    .ok()
                    .map(|key| (k.index, Opener::new(&key)))
            })
            .collect();
        let mismatched_keys: BTreeSet<u32> = keys
            .iter()
            .flat_map(|k| {
                k.public_keys.iter().filter_map(|public| {
                    let derived = hex::encode(revealed.get(&public.index)?.public());
                    (!public.key.eq_ignore_ascii_case(&derived)).then_some(public.index)
                })
            })
            .collect();
        let census_root =
            hex_bytes::decode_array::<32>("census.censusRoot", &election.census.census_root)
                .map_err(|e| e.to_string());
        let dump = census_dump.as_ref().map(|d| {
            d.as_ref()
                .map_err(Clone::clone)
                .and_then(|raw| DumpFacts::parse(raw))
        });
        let id = decode_election_id(&id_hex);
        let history = HistoryFacts::derive(history, &election, id.as_ref().ok());
        let ctx = ElectionContext {
            circuits: vocdoni_circuits(),
            zk_chain: ZkChainEvidence::default(),
            history,
            revealed,
            mismatched_keys,
            census_root,
            dump,
            id,
            start: parse_time("startDate", &election.start_date),
            end: parse_time("endDate", &election.end_date),
            saas: saas.and_then(|s| saas_question(s, &id_hex)),
            id_hex,
            keys,
            scrutiny,
            votes_count,
            list_total,
            gaps,
            rereads,
            election,
        };
        (ctx, votes)
    }

    /// A location naming only this election.
    pub fn at(&self) -> Location {
        Location::election(&self.id_hex)
    }

    /// The kind of census proof votes must carry (vocdoni-node:vochain/transaction/proof.go).
    pub fn census_kind(&self) -> CensusKind {
        let origin = self.election.census.census_origin.as_str();
        // The node takes the zk path for every anonymous process, whatever its census origin
        // (vochain/transaction/vote_tx.go: `if process.EnvelopeType.Anonymous`).
        if self.election.vote_mode.anonymous {
            return match origin {
                "OFF_CHAIN_TREE" | "OFF_CHAIN_TREE_WEIGHTED" => CensusKind::Zk,
                _ => CensusKind::Other(format!("{origin} (anonymous)")),
            };
        }
        match origin {
            "OFF_CHAIN_TREE" | "OFF_CHAIN_TREE_WEIGHTED" => CensusKind::Arbo,
            "OFF_CHAIN_CA" | "OFF_CHAIN_CA_V2" => CensusKind::Csp,
            _ => CensusKind::Other(origin.to_string()),
        }
    }

    /// The tally parameters of `tallyMode` and `voteMode`.
    pub fn tally_params(&self) -> TallyParams {
        self.election.tally_params()
    }

    /// The circuit the node says it verifies anonymous votes with, when its verifying key is
    /// none of the keys vocaudit holds: `(version, vKeyHash)`.
    pub fn unknown_node_circuit(&self) -> Option<(String, String)> {
        let circuit = self.zk_chain.circuit.as_ref()?;
        let hash = normal_hex(&circuit.verification_key_hash);
        let known = match (
            &self.circuits,
            hex_bytes::decode_array::<32>("vKeyHash", &hash),
        ) {
            (Ok(registry), Ok(h)) => registry.find_by_sha256(&h).is_some(),
            _ => false,
        };
        (!known).then(|| (circuit.version.clone(), hash))
    }

    /// The revealed private key of slot `index`, if it was revealed and decodes.
    pub fn private_key(&self, index: u32) -> Option<&Opener> {
        self.revealed.get(&index)
    }

    /// Whether the election's votes are encrypted (`voteMode.encryptedVotes`).
    pub fn encrypted(&self) -> bool {
        self.election.vote_mode.encrypted_votes
    }
}

/// The SaaS question naming this election, with its results row.
pub fn saas_question(s: &SaasEvidence, id_hex: &str) -> Option<SaasQuestion> {
    let matches = |upstream: &str| normal_hex(upstream) == id_hex;
    let process_questions = s
        .process
        .as_ref()
        .map(|p| p.questions.as_slice())
        .unwrap_or(&[]);
    let result_rows = s
        .results
        .as_ref()
        .map(|r| r.questions.as_slice())
        .unwrap_or(&[]);
    let question = process_questions
        .iter()
        .find(|q| matches(&q.upstream_id))
        .cloned();
    let results = result_rows
        .iter()
        .find(|q| matches(&q.upstream_id))
        .cloned();
    if question.is_none() && results.is_none() {
        return None;
    }
    let process = s.process.as_ref();
    let process_id = process.map(|p| p.id.clone()).unwrap_or_default();
    let route = format!("/processes/{process_id}");
    // A field under `questions[i]` is the election's when question i names it, every election's
    // when question i names none (its `upstreamId` was unreadable, or the element was).
    let owned = |path: &str, upstreams: &[&str]| match question_index(path) {
        None => true,
        Some(i) => upstreams.get(i).is_none_or(|u| u.is_empty() || matches(u)),
    };
    let in_process: Vec<&str> = process_questions
        .iter()
        .map(|q| q.upstream_id.as_str())
        .collect();
    let in_results: Vec<&str> = result_rows.iter().map(|q| q.upstream_id.as_str()).collect();
    let unreadable = s
        .process_unreadable
        .iter()
        .filter(|u| owned(&u.path, &in_process))
        .map(|u| (route.clone(), u.clone()))
        .chain(
            s.results_unreadable
                .iter()
                .filter(|u| owned(&u.path, &in_results))
                .map(|u| (format!("{route}/results"), u.clone())),
        )
        .collect();
    Some(SaasQuestion {
        chain_id: process.map(|p| p.chain_id.clone()).unwrap_or_default(),
        org_address: process.map(|p| p.org_address.clone()).unwrap_or_default(),
        question,
        results,
        process_id,
        census: process.map(|p| p.census.clone()).unwrap_or_default(),
        unreadable,
    })
}

/// `i` of a JSON path under `questions[i]`.
fn question_index(path: &str) -> Option<usize> {
    path.strip_prefix("questions[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}

/// Parses an RFC 3339 time as the node writes it (nanoseconds and zone offsets allowed).
pub fn parse_time(field: &str, s: &str) -> Result<DateTime<Utc>, String> {
    if s.is_empty() {
        return Err(format!("{field} is empty"));
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{field} {s:?} is not an RFC 3339 time: {e}"))
}

/// Decodes the election id from its hex form.
pub fn decode_election_id(hex: &str) -> Result<Hash32, String> {
    hex_bytes::decode_array::<32>("electionId", hex).map_err(|e| e.to_string())
}

/// Lowercase hex without `0x`, the form locations carry.
pub fn normal_hex(s: &str) -> String {
    s.strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s)
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_ids() {
        let t = parse_time("startDate", "2024-05-01T10:00:00.5+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-05-01T08:00:00.500+00:00");
        assert!(parse_time("endDate", "").unwrap_err().contains("empty"));
        assert!(parse_time("endDate", "yesterday")
            .unwrap_err()
            .contains("not an RFC 3339"));
        assert!(decode_election_id("abcd")
            .unwrap_err()
            .contains("expected 32 bytes"));
        assert_eq!(normal_hex("0xABcd"), "abcd");
    }

    fn dump_json(records: &[(&[u8], &[u8])]) -> Vec<u8> {
        use crate::protocol::arbo::dump::{encode_records, CensusTreeType};
        let data = encode_records(records.iter().copied()).unwrap();
        let mut dump = CensusDump::build(CensusTreeType::Weighted, 160, records).unwrap();
        dump.data = zstd::bulk::compress(&data, 0).unwrap();
        dump.to_json().unwrap()
    }

    #[test]
    fn a_dump_is_kept_as_its_leaf_set_and_looked_up_by_key() {
        let records: Vec<(&[u8], &[u8])> = vec![(b"aa", &[2]), (b"bb", &[3, 1]), (b"cc", &[])];
        let facts = DumpFacts::parse(&dump_json(&records)).unwrap();
        assert!(matches!(facts.leaves, DumpLeaves::Tree(_)));
        assert_eq!(facts.rebuilt_root, Ok(facts.claimed_root));
        assert_eq!(facts.leaves.len(), 3);
        assert_eq!(facts.leaves.get(b"bb"), Some(&[3u8, 1][..]));
        assert_eq!(facts.leaves.get(b"dd"), None);
        // Little-endian weights: 2 + 259 + 0.
        assert_eq!(facts.total_weight, BigUint::from(261u32));
        assert_eq!(facts.max_weight, BigUint::from(259u32));
    }

    #[test]
    fn a_dump_that_is_no_tree_still_answers_lookups() {
        // The same key twice: no tree (V-CENSUS-01 fails it), the last value is looked up.
        let records: Vec<(&[u8], &[u8])> = vec![(b"aa", &[2]), (b"aa", &[5])];
        let json = {
            use crate::protocol::arbo::dump::encode_records;
            let data = encode_records(records.iter().copied()).unwrap();
            let mut dump = CensusDump::from_json(&dump_json(&[(b"aa", &[2])])).unwrap();
            dump.data = zstd::bulk::compress(&data, 0).unwrap();
            dump.to_json().unwrap()
        };
        let facts = DumpFacts::parse(&json).unwrap();
        assert!(matches!(facts.leaves, DumpLeaves::Map(_)));
        assert!(facts.rebuilt_root.unwrap_err().contains("more than once"));
        assert_eq!(facts.leaves.get(b"aa"), Some(&[5u8][..]));
        assert_eq!(facts.leaves.len(), 1);
    }
}
