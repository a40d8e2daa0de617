//! Unit tests of RDFC-1.0 (the W3C and 1EdTech vectors are in `tests/vectors.rs`).

use super::*;
use crate::sign::rdf::Term;

fn q(s: &str, p: &str, o: &str) -> Quad {
    let term = |t: &str| match t.strip_prefix("_:") {
        Some(l) => Term::Blank(l.into()),
        None => Term::Iri(t.into()),
    };
    Quad { subject: term(s), predicate: p.into(), object: term(o), graph: None }
}

#[test]
fn relabels_independently_of_input_labels() {
    let a = [q("_:x", "urn:p", "_:y"), q("_:y", "urn:p", "_:x"), q("_:x", "urn:q", "urn:o")];
    let b = [q("_:m", "urn:p", "_:n"), q("_:n", "urn:q", "urn:o"), q("_:m", "urn:p", "_:n"), q("_:n", "urn:p", "_:m")];
    assert_eq!(canonicalize(&a).unwrap(), canonicalize(&b).unwrap());
    assert!(canonicalize(&a).unwrap().contains("_:c14n0"));
}

#[test]
fn symmetric_cycle_needs_n_degree_and_is_stable() {
    let ring: Vec<Quad> = (0..6).map(|i| q(&format!("_:r{i}"), "urn:p", &format!("_:r{}", (i + 1) % 6))).collect();
    let mut shuffled = ring.clone();
    shuffled.reverse();
    assert_eq!(canonicalize(&ring).unwrap(), canonicalize(&shuffled).unwrap());
}

#[test]
fn poison_clique_hits_the_work_limit() {
    let mut quads = Vec::new();
    for i in 0..12 {
        for j in 0..12 {
            if i != j {
                quads.push(q(&format!("_:n{i}"), "urn:p", &format!("_:n{j}")));
            }
        }
    }
    assert!(matches!(canonicalize(&quads), Err(CanonError::WorkLimit)));
}

#[test]
fn permutations_are_lexicographic() {
    let mut v = vec![1, 2, 3];
    let mut seen = vec![v.clone()];
    while next_permutation(&mut v) {
        seen.push(v.clone());
    }
    assert_eq!(seen.len(), 6);
    assert_eq!(seen[5], vec![3, 2, 1]);
}

#[test]
fn duplicate_quads_appear_once() {
    let quads = [
        q("urn:s", "urn:p", "urn:o"),
        q("_:x", "urn:p", "urn:o"),
        q("urn:s", "urn:p", "urn:o"),
        q("_:x", "urn:p", "urn:o"),
    ];
    assert_eq!(canonicalize(&quads).unwrap(), "<urn:s> <urn:p> <urn:o> .\n_:c14n0 <urn:p> <urn:o> .\n");
}

#[test]
fn lines_sort_in_code_point_order_whatever_their_common_beginnings() {
    // Long shared beginnings, runs small and large, equal lines, a line that is a prefix of another, non-ASCII.
    let mut lines: Vec<String> = Vec::new();
    for i in 0..40u32 {
        let long = "x".repeat((i % 7) as usize * 13);
        lines.push(format!("<urn:uuid:00000000-0000-4000-8000-000000000000> <https://e/p{}> \"{long}{}\"", i % 3, i));
        lines.push(format!("<urn:uuid:00000000-0000-4000-8000-00000000000{}> <https://e/q> \"é{}\"", i % 10, i % 4));
        lines.push(format!("_:c14n{} <https://e/q> \"{}\"", i % 12, "y".repeat(i as usize)));
    }
    lines.push("abc".into());
    lines.push("abcdefghijklmnop".into());
    lines.push("abcdefghijklmnopq".into());
    let mut buffer = String::new();
    let mut ranges = Vec::new();
    for line in &lines {
        let start = buffer.len();
        buffer.push_str(line);
        ranges.push(Range::new(buffer.as_bytes(), start, buffer.len()));
    }
    sort_lines(buffer.as_bytes(), &mut ranges);
    let sorted: Vec<&str> = ranges.iter().map(|r| &buffer[r.start as usize..r.end as usize]).collect();
    let mut expected: Vec<&str> = lines.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(sorted, expected);
}
