//! Graph tests on small hand-built frameworks, and property tests.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::config::{MasteryConfig, MasteryRule};
use crate::diag::{Code, Diagnostics, Origin};
use crate::model::{
    Alignment, AlignmentSource, AssociationKind, CaseVersion, CfAssociation, CfDocument, CfItem, Course, CourseRecord,
    Framework, Learner, NodeRef, Records,
};

fn item(id: &str) -> CfItem {
    CfItem {
        identifier: id.into(),
        uri: format!("https://f.example/{id}"),
        full_statement: format!("Statement {id}"),
        abbreviated_statement: None,
        human_coding_scheme: Some(id.to_uppercase()),
        list_enumeration: None,
        item_type: None,
        education_level: vec![],
        language: None,
        origin: Origin::line("f.json", 1),
    }
}

fn assoc(kind: AssociationKind, from: &str, to: &str) -> CfAssociation {
    let r = |id: &str| NodeRef { identifier: id.into(), uri: format!("https://f.example/{id}"), title: None };
    CfAssociation {
        identifier: format!("{from}-{to}"),
        kind,
        origin_node: r(from),
        destination_node: r(to),
        sequence_number: None,
        origin: Origin::line("f.json", 2),
    }
}

fn framework(doc: &str, items: &[&str], links: Vec<CfAssociation>) -> Framework {
    Framework {
        case_version: CaseVersion::V1_1,
        document: CfDocument {
            identifier: doc.into(),
            uri: format!("https://f.example/{doc}"),
            title: doc.into(),
            creator: None,
            publisher: None,
            version: None,
            description: None,
            language: None,
            adoption_status: None,
        },
        items: items.iter().map(|i| item(i)).collect(),
        associations: links,
        rubrics: vec![],
        origin: Origin::file(format!("{doc}.json")),
    }
}

/// Records where course `c<k>` aligns to item `leaves[k]` at level `levels[k]`, and
/// the learner passed exactly the courses in `passed`.
fn records(leaves: &[&str], levels: &[u32], passed: &[usize]) -> Records {
    let mut r = Records::default();
    r.learners.insert("L".into(), Learner::new("L", "A", "B", Origin::file("l.csv")));
    for (k, leaf) in leaves.iter().enumerate() {
        let id = format!("c{k}");
        r.courses.insert(
            id.clone(),
            Course {
                id: id.clone(),
                subject: "C".into(),
                number: k.to_string(),
                title: format!("Course {k}"),
                credits: 3.0,
                description: None,
                level: None,
                passing_grade: None,
                institution: None,
                origin: Origin::file("c.csv"),
            },
        );
        r.alignments.push(Alignment {
            source: AlignmentSource::Course(id.clone()),
            competency: (*leaf).into(),
            level: Some(levels[k].to_string()),
            weight: None,
            origin: Origin::line("a.csv", k as u64 + 2),
        });
        if passed.contains(&k) {
            r.course_records.push(CourseRecord::graded(
                "L",
                "T",
                &id,
                3.0,
                Some("A"),
                Origin::line("r.csv", k as u64 + 2),
            ));
        }
    }
    r
}

fn evaluate<'a>(g: &CompetencyGraph, r: &'a Records) -> LearnerCompetencies<'a> {
    g.evaluate(&LearnerEvidence::of(r, "L", None))
}

fn attained<'a>(g: &CompetencyGraph, result: &LearnerCompetencies<'a>, id: &str) -> Option<Attainment<'a>> {
    result.get(g.find_competency(id).unwrap()).cloned()
}

/// doc ← p ← {a, b}; doc ← q ← {c}
fn two_level() -> Framework {
    use AssociationKind::IsChildOf;
    framework(
        "F",
        &["p", "a", "b", "q", "c"],
        vec![
            assoc(IsChildOf, "p", "F"),
            assoc(IsChildOf, "q", "F"),
            assoc(IsChildOf, "a", "p"),
            assoc(IsChildOf, "b", "p"),
            assoc(IsChildOf, "c", "q"),
        ],
    )
}

fn build(frameworks: &[Framework], r: &Records, mastery: &MasteryConfig) -> (CompetencyGraph, Diagnostics) {
    let mut diags = Diagnostics::new();
    let g = CompetencyGraph::build(r, frameworks, mastery, &mut diags);
    (g, diags)
}

#[test]
fn all_rule_needs_every_child() {
    let fws = [two_level()];
    let r = records(&["a", "b"], &[2, 3], &[0]);
    let (g, diags) = build(&fws, &r, &MasteryConfig::default());
    assert!(diags.is_empty(), "{diags:?}");
    let result = evaluate(&g, &r);
    assert_eq!(attained(&g, &result, "a").unwrap().level, 2);
    assert!(attained(&g, &result, "p").is_none());

    let r = records(&["a", "b"], &[2, 3], &[0, 1]);
    let result = evaluate(&g, &r);
    let p = attained(&g, &result, "p").unwrap();
    assert_eq!((p.level, p.derived, p.children.len()), (2, false, 2));
}

#[test]
fn at_least_and_min_level_rules() {
    let fws = [two_level()];
    let mut mastery = MasteryConfig::default();
    mastery.items.insert("P".into(), MasteryRule { at_least: Some(1), min_level: Some(3), ..Default::default() });
    let r = records(&["a", "b"], &[2, 3], &[0]);
    let (g, _) = build(&fws, &r, &mastery);
    assert!(attained(&g, &evaluate(&g, &r), "p").is_none(), "level 2 is below min_level 3");
    let r = records(&["a", "b"], &[2, 3], &[1]);
    assert_eq!(attained(&g, &evaluate(&g, &r), "p").unwrap().level, 3);
}

#[test]
fn crosswalk_marks_derived_and_rolls_up_derived() {
    use AssociationKind::*;
    let mut a = two_level();
    a.associations.push(assoc(ExactMatchOf, "c", "x1"));
    let b = framework("G", &["x", "x1"], vec![assoc(IsChildOf, "x", "G"), assoc(IsChildOf, "x1", "x")]);
    let r = records(&["c"], &[2], &[0]);
    let (g, diags) = build(&[a, b], &r, &MasteryConfig::default());
    assert!(diags.is_empty(), "{diags:?}");
    let result = evaluate(&g, &r);
    assert!(!attained(&g, &result, "q").unwrap().derived);
    let x1 = attained(&g, &result, "x1").unwrap();
    assert!(x1.derived);
    assert_eq!(x1.crosswalk_from, Some(g.find_competency("c").unwrap()));
    assert!(attained(&g, &result, "x").unwrap().derived);
}

#[test]
fn cycles_are_reported_with_their_path() {
    use AssociationKind::*;
    let f = framework(
        "F",
        &["a", "b", "c"],
        vec![
            assoc(IsChildOf, "a", "b"),
            assoc(IsChildOf, "b", "c"),
            assoc(IsChildOf, "c", "a"),
            assoc(Precedes, "a", "a"),
        ],
    );
    let (_, diags) = build(&[f], &Records::default(), &MasteryConfig::default());
    let cycles: Vec<&str> = diags.iter().filter(|d| d.code == Code::Cycle).map(|d| d.message.as_str()).collect();
    assert_eq!(cycles, vec!["isChildOf cycle: A → B → C → A", "precedes cycle: A → A"]);
}

#[test]
fn bad_references_are_diagnosed() {
    let mut r = records(&["a", "nope"], &[1, 1], &[]);
    let other = framework("G", &["a"], vec![]);
    r.alignments.push(Alignment {
        source: AlignmentSource::Course("c0".into()),
        competency: "A".into(),
        level: None,
        weight: None,
        origin: Origin::line("a.csv", 9),
    });
    let (_, diags) = build(&[two_level(), other], &r, &MasteryConfig::default());
    let codes: BTreeMap<Code, usize> = diags.iter().fold(BTreeMap::new(), |mut m, d| {
        *m.entry(d.code).or_default() += 1;
        m
    });
    assert_eq!(codes.get(&Code::UnknownCompetency), Some(&1));
    assert_eq!(codes.get(&Code::DuplicateAcrossFrameworks), Some(&1));
    // "a" of G is left out, so "A" still names one item and is not ambiguous.
    assert_eq!(codes.get(&Code::AmbiguousCompetency), None);
}

#[test]
fn unreachable_items_are_warned_about() {
    let mut f = two_level();
    f.items.push(item("lost"));
    let (_, diags) = build(&[f], &Records::default(), &MasteryConfig::default());
    let d: Vec<_> = diags.iter().filter(|d| d.code == Code::Unreachable).collect();
    assert_eq!(d.len(), 1);
    assert!(d[0].message.starts_with("LOST "), "{}", d[0].message);
}

/// A random forest: item k's parent is an earlier item or the document.
fn forest(parents: &[Option<usize>]) -> (Framework, Vec<String>) {
    let names: Vec<String> = (0..parents.len()).map(|k| format!("i{k}")).collect();
    let links = parents
        .iter()
        .enumerate()
        .map(|(k, p)| assoc(AssociationKind::IsChildOf, &names[k], p.map_or("F", |p| names[p].as_str())))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    (framework("F", &refs, links), names)
}

fn forest_strategy() -> impl Strategy<Value = Vec<Option<usize>>> {
    (2usize..24).prop_flat_map(|n| {
        (0..n)
            .map(|k| if k == 0 { Just(None).boxed() } else { prop::option::weighted(0.85, 0..k).boxed() })
            .collect::<Vec<_>>()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn more_evidence_never_removes_a_competency(parents in forest_strategy(), seed in prop::collection::vec((0usize..64, 1u32..4), 1..30), cut in 0usize..30) {
        let (f, names) = forest(&parents);
        let leaves: Vec<&str> = seed.iter().map(|(k, _)| names[k % names.len()].as_str()).collect();
        let levels: Vec<u32> = seed.iter().map(|(_, l)| *l).collect();
        let all: Vec<usize> = (0..leaves.len()).collect();
        let some: Vec<usize> = all.iter().copied().filter(|k| *k < cut).collect();
        let fws = [f];
        let r_all = records(&leaves, &levels, &all);
        let r_some = records(&leaves, &levels, &some);
        let (g, _) = build(&fws, &r_all, &MasteryConfig::default());
        let more = evaluate(&g, &r_all);
        for (id, a) in evaluate(&g, &r_some).iter() {
            let b = more.get(id);
            prop_assert!(b.is_some_and(|b| b.level >= a.level), "{} lost", g.node(id).key);
        }
    }

    #[test]
    fn under_all_a_parent_is_attained_iff_all_children_are(parents in forest_strategy(), seed in prop::collection::vec(0usize..64, 1..30)) {
        let (f, names) = forest(&parents);
        let has_children: Vec<bool> = (0..names.len()).map(|k| parents.contains(&Some(k))).collect();
        // Evidence only on childless items, so every parent's status is its rule's.
        let leaves: Vec<&str> = seed.iter().map(|k| k % names.len()).filter(|&k| !has_children[k]).map(|k| names[k].as_str()).collect();
        let levels = vec![1; leaves.len()];
        let passed: Vec<usize> = (0..leaves.len()).collect();
        let r = records(&leaves, &levels, &passed);
        let (g, _) = build(&[f], &r, &MasteryConfig::default());
        let result = evaluate(&g, &r);
        for (k, name) in names.iter().enumerate().filter(|(k, _)| has_children[*k]) {
            let id = g.find_competency(name).unwrap();
            let all_children = g.children(id).iter().all(|c| result.get(*c).is_some());
            prop_assert_eq!(result.get(id).is_some(), all_children, "item {}", k);
        }
    }

    #[test]
    fn crosswalk_applies_once_and_terminates(n in 2usize..12, pairs in prop::collection::vec((0usize..12, 0usize..12, any::<bool>()), 0..30), passed in prop::collection::vec(0usize..12, 1..6)) {
        use AssociationKind::*;
        let a_names: Vec<String> = (0..n).map(|k| format!("a{k}")).collect();
        let b_names: Vec<String> = (0..n).map(|k| format!("b{k}")).collect();
        // Exact matches within and across frameworks, cycles included.
        let links: Vec<CfAssociation> = pairs.iter().map(|&(x, y, across)| {
            let to = if across { &b_names[y % n] } else { &a_names[y % n] };
            assoc(ExactMatchOf, &a_names[x % n], to)
        }).collect();
        let refs = |v: &Vec<String>| v.iter().map(String::clone).collect::<Vec<_>>();
        let (a_refs, b_refs) = (refs(&a_names), refs(&b_names));
        let fa = framework("A", &a_refs.iter().map(String::as_str).collect::<Vec<_>>(), links);
        let fb = framework("B", &b_refs.iter().map(String::as_str).collect::<Vec<_>>(), vec![]);
        let leaves: Vec<&str> = passed.iter().map(|k| a_names[k % n].as_str()).collect();
        let levels = vec![2; leaves.len()];
        let all: Vec<usize> = (0..leaves.len()).collect();
        let r = records(&leaves, &levels, &all);
        let (g, _) = build(&[fa, fb], &r, &MasteryConfig::default());
        let result = evaluate(&g, &r);
        for (id, a) in result.iter() {
            if let Some(from) = a.crosswalk_from {
                prop_assert!(a.derived);
                let source = result.get(from).expect("the source is attained");
                prop_assert!(!source.derived, "{} was carried from a derived competency", g.node(id).key);
                prop_assert!(g.exact_matches(from).contains(&id));
            }
        }
    }

    #[test]
    fn a_planted_cycle_is_always_reported(parents in forest_strategy(), at in 0usize..24, len in 1usize..5) {
        let (mut f, names) = forest(&parents);
        // Plant a cycle of `len` isChildOf edges among distinct items.
        let n = names.len();
        let members: Vec<&str> = (0..len.min(n)).map(|k| names[(at + k) % n].as_str()).collect();
        for k in 0..members.len() {
            f.associations.push(assoc(AssociationKind::IsChildOf, members[k], members[(k + 1) % members.len()]));
        }
        let (_, diags) = build(&[f], &Records::default(), &MasteryConfig::default());
        prop_assert!(diags.iter().any(|d| d.code == Code::Cycle));
    }
}

/// An isChildOf chain `n` items deep (`i0` under the document, `i<k>` under `i<k-1>`), a course aligned to
/// the deepest item.
fn chain(n: usize) -> (Framework, Records) {
    let names: Vec<String> = (0..n).map(|k| format!("i{k}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let links = (0..n)
        .map(|k| assoc(AssociationKind::IsChildOf, &names[k], if k == 0 { "F" } else { &names[k - 1] }))
        .collect();
    (framework("F", &refs, links), records(&[&names[n - 1]], &[1], &[0]))
}

/// A deep chain builds, validates and rolls up without recursion (no stack overflow) and in linear time
/// (not timed here: `cargo bench --bench graph` measures chains of 100k and 1M items).
#[test]
fn a_chain_of_100k_items_builds_and_rolls_up() {
    let (fw, r) = chain(100_000);
    let fws = [fw];
    let (g, diags) = build(&fws, &r, &MasteryConfig::default());
    assert!(!diags.has_errors(), "{:?}", diags.iter().next());
    let result = evaluate(&g, &r);
    assert_eq!(result.len(), 100_000);
    assert!(attained(&g, &result, "i0").is_some());
}
