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
    assert!(reason(json!({"alg": "PS256"})).contains("unsupported"));
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

/// RFC 7515 Appendix A.2 and A.3 (and A.2.1's RSA key, A.3.1's P-256 key): the payload both examples sign.
const RFC7515_PAYLOAD: &str =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

/// RFC 7515 Appendix A.2.1: the RSA key (modulus, public exponent, private exponent, primes).
const RFC7515_A2_N: &str = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
const RFC7515_A2_D: &str = "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ";
const RFC7515_A2_P: &str = "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc";
const RFC7515_A2_Q: &str = "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc";
/// RFC 7515 Appendix A.2.1: the complete JWS (RS256).
const RFC7515_A2_JWS: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
/// RFC 7515 Appendix A.3.1: the complete JWS (ES256), and the public key.
const RFC7515_A3_JWS: &str = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
const RFC7515_A3_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
const RFC7515_A3_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
const RFC7515_A3_D: &str = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";

fn uint(b64: &str) -> rsa::BoxedUint {
    rsa::BoxedUint::from_be_slice_vartime(&URL_SAFE_NO_PAD.decode(b64).unwrap())
}

fn rfc7515_rsa_key() -> JwtKey {
    let private = rsa::PrivateKey::from_components(
        uint(RFC7515_A2_N),
        uint("AQAB"),
        uint(RFC7515_A2_D),
        vec![uint(RFC7515_A2_P), uint(RFC7515_A2_Q)],
    )
    .unwrap();
    JwtKey::Rsa(Box::new(private))
}

#[test]
fn rfc7515_a2_rs256_verifies_and_signs_the_same_bytes() {
    let key = rfc7515_rsa_key();
    let public = key_from_jwk(&json!({"kty": "RSA", "n": RFC7515_A2_N, "e": "AQAB"})).unwrap();
    assert_eq!(public_jwk(&public), key.public_jwk());
    let jws = parse(RFC7515_A2_JWS).unwrap();
    assert_eq!(jws.verify(&public), Ok(Alg::Rs256));
    // RSASSA-PKCS1-v1_5 is deterministic: the key signs A.2's header and payload to A.2's signature.
    let (input, signature) = RFC7515_A2_JWS.rsplit_once('.').unwrap();
    assert!(input.ends_with(RFC7515_PAYLOAD));
    assert_eq!(URL_SAFE_NO_PAD.encode(key.sign(input.as_bytes())), signature);
    // One changed byte of the payload: refused.
    let tampered = RFC7515_A2_JWS.replacen("eyJpc3MiOiJqb2Ui", "eyJpc3MiOiJqb2Yi", 1);
    assert_eq!(parse(&tampered).unwrap().verify(&public), Err(JoseError::SignatureMismatch));
}

#[test]
fn rfc7515_a3_es256_verifies_and_our_es256_signature_verifies_too() {
    let public = key_from_jwk(&json!({"kty": "EC", "crv": "P-256", "x": RFC7515_A3_X, "y": RFC7515_A3_Y})).unwrap();
    let jws = parse(RFC7515_A3_JWS).unwrap();
    assert_eq!(jws.verify(&public), Ok(Alg::Es256));
    let tampered = RFC7515_A3_JWS.replacen("eyJpc3MiOiJqb2Ui", "eyJpc3MiOiJqb2Yi", 1);
    assert_eq!(parse(&tampered).unwrap().verify(&public), Err(JoseError::SignatureMismatch));
    // ECDSA signatures differ from A.3's (its nonce was random); ours verify with A.3's key.
    let d = URL_SAFE_NO_PAD.decode(RFC7515_A3_D).unwrap();
    let key = JwtKey::P256(p256::ecdsa::SigningKey::from_slice(&d).unwrap());
    assert_eq!(key.public_jwk(), public_jwk(&public));
    let (input, _) = RFC7515_A3_JWS.rsplit_once('.').unwrap();
    verify_signature(Alg::Es256, &public, input.as_bytes(), &key.sign(input.as_bytes())).unwrap();
    // An ES256 signature checked as RS256 with an RSA key: a key mismatch, not a verification.
    assert_eq!(jws.verify(&rfc7515_rsa_key().public_key()), Err(JoseError::KeyMismatch("ES256")));
}

#[test]
fn vc_jwt_signs_with_the_keys_algorithm() {
    let credential = json!({"id": "urn:uuid:1", "issuer": {"id": "did:web:example.edu"}, "proof": {}});
    for key in [rfc8037_key().0.into(), rfc7515_rsa_key()] {
        let jws = parse(&vc_jwt(&credential, false, &key, "did:web:example.edu#k")).unwrap();
        assert_eq!(jws.verify(&key.public_key()), Ok(key.alg()));
        assert!(!jws.payload.contains_key("proof"));
        assert_eq!(jws.payload["iss"], "did:web:example.edu");
    }
}
