//! `xtranscript gen`: a synthetic but realistic input directory, for benchmarks
//! and scale tests. Deterministic for a seed; returns files as bytes.
//!
//! One institution; a CASE 1.1 outcome framework of 2,210 items (10 domains × 20
//! outcomes × 10 sub-outcomes); 160 courses aligned to sub-outcomes; 8 terms; per
//! learner about 40 course records (failures, repeats, pass/fail, withdrawals,
//! transfer credit, the last term in progress) and about 10 badges.

mod framework;
mod records;

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    /// Seeded; a zero seed is replaced by a fixed odd one.
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A generated input directory: (path relative to it, bytes), in a fixed order.
pub fn input_dir(learners: usize, seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut rng = Rng::new(seed);
    let framework = framework::framework();
    let mut files = vec![("institution.toml".to_string(), records::INSTITUTION.as_bytes().to_vec())];
    files.extend(records::tables(learners, &framework, &mut rng));
    files.push(("frameworks/synthetic-outcomes.json".to_string(), framework.json.into_bytes()));
    for (name, bytes) in SAMPLE_FONT {
        files.push((format!("fonts/{name}"), bytes.to_vec()));
    }
    files
}

/// The samples' CJK font subset (it has the characters of the generated names) and its license, so a generated
/// input renders on a machine without CJK fonts; `samples/fonts/README.md` says where it comes from.
const SAMPLE_FONT: [(&str, &[u8]); 3] = [
    ("wqy-microhei-subset.ttf", include_bytes!("../../samples/fonts/wqy-microhei-subset.ttf")),
    ("LICENSE-Apache-2.0.txt", include_bytes!("../../samples/fonts/LICENSE-Apache-2.0.txt")),
    ("README.md", include_bytes!("../../samples/fonts/README.md")),
];

#[cfg(test)]
mod tests;
