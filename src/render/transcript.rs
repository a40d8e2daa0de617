//! The view model of one assembled transcript: what the PDF and HTML show,
//! taken from the same data the signed CLR carries.

use std::collections::BTreeSet;

use super::labels::Labels;
use super::view::{
    AchievementView, CompetencyRow, CourseRow, DegreeView, Fixed, FrameworkView, GradingLegend, InstitutionView,
    LearnerView, RecordTotals, TermView, Totals, TranscriptView, VerificationView,
};
use crate::assemble::gpa::{RecordStanding, Scopes, Standing, Totals as GpaTotals};
use crate::assemble::{Assembled, Assembler};
use crate::graph::{CompetencyGraph, LearnerCompetencies, NodeId, NodeKind};
use crate::model::{AchievementKind, Course, CourseRecord};

/// What the verification block needs beyond the assembled transcript (whose CLR id
/// and issuer give the URL and DID): the SHA-256 of the signed `clr.json`.
pub struct Verification<'a> {
    /// SHA-256 (hex) of the signed clr.json bytes.
    pub clr_sha256: &'a str,
}

fn totals(t: &GpaTotals) -> Totals {
    Totals {
        attempted: Fixed::credits(t.attempted.value()),
        earned: Fixed::credits(t.earned.value()),
        gpa_credits: Fixed::credits(t.gpa_credits.value()),
        quality_points: Fixed::credits(t.quality_points_value()),
        gpa: t.gpa(2).and_then(|g| g.parse().ok()).map(Fixed::gpa),
    }
}

fn course_row(r: &CourseRecord, course: Option<&Course>, counted: &RecordStanding) -> CourseRow {
    let code = course.map_or_else(|| r.course_id.clone(), |c| format!("{} {}", c.subject, c.number));
    let title = r.title.clone().or_else(|| course.map(|c| c.title.clone())).unwrap_or_else(|| r.course_id.clone());
    let note = match (&r.transfer_institution, counted.standing) {
        (Some(from), Standing::Transfer) => Some(from.clone()),
        _ => None,
    };
    let in_progress = counted.standing == Standing::InProgress;
    CourseRow {
        code,
        title,
        note,
        attempted: Fixed::credits(r.credits_attempted),
        earned: (!in_progress).then(|| Fixed::credits(counted.earned.value())),
        grade: r.grade.clone(),
        repeat: r.repeat || counted.replaced,
        transfer: r.transfer,
        in_progress,
        excluded: counted.replaced,
    }
}

/// The record's totals in their three scopes.
fn record_totals(overall: &Scopes, any_transfer: bool) -> RecordTotals {
    RecordTotals {
        institution: totals(&overall.institution),
        transfer: any_transfer.then(|| totals(&overall.transfer)),
        overall: totals(&overall.overall()),
    }
}

/// A human coding scheme as a sort key in the order a reader expects: runs of digits
/// compare as numbers (`SYN.2.1` before `SYN.10.1`), the rest as text.
fn natural_key(code: &str) -> Vec<(String, Option<u128>, usize)> {
    let mut key = Vec::new();
    let mut rest = code;
    while !rest.is_empty() {
        let text_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let (text, after) = rest.split_at(text_len);
        let digits_len = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
        let (digits, after) = after.split_at(digits_len);
        // No digits sort first; leading zeros and numbers too long for u128 keep an order through their length.
        let value = (!digits.is_empty()).then(|| digits.parse::<u128>().unwrap_or(u128::MAX));
        key.push((text.to_string(), value, digits.len()));
        rest = after;
    }
    key
}

/// Attained competencies of one framework as a tree: roots (no attained parent in the
/// framework) by coding scheme in natural order, each followed by its attained
/// descendants.
fn framework_rows(graph: &CompetencyGraph, result: &LearnerCompetencies<'_>, framework: usize) -> Vec<CompetencyRow> {
    let attained: BTreeSet<NodeId> = result
        .iter()
        .map(|(n, _)| n)
        .filter(|&n| graph.node(n).kind == NodeKind::Competency && graph.node(n).framework == Some(framework))
        .collect();
    let key = |n: &NodeId| (graph.node(*n).code.as_deref().map(natural_key), graph.node(*n).key.clone());
    let mut roots: Vec<NodeId> =
        attained.iter().copied().filter(|n| !graph.parents(*n).iter().any(|p| attained.contains(p))).collect();
    roots.sort_by_key(key);
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<(NodeId, u8)> = roots.into_iter().rev().map(|n| (n, 0)).collect();
    while let Some((n, depth)) = stack.pop() {
        if !seen.insert(n) {
            continue;
        }
        let node = graph.node(n);
        let a = result.get(n);
        rows.push(CompetencyRow {
            depth,
            code: node.code.clone(),
            statement: node.label.clone(),
            level: a.map(|a| a.level.to_string()),
            derived: a.is_some_and(|a| a.derived),
        });
        let mut children: Vec<NodeId> = graph.children(n).iter().copied().filter(|c| attained.contains(c)).collect();
        children.sort_by_key(key);
        stack.extend(children.into_iter().rev().map(|c| (c, depth.saturating_add(1))));
    }
    rows
}

/// The view model of `assembled`.
pub fn transcript_view(
    assembler: &Assembler<'_>,
    assembled: &Assembled<'_>,
    labels: &Labels,
    verification: Verification<'_>,
) -> TranscriptView {
    let config = assembler.config;
    let records = assembler.records;
    let learner = assembled.learner;
    let mut terms = Vec::new();
    for t in &assembled.standings.terms {
        let Some(term) = records.terms.get(&t.term_id) else { continue };
        // The term's courses at the institution first, then its transfer credit (each in record order).
        let mut rows: Vec<_> = assembled
            .records
            .iter()
            .zip(&assembled.standings.records)
            .filter(|(r, _)| r.term_id == t.term_id)
            .collect();
        rows.sort_by_key(|(r, _)| r.transfer);
        let (home, transfer) = (rows.iter().any(|(r, _)| !r.transfer), rows.iter().any(|(r, _)| r.transfer));
        terms.push(TermView {
            id: term.id.clone(),
            name: term.name.clone(),
            academic_year: term.academic_year.clone(),
            note: None,
            courses: rows.iter().map(|(r, c)| course_row(r, records.courses.get(&r.course_id), c)).collect(),
            term_totals: (home || rows.is_empty()).then(|| totals(&t.term.institution)),
            transfer: transfer.then(|| totals(&t.term.transfer)),
            cumulative: totals(&t.cumulative.institution),
        });
    }
    let any_transfer = assembled.records.iter().any(|r| r.transfer);
    let mut degrees = Vec::new();
    let mut achievements = Vec::new();
    for award in &assembled.awards {
        let Some(def) = records.achievements.get(&award.achievement_id) else { continue };
        if def.kind == AchievementKind::Degree {
            degrees.push(DegreeView {
                name: def.name.clone(),
                level: def.level.clone(),
                field: def.field_of_study.clone(),
                conferred: award.awarded_date.to_string(),
                honors: award.result.clone(),
            });
        } else {
            achievements.push(AchievementView {
                kind: labels.achievement_kind(&def.kind),
                name: def.name.clone(),
                awarded: award.awarded_date.to_string(),
                result: award.result.clone(),
            });
        }
    }
    let competencies = assembler
        .frameworks
        .iter()
        .enumerate()
        .map(|(i, f)| FrameworkView {
            title: f.document.title.clone(),
            publisher: f.document.publisher.clone().or_else(|| f.document.creator.clone()),
            version: f.document.version.clone(),
            language: f.document.language.clone(),
            items: framework_rows(assembler.graph, &assembled.competencies, i),
        })
        .filter(|f| !f.items.is_empty())
        .collect();
    let scale = &config.grading;
    TranscriptView {
        language: "en".to_string(),
        institution: InstitutionView::from(&config.institution),
        learner: LearnerView {
            name: learner.full_name(),
            id: learner.id.clone(),
            birth_date: learner.birth_date.map(|d| d.to_string()),
            program: learner.program.clone().or_else(|| config.transcript.default_program.clone()),
            degree: degrees.first().map(|d| d.name.clone()),
        },
        terms,
        totals: record_totals(&assembled.standings.overall, any_transfer),
        degrees,
        competencies,
        achievements,
        grading: GradingLegend::from(scale),
        issue_date: assembler.issued_at.date().to_string(),
        verification: VerificationView {
            url: format!("{}{}", config.transcript.verification_url.as_deref().unwrap_or(""), assembled.clr.id),
            clr_sha256: verification.clr_sha256.to_string(),
            issuer_did: assembler.issuer_id.clone(),
            status_lists: Vec::new(),
        },
        labels: if assembler.specimen {
            Labels { document_title: labels.specimen_title.clone(), ..labels.clone() }
        } else {
            labels.clone()
        },
        specimen: assembler.specimen.then(|| labels.specimen_mark.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::natural_key;

    #[test]
    fn codes_sort_with_their_numbers_as_numbers() {
        let mut codes = ["SYN.10.1", "SYN.2.10", "SYN.2.9", "SYN.2", "A-1", "SYN.1.1a", "SYN.1.1", "B", "A", "A1"];
        codes.sort_by_key(|c| natural_key(c));
        let sorted = ["A", "A1", "A-1", "B", "SYN.1.1", "SYN.1.1a", "SYN.2", "SYN.2.9", "SYN.2.10", "SYN.10.1"];
        assert_eq!(codes, sorted);
        assert!(natural_key("X.01") != natural_key("X.1"), "distinct codes keep distinct keys");
    }
}
