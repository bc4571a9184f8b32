//! `vocaudit bench census`: the census part of an audit at scale — a published census dump of
//! `leaves` weighted leaves parsed, decompressed and rebuilt to its root, as V-CENSUS-01 and
//! the census lookups need it — timed against the same-run hash bound of its root and with its
//! peak resident memory (the figure the speed issue bounds at 300 MB for a million leaves).

use std::fmt;
use std::time::{Duration, Instant};

use num_bigint::BigUint;

use crate::protocol::arbo::dump::{CensusDump, CensusTreeType};
use crate::protocol::arbo::{self, DumpError};
use crate::protocol::hash::blake2b256;
use crate::verify::context::DumpFacts;

use super::blake2b_costs;
use super::verify::{reset_peak_rss, status_kib};

/// One measured census dump.
#[derive(Debug, Clone)]
pub struct CensusRun {
    pub leaves: usize,
    /// Size of the dump document (JSON with zstd-compressed, base64 records).
    pub json_bytes: usize,
    /// Parse, decompress, index and rebuild the root.
    pub elapsed: Duration,
    /// The root alone hashed at the BLAKE2b bound over all cores.
    pub bound: Duration,
    /// Resident set before parsing (the document already in memory) and its peak during.
    pub start_rss_kib: Option<u64>,
    pub peak_rss_kib: Option<u64>,
    /// The rebuilt root equals the one the dump claims.
    pub root_matches: bool,
}

impl fmt::Display for CensusRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mib = |k: Option<u64>| k.map_or("?".into(), |k| format!("{} MiB", k / 1024));
        writeln!(
            f,
            "census dump of {} leaves ({} MiB JSON): parse + rebuild {:.2} s; bound {:.2} s; ratio {:.2}; peak RSS {} (start {}); root {}",
            self.leaves,
            self.json_bytes / (1024 * 1024),
            self.elapsed.as_secs_f64(),
            self.bound.as_secs_f64(),
            self.bound.as_secs_f64() / self.elapsed.as_secs_f64().max(1e-9),
            mib(self.peak_rss_kib),
            mib(self.start_rss_kib),
            if self.root_matches { "matches" } else { "DIFFERS" },
        )
    }
}

/// Builds a dump of `leaves` weighted leaves, then times parsing it back.
pub fn run(leaves: usize) -> Result<CensusRun, String> {
    let json = {
        let census: Vec<([u8; 20], [u8; 32])> = (0..leaves as u64)
            .map(|i| {
                let mut address = [0u8; 20];
                address[..8].copy_from_slice(&(i + 1).to_le_bytes());
                let address = blake2b256(&[&address]);
                let value = arbo::weight_to_value(&BigUint::from(i % 1000 + 1))?;
                Ok((arbo::weighted_census_key(&address[..20]), value))
            })
            .collect::<Result<_, DumpError>>()
            .map_err(|e| e.to_string())?;
        CensusDump::build(CensusTreeType::Weighted, 160, &census)
            .and_then(|dump| dump.to_json())
            .map_err(|e| e.to_string())?
    };
    let threads = rayon::current_num_threads() as f64;
    let (h_leaf, h_node) = blake2b_costs();
    let bound = (leaves as f64 * h_leaf + leaves.saturating_sub(1) as f64 * h_node) / threads;

    reset_peak_rss();
    let start_rss_kib = status_kib("VmRSS");
    let start = Instant::now();
    let facts = DumpFacts::parse(&json)?;
    let elapsed = start.elapsed();
    let peak_rss_kib = status_kib("VmHWM");
    Ok(CensusRun {
        leaves,
        json_bytes: json.len(),
        elapsed,
        bound: Duration::from_secs_f64(bound),
        start_rss_kib,
        peak_rss_kib,
        root_matches: facts.rebuilt_root == Ok(facts.claimed_root),
    })
}
