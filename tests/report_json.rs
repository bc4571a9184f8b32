//! report.json against schema/report.schema.json. The schema is checked by a small validator
//! for the keywords the schema uses; it refuses any other keyword, so the schema cannot grow a
//! constraint this test silently ignores. Mutated reports prove the validator can fail.

mod report_common;

use std::path::Path;

use report_common::*;
use serde_json::{json, Map, Value};
use vocaudit::report::{to_json_pretty, write_json};
use vocaudit::verify::result::{
    AuditResult, Category, ChoiceReading, ChoiceTotal, ElectionHistory, HistoryEvent,
    MetadataStatus, MetadataVersion, TextChange,
};

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/report.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Validates `value` against `node`; returns every violation as "path: reason".
fn validate(root: &Value, node: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let schema = node.as_object().expect("schema node is an object");
    for key in schema.keys() {
        assert!(
            [
                "$schema",
                "$id",
                "$defs",
                "$ref",
                "title",
                "description",
                "type",
                "properties",
                "required",
                "additionalProperties",
                "items",
                "enum",
                "const",
                "minimum",
                "minItems",
                "maxItems",
            ]
            .contains(&key.as_str()),
            "schema keyword {key} at {path} is not understood by this test"
        );
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        validate(root, &root["$defs"][name], value, path, errors);
    }
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_u64() || value.is_i64(),
            other => panic!("type {other}"),
        };
        if !ok {
            errors.push(format!("{path}: expected {t}, got {value}"));
            return;
        }
    }
    if let Some(c) = schema.get("const") {
        if c != value {
            errors.push(format!("{path}: expected {c}, got {value}"));
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(value) {
            errors.push(format!("{path}: {value} not in {e:?}"));
        }
    }
    if let Some(min) = schema.get("minimum").and_then(Value::as_i64) {
        if value.as_i64().is_some_and(|v| v < min) {
            errors.push(format!("{path}: below {min}"));
        }
    }
    if let Some(items) = value.as_array() {
        let len = items.len() as u64;
        if schema
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| len < m)
            || schema
                .get("maxItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| len > m)
        {
            errors.push(format!("{path}: {len} items"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                validate(root, item_schema, item, &format!("{path}[{i}]"), errors);
            }
        }
    }
    if let Some(object) = value.as_object() {
        let empty = Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = required.as_str().unwrap();
            if !object.contains_key(name) {
                errors.push(format!("{path}: missing {name}"));
            }
        }
        for (key, v) in object {
            match properties.get(key) {
                Some(p) => validate(root, p, v, &format!("{path}.{key}"), errors),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{path}: unexpected property {key}"))
                }
                None => {}
            }
        }
    }
}

fn violations(value: &Value) -> Vec<String> {
    let root = schema();
    let mut errors = Vec::new();
    validate(&root, &root, value, "$", &mut errors);
    errors
}

fn as_json(result: &AuditResult) -> Value {
    serde_json::from_str(&to_json_pretty(result).unwrap()).unwrap()
}

/// A passing report whose first election was ended by hand, with its history.
fn with_history() -> AuditResult {
    let mut result = passing();
    result.elections[0].history = Some(ElectionHistory {
        events: vec![HistoryEvent {
            height: 1000,
            index: 0,
            time: Some("2025-03-01T08:00:00Z".into()),
            tx_hash: "cd".repeat(32),
            kind: "created".into(),
            description: "created (start 2025-03-01T08:00:10Z, duration 122400 s)".into(),
            signer: Some("12".repeat(20)),
        }],
        metadata_versions: vec![MetadataVersion {
            url: "ipfs://QmY".into(),
            recorded_hash: Some("ef".repeat(32)),
            computed_hash: Some("ef".repeat(32)),
            status: MetadataStatus::Verified,
            reason: None,
            height: Some(1100),
            tx_hash: Some("01".repeat(32)),
            time: Some("2025-03-01T10:00:00Z".into()),
            changes: vec![TextChange {
                field: "question 1 choice 1 [default]".into(),
                diff: "Yes [-please-] {+now+}".into(),
            }],
            after_voting_started: Some(true),
        }],
        ..ended_by_hand(
            "2025-03-02T18:00:00Z",
            "2025-03-01T14:00:10Z",
            1210,
            Some("ab".repeat(32)),
        )
    });
    result
}

/// A passing report whose first election is read by choice (a multiple-choice ballot with
/// abstentions, one published total unknown).
fn with_reading() -> AuditResult {
    let mut result = passing();
    let total = |values: Vec<u64>, n: &str| ChoiceTotal {
        values,
        computed: Some(n.into()),
        published: Some(n.into()),
        of_counted: Some("12.50".into()),
    };
    result.elections[0].by_choice = Some(ChoiceReading {
        mode: "multiple-choice".into(),
        choices: vec![
            total(vec![0], "5"),
            ChoiceTotal {
                published: None,
                ..total(vec![1], "3")
            },
        ],
        abstain: Some(total(vec![2, 3], "2")),
    });
    result
}

#[test]
fn generated_reports_conform_to_the_schema() {
    for (name, result) in [
        ("passing", passing()),
        ("failing", failing()),
        ("hostile", hostile()),
        ("history", with_history()),
        ("by choice", with_reading()),
    ] {
        let errors = violations(&as_json(&result));
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn the_schema_rejects_what_the_contract_forbids() {
    let good = as_json(&failing());
    type Mutation = (&'static str, fn(&mut Value));
    let mutations: Vec<Mutation> = vec![
        ("unknown verdict", |v| v["verdict"] = json!("maybe")),
        ("unknown category", |v| {
            v["elections"][0]["checks"][0]["category"] = json!("vibes")
        }),
        ("unknown status", |v| {
            v["elections"][0]["checks"][0]["status"] = json!("ok")
        }),
        ("missing electionId", |v| {
            v["elections"][0]
                .as_object_mut()
                .unwrap()
                .remove("electionId");
        }),
        ("cell of three", |v| {
            v["elections"][0]["checks"][0]["findings"][0]["location"]["cell"] = json!([0, 1, 2])
        }),
        ("numeric tally", |v| {
            v["elections"][0]["tally"]["computed"][0][0] = json!(120)
        }),
        ("extra field", |v| {
            v["elections"][0]["checks"][0]["findings"][0]["location"]["row"] = json!(1)
        }),
        ("negative count", |v| {
            v["elections"][0]["votes"]["listed"] = json!(-1)
        }),
        ("unknown visibility", |v| {
            v["elections"][0]["resultsVisibility"] = json!("sometimes")
        }),
        ("numeric percentage", |v| {
            v["elections"][0]["shares"]["ofCounted"][0][0] = json!(60.0)
        }),
        ("turnout without weighted", |v| {
            v["elections"][0]["turnout"]
                .as_object_mut()
                .unwrap()
                .remove("weighted");
        }),
        ("wrong schema id", |v| {
            v["schema"] = json!("vocaudit.report/1")
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!violations(&bad).is_empty(), "schema accepted: {what}");
    }
}

#[test]
fn schema_categories_are_exactly_the_report_categories() {
    let all = [
        Category::Tally,
        Category::Ballot,
        Category::Census,
        Category::Weight,
        Category::Signature,
        Category::Nullifier,
        Category::TxHash,
        Category::Keys,
        Category::Window,
        Category::Count,
        Category::CrossSource,
        Category::ProcessId,
        Category::Bundle,
        Category::History,
        Category::Zk,
    ];
    let names: Vec<Value> = all.iter().map(|c| json!(c.as_str())).collect();
    assert_eq!(
        schema()["$defs"]["check"]["properties"]["category"]["enum"],
        Value::Array(names)
    );
    for c in all {
        assert_eq!(serde_json::to_value(c).unwrap(), json!(c.as_str()));
    }
}

#[test]
fn report_json_round_trips_with_keys_in_struct_order() {
    let result = failing();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    write_json(&result, &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let back: AuditResult = serde_json::from_str(&text).unwrap();
    assert_eq!(back, result);
    assert_eq!(
        text,
        to_json_pretty(&result).unwrap(),
        "same input, same bytes"
    );
    let top: Vec<usize> = [
        "\"schema\"",
        "\"tool\"",
        "\"generatedAt\"",
        "\"verdict\"",
        "\"source\"",
        "\"bundle\"",
        "\"checks\"",
        "\"elections\"",
    ]
    .iter()
    .map(|k| text.find(k).unwrap())
    .collect();
    assert!(
        top.windows(2).all(|w| w[0] < w[1]),
        "top-level keys out of order: {top:?}"
    );
    assert!(text.starts_with("{\n  \"schema\": \"vocaudit.report/2\""));
    // The tampered run says so in the machine contract, with its location.
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["verdict"], "fail");
    let tally = &v["elections"][0]["checks"][0];
    assert_eq!(
        (tally["id"].as_str(), tally["status"].as_str()),
        (Some("V-TALLY-01"), Some("fail"))
    );
    assert_eq!(tally["findings"][0]["location"]["cell"], json!([0, 1]));
}
