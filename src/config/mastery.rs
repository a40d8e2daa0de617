//! Mastery rules: when a competency with children counts as attained.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::locate;
use crate::diag::{Code, Diagnostics};

/// One roll-up rule, written in TOML as exactly one of `all = true`,
/// `at_least = N` or `fraction = 0.x`, optionally with `min_level = N`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MasteryRule {
    /// Every child must be attained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<bool>,
    /// At least this many children must be attained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<u32>,
    /// At least this fraction (0 < f ≤ 1) of the children must be attained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction: Option<f64>,
    /// A child counts only when attained at this level or above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<u32>,
}

/// How many children a rule needs, once it is checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Quorum {
    /// All of them.
    All,
    /// At least N.
    AtLeast(u32),
    /// At least this fraction.
    Fraction(f64),
}

impl MasteryRule {
    /// The rule every child must meet: `all`, no minimum level.
    pub const ALL: MasteryRule = MasteryRule { all: Some(true), at_least: None, fraction: None, min_level: None };

    /// The quorum the rule states (`All` when it states none).
    pub fn quorum(&self) -> Quorum {
        match (self.at_least, self.fraction) {
            (Some(n), _) => Quorum::AtLeast(n),
            (None, Some(f)) => Quorum::Fraction(f),
            (None, None) => Quorum::All,
        }
    }

    /// How many of `children` must be attained.
    pub fn needed(&self, children: usize) -> usize {
        match self.quorum() {
            Quorum::All => children,
            Quorum::AtLeast(n) => (n as usize).min(children),
            Quorum::Fraction(f) => ((f * children as f64) - 1e-9).ceil().max(1.0) as usize,
        }
    }

    fn problem(&self) -> Option<&'static str> {
        let stated = usize::from(self.all.is_some())
            + usize::from(self.at_least.is_some())
            + usize::from(self.fraction.is_some());
        if stated != 1 {
            return Some("state exactly one of all = true, at_least = N, fraction = 0.x");
        }
        if self.all == Some(false) {
            return Some("all = false says nothing; use at_least or fraction");
        }
        if self.at_least == Some(0) {
            return Some("at_least must be 1 or more");
        }
        if self.fraction.is_some_and(|f| !(f > 0.0 && f <= 1.0)) {
            return Some("fraction must be more than 0 and at most 1");
        }
        None
    }
}

impl fmt::Display for MasteryRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.quorum() {
            Quorum::All => write!(f, "all children")?,
            Quorum::AtLeast(n) => write!(f, "at least {n} children")?,
            Quorum::Fraction(x) => write!(f, "at least {:.0}% of the children", x * 100.0)?,
        }
        if let Some(level) = self.min_level {
            write!(f, " at level {level} or above")?;
        }
        Ok(())
    }
}

/// The `[mastery]` table: a default rule, per-framework and per-item overrides.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MasteryConfig {
    /// The rule for every framework without its own (default `all = true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<MasteryRule>,
    /// Per framework, keyed by CFDocument identifier or title.
    #[serde(default)]
    pub frameworks: BTreeMap<String, MasteryRule>,
    /// Per item, keyed by CFItem identifier, URI or human coding scheme.
    #[serde(default)]
    pub items: BTreeMap<String, MasteryRule>,
}

impl MasteryConfig {
    pub(super) fn validate(&self, text: &str, file: &Path, diags: &mut Diagnostics) {
        let named = self
            .default
            .iter()
            .map(|r| ("default", r))
            .chain(self.frameworks.iter().chain(&self.items).map(|(k, r)| (k.as_str(), r)));
        for (name, rule) in named {
            if let Some(problem) = rule.problem() {
                diags
                    .error(Code::ConfigValue, locate(text, file, name), format!("mastery rule {name:?}: {problem}"))
                    .help("e.g. [mastery.items.\"PLO.2\"] at_least = 2, min_level = 2");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needed_children() {
        let rule = |all, at_least, fraction| MasteryRule { all, at_least, fraction, min_level: None };
        assert_eq!(MasteryRule::ALL.needed(4), 4);
        assert_eq!(rule(None, Some(2), None).needed(4), 2);
        assert_eq!(rule(None, Some(9), None).needed(4), 4);
        assert_eq!(rule(None, None, Some(0.5)).needed(4), 2);
        assert_eq!(rule(None, None, Some(0.5)).needed(3), 2);
        assert_eq!(rule(None, None, Some(0.1)).needed(3), 1);
        assert_eq!(rule(None, None, Some(1.0)).needed(3), 3);
    }

    #[test]
    fn rules_must_state_one_quorum() {
        assert!(MasteryRule::default().problem().is_some());
        assert!(MasteryRule { all: Some(true), at_least: Some(2), ..Default::default() }.problem().is_some());
        assert!(MasteryRule { fraction: Some(1.5), ..Default::default() }.problem().is_some());
        assert!(MasteryRule { at_least: Some(2), min_level: Some(2), ..Default::default() }.problem().is_none());
    }
}
