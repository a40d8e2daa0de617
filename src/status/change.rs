//! `revoke`, `suspend` and `reinstate`: which registry entries a request changes, as events to append.
//! Revocation is final; a revoked nested credential takes the learner's live CLR with it (the CLR contains
//! it). Asking again for what is already done is no error: the caller republishes the lists, which finishes
//! a run that was killed between the registry and the lists.

use thiserror::Error;

use super::registry::{Change, Entry, Event, Registry};

/// Why a status change is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChangeError {
    /// The learner has no credential in the registry.
    #[error("no credential of learner {0:?} is in the status registry")]
    UnknownLearner(String),
    /// The credential id is not one of the learner's.
    #[error("credential {credential:?} is not one of learner {learner:?}'s")]
    UnknownCredential {
        /// The learner.
        learner: String,
        /// The credential asked for.
        credential: String,
    },
    /// Suspension asked of credentials issued without a suspension entry.
    #[error("{0} was issued without a suspension entry ([status] suspension = true), so it cannot be suspended")]
    NoSuspension(String),
}

/// What a change request comes to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planned {
    /// The events to append (empty when everything asked is already so).
    pub events: Vec<Event>,
    /// The credentials changed now.
    pub changed: Vec<String>,
    /// The credentials that already were as asked.
    pub unchanged: Vec<String>,
    /// The lists whose bits change (to sign and publish again).
    pub lists: Vec<String>,
}

/// Plans `change` of the credentials of `learner` (all of them, or `credential` only) at `at` for `reason`.
pub fn plan_change(
    registry: &Registry,
    learner: &str,
    credential: Option<&str>,
    change: Change,
    at: &str,
    reason: &str,
) -> Result<Planned, ChangeError> {
    let all: Vec<&Entry> = registry.entries_of_learner(learner).collect();
    if all.is_empty() {
        return Err(ChangeError::UnknownLearner(learner.to_string()));
    }
    let mut targets: Vec<&Entry> = match credential {
        None => all.iter().copied().filter(|e| !e.revoked || change == Change::Revoked).collect(),
        Some(id) => {
            let entry = all.iter().copied().find(|e| e.credential == id).ok_or_else(|| {
                ChangeError::UnknownCredential { learner: learner.to_string(), credential: id.to_string() }
            })?;
            let mut targets = vec![entry];
            if change == Change::Revoked && entry.kind != "ClrCredential" && !entry.revoked {
                targets.extend(all.iter().copied().filter(|e| e.kind == "ClrCredential" && !e.revoked));
            }
            targets
        }
    };
    if change != Change::Revoked {
        // Suspension is about live credentials; a revoked one stays revoked.
        targets.retain(|e| !e.revoked);
        if let Some(e) = targets.iter().find(|e| e.suspension_list.is_none()) {
            return Err(ChangeError::NoSuspension(e.credential.clone()));
        }
    }
    let mut planned = Planned::default();
    for e in targets {
        let already = match change {
            Change::Revoked => e.revoked,
            Change::Suspended => e.suspended,
            Change::Reinstated => !e.suspended,
        };
        let list = match change {
            Change::Revoked => e.list.clone(),
            _ => e.suspension_list.clone().unwrap_or_default(),
        };
        if !planned.lists.contains(&list) {
            planned.lists.push(list);
        }
        if already {
            planned.unchanged.push(e.credential.clone());
            continue;
        }
        planned.events.push(Event::Status {
            list: e.list.clone(),
            index: e.index,
            change,
            at: at.to_string(),
            reason: reason.to_string(),
        });
        planned.changed.push(e.credential.clone());
    }
    Ok(planned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(suspension: bool) -> Registry {
        let mut r = Registry::default();
        for (i, (id, kind)) in [("urn:course", "Course"), ("urn:clr", "ClrCredential")].into_iter().enumerate() {
            r.apply(Event::Issued {
                list: "revocation-1".into(),
                index: 10 + i as u32,
                credential: id.into(),
                learner: "L1".into(),
                kind: kind.into(),
                key: id.into(),
                fingerprint: "f".into(),
                issued: "2026-06-15T00:00:00Z".into(),
                suspension_list: suspension.then(|| "suspension-1".into()),
            });
        }
        r
    }

    const AT: &str = "2026-07-01T00:00:00Z";

    #[test]
    fn revoking_a_nested_credential_revokes_the_clr_and_again_is_a_no_op() {
        let mut r = registry(false);
        let planned = plan_change(&r, "L1", Some("urn:course"), Change::Revoked, AT, "error").unwrap();
        assert_eq!(planned.changed, ["urn:course", "urn:clr"]);
        assert_eq!(planned.lists, ["revocation-1"]);
        planned.events.into_iter().for_each(|e| r.apply(e));
        let again = plan_change(&r, "L1", None, Change::Revoked, AT, "error").unwrap();
        assert!(again.events.is_empty());
        assert_eq!(again.unchanged.len(), 2);
        assert_eq!(again.lists, ["revocation-1"], "lists are published again");
    }

    #[test]
    fn unknown_ids_and_impossible_suspensions_are_refused() {
        let r = registry(false);
        assert_eq!(
            plan_change(&r, "L2", None, Change::Revoked, AT, "x"),
            Err(ChangeError::UnknownLearner("L2".into()))
        );
        assert!(matches!(
            plan_change(&r, "L1", Some("urn:other"), Change::Revoked, AT, "x"),
            Err(ChangeError::UnknownCredential { .. })
        ));
        assert!(matches!(plan_change(&r, "L1", None, Change::Suspended, AT, "x"), Err(ChangeError::NoSuspension(_))));
    }

    #[test]
    fn suspend_then_reinstate() {
        let mut r = registry(true);
        let planned = plan_change(&r, "L1", None, Change::Suspended, AT, "hold").unwrap();
        assert_eq!((planned.changed.len(), planned.lists.clone()), (2, vec!["suspension-1".to_string()]));
        planned.events.into_iter().for_each(|e| r.apply(e));
        assert!(r.credential("urn:clr").unwrap().suspended);
        let back = plan_change(&r, "L1", None, Change::Reinstated, AT, "cleared").unwrap();
        back.events.into_iter().for_each(|e| r.apply(e));
        assert!(!r.credential("urn:clr").unwrap().suspended);
    }
}
