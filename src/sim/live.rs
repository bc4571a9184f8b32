//! Live elections in the simulator: the schedule that moves a live election's published state
//! through its [`LiveStage`]s while the loopback node serves it, and the vote details of every
//! envelope a generated world holds (overwritten ones included), so a test can replay an
//! election envelope by envelope. Mirrors what a `vocdoni/vocdoni-node` indexer publishes while
//! an election runs: `REPLACE INTO votes` per envelope, then status and results changes.

use std::collections::{BTreeMap, VecDeque};

use base64::Engine;
use serde_json::value::RawValue;

use crate::api::node::{Election, ElectionKeys, EncryptedPackage, VoteDetail};
use crate::protocol::hex_bytes;
use crate::protocol::proto::TxPayload;
use crate::protocol::sealed_box::{open_layers, Opener};
use crate::protocol::tx::decode_node_transaction_str;
use crate::protocol::zk::inputs::envelope_nullifier;

use super::world::{full_election_id, LiveStage, StageTrigger, World};
use super::SimError;

/// The stages of a live election still to apply, and what their triggers count.
#[derive(Debug, Default)]
pub(crate) struct Schedule {
    stages: VecDeque<LiveStage>,
    /// Election reads since every pending vote was revealed or the last stage applied,
    /// whichever came later.
    reads: u64,
}

impl Schedule {
    pub(crate) fn new(stages: &[LiveStage]) -> Self {
        Self {
            stages: stages.iter().cloned().collect(),
            reads: 0,
        }
    }

    /// Counts one `GET /elections/{id}`; only reads once every vote is revealed count.
    pub(crate) fn count_read(&mut self, drained: bool) {
        if drained && !self.stages.is_empty() {
            self.reads = self.reads.saturating_add(1);
        }
    }

    /// Applies every stage now due to `election` and `keys`, in order; true when one applied.
    /// `revealed` counts the pending votes revealed so far, `drained` says none is left.
    pub(crate) fn apply_due(
        &mut self,
        revealed: usize,
        drained: bool,
        election: &mut Election,
        keys: &mut Option<ElectionKeys>,
    ) -> bool {
        let mut applied = false;
        while let Some(stage) = self.stages.front() {
            let due = match stage.trigger {
                StageTrigger::Revealed(n) => revealed >= n,
                StageTrigger::Reads(n) => drained && self.reads >= n,
            };
            if !due {
                break;
            }
            let Some(stage) = self.stages.pop_front() else {
                break;
            };
            if let Some(status) = stage.status {
                election.status = status;
            }
            if let Some(result) = stage.result {
                election.result = result;
            }
            if let Some(final_results) = stage.final_results {
                election.final_results = final_results;
            }
            if stage.keys.is_some() {
                *keys = stage.keys;
            }
            self.reads = 0;
            applied = true;
        }
        applied
    }
}

/// Every vote envelope of election `id` the world's transactions hold, as the node serves the
/// vote (`/votes/{id}`) while that envelope is the voter's latest, in chain order (height, then
/// index). Each takes voter, weight and nullifier from the voter's final vote in the election's
/// `votes`, and its own transaction hash, height, block time and key indexes;
/// `overwriteCount` counts the voter's envelopes before it. The package is served as the node
/// serves it with the election's current `keys`: plaintext, decrypted when the private keys are
/// revealed, `{"encrypted": "<base64>"}` before that.
///
/// Used as [`super::LiveVotes::pending`], it replays the election with its overwrites.
pub fn envelopes_in_chain_order(world: &World, id: &str) -> Result<Vec<VoteDetail>, SimError> {
    let invalid = || SimError::InvalidId {
        what: "electionId",
        id: id.to_string(),
    };
    let key = full_election_id(id).ok_or_else(invalid)?;
    let sim = world.elections.get(&key).ok_or_else(invalid)?;
    let process_id = hex::decode(&key).map_err(|_| invalid())?;
    let encrypted = sim.election.vote_mode.encrypted_votes;
    // The private keys the world has revealed so far, by index: a sealed package opens only
    // once all of its layers' keys are out, as the node decrypts it.
    let revealed: BTreeMap<u32, Opener> = sim
        .keys
        .iter()
        .flat_map(|k| &k.private_keys)
        .filter_map(|k| {
            Some((
                k.index,
                Opener::new(&hex_bytes::decode_array::<32>("privateKeys", &k.key).ok()?),
            ))
        })
        .collect();

    // The final envelope of each voter, by voter address.
    let finals: BTreeMap<String, &VoteDetail> = sim
        .votes
        .iter()
        .filter_map(|v| Some((v.voter_id.as_deref()?.to_ascii_lowercase(), v)))
        .collect();

    // Anonymous votes are unsigned: their voter is the nullifier their proof carries.
    let by_vote_id: BTreeMap<String, &VoteDetail> = sim
        .votes
        .iter()
        .map(|v| (v.vote_id.to_ascii_lowercase(), v))
        .collect();

    let mut details: Vec<VoteDetail> = Vec::with_capacity(sim.votes.len());
    for (hash, json) in &world.transactions {
        let bad = |reason: String| SimError::Envelope {
            hash: hash.clone(),
            reason,
        };
        let decoded = decode_node_transaction_str(json).map_err(|e| bad(e.to_string()))?;
        let Some(TxPayload::Vote(envelope)) = &decoded.tx.tx.payload else {
            continue;
        };
        if envelope.process_id.as_slice() != process_id.as_slice() {
            continue;
        }
        let last = match (decoded.info.signer, envelope_nullifier(envelope)) {
            (Some(signer), _) => {
                let signer = hex::encode(signer);
                finals
                    .get(&signer)
                    .ok_or_else(|| bad(format!("voter {signer} has no final vote")))?
            }
            (None, Some(nullifier)) => {
                let id = hex::encode(nullifier);
                by_vote_id
                    .get(&id)
                    .ok_or_else(|| bad(format!("nullifier {id} has no final vote")))?
            }
            (None, None) => return Err(bad("txInfo names no signer".into())),
        };
        let height = decoded
            .info
            .height
            .ok_or_else(|| bad("txInfo has no height".into()))?;
        let index = decoded
            .info
            .index
            .and_then(|i| u32::try_from(i).ok())
            .ok_or_else(|| bad("txInfo has no index".into()))?;
        let package = if encrypted {
            match open_layers(
                &envelope.vote_package,
                &envelope.encryption_key_indexes,
                &revealed,
            ) {
                Ok(plain) => plain,
                Err(_) => serde_json::to_vec(&EncryptedPackage {
                    encrypted: base64::engine::general_purpose::STANDARD
                        .encode(&envelope.vote_package),
                })
                .map_err(SimError::Serialize)?,
            }
        } else {
            envelope.vote_package.clone()
        };
        let package = RawValue::from_string(String::from_utf8_lossy(&package).into_owned())
            .map_err(|e| bad(format!("vote package is not JSON: {e}")))?;
        let height = u64::from(height);
        details.push(VoteDetail {
            tx_hash: hash.clone(),
            encryption_keys: envelope.encryption_key_indexes.clone(),
            package,
            block_height: height,
            transaction_index: index,
            // Counted below, once every envelope of the voter is known.
            overwrite_count: 0,
            date: world
                .blocks
                .get(&height)
                .map(|b| b.header.time.clone())
                .unwrap_or_default(),
            ..(*last).clone()
        });
    }
    details.sort_by_key(|v| (v.block_height, v.transaction_index));
    let mut earlier: BTreeMap<String, u32> = BTreeMap::new();
    for detail in &mut details {
        let seen = earlier
            .entry(detail.vote_id.to_ascii_lowercase())
            .or_default();
        detail.overwrite_count = *seen;
        *seen += 1;
    }
    Ok(details)
}

/// Makes every election of `world` live, as `vocaudit sim serve --live` serves them, so a
/// person (or a test) can follow them with `vocaudit watch`: no vote is visible at first and each
/// vote-list request reveals `per_list_request` more envelopes in chain order (the overwritten
/// ones too, via [`envelopes_in_chain_order`], when the election has overwrites or sealed
/// ballots); the election is READY with no live result and, when encrypted, no private key. Once
/// every vote is out, the next read of the election shows ENDED, and the one after that the
/// world's own status (RESULTS) with its result, `finalResults` and private keys.
///
/// Apply tampers before: they pick elections by their visible votes.
pub fn make_live(world: &mut World, per_list_request: usize) -> Result<(), SimError> {
    let ids: Vec<String> = world.elections.keys().cloned().collect();
    for id in ids {
        let missing = || SimError::InvalidId {
            what: "electionId",
            id: id.clone(),
        };
        let sim = world.elections.get_mut(&id).ok_or_else(missing)?;
        let encrypted = sim.election.vote_mode.encrypted_votes;
        let revealed_keys = if encrypted { sim.keys.clone() } else { None };
        if let Some(keys) = sim.keys.as_mut().filter(|_| encrypted) {
            keys.private_keys.clear();
        }
        let pending = if encrypted || sim.votes.iter().any(|v| v.overwrite_count > 0) {
            envelopes_in_chain_order(world, &id)?
        } else {
            let mut votes = sim.votes.clone();
            votes.sort_by_key(|v| (v.block_height, v.transaction_index));
            votes
        };
        let sim = world.elections.get_mut(&id).ok_or_else(missing)?;
        let last = LiveStage {
            final_results: Some(sim.election.final_results),
            keys: revealed_keys,
            ..LiveStage::at(StageTrigger::Reads(1))
                .status(&sim.election.status)
                .result(sim.election.result.take())
        };
        sim.election.status = "READY".into();
        sim.election.final_results = false;
        sim.election.vote_count = 0;
        sim.votes.clear();
        sim.live = Some(super::LiveVotes {
            pending,
            reveal_per_list_request: per_list_request.max(1),
            stages: vec![LiveStage::at(StageTrigger::Reads(1)).status("ENDED"), last],
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(node: &str, path: &str) -> (u16, String) {
        let r = reqwest::get(format!("{node}/{path}")).await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    fn stage(trigger: StageTrigger, status: &str) -> LiveStage {
        LiveStage::at(trigger).status(status)
    }

    #[test]
    fn stages_apply_in_order_each_counting_from_the_one_before() {
        let mut schedule = Schedule::new(&[
            stage(StageTrigger::Revealed(2), "READY"),
            stage(StageTrigger::Reads(1), "ENDED"),
            stage(StageTrigger::Reads(2), "RESULTS").result(Some(vec![vec!["1".into()]])),
        ]);
        let mut e = Election::default();
        let mut keys = None;
        assert!(!schedule.apply_due(1, false, &mut e, &mut keys));
        assert!(schedule.apply_due(2, false, &mut e, &mut keys));
        assert_eq!(e.status, "READY");
        // Reads before every vote is revealed do not count.
        schedule.count_read(false);
        assert!(!schedule.apply_due(3, false, &mut e, &mut keys));
        schedule.count_read(true);
        assert!(schedule.apply_due(3, true, &mut e, &mut keys));
        assert_eq!(e.status, "ENDED");
        schedule.count_read(true);
        assert!(!schedule.apply_due(3, true, &mut e, &mut keys));
        schedule.count_read(true);
        assert!(schedule.apply_due(3, true, &mut e, &mut keys));
        assert_eq!(
            (e.status.as_str(), e.result),
            ("RESULTS", Some(vec![vec!["1".to_string()]]))
        );
    }

    /// The served routes follow the stages: `/scrutiny` answers 5024 until the stage that sets
    /// RESULTS, `/keys` serves the staged keys from then on, and reads before the last vote is
    /// revealed do not count.
    #[tokio::test]
    async fn the_node_serves_each_stage_from_the_read_that_applies_it() {
        let mut world = crate::sim::scenario("weighted-encrypted", 4, 1).unwrap();
        let (id, sim) = world.elections.iter_mut().next().unwrap();
        let id = id.clone();
        let revealed = sim.keys.clone().unwrap();
        if let Some(keys) = sim.keys.as_mut() {
            keys.private_keys.clear();
        }
        sim.election.status = "READY".into();
        sim.live = Some(crate::sim::LiveVotes {
            pending: std::mem::take(&mut sim.votes),
            reveal_per_list_request: 4,
            stages: vec![LiveStage {
                keys: Some(revealed.clone()),
                ..stage(StageTrigger::Reads(2), "RESULTS")
            }],
        });
        let server = crate::sim::serve_local(&world, crate::sim::FaultPlan::none())
            .await
            .unwrap();
        let node = server.node_url();
        let election = format!("elections/{id}");
        let scrutiny = format!("elections/{id}/scrutiny");
        let keys = format!("elections/{id}/keys");
        let status = |body: &str| serde_json::from_str::<Election>(body).unwrap().status;
        let private_keys = |body: &str| serde_json::from_str::<ElectionKeys>(body).unwrap();
        // Not drained yet: this read does not count.
        assert_eq!(status(&get(&node, &election).await.1), "READY");
        get(&node, &format!("votes?electionId={id}")).await;
        assert_eq!(status(&get(&node, &election).await.1), "READY");
        let (code, body) = get(&node, &scrutiny).await;
        assert_eq!(code, 500);
        assert!(body.contains("5024"), "{body}");
        assert!(private_keys(&get(&node, &keys).await.1)
            .private_keys
            .is_empty());
        // Second read once every vote is out: RESULTS, scrutiny and the revealed keys.
        assert_eq!(status(&get(&node, &election).await.1), "RESULTS");
        assert_eq!(get(&node, &scrutiny).await.0, 200);
        assert_eq!(private_keys(&get(&node, &keys).await.1), revealed);
        server.shutdown().await.unwrap();
    }

    /// `make_live` hides every vote until listed, withholds result and private keys, and stages
    /// ENDED then the world's own RESULTS state: replaying the pending envelopes ends with the
    /// world's final votes.
    #[rstest::rstest]
    #[case::saas("saas-csp")]
    #[case::sealed_with_overwrites("overwrites")]
    fn make_live_withholds_everything_until_the_stages(#[case] scenario: &str) {
        let world = crate::sim::scenario(scenario, 10, 4).unwrap();
        let mut live = world.clone();
        make_live(&mut live, 3).unwrap();
        for (id, before) in &world.elections {
            let after = &live.elections[id];
            let plan = after.live.as_ref().unwrap();
            assert_eq!(
                (after.election.status.as_str(), after.election.vote_count),
                ("READY", 0)
            );
            assert!(after.votes.is_empty() && after.election.result.is_none());
            assert!(!after.election.final_results);
            assert_eq!(plan.reveal_per_list_request, 3);
            let mut latest: BTreeMap<String, String> = BTreeMap::new();
            for v in &plan.pending {
                latest.insert(v.vote_id.clone(), v.tx_hash.clone());
            }
            let finals: BTreeMap<String, String> = before
                .votes
                .iter()
                .map(|v| (v.vote_id.clone(), v.tx_hash.clone()))
                .collect();
            assert_eq!(latest, finals);
            let encrypted = before.election.vote_mode.encrypted_votes;
            if encrypted {
                assert!(after.keys.as_ref().unwrap().private_keys.is_empty());
                assert!(plan
                    .pending
                    .iter()
                    .all(|v| v.package.get().starts_with("{\"encrypted\":")));
            }
            let [ended, last] = plan.stages.as_slice() else {
                panic!("two stages: {:?}", plan.stages);
            };
            assert_eq!(ended.status.as_deref(), Some("ENDED"));
            assert_eq!(
                (last.status.as_deref(), &last.result, last.final_results),
                (
                    Some(before.election.status.as_str()),
                    &Some(before.election.result.clone()),
                    Some(before.election.final_results)
                )
            );
            assert_eq!(
                last.keys,
                if encrypted { before.keys.clone() } else { None }
            );
        }
    }

    #[test]
    fn envelopes_replay_every_overwrite_and_end_with_the_final_votes() {
        let mut world = crate::sim::scenario("overwrites", 12, 3).unwrap();
        let (id, sim) = world.elections.iter().next().unwrap();
        let (id, sim) = (id.clone(), sim.clone());
        let all = envelopes_in_chain_order(&world, &id).unwrap();
        let overwritten: u32 = sim.votes.iter().map(|v| v.overwrite_count).sum();
        assert!(overwritten > 0);
        assert_eq!(all.len(), sim.votes.len() + overwritten as usize);
        // The latest envelope per nullifier is exactly the election's final vote.
        let mut latest: BTreeMap<String, &VoteDetail> = BTreeMap::new();
        for v in &all {
            latest.insert(v.vote_id.clone(), v);
        }
        for v in &sim.votes {
            let last = latest[&v.vote_id];
            assert_eq!(
                (&last.tx_hash, last.overwrite_count, last.package.get()),
                (&v.tx_hash, v.overwrite_count, v.package.get())
            );
        }
        // Earlier envelopes are decrypted with the world's keys, like the final ones.
        for v in all
            .iter()
            .filter(|v| v.overwrite_count < latest[&v.vote_id].overwrite_count)
        {
            assert!(v.package.get().contains("\"votes\""), "{}", v.package);
            assert!(world.transactions.contains_key(&v.tx_hash));
        }
        // Before the keys are revealed every package is served sealed.
        if let Some(keys) = world.elections.get_mut(&id).and_then(|e| e.keys.as_mut()) {
            keys.private_keys.clear();
        }
        let sealed = envelopes_in_chain_order(&world, &id).unwrap();
        assert_eq!(sealed.len(), all.len());
        assert!(sealed
            .iter()
            .all(|v| v.package.get().starts_with("{\"encrypted\":")));
        assert!(all
            .windows(2)
            .all(|w| (w[0].block_height, w[0].transaction_index)
                < (w[1].block_height, w[1].transaction_index)));
        assert!(envelopes_in_chain_order(&world, "ab").is_err());
        assert_eq!(
            all.iter().filter(|v| v.overwrite_count == 0).count(),
            sim.votes.len()
        );
    }
}
