//! What an expansion read of its active contexts ([`Lookups`]), and the per-thread recorder that collects it
//! while a credential is expanded on its own ([`recorded`]): the evidence that splicing its quads into another
//! document is sound (see `splice.rs`).

use std::cell::Cell;

/// The terms an expansion looked up in its active contexts (hits and misses alike: every definition it read,
/// including while processing scoped and embedded contexts), as a Bloom filter: [`Lookups::may_contain`] is
/// true for every recorded term, and for a few others (false positives only make a caller more careful).
#[derive(Clone, PartialEq, Eq)]
pub struct Lookups {
    bits: Box<[u64; LOOKUP_WORDS]>,
}

/// 8,192 bits: a nested credential looks up a few dozen distinct terms, so two bits per term leave the
/// chance that an unrecorded term seems recorded well under 0.1 %.
const LOOKUP_WORDS: usize = 128;

impl Default for Lookups {
    fn default() -> Self {
        Lookups { bits: Box::new([0; LOOKUP_WORDS]) }
    }
}

impl std::fmt::Debug for Lookups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set: u32 = self.bits.iter().map(|w| w.count_ones()).sum();
        write!(f, "Lookups({set} bits set)")
    }
}

impl Lookups {
    /// The two bit positions of `term`: from its length and its first and last (up to) eight bytes, mixed by
    /// one multiplication, high bits first (the best mixed ones). Cheap, since every lookup of a recorded
    /// expansion computes it; terms that share those bytes share positions, which only adds false positives.
    fn positions(term: &str) -> [usize; 2] {
        let bytes = term.as_bytes();
        let n = bytes.len();
        let (head, tail) = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
            (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
            _ => {
                let short = bytes.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b));
                (short, short)
            }
        };
        let mixed = (head ^ tail.rotate_left(29) ^ (n as u64).rotate_left(53)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let h = (mixed ^ (mixed >> 32)).wrapping_mul(0xd6e8_feb8_6659_fd93);
        [(h >> 51) as usize, ((h >> 38) & 8191) as usize]
    }

    /// Adds `term`.
    #[cfg(test)]
    pub fn add(&mut self, term: &str) {
        for p in Lookups::positions(term) {
            self.bits[p / 64] |= 1 << (p % 64);
        }
    }

    /// Adds a string of a JSON document and, when it has a `:`, what comes before the first one (the prefix
    /// IRI expansion looks up, JSON-LD 1.1 Processing Algorithms §5.2.2 step 6).
    #[cfg(test)]
    pub fn add_string(&mut self, s: &str) {
        self.add(s);
        if let Some(colon) = s.find(':') {
            self.add(&s[..colon]);
        }
    }

    /// Adds every lookup of `other`.
    pub fn merge(&mut self, other: &Lookups) {
        for (a, b) in self.bits.iter_mut().zip(other.bits.iter()) {
            *a |= b;
        }
    }

    /// Whether every lookup of `self` is one of `other`'s (bit for bit).
    #[cfg(test)]
    pub fn within(&self, other: &Lookups) -> bool {
        self.bits.iter().zip(other.bits.iter()).all(|(a, b)| a & !b == 0)
    }

    /// Whether `term` may have been looked up (always true when it was).
    pub fn may_contain(&self, term: &str) -> bool {
        Lookups::positions(term).iter().all(|&p| self.bits[p / 64] & (1 << (p % 64)) != 0)
    }
}

thread_local! {
    /// Whether a recording is in progress on this thread ([`recorded`]).
    static RECORDING: Cell<bool> = const { Cell::new(false) };
    /// The lookups of the recording in progress (cells: a lookup costs no borrow check).
    static RECORDED: [Cell<u64>; LOOKUP_WORDS] = const { [const { Cell::new(0) }; LOOKUP_WORDS] };
}

/// Records a lookup of `term`.
pub(super) fn record(term: &str) {
    if RECORDING.get() {
        RECORDED.with(|bits| {
            for p in Lookups::positions(term) {
                bits[p / 64].set(bits[p / 64].get() | 1 << (p % 64));
            }
        });
    }
}

/// Records a lookup of every term (a step that read all definitions).
pub(super) fn record_everything() {
    if RECORDING.get() {
        RECORDED.with(|bits| bits.iter().for_each(|w| w.set(u64::MAX)));
    }
}

/// Records the lookups of a context processing step (memoized, or just run).
pub(super) fn record_all_of(other: &Lookups) {
    if RECORDING.get() {
        RECORDED.with(|bits| bits.iter().zip(other.bits.iter()).for_each(|(w, o)| w.set(w.get() | o)));
    }
}

/// Whether a recording is in progress on this thread.
pub fn recording() -> bool {
    RECORDING.get()
}

/// Runs `f`, recording the terms it looks up in contexts: during context processing, and in tests also
/// through [`Context::term`](super::context::Context::term) and
/// [`Context::keyword_alias`](super::context::Context::keyword_alias). Returns them with `f`'s result; they
/// also count for the recording in progress around this one, if any.
pub fn recorded<T>(f: impl FnOnce() -> T) -> (T, Lookups) {
    let around = RECORDING.replace(true);
    let outer = RECORDED.with(|bits| Lookups { bits: Box::new(std::array::from_fn(|i| bits[i].replace(0))) });
    let out = f();
    let mine =
        RECORDED.with(|bits| Lookups { bits: Box::new(std::array::from_fn(|i| bits[i].replace(outer.bits[i]))) });
    RECORDING.set(around);
    record_all_of(&mine);
    (out, mine)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recordings_nest() {
        let ((), outer) = recorded(|| {
            let ((), inner) = recorded(|| record("inner"));
            assert!(inner.may_contain("inner"));
            record("outer");
        });
        assert!(outer.may_contain("inner") && outer.may_contain("outer"));
        let ((), all) = recorded(record_everything);
        assert!(all.may_contain("anything at all"));
    }
}
