use serde_json::json;

use super::*;

fn claim(key: &str, fingerprint: &str) -> Claim {
    Claim { key: key.into(), kind: "Course".into(), fingerprint: fingerprint.into() }
}

const DAY_1: &str = "2026-06-15T00:00:00Z";
const DAY_2: &str = "2026-09-15T00:00:00Z";

#[test]
fn same_claims_keep_their_index_and_changed_ones_are_revoked_and_reissued() {
    let mut registry = Registry::default();
    let mut alloc = Allocator::new("", b"secret", false);
    let first = [claim("urn:k1", "f1"), claim("urn:k2", "f2"), claim("urn:clr", "c1")];
    let (placed, events, revoked) = place_learner(&mut registry, &mut alloc, "L1", &first, DAY_1);
    assert_eq!(events.len(), 3);
    assert!(revoked.is_empty());
    assert_eq!(placed[0].credential, "urn:k1");
    // Another issue date, same claims: nothing new, nothing revoked.
    let (again, events, revoked) = place_learner(&mut registry, &mut alloc, "L1", &first, DAY_2);
    assert_eq!((again.clone(), events.len(), revoked.len()), (placed.clone(), 0, 0));
    // One grade changed (and so the CLR): both revoked, both re-issued with new ids and indices.
    let changed = [claim("urn:k1", "f1"), claim("urn:k2", "f2b"), claim("urn:clr", "c2")];
    let (new, _, revoked) = place_learner(&mut registry, &mut alloc, "L1", &changed, DAY_2);
    assert_eq!(new[0], placed[0]);
    assert_ne!(new[1].credential, placed[1].credential);
    assert_ne!(new[1].index, placed[1].index);
    let gone: Vec<&str> = revoked.iter().map(|r| r.credential.as_str()).collect();
    assert_eq!(gone, ["urn:k2", "urn:clr"]);
    assert!(registry.credential("urn:k2").unwrap().revoked);
    // Back to the first grade: a third id, never one used before.
    let (back, _, _) = place_learner(&mut registry, &mut alloc, "L1", &first, DAY_2);
    assert!(![placed[1].credential.as_str(), new[1].credential.as_str()].contains(&back[1].credential.as_str()));
    // A credential the learner no longer has is revoked; another learner is untouched.
    let (_, _, revoked) = place_learner(&mut registry, &mut alloc, "L1", &first[..2], DAY_2);
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].reason, "no longer in the learner's records");
}

#[test]
fn allocation_is_spread_unique_and_deterministic() {
    let claims: Vec<Claim> = (0..3000).map(|i| claim(&format!("urn:k{i}"), "f")).collect();
    let run = || {
        let mut registry = Registry::default();
        let mut alloc = Allocator::new("", b"secret", true);
        let (placed, _, _) = place_learner(&mut registry, &mut alloc, "L1", &claims, DAY_1);
        placed
    };
    let placed = run();
    assert_eq!(placed, run());
    let indices: std::collections::BTreeSet<u32> = placed.iter().map(|p| p.index).collect();
    assert_eq!(indices.len(), claims.len(), "unique");
    let sequential = placed.windows(2).filter(|w| w[1].index == w[0].index + 1).count();
    assert!(sequential < 100, "spread, not sequential: {sequential}");
    assert_eq!(placed[0].suspension_list.as_deref(), Some("suspension-1"));
    // Another shard's lists.
    let mut registry = Registry::default();
    let (other, _, _) =
        place_learner(&mut registry, &mut Allocator::new("2of4-", b"secret", false), "L1", &claims[..1], DAY_1);
    assert_eq!(other[0].list, "revocation-2of4-1");
}

#[test]
fn a_full_list_starts_the_next() {
    let mut registry = Registry::default();
    let mut alloc = Allocator::new("", b"s", false);
    let claims: Vec<Claim> = (0..LIST_FILL + 1).map(|i| claim(&format!("k{i}"), "f")).collect();
    let (placed, _, _) = place_learner(&mut registry, &mut alloc, "L1", &claims, DAY_1);
    assert_eq!(placed[LIST_FILL - 1].list, "revocation-1");
    assert_eq!(placed[LIST_FILL].list, "revocation-2");
}

#[test]
fn the_fingerprint_ignores_ids_dates_status_and_proofs_but_not_claims() {
    let vc = json!({
        "id": "urn:a", "validFrom": DAY_1, "awardedDate": DAY_1, "name": "x",
        "credentialSubject": {"result": "A", "verifiableCredential": [{"id": "urn:n", "validFrom": DAY_1, "grade": "B"}]},
        "proof": {"proofValue": "z1"}
    });
    let mut other = vc.clone();
    other["id"] = json!("urn:b");
    other["validFrom"] = json!(DAY_2);
    other["awardedDate"] = json!(DAY_2);
    other["credentialSubject"]["verifiableCredential"][0]["validFrom"] = json!(DAY_2);
    other["credentialStatus"] = status_entry("https://x.example/status/revocation-1.json", Purpose::Revocation, 7);
    assert_eq!(claims_fingerprint(&vc), claims_fingerprint(&other));
    // A CLR's fingerprint from its nested credentials' fingerprints is the same.
    let mut without = vc.clone();
    let nested = [claims_fingerprint(&vc["credentialSubject"]["verifiableCredential"][0])];
    without["credentialSubject"]["verifiableCredential"] = json!([]);
    assert_eq!(clr_fingerprint(&without, &nested), claims_fingerprint(&vc));
    other["credentialSubject"]["verifiableCredential"][0]["grade"] = json!("C");
    assert_ne!(claims_fingerprint(&vc), claims_fingerprint(&other));
    // Key order does not count; types do.
    let (a, b) = (json!({"x": 1, "y": "1"}), json!({"y": "1", "x": 1}));
    assert_eq!(claims_fingerprint(&a), claims_fingerprint(&b));
    assert_ne!(claims_fingerprint(&json!({"x": 1})), claims_fingerprint(&json!({"x": "1"})));
}

/// The fingerprint is kept in registries across runs and program versions: its bytes must never change,
/// or every credential of an earlier run would be re-issued. Pinned on a document with every JSON type.
#[test]
fn the_fingerprint_of_a_fixed_document_never_changes() {
    let vc = json!({
        "id": "urn:a", "validFrom": DAY_1, "awardedDate": DAY_1, "type": ["VerifiableCredential", "X"],
        "credentialSubject": {"result": [{"value": "A", "n": 3.5, "k": -2, "ok": true, "none": null}], "ë": "ü"},
        "proof": {"proofValue": "z1"}
    });
    assert_eq!(claims_fingerprint(&vc), "e200705286e1224ec532b9fac9b4b6a09db4aa2d8a5749fac8bb3c09357e455c");
    let mut clr = vc.clone();
    clr["credentialSubject"]["verifiableCredential"] = json!([]);
    let nested = [claims_fingerprint(&json!({"grade": "B"}))];
    assert_eq!(clr_fingerprint(&clr, &nested), "15f819297f17930677467790d7670a6923e389284f08e48ace72a4e6b1eb9ffd");
}
