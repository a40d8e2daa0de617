//! `transcript.xml`: a learner's PESC College Transcript 1.8.0 (namespace
//! `urn:org:pesc:message:CollegeTranscript:v1.8.0`, AcademicRecord 1.13.0, CoreMain 1.19.0; only the root
//! element is qualified, as the XSD's `elementFormDefault="unqualified"` requires), written from the same
//! assembled transcript as the signed CLR, so the two cannot disagree. Valid against the XSDs in
//! `schemas/pesc/xsd/` (the test suite checks every sample and synthetic learner with xmllint).
//!
//! What goes where, in document order:
//! - `TransmissionData`: `DocumentID` a v5 UUID of the CLR id, the issue date and the destination (stable per
//!   issuance); `CreatedDateTime` the issue date; `DocumentTypeCode` `StudentRequest` (to the learner) or
//!   `RequestedRecord` (to a named destination); `TransmissionType` `Original`; `Source` the institution (its
//!   identifiers that fit PESC's lengths, name); `Destination` the learner or the requested organization;
//!   `DocumentOfficialCode` (`Unofficial` when signed with a demo key); `DocumentCompleteCode` `Complete`.
//! - `Student/Person`: `SchoolAssignedPersonID` (the learner id), birth date, names. Never an SSN.
//! - `Student/AcademicRecord`: degrees, diplomas and certificates as `AcademicAward`s; the cumulative
//!   `AcademicSummary`s `SenderOnly` (home courses), `TransferOnly` (when there is transfer credit) and `All`;
//!   one `AcademicSession` per term with its `Course`s and its term summaries; badges and attained
//!   competencies as `AdditionalStudentAchievements`.
//! - `NoteMessage`s and `UserDefinedExtensions` (namespace [`EXTENSION_NS`]): the signed CLR's id and SHA-256,
//!   so a receiver can fetch and verify the extended record, and every badge and competency in full.
//!
//! A value longer than its XSD allows is cut to the limit and reported as a [`Notice`] (`check` reports the
//! same values before a build, see [`check`]); a learner id longer than `SchoolAssignedPersonID` allows is an
//! error, since a cut id would name someone else.

mod codes;
mod contacts;
mod document;
mod extended;
mod limits;
mod xml;

#[cfg(test)]
mod tests;

use uuid::Uuid;

use crate::assemble::{Assembled, Assembler};

pub use limits::{ORGANIZATION_IDS, check, check_institution};
pub use xml::{Notice, Problem};

/// The namespace of the root element.
pub const COLLEGE_TRANSCRIPT_NS: &str = "urn:org:pesc:message:CollegeTranscript:v1.8.0";
/// The namespace of the AcademicRecord sector library the document follows.
pub const ACADEMIC_RECORD_NS: &str = "urn:org:pesc:sector:AcademicRecord:v1.13.0";
/// The namespace of the CoreMain library the document follows.
pub const CORE_MAIN_NS: &str = "urn:org:pesc:core:CoreMain:v1.19.0";
/// The namespace of xtranscript's `UserDefinedExtensions` content.
pub const EXTENSION_NS: &str = "urn:xtranscript:pesc:extended-transcript:1";

/// Who a transcript is sent to, when not the learner (`build --pesc-destination`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The organization's name.
    pub name: String,
    /// Its identifiers (kind, value), e.g. ("FICE", "001234").
    pub identifiers: Vec<(String, String)>,
}

impl Destination {
    /// Parses `NAME[;KIND=VALUE]…`, e.g. `University of Toronto;ATP=001234`. The name must fit PESC's 60
    /// characters and each identifier its element (see [`ORGANIZATION_IDS`]).
    pub fn parse(text: &str) -> Result<Destination, String> {
        let mut parts = text.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default().to_string();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(format!("{name:?} is not an organization name of 1 to 60 characters"));
        }
        let mut identifiers = Vec::new();
        for part in parts.filter(|p| !p.is_empty()) {
            let Some((kind, value)) = part.split_once('=') else {
                return Err(format!("{part:?} is not KIND=VALUE (e.g. FICE=001234)"));
            };
            let (kind, value) = (kind.trim().to_ascii_uppercase(), value.trim().to_string());
            match limits::organization_id(&kind) {
                Some(id) if id.fits(&value) => identifiers.push((id.element.to_string(), value)),
                Some(id) => return Err(format!("{kind} {value:?} is not {} characters", id.length())),
                None => {
                    let kinds: Vec<&str> = ORGANIZATION_IDS.iter().map(|i| i.element).collect();
                    return Err(format!("{kind:?} is not a PESC organization identifier ({})", kinds.join(", ")));
                }
            }
        }
        Ok(Destination { name, identifiers })
    }
}

/// What a transcript is for, beyond the assembled data.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Where it goes; `None`: to the learner.
    pub destination: Option<&'a Destination>,
    /// Official (`false` when signed with a demo key).
    pub official: bool,
    /// The hex SHA-256 of the signed `clr.json` it points to.
    pub clr_sha256: &'a str,
}

/// A written `transcript.xml`.
#[derive(Debug, Clone, PartialEq)]
pub struct PescDocument {
    /// The UTF-8 bytes.
    pub bytes: Vec<u8>,
    /// What could not be written exactly as the records say (values cut to their limit).
    pub notices: Vec<Notice>,
}

/// Why a transcript cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PescError {
    /// The learner id does not fit `SchoolAssignedPersonID`.
    #[error("learner id {id:?} has {length} characters; PESC SchoolAssignedPersonID allows 20")]
    LearnerIdTooLong {
        /// The id.
        id: String,
        /// Its length in characters.
        length: usize,
    },
    /// The XML writer failed.
    #[error("the XML writer failed")]
    Write,
}

/// Writes the learner's College Transcript into `buffer` (cleared first; pass a reused buffer to spare
/// allocations).
pub fn college_transcript(
    assembler: &Assembler<'_>,
    assembled: &Assembled<'_>,
    request: &Request<'_>,
    buffer: Vec<u8>,
) -> Result<PescDocument, PescError> {
    let id = &assembled.learner.id;
    let length = id.chars().count();
    if length > 20 {
        return Err(PescError::LearnerIdTooLong { id: id.clone(), length });
    }
    let (bytes, notices) = document::write(assembler, assembled, request, buffer).ok_or(PescError::Write)?;
    Ok(PescDocument { bytes, notices })
}

/// `DocumentID`: a v5 UUID (36 characters, as the XSD allows) of the CLR's id, the issue date and the
/// destination, so a rebuild of the same issuance gives the same id and a new issuance a new one.
pub(crate) fn document_id(clr_id: &str, issued_at: &str, destination: Option<&Destination>) -> String {
    let to = destination.map_or("learner", |d| d.name.as_str());
    let name = format!("pesc-college-transcript\n{clr_id}\n{issued_at}\n{to}");
    Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes()).hyphenated().to_string()
}
