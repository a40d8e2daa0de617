//! The registrar CSV contract: which files, which columns, what each holds.
//! `schemas/csv/<table>.json` is generated from these tables (a test keeps them equal).

use serde::Serialize;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Free text.
    Text,
    /// An identifier (trimmed; no surrounding spaces).
    Id,
    /// A decimal number.
    Number,
    /// A date, in the configured date format (ISO `YYYY-MM-DD` by default).
    Date,
    /// A yes/no flag: Y/N, yes/no, true/false, 1/0, X/empty.
    Flag,
    /// A list separated by semicolons.
    List,
    /// One of a fixed set of words (see `values`).
    Choice,
}

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ColumnSpec {
    /// Canonical header name (what the column mapping maps to).
    pub name: &'static str,
    /// Must be present and non-empty.
    pub required: bool,
    /// What it holds.
    pub kind: ColumnKind,
    /// For `choice` columns: the allowed values.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub values: &'static [&'static str],
    /// What it means.
    pub description: &'static str,
}

/// One CSV file of the input directory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TableSpec {
    /// Table name: the key under `[files]` and `[columns.<name>]` in institution.toml.
    pub name: &'static str,
    /// Default file name.
    pub file: &'static str,
    /// Whether an input directory must have it.
    pub required: bool,
    /// What a row is.
    pub description: &'static str,
    /// Columns.
    pub columns: &'static [ColumnSpec],
}

impl TableSpec {
    /// The column with this canonical name.
    pub fn column(&self, name: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }
}

const fn col(name: &'static str, required: bool, kind: ColumnKind, description: &'static str) -> ColumnSpec {
    ColumnSpec { name, required, kind, values: &[], description }
}

use ColumnKind::*;

/// learners.csv
pub const LEARNERS: TableSpec = TableSpec {
    name: "learners",
    file: "learners.csv",
    required: true,
    description: "One row per learner.",
    columns: &[
        col("learner_id", true, Id, "The institution's student id; unique."),
        col("given_name", true, Text, "Given (first) name, in any script."),
        col("family_name", true, Text, "Family (last) name, in any script."),
        col("middle_name", false, Text, "Middle name(s)."),
        col(
            "display_name",
            false,
            Text,
            "The full name as printed, when not given-middle-family (e.g. family name first: 王小明).",
        ),
        col("birth_date", false, Date, "Date of birth."),
        col("email", false, Text, "E-mail address (stored only hashed in credentials)."),
        col("program", false, Text, "Program of study, e.g. \"BSc Data Science\"."),
    ],
};

/// terms.csv
pub const TERMS: TableSpec = TableSpec {
    name: "terms",
    file: "terms.csv",
    required: true,
    description: "One row per academic term.",
    columns: &[
        col("term_id", true, Id, "Term code, e.g. 2025FA; unique."),
        col("name", true, Text, "Display name, e.g. \"Fall 2025\"."),
        col("start_date", true, Date, "First day of the term."),
        col("end_date", true, Date, "Last day of the term (not before start_date)."),
        col("academic_year", false, Text, "Academic year, e.g. 2025-2026."),
        col("kind", false, Text, "Semester, quarter, summer session …"),
    ],
};

/// courses.csv
pub const COURSES: TableSpec = TableSpec {
    name: "courses",
    file: "courses.csv",
    required: true,
    description: "The course catalog: one row per course.",
    columns: &[
        col("course_id", true, Id, "Course id, e.g. CS-101; unique."),
        col("subject", true, Text, "Subject code, e.g. CS."),
        col("number", true, Text, "Course number, e.g. 101."),
        col("title", true, Text, "Course title."),
        col("credits", true, Number, "Credit value (non-negative)."),
        col("description", false, Text, "Catalog description."),
        col("level", false, Text, "Undergraduate, Graduate …"),
        col("passing_grade", false, Text, "Lowest passing grade for this course, if not the scale's."),
    ],
};

/// course_records.csv
pub const COURSE_RECORDS: TableSpec = TableSpec {
    name: "course_records",
    file: "course_records.csv",
    required: true,
    description: "One row per course attempt: a learner, a term, a course.",
    columns: &[
        col("record_id", false, Id, "A stable id for the attempt; default learner/term/course."),
        col("learner_id", true, Id, "The learner (learners.csv)."),
        col("term_id", true, Id, "The term (terms.csv)."),
        col("course_id", true, Id, "The course (courses.csv); a transfer course not in the catalog needs a title."),
        col("title", false, Text, "Title replacing the catalog's (transfer or topics courses)."),
        col("credits_attempted", false, Number, "Credits attempted; default the catalog's credits."),
        col(
            "credits_earned",
            false,
            Number,
            "Credits earned; default from the grade (its credits if it passes, else 0).",
        ),
        col("grade", false, Text, "The grade, from the grading scale; empty while in progress."),
        col("repeat", false, Flag, "This attempt repeats an earlier one."),
        col("transfer", false, Flag, "Transfer credit from another institution (outside the GPA)."),
        col("in_progress", false, Flag, "Not finished: listed, not counted."),
        col("transfer_institution", false, Text, "Where transfer credit was earned."),
    ],
};

/// achievements.csv
pub const ACHIEVEMENTS: TableSpec = TableSpec {
    name: "achievements",
    file: "achievements.csv",
    required: false,
    description: "Badges, certificates and degrees the institution awards.",
    columns: &[
        col("achievement_id", true, Id, "Achievement id, e.g. BADGE-SQL; unique."),
        ColumnSpec {
            name: "kind",
            required: true,
            kind: Choice,
            values: &["badge", "certificate", "degree", "diploma", "microcredential", "license"],
            description: "What it is.",
        },
        col("name", true, Text, "Name."),
        col("description", true, Text, "Description."),
        col("criteria", true, Text, "What it takes to earn it, in words."),
        col("criteria_url", false, Text, "A page describing the criteria."),
        col("image", false, Text, "Image URL: the achievement's image, as the credentials name it."),
        col(
            "image_file",
            false,
            Text,
            "The same image as a PNG or SVG file, relative to the input directory: each award's credential is baked into a copy (badges/).",
        ),
        col("level", false, Text, "For degrees: the level, e.g. \"Bachelor's degree\"."),
        col("field_of_study", false, Text, "Field of study."),
        col("credits_required", false, Number, "Credits required."),
        col("tags", false, List, "Keywords."),
        col("competencies", false, List, "Competencies it aligns to: CFItem identifiers, URIs or coding schemes."),
    ],
};

/// awards.csv
pub const AWARDS: TableSpec = TableSpec {
    name: "awards",
    file: "awards.csv",
    required: false,
    description: "One row per achievement awarded to a learner.",
    columns: &[
        col("award_id", false, Id, "A stable id; default learner/achievement/date."),
        col("learner_id", true, Id, "The learner (learners.csv)."),
        col("achievement_id", true, Id, "The achievement (achievements.csv)."),
        col("awarded_date", true, Date, "When it was awarded."),
        col("term_id", false, Id, "The term it belongs to (terms.csv)."),
        col("evidence_url", false, Text, "Where the evidence is."),
        col("evidence_narrative", false, Text, "What the evidence shows."),
        col("result", false, Text, "Result or level reached, e.g. \"Proficient\"."),
    ],
};

/// alignments.csv
pub const ALIGNMENTS: TableSpec = TableSpec {
    name: "alignments",
    file: "alignments.csv",
    required: false,
    description: "Which courses and achievements show which competencies.",
    columns: &[
        ColumnSpec {
            name: "source_kind",
            required: true,
            kind: Choice,
            values: &["course", "achievement"],
            description: "What source_id names.",
        },
        col("source_id", true, Id, "The course (courses.csv) or achievement (achievements.csv)."),
        col("competency", true, Id, "The competency: a CFItem identifier, URI or human coding scheme."),
        col("level", false, Text, "The level it shows the competency at."),
        col("weight", false, Number, "Weight among the competency's evidence (default 1)."),
    ],
};

/// Every table, in load order (referenced tables first).
pub const TABLES: &[TableSpec] = &[LEARNERS, TERMS, COURSES, COURSE_RECORDS, ACHIEVEMENTS, AWARDS, ALIGNMENTS];

/// The machine-readable column spec of a table, as written to `schemas/csv/<table>.json`.
pub fn spec_json(spec: &TableSpec) -> String {
    let doc = serde_json::json!({
        "$comment": "xtranscript registrar CSV column spec. Generated from src/ingest/csv/spec.rs; do not edit by hand.",
        "table": spec.name,
        "file": spec.file,
        "required": spec.required,
        "description": spec.description,
        "format": {
            "encoding": "UTF-8 (with or without BOM) or Windows-1252; see [input] encoding",
            "delimiter": "comma, semicolon or tab; sniffed from the header unless [input] delimiter is set",
            "header": "first row; names matched case-insensitively, through [columns.<table>] in institution.toml",
            "date": "YYYY-MM-DD unless [input] date_format is us (MM/DD/YYYY) or eu (DD.MM.YYYY)",
            "flag": "Y/N, yes/no, true/false, 1/0, X/empty",
            "list": "values separated by ';'"
        },
        "columns": spec.columns,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `schemas/csv/*.json` must say what the code reads. `UPDATE_SCHEMAS=1` rewrites them.
    #[test]
    fn schema_files_match_the_code() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/csv");
        for spec in TABLES {
            let path = dir.join(format!("{}.json", spec.name));
            let want = spec_json(spec);
            if std::env::var_os("UPDATE_SCHEMAS").is_some() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &want).unwrap();
            }
            let have = std::fs::read_to_string(&path).unwrap_or_default();
            assert_eq!(have, want, "{} is stale: run UPDATE_SCHEMAS=1 cargo test", path.display());
        }
    }

    #[test]
    fn names_are_unique_and_choices_have_values() {
        for spec in TABLES {
            let mut names: Vec<_> = spec.columns.iter().map(|c| c.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), spec.columns.len(), "{}", spec.name);
            for c in spec.columns {
                assert_eq!(c.kind == ColumnKind::Choice, !c.values.is_empty(), "{}.{}", spec.name, c.name);
            }
        }
    }
}
