use serde_json::json;

use super::*;
use crate::sign::SecretKey;

/// RFC 8037 Appendix A.4: the Ed25519 JWS of "Example of Ed25519 signing" with the key of A.1.
const RFC8037_JWS: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

fn rfc8037_key() -> (SecretKey, Value) {
    let d = URL_SAFE_NO_PAD.decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A").unwrap();
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
    (SecretKey::from_seed(&d.try_into().unwrap()), jwk)
}

#[test]
fn rfc8037_eddsa_signs_and_verifies() {
    let (key, jwk) = rfc8037_key();
    assert_eq!(ed25519_jwk(&key.public_key()), jwk);
    // The payload of A.4 is not JSON: sign the raw bytes, then check the signature part.
    let signed = sign_eddsa(&Map::new(), b"Example of Ed25519 signing", &key);
    assert_eq!(signed, RFC8037_JWS);
    let (input, signature) = RFC8037_JWS.rsplit_once('.').unwrap();
    let public = key_from_jwk(&jwk).unwrap();
    verify_signature(Alg::EdDsa, &public, input.as_bytes(), &URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
    let e = verify_signature(
        Alg::EdDsa,
        &public,
        b"Example of Ed25519 signinG",
        &URL_SAFE_NO_PAD.decode(signature).unwrap(),
    );
    assert_eq!(e, Err(JoseError::SignatureMismatch));
}

fn compact(header: &Value, payload: &Value) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    format!("{}.{}.{}", part(header), part(payload), URL_SAFE_NO_PAD.encode([0u8; 64]))
}

#[test]
fn dangerous_headers_are_refused_with_their_reason() {
    let (key, jwk) = rfc8037_key();
    let payload = json!({"vc": {}});
    let reason = |header: Value| parse(&compact(&header, &payload)).unwrap().alg().unwrap_err().to_string();
    assert!(reason(json!({"alg": "none"})).contains("unsecured"));
    assert!(reason(json!({"alg": "HS256", "jwk": jwk})).contains("algorithm-confusion"));
    assert!(reason(json!({"alg": "EdDSA", "crit": ["exp"], "exp": 1})).contains("does not understand"));
    assert!(reason(json!({"alg": "ES512"})).contains("unsupported"));
    let mut private = jwk.clone();
    private["d"] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A".into();
    let jws = parse(&compact(&json!({"alg": "EdDSA", "jwk": private}), &payload)).unwrap();
    assert!(jws.header_jwk().unwrap().unwrap_err().to_string().contains("private member \"d\""));
    // A P-256 key for an EdDSA signature: refused, not tried.
    let signed = sign_eddsa(&Map::new(), br#"{"vc":{}}"#, &key);
    let p256 = json!({"kty": "EC", "crv": "P-256",
        "x": "WfTi93YuhsQxKbD0ftnjOXJndqhnJ5kgDV-ZDGyrhBQ", "y": "qUd_55EjX0mjKZ6W6mF4UXVYTQ41K6jfdnYFwN5uPyk"});
    let jws = parse(&signed).unwrap();
    assert_eq!(jws.verify(&key_from_jwk(&p256).unwrap()).unwrap_err(), JoseError::KeyMismatch("EdDSA"));
    assert_eq!(jws.verify(&key_from_jwk(&jwk).unwrap()), Ok(Alg::EdDsa));
}

#[test]
fn not_compact_jws_is_told_apart() {
    assert!(!is_compact_jws("{\"a\": 1}"));
    assert!(!is_compact_jws("a.b.c~d~"));
    assert!(is_compact_jws(RFC8037_JWS));
    assert!(matches!(parse("a.b"), Err(JoseError::Malformed(_))));
    assert!(matches!(parse("e30.W10.AA"), Err(JoseError::Malformed(_))), "payload [] is not an object");
}
