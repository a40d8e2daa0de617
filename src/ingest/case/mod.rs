//! CASE competency frameworks: 1EdTech CASE CFPackage JSON (1.0 and 1.1) and
//! OpenSALT's CSV import format, read into [`Framework`](crate::model::Framework).
//!
//! Both readers are lenient in what they accept and loud about what they had
//! to repair: every problem becomes a [`Diagnostic`](crate::diag::Diagnostic)
//! with a position, and one bad item never loses the others.
//!
//! Choices shared by both readers:
//!
//! - An item (or document) without a `uri` gets a stand-in, see [`fallback_uri`]:
//!   `urn:uuid:<identifier>` when the identifier is a UUID, otherwise
//!   `urn:case:<identifier, percent-encoded>`. In CASE JSON the missing `uri` is
//!   still an error ([`Code::CaseShape`](crate::diag::Code::CaseShape)); in
//!   OpenSALT CSV, which has no `uri` column, it is the normal case.
//! - An item without an `identifier` or a `fullStatement` is dropped (error):
//!   nothing could point at it, or nothing could be said about it.
//! - The second object to use an identifier already used in the same package is
//!   dropped ([`Code::DuplicateIdentifier`](crate::diag::Code::DuplicateIdentifier)).
//! - Identifiers the readers have to make up are [`name_uuid`]s: deterministic,
//!   so the same input always gives the same output.

mod fields;
mod ids;
mod items;
mod json;
mod locate;
mod opensalt;
mod opensalt_links;
mod rubrics;
mod version;

#[cfg(test)]
mod json_tests;
#[cfg(test)]
mod opensalt_tests;
#[cfg(test)]
mod real_tests;

pub use ids::{fallback_uri, name_uuid};
pub use json::parse_case_json;
pub use opensalt::parse_opensalt_csv;
