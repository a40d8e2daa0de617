use serde_json::Value;

use super::*;
use crate::status::list::read_list_json;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");
const LIST_1: &str = "https://registrar.example.edu/status/1";
const LIST_2: &str = "https://registrar.example.edu/status/2";

fn json(path: &str) -> Value {
    read_list_json(&std::fs::read(format!("{DIR}/{path}")).unwrap()).unwrap()
}

fn lists(entries: &[(&str, &str)]) -> StatusLists {
    let mut lists = StatusLists::default();
    for (url, path) in entries {
        lists.insert(url.to_string(), json(path));
    }
    lists
}

fn check(lists: &StatusLists, credential: &str, require_status: bool) -> StatusReport {
    let options = StatusOptions {
        resolve: &sign::resolve_did_key,
        now: Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
        require_status,
        issuer_check: true,
        controller_check: true,
    };
    lists.check(&json(credential), &options)
}

#[test]
fn unset_bit_is_ok_with_a_note_and_set_bit_is_revoked() {
    let lists = lists(&[(LIST_1, "refverify-status/lists/status-list-1.json")]);
    let ok = check(&lists, "refverify-status/credential-index5.json", true);
    assert!(ok.problems.is_empty(), "{ok:?}");
    assert_eq!(ok.notes, [format!("status checked: revocation bit 5 of {LIST_1} unset")]);
    let revoked = check(&lists, "refverify-status/credential-index7.json", false);
    assert_eq!(revoked.problems, [format!("revoked (bit 7 of {LIST_1})")]);
}

#[test]
fn suspension_list_suspends() {
    let lists = lists(&[
        (LIST_1, "refverify-status/lists/status-list-1.json"),
        (LIST_2, "refverify-status/lists/status-list-2.json"),
    ]);
    let report = check(&lists, "refverify-status/credential-suspended.json", false);
    assert_eq!(report.problems, [format!("suspended (bit 9 of {LIST_2})")]);
}

#[test]
fn a_missing_list_is_a_note_or_under_require_status_a_problem() {
    let none = StatusLists::default();
    let report = check(&none, "refverify-status/credential-index7.json", false);
    assert!(report.problems.is_empty());
    assert_eq!(report.notes, [format!("status not checked: {LIST_1} not available offline")]);
    let required = check(&none, "refverify-status/credential-index7.json", true);
    assert_eq!(required.problems.len(), 1);
}

#[test]
fn other_status_types_are_noted_not_passed() {
    let none = StatusLists::default();
    let report = check(&none, "refverify-status/credential-1edtech-revocation-list.json", false);
    assert!(report.problems.is_empty());
    assert!(report.notes[0].contains("unsupported status type \"1EdTechRevocationList\""), "{report:?}");
    assert_eq!(check(&none, "refverify-status/credential-1edtech-revocation-list.json", true).problems.len(), 1);
}

#[test]
fn short_or_mistyped_or_tampered_lists_fail() {
    for path in [
        "refverify-status/negative/status-list-1-short.json",
        "refverify-status/negative/status-list-1-wrong-type.json",
    ] {
        let report = check(&lists(&[(LIST_1, path)]), "refverify-status/credential-index5.json", false);
        assert_eq!(report.problems.len(), 1, "{path}: {report:?}");
    }
    let mut tampered = json("refverify-status/lists/status-list-1.json");
    tampered["credentialSubject"]["encodedList"] = Value::String(crate::status::Bitstring::new(0).encode());
    let mut lists = StatusLists::default();
    lists.insert(LIST_1.to_string(), tampered);
    let report = check(&lists, "refverify-status/credential-index7.json", false);
    assert!(report.problems[0].contains("proof 0"), "{report:?}");
}

#[test]
fn the_purpose_must_match_the_list() {
    let lists = lists(&[(LIST_1, "refverify-status/lists/status-list-2.json")]);
    let report = check(&lists, "refverify-status/credential-index5.json", false);
    assert!(report.problems[0].contains("is for suspension"), "{report:?}");
}

#[test]
fn one_edtech_sample_numeric_index_is_read_with_a_note() {
    let url = "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist";
    let lists = lists(&[(url, "samples/ob/testlist.json")]);
    let options = StatusOptions {
        resolve: &|vm: &str| sign::key_from_fragment(vm),
        now: Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
        require_status: false,
        issuer_check: true,
        controller_check: true,
    };
    let report = lists.check(&json("samples/ob/credential-status-revoked.json"), &options);
    assert_eq!(report.problems, [format!("revoked (bit 23 of {url})")]);
    assert!(report.notes[0].contains("JSON number"), "{report:?}");
}

#[test]
fn indices_are_base_10_strings() {
    assert_eq!(parse_index("94567"), Some(94_567));
    for bad in ["", "0x17", "7abc", "-1", "+1", " 1", "1234567890123"] {
        assert_eq!(parse_index(bad), None, "{bad}");
    }
}

#[test]
fn a_source_gives_the_lists_not_given_once_each_and_its_failures_are_said() {
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = asked.clone();
    let mut lists = StatusLists::default();
    lists.set_source(ListSource(Box::new(move |url| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match url {
            LIST_1 => Ok(json("refverify-status/lists/status-list-1.json")),
            _ => Err("HTTP status 404".to_string()),
        }
    })));
    let revoked = check(&lists, "refverify-status/credential-index7.json", false);
    assert_eq!(revoked.problems, [format!("revoked (bit 7 of {LIST_1})")]);
    let ok = check(&lists, "refverify-status/credential-index5.json", true);
    assert!(ok.problems.is_empty(), "{ok:?}");
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1, "one fetch per URL");
    let unfetched = check(&lists, "refverify-status/credential-suspended.json", true);
    let why = format!("status not checked: {LIST_2} could not be fetched: HTTP status 404");
    assert!(unfetched.problems.contains(&why), "{unfetched:?}");
}
