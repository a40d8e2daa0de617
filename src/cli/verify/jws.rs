//! `verify` on JWT-secured credentials: compact JWS (OB 3.0 §8.2 VC-JWT with a `vc` claim, VC-JOSE-COSE
//! `vc+jwt`), `EnvelopedVerifiableCredential` data URLs, and the forms out of scope said as such (SD-JWT,
//! COSE) rather than misread.

use serde_json::Value;
use xtranscript::sign::jose::{self, Jws, PublicKey};
use xtranscript::sign::{MAX_CREDENTIAL_LEVELS, Refusal};

use super::Verifier;

/// What a file holds, when it is not a JSON document.
pub enum Form {
    /// A compact JWS.
    Jws,
    /// An SD-JWT (disclosures after `~`): out of scope.
    SdJwt,
    /// A COSE_Sign1 (CBOR tag 18) in base64 or hex: out of scope.
    Cose,
}

/// The form of a non-JSON input text, if it is one this verifier recognizes.
pub fn form_of(text: &str) -> Option<Form> {
    use base64::Engine;
    let text = text.trim();
    if jose::is_compact_jws(text) {
        return Some(Form::Jws);
    }
    if text.contains('~') && jose::is_compact_jws(text.split('~').next().unwrap_or_default()) {
        return Some(Form::SdJwt);
    }
    // COSE_Sign1 (CBOR tag 18, 0xd2) in hex or base64.
    if text.len() > 4 && text.starts_with("d284") && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(Form::Cose);
    }
    let head = &text[..text.len().min(8)];
    let cbor = base64::engine::general_purpose::STANDARD.decode(head).ok()?;
    (cbor.first() == Some(&0xd2)).then_some(Form::Cose)
}

/// The compact JWS of an `EnvelopedVerifiableCredential` (VC Data Model 2.0 §4.13): its `id` is a
/// `data:application/vc+jwt,` URL. `None` when `doc` is not one; `Some(Err)` when its `id` is not usable.
pub fn enveloped(doc: &Value) -> Option<Result<&str, String>> {
    let is_enveloped = match doc.get("type") {
        Some(Value::String(t)) => t == "EnvelopedVerifiableCredential",
        Some(Value::Array(t)) => t.iter().any(|t| t == "EnvelopedVerifiableCredential"),
        _ => false,
    };
    if !is_enveloped {
        return None;
    }
    let id = doc.get("id").and_then(Value::as_str).unwrap_or_default();
    Some(match id.split_once(',') {
        Some(("data:application/vc+jwt" | "data:application/vc+ld+jwt", jws)) => Ok(jws),
        _ => Err(format!("an EnvelopedVerifiableCredential whose id {id:.40?} is not a data:application/vc+jwt URL")),
    })
}

/// The problems and notes of a credential's `credentialStatus` entries.
pub type StatusOf<'a> = dyn Fn(&Value) -> (Vec<String>, Vec<String>) + 'a;

impl Verifier {
    /// Verifies one compact JWS credential and the JWS credentials a CLR lists in it; one line each
    /// (`label` names it), pushed to `lines` as (ok, text). `status` gives the problems and notes of a
    /// credential's `credentialStatus`, checked as for an embedded proof (never skipped in silence).
    pub fn check_jws(
        &self,
        label: &str,
        text: &str,
        level: usize,
        lines: &mut Vec<(bool, String)>,
        status: &StatusOf<'_>,
    ) {
        let (mut problems, mut notes, credential) = self.jws_problems(text);
        if let Some(credential) = &credential {
            let (status_problems, status_notes) = status(credential);
            problems.extend(status_problems);
            notes.extend(status_notes);
        }
        lines.push(super::verdict(label, &problems, &notes));
        // A CLR secured as a JWT lists its credentials as JWTs (CLR 2.0 §8.2 sample).
        let nested = credential.as_ref().and_then(|c| c.pointer("/credentialSubject/verifiableCredential"));
        if let Some(Value::Array(items)) = nested {
            for (i, item) in items.iter().enumerate() {
                let name = format!("{label}#/credentialSubject/verifiableCredential/{i}");
                match item.as_str() {
                    Some(_) if level + 1 >= MAX_CREDENTIAL_LEVELS => {
                        lines.push((false, format!("FAIL {name}: nested more than {MAX_CREDENTIAL_LEVELS} deep")));
                    }
                    Some(jws) => self.check_jws(&name, jws, level + 1, lines, status),
                    None => {
                        let (mut problems, mut notes) = self.check(item);
                        let (status_problems, status_notes) = status(item);
                        problems.extend(status_problems);
                        notes.extend(status_notes);
                        lines.push(super::verdict(&name, &problems, &notes));
                    }
                }
            }
        }
    }

    /// The problems and notes of one compact JWS credential, and the credential when the JWS verified.
    fn jws_problems(&self, text: &str) -> (Vec<String>, Vec<String>, Option<Value>) {
        let mut notes = Vec::new();
        let fail = |why: String, notes: Vec<String>| (vec![why], notes, None);
        let jws = match jose::parse(text) {
            Ok(jws) => jws,
            Err(e) => return fail(e.to_string(), notes),
        };
        if let Err(e) = jws.alg() {
            return fail(e.to_string(), notes);
        }
        let (key, controller) = match self.jws_key(&jws, &mut notes) {
            Ok(found) => found,
            Err(why) => return fail(why, notes),
        };
        let alg = match jws.verify(&key) {
            Ok(alg) => alg,
            Err(e) => return fail(e.to_string(), notes),
        };
        let (form, credential, mut problems) = match jose::credential_of(&jws, self.now.unix()) {
            Ok(found) => found,
            Err(why) => return fail(why, notes),
        };
        notes.insert(0, format!("{} {}", form.name(), alg.name()));
        let issuer = super::issuer_id(&credential);
        match controller {
            Some(c) if issuer.as_deref() == Some(c.as_str()) => {}
            Some(c) if self.issuer_check => {
                problems.push(format!("key controller {c:?} is not the issuer {:?}", issuer.unwrap_or_default()))
            }
            Some(c) => notes.push(format!("issuer not checked: the key is {c:?}'s")),
            None => {
                notes.push("issuer not checked: the key is the JWS header's jwk, which anyone can put there".into())
            }
        }
        // An embedded Data Integrity proof (build --securing both) is checked as well; without one, the JWS
        // is the only proof and the content rules apply. A JWS signs the JSON as written, so a context outside
        // the pinned list cannot change what was signed: it is noted, not refused.
        let (content_problems, content_notes) =
            if credential.get("proof").is_some() { self.check(&credential) } else { self.content(&credential, true) };
        problems.extend(content_problems);
        notes.extend(content_notes);
        (problems, notes, Some(credential))
    }

    /// The key of a JWS, and its controller (`None` for a key from the header's `jwk`): the header's `jwk`,
    /// else its `kid` as a did:key, a method of a `--did-doc`, or a JWK `kid` a `--did-doc` lists.
    fn jws_key(&self, jws: &Jws, notes: &mut Vec<String>) -> Result<(PublicKey, Option<String>), String> {
        if let Some(jwk) = jws.header_jwk() {
            notes.push("key taken from the JWS header's jwk".into());
            return jwk.map(|k| (k, None)).map_err(|e| e.to_string());
        }
        let Some(kid) = jws.kid() else {
            return Err(
                "the JWS header has neither kid nor jwk: the key would come from the issuer's profile, which is \
                 not fetched (give --did-doc and a kid)"
                    .into(),
            );
        };
        let kid = match (kid.strip_prefix('#'), jws.payload.get("iss").and_then(Value::as_str)) {
            (Some(_), Some(iss)) => format!("{iss}{kid}"),
            _ => kid.to_owned(),
        };
        let controller = |vm: &str| vm.split('#').next().unwrap_or_default().to_owned();
        if let Some(key) = jose::key_from_did_key(&kid) {
            return Ok((key, Some(controller(&kid))));
        }
        if let Some(key) = self.keys.get(&kid).copied() {
            return Ok((PublicKey::Ed25519(key), Some(controller(&kid))));
        }
        if let Some((owner, jwk)) = self.jwks.get(&kid) {
            return jose::key_from_jwk(jwk).map(|k| (k, Some(owner.clone()))).map_err(|e| e.to_string());
        }
        Err(format!("unknown key: kid {kid:?} is not a did:key, nor listed in a --did-doc"))
    }
}

/// Whether a refusal is only about `@context` (noted for a JWS, see [`Verifier::content`]).
pub fn is_context_refusal(refusal: &Refusal) -> bool {
    matches!(refusal, Refusal::Context { .. })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn enveloped_credentials_and_out_of_scope_forms_are_told_apart() {
        let doc = json!({"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,a.b.c"});
        assert_eq!(enveloped(&doc), Some(Ok("a.b.c")));
        let bad = json!({"type": ["EnvelopedVerifiableCredential"], "id": "not-a-credential"});
        assert!(enveloped(&bad).unwrap().unwrap_err().contains("not a data:application/vc+jwt URL"));
        assert!(enveloped(&json!({"type": "VerifiableCredential"})).is_none());
        assert!(matches!(form_of("eyJh.eyJh.AAAA"), Some(Form::Jws)));
        assert!(matches!(form_of("eyJh.eyJh.AAAA~WyJh~"), Some(Form::SdJwt)));
        assert!(matches!(form_of("d2845856a401"), Some(Form::Cose)));
        assert!(matches!(form_of("0oRYVqQBJgNu"), Some(Form::Cose)));
        assert!(form_of("hello").is_none());
    }
}
