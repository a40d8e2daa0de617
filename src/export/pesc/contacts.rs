//! The institution's `Contacts` in `Source/Organization`: its postal address and e-mail. CoreMain 1.19's
//! `AddressType` has two forms: a US or Canadian address with `StateProvinceCode` and `PostalCode` (and no
//! `CountryCode`), and an international one with optional `StateProvince` and `PostalCode` and a required
//! `CountryCode`. Putting `CountryCode` in a US address — the mistake of PESC's own 1.8.0 sample — is invalid.

use super::xml::Xml;
use crate::config::Institution;

/// `AddressLine`'s and `City`'s greatest lengths.
const ADDRESS_LINE: usize = 40;
const CITY: usize = 30;
/// `StateProvince`'s and `PostalCode`'s greatest lengths.
const STATE_PROVINCE: usize = 30;
const POSTAL_CODE: usize = 17;
/// `EmailAddress`'s greatest length.
const EMAIL: usize = 128;

/// Writes `Contacts` when the institution has an address PESC can carry (street, a city of two characters or
/// more, and either a US/Canadian state or province code with a postal code, or a known country code) or an
/// e-mail address.
pub(super) fn contacts(xml: &mut Xml, institution: &Institution) {
    let address = institution.address.as_ref().and_then(|a| {
        let street = a.street.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let city = a.locality.as_deref().map(str::trim).filter(|c| c.chars().count() >= 2)?;
        let region = a.region.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let postal = a.postal_code.as_deref().map(str::trim).filter(|p| !p.is_empty());
        let country = a.country_code.as_deref().map(str::trim);
        let north_american = country.is_none_or(|c| c == "US" || c == "CA");
        let form = match (region, postal) {
            (Some(code), Some(postal)) if north_american && STATE_PROVINCE_CODES.contains(&code) => {
                Form::Domestic { code, postal }
            }
            _ => Form::International { region, postal, country: country.filter(|c| COUNTRY_CODES.contains(c))? },
        };
        Some((street, city, form))
    });
    let email = institution.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    if address.is_none() && email.is_none() {
        return;
    }
    xml.open("Contacts");
    if let Some((street, city, form)) = address {
        xml.open("Address");
        xml.limited("AddressLine", street, Some(ADDRESS_LINE));
        xml.limited("City", city, Some(CITY));
        match form {
            Form::Domestic { code, postal } => {
                xml.text("StateProvinceCode", code);
                xml.limited("PostalCode", postal, Some(POSTAL_CODE));
            }
            Form::International { region, postal, country } => {
                if let Some(region) = region.filter(|r| r.chars().count() >= 2) {
                    xml.limited("StateProvince", region, Some(STATE_PROVINCE));
                }
                if let Some(postal) = postal {
                    xml.limited("PostalCode", postal, Some(POSTAL_CODE));
                }
                xml.text("CountryCode", country);
            }
        }
        xml.close("Address");
    }
    if let Some(email) = email {
        xml.open("Email");
        xml.limited("EmailAddress", email, Some(EMAIL));
        xml.close("Email");
    }
    xml.close("Contacts");
}

/// The two address forms.
enum Form<'a> {
    /// US or Canada.
    Domestic { code: &'a str, postal: &'a str },
    /// Anywhere else.
    International { region: Option<&'a str>, postal: Option<&'a str>, country: &'a str },
}

/// CoreMain 1.19 `StateProvinceCodeType`: US states and territories, Canadian provinces.
pub(super) const STATE_PROVINCE_CODES: &[&str] = &[
    "AA", "AB", "AE", "AK", "AL", "AP", "AR", "AS", "AZ", "BC", "CA", "CO", "CT", "CZ", "DC", "DE", "FL", "FM", "GA",
    "GU", "HI", "IA", "ID", "IL", "IN", "KS", "KY", "LA", "MA", "MB", "MD", "ME", "MH", "MI", "MN", "MO", "MP", "MS",
    "MT", "NB", "NC", "ND", "NE", "NF", "NH", "NJ", "NL", "NM", "NS", "NT", "NU", "NV", "NY", "OH", "OK", "ON", "OR",
    "PA", "PE", "PR", "PW", "QC", "RI", "SC", "SD", "SK", "TN", "TX", "UT", "VA", "VI", "VT", "WA", "WI", "WV", "WY",
    "YT",
];

/// ISO 3166-1 alpha-2 (`iso_3166-1_v1.0.0.xsd` `CountryAlpha2CodeSimpleType`).
pub(super) const COUNTRY_CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA",
    "ZM", "ZW",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Address;

    fn written(institution: &Institution) -> String {
        let mut xml = Xml::new(Vec::new());
        contacts(&mut xml, institution);
        String::from_utf8(xml.finish().unwrap().0).unwrap()
    }

    fn institution(address: Address) -> Institution {
        toml::from_str::<Institution>("name = \"U\"\nurl = \"https://u.example/\"")
            .map(|mut i| {
                i.address = Some(address);
                i
            })
            .unwrap()
    }

    #[test]
    fn us_addresses_have_no_country_code_and_others_have_one() {
        let us = Address {
            street: Some("1200 Harbor Point Drive".into()),
            locality: Some("Northbridge".into()),
            region: Some("MA".into()),
            postal_code: Some("01534".into()),
            country: Some("United States".into()),
            country_code: Some("US".into()),
        };
        let text = written(&institution(us.clone()));
        assert!(
            text.contains("<StateProvinceCode>MA</StateProvinceCode>\n    <PostalCode>01534</PostalCode>"),
            "{text}"
        );
        assert!(!text.contains("CountryCode"), "{text}");
        let uk = Address {
            region: Some("Kent".into()),
            postal_code: Some("CT1 2EH".into()),
            country_code: Some("GB".into()),
            locality: Some("Canterbury".into()),
            ..us.clone()
        };
        let text = written(&institution(uk));
        assert!(
            text.contains("<StateProvince>Kent</StateProvince>\n    <PostalCode>CT1 2EH</PostalCode>\n    <CountryCode>GB</CountryCode>"),
            "{text}"
        );
        let nowhere = Address { country_code: Some("XX".into()), region: Some("Kent".into()), ..us };
        assert_eq!(written(&institution(nowhere)).trim(), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    }
}
