//! Status: W3C Bitstring Status List v1.0 (Recommendation, 15 May 2025), the stage beside `sign` that lets an
//! issuer take a credential back.
//!
//! - [`bitstring`]: the list's bits (MSB-first), encoded as multibase base64url of GZIP, decoded within caps.
//! - [`list`]: the `BitstringStatusListCredential` made (to be signed by the issuer) and read back.
//! - [`check`]: a verifier's check of a credential's `credentialStatus` entries against lists it has.
//! - [`registry`]: the append-only log of every index given out and every change of status.
//! - [`change`]: what `revoke`, `suspend` and `reinstate` change.
//! - [`issue`]: index allocation (keyed hash, probing, a list per shard) and the re-issue rules.
//! - [`shards`]: the checks across the shards of one run (no index given twice, registries as manifests say).
//!
//! Pure: lists come in as values, keys through a resolver; nothing is read or fetched here.

pub mod bitstring;
pub mod change;
pub mod check;
pub mod issue;
pub mod list;
pub mod registry;
pub mod shards;

pub use bitstring::{Bitstring, BitstringError, MIN_ENTRIES};
pub use check::{ListSource, StatusLists, StatusOptions, StatusReport};

/// The purpose of a status list and of the entries pointing into it (REC §2.1 `statusPurpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Purpose {
    /// A set bit takes the credential back for good.
    Revocation,
    /// A set bit suspends the credential until it is cleared.
    Suspension,
}

impl Purpose {
    /// The `statusPurpose` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Revocation => "revocation",
            Purpose::Suspension => "suspension",
        }
    }
}
