//! The versions of an election's metadata that a node's `/elections/{id}/metadata/history`
//! lists (V-HIST-04): each judged by its bytes against the SHA-256 the history records for it,
//! as Vocdoni's report words it (`verified`, `mismatch`, `unrecorded`, `unreachable`), and each
//! compared with the version before on the texts voters read (title, description, each
//! question's title and description, each choice's title, per language) with a word-level diff.

use std::collections::{BTreeMap, BTreeSet};

use similar::{ChangeTag, TextDiff};

use crate::api::node::{ElectionMetadata, MetadataHistory, MetadataVersion as Listed};
use crate::protocol::hash::sha256;
use crate::verify::result::{MetadataStatus, MetadataVersion, TextChange};

use super::rfc3339;

/// A diff longer than this is cut (a description may be pages of HTML).
const MAX_DIFF_CHARS: usize = 1_000;

/// When voting started, as the chain shows it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Voting {
    /// Height of the first counted vote.
    pub first_vote: Option<u64>,
    /// The election's start (Unix seconds).
    pub start: Option<i64>,
}

impl Voting {
    /// Whether a version set at `height` / `time` came once voting had started: by height
    /// against the first vote (the same block counts: the order inside it is not known), else
    /// by time against the start; `None` when neither can tell.
    fn after(&self, height: Option<u64>, time: Option<i64>) -> Option<bool> {
        match (height, self.first_vote, time, self.start) {
            (Some(h), Some(v), _, _) => Some(h >= v),
            (_, _, Some(t), Some(s)) => Some(t > s),
            _ => None,
        }
    }
}

/// Judges every version of `history`, oldest first; `documents` are their bytes by URL.
pub fn assess(
    history: &MetadataHistory,
    documents: &BTreeMap<String, Result<Vec<u8>, String>>,
    voting: Voting,
) -> Vec<MetadataVersion> {
    let mut before: Option<Texts> = None;
    history
        .versions
        .iter()
        .map(|v| {
            let document = documents.get(&v.metadata_url);
            let mut out = judge(v, document);
            let comparable = matches!(
                out.status,
                MetadataStatus::Verified | MetadataStatus::Unrecorded
            );
            let texts = match document {
                Some(Ok(bytes)) if comparable => texts(bytes),
                _ => None,
            };
            if let (Some(a), Some(b)) = (&before, &texts) {
                out.changes = changes(a, b);
                if !out.changes.is_empty() {
                    out.after_voting_started = voting.after(v.height(), v.time());
                }
            }
            before = texts;
            out
        })
        .collect()
}

/// One version's status from its recorded hash and its bytes (`None`: not fetched).
pub fn judge(v: &Listed, document: Option<&Result<Vec<u8>, String>>) -> MetadataVersion {
    let computed = match document {
        Some(Ok(bytes)) => Ok(sha256(&[bytes])),
        Some(Err(why)) => Err(why.clone()),
        None => Err(format!("{} was not fetched", v.metadata_url)),
    };
    let recorded = v.recorded_hash();
    let (status, reason) = match (&computed, &recorded) {
        (Err(why), _) => (MetadataStatus::Unreachable, Some(why.clone())),
        (Ok(_), None) => (
            MetadataStatus::Unrecorded,
            Some("the history records no hash for it".to_string()),
        ),
        (Ok(_), Some(Err(text))) => (
            MetadataStatus::Unrecorded,
            Some(format!("the recorded hash {text:?} is not a hex SHA-256")),
        ),
        (Ok(c), Some(Ok(r))) if c == r => (MetadataStatus::Verified, None),
        (Ok(_), Some(Ok(_))) => (MetadataStatus::Mismatch, None),
    };
    MetadataVersion {
        url: v.metadata_url.clone(),
        recorded_hash: v.metadata_hash.clone().filter(|h| !h.trim().is_empty()),
        computed_hash: computed.ok().map(hex::encode),
        status,
        reason,
        height: v.height(),
        tx_hash: v.tx(),
        time: v.time().map(rfc3339),
        changes: Vec::new(),
        after_voting_started: None,
    }
}

/// Where a text sits in the metadata: question and choice positions (0-based; `None` for the
/// election's own texts), the part, the language.
type Key = (Option<usize>, Option<usize>, &'static str, String);
type Texts = BTreeMap<Key, String>;

/// The texts voters read in a metadata document; `None` when it is not a metadata JSON object.
fn texts(bytes: &[u8]) -> Option<Texts> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if !value.is_object() {
        return None;
    }
    let m: ElectionMetadata = serde_json::from_value(value).ok()?;
    let mut out = Texts::new();
    let mut put =
        |q: Option<usize>, c: Option<usize>, part: &'static str, v: &serde_json::Value| {
            for (lang, text) in languages(v) {
                out.insert((q, c, part, lang), text);
            }
        };
    put(None, None, "title", &m.title);
    put(None, None, "description", &m.description);
    for (qi, q) in m.questions.iter().enumerate() {
        put(Some(qi), None, "title", &q.title);
        put(Some(qi), None, "description", &q.description);
        for (ci, c) in q.choices.iter().enumerate() {
            put(Some(qi), Some(ci), "title", &c.title);
        }
    }
    Some(out)
}

/// A multilingual text (`{"default": "…", "es": "…"}`) or a plain string (`default`).
fn languages(v: &serde_json::Value) -> Vec<(String, String)> {
    match v {
        serde_json::Value::String(s) => vec![("default".into(), s.clone())],
        serde_json::Value::Object(map) => map
            .iter()
            .filter_map(|(lang, t)| t.as_str().map(|t| (lang.clone(), t.to_string())))
            .collect(),
        _ => Vec::new(),
    }
}

/// The texts that differ between two versions, in document order, each with its diff.
fn changes(before: &Texts, after: &Texts) -> Vec<TextChange> {
    let keys: BTreeSet<&Key> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let (a, b) = (
                before.get(key).map_or("", String::as_str),
                after.get(key).map_or("", String::as_str),
            );
            (a != b).then(|| TextChange {
                field: label(key),
                diff: word_diff(a, b),
            })
        })
        .collect()
}

/// `title [default]`, `question 1 description [es]`, `question 2 choice 3 [default]`.
fn label((q, c, part, lang): &Key) -> String {
    match (q, c) {
        (None, _) => format!("{part} [{lang}]"),
        (Some(q), None) => format!("question {} {part} [{lang}]", q + 1),
        (Some(q), Some(c)) => format!("question {} choice {} [{lang}]", q + 1, c + 1),
    }
}

/// A word-level diff in `git diff --word-diff` notation: `Yes [-please-] {+now+}` (spaces at
/// the edges of a change are kept outside its brackets); cut after [`MAX_DIFF_CHARS`]
/// characters.
pub fn word_diff(before: &str, after: &str) -> String {
    let diff = TextDiff::from_words(before, after);
    // Runs of one tag, in order.
    let mut runs: Vec<(ChangeTag, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        match runs.last_mut() {
            Some((tag, text)) if *tag == change.tag() => text.push_str(change.value()),
            _ => runs.push((change.tag(), change.value().to_string())),
        }
    }
    let mut out = String::new();
    let mut last = ChangeTag::Equal;
    for (tag, text) in &runs {
        let (open, close) = match tag {
            ChangeTag::Equal => {
                out.push_str(text);
                last = *tag;
                continue;
            }
            ChangeTag::Delete => ("[-", "-]"),
            ChangeTag::Insert => ("{+", "+}"),
        };
        let core = text.trim();
        let lead = &text[..text.len() - text.trim_start().len()];
        let trail = &text[text.trim_end().len()..];
        if last == ChangeTag::Delete && lead.is_empty() {
            out.push(' ');
        }
        out.push_str(lead);
        if !core.is_empty() {
            out.push_str(open);
            out.push_str(core);
            out.push_str(close);
        }
        out.push_str(trail);
        last = *tag;
    }
    match out.char_indices().nth(MAX_DIFF_CHARS) {
        Some((cut, _)) => format!("{}…", &out[..cut]),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const DOC: &[u8] = br#"{"title":{"default":"Budget"},"questions":[{"title":{"default":"Approve?"},"choices":[{"title":{"default":"Yes please","es":"Si"},"value":0},{"title":{"default":"No"},"value":1}]}]}"#;
    const CHANGED: &[u8] = br#"{"title":{"default":"Budget"},"questions":[{"title":{"default":"Approve?"},"choices":[{"title":{"default":"Yes now","es":"Si"},"value":0},{"title":{"default":"No"},"value":1}]}]}"#;

    fn listed(url: &str, hash: Option<String>, height: u64) -> Listed {
        Listed {
            metadata_url: url.into(),
            metadata_hash: hash,
            block_height: height,
            tx_hash: format!("{height:064x}"),
            timestamp: "0001-01-01T00:00:00Z".into(),
            ..Listed::default()
        }
    }

    fn hash_of(bytes: &[u8]) -> String {
        hex::encode(sha256(&[bytes]))
    }

    /// Per version: the status from the recorded hash and the bytes.
    #[rstest]
    #[case::verified(Some(hash_of(DOC)), Some(Ok(DOC.to_vec())), MetadataStatus::Verified)]
    #[case::verified_0x(Some(format!("0x{}", hash_of(DOC))), Some(Ok(DOC.to_vec())), MetadataStatus::Verified)]
    #[case::mismatch(Some(hash_of(CHANGED)), Some(Ok(DOC.to_vec())), MetadataStatus::Mismatch)]
    #[case::no_hash(None, Some(Ok(DOC.to_vec())), MetadataStatus::Unrecorded)]
    #[case::empty_hash(Some(String::new()), Some(Ok(DOC.to_vec())), MetadataStatus::Unrecorded)]
    #[case::garbage_hash(Some("zz".into()), Some(Ok(DOC.to_vec())), MetadataStatus::Unrecorded)]
    #[case::gateway_404(Some(hash_of(DOC)), Some(Err("HTTP 404".into())), MetadataStatus::Unreachable)]
    #[case::not_fetched(Some(hash_of(DOC)), None, MetadataStatus::Unreachable)]
    fn status_per_version(
        #[case] hash: Option<String>,
        #[case] document: Option<Result<Vec<u8>, String>>,
        #[case] status: MetadataStatus,
    ) {
        let v = judge(&listed("ipfs://Qm1", hash, 9), document.as_ref());
        assert_eq!(v.status, status, "{v:?}");
        assert_eq!(
            v.reason.is_some(),
            matches!(
                status,
                MetadataStatus::Unrecorded | MetadataStatus::Unreachable
            )
        );
        assert_eq!(v.height, Some(9));
        assert_eq!(v.time, None, "Go's zero time is unknown");
    }

    #[rstest]
    #[case::one_word("Yes please", "Yes now", "Yes [-please-] {+now+}")]
    #[case::added("Yes", "Yes now", "Yes {+now+}")]
    #[case::removed("Yes now", "Yes", "Yes [-now-]")]
    #[case::punctuation("No", "No, as amended", "[-No-] {+No, as amended+}")]
    #[case::same("Yes", "Yes", "Yes")]
    #[case::from_nothing("", "New", "{+New+}")]
    fn word_diffs(#[case] before: &str, #[case] after: &str, #[case] diff: &str) {
        assert_eq!(word_diff(before, after), diff);
    }

    #[test]
    fn a_long_diff_is_cut() {
        let long = "word ".repeat(1_000);
        assert!(word_diff("", &long).chars().count() <= MAX_DIFF_CHARS + 1);
    }

    /// A choice text changed after the first vote: one change, in its language, after voting
    /// started; before the first vote, the same change is not late; a version in between that
    /// cannot be compared breaks the chain of comparisons.
    #[rstest]
    #[case::after_first_vote(12, Some(true))]
    #[case::same_block(10, Some(true))]
    #[case::before_first_vote(8, Some(false))]
    fn choice_change_and_when(#[case] height: u64, #[case] after: Option<bool>) {
        let history = MetadataHistory {
            versions: vec![
                listed("ipfs://A", Some(hash_of(DOC)), 5),
                listed("ipfs://B", Some(hash_of(CHANGED)), height),
            ],
        };
        let documents = BTreeMap::from([
            ("ipfs://A".to_string(), Ok(DOC.to_vec())),
            ("ipfs://B".to_string(), Ok(CHANGED.to_vec())),
        ]);
        let voting = Voting {
            first_vote: Some(10),
            start: None,
        };
        let versions = assess(&history, &documents, voting);
        assert!(versions[0].changes.is_empty());
        assert_eq!(
            versions[1].changes,
            [TextChange {
                field: "question 1 choice 1 [default]".into(),
                diff: "Yes [-please-] {+now+}".into()
            }]
        );
        assert_eq!(versions[1].after_voting_started, after);
    }

    #[test]
    fn unknown_height_falls_back_to_time_then_to_unknown() {
        let voting = Voting {
            first_vote: Some(10),
            start: Some(1_000),
        };
        assert_eq!(voting.after(None, Some(1_001)), Some(true));
        assert_eq!(voting.after(None, Some(999)), Some(false));
        assert_eq!(voting.after(None, None), None);
    }

    #[test]
    fn versions_that_cannot_be_compared_are_not_diffed() {
        let history = MetadataHistory {
            versions: vec![
                listed("ipfs://A", Some(hash_of(DOC)), 5),
                listed("ipfs://B", Some(hash_of(DOC)), 6),
                listed("ipfs://C", None, 7),
            ],
        };
        let documents = BTreeMap::from([
            ("ipfs://A".to_string(), Ok(DOC.to_vec())),
            // B's bytes do not hash to its record: a mismatch, not compared.
            ("ipfs://B".to_string(), Ok(CHANGED.to_vec())),
            ("ipfs://C".to_string(), Ok(b"not json".to_vec())),
        ]);
        let versions = assess(&history, &documents, Voting::default());
        let statuses: Vec<_> = versions.iter().map(|v| v.status).collect();
        assert_eq!(
            statuses,
            [
                MetadataStatus::Verified,
                MetadataStatus::Mismatch,
                MetadataStatus::Unrecorded
            ]
        );
        assert!(versions.iter().all(|v| v.changes.is_empty()));
    }
}
