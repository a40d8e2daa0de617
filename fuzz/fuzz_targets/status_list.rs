//! Status list credentials read as `verify --status-list` reads them: strict JSON, the shape (REC §2.2), the
//! `encodedList` expanded within the caps (§3.4; a GZIP bomb stops at `MAX_BITSTRING_BYTES`). The raw bytes
//! are also tried as an `encodedList`; what decodes re-encodes to the same bits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xtranscript::status::Bitstring;
use xtranscript::status::bitstring::MAX_BITSTRING_BYTES;
use xtranscript::status::list::{list_content, read_list_json};

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = read_list_json(data) {
        if let Ok(content) = list_content(&list) {
            assert!(content.bits.as_bytes().len() <= MAX_BITSTRING_BYTES);
        }
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(bits) = Bitstring::decode(text.trim()) {
        assert!(bits.as_bytes().len() <= MAX_BITSTRING_BYTES);
        assert_eq!(Bitstring::decode(&bits.encode()).as_ref(), Ok(&bits), "encode/decode round trip");
    }
});
