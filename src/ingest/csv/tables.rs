//! Each registrar table's rows turned into model records, with the checks that
//! need nothing but the row itself. Cross-references are checked in `links`.

use std::collections::BTreeMap;

use super::reader::Row;
use crate::diag::{Code, Diagnostics, Origin};
use crate::model::{
    Achievement, AchievementKind, Alignment, AlignmentSource, Award, Course, CourseRecord, Evidence, Learner, Records,
    Term,
};

/// Inserts `value` under `key` unless the key is taken, which is a `DuplicateKey` error.
fn insert_unique<T>(
    map: &mut BTreeMap<String, T>,
    key: String,
    value: T,
    origin: Origin,
    first: impl Fn(&T) -> &Origin,
    diags: &mut Diagnostics,
) {
    if let Some(existing) = map.get(&key) {
        diags
            .error(
                Code::DuplicateKey,
                origin,
                format!("{key:?} is defined twice; the first definition is at {}", first(existing)),
            )
            .help("ids must be unique; remove or renumber one of the rows");
        return;
    }
    map.insert(key, value);
}

/// A learners.csv row.
pub fn learner(row: &Row<'_>, records: &mut Records, diags: &mut Diagnostics) {
    let id = row.required("learner_id", diags);
    let given_name = row.required("given_name", diags);
    let family_name = row.required("family_name", diags);
    let birth_date = row.date("birth_date", diags);
    let (Some(id), Some(given_name), Some(family_name)) = (id, given_name, family_name) else { return };
    let learner = Learner {
        id: id.clone(),
        given_name,
        family_name,
        middle_name: row.text("middle_name"),
        display_name: row.text("display_name"),
        birth_date,
        email: row.text("email"),
        program: row.text("program"),
        identifiers: Vec::new(),
        origin: row.origin_of("learner_id"),
    };
    insert_unique(&mut records.learners, id, learner, row.origin_of("learner_id"), |l| &l.origin, diags);
}

/// A terms.csv row.
pub fn term(row: &Row<'_>, records: &mut Records, diags: &mut Diagnostics) {
    let id = row.required("term_id", diags);
    let name = row.required("name", diags);
    let start = row.required("start_date", diags).and(row.date("start_date", diags));
    let end = row.required("end_date", diags).and(row.date("end_date", diags));
    let (Some(id), Some(name), Some(start), Some(end)) = (id, name, start, end) else { return };
    if end < start {
        diags
            .error(
                Code::Inconsistent,
                row.origin_of("end_date"),
                format!("term {id:?} ends ({end}) before it starts ({start})"),
            )
            .help("swap or correct start_date and end_date");
        return;
    }
    let term = Term {
        id: id.clone(),
        name,
        start,
        end,
        academic_year: row.text("academic_year"),
        kind: row.text("kind"),
        origin: row.origin_of("term_id"),
    };
    insert_unique(&mut records.terms, id, term, row.origin_of("term_id"), |t| &t.origin, diags);
}

/// A courses.csv row.
pub fn course(row: &Row<'_>, records: &mut Records, diags: &mut Diagnostics) {
    let id = row.required("course_id", diags);
    let subject = row.required("subject", diags);
    let number = row.required("number", diags);
    let title = row.required("title", diags);
    let credits = row.required("credits", diags).and(row.number("credits", diags));
    let (Some(id), Some(subject), Some(number), Some(title), Some(credits)) = (id, subject, number, title, credits)
    else {
        return;
    };
    let course = Course {
        id: id.clone(),
        subject,
        number,
        title,
        credits,
        description: row.text("description"),
        level: row.text("level"),
        passing_grade: row.text("passing_grade"),
        institution: None,
        origin: row.origin_of("course_id"),
    };
    insert_unique(&mut records.courses, id, course, row.origin_of("course_id"), |c| &c.origin, diags);
}

/// A course_records.csv row. `credits_attempted` defaults to the catalog's credits
/// (courses.csv is read first); a course outside the catalog must state them.
pub fn course_record(row: &Row<'_>, records: &mut Records, diags: &mut Diagnostics) {
    let learner_id = row.required("learner_id", diags);
    let term_id = row.required("term_id", diags);
    let course_id = row.required("course_id", diags);
    let credits_attempted = row.number("credits_attempted", diags);
    let credits_earned = row.number("credits_earned", diags);
    let repeat = row.flag("repeat", diags);
    let transfer = row.flag("transfer", diags);
    let in_progress = row.flag("in_progress", diags);
    let (Some(learner_id), Some(term_id), Some(course_id)) = (learner_id, term_id, course_id) else { return };
    let catalog_credits = records.courses.get(&course_id).map(|c| c.credits);
    let credits_attempted = match (credits_attempted, catalog_credits) {
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) if row.text("credits_attempted").is_some() => return, // already reported as a bad number
        (None, None) if row.text("title").is_some() => {
            diags
                .error(
                    Code::MissingValue,
                    row.origin_of("credits_attempted"),
                    format!("course {course_id:?} is not in the catalog, so credits_attempted must be given"),
                )
                .help("state the credits of a course outside the catalog (transfer credit) in credits_attempted");
            return;
        }
        (None, None) => 0.0, // an unknown course: reported when links are checked
    };
    if let Some(earned) = credits_earned
        && earned > credits_attempted
    {
        diags
            .error(
                Code::Inconsistent,
                row.origin_of("credits_earned"),
                format!("credits_earned {earned} is more than credits_attempted {credits_attempted}"),
            )
            .help("a learner cannot earn more credits than attempted; correct either value");
        return;
    }
    let id = row.text("record_id").unwrap_or_else(|| format!("{learner_id}/{term_id}/{course_id}"));
    records.course_records.push(CourseRecord {
        id,
        learner_id,
        term_id,
        course_id,
        title: row.text("title"),
        credits_attempted,
        credits_earned,
        grade: row.text("grade"),
        quality_points: None,
        repeat,
        transfer,
        in_progress,
        transfer_institution: row.text("transfer_institution"),
        origin: row.origin(),
    });
}

/// An achievements.csv row.
pub fn achievement(row: &Row<'_>, records: &mut Records, diags: &mut Diagnostics) {
    let id = row.required("achievement_id", diags);
    let kind = row.choice("kind", diags);
    let name = row.required("name", diags);
    let description = row.required("description", diags);
    let criteria = row.required("criteria", diags);
    let credits_required = row.number("credits_required", diags);
    let (Some(id), Some(kind), Some(name), Some(description), Some(criteria)) = (id, kind, name, description, criteria)
    else {
        return;
    };
    let achievement = Achievement {
        id: id.clone(),
        kind: AchievementKind::parse(&kind),
        name,
        description,
        criteria,
        criteria_url: row.text("criteria_url"),
        image: row.text("image"),
        image_file: row.text("image_file"),
        level: row.text("level"),
        field_of_study: row.text("field_of_study"),
        credits_required,
        tags: row.list("tags"),
        aligned_competencies: row.list("competencies"),
        origin: row.origin_of("achievement_id"),
    };
    insert_unique(&mut records.achievements, id, achievement, row.origin_of("achievement_id"), |a| &a.origin, diags);
}

/// An awards.csv row.
pub fn award(row: &Row<'_>, records: &mut Records, diags: &mut Diagnostics) {
    let learner_id = row.required("learner_id", diags);
    let achievement_id = row.required("achievement_id", diags);
    let awarded_date = row.required("awarded_date", diags).and(row.date("awarded_date", diags));
    let (Some(learner_id), Some(achievement_id), Some(awarded_date)) = (learner_id, achievement_id, awarded_date)
    else {
        return;
    };
    let evidence = match (row.text("evidence_url"), row.text("evidence_narrative")) {
        (None, None) => Vec::new(),
        (url, narrative) => vec![Evidence { url, narrative }],
    };
    let id = row.text("award_id").unwrap_or_else(|| format!("{learner_id}/{achievement_id}/{awarded_date}"));
    records.awards.push(Award {
        id,
        learner_id,
        achievement_id,
        awarded_date,
        term_id: row.text("term_id"),
        evidence,
        result: row.text("result"),
        origin: row.origin(),
    });
}

/// An alignments.csv row.
pub fn alignment(row: &Row<'_>, records: &mut Records, diags: &mut Diagnostics) {
    let kind = row.choice("source_kind", diags);
    let source_id = row.required("source_id", diags);
    let competency = row.required("competency", diags);
    let weight = row.number("weight", diags);
    let (Some(kind), Some(source_id), Some(competency)) = (kind, source_id, competency) else { return };
    let source =
        if kind == "course" { AlignmentSource::Course(source_id) } else { AlignmentSource::Achievement(source_id) };
    records.alignments.push(Alignment {
        source,
        competency,
        level: row.text("level"),
        weight,
        origin: row.origin_of("competency"),
    });
}
