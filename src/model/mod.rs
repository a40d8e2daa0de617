//! The typed model every stage shares: what a registrar's records and a
//! competency framework say, independent of the format they came in.

mod competency;
mod date;
mod records;
mod subset;
mod timestamp;

pub use competency::{
    AssociationKind, CaseVersion, CfAssociation, CfDocument, CfItem, CfRubric, CfRubricCriterion, CfRubricLevel,
    Framework, NodeRef,
};
pub use date::{Date, DateFormat};
pub use records::{
    Achievement, AchievementKind, Alignment, AlignmentSource, Award, Course, CourseRecord, Evidence, Key, Learner,
    Records, Term,
};
pub use subset::{LearnerSubset, learner_bucket};
pub use timestamp::Timestamp;
