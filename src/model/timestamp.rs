//! An instant, to the second: the issue date of a run. Parsed from RFC 3339 or
//! from `SOURCE_DATE_EPOCH` at the edge; never read from the clock here.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Date;

/// Seconds since 1970-01-01T00:00:00Z, printed as RFC 3339 in UTC (`…Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From seconds since the Unix epoch (as in `SOURCE_DATE_EPOCH`).
    pub fn from_unix(seconds: i64) -> Timestamp {
        Timestamp(seconds)
    }

    /// Seconds since the Unix epoch.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// Midnight UTC at the start of `date`.
    pub fn start_of(date: Date) -> Timestamp {
        Timestamp(date.days_since_epoch() * 86_400)
    }

    /// The UTC calendar date.
    pub fn date(self) -> Date {
        Date::from_days_since_epoch(self.0.div_euclid(86_400))
    }

    /// Parses RFC 3339 (`2026-06-15T00:00:00Z`, `…+02:00`, fractional seconds dropped),
    /// or a bare date (`2026-06-15`, midnight UTC).
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        let date = Date::parse_iso(text.get(..10)?)?;
        let rest = &text[10..];
        if rest.is_empty() {
            return Some(Timestamp::start_of(date));
        }
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let (clock, zone) = split_zone(rest)?;
        let mut parts = clock.split(':');
        let h: i64 = parse_field(parts.next()?, 0..=23)?;
        let m: i64 = parse_field(parts.next()?, 0..=59)?;
        let s_text = parts.next()?;
        let s: i64 = parse_field(s_text.split('.').next()?, 0..=60)?;
        if parts.next().is_some() {
            return None;
        }
        Some(Timestamp(Timestamp::start_of(date).0 + h * 3600 + m * 60 + s - zone))
    }
}

/// Splits "HH:MM:SS[.fff]" from its zone, returning the zone's offset in seconds.
fn split_zone(text: &str) -> Option<(&str, i64)> {
    if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let at = text.rfind(['+', '-'])?;
    let (clock, zone) = text.split_at(at);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let (zh, zm) = zone[1..].split_once(':')?;
    Some((clock, sign * (parse_field(zh, 0..=23)? * 3600 + parse_field(zm, 0..=59)? * 60)))
}

fn parse_field(text: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| range.contains(n))
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.rem_euclid(86_400);
        write!(f, "{}T{:02}:{:02}:{:02}Z", self.date(), secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not an RFC 3339 date-time")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_rfc3339() {
        let t = Timestamp::parse("2026-06-15T00:00:00Z").unwrap();
        assert_eq!(t.to_string(), "2026-06-15T00:00:00Z");
        assert_eq!(Timestamp::parse("2026-06-15T02:30:00+02:30").unwrap(), t);
        assert_eq!(Timestamp::parse("2026-06-14T20:00:00.123-04:00").unwrap(), t);
        assert_eq!(Timestamp::parse("2026-06-15").unwrap(), t);
        assert_eq!(Timestamp::from_unix(t.unix()), t);
        assert_eq!(Timestamp::from_unix(0).to_string(), "1970-01-01T00:00:00Z");
        for bad in ["2026-06-15T24:00:00Z", "2026-06-15T00:00Z", "2026-13-01T00:00:00Z", "x", "2026-06-15T00:00:00+5"] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }
}
