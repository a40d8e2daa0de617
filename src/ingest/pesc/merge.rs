//! Adding a transcript to the run's records: as the home institution's own
//! records, or as transfer credit from another institution.

use std::collections::{HashMap, HashSet};

use super::transcript::{PescTranscript, award_id, record_id};
use super::values::slug;
use crate::diag::{Code, Diagnostics};
use crate::model::{CourseRecord, Date, Learner, Records};

/// What merging a run's transcripts looks up, each in constant time per transcript (scans of every learner,
/// record and award per transcript made a large batch of transfer transcripts quadratic): the known learners by
/// birth date, given name and family name (lowercased), and the ids of the course records and awards already
/// there. Kept across the files of one run; rebuilt when the records grew by other means since it last saw them.
#[derive(Debug, Clone, Default)]
pub struct PersonIndex {
    people: HashMap<(Date, String, String), Person>,
    record_ids: HashSet<String>,
    award_ids: HashSet<String>,
    /// How many learners, course records and awards the index has seen.
    seen: (usize, usize, usize),
}

/// Who holds one (birth date, names) key.
#[derive(Debug, Clone)]
enum Person {
    One(String),
    Several,
}

impl PersonIndex {
    /// The key of a learner that can be recognised this way: a birth date and both names.
    fn key(learner: &Learner) -> Option<(Date, String, String)> {
        let birth = learner.birth_date?;
        if learner.given_name.is_empty() || learner.family_name.is_empty() {
            return None;
        }
        Some((birth, learner.given_name.to_lowercase(), learner.family_name.to_lowercase()))
    }

    fn counts(records: &Records) -> (usize, usize, usize) {
        (records.learners.len(), records.course_records.len(), records.awards.len())
    }

    /// Catches up with `records` when they grew without this index.
    fn refresh(&mut self, records: &Records) {
        if self.seen != Self::counts(records) {
            self.people.clear();
            records.learners.values().for_each(|l| self.add(l));
            self.record_ids = records.course_records.iter().map(|r| r.id.clone()).collect();
            self.award_ids = records.awards.iter().map(|a| a.id.clone()).collect();
            self.seen = Self::counts(records);
        }
    }

    /// Indexes `learner` (again: its fields may have been completed).
    fn add(&mut self, learner: &Learner) {
        let Some(key) = Self::key(learner) else { return };
        let person = self.people.entry(key).or_insert_with(|| Person::One(learner.id.clone()));
        if matches!(person, Person::One(id) if *id != learner.id) {
            *person = Person::Several;
        }
    }

    /// The one known learner with the same given name, family name and birth date.
    fn same_person(&self, learner: &Learner) -> Option<String> {
        match self.people.get(&Self::key(learner)?)? {
            Person::One(id) => Some(id.clone()),
            Person::Several => None,
        }
    }
}

/// Adds one transcript to `records`.
///
/// `home == true`: the sender is this institution; its terms, courses,
/// achievements and awards are kept as native (ids unchanged).
///
/// `home == false`: a transcript from another institution. Every course record
/// becomes transfer credit (`transfer = true`; `transfer_institution` is the
/// sender, or the third school the transcript itself names for a course it
/// accepted as transfer). Catalog entries, term ids and achievement ids are
/// prefixed with a slug of the sender's name (`university-of-toronto:ANT-100`), so
/// they never collide with the home catalog; entries the transcript already
/// attributes to a third school keep that school's prefix. Catalog entries get
/// `institution = Some(sender)`.
///
/// The learner: one already in `records` with the same id (e.g. from
/// learners.csv) is kept and only its missing fields are filled. For another
/// institution's transcript, a learner with the same id but another family
/// name is a different person: the transcript's learner gets the id
/// `slug:id` (XT0214 warning); a learner with no such id but the same given
/// name, family name and birth date is taken to be the same person. The other
/// institution's id is then kept among the learner's identifiers.
///
/// Terms, catalog courses and achievements already present are kept as they
/// are (shared by many learners). A course record or award whose id is already
/// there is a `DuplicateKey` warning and is skipped. `people` makes every lookup
/// constant-time, so merging a large batch stays linear. `summaries` have no place
/// in `Records` and are dropped.
/// Returns the id the learner is kept under.
pub fn merge_into(
    t: PescTranscript,
    home: bool,
    records: &mut Records,
    people: &mut PersonIndex,
    diags: &mut Diagnostics,
) -> String {
    let mut t = if home { t } else { as_transfer(t, diags) };
    let source = t.source.as_ref().map(|s| s.name.clone());
    people.refresh(records);
    let learner_id = merge_learner(t.learner.clone(), home, source.as_deref(), records, people, diags);
    if let Some(learner) = records.learners.get(&learner_id) {
        people.add(learner);
    }
    renumber(&mut t, &learner_id);
    for term in t.terms {
        records.terms.entry(term.id.clone()).or_insert(term);
    }
    let catalog_titles: HashMap<String, String> = t.catalog.iter().map(|c| (c.id.clone(), c.title.clone())).collect();
    for course in t.catalog {
        records.courses.entry(course.id.clone()).or_insert(course);
    }
    for mut record in t.courses {
        if !people.record_ids.insert(record.id.clone()) {
            diags
                .warning(
                    Code::DuplicateKey,
                    record.origin.clone(),
                    format!("course record \"{}\" is already there: skipped", record.id),
                )
                .help("each course may appear once per learner and term; was this transcript read twice?");
            continue;
        }
        keep_own_title(&mut record, &catalog_titles, records);
        records.course_records.push(record);
    }
    for achievement in t.achievements {
        records.achievements.entry(achievement.id.clone()).or_insert(achievement);
    }
    for award in t.awards {
        if !people.award_ids.insert(award.id.clone()) {
            diags.warning(
                Code::DuplicateKey,
                award.origin.clone(),
                format!("award \"{}\" is already there: skipped", award.id),
            );
            continue;
        }
        records.awards.push(award);
    }
    people.seen = PersonIndex::counts(records);
    learner_id
}

/// When the catalog already had the course under another title, the record
/// keeps the transcript's title.
fn keep_own_title(record: &mut CourseRecord, titles: &HashMap<String, String>, records: &Records) {
    if record.title.is_some() {
        return;
    }
    if let (Some(own), Some(catalog)) = (titles.get(&record.course_id), records.courses.get(&record.course_id))
        && *own != catalog.title
    {
        record.title = Some(own.clone());
    }
}

/// Re-keys a transcript from another institution as transfer credit.
fn as_transfer(mut t: PescTranscript, diags: &mut Diagnostics) -> PescTranscript {
    let source = match &t.source {
        Some(source) => source.name.clone(),
        None => {
            diags
                .warning(Code::MissingElement, t.origin.clone(), "transcript names no sending institution (TransmissionData/Source/Organization): transfer credit from \"unknown institution\"".to_string())
                .help("add TransmissionData/Source/Organization/OrganizationName");
            "unknown institution".to_string()
        }
    };
    let prefix = slug(&source);
    let prefixed = |id: &str| format!("{prefix}:{id}");
    let mut terms = HashMap::new();
    for term in &mut t.terms {
        let id = prefixed(&term.id);
        terms.insert(std::mem::replace(&mut term.id, id.clone()), id);
    }
    let mut courses = HashMap::new();
    for course in &mut t.catalog {
        if course.institution.is_none() {
            let id = prefixed(&course.id);
            let old = std::mem::replace(&mut course.id, id.clone());
            courses.insert(old, id);
            course.institution = Some(source.clone());
        }
    }
    let titles: HashMap<String, String> = t.catalog.iter().map(|c| (c.id.clone(), c.title.clone())).collect();
    for record in &mut t.courses {
        remap(&mut record.term_id, &terms);
        remap(&mut record.course_id, &courses);
        record.transfer = true;
        record.transfer_institution.get_or_insert_with(|| source.clone());
        if record.title.is_none() {
            record.title = titles.get(&record.course_id).cloned();
        }
    }
    let mut achievements = HashMap::new();
    for achievement in &mut t.achievements {
        if !achievement.id.contains(':') {
            let id = prefixed(&achievement.id);
            achievements.insert(std::mem::replace(&mut achievement.id, id.clone()), id);
            achievement.description = format!("{} Conferred by {source}.", achievement.description);
        }
    }
    for award in &mut t.awards {
        remap(&mut award.achievement_id, &achievements);
    }
    for summary in &mut t.summaries {
        if let Some(term) = &mut summary.term_id {
            remap(term, &terms);
        }
        if let Some(achievement) = &mut summary.achievement_id {
            remap(achievement, &achievements);
        }
    }
    t
}

fn remap(id: &mut String, map: &HashMap<String, String>) {
    if let Some(new) = map.get(id.as_str()) {
        id.clone_from(new);
    }
}

/// Gives every record and award its learner id and recomputes their ids.
fn renumber(t: &mut PescTranscript, learner_id: &str) {
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    for record in &mut t.courses {
        let n = counts.entry((record.term_id.clone(), record.course_id.clone())).or_insert(0);
        *n += 1;
        learner_id.clone_into(&mut record.learner_id);
        record.id = record_id(learner_id, &record.term_id, &record.course_id, *n);
    }
    for award in &mut t.awards {
        learner_id.clone_into(&mut award.learner_id);
        award.id = award_id(learner_id, &award.achievement_id, award.awarded_date);
    }
    learner_id.clone_into(&mut t.learner.id);
}

/// The id [`merge_into`] keeps the learner of `t` under, given the records so far (nothing is changed).
pub fn learner_key(t: &PescTranscript, home: bool, records: &Records, people: &mut PersonIndex) -> String {
    people.refresh(records);
    let source = t.source.as_ref().map(|s| s.name.as_str());
    let own_id = &t.learner.id;
    match records.learners.get(own_id) {
        Some(existing) if home || same_family(existing, &t.learner) => own_id.clone(),
        Some(_) => format!("{}:{own_id}", slug(source.unwrap_or("external"))),
        None if !home => people.same_person(&t.learner).unwrap_or_else(|| own_id.clone()),
        None => own_id.clone(),
    }
}

/// Adds or completes the learner; returns the id it is kept under.
fn merge_learner(
    mut learner: Learner,
    home: bool,
    source: Option<&str>,
    records: &mut Records,
    people: &PersonIndex,
    diags: &mut Diagnostics,
) -> String {
    let own_id = learner.id.clone();
    let target = match records.learners.get(&own_id) {
        Some(existing) if home || same_family(existing, &learner) => {
            if home && !same_family(existing, &learner) {
                diags.warning(
                    Code::Inconsistent,
                    learner.origin.clone(),
                    format!(
                        "learner \"{own_id}\" is {} here but {} in the transcript: kept {}",
                        existing.full_name(),
                        learner.full_name(),
                        existing.full_name()
                    ),
                );
            }
            own_id.clone()
        }
        Some(existing) => {
            let id = format!("{}:{own_id}", slug(source.unwrap_or("external")));
            diags.warning(
                Code::Inconsistent,
                learner.origin.clone(),
                format!(
                    "learner id \"{own_id}\" of {} ({}) is {} here: the transcript's learner is kept as \"{id}\"",
                    source.unwrap_or("another institution"),
                    learner.full_name(),
                    existing.full_name()
                ),
            );
            id
        }
        None if !home => people.same_person(&learner).unwrap_or_else(|| own_id.clone()),
        None => own_id.clone(),
    };
    if target != own_id {
        let kind = format!("{} student id", source.unwrap_or("other institution"));
        learner.identifiers.push((kind, own_id));
    }
    match records.learners.get_mut(&target) {
        Some(existing) => {
            fill_missing(existing, learner);
            target
        }
        None => {
            learner.id.clone_from(&target);
            records.learners.insert(target.clone(), learner);
            target
        }
    }
}

fn same_family(a: &Learner, b: &Learner) -> bool {
    a.family_name.is_empty() || b.family_name.is_empty() || a.family_name.to_lowercase() == b.family_name.to_lowercase()
}

/// Fills the fields `existing` lacks from `new`.
fn fill_missing(existing: &mut Learner, new: Learner) {
    if existing.given_name.is_empty() {
        existing.given_name = new.given_name;
    }
    if existing.family_name.is_empty() {
        existing.family_name = new.family_name;
    }
    existing.middle_name = existing.middle_name.take().or(new.middle_name);
    existing.birth_date = existing.birth_date.or(new.birth_date);
    existing.email = existing.email.take().or(new.email);
    existing.program = existing.program.take().or(new.program);
    for identifier in new.identifiers {
        if !existing.identifiers.contains(&identifier) {
            existing.identifiers.push(identifier);
        }
    }
}
