//! A small, fast, non-cryptographic hasher for the module's internal maps (blank node labels, terms, quads).
//! The keys come from one document at a time and the maps never leave the module, so hash flooding is not a
//! concern here; SipHash (the std default) was a tenth of the canonicalization time.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-rotate hashing of 8-byte words (the scheme of the Firefox/rustc "Fx" hasher).
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // Long inputs (N-Quads lines and texts) in four independent lanes of 8 bytes: the multiplications of
        // one step do not wait for each other.
        let mut wide = bytes.chunks_exact(32);
        if bytes.len() >= 64 {
            let mut lanes = [self.0, SEED, SEED.rotate_left(17), SEED.rotate_left(31)];
            for chunk in &mut wide {
                for (lane, word) in lanes.iter_mut().zip(chunk.chunks_exact(8)) {
                    *lane = (lane.rotate_left(5) ^ u64::from_le_bytes(word.try_into().expect("8 bytes")))
                        .wrapping_mul(SEED);
                }
            }
            self.0 = lanes.iter().fold(0, |h, &lane| (h.rotate_left(5) ^ lane).wrapping_mul(SEED));
        }
        let rest = if bytes.len() >= 64 { wide.remainder() } else { bytes };
        let mut chunks = rest.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
