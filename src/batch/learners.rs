//! Which learners of a loaded input can get an output directory, and the diagnostics of those that cannot:
//! the same for `check` and `build`, so that `check` reports first every learner `build` would fail.

use std::collections::BTreeMap;

use crate::diag::{Code, Diagnostic, Origin};
use crate::export::safe_dir_name;
use crate::model::Records;
use crate::render::RenderError;

/// The longest file name (one path component) common file systems take, in bytes.
pub const MAX_DIR_NAME_BYTES: usize = 255;

/// Learners that can be built, with their directory names, and those that cannot, each with why.
#[derive(Debug, Default)]
pub struct Directories {
    /// Learner id and directory name, in id order.
    pub todo: Vec<(String, String)>,
    /// Learner id and the diagnostic that fails the learner.
    pub refused: Vec<(String, Diagnostic)>,
}

/// The output directory of each learner of `records` (learners with rejected rows too: the build reports
/// them). A learner fails alone, with an error at their learners.csv row, when the id holds control characters,
/// when its directory name (made safe) is longer than [`MAX_DIR_NAME_BYTES`], or when that name collides, on
/// case-insensitive file systems, with another learner's: `taken` (lower-cased directory name → learner id)
/// holds those given out by earlier parts of the run; the first id in order keeps its name.
pub fn directories(records: &Records, taken: &mut BTreeMap<String, String>) -> Directories {
    let mut ids: Vec<&String> = records.learners.keys().chain(records.rejected.keys()).collect();
    ids.sort();
    ids.dedup();
    let mut out = Directories::default();
    for id in ids {
        let origin = learner_origin(records, id);
        let directory = safe_dir_name(id);
        let refusal = if id.chars().any(char::is_control) {
            Some(
                Diagnostic::error(
                    Code::BadLearnerId,
                    origin,
                    format!("learner id {id:?} holds control characters: the learner is not built"),
                )
                .with_help("fix the id in the export (control characters are never part of a student id)"),
            )
        } else if directory.len() > MAX_DIR_NAME_BYTES {
            Some(
                Diagnostic::error(
                    Code::BadLearnerId,
                    origin,
                    format!(
                        "learner id {:?} is {} bytes once made safe for a directory name, over the {MAX_DIR_NAME_BYTES} \
                         a file system takes: the learner is not built",
                        shortened(id),
                        directory.len()
                    ),
                )
                .with_help("learner ids are student ids: fix the id in the export"),
            )
        } else {
            match taken.get(&directory.to_lowercase()) {
                Some(other) if other != id => Some(
                    Diagnostic::error(
                        Code::LearnerIdCollision,
                        origin,
                        format!(
                            "learner {id:?}: its directory name {directory:?} collides with learner {other:?}'s on \
                             case-insensitive file systems: the learner is not built"
                        ),
                    )
                    .with_help("learner ids must differ in more than letter case"),
                ),
                _ => None,
            }
        };
        match refusal {
            Some(diagnostic) => out.refused.push((id.clone(), diagnostic)),
            None => {
                taken.insert(directory.to_lowercase(), id.clone());
                out.todo.push((id.clone(), directory));
            }
        }
    }
    out
}

/// The error that fails a learner whose transcript cannot be rendered (`what`: `PDF` or `HTML`).
pub fn unrenderable(records: &Records, id: &str, what: &str, error: &RenderError) -> Diagnostic {
    let origin = learner_origin(records, id);
    Diagnostic::error(
        Code::Unrenderable,
        origin,
        format!("learner {:?}: the {what} cannot be rendered: {error}", shortened(id)),
    )
    .with_help("name a font that has these characters ([transcript] fonts or --font), or fix the template")
}

/// Where the learner `id` is defined (their learners.csv row or PESC transcript), else their first rejected row.
fn learner_origin(records: &Records, id: &str) -> Option<Origin> {
    let defined = records.learners.get(id).map(|l| l.origin.clone());
    defined.or_else(|| records.rejected.get(id).and_then(|rows| rows.first().cloned()))
}

/// `id`, cut to its first 64 characters (an id may be long enough to flood a terminal).
fn shortened(id: &str) -> String {
    const SHOWN: usize = 64;
    match id.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", &id[..at]),
        None => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Learner;

    fn records(ids: &[&str]) -> Records {
        let mut records = Records::default();
        for (n, id) in ids.iter().enumerate() {
            let learner = Learner::new(*id, "G", "F", Origin::line("learners.csv", n as u64 + 2));
            records.learners.insert((*id).to_string(), learner);
        }
        records
    }

    #[test]
    fn an_id_too_long_for_a_directory_fails_alone_at_its_row() {
        let long = "é".repeat(43); // 86 bytes, 258 once percent-encoded
        let dirs = directories(&records(&["A1", &long, "B2"]), &mut BTreeMap::new());
        assert_eq!(dirs.todo.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["A1", "B2"]);
        let [(id, d)] = &dirs.refused[..] else { panic!("{:?}", dirs.refused) };
        assert_eq!(id, &long);
        assert_eq!(d.code, Code::BadLearnerId);
        assert_eq!(d.origin, Some(Origin::line("learners.csv", 3)));
        assert!(d.message.contains("258 bytes"), "{}", d.message);
        let fits = "é".repeat(42); // 252 bytes
        assert!(directories(&records(&[&fits]), &mut BTreeMap::new()).refused.is_empty());
    }

    #[test]
    fn control_characters_and_case_collisions_fail_the_learner() {
        let dirs = directories(&records(&["A\0", "ab", "AB"]), &mut BTreeMap::new());
        let refused: Vec<(&str, Code)> = dirs.refused.iter().map(|(id, d)| (id.as_str(), d.code)).collect();
        assert_eq!(refused, [("A\0", Code::BadLearnerId), ("ab", Code::LearnerIdCollision)]);
        assert!(!dirs.refused[0].1.to_string().contains('\0'));
    }
}
