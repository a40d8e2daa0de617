//! The synthetic outcome framework (CASE 1.1 CFPackage).

use serde_json::{Value, json};

const DOMAINS: usize = 10;
const OUTCOMES: usize = 20;
const SUB_OUTCOMES: usize = 10;
const BASE: &str = "https://outcomes.synthetic.example.edu/ims/case/v1p1";

/// The framework's JSON and the coding schemes of its leaves (what courses align to).
pub struct Generated {
    /// The CFPackage JSON.
    pub json: String,
    /// Leaf coding schemes, e.g. `SYN.3.12.4`.
    pub leaves: Vec<String>,
}

fn uuid(n: usize) -> String {
    format!("5e0e{:04x}-0000-4000-8000-{:012x}", n >> 48, n)
}

fn item(n: usize, code: &str, statement: &str, kind: &str) -> Value {
    json!({
        "identifier": uuid(n),
        "uri": format!("{BASE}/CFItems/{}", uuid(n)),
        "fullStatement": statement,
        "humanCodingScheme": code,
        "CFItemType": kind,
        "lastChangeDateTime": "2026-01-01T00:00:00+00:00"
    })
}

fn child_of(n: usize, child: usize, parent: usize, parent_is_doc: bool) -> Value {
    let dest_uri = if parent_is_doc {
        format!("{BASE}/CFDocuments/{}", uuid(parent))
    } else {
        format!("{BASE}/CFItems/{}", uuid(parent))
    };
    json!({
        "identifier": uuid(n),
        "uri": format!("{BASE}/CFAssociations/{}", uuid(n)),
        "associationType": "isChildOf",
        "originNodeURI": { "title": "child", "identifier": uuid(child), "uri": format!("{BASE}/CFItems/{}", uuid(child)) },
        "destinationNodeURI": { "title": "parent", "identifier": uuid(parent), "uri": dest_uri },
        "lastChangeDateTime": "2026-01-01T00:00:00+00:00"
    })
}

/// Builds the framework.
pub fn framework() -> Generated {
    let doc = 0;
    let mut next = 1;
    let (mut items, mut links, mut leaves) = (Vec::new(), Vec::new(), Vec::new());
    let mut assoc = 1_000_000;
    for d in 1..=DOMAINS {
        let domain = next;
        next += 1;
        items.push(item(
            domain,
            &format!("SYN.{d}"),
            &format!("Domain {d}: applies the knowledge and practice of field {d}."),
            "Domain",
        ));
        links.push(child_of(assoc, domain, doc, true));
        assoc += 1;
        for o in 1..=OUTCOMES {
            let outcome = next;
            next += 1;
            items.push(item(
                outcome,
                &format!("SYN.{d}.{o}"),
                &format!("Outcome {d}.{o}: analyzes and solves problems of kind {o} in field {d}."),
                "Outcome",
            ));
            links.push(child_of(assoc, outcome, domain, false));
            assoc += 1;
            for s in 1..=SUB_OUTCOMES {
                let sub = next;
                next += 1;
                let code = format!("SYN.{d}.{o}.{s}");
                items.push(item(
                    sub,
                    &code,
                    &format!("Sub-outcome {d}.{o}.{s}: demonstrates skill {s} of outcome {d}.{o}."),
                    "Sub-outcome",
                ));
                links.push(child_of(assoc, sub, outcome, false));
                assoc += 1;
                leaves.push(code);
            }
        }
    }
    let package = json!({
        "CFDocument": {
            "identifier": uuid(doc),
            "uri": format!("{BASE}/CFDocuments/{}", uuid(doc)),
            "creator": "Synthetic State University",
            "title": "Synthetic State University Learning Outcomes",
            "lastChangeDateTime": "2026-01-01T00:00:00+00:00",
            "caseVersion": "1.1"
        },
        "CFItems": items,
        "CFAssociations": links
    });
    Generated { json: serde_json::to_string_pretty(&package).unwrap_or_default() + "\n", leaves }
}
