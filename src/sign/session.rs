//! Signing a credential together with the credentials embedded in it (a ClrCredential and its
//! AchievementCredentials), sharing RDFC-1.0 work between their eddsa-rdfc-2022 proofs.
//!
//! The outer credential's dataset contains each embedded credential's quads again (vc-di-eddsa §3.2.3: the
//! transformation canonicalizes the whole unsecured document). RDFC-1.0 §4.6 Hash First Degree Quads of a
//! blank node depends only on the quads that mention it, so when an embedded credential's quads in the outer
//! dataset are exactly the quads it had when it was signed on its own, the first-degree hashes of its blank
//! nodes are the ones already computed, unless a quad outside it mentions them too (its subject, linked from
//! the outer credential and from its proof). Everything else — JSON-LD → RDF of the outer document, the
//! canonical labels, Hash N-Degree Quads, the canonical N-Quads and their hash — is done in full, so the result
//! is the same as canonicalizing the outer document alone. "Exactly the same quads" is checked byte for byte:
//! nothing is assumed about the contexts the embedded credential is expanded with inside the outer one.

use std::hash::Hasher;

use serde_json::Value;

use super::error::CanonError;
use super::fasthash::{FastHasher, FastMap};
use super::jsonld::{self, Segment};
use super::proof;
use super::rdf::{Dataset, Line};
use super::rdfc::{self, Digest32};

/// The embedded credentials signed so far, for the outer credential's proof.
#[derive(Default)]
pub struct Session {
    signed: Vec<Signed>,
    /// Hash of a signed credential's N-Quads text → its index in `signed`.
    by_text: FastMap<u64, Vec<usize>>,
}

/// One embedded credential's dataset as it was signed, and the first-degree hashes of its blank nodes.
struct Signed {
    data: Dataset,
    first_degree: Vec<Option<Digest32>>,
}

impl Session {
    /// vc-di-eddsa §3.2.3 Transformation + §3.2.4 Hashing (document half) of an embedded credential: SHA-256 of
    /// its canonical N-Quads. Its dataset is kept for [`Session::outer_hash`].
    pub fn embedded_hash(&mut self, unsecured: &Value) -> Result<Digest32, CanonError> {
        // Written into the thread's buffer, then kept as an exact-size copy.
        let (hash, first_degree, data) = proof::with_dataset(|data| {
            jsonld::write_dataset(unsecured, data)?;
            let (hash, first_degree) = rdfc::hash_dataset(data, &[])?;
            Ok::<_, CanonError>((hash, first_degree, data.clone()))
        })?;
        self.by_text.entry(text_hash(&data.text)).or_default().push(self.signed.len());
        self.signed.push(Signed { data, first_degree });
        Ok(hash)
    }

    /// The same for the outer credential, reusing the first-degree hashes of the embedded credentials' blank
    /// nodes where that gives the same result (see the module documentation).
    pub fn outer_hash(&self, unsecured: &Value) -> Result<Digest32, CanonError> {
        proof::with_dataset(|data| {
            let segments = jsonld::write_dataset(unsecured, data)?;
            let known = self.known_first_degree(data, &segments);
            Ok(rdfc::hash_dataset(data, &known)?.0)
        })
    }

    /// The first-degree hashes already known for blank nodes of `data`, by node number.
    fn known_first_degree(&self, data: &Dataset, segments: &[Segment]) -> Vec<Option<Digest32>> {
        let mut known = vec![None; data.node_bound as usize];
        let mut inside = vec![false; data.lines.len()];
        for segment in segments {
            let Some(signed) = self.signed_as(data, segment) else { continue };
            for (i, hash) in signed.first_degree.iter().enumerate() {
                known[segment.nodes.0 as usize + i] = *hash;
            }
            inside[segment.lines.0 as usize..segment.lines.1 as usize].fill(true);
        }
        // A node that a quad outside the reused segments mentions has more quads than it had on its own.
        for (line, _) in data.lines.iter().zip(&inside).filter(|(_, inside)| !**inside) {
            for hole in line.holes() {
                known[hole.node as usize] = None;
            }
        }
        known
    }

    /// The signed credential whose dataset is exactly `segment` of `data` (same text, same quads, blank nodes
    /// numbered from the segment's first one), if any.
    fn signed_as(&self, data: &Dataset, segment: &Segment) -> Option<&Signed> {
        let lines = &data.lines[segment.lines.0 as usize..segment.lines.1 as usize];
        let (first, last) = (lines.first()?, lines.last()?);
        let text = &data.text[first.start as usize..last.end as usize];
        let candidates = self.by_text.get(&text_hash(text))?;
        candidates.iter().map(|&i| &self.signed[i]).find(|signed| {
            signed.data.text == text
                && signed.data.lines.len() == lines.len()
                && signed.data.lines.iter().zip(lines).all(|(a, b)| same_line(a, b, first.start, segment.nodes.0))
        })
    }
}

/// Whether line `b` is line `a` moved by `text_offset` bytes with blank nodes renumbered by `node_offset`.
fn same_line(a: &Line, b: &Line, text_offset: u32, node_offset: u32) -> bool {
    a.start + text_offset == b.start
        && a.end + text_offset == b.end
        && (a.predicate.0 + text_offset, a.predicate.1 + text_offset) == b.predicate
        && a.hole_count == b.hole_count
        && a.holes().iter().zip(b.holes()).all(|(x, y)| {
            x.offset + text_offset == y.offset && x.position == y.position && x.node + node_offset == y.node
        })
}

/// A hash of a dataset's text, to find candidates quickly.
fn text_hash(text: &str) -> u64 {
    let mut hasher = FastHasher::default();
    hasher.write(text.as_bytes());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::{SecretKey, Suite};

    /// The bench's 40-course CLR, with its nested credentials signed through a session.
    fn signed_inside(session: &mut Session) -> Value {
        let key = SecretKey::from_seed(&[5; 32]);
        let vm = key.did_key_verification_method();
        let text =
            include_str!("../../benches/fixtures/clr2-clr-credential.json").replace("{{ISSUER}}", &key.did_key());
        let mut clr: Value = serde_json::from_str(&text).unwrap();
        for nested in clr["credentialSubject"]["verifiableCredential"].as_array_mut().unwrap() {
            let hash = &mut |d: &Value| session.embedded_hash(d);
            super::super::add_proof_with(nested, &key, &vm, "2025-01-01T00:00:00Z", Suite::EddsaRdfc2022, hash)
                .unwrap();
        }
        clr
    }

    #[test]
    fn the_outer_hash_is_the_plain_one_and_reuses_first_degree_hashes() {
        let mut session = Session::default();
        let clr = signed_inside(&mut session);
        assert_eq!(session.outer_hash(&clr).unwrap(), proof::rdfc_document_hash(&clr).unwrap());
        let mut data = Dataset::default();
        let segments = jsonld::write_dataset(&clr, &mut data).unwrap();
        assert_eq!(segments.len(), 40);
        let known = session.known_first_degree(&data, &segments);
        let reused = known.iter().filter(|k| k.is_some()).count();
        assert!(reused * 10 > data.node_bound as usize * 8, "{reused} of {}", data.node_bound);
    }

    #[test]
    fn a_changed_nested_credential_is_not_reused() {
        let mut session = Session::default();
        let mut clr = signed_inside(&mut session);
        clr["credentialSubject"]["verifiableCredential"][3]["name"] = "Changed".into();
        assert_eq!(session.outer_hash(&clr).unwrap(), proof::rdfc_document_hash(&clr).unwrap());
        let mut data = Dataset::default();
        let segments = jsonld::write_dataset(&clr, &mut data).unwrap();
        let reused = segments.iter().filter(|s| session.signed_as(&data, s).is_some()).count();
        assert_eq!(reused, 39);
    }
}
