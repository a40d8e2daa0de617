//! CFRubrics, their criteria and the criteria's levels.

use std::cmp::Ordering;

use crate::model::{CfRubric, CfRubricCriterion, CfRubricLevel};

use super::fields::{Link, Object, integer, number, text};
use super::ids::fallback_uri;
use super::items::Known;
use super::json::Reader;

const HELP: &str = "CFRubrics, CFRubricCriteria and CFRubricCriterionLevels need an identifier";

/// The package's rubrics, in file order; objects without an identifier or with
/// one already used are reported and skipped.
pub(super) fn read_rubrics(reader: &mut Reader<'_>, package: &Object, known: &Known) -> Vec<CfRubric> {
    reader.objects(package, "CFRubrics").into_iter().filter_map(|obj| read_rubric(reader, obj, known)).collect()
}

fn read_rubric(reader: &mut Reader<'_>, obj: &Object, known: &Known) -> Option<CfRubric> {
    let identifier = identify(reader, obj, "CFRubric")?;
    let mut criteria: Vec<(Option<i64>, CfRubricCriterion)> = reader
        .objects(obj, "CFRubricCriteria")
        .into_iter()
        .filter_map(|criterion| read_criterion(reader, criterion, known))
        .collect();
    criteria.sort_by(|a, b| by_position(a.0, b.0));
    Some(CfRubric {
        uri: text(obj, "uri").unwrap_or_else(|| fallback_uri(&identifier)),
        identifier,
        title: text(obj, "title"),
        description: text(obj, "description"),
        criteria: criteria.into_iter().map(|(_, criterion)| criterion).collect(),
    })
}

fn read_criterion(reader: &mut Reader<'_>, obj: &Object, known: &Known) -> Option<(Option<i64>, CfRubricCriterion)> {
    let identifier = identify(reader, obj, "CFRubricCriterion")?;
    let item = Link::read(obj, "CFItemURI").map(|link| known.resolve(link).0.identifier);
    let mut levels: Vec<CfRubricLevel> = reader
        .objects(obj, "CFRubricCriterionLevels")
        .into_iter()
        .filter_map(|level| read_level(reader, level))
        .collect();
    levels.sort_by(|a, b| by_position(a.position, b.position));
    let criterion = CfRubricCriterion {
        identifier,
        item: item.filter(|id| !id.is_empty()),
        description: text(obj, "description").or_else(|| text(obj, "category")),
        weight: number(obj, "weight"),
        levels,
    };
    Some((integer(obj, "position"), criterion))
}

fn read_level(reader: &mut Reader<'_>, obj: &Object) -> Option<CfRubricLevel> {
    let identifier = identify(reader, obj, "CFRubricCriterionLevel")?;
    Some(CfRubricLevel {
        identifier,
        description: text(obj, "description"),
        quality: text(obj, "quality"),
        score: number(obj, "score"),
        position: integer(obj, "position"),
    })
}

/// The object's identifier, once claimed; `None` (reported) without one or for a duplicate.
fn identify(reader: &mut Reader<'_>, obj: &Object, what: &str) -> Option<String> {
    let origin = reader.locator.locate(obj);
    let Some(identifier) = text(obj, "identifier") else {
        reader.shape(origin, format!("a {what} has no identifier; it is skipped"), HELP);
        return None;
    };
    reader.claim(&identifier, &origin, &format!("the {what}")).then_some(identifier)
}

/// Positioned before unpositioned; equal positions keep file order (stable sort).
fn by_position(a: Option<i64>, b: Option<i64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}
