//! The `BitstringStatusListCredential` (REC §2.2): made (unsigned; the caller signs it with the issuer's key)
//! and read back.

use serde_json::{Value, json};

use super::Purpose;
use super::bitstring::Bitstring;

/// The VC 2.0 context: it defines every term of a status list credential (REC §5.2).
pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";

/// The largest status list credential file read, in bytes.
pub const MAX_LIST_FILE_BYTES: usize = 8 << 20;

/// The unsigned status list credential served at `url` (its `id`), of `purpose`, issued by `issuer` and valid
/// from `valid_from` (REC §3.1 Generate Algorithm steps 2–4; the caller adds the proof, step 5).
pub fn list_credential(url: &str, issuer: &str, purpose: Purpose, bits: &Bitstring, valid_from: &str) -> Value {
    json!({
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose.as_str(),
            "encodedList": bits.encode(),
        }
    })
}

/// Reads a status list credential's JSON text (at most [`MAX_LIST_FILE_BYTES`]). Every list is read here, so
/// a stricter JSON reader is switched in at one place.
pub fn read_list_json(bytes: &[u8]) -> Result<Value, String> {
    if bytes.len() > MAX_LIST_FILE_BYTES {
        return Err(format!("larger than {MAX_LIST_FILE_BYTES} bytes"));
    }
    // Strict JSON, as every JSON xtranscript reads: a duplicate member name is refused.
    let value: Value = crate::ingest::json::parse_slice(bytes).map_err(|e| {
        if crate::ingest::json::is_strictness(&e) { format!("refused JSON: {e}") } else { format!("not JSON: {e}") }
    })?;
    if !value.is_object() {
        return Err("not a JSON object".to_string());
    }
    Ok(value)
}

/// What a status list credential says, once its shape is checked (not its proofs: see `check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListContent {
    /// Its `id`, if a string.
    pub id: Option<String>,
    /// Its issuer (`issuer` or `issuer.id`).
    pub issuer: String,
    /// Its `statusPurpose` values (the REC allows one or an array).
    pub purposes: Vec<String>,
    /// The expanded bitstring.
    pub bits: Bitstring,
}

/// Checks the shape of a status list credential (REC §2.2) and expands its list (§3.4).
pub fn list_content(list: &Value) -> Result<ListContent, String> {
    if !has_type(list.get("type"), "BitstringStatusListCredential") {
        return Err("not a BitstringStatusListCredential".to_string());
    }
    let issuer = issuer_of(list).ok_or("the status list has no issuer")?;
    let subject = list.get("credentialSubject").filter(|s| s.is_object()).ok_or("no credentialSubject object")?;
    if !has_type(subject.get("type"), "BitstringStatusList") {
        return Err("credentialSubject.type is not BitstringStatusList".to_string());
    }
    let purposes: Vec<String> = match subject.get("statusPurpose") {
        Some(Value::String(p)) => vec![p.clone()],
        Some(Value::Array(ps)) => ps.iter().filter_map(Value::as_str).map(String::from).collect(),
        _ => Vec::new(),
    };
    if purposes.is_empty() {
        return Err("the status list has no statusPurpose".to_string());
    }
    let encoded = subject.get("encodedList").and_then(Value::as_str).ok_or("no encodedList string")?;
    let bits = Bitstring::decode(encoded).map_err(|e| e.to_string())?;
    let id = list.get("id").and_then(Value::as_str).map(String::from);
    Ok(ListContent { id, issuer, purposes, bits })
}

/// A credential's issuer id: `issuer` as a string, or `issuer.id`.
pub fn issuer_of(vc: &Value) -> Option<String> {
    match vc.get("issuer")? {
        Value::String(s) => Some(s.clone()),
        other => other.get("id").and_then(Value::as_str).map(String::from),
    }
}

/// Whether `types` (a string or an array of strings) includes `wanted`.
pub fn has_type(types: Option<&Value>, wanted: &str) -> bool {
    match types {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::{self, SecretKey, Suite};

    /// Issue #15.2 for status lists: a list whose `encodedList` appears twice (a forged one first) is refused.
    #[test]
    fn a_list_with_a_duplicate_member_name_is_refused() {
        let json = br#"{"type": "BitstringStatusListCredential", "encodedList": "uA", "encodedList": "uB"}"#;
        let error = read_list_json(json).unwrap_err();
        assert!(error.starts_with("refused JSON") && error.contains("encodedList"), "{error}");
    }

    #[test]
    fn a_signed_list_verifies_and_reads_back() {
        let key = SecretKey::from_seed(&[7; 32]);
        let mut bits = Bitstring::new(0);
        bits.set(42, true);
        let url = "https://registrar.example.edu/status/r1";
        let list = list_credential(url, &key.did_key(), Purpose::Revocation, &bits, "2026-06-15T00:00:00Z");
        let signed =
            sign::sign(&list, &key, &key.did_key_verification_method(), "2026-06-15T00:00:00Z", Suite::EddsaRdfc2022)
                .unwrap();
        assert!(sign::verify(&signed, &sign::resolve_did_key).is_ok());
        let content = list_content(&signed).unwrap();
        assert_eq!(content.purposes, ["revocation"]);
        assert_eq!(content.bits.ones().collect::<Vec<_>>(), [42]);
        assert_eq!(content.id.as_deref(), Some(url));
    }

    #[test]
    fn reads_the_reference_fixture_and_refuses_the_wrong_type() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/refverify-status");
        let text = std::fs::read(format!("{dir}/lists/status-list-1.json")).unwrap();
        let content = list_content(&read_list_json(&text).unwrap()).unwrap();
        assert_eq!(content.bits.ones().collect::<Vec<_>>(), [7, 1000, 131_071]);
        let wrong = std::fs::read(format!("{dir}/negative/status-list-1-wrong-type.json")).unwrap();
        assert!(list_content(&read_list_json(&wrong).unwrap()).is_err());
        assert!(read_list_json(b"[1]").is_err());
    }
}
