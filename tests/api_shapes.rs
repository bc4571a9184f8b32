//! Real API shapes (issue "Real API shapes"): every route the fetcher reads, as the Go type that
//! produces it marshals it (vocdoni-node@8e2adfd, saas-backend@fb835a1; README "Real API
//! shapes"), including each `omitempty` variant (absent, zero, present), nil slices (`null`) and
//! numbers beyond 2^53; then the audit of SaaS bodies whose checked fields are unreadable (a
//! located V-CROSS-03 finding, never a refused process), and a property: extra fields anywhere
//! and any value in a field no check reads never change the verdict.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};
use tempfile::TempDir;

use vocaudit::api::node::{
    Block, ChainInfo, Election, ElectionKeys, Scrutiny, TransactionResponse, VoteCount, VoteDetail,
    VoteList,
};
use vocaudit::api::saas::{LegacyProcess, Process, ProcessBundle, ProcessResults};
use vocaudit::api::{from_json_slice, read_lenient};
use vocaudit::fetch::{FetchConfig, Target};
use vocaudit::sim::{scenario, serve_local, FaultPlan, World};
use vocaudit::verify::result::{AuditResult, Status, Verdict};
use vocaudit::verify::{verify, VerifyOptions};

const PID: &str = "65e1a0b2c3d4e5f6a7b8c9d0";
const ELECTION: &str = "c76e3ddacfd9a1e34ce3a47c30240acd02c3e0fb2cdaec4e1775030000000001";

/// `apicommon.VotingProcessResponse` with every field present, in Go's order.
fn go_process(census: Value, question: Value) -> String {
    json!({
        "id": PID, "orgAddress": "0a".repeat(20), "published": true, "census": census,
        "title": {"default": "Assemblea"}, "description": {"default": "Anual"},
        "header": "https://s/h.png", "streamUri": "https://s/stream",
        "startDate": "2024-05-01T10:00:00Z", "endDate": "2024-05-02T10:00:00Z",
        "questions": [question], "chainId": "vocdoni/LTS/1.2",
        "updatedAt": "2024-05-01T09:00:00.123Z"
    })
    .to_string()
}

/// `db.VotingProcessQuestion` as a public read serves it.
fn go_question(results: Value) -> Value {
    let mut q = json!({
        "id": "65e1a0b2c3d4e5f6a7b8c9d1", "parentProcessId": PID, "title": {"default": "Q"},
        "choices": [{"title": {"default": "Yes"}, "value": 0}], "type": "single-choice",
        "typeSetup": {"minChoices": 1, "maxChoices": 1, "uniqueChoices": false, "budget": 0, "costExponent": 1},
        "ballotProtocol": {"maxCount": 1, "maxValue": 1, "maxVoteOverwrites": 0, "costExponent": 1,
                           "maxTotalCost": 0, "uniqueValues": false, "costFromWeight": false},
        "secretUntilTheEnd": false, "upstreamId": ELECTION, "status": "RESULTS"
    });
    if !results.is_null() {
        q["results"] = results;
    }
    q
}

/// `/processes/{id}`: `census.size`/`totalWeight` (`int64,omitempty`), `questions` nil, a draft
/// question (no `upstreamId`, no `results`), `results.results` omitted until a tally exists.
#[rstest::rstest]
#[case::go_numbers(json!({"weighted": false, "authFields": ["memberNumber"], "twoFaFields": ["email"], "groupId": "65e1a0b2c3d4e5f6a7b8c9d2", "size": 30, "totalWeight": 30}), Some("30"), Some("30"))]
#[case::omitempty_absent(json!({"weighted": false}), None, None)]
#[case::zero_from_a_string(json!({"weighted": true, "size": "0", "totalWeight": "0"}), Some("0"), Some("0"))]
#[case::beyond_2_pow_53(json!({"weighted": true, "size": 9007199254740993_u64, "totalWeight": 9223372036854775807_i64}), Some("9007199254740993"), Some("9223372036854775807"))]
fn saas_process_census(
    #[case] census: Value,
    #[case] size: Option<&str>,
    #[case] total_weight: Option<&str>,
) {
    let body = go_process(
        census,
        go_question(
            json!({"voteCount": 3, "maxVoters": 30, "finalResults": true, "results": [["1", "2"]]}),
        ),
    );
    let p: Process = from_json_slice(body.as_bytes()).unwrap();
    assert_eq!(p.census.size.as_ref().map(|s| s.as_str()), size);
    assert_eq!(
        p.census.total_weight.as_ref().map(|s| s.as_str()),
        total_weight
    );
    assert_eq!(p.questions[0].upstream_id, ELECTION);
    // Written back field by field as Go writes it: the simulator serves what it reads (a census
    // number read from a string is written back as Go's number).
    let again: Value = serde_json::to_value(&p).unwrap();
    let served: Value = serde_json::from_str(&body).unwrap();
    if served["census"]["size"].is_number() {
        assert_eq!(again, served);
    }
}

#[rstest::rstest]
#[case::questions_nil(r#"{"id":"a","orgAddress":"","published":false,"census":{"weighted":false},"title":null,"questions":null}"#, 0)]
#[case::draft_question(r#"{"questions":[{"id":"q","parentProcessId":"a","title":null,"choices":null,"type":"","typeSetup":{},"secretUntilTheEnd":false}]}"#, 1)]
#[case::live_question(r#"{"questions":[{"id":"q","upstreamId":"ab","status":"READY","results":{"voteCount":0,"maxVoters":30,"finalResults":false}}]}"#, 1)]
fn saas_process_omitempty_and_nil(#[case] body: &str, #[case] questions: usize) {
    let p: Process = from_json_slice(body.as_bytes()).unwrap();
    assert_eq!(p.questions.len(), questions);
    if let Some(r) = p.questions.first().and_then(|q| q.results.as_ref()) {
        assert_eq!(
            (r.vote_count, r.max_voters, r.final_results),
            (Some(0), Some(30), Some(false))
        );
        assert!(r.results.is_none(), "omitted until a tally exists");
    }
}

/// `/processes/{id}/results`: `VotingProcessQuestionResults` flattens `db.QuestionResults`;
/// `upstreamId` and `results` are `omitempty`; a nil list is `null`; counts are `uint64`.
#[rstest::rstest]
#[case::with_tally(r#"{"id":"a","questions":[{"questionId":"q","upstreamId":"ab","voteCount":18446744073709551615,"maxVoters":30,"finalResults":true,"results":[["123456789012345678901234567890","0"]]}]}"#, Some(u64::MAX), true)]
#[case::no_tally(r#"{"id":"a","questions":[{"questionId":"q","voteCount":0,"maxVoters":0,"finalResults":false}]}"#, Some(0), false)]
#[case::questions_nil(r#"{"id":"a","questions":null}"#, None, false)]
fn saas_results(#[case] body: &str, #[case] vote_count: Option<u64>, #[case] tally: bool) {
    let r: ProcessResults = from_json_slice(body.as_bytes()).unwrap();
    assert_eq!(r.questions.first().and_then(|q| q.vote_count), vote_count);
    assert_eq!(
        r.questions.first().is_some_and(|q| q.results.is_some()),
        tally
    );
}

/// `/process/{id}` (`ProcessInfo` embedding `db.Process`) and `/process/bundle/{id}`
/// (`ProcessBundleInfo` embedding `db.ProcessesBundle`): `common.Address` is `0x` hex, a zero
/// `time.Time` is written in full, nil maps and slices are `null`.
#[rstest::rstest]
#[case::legacy(r#"{"id":"a","address":"ab","orgAdress":"0x0a0a","census":{"id":"b","size":30,"groupId":"000000000000000000000000","published":{"uri":"u","root":"02ab","createdAt":"2024-05-01T10:00:00Z"},"authFields":null,"twoFaFields":null,"createdAt":"0001-01-01T00:00:00Z","updatedAt":"0001-01-01T00:00:00Z"},"metadata":null,"status":"READY","publishedAt":"0001-01-01T00:00:00Z","chainId":"c"}"#)]
#[case::legacy_minimal(r#"{"id":"a","address":"ab","orgAdress":"0x0a0a","census":{},"metadata":null,"publishedAt":"0001-01-01T00:00:00Z","chainId":"c"}"#)]
fn saas_legacy_process(#[case] body: &str) {
    let p: LegacyProcess = from_json_slice(body.as_bytes()).unwrap();
    assert_eq!((p.address.as_str(), p.chain_id.as_str()), ("ab", "c"));
}

#[rstest::rstest]
#[case::processes(
    r#"{"id":"a","census":{"size":2},"orgAddress":"0x0a","processes":["ab","cd"],"chainId":"c"}"#,
    2
)]
#[case::processes_nil(
    r#"{"id":"a","census":{},"orgAddress":"0x0a","processes":null,"chainId":"c"}"#,
    0
)]
fn saas_bundle(#[case] body: &str, #[case] processes: usize) {
    let b: ProcessBundle = from_json_slice(body.as_bytes()).unwrap();
    assert_eq!(b.processes.len(), processes);
}

/// `/elections/{id}`: `api.Election` embedding `ElectionSummary`; `result` (`[][]*BigInt`),
/// `census` (pointer), `keyRevealHeight`/`keyRevealTxHash`, `title`, `metadata` are `omitempty`;
/// the modes are protojson with every field.
#[rstest::rstest]
#[case::results(r#"{"electionId":"ee","organizationId":"0a","status":"RESULTS","startDate":"2024-05-01T10:00:00Z","endDate":"2024-05-02T10:00:00.5+02:00","voteCount":3,"finalResults":true,"result":[["123456789012345678901234567890","1"]],"manuallyEnded":false,"chainId":"c","keyRevealHeight":4294967295,"census":{"censusOrigin":"OFF_CHAIN_TREE_WEIGHTED","censusRoot":"aa","postRegisterCensusRoot":"","censusURL":"ipfs://x","maxCensusSize":18446744073709551615},"metadataURL":"ipfs://m","creationTime":"2024-05-01T09:00:00Z","voteMode":{"serial":false,"anonymous":false,"encryptedVotes":true,"uniqueValues":false,"costFromWeight":false},"electionMode":{"autoStart":true,"interruptible":true,"dynamicCensus":false,"encryptedMetaData":false,"preRegister":false},"tallyMode":{"maxCount":1,"maxValue":2,"maxVoteOverwrites":0,"maxTotalCost":0,"costExponent":1},"metadata":{"title":{"default":"T"},"questions":[{"title":{"default":"Q"},"description":null,"choices":null}]}}"#, true, u64::MAX)]
#[case::no_results_no_census(r#"{"electionId":"ee","organizationId":"0a","status":"READY","startDate":"2024-05-01T10:00:00Z","endDate":"2024-05-02T10:00:00Z","voteCount":0,"finalResults":false,"manuallyEnded":false,"chainId":"c","metadataURL":"","creationTime":"0001-01-01T00:00:00Z","voteMode":{},"electionMode":{},"tallyMode":{}}"#, false, 0)]
fn node_election(#[case] body: &str, #[case] result: bool, #[case] max_census_size: u64) {
    let e: Election = from_json_slice(body.as_bytes()).unwrap();
    assert_eq!(e.result.is_some(), result);
    assert_eq!(e.census.max_census_size, max_census_size);
}

/// `/votes?electionId=…`: a nil `votes` is `null`; `previousPage`/`nextPage` are `*uint64`.
#[rstest::rstest]
#[case::rows(r#"{"votes":[{"txHash":"aa","voteID":"bb","voterID":"cc","electionID":"ee","blockHeight":4294967295,"transactionIndex":0,"blockTime":"2024-05-01T10:00:10Z"}],"pagination":{"totalItems":1,"previousPage":null,"currentPage":0,"nextPage":null,"lastPage":0}}"#, 1)]
#[case::votes_nil(r#"{"votes":null,"pagination":{"totalItems":0,"previousPage":null,"currentPage":0,"nextPage":null,"lastPage":0}}"#, 0)]
#[case::legacy_page(r#"{"votes":[{"voteID":"bb","blockHeight":7}]}"#, 1)]
fn node_vote_list(#[case] body: &str, #[case] rows: usize) {
    let l: VoteList = from_json_slice(body.as_bytes()).unwrap();
    assert_eq!(l.votes.len(), rows);
}

/// `/votes/{id}`: every field of `api.Vote` is `omitempty` (`overwriteCount` absent, zero or
/// present; `weight` a `big.Int` string beyond 2^64; `memo` base64).
#[rstest::rstest]
#[case::overwrite_absent(
    r#"{"voteID":"bb","package":{"votes":[1]},"weight":"1","electionID":"ee","blockHeight":7}"#,
    0,
    "1"
)]
#[case::overwrite_zero(r#"{"txHash":"aa","voteID":"bb","package":{"votes":[1]},"weight":"18446744073709551617","electionID":"ee","voterID":"cc","blockHeight":7,"transactionIndex":0,"overwriteCount":0,"date":"2024-05-01T10:00:10Z"}"#, 0, "18446744073709551617")]
#[case::overwrite_present(r#"{"txHash":"aa","voteID":"bb","encryptionKeys":[1,2],"package":{"encrypted":"AAE="},"weight":"3","electionID":"ee","blockHeight":7,"transactionIndex":2,"overwriteCount":2,"memo":"aGk=","date":"2024-05-01T10:00:10Z"}"#, 2, "3")]
fn node_vote_detail(#[case] body: &str, #[case] overwrites: u32, #[case] weight: &str) {
    let v: VoteDetail = from_json_slice(body.as_bytes()).unwrap();
    assert_eq!((v.overwrite_count, v.weight.as_str()), (overwrites, weight));
}

/// The other node routes: `/scrutiny` (`results` nil is `null`), `/keys` (both `omitempty`),
/// `/votes/count`, `/chain/info`, `/chain/blocks/{h}`, `/chain/transactions/{hash}`.
#[rstest::rstest]
#[case::scrutiny("scrutiny", r#"{"abiEncoded":"0x00","censusRoot":"aa","electionId":"ee","organizationId":"0a","results":[["18446744073709551617"]]}"#)]
#[case::scrutiny_nil(
    "scrutiny",
    r#"{"abiEncoded":"","censusRoot":"","electionId":"ee","organizationId":"0a","results":null}"#
)]
#[case::keys_none("keys", "{}")]
#[case::keys(
    "keys",
    r#"{"publicKeys":[{"index":1,"key":"aa"}],"privateKeys":[{"index":1,"key":"bb"}]}"#
)]
#[case::count("count", r#"{"count":18446744073709551615}"#)]
#[case::chain_info("info", r#"{"chainId":"c","blockTime":[12000,0,0,0,0],"electionCount":1,"organizationCount":1,"genesisTime":"2022-11-17T18:00:57.379551614Z","initialHeight":5467,"height":4294967295,"blockStoreBase":1,"syncing":false,"blockTimestamp":1714557600,"transactionCount":1,"validatorCount":5,"voteCount":1,"circuitVersion":"v1.0.0","maxCensusSize":50000,"networkCapacity":2000}"#)]
#[case::block("block", r#"{"header":{"version":{"block":11},"chainId":"c","height":9007199254740993,"time":"2024-05-01T10:00:00Z","lastBlockId":{"hash":"aa","parts":{"total":0,"hash":""}},"proposerAddress":"0c"},"hash":"dd","txCount":2}"#)]
#[case::transaction("tx", r#"{"tx":{"vote":{"nonce":"aa"}},"txInfo":{"hash":"aa","height":7,"index":0,"type":"vote","subtype":"","signer":"cc"},"signature":"dd"}"#)]
fn node_routes(#[case] model: &str, #[case] body: &str) {
    let b = body.as_bytes();
    let read = match model {
        "scrutiny" => from_json_slice::<Scrutiny>(b).map(drop),
        "keys" => from_json_slice::<ElectionKeys>(b).map(drop),
        "count" => from_json_slice::<VoteCount>(b).map(|c| assert_eq!(c.count, u64::MAX)),
        "info" => {
            from_json_slice::<ChainInfo>(b).map(|i| assert_eq!(i.height, u64::from(u32::MAX)))
        }
        "block" => {
            from_json_slice::<Block>(b).map(|k| assert_eq!(k.header.height, 9007199254740993))
        }
        _ => from_json_slice::<TransactionResponse>(b).map(|t| assert_eq!(t.tx_info.height, 7)),
    };
    read.unwrap();
}

/// A field a check reads with an unexpected type is set aside with its path, never the body.
#[rstest::rstest]
#[case::total_weight_bool(json!({"weighted": false, "size": 30, "totalWeight": true}), "census.totalWeight")]
#[case::size_float(json!({"weighted": false, "size": 30.5}), "census.size")]
#[case::size_hex(json!({"size": "0x1e"}), "census.size")]
fn unreadable_checked_fields_are_set_aside(#[case] census: Value, #[case] path: &str) {
    let body = go_process(census, go_question(Value::Null));
    let (p, unreadable): (Process, _) = read_lenient(body.as_bytes()).unwrap();
    assert_eq!(
        unreadable
            .iter()
            .map(|u| u.path.as_str())
            .collect::<Vec<_>>(),
        [path]
    );
    assert_eq!(p.questions[0].upstream_id, ELECTION, "the rest is read");
}

// ---- the audit of served bodies ----

/// The `saas-csp` world (two questions, each its own election) and its process id.
fn saas_world(votes: usize) -> (World, String) {
    let world = scenario("saas-csp", votes, 7).expect("scenario");
    let pid = world
        .saas_processes
        .keys()
        .next()
        .expect("a process")
        .clone();
    (world, pid)
}

/// Serves `world`, fetches process `pid` into `dir` and verifies the bundle (no rendering).
async fn audit_offline(world: &World, pid: &str, dir: &Path) -> AuditResult {
    let server = serve_local(world, FaultPlan::none()).await.expect("serve");
    let target = Target::Saas {
        base: server.saas_url().parse().expect("saas url"),
        process_id: pid.to_string(),
        bundle_id: None,
    };
    let mut config = FetchConfig::new(
        server.node_url().parse().expect("node url"),
        target,
        dir.join("bundle"),
    );
    config.ipfs_gateways = vec![server.base_url().parse().expect("gateway url")];
    config.quiet = true;
    vocaudit::fetch::run(config).await.expect("fetch");
    server.shutdown().await.expect("shutdown");
    let input = vocaudit::bundle::load::load(&dir.join("bundle")).expect("load");
    let options = VerifyOptions {
        generated_at: Some("2026-06-01T12:00:00Z".into()),
        ..Default::default()
    };
    verify(input, &options)
}

/// Each check's status, process-level ones first then per election.
fn statuses(result: &AuditResult) -> Vec<(String, String, Status)> {
    let process = result
        .checks
        .iter()
        .map(|c| (String::new(), c.id.clone(), c.status));
    let elections = result.elections.iter().flat_map(|e| {
        e.checks
            .iter()
            .map(|c| (e.election_id.clone(), c.id.clone(), c.status))
    });
    process.chain(elections).collect()
}

/// The served process body with its census replaced.
fn with_census(world: &World, pid: &str, census: Value) -> String {
    let mut body = serde_json::to_value(&world.saas_processes[pid].process).unwrap();
    body["census"] = census;
    body.to_string()
}

/// V-CROSS-03 on the served census: a clean Go body passes and reaches report.json; a wrong
/// number or an unreadable field fails at every question's election, naming route and path,
/// while every other check keeps its verdict.
#[rstest::rstest]
#[case::go_numbers(json!({"weighted": false, "size": 6, "totalWeight": 6}), Status::Pass, "")]
#[case::strings(json!({"weighted": false, "size": "6", "totalWeight": "6"}), Status::Pass, "")]
#[case::absent(json!({"weighted": false}), Status::Pass, "")]
#[case::total_weight_differs(json!({"weighted": false, "size": 6, "totalWeight": 7}), Status::Fail, "census.totalWeight differs")]
#[case::fewer_members_than_voters(json!({"weighted": false, "size": 2, "totalWeight": 2}), Status::Fail, "more distinct voters than SaaS /processes/")]
#[case::total_weight_unreadable(json!({"weighted": false, "size": 6, "totalWeight": true}), Status::Fail, " census.totalWeight: ")]
#[case::size_negative(json!({"weighted": true, "size": -1}), Status::Fail, "census.size is not a count")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn census_numbers_are_checked_where_the_audit_reads_them(
    #[case] census: Value,
    #[case] status: Status,
    #[case] says: &str,
) {
    let (mut world, pid) = saas_world(6);
    let clean_dir = TempDir::new().unwrap();
    let clean = audit_offline(&world, &pid, clean_dir.path()).await;
    assert_eq!(clean.verdict, Verdict::Pass);
    let saas = clean
        .saas
        .as_ref()
        .expect("report.json names the SaaS process");
    assert_eq!(
        (
            saas.census_size.as_deref(),
            saas.census_total_weight.as_deref()
        ),
        (Some("6"), Some("6"))
    );

    let body = with_census(&world, &pid, census);
    world.saas_processes.get_mut(&pid).unwrap().process_body = Some(body);
    let dir = TempDir::new().unwrap();
    let result = audit_offline(&world, &pid, dir.path()).await;
    assert_eq!(
        result.elections.len(),
        2,
        "the process is audited, not refused"
    );
    for e in &result.elections {
        let check = e.checks.iter().find(|c| c.id == "V-CROSS-03").unwrap();
        assert_eq!(check.status, status, "{}: {check:?}", e.election_id);
        if status == Status::Fail {
            let finding = check.findings.iter().find(|f| f.message.contains(says));
            let finding = finding.unwrap_or_else(|| panic!("{says:?} in {check:?}"));
            assert!(
                finding.message.contains(&format!("/processes/{pid}")),
                "{}",
                finding.message
            );
            assert_eq!(finding.location.election_id, e.election_id);
        }
    }
    let others = |r: &AuditResult| -> Vec<_> {
        statuses(r)
            .into_iter()
            .filter(|(_, id, _)| id != "V-CROSS-03")
            .collect()
    };
    assert_eq!(others(&result), others(&clean));
}

// ---- property: what no check reads never changes the verdict ----

/// Fields of `/processes/{id}` no check reads, by JSON pointer (`*` = every question).
const UNREAD: &[&str] = &[
    "/published",
    "/title",
    "/description",
    "/header",
    "/streamUri",
    "/startDate",
    "/endDate",
    "/updatedAt",
    "/census/authFields",
    "/census/twoFaFields",
    "/census/groupId",
    "/census/memberIds",
    "/questions/*/parentProcessId",
    "/questions/*/title",
    "/questions/*/description",
    "/questions/*/choices",
    "/questions/*/type",
    "/questions/*/typeSetup",
    "/questions/*/ballotProtocol",
    "/questions/*/secretUntilTheEnd",
    "/questions/*/eligibleMemberIds",
    "/questions/*/metadata",
    "/questions/*/encryptionKeys",
];

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::btree_map("zz[a-z]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every object of `value`, by JSON pointer.
fn objects(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            out.push(at.clone());
            for (k, v) in map {
                objects(v, format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                objects(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Adds `extra` fields at objects picked by their selector, and sets the unread fields picked.
fn mutate(body: &str, extra: &[(usize, String, Value)], unread: &[(usize, Value)]) -> String {
    let mut value: Value = serde_json::from_str(body).unwrap();
    for (pick, field) in unread {
        let pointer = UNREAD[pick % UNREAD.len()];
        let questions = value["questions"].as_array().map_or(0, Vec::len);
        let pointers: Vec<String> = if pointer.contains('*') {
            (0..questions)
                .map(|i| pointer.replace('*', &i.to_string()))
                .collect()
        } else {
            vec![pointer.to_string()]
        };
        for p in pointers {
            let (parent, key) = p.rsplit_once('/').unwrap();
            if let Some(Value::Object(map)) = value.pointer_mut(parent) {
                map.insert(key.to_string(), field.clone());
            }
        }
    }
    for (pick, key, field) in extra {
        let mut all = Vec::new();
        objects(&value, String::new(), &mut all);
        let at = &all[pick % all.len()];
        if let Some(Value::Object(map)) = value.pointer_mut(at) {
            map.insert(key.clone(), field.clone());
        }
    }
    value.to_string()
}

/// Random extra fields anywhere in the served SaaS bodies, and random values in the fields of
/// `/processes/{id}` no check reads, never change any check's status (16 cases, fixed seed).
#[test]
fn what_no_check_reads_never_changes_the_verdict() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (world, pid) = saas_world(4);
    let clean_dir = TempDir::new().unwrap();
    let clean = runtime.block_on(audit_offline(&world, &pid, clean_dir.path()));
    assert_eq!(clean.verdict, Verdict::Pass);
    let process = serde_json::to_string(&world.saas_processes[&pid].process).unwrap();
    let results = serde_json::to_string(&world.saas_processes[&pid].results).unwrap();

    let config = Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let extras = || prop::collection::vec((any::<usize>(), "zz[a-zA-Z]{1,8}", any_json()), 0..6);
    let unread = prop::collection::vec((any::<usize>(), any_json()), 0..6);
    runner
        .run(
            &(extras(), unread, extras()),
            |(extra, unread, extra_results)| {
                let mut world = world.clone();
                let served = world.saas_processes.get_mut(&pid).unwrap();
                served.process_body = Some(mutate(&process, &extra, &unread));
                served.results_body = Some(mutate(&results, &extra_results, &[]));
                let dir = TempDir::new().unwrap();
                let result = runtime.block_on(audit_offline(&world, &pid, dir.path()));
                prop_assert_eq!(result.verdict, clean.verdict);
                prop_assert_eq!(statuses(&result), statuses(&clean));
                Ok(())
            },
        )
        .unwrap();
}
