//! RDFC-1.0 canonicalization, structure-aware: small graphs of blank nodes, IRIs and literals (the hard case
//! for canonical labeling). The canonical form must not depend on the input's blank node labels or quad order.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use xtranscript::sign::{Literal, Quad, Term, rdfc_canonicalize};

fn term(kind: u8, n: u8, label: &dyn Fn(u8) -> String) -> Term {
    match kind % 3 {
        0 => Term::Blank(Arc::from(label(n % 8))),
        1 => Term::Iri(Arc::from(format!("https://f.example/{}", n % 4))),
        _ => Term::Literal(Literal {
            value: format!("v{}", n % 4),
            datatype: Arc::from("http://www.w3.org/2001/XMLSchema#string"),
            language: None,
        }),
    }
}

fn quads(data: &[u8], label: &dyn Fn(u8) -> String) -> Vec<Quad> {
    data.chunks_exact(5)
        .take(64)
        .map(|c| Quad {
            subject: term(c[0] % 2, c[1], label),
            predicate: Arc::from(format!("https://p.example/{}", c[2] % 3)),
            object: term(c[3], c[4], label),
            graph: (c[0] & 0x80 != 0).then(|| term(c[0] >> 4 & 1, c[4], label)),
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let plain = quads(data, &|n| format!("b{n}"));
    let mut relabeled = quads(data, &|n| format!("x{}", 7 - n));
    relabeled.reverse();
    match (rdfc_canonicalize(&plain), rdfc_canonicalize(&relabeled)) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "canonical form depends on labels or order"),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("one labeling canonicalizes, the other does not: {:?} / {:?}", a.is_ok(), b.is_ok()),
    }
});
