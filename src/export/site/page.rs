//! The site's HTML: a verification page per transcript, the site's own index page and `robots.txt`. The style
//! and script are inline and pinned by hash in a Content-Security-Policy meta tag (CSP Level 3 §2.3.1
//! hash-source), so a page makes no request but to its own site.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::SiteLayout;
use super::record::{PublishedStatus, Record};

const PAGE: &str = include_str!("page.html");
const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// `text` escaped for HTML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A CSP hash-source of `text`: `'sha256-<base64>'`.
fn hash_source(text: &str) -> String {
    format!("'sha256-{}'", STANDARD.encode(Sha256::digest(text.as_bytes())))
}

/// The Content-Security-Policy of every page: nothing but its own inline style and script, and requests to its
/// own origin (the record and the status lists).
fn csp(style: &str, script: &str) -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'",
        hash_source(script),
        hash_source(style)
    )
}

/// Fills the `{{name}}` placeholders of `template` in one pass (a value is never read as a placeholder).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| Some((end, values.iter().find(|(n, _)| *n == &after[..end])?))) {
            Some((end, (_, value))) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The issued state, shown before (and without) the live check.
fn published_text(record: &Record) -> (&'static str, String) {
    let as_published = "as published with this page";
    match record.published_status {
        PublishedStatus::Valid => ("valid", format!("Valid {as_published}: issued {}, not revoked.", record.issued)),
        PublishedStatus::Revoked => ("revoked", format!("Revoked {as_published}.")),
        PublishedStatus::Suspended => ("suspended", format!("Suspended {as_published}.")),
        PublishedStatus::Unknown if record.status.is_empty() => {
            ("unknown", "Issued without a status list entry: its status cannot be checked.".to_string())
        }
        PublishedStatus::Unknown => ("unknown", "The status list was not published with this page.".to_string()),
    }
}

/// The verification page of `record`.
pub fn page_html(record: &Record) -> String {
    let institution = escape(&record.institution);
    let (status_class, status_text) = published_text(record);
    let mut status_lists = String::new();
    if !record.status.is_empty() {
        status_lists
            .push_str("<p class=\"note\">Status list checked (W3C Bitstring Status List):</p>\n<ul class=\"note\">\n");
        for entry in &record.status {
            status_lists.push_str(&format!(
                "<li>{}: <code>{}</code>, entry {}</li>\n",
                escape(&entry.purpose),
                escape(&entry.list),
                escape(&entry.index)
            ));
        }
        status_lists.push_str("</ul>\n");
    }
    let mut digests = String::new();
    for (name, sha256) in &record.sha256 {
        digests.push_str(&format!("<dt>SHA-256 of {}</dt><dd><code>{}</code></dd>\n", escape(name), escape(sha256)));
    }
    let mut rows = String::new();
    for c in &record.credentials {
        let cell = |v: &Option<String>| v.as_deref().map(escape).unwrap_or_default();
        rows.push_str(&format!(
            "<tr><td>{}</td><td dir=\"auto\">{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&c.kind),
            escape(&c.title),
            cell(&c.term),
            cell(&c.result)
        ));
    }
    let count = match record.more_credentials {
        0 => format!("{} credentials, as on the transcript", record.credentials.len()),
        more => format!("The first {} credentials of {}", record.credentials.len(), record.credentials.len() + more),
    };
    let specimen = if record.specimen {
        "<p class=\"specimen\" role=\"note\">SPECIMEN — signed with a demonstration key: not an official transcript.</p>\n"
    } else {
        ""
    };
    fill(
        PAGE,
        &[
            ("csp", &csp(STYLE, SCRIPT)),
            ("style", STYLE),
            ("script", SCRIPT),
            ("specimen", specimen),
            ("institution", &institution),
            ("status_class", status_class),
            ("status_text", &escape(&status_text)),
            ("status_lists", &status_lists),
            ("learner", &escape(&record.learner)),
            ("issued", &escape(&record.issued)),
            ("digests", &digests),
            ("credential_count", &escape(&count)),
            ("credentials", &rows),
        ],
    )
}

/// The site's own index page: whose site it is, and nothing else (no list of pages).
pub fn index_html(institution: &str) -> String {
    let institution = escape(institution);
    let style = "body{font:16px/1.5 sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}";
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex, nofollow\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; base-uri 'none'; form-action 'none'\">\n\
         <title>Transcript verification — {institution}</title>\n<style>{style}</style>\n</head>\n<body>\n<main>\n<h1>Transcript verification — {institution}</h1>\n\
         <p>This site publishes the status of the digital transcripts {institution} issues. Each transcript's page is reached from the QR code or the address printed on it; there is no list of them.</p>\n\
         </main>\n</body>\n</html>\n",
        hash_source(style)
    )
}

/// `robots.txt`: keep the pages out of search engines.
pub fn robots_txt(layout: &SiteLayout) -> String {
    format!("User-agent: *\nDisallow: /{}\n", layout.verify)
}
