//! Subsets of the learners, chosen by a hash of their id: the shards of a run split across machines, and
//! the parts a large run is loaded in so that memory stays bounded. Stable across machines, runs and
//! versions, and balanced whatever the ids look like.

use sha2::{Digest, Sha256};

/// Which 1-based bucket of `count` the learner `id` falls in, on hash lane `lane` (0 or 1): lane 0 uses the
/// first 8 bytes of SHA-256(id) (shards), lane 1 the next 8 (parts), so the two splits are independent.
pub fn learner_bucket(id: &str, count: u32, lane: usize) -> u32 {
    let digest = Sha256::digest(id.as_bytes());
    let start = 8 * lane.min(1);
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[start..start + 8]);
    (u64::from_be_bytes(bytes) % u64::from(count.max(1))) as u32 + 1
}

/// Shard `shard.0` of `shard.1`, part `part.0` of `part.1` (all 1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LearnerSubset {
    /// (K, N): the shard.
    pub shard: (u32, u32),
    /// (P, M): the part of the shard.
    pub part: (u32, u32),
}

impl LearnerSubset {
    /// Every learner.
    pub const ALL: LearnerSubset = LearnerSubset { shard: (1, 1), part: (1, 1) };

    /// Whether learner `id` is in the subset.
    pub fn contains(&self, id: &str) -> bool {
        (self.shard.1 <= 1 || learner_bucket(id, self.shard.1, 0) == self.shard.0)
            && (self.part.1 <= 1 || learner_bucket(id, self.part.1, 1) == self.part.0)
    }

    /// Whether this is every learner.
    pub fn is_all(&self) -> bool {
        self.shard.1 <= 1 && self.part.1 <= 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_and_parts_are_independent_partitions() {
        let ids: Vec<String> = (0..4000).map(|i| format!("L{i}")).collect();
        let mut cells = std::collections::BTreeMap::new();
        for id in &ids {
            let subsets: Vec<_> = (1..=2)
                .flat_map(|k| (1..=2).map(move |p| LearnerSubset { shard: (k, 2), part: (p, 2) }))
                .filter(|s| s.contains(id))
                .collect();
            assert_eq!(subsets.len(), 1, "{id} is in exactly one cell");
            *cells.entry((subsets[0].shard, subsets[0].part)).or_insert(0) += 1;
        }
        // Four cells of about 1000 each: the part hash does not follow the shard hash.
        assert_eq!(cells.len(), 4);
        assert!(cells.values().all(|&n| (850..1150).contains(&n)), "{cells:?}");
        assert!(ids.iter().all(|id| LearnerSubset::ALL.contains(id)));
    }
}
