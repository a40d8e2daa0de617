//! What every credential of one learner shares: issuer, learner identifiers,
//! ids, dates, and the vocabulary helpers that build achievements and results.

use super::identity;
use super::ids::IdMaker;
use super::vocab::{
    Achievement, Address, Alignment, Criteria, IdentifierEntry, IdentityObject, Profile, ResultDescription,
};
use crate::config::Config;
use crate::graph::{CompetencyGraph, NodeId};
use crate::model::{Framework, Learner, Timestamp};

/// OB 3.0 IdentifierTypeEnum values; anything else takes the `ext:` prefix.
const IDENTIFIER_TYPES: &[&str] = &[
    "name",
    "sourcedId",
    "systemId",
    "productId",
    "userName",
    "accountId",
    "emailAddress",
    "nationalIdentityNumber",
    "isbn",
    "issn",
    "lisSourcedId",
    "oneRosterSourcedId",
    "sisSourcedId",
    "ltiContextId",
    "ltiDeploymentId",
    "ltiToolId",
    "ltiPlatformId",
    "ltiUserId",
    "identifier",
];

/// An enumeration value as OB wants it: itself when defined, else `ext:` + it (no spaces).
pub fn enum_value(value: &str, defined: &[&str]) -> String {
    if defined.contains(&value) { value.to_string() } else { format!("ext:{}", value.replace(char::is_whitespace, "")) }
}

/// The issuer's Profile from institution.toml.
pub fn issuer_profile(config: &Config, issuer_id: &str) -> Profile {
    let inst = &config.institution;
    Profile {
        id: issuer_id.to_string(),
        kind: vec!["Profile"],
        name: inst.name.clone(),
        url: Some(inst.url.clone()),
        email: inst.email.clone(),
        phone: inst.phone.clone(),
        address: inst.address.as_ref().map(|a| Address {
            kind: vec!["Address"],
            street_address: a.street.clone(),
            address_locality: a.locality.clone(),
            address_region: a.region.clone(),
            postal_code: a.postal_code.clone(),
            address_country: a.country.clone(),
            address_country_code: a.country_code.clone(),
        }),
        other_identifier: inst
            .identifiers
            .iter()
            .map(|i| IdentifierEntry {
                kind: "IdentifierEntry",
                identifier: i.value.clone(),
                identifier_type: enum_value(&i.kind, IDENTIFIER_TYPES),
            })
            .collect(),
    }
}

/// What the credentials of one learner share.
pub struct Subject<'a> {
    /// Ids of this institution.
    pub ids: IdMaker,
    /// The full issuer Profile (credential `issuer`).
    pub issuer: Profile,
    /// The short issuer Profile (id, name, url): nested credentials' `issuer`, achievements' `creator`.
    pub creator: Profile,
    /// The issue date.
    pub issued_at: Timestamp,
    /// The learner's IdentityObjects.
    pub identifiers: Vec<IdentityObject>,
    /// The learner.
    pub learner: &'a Learner,
    /// The graph (alignments, competencies).
    pub graph: &'a CompetencyGraph,
    /// The frameworks, for their titles.
    pub frameworks: &'a [Framework],
    /// The institution's settings.
    pub config: &'a Config,
}

impl<'a> Subject<'a> {
    /// The shared parts for `learner`.
    pub fn new(
        config: &'a Config,
        issuer_id: &str,
        issued_at: Timestamp,
        salt_secret: &[u8],
        learner: &'a Learner,
        graph: &'a CompetencyGraph,
        frameworks: &'a [Framework],
    ) -> Subject<'a> {
        let issuer = issuer_profile(config, issuer_id);
        let creator =
            Profile { email: None, phone: None, address: None, other_identifier: Vec::new(), ..issuer.clone() };
        let salt = identity::salt(salt_secret, &learner.id);
        let mut identifiers =
            vec![identity::plain("name", &learner.full_name()), identity::hashed("sisSourcedId", &learner.id, &salt)];
        if let Some(email) = &learner.email {
            identifiers.push(identity::hashed("emailAddress", &email.trim().to_lowercase(), &salt));
        }
        Subject {
            ids: IdMaker::new(&config.institution.url),
            issuer,
            creator,
            issued_at,
            identifiers,
            learner,
            graph,
            frameworks,
            config,
        }
    }

    /// Another institution as a Profile (creator of transfer courses).
    pub fn other_institution(&self, name: &str) -> Profile {
        Profile {
            id: self.ids.id("institution", name),
            kind: vec!["Profile"],
            name: name.to_string(),
            url: None,
            email: None,
            phone: None,
            address: None,
            other_identifier: Vec::new(),
        }
    }

    /// An Achievement by this institution with the fields every achievement has;
    /// callers fill in the rest.
    pub fn achievement(
        &self,
        id: String,
        achievement_type: &str,
        name: String,
        description: String,
        narrative: String,
    ) -> Achievement {
        Achievement {
            id,
            kind: vec!["Achievement"],
            achievement_type: achievement_type.to_string(),
            name,
            description,
            criteria: Criteria { id: None, narrative },
            human_code: None,
            field_of_study: None,
            credits_available: None,
            image: None,
            creator: self.creator.clone(),
            alignment: Vec::new(),
            result_description: Vec::new(),
            tag: Vec::new(),
        }
    }

    /// A ResultDescription.
    pub fn result_description(&self, key: &str, name: &str, result_type: &'static str) -> ResultDescription {
        ResultDescription {
            id: self.ids.id("result-description", key),
            kind: vec!["ResultDescription"],
            name: name.to_string(),
            result_type,
            allowed_value: Vec::new(),
            required_value: None,
            value_min: None,
            value_max: None,
        }
    }

    /// The OB Alignment of a competency node to its CASE CFItem.
    pub fn alignment(&self, item: NodeId) -> Alignment {
        let node = self.graph.node(item);
        Alignment {
            kind: vec!["Alignment"],
            target_name: node.label.clone(),
            target_url: node.uri.clone().unwrap_or_else(|| node.key.clone()),
            target_description: None,
            target_code: node.code.clone(),
            target_framework: node.framework.and_then(|f| self.frameworks.get(f)).map(|f| f.document.title.clone()),
            target_type: "CFItem",
        }
    }

    /// The alignments of a course or achievement node, sorted, without duplicates.
    pub fn alignments_of(&self, source: Option<NodeId>) -> Vec<Alignment> {
        let mut items: Vec<NodeId> =
            source.map(|s| self.graph.alignments_of(s).map(|(item, _)| item).collect()).unwrap_or_default();
        items.sort_unstable();
        items.dedup();
        items.into_iter().map(|i| self.alignment(i)).collect()
    }
}
