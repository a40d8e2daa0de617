//! Small pure helpers for PESC values: numbers, dates derived from session
//! codes, safe ids and slugs, and what an `AcademicAwardLevel` code means.

use crate::model::{AchievementKind, Date};

/// The longest id part kept (in characters).
const MAX_ID_LEN: usize = 64;

/// A non-negative, finite number, as PESC credits, points and GPAs are.
pub(super) fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0)
}

/// A PESC boolean (`true`/`false`, `1`/`0`, any case).
pub(super) fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" => Some(true),
        "false" | "0" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// An id made safe to embed in other ids: letters, digits, `.` and `_` kept,
/// anything else (spaces, `/`, `#` …) turned into `-`, runs of `-` collapsed
/// and `-` and `.` trimmed at both ends; at most 64 characters.
pub(super) fn safe_id(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '.' || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let edge = |c: char| c == '-' || c == '.';
    let trimmed: String = out.trim_matches(edge).chars().take(MAX_ID_LEN).collect();
    trimmed.trim_end_matches(edge).to_string()
}

/// A course id part: spaces removed, then made safe (`"T D"` → `"TD"`).
pub(super) fn id_part(text: &str) -> String {
    let compact: String = text.split_whitespace().collect();
    safe_id(&compact)
}

/// A lowercase slug of an institution's name, for prefixing ids
/// (`"University of Toronto"` → `"university-of-toronto"`); `"external"` when
/// nothing is left.
pub(super) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(48).collect();
    let out = out.trim_end_matches('-');
    if out.is_empty() { "external".to_string() } else { out.to_string() }
}

/// Whether two institution names are the same, ignoring case and spacing.
pub(super) fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    norm(a) == norm(b)
}

/// A date written as `xs:date` or `xs:dateTime` (the time part ignored).
pub(super) fn parse_date(text: &str) -> Option<Date> {
    Date::parse_iso(text)
}

/// The date `months` months after (or before) `date`, the day clamped to the month's end.
pub(super) fn shift_months(date: Date, months: i32) -> Option<Date> {
    let total = i32::from(date.year) * 12 + i32::from(date.month) - 1 + months;
    let year = u16::try_from(total.div_euclid(12)).ok()?;
    let month = u8::try_from(total.rem_euclid(12) + 1).ok()?;
    (28..=date.day.max(28)).rev().find_map(|day| Date::new(year, month, day.min(date.day)))
}

/// The day before `date` (or `date` itself at the calendar's start).
pub(super) fn day_before(date: Date) -> Date {
    let before = Date::from_days_since_epoch(date.days_since_epoch() - 1);
    if Date::new(before.year, before.month, before.day).is_some() { before } else { date }
}

/// The day after `date` (or `date` itself at the calendar's end).
pub(super) fn day_after(date: Date) -> Date {
    let after = Date::from_days_since_epoch(date.days_since_epoch() + 1);
    if Date::new(after.year, after.month, after.day).is_some() { after } else { date }
}

/// The four months from `start`: `start` .. the day before `start` + 4 months.
pub(super) fn four_months_from(start: Date) -> (Date, Date) {
    let end = shift_months(start, 4).map_or(start, day_before);
    (start, end.max(start))
}

/// The four months up to `end`.
pub(super) fn four_months_to(end: Date) -> (Date, Date) {
    let start = shift_months(end, -4).map_or(end, day_after);
    (start.min(end), end)
}

/// The span of a `SessionDesignator`: `YYYY-MM` → that month's first day and
/// four months on; a bare `YYYY` → the calendar year.
pub(super) fn designator_span(text: &str) -> Option<(Date, Date)> {
    let text = text.trim();
    let mut parts = text.split('-');
    let year: u16 = digits(parts.next()?, 4)?;
    match (parts.next(), parts.next()) {
        (None, _) => Some((Date::new(year, 1, 1)?, Date::new(year, 12, 31)?)),
        (Some(month), None) => Some(four_months_from(Date::new(year, digits(month, 2)?, 1)?)),
        (Some(_), Some(_)) => parse_date(text).map(four_months_from),
    }
}

/// The span of a `SessionSchoolYear` such as `2001-2002`: 1 September of the
/// first year to 31 August of the next.
pub(super) fn school_year_span(text: &str) -> Option<(Date, Date)> {
    let first: u16 = digits(text.trim().get(..4)?, 4)?;
    Some((Date::new(first, 9, 1)?, Date::new(first.checked_add(1)?, 8, 31)?))
}

fn digits<T: std::str::FromStr>(text: &str, max_len: usize) -> Option<T> {
    let ok = !text.is_empty() && text.len() <= max_len && text.bytes().all(|b| b.is_ascii_digit());
    if ok { text.parse().ok() } else { None }
}

/// `AcademicAwardLevel` codes (PESC core `AcademicAwardLevelType`): what they
/// are called and what kind of achievement they are.
const AWARD_LEVELS: &[(&str, &str, Kind)] = &[
    ("0.0", "Other award", Kind::Other),
    ("1.1", "Certificate of completion", Kind::Certificate),
    ("1.2", "Certificate of proficiency", Kind::Certificate),
    ("1.3", "Statement of participation", Kind::Certificate),
    ("1.4", "Statement of completion", Kind::Certificate),
    ("1.5", "Statement of achievement", Kind::Certificate),
    ("2.0", "Certificate", Kind::Certificate),
    ("2.1", "Postsecondary certificate or diploma (less than one year)", Kind::CertOrDiploma),
    ("2.2", "Postsecondary certificate or diploma (one to four years)", Kind::CertOrDiploma),
    ("2.3", "Associate degree", Kind::Degree),
    ("2.4", "Baccalaureate degree", Kind::Degree),
    ("2.5", "Baccalaureate (honours) degree", Kind::Degree),
    ("2.6", "Postsecondary certificate or diploma (one to two years)", Kind::CertOrDiploma),
    ("2.7", "Postsecondary certificate or diploma (two to four years)", Kind::CertOrDiploma),
    ("2.8", "Undergraduate non-degree award", Kind::Other),
    ("3.1", "First professional degree", Kind::Degree),
    ("3.2", "Post-professional degree", Kind::Degree),
    ("3.3", "Graduate professional award", Kind::Other),
    ("4.0", "Graduate non-degree award", Kind::Other),
    ("4.1", "Graduate certificate", Kind::Certificate),
    ("4.2", "Master's degree", Kind::Degree),
    ("4.3", "Intermediate graduate degree", Kind::Degree),
    ("4.4", "Doctoral degree", Kind::Degree),
    ("4.5", "Post-doctoral award", Kind::Other),
    ("1", "Award of less than one academic year", Kind::CertOrDiploma),
    ("2", "Certificate", Kind::Certificate),
    ("3", "Associate's degree", Kind::Degree),
    ("4", "Award of two to four academic years", Kind::CertOrDiploma),
    ("5", "Bachelor's degree", Kind::Degree),
    ("6", "Postbaccalaureate certificate", Kind::Certificate),
    ("7", "Master's degree", Kind::Degree),
    ("8", "Post-master's certificate", Kind::Certificate),
    ("9", "Doctor's degree", Kind::Degree),
    ("10", "First-professional degree", Kind::Degree),
    ("11", "First-professional certificate", Kind::Certificate),
    ("17", "Doctor's degree (research/scholarship)", Kind::Degree),
    ("18", "Doctor's degree (professional practice)", Kind::Degree),
    ("19", "Doctor's degree (other)", Kind::Degree),
    ("B17", "Did not complete secondary school", Kind::Other),
    ("B18", "Standard high school diploma", Kind::Diploma),
    ("B19", "Advanced or honors diploma", Kind::Diploma),
    ("B20", "Vocational diploma", Kind::Diploma),
    ("B21", "Special education diploma", Kind::Diploma),
    ("B22", "Certificate of completion or attendance", Kind::Certificate),
    ("B23", "Special certificate of completion or attendance", Kind::Certificate),
    ("B24", "General Education Development (GED) diploma", Kind::Diploma),
    ("B25", "Other high school equivalency diploma", Kind::Diploma),
    ("B26", "International diploma or certificate", Kind::CertOrDiploma),
    ("B27", "Standard high school diploma (three-year curriculum)", Kind::Diploma),
    ("B28", "Met all graduation requirements except the exit test", Kind::Other),
    ("FrenchBaccalaureate", "French Baccalaureate", Kind::Diploma),
    ("CEGEP", "CEGEP diploma", Kind::Diploma),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Degree,
    Diploma,
    Certificate,
    /// A certificate or a diploma: the title decides.
    CertOrDiploma,
    /// Nothing specific: the title decides, else "Other".
    Other,
}

/// What an `AcademicAwardLevel` code is called, if it is a PESC code.
pub(super) fn award_level_name(code: &str) -> Option<&'static str> {
    let code = code.trim();
    AWARD_LEVELS.iter().find(|(c, _, _)| c.eq_ignore_ascii_case(code)).map(|(_, name, _)| *name)
}

/// The kind of achievement an award is, by its level code, else by its title.
pub(super) fn award_kind(level: Option<&str>, title: &str) -> AchievementKind {
    let by_level = level.and_then(|code| {
        let code = code.trim();
        AWARD_LEVELS.iter().find(|(c, _, _)| c.eq_ignore_ascii_case(code)).map(|(_, _, kind)| *kind)
    });
    let lower = title.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let by_title = if has(&["degree", "bachelor", "master", "doctor", "associate", "baccalaure"]) {
        Some(AchievementKind::Degree)
    } else if has(&["diploma"]) {
        Some(AchievementKind::Diploma)
    } else if has(&["certificate", "certification"]) {
        Some(AchievementKind::Certificate)
    } else {
        None
    };
    match by_level {
        Some(Kind::Degree) => AchievementKind::Degree,
        Some(Kind::Diploma) => AchievementKind::Diploma,
        Some(Kind::Certificate) => AchievementKind::Certificate,
        Some(Kind::CertOrDiploma) => match by_title {
            Some(AchievementKind::Certificate) => AchievementKind::Certificate,
            _ => AchievementKind::Diploma,
        },
        Some(Kind::Other) | None => {
            by_title.unwrap_or_else(|| AchievementKind::Other(level.map_or("award", str::trim).to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).expect("valid date")
    }

    #[test]
    fn ids_and_slugs() {
        assert_eq!(safe_id(" 2014 Fall Term "), "2014-Fall-Term");
        assert_eq!(safe_id("a/b#c"), "a-b-c");
        assert_eq!(safe_id("///"), "");
        assert_eq!(id_part("T D"), "TD");
        assert_eq!(id_part("3410(Int)"), "3410-Int");
        assert_eq!(slug("THE UNIVERSITY OF TEXAS AT AUSTIN"), "the-university-of-texas-at-austin");
        assert_eq!(slug(" Université Laval "), "université-laval");
        assert_eq!(slug("&&"), "external");
        assert!(same_name("TEXAS A and M ", "texas a  and m"));
    }

    #[test]
    fn numbers_and_flags() {
        assert_eq!(parse_number(" 3.5 "), Some(3.5));
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("-1"), None);
        assert_eq!(parse_number("three"), None);
        assert_eq!(parse_flag("True"), Some(true));
        assert_eq!(parse_flag("maybe"), None);
    }

    #[test]
    fn session_spans() {
        assert_eq!(designator_span("1985-09"), Some((d(1985, 9, 1), d(1985, 12, 31))));
        assert_eq!(designator_span("2016-01"), Some((d(2016, 1, 1), d(2016, 4, 30))));
        assert_eq!(designator_span("2016"), Some((d(2016, 1, 1), d(2016, 12, 31))));
        assert_eq!(designator_span("2016-13"), None);
        assert_eq!(designator_span("FALL"), None);
        assert_eq!(school_year_span("2001-2002"), Some((d(2001, 9, 1), d(2002, 8, 31))));
        assert_eq!(four_months_to(d(2020, 6, 30)), (d(2020, 3, 1), d(2020, 6, 30)));
        assert_eq!(shift_months(d(2020, 10, 31), 4), Some(d(2021, 2, 28)));
    }

    #[test]
    fn award_kinds() {
        assert_eq!(award_kind(Some("2.2"), "Diploma"), AchievementKind::Diploma);
        assert_eq!(award_kind(Some("2.2"), "Ontario College Certificate"), AchievementKind::Certificate);
        assert_eq!(award_kind(Some("4.2"), "MA"), AchievementKind::Degree);
        assert_eq!(award_kind(Some("B18"), "x"), AchievementKind::Diploma);
        assert_eq!(award_kind(None, "Bachelor of Arts"), AchievementKind::Degree);
        assert_eq!(award_kind(Some("ZZ"), "Prize"), AchievementKind::Other("ZZ".into()));
        assert_eq!(award_level_name("4.2"), Some("Master's degree"));
    }
}
