//! The credential a verified JWS secures, and the checks of its JWT claims against it.
//!
//! - W3C VC-JOSE-COSE §3.1.1: `typ` `vc+jwt` (`vc+ld+jwt` in older drafts); the payload is the credential;
//!   `vc` and `vp` claims must not be present (test-suite statement 4); `iss`, if present, must be the issuer
//!   id (statements 24, 25).
//! - OB 3.0 §8.2 and VC Data Model 1.1 §6.3.1 (VC-JWT): the credential is the `vc` claim; `iss` is the issuer
//!   id, `jti` the credential id, `sub` the subject id, `nbf` the issuance date, `exp` the expiration.

use serde_json::{Map, Value};

use super::Jws;

/// Which form secured the credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secured {
    /// VC-JOSE-COSE: the payload is the credential.
    VcJwt,
    /// OB 3.0 §8.2 / VC 1.1 VC-JWT: the credential is the `vc` claim.
    VcClaim,
}

impl Secured {
    /// A short name for output.
    pub fn name(self) -> &'static str {
        match self {
            Secured::VcJwt => "vc+jwt",
            Secured::VcClaim => "VC-JWT (vc claim)",
        }
    }
}

/// JWT registered claims (RFC 7519 §4.1) and `cnf`: not part of a VC-JOSE-COSE credential's data.
const JWT_CLAIMS: &[&str] = &["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf"];

/// The credential of a JWS (whose signature the caller verifies), its form, and the problems of its claims
/// as of `now` (seconds since the Unix epoch). `Err`: the JWS secures no credential (a presentation, or a
/// media type that is not a credential's), with why.
pub fn credential_of(jws: &Jws, now: i64) -> Result<(Secured, Value, Vec<String>), String> {
    let typ = jws.header.get("typ").and_then(Value::as_str);
    let payload = &jws.payload;
    let mut problems = Vec::new();
    let (form, credential) = match (typ, payload.get("vc")) {
        (Some("vp+jwt" | "vp+ld+jwt"), _) => {
            return Err("a verifiable presentation (vp+jwt): presentations are not verified here".into());
        }
        (_, None) if payload.contains_key("vp") => {
            return Err("a verifiable presentation (vp+jwt): presentations are not verified here".into());
        }
        (Some("vc+jwt" | "vc+ld+jwt" | "application/vc+jwt"), vc) => {
            if vc.is_some() || payload.contains_key("vp") {
                problems.push("a vc+jwt payload has a vc or vp claim (VC-JOSE-COSE §3.1.1 forbids them)".into());
            }
            let mut credential = payload.clone();
            credential.retain(|k, _| !JWT_CLAIMS.contains(&k.as_str()));
            (Secured::VcJwt, Value::Object(credential))
        }
        (None | Some("JWT"), Some(vc @ Value::Object(_))) => (Secured::VcClaim, vc.clone()),
        (None | Some("JWT"), _) => return Err("no vc claim and no typ vc+jwt: not a JWT-secured credential".into()),
        (Some(other), _) => {
            return Err(format!("typ {other:?} is not a credential's media type (vc+jwt, or JWT with a vc claim)"));
        }
    };
    problems.extend(claim_problems(form, payload, &credential, now));
    Ok((form, credential, problems))
}

/// The JWT claims that disagree with the credential, or whose time has not come or has passed.
fn claim_problems(form: Secured, payload: &Map<String, Value>, credential: &Value, now: i64) -> Vec<String> {
    let mut problems = Vec::new();
    let issuer = match credential.get("issuer") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(other) => other.get("id").and_then(Value::as_str),
        None => None,
    };
    let pairs = [
        ("iss", issuer, "the issuer id"),
        ("jti", credential.get("id").and_then(Value::as_str), "the credential id"),
        ("sub", credential.pointer("/credentialSubject/id").and_then(Value::as_str), "the subject id"),
    ];
    for (claim, value, what) in pairs {
        // VC-JOSE-COSE checks iss only; VC-JWT maps all three.
        if form == Secured::VcJwt && claim != "iss" {
            continue;
        }
        match (payload.get(claim), value) {
            (Some(Value::String(c)), Some(v)) if c != v => problems.push(format!("{claim} {c:?} is not {what} {v:?}")),
            (Some(c), _) if !c.is_string() => problems.push(format!("{claim} is not a string")),
            _ => {}
        }
    }
    for (claim, future) in [("nbf", true), ("exp", false)] {
        match payload.get(claim) {
            None => {}
            Some(Value::Number(n)) => match n.as_i64() {
                Some(t) if future && t > now => problems.push(format!("not valid before {t} ({claim})")),
                Some(t) if !future && t < now => problems.push(format!("expired at {t} ({claim})")),
                Some(_) => {}
                None => problems.push(format!("{claim} is not a whole number of seconds")),
            },
            Some(_) => problems.push(format!("{claim} is not a NumericDate")),
        }
    }
    problems
}
