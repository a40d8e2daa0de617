//! The natural language of a piece of text when it differs from the document's (ISO 32000-1 14.9.2,
//! ISO 14289-1 7.2: "/Lang on spans in another language where known"): a language the inputs declare,
//! once it is a well-formed BCP 47 tag, or one the script of a name implies where only one language
//! writes it.

/// The longest tag taken from the inputs (BCP 47 tags in use are far shorter; RFC 5646 4.4.1 asks
/// for 35 characters at least).
const MAX_TAG: usize = 35;

/// `tag` when it is a well-formed BCP 47 language tag (RFC 5646 2.1: a 2-3 letter primary language
/// subtag, then subtags of 1-8 letters or digits) naming another language than `document`'s; `None`
/// for a malformed tag or the document's own language (the same primary subtag).
pub(super) fn declared(tag: &str, document: &str) -> Option<String> {
    let tag = tag.trim();
    let mut subtags = tag.split('-');
    let primary = subtags.next()?;
    let well_formed = tag.len() <= MAX_TAG
        && (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    let document_primary = document.split('-').next().unwrap_or(document);
    (well_formed && !primary.eq_ignore_ascii_case(document_primary)).then(|| tag.to_string())
}

/// The language a name's script implies, where one language is written in it and the document is in
/// another: Greek (`el`), Hebrew (`he`), Hangul (`ko`), Japanese kana with or without Han (`ja`), Thai
/// (`th`), Georgian (`ka`), Armenian (`hy`). None for a name in Latin, Cyrillic, Arabic or Han alone
/// (scripts of many languages: the name's language is not known), or in more than one script.
pub(super) fn of_name(name: &str, document: &str) -> Option<String> {
    let mut found: Option<&str> = None;
    for c in name.chars().filter(|c| c.is_alphabetic()) {
        let lang = match u32::from(c) {
            0x0370..=0x03ff | 0x1f00..=0x1fff => "el",
            0x0590..=0x05ff | 0xfb1d..=0xfb4f => "he",
            0x1100..=0x11ff | 0x3130..=0x318f | 0xac00..=0xd7af => "ko",
            0x3040..=0x30ff | 0x31f0..=0x31ff | 0xff66..=0xff9f => "ja",
            // Han goes with kana (a Japanese name); alone it could be Chinese, Japanese or Korean.
            0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff => "Han",
            0x0e00..=0x0e7f => "th",
            0x10a0..=0x10ff => "ka",
            0x0530..=0x058f => "hy",
            _ => return None,
        };
        found = match (found, lang) {
            (None, lang) | (Some("Han"), lang @ "ja") => Some(lang),
            (Some("ja"), "Han") => Some("ja"),
            (Some(seen), lang) if seen == lang => Some(seen),
            _ => return None,
        };
    }
    found.filter(|&lang| lang != "Han").and_then(|lang| declared(lang, document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_languages_are_well_formed_tags_other_than_the_documents() {
        assert_eq!(declared("fr", "en").as_deref(), Some("fr"));
        assert_eq!(declared(" fr-CA ", "en").as_deref(), Some("fr-CA"));
        assert_eq!(declared("zh-Hant-TW", "en").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(declared("en-GB", "en"), None, "the document's own language");
        assert_eq!(declared("EN", "en-US"), None);
        for bad in ["", "f", "fren", "fr_CA", "fr-", "fr-toolongsubtag", "fr ca", "é", &"a-b".repeat(20)] {
            assert_eq!(declared(bad, "en"), None, "{bad:?}");
        }
    }

    #[test]
    fn a_names_language_is_derived_only_from_a_script_of_one_language() {
        let lang = |name: &str| of_name(name, "en");
        assert_eq!(lang("Νίκος Παπαδόπουλος").as_deref(), Some("el"));
        assert_eq!(lang("נועה לוי").as_deref(), Some("he"));
        assert_eq!(lang("김민준").as_deref(), Some("ko"));
        assert_eq!(lang("さくら 山田").as_deref(), Some("ja"));
        assert_eq!(lang("山田 さくら").as_deref(), Some("ja"));
        for unknown in ["王芳", "ليلى حداد", "Анна Иванова", "José Muñoz", "Νίκος Smith", "王 김"]
        {
            assert_eq!(lang(unknown), None, "{unknown}");
        }
        assert_eq!(of_name("Νίκος", "el"), None, "the document's language");
    }
}
