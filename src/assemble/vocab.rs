//! The Open Badges 3.0 and CLR 2.0 data model, as typed structs serialized to
//! JSON-LD compacted against the 1EdTech contexts. Field order is output order;
//! only terms the contexts define are used (an undefined term would make every
//! rdfc signature unverifiable elsewhere).

use serde::Serialize;

use crate::model::Timestamp;

/// W3C VC 2.0 context.
pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// 1EdTech CLR 2.0.1 context.
pub const CLR_V2: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
/// 1EdTech Open Badges 3.0.3 context.
pub const OB_V3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// A JSON number written as ECMAScript would (integral values without a fraction:
/// `4`, not `4.0`), so JSON-LD processors and JCS in every language agree on it.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Number(pub f64);

impl Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.fract() == 0.0 && self.0.abs() < 9.0e15 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

/// A `type` value: one or more names.
pub type Types = Vec<&'static str>;

/// OB Profile (the issuer, or another institution as a creator).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Types,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_identifier: Vec<IdentifierEntry>,
}

/// OB Address.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(rename = "type")]
    pub kind: Types,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_locality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_country_code: Option<String>,
}

/// OB IdentifierEntry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentifierEntry {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub identifier: String,
    pub identifier_type: String,
}

/// OB IdentityObject: a (salted, hashed) identifier of the learner.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityObject {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub identity_hash: String,
    pub identity_type: &'static str,
    pub hashed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
}

/// OB Criteria.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criteria {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub narrative: String,
}

/// OB Image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Image {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// OB Alignment (to a CASE CFItem).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    #[serde(rename = "type")]
    pub kind: Types,
    pub target_name: String,
    pub target_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    pub target_type: &'static str,
}

/// OB ResultDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultDescription {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Types,
    pub name: String,
    pub result_type: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_value: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_min: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_max: Option<String>,
}

/// OB Result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultEntry {
    #[serde(rename = "type")]
    pub kind: Types,
    pub result_description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
}

/// OB Achievement.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Achievement {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Types,
    pub achievement_type: String,
    pub name: String,
    pub description: String,
    pub criteria: Criteria,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_of_study: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_available: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    pub creator: Profile,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result_description: Vec<ResultDescription>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<String>,
}

/// OB Evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Types,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

/// OB AchievementSubject.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementSubject {
    #[serde(rename = "type")]
    pub kind: Types,
    pub identifier: Vec<IdentityObject>,
    pub achievement: Achievement,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<ResultEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_earned: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_start_date: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_end_date: Option<Timestamp>,
}

/// OB 3.0 AchievementCredential.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementCredential {
    #[serde(rename = "@context")]
    pub context: Vec<&'static str>,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Types,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub issuer: Profile,
    pub valid_from: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awarded_date: Option<Timestamp>,
    pub credential_subject: AchievementSubject,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// CLR Association: a relation between two achievements.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Association {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub association_type: &'static str,
    pub source_id: String,
    pub target_id: String,
}

/// CLR ClrSubject.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClrSubject {
    #[serde(rename = "type")]
    pub kind: Types,
    pub identifier: Vec<IdentityObject>,
    pub achievement: Vec<Achievement>,
    /// The nested credentials, signed or not (JSON values, so proofs can be added).
    pub verifiable_credential: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub association: Vec<Association>,
}

/// CLR 2.0 ClrCredential.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClrCredential {
    #[serde(rename = "@context")]
    pub context: Vec<&'static str>,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Types,
    pub name: String,
    pub description: String,
    pub issuer: Profile,
    pub valid_from: Timestamp,
    pub awarded_date: Timestamp,
    pub partial: bool,
    pub credential_subject: ClrSubject,
}
