//! The bitstring of a Bitstring Status List (W3C REC, 15 May 2025): one bit an entry, index 0 the most
//! significant bit of byte 0 (§7.1), encoded as `u` + base64url without padding of its GZIP (§3.3), decoded
//! with caps on the encoded and the expanded size (§3.4), so a GZIP bomb fails fast.

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use thiserror::Error;

/// The REC's minimum number of entries of a list (§3.2 step 2, §6.1: 16 KB of single-bit entries).
pub const MIN_ENTRIES: usize = 131_072;

/// The longest `encodedList` accepted, in characters (a 131,072-entry list is about 16 KB at worst).
pub const MAX_ENCODED_CHARS: usize = 4 << 20;

/// The largest expanded bitstring accepted, in bytes (256 times the minimum: 33,554,432 entries).
pub const MAX_BITSTRING_BYTES: usize = MIN_ENTRIES / 8 * 256;

/// Why an `encodedList` cannot be expanded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BitstringError {
    /// It does not start with the multibase prefix `u` (base64url, no padding).
    #[error("encodedList is not multibase base64url (it must start with \"u\")")]
    NotBase64Url,
    /// It is longer than [`MAX_ENCODED_CHARS`].
    #[error("encodedList is longer than {MAX_ENCODED_CHARS} characters")]
    EncodedTooLong,
    /// The characters after `u` are not base64url without padding.
    #[error("encodedList is not valid base64url: {0}")]
    Base64(String),
    /// The bytes are not GZIP, or the stream is damaged.
    #[error("encodedList is not GZIP: {0}")]
    Gzip(String),
    /// It expands to more than [`MAX_BITSTRING_BYTES`].
    #[error("encodedList expands to more than {MAX_BITSTRING_BYTES} bytes")]
    TooLarge,
}

/// A status bitstring: `len()` entries of one bit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
}

impl Bitstring {
    /// A bitstring of at least `entries` zero bits (rounded up to whole bytes), and never fewer than
    /// [`MIN_ENTRIES`] (§3.3 step 1).
    pub fn new(entries: usize) -> Bitstring {
        Bitstring { bytes: vec![0; entries.max(MIN_ENTRIES).div_ceil(8)] }
    }

    /// A bitstring of these bytes, as they are.
    pub fn from_bytes(bytes: Vec<u8>) -> Bitstring {
        Bitstring { bytes }
    }

    /// The bytes, bit 0 the most significant bit of byte 0.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The number of entries (bits).
    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Bit `index` (§7.1: index 0 is the left-most bit), or `None` past the end (§3.2: a RANGE_ERROR).
    pub fn get(&self, index: usize) -> Option<bool> {
        self.bytes.get(index / 8).map(|b| b & mask(index) != 0)
    }

    /// Sets bit `index` to `on`; false (and no change) past the end.
    pub fn set(&mut self, index: usize, on: bool) -> bool {
        let Some(byte) = self.bytes.get_mut(index / 8) else { return false };
        if on {
            *byte |= mask(index);
        } else {
            *byte &= !mask(index);
        }
        true
    }

    /// The indices of the set bits, ascending.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b != 0)
            .flat_map(|(k, b)| (0..8).filter(move |j| b & (0x80 >> j) != 0).map(move |j| k * 8 + j))
    }

    /// The `encodedList`: multibase `u` + base64url (no padding) of the GZIP of the bytes (§3.3 step 3).
    /// Deterministic: the GZIP header has no time and no file name.
    pub fn encode(&self) -> String {
        let mut gz = GzEncoder::new(Vec::with_capacity(self.bytes.len() / 64 + 64), Compression::default());
        // Writing to a Vec cannot fail.
        let compressed = gz.write_all(&self.bytes).and_then(|()| gz.finish()).unwrap_or_default();
        let mut out = String::with_capacity(1 + compressed.len().div_ceil(3) * 4);
        out.push('u');
        URL_SAFE_NO_PAD.encode_string(&compressed, &mut out);
        out
    }

    /// Expands an `encodedList` (§3.4: multibase-decode, then GZIP-decompress), within the caps.
    pub fn decode(encoded: &str) -> Result<Bitstring, BitstringError> {
        if encoded.len() > MAX_ENCODED_CHARS {
            return Err(BitstringError::EncodedTooLong);
        }
        let payload = encoded.strip_prefix('u').ok_or(BitstringError::NotBase64Url)?;
        let compressed = URL_SAFE_NO_PAD.decode(payload).map_err(|e| BitstringError::Base64(e.to_string()))?;
        let mut bytes = Vec::new();
        // One byte more than the cap tells "too large" from "exactly the cap" without expanding further.
        MultiGzDecoder::new(&compressed[..])
            .take(MAX_BITSTRING_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| BitstringError::Gzip(e.to_string()))?;
        if bytes.len() > MAX_BITSTRING_BYTES {
            return Err(BitstringError::TooLarge);
        }
        Ok(Bitstring { bytes })
    }
}

/// The mask of bit `index` within its byte, most significant bit first.
fn mask(index: usize) -> u8 {
    0x80 >> (index % 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// refverify's fixtures/status/lists/status-list-1.json (signed by make-status-fixtures.mjs on node:zlib):
    /// 131,072 entries, bits 7, 1000 and 131,071 set.
    const FIXTURE_LIST_1: &str = "uH4sIAAAAAAAAA-3NMQEAAAgDINfc6MaYBxQgU7TNHAAAAAAAAAAAAAAAAAAAAN7IASSS_zUAQAAA";
    /// 1EdTech's ob-v3p0/samples/bit-string-list/testlist.json: bit 23 set.
    const ONE_EDTECH_TESTLIST: &str = "uH4sIAAAAAAAA_-3BMQEAAAzDoMy_6cnoA9QFAAAAAAAAAAAAAAAAAAAAbD3uPa2cAEAAAA";

    #[test]
    fn bit_zero_is_the_most_significant_bit_of_byte_zero() {
        let mut b = Bitstring::new(0);
        assert_eq!(b.len(), MIN_ENTRIES);
        assert!(b.set(0, true) && b.set(7, true) && b.set(131_071, true));
        assert_eq!(b.as_bytes()[0], 0x81);
        assert_eq!(b.as_bytes()[16_383], 0x01);
        assert!(!b.set(131_072, true));
        assert_eq!(b.get(131_072), None);
        assert_eq!(b.ones().collect::<Vec<_>>(), vec![0, 7, 131_071]);
        b.set(7, false);
        assert_eq!(b.get(7), Some(false));
    }

    #[test]
    fn decodes_the_reference_fixtures_msb_first() {
        let list = Bitstring::decode(FIXTURE_LIST_1).unwrap();
        assert_eq!(list.len(), MIN_ENTRIES);
        assert_eq!(list.ones().collect::<Vec<_>>(), vec![7, 1000, 131_071]);
        assert_eq!(list.as_bytes()[0], 0x01);
        let testlist = Bitstring::decode(ONE_EDTECH_TESTLIST).unwrap();
        assert_eq!(testlist.len(), MIN_ENTRIES);
        assert_eq!(testlist.ones().collect::<Vec<_>>(), vec![23]);
    }

    #[test]
    fn encode_round_trips_and_is_deterministic() {
        let mut b = Bitstring::new(MIN_ENTRIES);
        for i in [3, 5000, 99_999] {
            b.set(i, true);
        }
        let encoded = b.encode();
        assert!(encoded.starts_with("uH4sI"), "{encoded}");
        assert!(!encoded.contains(['=', '+', '/']));
        assert_eq!(encoded, b.encode());
        assert_eq!(Bitstring::decode(&encoded).unwrap(), b);
        assert!(encoded.len() < 200, "a sparse list is short: {}", encoded.len());
    }

    #[test]
    fn refuses_what_is_not_an_encoded_list() {
        assert_eq!(Bitstring::decode("zabc"), Err(BitstringError::NotBase64Url));
        assert!(matches!(Bitstring::decode("u!!!"), Err(BitstringError::Base64(_))));
        assert!(matches!(Bitstring::decode("uAAAA"), Err(BitstringError::Gzip(_))));
        assert_eq!(Bitstring::decode(&"u".repeat(MAX_ENCODED_CHARS + 1)), Err(BitstringError::EncodedTooLong));
    }

    #[test]
    fn a_gzip_bomb_fails_fast_at_the_cap() {
        // 1 GiB of zeros compresses to about 1 MB; the decoder stops one byte past the cap.
        let bomb = Bitstring { bytes: vec![0; MAX_BITSTRING_BYTES * 2] }.encode();
        let started = std::time::Instant::now();
        assert_eq!(Bitstring::decode(&bomb), Err(BitstringError::TooLarge));
        assert!(started.elapsed().as_secs() < 5);
        let at_cap = Bitstring { bytes: vec![0; MAX_BITSTRING_BYTES] }.encode();
        assert_eq!(Bitstring::decode(&at_cap).map(|b| b.len()), Ok(MAX_BITSTRING_BYTES * 8));
    }
}
