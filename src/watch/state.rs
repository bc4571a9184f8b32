//! What watch mode remembers between polls and across restarts: every nullifier seen with the
//! height of its latest envelope and its ballot as the tally sees it, kept per election in
//! `OUT/watch-state.json` (one election) or `OUT/watch-state/{electionId}.json` (each election
//! of a SaaS process), written atomically: a temporary file renamed over the old one.
//!
//! The running tally mirrors the indexer's `REPLACE INTO votes` (vocdoni-node:vochain/indexer):
//! one ballot per nullifier, the latest envelope's, so an overwrite replaces the earlier ballot.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use num_bigint::BigUint;
use serde::{Deserialize, Serialize};

use crate::protocol::tally::{Tally, TallyParams};

/// The state file's name under the output directory (watching one election).
pub const STATE_FILE: &str = "watch-state.json";
/// The directory under the output directory holding one state file per election of a SaaS
/// process.
pub const PROCESS_STATE_DIR: &str = "watch-state";

/// Where the state of `election_id` lives under `out`: [`STATE_FILE`] when one election is
/// watched, `PROCESS_STATE_DIR/{election_id}.json` when it is a question of SaaS process `process_id`.
pub fn state_path(out: &Path, process_id: Option<&str>, election_id: &str) -> PathBuf {
    match process_id {
        None => out.join(STATE_FILE),
        Some(_) => out
            .join(PROCESS_STATE_DIR)
            .join(format!("{election_id}.json")),
    }
}

/// The state file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a watch state: {source}")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path} watches election {found}, not {expected}")]
    OtherElection {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("{path} belongs to the watch of {found}, not {expected}")]
    OtherTarget {
        path: PathBuf,
        found: String,
        expected: String,
    },
}

/// A vote's ballot as the running tally counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum KeptBallot {
    /// Valid: added to the tally with this weight (decimal).
    Counted { values: Vec<i64>, weight: String },
    /// The protocol skips it (invalid content, undecryptable, manual review).
    Skipped,
    /// Not determined (e.g. encrypted and keys not revealed yet): the tally is unknown.
    Undetermined { why: String },
}

/// The latest envelope of one nullifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeptVote {
    /// Block height of the envelope.
    pub height: u64,
    pub ballot: KeptBallot,
    /// Checks that already reported an anomaly on this envelope, so judging it again (its
    /// ballot once the keys are revealed) reports only what is new.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reported: Vec<String>,
}

/// Everything watch mode keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchState {
    /// Lowercase 64-hex election id.
    pub election_id: String,
    /// The SaaS process watched, when the election is one of its questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_id: Option<String>,
    /// The highest block height of any vote seen.
    pub last_height: u64,
    /// Latest envelope by lowercase hex nullifier.
    pub votes: BTreeMap<String, KeptVote>,
    /// Status and live `result` at the last successful poll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Vec<Vec<String>>>,
}

impl WatchState {
    /// A state that has seen nothing of `election_id` yet.
    pub fn new(election_id: &str) -> Self {
        WatchState {
            election_id: election_id.to_string(),
            ..WatchState::default()
        }
    }

    /// Loads `dir/watch-state.json`, or a fresh state when there is none.
    pub fn load_or_new(dir: &Path, election_id: &str) -> Result<Self, StateError> {
        Self::load_at(&dir.join(STATE_FILE), None, election_id)
    }

    /// Loads the state at `path` (see [`state_path`]), or a fresh state when there is none;
    /// refuses a state of another election or another target (a process or none).
    pub fn load_at(
        path: &Path,
        process_id: Option<&str>,
        election_id: &str,
    ) -> Result<Self, StateError> {
        let path = path.to_path_buf();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(WatchState {
                    process_id: process_id.map(str::to_string),
                    ..WatchState::new(election_id)
                })
            }
            Err(source) => return Err(StateError::Io { path, source }),
        };
        let state: WatchState =
            serde_json::from_slice(&bytes).map_err(|source| StateError::Parse {
                path: path.clone(),
                source,
            })?;
        if state.election_id != election_id {
            return Err(StateError::OtherElection {
                path,
                found: state.election_id,
                expected: election_id.to_string(),
            });
        }
        if state.process_id.as_deref() != process_id {
            let name = |p: Option<&str>| match p {
                Some(p) => format!("SaaS process {p}"),
                None => "a single election".to_string(),
            };
            return Err(StateError::OtherTarget {
                path,
                found: name(state.process_id.as_deref()),
                expected: name(process_id),
            });
        }
        Ok(state)
    }

    /// Writes `dir/watch-state.json` atomically (temporary file, then rename).
    pub fn save(&self, dir: &Path) -> Result<(), StateError> {
        self.save_at(&dir.join(STATE_FILE))
    }

    /// Writes the state to `path` atomically (temporary file, then rename), creating its
    /// directory.
    pub fn save_at(&self, path: &Path) -> Result<(), StateError> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let io = |source| StateError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let bytes = serde_json::to_vec(self).map_err(|e| io(std::io::Error::other(e)))?;
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Whether the row (nullifier, height) was already seen.
    pub fn seen(&self, nullifier: &str, height: u64) -> bool {
        self.votes
            .get(nullifier)
            .is_some_and(|v| v.height == height)
    }

    /// The tally of the kept ballots, or why it cannot be computed.
    pub fn tally(&self, params: TallyParams) -> Result<Tally, String> {
        let mut tally = Tally::new(params).map_err(|e| e.to_string())?;
        for (nullifier, vote) in &self.votes {
            add(&mut tally, nullifier, &vote.ballot)?;
        }
        Ok(tally)
    }
}

/// Adds one kept ballot to `tally`; an undetermined ballot makes the tally unknown.
pub(crate) fn add(tally: &mut Tally, nullifier: &str, ballot: &KeptBallot) -> Result<(), String> {
    match ballot {
        KeptBallot::Counted { values, weight } => {
            let weight: BigUint = weight
                .parse()
                .map_err(|_| format!("vote {nullifier}: weight {weight:?} is not decimal"))?;
            tally.add(values, &weight);
            Ok(())
        }
        KeptBallot::Skipped => Ok(()),
        KeptBallot::Undetermined { why } => Err(format!("vote {nullifier}: {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> TallyParams {
        TallyParams {
            max_count: 1,
            max_value: 2,
            ..TallyParams::default()
        }
    }

    fn counted(v: i64, w: &str) -> KeptVote {
        KeptVote {
            height: 1,
            ballot: KeptBallot::Counted {
                values: vec![v],
                weight: w.into(),
            },
            reported: Vec::new(),
        }
    }

    #[test]
    fn an_overwrite_replaces_the_earlier_ballot() {
        let mut s = WatchState::new("aa");
        s.votes.insert("01".into(), counted(0, "3"));
        s.votes.insert("02".into(), counted(1, "5"));
        s.votes.insert("01".into(), counted(2, "3"));
        let t = s.tally(params()).unwrap();
        assert_eq!(t.results().to_decimal_strings(), vec![vec!["0", "5", "3"]]);
        s.votes.insert(
            "03".into(),
            KeptVote {
                height: 2,
                ballot: KeptBallot::Undetermined {
                    why: "sealed".into(),
                },
                reported: Vec::new(),
            },
        );
        assert!(s.tally(params()).unwrap_err().contains("sealed"));
    }

    #[test]
    fn save_then_load_round_trips_and_refuses_another_election() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = WatchState::new("aa");
        s.last_height = 9;
        s.votes.insert("01".into(), counted(1, "1"));
        s.save(dir.path()).unwrap();
        assert_eq!(WatchState::load_or_new(dir.path(), "aa").unwrap(), s);
        assert!(matches!(
            WatchState::load_or_new(dir.path(), "bb"),
            Err(StateError::OtherElection { .. })
        ));
        let mut reported = s.clone();
        if let Some(v) = reported.votes.get_mut("01") {
            v.reported.push("V-SIG-01".into());
        }
        reported.save(dir.path()).unwrap();
        assert_eq!(WatchState::load_or_new(dir.path(), "aa").unwrap(), reported);
        // A process's election keeps its own file and refuses to load as a single election's.
        let path = state_path(dir.path(), Some("0a"), "aa");
        assert_eq!(path, dir.path().join("watch-state").join("aa.json"));
        let fresh = WatchState::load_at(&path, Some("0a"), "aa").unwrap();
        assert_eq!(fresh.process_id.as_deref(), Some("0a"));
        fresh.save_at(&path).unwrap();
        assert_eq!(WatchState::load_at(&path, Some("0a"), "aa").unwrap(), fresh);
        assert!(matches!(
            WatchState::load_at(&path, None, "aa"),
            Err(StateError::OtherTarget { .. })
        ));
        assert!(matches!(
            WatchState::load_at(&path, Some("0b"), "aa"),
            Err(StateError::OtherTarget { .. })
        ));
        std::fs::write(dir.path().join(STATE_FILE), b"{").unwrap();
        assert!(matches!(
            WatchState::load_or_new(dir.path(), "aa"),
            Err(StateError::Parse { .. })
        ));
    }
}
