//! Signing a credential together with the credentials embedded in it (a ClrCredential and its
//! AchievementCredentials), sharing RDFC-1.0 work between their eddsa-rdfc-2022 proofs.
//!
//! The outer credential's dataset contains each embedded credential's quads again (vc-di-eddsa §3.2.3: the
//! transformation canonicalizes the whole unsecured document). Two kinds of work are shared:
//!
//! - **JSON-LD → RDF**: where the outer document embeds a credential signed here with the same JSON (but for its
//!   `proof`), its quads are copied from its own dataset instead of expanding it again, when that provably gives
//!   the same quads: the active context it meets inside the outer document may differ from its own only in terms
//!   its expansion never looked up (CLR 2.0 embeds AchievementCredentials in a `@set`, in the default graph, in a
//!   context that still holds the CLR terms). The argument is in [`jsonld::Standalone`]; anything it cannot show
//!   means a full expansion. The outer dataset is then byte for byte the one a full expansion writes.
//! - **RDFC-1.0 §4.6 Hash First Degree Quads** of a blank node depends only on the quads that mention it, so when
//!   an embedded credential's quads in the outer dataset are exactly the quads it had when it was signed on its
//!   own, the first-degree hashes of its blank nodes are the ones already computed, unless a quad outside it
//!   mentions them too (its subject, linked from the outer credential and from its proof). Copied quads are such
//!   quads; others are compared byte for byte.
//!
//! Everything else — the canonical labels, Hash N-Degree Quads, the canonical N-Quads and their hash — is done
//! in full, so the result is the same as canonicalizing the outer document alone.

use std::cell::OnceCell;
use std::hash::Hasher;

use serde_json::Value;

use super::error::CanonError;
use super::fasthash::{FastHasher, FastMap};
use super::jsonld::{self, Digest, Found, Known, Segment, Standalone};
use super::proof;
use super::rdf::{Dataset, Line};
use super::rdfc::{self, Digest32};

/// The embedded credentials signed so far, for the outer credential's proof.
#[derive(Default)]
pub struct Session {
    signed: Vec<Signed>,
    /// Hash of a signed credential's N-Quads text → its index in `signed`, for the credentials that are not
    /// spliced: made on first need ([`Session::by_text`]).
    by_text: OnceCell<FastMap<u64, Vec<usize>>>,
    /// Digest of a signed credential that can be spliced → its index in `signed`.
    by_json: FastMap<Digest, usize>,
    /// Digest of a node inside one → (index in `signed`, node number in its record).
    by_node: FastMap<Digest, (usize, usize)>,
    /// The JSON `id`s of those nodes.
    node_ids: FastMap<Box<str>, ()>,
}

/// One embedded credential's dataset as it was signed, the first-degree hashes of its blank nodes, and how it
/// was expanded (when its quads can be spliced into another document).
struct Signed {
    data: Dataset,
    first_degree: Vec<Option<Digest32>>,
    standalone: Option<Standalone>,
}

impl Session {
    /// vc-di-eddsa §3.2.3 Transformation + §3.2.4 Hashing (document half) of an embedded credential: SHA-256 of
    /// its canonical N-Quads. Its dataset is kept for [`Session::outer_hash`].
    pub fn embedded_hash(&mut self, unsecured: &Value) -> Result<Digest32, CanonError> {
        // Written into the thread's buffer, then kept as an exact-size copy.
        let (hash, first_degree, data, standalone) = proof::with_dataset(|data| {
            let standalone = jsonld::write_standalone(unsecured, data)?;
            let (hash, first_degree) = rdfc::hash_dataset(data, &[])?;
            Ok::<_, CanonError>((hash, first_degree, data.clone(), standalone))
        })?;
        let index = self.signed.len();
        self.by_text = OnceCell::new();
        if let Some(standalone) = &standalone {
            if let Some(digest) = standalone.digest() {
                self.by_json.insert(*digest, index);
            }
            for (node, (digest, id)) in standalone.inner_nodes().enumerate() {
                self.by_node.entry(*digest).or_insert((index, node + 1));
                self.node_ids.insert(Box::from(id), ());
            }
        }
        self.signed.push(Signed { data, first_degree, standalone });
        Ok(hash)
    }

    /// The same for the outer credential, reusing the first-degree hashes of the embedded credentials' blank
    /// nodes where that gives the same result (see the module documentation).
    pub fn outer_hash(&self, unsecured: &Value) -> Result<Digest32, CanonError> {
        proof::with_dataset(|data| {
            let segments = jsonld::write_dataset_with(unsecured, data, self)?;
            let known = self.known_first_degree(data, &segments);
            Ok(rdfc::hash_dataset(data, &known)?.0)
        })
    }

    /// The first-degree hashes already known for blank nodes of `data`, by node number.
    fn known_first_degree(&self, data: &Dataset, segments: &[Segment]) -> Vec<Option<Digest32>> {
        let mut known = vec![None; data.node_bound as usize];
        let mut inside = vec![false; data.lines.len()];
        for segment in segments {
            let (signed, from) = match segment.source {
                Some(source) => (self.signed.get(source), segment.source_nodes as usize),
                None => (self.signed_as(data, segment), 0),
            };
            let Some(signed) = signed else { continue };
            let count = (segment.nodes.1 - segment.nodes.0) as usize;
            for (i, hash) in signed.first_degree.iter().skip(from).take(count).enumerate() {
                if let Some(slot) = known.get_mut(segment.nodes.0 as usize + i) {
                    *slot = *hash;
                }
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

    /// Hash of each signed credential's N-Quads text → its indexes in `signed`.
    fn by_text(&self) -> &FastMap<u64, Vec<usize>> {
        self.by_text.get_or_init(|| {
            let mut by_text: FastMap<u64, Vec<usize>> = FastMap::default();
            for (i, signed) in self.signed.iter().enumerate() {
                by_text.entry(text_hash(&signed.data.text)).or_default().push(i);
            }
            by_text
        })
    }

    /// The signed credential whose dataset is exactly `segment` of `data` (same text, same quads, blank nodes
    /// numbered from the segment's first one), if any.
    fn signed_as(&self, data: &Dataset, segment: &Segment) -> Option<&Signed> {
        let lines = &data.lines[segment.lines.0 as usize..segment.lines.1 as usize];
        let (first, last) = (lines.first()?, lines.last()?);
        let text = &data.text[first.start as usize..last.end as usize];
        let candidates = self.by_text().get(&text_hash(text))?;
        candidates.iter().map(|&i| &self.signed[i]).find(|signed| {
            signed.data.text == text
                && signed.data.lines.len() == lines.len()
                && signed.data.lines.iter().zip(lines).all(|(a, b)| same_line(a, b, first.start, segment.nodes.0))
        })
    }
}

impl Session {
    fn found(&self, source: usize, node: usize) -> Option<Found<'_>> {
        let signed = self.signed.get(source)?;
        Some(Found { source, data: &signed.data, standalone: signed.standalone.as_ref()?, node })
    }
}

impl Known for Session {
    fn credential(&self, digest: &Digest) -> Option<Found<'_>> {
        self.found(*self.by_json.get(digest)?, 0)
    }

    fn node(&self, digest: &Digest) -> Option<Found<'_>> {
        let &(source, node) = self.by_node.get(digest)?;
        self.found(source, node)
    }

    fn has_node_id(&self, id: &str) -> bool {
        self.node_ids.contains_key(id)
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
        clr_with(session, None, |_, _| {})
    }

    /// The bench's 40-course CLR with `extra` added to its `@context`, and each nested credential changed by
    /// `edit(index, credential)` before it is signed through `session`.
    fn clr_with(session: &mut Session, extra: Option<Value>, edit: impl Fn(usize, &mut Value)) -> Value {
        let key = SecretKey::from_seed(&[5; 32]);
        let vm = key.did_key_verification_method();
        let text =
            include_str!("../../benches/fixtures/clr2-clr-credential.json").replace("{{ISSUER}}", &key.did_key());
        let mut clr: Value = serde_json::from_str(&text).unwrap();
        if let Some(extra) = extra {
            clr["@context"].as_array_mut().unwrap().push(extra);
        }
        for (i, nested) in
            clr["credentialSubject"]["verifiableCredential"].as_array_mut().unwrap().iter_mut().enumerate()
        {
            edit(i, nested);
            let hash = &mut |d: &Value| session.embedded_hash(d);
            super::super::add_proof_with(nested, &key, &vm, "2025-01-01T00:00:00Z", Suite::EddsaRdfc2022, hash)
                .unwrap();
        }
        clr
    }

    /// Checks that the session's outer hash is the plain one and that its dataset is byte for byte the one a
    /// full expansion writes; returns that dataset and how many nested credentials were spliced into it.
    fn check_outer(session: &Session, clr: &Value) -> (Dataset, usize) {
        assert_eq!(session.outer_hash(clr).unwrap(), proof::rdfc_document_hash(clr).unwrap());
        let (mut spliced, mut full) = (Dataset::default(), Dataset::default());
        let segments = jsonld::write_dataset_with(clr, &mut spliced, session).unwrap();
        jsonld::write_dataset(clr, &mut full).unwrap();
        assert!(spliced.text == full.text, "the spliced dataset's text differs");
        assert_eq!((spliced.lines.len(), spliced.node_bound), (full.lines.len(), full.node_bound));
        assert!(spliced.lines.iter().zip(&full.lines).all(|(a, b)| a.same_as(b)), "a spliced line differs");
        (full, segments.iter().filter(|s| s.source.is_some() && s.whole).count())
    }

    #[test]
    fn nested_credentials_are_spliced_when_the_outer_context_adds_only_unused_terms() {
        let mut session = Session::default();
        let clr = signed_inside(&mut session);
        assert_eq!(check_outer(&session, &clr).1, 40);
        let mut session = Session::default();
        let unrelated = serde_json::json!({"unrelatedTerm": "https://example.org/unrelated"});
        let clr = clr_with(&mut session, Some(unrelated), |_, _| {});
        assert_eq!(check_outer(&session, &clr).1, 40);
    }

    #[test]
    fn an_outer_prefix_the_nested_ids_use_prevents_the_splice() {
        // In the outer document `urn:uuid:…` is a compact IRI: every nested `id` expands differently there.
        let mut session = Session::default();
        let urn = serde_json::json!({"urn": "https://example.org/urn-prefix/"});
        let clr = clr_with(&mut session, Some(urn), |_, _| {});
        let (full, spliced) = check_outer(&session, &clr);
        assert_eq!(spliced, 0);
        assert!(full.text.contains("<https://example.org/urn-prefix/uuid:2f77304a-2129-416e-a56b-04a72e2d5fd0>"));
    }

    #[test]
    fn an_outer_prefix_the_nested_issuers_use_prevents_the_splice() {
        // `did:key:…` is a compact IRI in the outer document: the issuer's `id` expands differently there.
        let mut session = Session::default();
        let did = serde_json::json!({"did": "https://example.org/did-prefix/"});
        let clr = clr_with(&mut session, Some(did), |_, _| {});
        let (full, spliced) = check_outer(&session, &clr);
        assert_eq!(spliced, 0);
        assert!(full.text.contains("<https://example.org/did-prefix/key:z6Mk"));
    }

    #[test]
    fn an_outer_term_a_nested_credential_uses_prevents_its_splice() {
        // `ex:note` and `ex:Thing` are absolute IRIs on their own, compact IRIs in the outer document.
        let mut session = Session::default();
        let ex = serde_json::json!({"ex": "https://example.org/ns#"});
        let clr = clr_with(&mut session, Some(ex), |i, nested| {
            if i == 3 {
                nested["ex:note"] = "a note".into();
            }
            if i == 7 {
                nested["type"].as_array_mut().unwrap().push("ex:Thing".into());
            }
        });
        let (full, spliced) = check_outer(&session, &clr);
        assert_eq!(spliced, 38);
        assert!(
            full.text.contains("<https://example.org/ns#note>") && full.text.contains("<https://example.org/ns#Thing>")
        );
    }

    #[test]
    fn an_outer_vocabulary_prevents_the_splice() {
        let mut session = Session::default();
        let vocab = serde_json::json!({"@vocab": "https://example.org/vocab#"});
        let clr = clr_with(&mut session, Some(vocab), |_, _| {});
        assert_eq!(check_outer(&session, &clr).1, 0);
    }

    #[test]
    fn nested_blank_node_identifiers_prevent_the_splice() {
        // `_:learner` is one node of the outer document, but one node per credential on its own.
        let mut session = Session::default();
        let clr = clr_with(&mut session, None, |_, nested| nested["credentialSubject"]["id"] = "_:learner".into());
        assert_eq!(check_outer(&session, &clr).1, 0);
    }

    #[test]
    fn a_nested_credential_changed_after_signing_is_expanded_again() {
        let mut session = Session::default();
        let mut clr = signed_inside(&mut session);
        let nested = &mut clr["credentialSubject"]["verifiableCredential"];
        nested[5]["credentialSubject"]["achievement"]["name"] = "Changed".into();
        // Same members, another order: another blank node numbering, so not the same dataset.
        let map = nested[9]["credentialSubject"].as_object_mut().unwrap();
        let first = map.keys().next().unwrap().clone();
        let value = map.shift_remove(&first).unwrap();
        map.insert(first, value);
        assert_eq!(check_outer(&session, &clr).1, 38);
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
        assert_eq!(check_outer(&session, &clr).1, 39);
    }
}
