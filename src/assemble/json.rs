//! The credentials as JSON values made by moving the typed structs' strings into them instead of copying
//! ([`IntoJson`]): a learner's transcript is turned into JSON once, for signing, and the typed structs are
//! not needed after that.
//!
//! The shapes are exactly those of the structs' `Serialize` derives in [`super::vocab`] (field order, fields
//! left out when empty, ECMAScript numbers); the tests compare both serializations byte for byte.

use serde_json::{Map, Value};

use super::vocab::{
    Achievement, AchievementCredential, AchievementSubject, Address, Alignment, Association, ClrCredential, ClrSubject,
    Criteria, Evidence, IdentifierEntry, IdentityObject, Image, Number, Profile, ResultDescription, ResultEntry,
};
use crate::model::Timestamp;

/// A value that becomes JSON by moving its contents.
pub trait IntoJson {
    /// The JSON value, as `serde_json::to_value` gives it.
    fn into_json(self) -> Value;
}

impl IntoJson for Value {
    fn into_json(self) -> Value {
        self
    }
}

impl IntoJson for String {
    fn into_json(self) -> Value {
        Value::String(self)
    }
}

impl IntoJson for &str {
    fn into_json(self) -> Value {
        Value::String(self.to_owned())
    }
}

impl IntoJson for bool {
    fn into_json(self) -> Value {
        Value::Bool(self)
    }
}

impl IntoJson for Timestamp {
    fn into_json(self) -> Value {
        Value::String(self.to_string())
    }
}

impl IntoJson for Number {
    /// As [`Number`]'s `Serialize`: an integer when the value is integral, else a float.
    fn into_json(self) -> Value {
        if self.0.fract() == 0.0 && self.0.abs() < 9.0e15 { Value::from(self.0 as i64) } else { Value::from(self.0) }
    }
}

impl<T: IntoJson> IntoJson for Vec<T> {
    fn into_json(self) -> Value {
        Value::Array(self.into_iter().map(IntoJson::into_json).collect())
    }
}

/// A JSON object being built, its fields in output order.
struct Object(Map<String, Value>);

impl Object {
    /// An object with room for `fields` fields.
    fn new(fields: usize) -> Object {
        Object(Map::with_capacity(fields))
    }

    /// Adds a field.
    fn field(mut self, key: &str, value: impl IntoJson) -> Object {
        self.0.insert(key.to_owned(), value.into_json());
        self
    }

    /// Adds a field unless it is `None` (`skip_serializing_if = "Option::is_none"`).
    fn optional(self, key: &str, value: Option<impl IntoJson>) -> Object {
        match value {
            Some(value) => self.field(key, value),
            None => self,
        }
    }

    /// Adds a list field unless it is empty (`skip_serializing_if = "Vec::is_empty"`).
    fn list(self, key: &str, value: Vec<impl IntoJson>) -> Object {
        if value.is_empty() { self } else { self.field(key, value) }
    }

    fn done(self) -> Value {
        Value::Object(self.0)
    }
}

impl IntoJson for Profile {
    fn into_json(self) -> Value {
        Object::new(8)
            .field("id", self.id)
            .field("type", self.kind)
            .field("name", self.name)
            .optional("url", self.url)
            .optional("email", self.email)
            .optional("phone", self.phone)
            .optional("address", self.address)
            .list("otherIdentifier", self.other_identifier)
            .done()
    }
}

impl IntoJson for Address {
    fn into_json(self) -> Value {
        Object::new(7)
            .field("type", self.kind)
            .optional("streetAddress", self.street_address)
            .optional("addressLocality", self.address_locality)
            .optional("addressRegion", self.address_region)
            .optional("postalCode", self.postal_code)
            .optional("addressCountry", self.address_country)
            .optional("addressCountryCode", self.address_country_code)
            .done()
    }
}

impl IntoJson for IdentifierEntry {
    fn into_json(self) -> Value {
        Object::new(3)
            .field("type", self.kind)
            .field("identifier", self.identifier)
            .field("identifierType", self.identifier_type)
            .done()
    }
}

impl IntoJson for IdentityObject {
    fn into_json(self) -> Value {
        Object::new(5)
            .field("type", self.kind)
            .field("identityHash", self.identity_hash)
            .field("identityType", self.identity_type)
            .field("hashed", self.hashed)
            .optional("salt", self.salt)
            .done()
    }
}

impl IntoJson for Criteria {
    fn into_json(self) -> Value {
        Object::new(2).optional("id", self.id).field("narrative", self.narrative).done()
    }
}

impl IntoJson for Image {
    fn into_json(self) -> Value {
        Object::new(2).field("id", self.id).field("type", self.kind).done()
    }
}

impl IntoJson for Alignment {
    fn into_json(self) -> Value {
        Object::new(7)
            .field("type", self.kind)
            .field("targetName", self.target_name)
            .field("targetUrl", self.target_url)
            .optional("targetDescription", self.target_description)
            .optional("targetCode", self.target_code)
            .optional("targetFramework", self.target_framework)
            .field("targetType", self.target_type)
            .done()
    }
}

impl IntoJson for ResultDescription {
    fn into_json(self) -> Value {
        Object::new(8)
            .field("id", self.id)
            .field("type", self.kind)
            .field("name", self.name)
            .field("resultType", self.result_type)
            .list("allowedValue", self.allowed_value)
            .optional("requiredValue", self.required_value)
            .optional("valueMin", self.value_min)
            .optional("valueMax", self.value_max)
            .done()
    }
}

impl IntoJson for ResultEntry {
    fn into_json(self) -> Value {
        Object::new(4)
            .field("type", self.kind)
            .field("resultDescription", self.result_description)
            .optional("value", self.value)
            .optional("status", self.status)
            .done()
    }
}

impl IntoJson for Achievement {
    fn into_json(self) -> Value {
        Object::new(14)
            .field("id", self.id)
            .field("type", self.kind)
            .field("achievementType", self.achievement_type)
            .field("name", self.name)
            .field("description", self.description)
            .field("criteria", self.criteria)
            .optional("humanCode", self.human_code)
            .optional("fieldOfStudy", self.field_of_study)
            .optional("creditsAvailable", self.credits_available)
            .optional("image", self.image)
            .field("creator", self.creator)
            .list("alignment", self.alignment)
            .list("resultDescription", self.result_description)
            .list("tag", self.tag)
            .done()
    }
}

impl IntoJson for Evidence {
    fn into_json(self) -> Value {
        Object::new(4)
            .optional("id", self.id)
            .field("type", self.kind)
            .optional("name", self.name)
            .optional("narrative", self.narrative)
            .done()
    }
}

impl IntoJson for AchievementSubject {
    fn into_json(self) -> Value {
        Object::new(8)
            .field("type", self.kind)
            .field("identifier", self.identifier)
            .field("achievement", self.achievement)
            .list("result", self.result)
            .optional("creditsEarned", self.credits_earned)
            .optional("term", self.term)
            .optional("activityStartDate", self.activity_start_date)
            .optional("activityEndDate", self.activity_end_date)
            .done()
    }
}

impl IntoJson for AchievementCredential {
    fn into_json(self) -> Value {
        Object::new(10)
            .field("@context", self.context)
            .field("id", self.id)
            .field("type", self.kind)
            .field("name", self.name)
            .optional("description", self.description)
            .field("issuer", self.issuer)
            .field("validFrom", self.valid_from)
            .optional("awardedDate", self.awarded_date)
            .field("credentialSubject", self.credential_subject)
            .list("evidence", self.evidence)
            .done()
    }
}

impl IntoJson for Association {
    fn into_json(self) -> Value {
        Object::new(4)
            .field("type", self.kind)
            .field("associationType", self.association_type)
            .field("sourceId", self.source_id)
            .field("targetId", self.target_id)
            .done()
    }
}

impl IntoJson for ClrSubject {
    fn into_json(self) -> Value {
        Object::new(5)
            .field("type", self.kind)
            .field("identifier", self.identifier)
            .field("achievement", self.achievement)
            .field("verifiableCredential", self.verifiable_credential)
            .list("association", self.association)
            .done()
    }
}

impl IntoJson for ClrCredential {
    fn into_json(self) -> Value {
        Object::new(10)
            .field("@context", self.context)
            .field("id", self.id)
            .field("type", self.kind)
            .field("name", self.name)
            .field("description", self.description)
            .field("issuer", self.issuer)
            .field("validFrom", self.valid_from)
            .field("awardedDate", self.awarded_date)
            .field("partial", self.partial)
            .field("credentialSubject", self.credential_subject)
            .done()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same bytes as the `Serialize` derive.
    fn same_as_serde<T: IntoJson + serde::Serialize + Clone>(value: &T) {
        let expected = serde_json::to_string(value).unwrap();
        let moved = serde_json::to_string(&value.clone().into_json()).unwrap();
        assert_eq!(moved, expected);
    }

    fn profile(full: bool) -> Profile {
        Profile {
            id: "did:web:x".into(),
            kind: vec!["Profile"],
            name: "X \"U\"\n".into(),
            url: full.then(|| "https://x/".into()),
            email: full.then(|| "r@x".into()),
            phone: full.then(|| "+1".into()),
            address: full.then(|| Address {
                kind: vec!["Address"],
                street_address: Some("1 Main".into()),
                address_locality: Some("Town".into()),
                address_region: None,
                postal_code: Some("0".into()),
                address_country: Some("Nowhere".into()),
                address_country_code: Some("NW".into()),
            }),
            other_identifier: if full {
                vec![IdentifierEntry { kind: "IdentifierEntry", identifier: "1".into(), identifier_type: "x".into() }]
            } else {
                Vec::new()
            },
        }
    }

    fn achievement(full: bool) -> Achievement {
        Achievement {
            id: "urn:a".into(),
            kind: vec!["Achievement"],
            achievement_type: "Course".into(),
            name: "N".into(),
            description: "D".into(),
            criteria: Criteria { id: full.then(|| "https://c".into()), narrative: "n".into() },
            human_code: full.then(|| "C 1".into()),
            field_of_study: full.then(|| "F".into()),
            credits_available: full.then_some(Number(3.5)),
            image: full.then(|| Image { id: "https://i".into(), kind: "Image" }),
            creator: profile(full),
            alignment: if full {
                vec![Alignment {
                    kind: vec!["Alignment"],
                    target_name: "T".into(),
                    target_url: "https://t".into(),
                    target_description: Some("d".into()),
                    target_code: None,
                    target_framework: Some("F".into()),
                    target_type: "CFItem",
                }]
            } else {
                Vec::new()
            },
            result_description: vec![ResultDescription {
                id: "urn:rd".into(),
                kind: vec!["ResultDescription"],
                name: "Grade".into(),
                result_type: "LetterGrade",
                allowed_value: if full { vec!["A".into(), "B".into()] } else { Vec::new() },
                required_value: full.then(|| "B".into()),
                value_min: full.then(|| "1".into()),
                value_max: None,
            }],
            tag: if full { vec!["t".into()] } else { Vec::new() },
        }
    }

    fn credential(full: bool) -> AchievementCredential {
        AchievementCredential {
            context: vec!["https://www.w3.org/ns/credentials/v2"],
            id: "urn:c".into(),
            kind: vec!["VerifiableCredential", "AchievementCredential"],
            name: "C".into(),
            description: full.then(|| "d".into()),
            issuer: profile(false),
            valid_from: Timestamp::from_unix(1_750_000_000),
            awarded_date: full.then(|| Timestamp::from_unix(1_700_000_000)),
            credential_subject: AchievementSubject {
                kind: vec!["AchievementSubject"],
                identifier: vec![IdentityObject {
                    kind: "IdentityObject",
                    identity_hash: "sha256$00".into(),
                    identity_type: "emailAddress",
                    hashed: true,
                    salt: full.then(|| "s".into()),
                }],
                achievement: achievement(full),
                result: vec![ResultEntry {
                    kind: vec!["Result"],
                    result_description: "urn:rd".into(),
                    value: full.then(|| "A".into()),
                    status: full.then_some("Completed"),
                }],
                credits_earned: full.then_some(Number(4.0)),
                term: full.then(|| "Fall".into()),
                activity_start_date: full.then(|| Timestamp::from_unix(0)),
                activity_end_date: full.then(|| Timestamp::from_unix(86_400)),
            },
            evidence: if full {
                vec![Evidence { id: None, kind: vec!["Evidence"], name: Some("e".into()), narrative: None }]
            } else {
                Vec::new()
            },
        }
    }

    #[test]
    fn every_field_as_serde_writes_it() {
        for full in [false, true] {
            same_as_serde(&credential(full));
            let clr = ClrCredential {
                context: vec!["https://www.w3.org/ns/credentials/v2"],
                id: "urn:clr".into(),
                kind: vec!["VerifiableCredential", "ClrCredential"],
                name: "CLR".into(),
                description: "d".into(),
                issuer: profile(full),
                valid_from: Timestamp::from_unix(1),
                awarded_date: Timestamp::from_unix(2),
                partial: full,
                credential_subject: ClrSubject {
                    kind: vec!["ClrSubject"],
                    identifier: Vec::new(),
                    achievement: vec![achievement(full), achievement(!full)],
                    verifiable_credential: vec![serde_json::json!({"a": [1, 2.5, null]})],
                    association: if full {
                        vec![Association {
                            kind: "Association",
                            association_type: "isChildOf",
                            source_id: "urn:a".into(),
                            target_id: "urn:b".into(),
                        }]
                    } else {
                        Vec::new()
                    },
                },
            };
            same_as_serde(&clr);
        }
    }

    #[test]
    fn numbers_are_integers_when_integral() {
        for n in [0.0, 3.0, -2.0, 2.5, 1e16, 0.1] {
            assert_eq!(Number(n).into_json(), serde_json::to_value(Number(n)).unwrap(), "{n}");
        }
    }
}
