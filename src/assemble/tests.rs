//! Assembly on the bundled samples: schema validity, determinism, transfer credit.

use super::*;
use crate::config::RepeatPolicy;

use super::fixtures::{assembler, samples};

#[test]
fn every_sample_learner_is_schema_valid() {
    let (input, graph) = samples();
    let a = assembler(&input, &graph);
    for id in input.records.learners.keys() {
        let clr = a.learner(id).unwrap().unsigned();
        let errors = validate::clr_errors(&clr);
        assert!(errors.is_empty(), "{id}: {errors:#?}");
    }
}

#[test]
fn assembly_is_deterministic() {
    let (input, graph) = samples();
    let a = assembler(&input, &graph);
    let one = serde_json::to_string(&a.learner("N2025020").unwrap().unsigned()).unwrap();
    let two = serde_json::to_string(&a.learner("N2025020").unwrap().unsigned()).unwrap();
    assert_eq!(one, two);
}

#[test]
fn schema_validation_catches_a_broken_credential() {
    let (input, graph) = samples();
    let mut clr = assembler(&input, &graph).learner("N2025020").unwrap().unsigned();
    clr["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["identifier"][0]["identityType"] =
        "studentId".into();
    clr.as_object_mut().unwrap().remove("validFrom");
    let errors = validate::clr_errors(&clr);
    assert!(errors.iter().any(|e| e.starts_with("clr") && e.contains("validFrom")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.starts_with("verifiableCredential/0/credentialSubject/identifier")), "{errors:#?}");
}

#[test]
fn transfer_learner_gets_transfer_credit_from_pesc() {
    let (input, graph) = samples();
    let t = assembler(&input, &graph).learner("N2025007").unwrap();
    let transfer: Vec<_> =
        t.records.iter().zip(&t.standings.records).filter(|(_, c)| c.standing == Standing::Transfer).collect();
    assert!(transfer.len() >= 10, "{} transfer records", transfer.len());
    assert!(transfer.iter().any(|(r, _)| r.transfer_institution.as_deref() == Some("Lakeshore Community College")));
    let clr = t.unsigned();
    let creators: Vec<&str> = clr["credentialSubject"]["achievement"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["creator"]["name"].as_str())
        .collect();
    assert!(creators.contains(&"Lakeshore Community College"));
    assert!(t.standings.overall.transfer.earned.value() > 0.0);
}

/// Issue #14.0: the 17 transfer rows of N2025001 in samples/course_records.csv state their credits
/// earned, 58 in all (summed from the rows with awk; grade TR, which ranks below the passing grade D
/// in the scale): every one is kept.
#[test]
fn sample_transfer_credit_is_what_the_export_states() {
    let (input, graph) = samples();
    let t = assembler(&input, &graph).learner("N2025001").unwrap();
    let rows: Vec<_> = t.records.iter().zip(&t.standings.records).filter(|(r, _)| r.transfer).collect();
    assert_eq!(rows.len(), 17);
    for (r, c) in &rows {
        assert_eq!(Some(c.earned.value()), r.credits_earned, "{}", r.id);
    }
    assert_eq!(t.standings.overall.transfer.earned.to_string(), "58.00");
    let clr = t.unsigned();
    let earned: f64 = clr["credentialSubject"]["verifiableCredential"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["description"].as_str().is_some_and(|d| d.starts_with("Transfer credit")))
        .map(|c| c["credentialSubject"]["creditsEarned"].as_f64().unwrap())
        .sum();
    assert_eq!(earned, 58.0);
}

/// The course credential of `record_id` in an assembled CLR.
fn course_credential_of(clr: &Value, name_part: &str, term: &str) -> Value {
    clr["credentialSubject"]["verifiableCredential"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["credentialSubject"]["achievement"]["achievementType"] == "Course"
                && c["name"].as_str().unwrap().contains(name_part)
                && c["credentialSubject"]["term"] == term
        })
        .cloned()
        .unwrap_or_else(|| panic!("no {name_part} credential in {term}"))
}

/// Issue #14.1: N2025021 failed MATH 151 in Fall 2024 (F) and repeated it in Spring 2025 (C+). Under
/// `last` and `highest` the F is replaced: its credential still says Failed, and machine-readably
/// that it no longer counts (an `ext:RepeatStatus` result `Replaced`); under `all` it is Failed and counts.
#[test]
fn a_replaced_attempt_says_failed_and_replaced_under_every_policy() {
    let (mut input, graph) = samples();
    for (policy, replaced) in [(RepeatPolicy::Last, true), (RepeatPolicy::Highest, true), (RepeatPolicy::All, false)] {
        input.config.as_mut().unwrap().transcript.repeat_policy = policy;
        let t = assembler(&input, &graph).learner("N2025021").unwrap();
        let clr = t.unsigned();
        let first = course_credential_of(&clr, "MATH 151", "Fall 2024");
        let results = first["credentialSubject"]["result"].as_array().unwrap();
        assert_eq!(results[0]["status"], "Failed", "{policy:?}: {first:#}");
        let repeat = results.iter().find(|r| {
            first["credentialSubject"]["achievement"]["resultDescription"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["id"] == r["resultDescription"] && d["resultType"] == "ext:RepeatStatus")
        });
        match replaced {
            true => assert_eq!(repeat.map(|r| r["value"].clone()), Some("Replaced".into()), "{policy:?}"),
            false => assert!(repeat.is_none(), "{policy:?}: nothing was replaced"),
        }
        let second = course_credential_of(&clr, "MATH 151", "Spring 2025");
        let results = second["credentialSubject"]["result"].as_array().unwrap();
        assert_eq!(results[0]["status"], "Completed");
        if replaced {
            assert_eq!(results[1]["value"], "Counted", "{policy:?}");
        }
        let row = t.records.iter().zip(&t.standings.records).find(|(r, _)| r.id == "ENR-00413").unwrap().1;
        assert_eq!((row.standing, row.replaced), (Standing::Failed, replaced), "{policy:?}");
    }
}
