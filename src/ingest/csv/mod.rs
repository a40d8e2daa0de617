//! Registrar CSV exports: the default layout (see [`spec`]), a column mapping for
//! any SIS's headers, UTF-8 (with or without BOM) or Windows-1252, and comma,
//! semicolon or tab delimiters.

pub mod links;
pub mod reader;
pub mod spec;
mod tables;

use std::path::Path;

pub use links::Layouts;
pub use reader::{ColumnIndex, ReadOptions, Row};
pub use spec::{ColumnKind, ColumnSpec, TABLES, TableSpec};

use crate::diag::Diagnostics;
use crate::model::{LearnerSubset, Records};

/// Reads one table's bytes into `records`, keeping of the learner tables (learners, course records,
/// awards) only the rows of learners in `subset` (rows that name no learner are always read, so their
/// problems are reported). Returns where its columns are, or `None` when it could not be read at all.
pub fn read_into(
    spec: &TableSpec,
    bytes: &[u8],
    file: &Path,
    options: &ReadOptions<'_>,
    subset: &LearnerSubset,
    records: &mut Records,
    diags: &mut Diagnostics,
) -> Option<ColumnIndex> {
    let convert: fn(&Row<'_>, &mut Records, &mut Diagnostics) = match spec.name {
        "learners" => tables::learner,
        "terms" => tables::term,
        "courses" => tables::course,
        "course_records" => tables::course_record,
        "achievements" => tables::achievement,
        "awards" => tables::award,
        _ => tables::alignment,
    };
    let learner_scoped = matches!(spec.name, "learners" | "course_records" | "awards");
    reader::read_table(spec, bytes, file, options, diags, |row, diags| {
        if learner_scoped && !subset.is_all() && row.text("learner_id").is_some_and(|id| !subset.contains(&id)) {
            return;
        }
        let before = diags.len();
        if !row.is_skipped() {
            convert(row, records, diags);
        }
        // A learner's row that is left out would make their transcript incomplete: the learner is rejected.
        // For a skipped row the id is what stands in the learner column; a shift before that column names
        // another id, which is then unknown or, rarely, another learner, who is not issued either.
        if learner_scoped
            && (row.is_skipped() || diags.errors_since(before))
            && let Some(learner_id) = row.text("learner_id")
        {
            records.reject(&learner_id, row.origin());
        }
    })
}
