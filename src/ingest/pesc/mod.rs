//! PESC College Transcript XML (v1.3 to v1.8, single transcripts and
//! `AcademicRecordBatch` files) read into the model, streaming and safely.
//!
//! - [`read_transcripts`] streams a file and hands over one [`PescTranscript`]
//!   per `CollegeTranscript` as soon as it is complete, so memory is bounded by
//!   one transcript, not the file. Elements are matched by local name, so any
//!   namespace prefix (or none) reads the same. DTDs and entity declarations
//!   refuse the file and are never expanded; SSNs and SINs are never kept.
//! - [`merge_into`] adds a transcript to the run's [`Records`](crate::model::Records),
//!   as the home institution's records or as transfer credit.
//!
//! Reading decisions, documented once:
//! - Learner id: `SchoolAssignedPersonID`, else the first `AgencyAssignedID`,
//!   else the `DocumentID`, else `PESC-<name>` (warning); no id and no name is a
//!   `MissingElement` error and the transcript is skipped.
//! - Term id: `SessionDesignator`, else `SessionName`, else `SessionSchoolYear`
//!   (made safe: spaces and punctuation become `-`). Sessions with the same id
//!   share one term. Courses directly under `AcademicRecord` go to the term
//!   [`NO_SESSION_TERM`], dated like a session without dates.
//! - Term dates: `SessionBeginDate`/`SessionEndDate`; a missing one is four
//!   months from the other; with neither, `SessionDesignator` `YYYY-MM` gives the
//!   first of that month to four months on, `SessionSchoolYear` `YYYY-YYYY`
//!   1 September to 31 August; with nothing, the transcript's `CreatedDateTime`
//!   date (else 1970-01-01) with a `MissingElement` warning.
//! - Course id: `SUBJ-NUM` with spaces removed (`T D` `303C` → `TD-303C`); a
//!   `CourseNumber` like `BF 1001` with no subject is split (`BF-1001`); with
//!   neither, an id made from the title; with no title either, the course is
//!   skipped (warning). A course the transcript attributes to another school
//!   (`CourseOverrideSchool`, or a `School` of its session or academic record
//!   marked `Transfer` or named differently from the sender) is transfer credit
//!   from that school and its catalog id is prefixed `school-slug:`.
//! - Course record: `credits_attempted` is `CourseCreditValue` (else
//!   `CourseCreditEarned`, else 0.0); a value that is not a non-negative number
//!   is a `BadElementValue` warning and counts as absent (the record is kept).
//!   In progress (`CourseInProgressIndicator`, or status `InProgress`,
//!   `NotYetReported`, `PlanningToTake`) records have no grade. Status
//!   `…Transfer…` marks transfer credit; `CourseRepeatCode`/status `Repeat…`
//!   or `Replace…` marks a repeat. Grades are kept as given.
//! - Awards: one achievement per title (and program); its kind from
//!   `AcademicAwardLevel` (degree, diploma, certificate), else from the title.
//!   An award marked `AcademicCompletionIndicator` false is not conferred and
//!   is skipped. Award date: `AcademicAwardDate`, else `AcademicCompletionDate`,
//!   else the fallback date above (warning).
//! - `AcademicSummary` elements with GPA figures become [`PescSummary`]s.

mod build;
mod draft;
mod merge;
mod parts;
mod reader;
mod source;
mod transcript;
mod values;

#[cfg(test)]
mod merge_tests;
#[cfg(test)]
mod sample_tests;
#[cfg(test)]
mod tests;

use std::io::BufRead;
use std::path::Path;

use crate::diag::Diagnostics;

pub use merge::{PersonIndex, learner_key, merge_into};
pub use reader::ReadOutcome;
pub use transcript::{NO_SESSION_TERM, PescOrganization, PescSummary, PescTranscript};

/// Streams `reader`, calling `on_transcript` once per CollegeTranscript as soon
/// as it is complete (memory bounded by one transcript, not the file).
///
/// Problems go to `diags` with `file:line:column`. A DTD, an entity
/// declaration, an undefined entity reference, malformed XML or a root that is
/// not a CollegeTranscript or a batch stops reading the file with an error;
/// transcripts completed before that point have already been handed over.
/// A declared non-UTF-8 encoding (e.g. ISO-8859-1) is transcoded.
pub fn read_transcripts<R: BufRead>(
    reader: R,
    file: &Path,
    diags: &mut Diagnostics,
    on_transcript: impl FnMut(PescTranscript),
) -> ReadOutcome {
    reader::run(reader, file, diags, reader::Mode::Read, on_transcript)
}

/// The learners of a file that [`read_transcripts`] refused (a DOCTYPE, malformed XML …), so that they can be
/// failed rather than issued without it: `key` names each transcript's learner as merging would. The file is
/// streamed again; a DOCTYPE is passed over and entity references are dropped, never expanded. `None` when they
/// cannot all be told: the file cannot be read to its end, or a transcript's learner is not identified.
pub fn identify_learners<R: BufRead>(
    reader: R,
    file: &Path,
    mut key: impl FnMut(&PescTranscript) -> String,
) -> Option<Vec<String>> {
    let mut ids = Vec::new();
    let mut scratch = Diagnostics::new();
    let outcome = reader::run(reader, file, &mut scratch, reader::Mode::Identify, |t| ids.push(key(&t)));
    outcome.is_complete().then_some(ids)
}
