//! One file per credential: every AchievementCredential nested in a signed CLR, as its own
//! `credentials/<kind>-<key>.json`, so a learner can share one course or badge without the whole transcript.
//!
//! The bytes are exactly the credential's bytes inside the compact `clr.json` (same serializer, same signed
//! value), so the proof made for the nested credential verifies the standalone file too.

use serde_json::Value;

use super::safe_dir_name;

/// The file kind of a nested credential, from its achievement's `achievementType`.
pub fn credential_kind(credential: &Value) -> &'static str {
    match credential.pointer("/credentialSubject/achievement/achievementType").and_then(Value::as_str) {
        Some("Course") => "course",
        Some("Competency") => "competency",
        Some("ext:AcademicTerm") => "term",
        Some("ext:AcademicRecord") => "summary",
        _ => "award",
    }
}

/// The key in a credential's file name: its `urn:uuid:` id without the prefix (ids are stable across
/// rebuilds and carry nothing about the learner), made safe as a file name; the position in the CLR when
/// the credential has no id.
fn credential_key(credential: &Value, index: usize) -> String {
    match credential.get("id").and_then(Value::as_str) {
        Some(id) => safe_dir_name(id.strip_prefix("urn:uuid:").unwrap_or(id)),
        None => format!("{index}"),
    }
}

/// The standalone files (`credentials/<kind>-<key>.json`, bytes) of the credentials nested in the signed CLR
/// `clr` (`credentialSubject.verifiableCredential[]`), in CLR order. Each file holds the nested credential's
/// compact JSON, byte for byte as it appears in `clr.json`. Two credentials with one name (not made by
/// xtranscript, whose ids are distinct) get `-2`, `-3` … suffixes.
pub fn credential_files(clr: &Value) -> Vec<(String, Vec<u8>)> {
    let Some(Value::Array(nested)) = clr.pointer("/credentialSubject/verifiableCredential") else {
        return Vec::new();
    };
    let mut taken = std::collections::HashSet::new();
    let mut files = Vec::with_capacity(nested.len());
    for (index, credential) in nested.iter().enumerate() {
        let stem = format!("credentials/{}-{}", credential_kind(credential), credential_key(credential, index));
        let mut name = format!("{stem}.json");
        let mut n = 1;
        while !taken.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{stem}-{n}.json");
        }
        // serde_json's compact writer writes a value the same wherever it sits.
        let bytes = serde_json::to_vec(credential).unwrap_or_default();
        files.push((name, bytes));
    }
    files
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nested_credentials_are_their_bytes_in_the_clr() {
        let course = json!({"id": "urn:uuid:1", "credentialSubject": {"achievement": {"achievementType": "Course"}},
            "proof": {"proofValue": "z1"}});
        let badge = json!({"id": "urn:uuid:2", "name": "é \"q\"", "credentialSubject": {"achievement": {}}});
        let clr = json!({"credentialSubject": {"verifiableCredential": [course, badge, {"x": 1}]}});
        let text = serde_json::to_vec(&clr).unwrap();
        let files = credential_files(&clr);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        // The third has no id: its position names it, which collides with the second's id.
        assert_eq!(names, ["credentials/course-1.json", "credentials/award-2.json", "credentials/award-2-2.json"]);
        for (_, bytes) in &files {
            assert!(text.windows(bytes.len()).any(|w| w == &bytes[..]));
        }
    }
}
