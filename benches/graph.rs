//! Competency graph at scale: a framework of 100,000 items with 1,000,000
//! alignments (build time), and per-learner evaluation (median over many learners);
//! isChildOf chains of 100,000 and 1,000,000 items (build, validation, roll-up); and
//! diagnostic positions for 100,000 and 1,000,000 offsets in one minified line.
//! Run: `cargo bench --bench graph` (prints its figures); `cargo bench --bench graph -- chains` runs only the
//! chains and positions.

use std::hint::black_box;
use std::time::{Duration, Instant};

use xtranscript::config::MasteryConfig;
use xtranscript::diag::{Diagnostics, Origin};
use xtranscript::graph::{CompetencyGraph, LearnerEvidence};
use xtranscript::model::{
    Alignment, AlignmentSource, AssociationKind, CaseVersion, CfAssociation, CfDocument, CfItem, Course, CourseRecord,
    Framework, NodeRef, Records,
};

const ITEMS: usize = 100_000;
const FANOUT: usize = 8;
const ALIGNMENTS: usize = 1_000_000;
const LEARNERS: usize = 2_000;
const COURSES_PER_LEARNER: usize = 40;

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn item_id(k: usize) -> String {
    format!("00000000-0000-4000-8000-{k:012}")
}

/// `n` items, each item k > 0 a child of item `parent(k)`, item 0 a child of the document.
fn tree(
    n: usize,
    statement: &str,
    parent: impl Fn(usize) -> usize,
    origin: &Origin,
) -> (Vec<CfItem>, Vec<CfAssociation>) {
    let node = |id: String| NodeRef { uri: format!("https://bench.example/{id}"), identifier: id, title: None };
    let items = (0..n)
        .map(|k| CfItem {
            identifier: item_id(k),
            uri: format!("https://bench.example/{}", item_id(k)),
            full_statement: format!("{statement} {k}"),
            abbreviated_statement: None,
            human_coding_scheme: Some(format!("B.{k}")),
            list_enumeration: None,
            item_type: None,
            education_level: vec![],
            language: None,
            origin: origin.clone(),
        })
        .collect();
    let associations = (0..n)
        .map(|k| CfAssociation {
            identifier: format!("a{k}"),
            kind: AssociationKind::IsChildOf,
            origin_node: node(item_id(k)),
            destination_node: node(if k == 0 { "doc".to_string() } else { item_id(parent(k)) }),
            sequence_number: None,
            origin: origin.clone(),
        })
        .collect();
    (items, associations)
}

fn framework() -> Framework {
    let origin = Origin::file("bench.json");
    // A complete tree: item k's parent is (k - 1) / FANOUT.
    let (items, associations) = tree(ITEMS, "Competency statement number", |k| (k - 1) / FANOUT, &origin);
    Framework {
        case_version: CaseVersion::V1_1,
        document: CfDocument {
            identifier: "doc".into(),
            uri: "https://bench.example/doc".into(),
            title: "Bench".into(),
            creator: None,
            publisher: None,
            version: None,
            description: None,
            language: None,
            adoption_status: None,
        },
        items,
        associations,
        rubrics: vec![],
        origin,
    }
}

/// Records with 1M alignments spread over `courses` courses (1M / courses each).
fn records(rng: &mut Rng, courses: usize) -> Records {
    let per_course = ALIGNMENTS / courses;
    let mut r = Records::default();
    let origin = Origin::file("bench.csv");
    for c in 0..courses {
        let id = format!("C{c}");
        r.courses.insert(
            id.clone(),
            Course {
                id: id.clone(),
                subject: "C".into(),
                number: c.to_string(),
                title: format!("Course {c}"),
                credits: 3.0,
                description: None,
                level: None,
                passing_grade: None,
                institution: None,
                origin: origin.clone(),
            },
        );
        for _ in 0..per_course {
            // Align to leaves and near-leaves, where outcomes are assessed.
            let item = ITEMS / 2 + rng.below(ITEMS / 2);
            r.alignments.push(Alignment {
                source: AlignmentSource::Course(id.clone()),
                competency: item_id(item),
                level: Some((1 + rng.below(3)).to_string()),
                weight: None,
                origin: origin.clone(),
            });
        }
    }
    for l in 0..LEARNERS {
        for _ in 0..COURSES_PER_LEARNER {
            let course = format!("C{}", rng.below(courses));
            r.course_records.push(CourseRecord {
                credits_earned: Some(3.0),
                ..CourseRecord::graded(&format!("L{l}"), "T", &course, 3.0, Some("A"), origin.clone())
            });
        }
    }
    r
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    for n in [100_000, 1_000_000] {
        chain(n);
        positions(n);
    }
    if std::env::args().any(|a| a == "chains") {
        return;
    }
    let frameworks = [framework()];
    // Typical: a course aligns to 10 competencies; dense: to 50.
    for courses in [100_000, 20_000] {
        run(&frameworks, courses);
    }
}

fn run(frameworks: &[Framework], courses: usize) {
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let records = records(&mut rng, courses);
    println!(
        "graph bench: {ITEMS} items, {} alignments over {courses} courses ({} each)",
        records.alignments.len(),
        ALIGNMENTS / courses
    );

    let mut builds = Vec::new();
    let mut graph = CompetencyGraph::default();
    for _ in 0..3 {
        let mut diags = Diagnostics::new();
        let start = Instant::now();
        graph = CompetencyGraph::build(&records, frameworks, &MasteryConfig::default(), &mut diags);
        builds.push(start.elapsed());
        assert!(!diags.has_errors(), "{:?}", diags.iter().next());
    }
    println!(
        "  build: median {:.3} s over 3 runs ({} nodes, {} edges)",
        median(builds).as_secs_f64(),
        graph.node_count(),
        graph.edge_count()
    );

    // Group records by learner once (as a batch run streams them), then time evaluation only.
    let mut by_learner: std::collections::BTreeMap<&str, Vec<(&CourseRecord, bool)>> = Default::default();
    for rec in &records.course_records {
        by_learner.entry(rec.learner_id.as_str()).or_default().push((rec, true));
    }
    let mut times = Vec::with_capacity(LEARNERS);
    let mut attained = 0usize;
    for recs in by_learner.values() {
        let evidence = LearnerEvidence { records: recs.clone(), awards: vec![] };
        let start = Instant::now();
        let result = black_box(graph.evaluate(&evidence));
        times.push(start.elapsed());
        attained += result.len();
    }
    let total: Duration = times.iter().sum();
    times.sort();
    println!(
        "  evaluate one learner ({COURSES_PER_LEARNER} passed courses): median {:.1} µs, p95 {:.1} µs, mean {:.1} µs; {:.0} competencies attained per learner",
        median(times.clone()).as_secs_f64() * 1e6,
        times[times.len() * 95 / 100].as_secs_f64() * 1e6,
        total.as_secs_f64() * 1e6 / LEARNERS as f64,
        attained as f64 / LEARNERS as f64
    );
}

/// An isChildOf chain `n` items deep, a course aligned to its deepest item, one learner who passed it: the
/// whole chain is attained.
fn chain(n: usize) {
    let origin = Origin::file("chain.json");
    let (items, associations) = tree(n, "Competency", |k| k - 1, &origin);
    let mut fw = framework();
    (fw.items, fw.associations) = (items, associations);
    let mut records = Records::default();
    records.courses.insert(
        "C".into(),
        Course {
            id: "C".into(),
            subject: "C".into(),
            number: "1".into(),
            title: "Course".into(),
            credits: 3.0,
            description: None,
            level: None,
            passing_grade: None,
            institution: None,
            origin: origin.clone(),
        },
    );
    records.alignments.push(Alignment {
        source: AlignmentSource::Course("C".into()),
        competency: item_id(n - 1),
        level: Some("1".into()),
        weight: None,
        origin: origin.clone(),
    });
    records.course_records.push(CourseRecord {
        credits_earned: Some(3.0),
        ..CourseRecord::graded("L", "T", "C", 3.0, Some("A"), origin)
    });
    let start = Instant::now();
    let mut diags = Diagnostics::new();
    let graph = CompetencyGraph::build(&records, std::slice::from_ref(&fw), &MasteryConfig::default(), &mut diags);
    let built = start.elapsed();
    assert!(!diags.has_errors(), "{:?}", diags.iter().next());
    let recs: Vec<(&CourseRecord, bool)> = records.course_records.iter().map(|r| (r, true)).collect();
    let start = Instant::now();
    let attained = black_box(graph.evaluate(&LearnerEvidence { records: recs, awards: vec![] })).len();
    println!(
        "chain of {n} isChildOf items: build and validate {:.3} s, roll-up of one learner {:.3} s ({attained} attained)",
        built.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
}

/// `n` diagnostic positions, in file order, in a minified JSON text of one line of about 60 bytes per offset.
fn positions(n: usize) {
    let text: String = (0..n).map(|k| format!("{{\"identifier\":\"é-{k:09}\",\"uri\":\"x\"}},")).collect();
    let offsets: Vec<usize> = (0..n).map(|k| k * (text.len() / n)).filter(|&o| text.is_char_boundary(o)).collect();
    let start = Instant::now();
    let index = xtranscript::diag::LineIndex::new(&text);
    let sum: u64 = offsets.iter().map(|&o| index.line_column(o).1).sum();
    println!(
        "{} positions in one {:.0} MB line: {:.3} s (column sum {sum})",
        offsets.len(),
        text.len() as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
}
