use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::diag::Origin;
use crate::export::file_entry;

fn entry(id: &str, inputs: &str) -> LearnerEntry {
    LearnerEntry {
        id: id.to_string(),
        directory: id.to_string(),
        inputs: inputs.to_string(),
        files: vec![file_entry(&format!("learners/{id}/clr.json"), b"{}\n")],
        counts: BTreeMap::from([("credentials".to_string(), 1)]),
    }
}

#[test]
fn shards_partition_the_learners_evenly_and_stably() {
    let ids: Vec<String> = (0..10_000).map(|i| format!("S{i:07}")).collect();
    let n = 7;
    let mut seen = BTreeSet::new();
    for k in 1..=n {
        let shard = Shard { index: k, count: n };
        let mine: Vec<&String> = ids.iter().filter(|id| shard.contains(id)).collect();
        // Balanced: within 10% of the mean.
        let mean = ids.len() / n as usize;
        assert!(mine.len().abs_diff(mean) < mean / 10, "shard {k}: {} learners", mine.len());
        for id in mine {
            assert!(seen.insert(id.clone()), "{id} in two shards");
        }
    }
    assert_eq!(seen.len(), ids.len());
    assert!(ids.iter().all(|id| Shard::ALL.contains(id)));
    // Stable: the value is part of the contract (documented); it must not change between versions.
    assert_eq!(Shard::of("N2025001", 4), Shard::of("N2025001", 4));
    assert_eq!(Shard::parse("3/8").map(|s| s.to_string()), Some("3/8".into()));
    assert_eq!(Shard::parse("9/8"), None);
}

#[test]
fn run_fingerprint_depends_on_every_part_and_its_boundaries() {
    let fp = |parts: &[(&str, &[u8])]| {
        let mut f = RunFingerprint::new();
        for (name, bytes) in parts {
            f.bytes(name, bytes);
        }
        f.finish()
    };
    let base = fp(&[("a", b"xy"), ("b", b"z")]);
    assert_eq!(base, fp(&[("a", b"xy"), ("b", b"z")]));
    assert_ne!(base, fp(&[("a", b"x"), ("b", b"yz")]));
    assert_ne!(base, fp(&[("a", b"xy"), ("c", b"z")]));
    assert_ne!(base, fp(&[("a", b"xy")]));
    assert_eq!(base.len(), 64);
}

#[test]
fn learner_fingerprint_ignores_where_rows_are_but_not_what_they_say() {
    let learner = Learner::new("L1", "Ana", "Lima", Origin::line("learners.csv", 2));
    let record = CourseRecord::graded("L1", "F25", "MATH101", 3.0, Some("A"), Origin::line("course_records.csv", 2));
    let mut moved = record.clone();
    moved.origin = Origin::line("course_records.csv", 99);
    let mut regraded = record.clone();
    regraded.grade = Some("B".into());
    let a = learner_fingerprint(&learner, &[&record], &[]);
    assert_eq!(a, learner_fingerprint(&learner, &[&moved], &[]));
    assert_ne!(a, learner_fingerprint(&learner, &[&regraded], &[]));
    assert_ne!(a, learner_fingerprint(&learner, &[], &[]));
}

#[test]
fn reuse_needs_same_inputs_and_every_file_on_disk_as_recorded() {
    let earlier = BTreeMap::from([("L1".to_string(), entry("L1", "h1"))]);
    let present = |_: &FileEntry| true;
    assert_eq!(reuse(&earlier, "L1", "h1", false, present), Reuse::Keep(entry("L1", "h1")));
    assert_eq!(reuse(&earlier, "L1", "h1", true, present), Reuse::Build);
    assert_eq!(reuse(&earlier, "L1", "h2", false, present), Reuse::Build);
    assert_eq!(reuse(&earlier, "L2", "h1", false, present), Reuse::Build);
    assert_eq!(reuse(&earlier, "L1", "h1", false, |_| false), Reuse::Build);
}

#[test]
fn journal_keeps_complete_lines_of_the_same_run_only() {
    let mut bytes = Journal::header("fp", "1/1");
    bytes.extend(Journal::entry(&entry("L1", "a")));
    bytes.extend(Journal::entry(&entry("L2", "b")));
    bytes.extend(Journal::entry(&entry("L1", "c")));
    let torn = Journal::entry(&entry("L3", "d"));
    bytes.extend(&torn[..torn.len() / 2]);
    let finished = Journal::finished(&bytes, "fp", "1/1");
    assert_eq!(finished.keys().collect::<Vec<_>>(), ["L1", "L2"]);
    assert_eq!(finished["L1"].inputs, "c");
    assert!(Journal::finished(&bytes, "other", "1/1").is_empty());
    assert!(Journal::finished(&bytes, "fp", "1/2").is_empty());
    assert!(Journal::finished(b"", "fp", "1/1").is_empty());
    assert_eq!(Journal::file_name(Some("2/8")), ".xtranscript-journal-2-of-8.jsonl");
    // What any run of the shard recorded, with its fingerprint.
    let (fingerprint, recorded) = Journal::read(&bytes, "1/1").unwrap();
    assert_eq!(fingerprint, "fp");
    assert_eq!(recorded.keys().collect::<Vec<_>>(), ["L1", "L2"]);
    assert!(Journal::read(&bytes, "1/2").is_none());
}

#[test]
fn learners_built_before_and_not_now_are_withdrawn_unless_their_directory_is_in_use() {
    let earlier: BTreeMap<String, LearnerEntry> =
        ["L1", "L2", "L3", "l4"].iter().map(|id| (id.to_string(), entry(id, "x"))).collect();
    // L1 is built again, L2 and L3 are not; L5 now uses the directory l4 had.
    let mut l5 = entry("L5", "y");
    l5.directory = "l4".to_string();
    let gone = withdrawn(&earlier, &[entry("L1", "z"), l5]);
    let ids: Vec<_> = gone.iter().map(|w| (w.id.as_str(), w.directory.as_str())).collect();
    assert_eq!(ids, [("L2", "L2"), ("L3", "L3")]);
    assert!(withdrawn(&BTreeMap::new(), &[entry("L1", "z")]).is_empty());
}
