//! Issue #14: every line of a transcript is true. Every printed total is the sum of the rows it
//! covers (in the PDF's text and in the CLR), row values contradicting their grade are reported,
//! specimens say so on every page, and no last page is without body content.

use super::*;

/// A quantity in hundredths, as printed ("16.00" → 1600).
fn hundredths(token: &str) -> Option<i64> {
    let (int, frac) = token.split_once('.')?;
    if frac.len() != 2 || int.is_empty() || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(int.parse::<i64>().ok()? * 100 + frac.parse::<i64>().ok()?)
}

fn pdftotext_layout(pdf: &Path) -> Option<String> {
    super::pdf::tool("pdftotext", &["-layout", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"])
}

/// Attempted and earned.
type Pair = (i64, i64);

fn add(a: Pair, b: Pair) -> Pair {
    (a.0 + b.0, a.1 + b.1)
}

/// The sums of a group of course rows: (institution, transfer).
#[derive(Default)]
struct Group {
    home: Pair,
    transfer: Pair,
    rows: usize,
}

/// Reads the academic record of a transcript's text (`pdftotext -layout`) and checks that every
/// totals line is the sum of the rows it covers: a term's "Term totals" of its courses at the
/// institution (attempted: all but in-progress; earned: all but in-progress and replaced "E"),
/// "Transfer credit accepted" of its transfer rows, "Cumulative" of the term totals so far, and
/// the record totals of all rows. Returns how many totals lines were checked.
fn check_printed_totals(who: &str, text: &str) -> usize {
    let labels = ["Term totals", "Transfer credit accepted", "Cumulative", "Institution", "Overall (institution"];
    let (mut group, mut all, mut cumulative) = (Group::default(), Group::default(), (0, 0));
    let (mut in_record, mut in_totals_block, mut after_totals, mut checked) = (false, false, false, 0);
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("ACADEMIC RECORD") {
            in_record = true;
            continue;
        }
        if !in_record {
            continue;
        }
        if trimmed.starts_with("Notes:") {
            break;
        }
        if trimmed == "Record totals" {
            in_totals_block = true;
            continue;
        }
        let tokens: Vec<&str> = trimmed.split_whitespace().collect();
        let numbers: Vec<i64> = tokens.iter().filter_map(|t| hundredths(t)).collect();
        if let Some(label) = labels.iter().find(|l| trimmed.starts_with(**l)) {
            let printed = (numbers[0], numbers[1]);
            let expected = match (*label, in_totals_block) {
                ("Term totals", false) => group.home,
                ("Transfer credit accepted", false) => group.transfer,
                ("Cumulative", false) => {
                    cumulative = add(cumulative, group.home);
                    cumulative
                }
                ("Institution", true) => all.home,
                ("Transfer credit accepted", true) => all.transfer,
                ("Overall (institution", true) => add(all.home, all.transfer),
                other => panic!("{who}: unexpected totals line {other:?}: {line}"),
            };
            assert_eq!(printed, expected, "{who}: {line:?} is not the sum of its rows");
            if (*label, in_totals_block) == ("Institution", true) {
                assert_eq!(all.home, cumulative, "{who}: institution totals differ from the last cumulative");
            }
            checked += 1;
            after_totals = true;
            continue;
        }
        // A course row: attempted, earned (none in progress), grade or "In progress", marks.
        let Some(first_number) = tokens.iter().position(|t| hundredths(t).is_some()) else { continue };
        if after_totals {
            group = Group::default();
            after_totals = false;
        }
        let marks: Vec<&str> =
            tokens.iter().rev().take_while(|t| matches!(**t, "R" | "T" | "IP" | "E")).copied().collect();
        let (transfer, in_progress, replaced) = (marks.contains(&"T"), marks.contains(&"IP"), marks.contains(&"E"));
        let attempted = numbers[0];
        let earned = if in_progress { 0 } else { hundredths(tokens[first_number + 1]).expect(line) };
        let counted = if in_progress { (0, 0) } else { (attempted, if replaced { 0 } else { earned }) };
        let sums = if transfer { &mut group.transfer } else { &mut group.home };
        *sums = add(*sums, counted);
        let sums = if transfer { &mut all.transfer } else { &mut all.home };
        *sums = add(*sums, counted);
        group.rows += 1;
    }
    checked
}

/// Every totals Result of the CLR's term and academic-record credentials is the sum of the
/// course credentials it covers (creditsAvailable = attempted, creditsEarned, the status, the
/// `ext:RepeatStatus` result, transfer by the description). Returns how many values were checked.
fn check_clr_totals(who: &str, clr: &serde_json::Value) -> usize {
    let credentials = clr["credentialSubject"]["verifiableCredential"].as_array().unwrap();
    let hundredths_of = |v: &serde_json::Value| (v.as_f64().unwrap() * 100.0).round() as i64;
    // Per term name: (home, transfer) sums.
    let mut terms: std::collections::BTreeMap<String, (Pair, Pair)> = Default::default();
    for c in credentials.iter().filter(|c| c["credentialSubject"]["achievement"]["achievementType"] == "Course") {
        let subject = &c["credentialSubject"];
        let results = subject["result"].as_array().unwrap();
        if results[0]["status"] == "InProgress" {
            continue;
        }
        let replaced = results.iter().any(|r| r["value"] == "Replaced");
        let attempted = hundredths_of(&subject["achievement"]["creditsAvailable"]);
        let earned = if replaced { 0 } else { hundredths_of(&subject["creditsEarned"]) };
        let transfer = c["description"].as_str().unwrap().starts_with("Transfer credit");
        let entry = terms.entry(subject["term"].as_str().unwrap().to_string()).or_default();
        let sums = if transfer { &mut entry.1 } else { &mut entry.0 };
        *sums = add(*sums, (attempted, earned));
    }
    // The value of the result whose description has `name`.
    let value = |c: &serde_json::Value, name: &str| -> Option<i64> {
        let subject = &c["credentialSubject"];
        let rd = subject["achievement"]["resultDescription"].as_array()?.iter().find(|d| d["name"] == name)?;
        let result = subject["result"].as_array()?.iter().find(|r| r["resultDescription"] == rd["id"])?;
        hundredths(result["value"].as_str()?)
    };
    let mut checked = 0;
    let mut check = |c: &serde_json::Value, name: &str, expected: i64| {
        assert_eq!(value(c, name), Some(expected), "{who}: {:?} {name}", c["name"]);
        checked += 1;
    };
    let (mut home, mut transfer) = ((0, 0), (0, 0));
    let mut term_credentials: Vec<&serde_json::Value> = credentials
        .iter()
        .filter(|c| c["credentialSubject"]["achievement"]["achievementType"] == "ext:AcademicTerm")
        .collect();
    term_credentials.sort_by_key(|c| c["credentialSubject"]["activityStartDate"].as_str().unwrap().to_string());
    for c in term_credentials {
        let (term_home, term_transfer) =
            terms.get(c["credentialSubject"]["term"].as_str().unwrap()).copied().unwrap_or_default();
        home = add(home, term_home);
        transfer = add(transfer, term_transfer);
        check(c, "Term credits attempted (institution)", term_home.0);
        check(c, "Term credits earned (institution)", term_home.1);
        check(c, "Cumulative credits attempted (institution)", home.0);
        check(c, "Cumulative credits earned (institution)", home.1);
        check(c, "Cumulative credits attempted (institution and transfer)", home.0 + transfer.0);
        check(c, "Cumulative credits earned (institution and transfer)", home.1 + transfer.1);
        if transfer != (0, 0) {
            check(c, "Cumulative transfer credits earned", transfer.1);
        }
        assert_eq!(hundredths_of(&c["credentialSubject"]["creditsEarned"]), term_home.1 + term_transfer.1, "{who}");
    }
    let record = credentials
        .iter()
        .find(|c| c["credentialSubject"]["achievement"]["achievementType"] == "ext:AcademicRecord")
        .unwrap();
    check(record, "Cumulative credits attempted (institution)", home.0);
    check(record, "Cumulative credits earned (institution)", home.1);
    check(record, "Cumulative credits earned (institution and transfer)", home.1 + transfer.1);
    checked
}

/// Checks every learner of a built output directory; returns (learners, PDF lines, CLR values) checked.
fn check_output(out: &Path) -> (usize, usize, usize) {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let (mut learners, mut lines, mut values) = (0, 0, 0);
    for entry in manifest["learners"].as_array().unwrap() {
        let dir = out.join("learners").join(entry["directory"].as_str().unwrap());
        let who = entry["id"].as_str().unwrap();
        let clr: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("clr.json")).unwrap()).unwrap();
        values += check_clr_totals(who, &clr);
        if let Some(text) = pdftotext_layout(&dir.join("transcript.pdf")) {
            let n = check_printed_totals(who, &text);
            assert!(n >= 2, "{who}: no totals found in\n{text}");
            lines += n;
        }
        learners += 1;
    }
    (learners, lines, values)
}

#[test]
fn every_printed_total_is_the_sum_of_its_rows() {
    let out = temp_dir("truth-samples");
    let built = build(&out, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let (learners, lines, values) = check_output(&out);
    assert_eq!(learners, 28);
    assert!(values > 28 * 10, "{values} CLR values checked");
    eprintln!("samples: {learners} learners, {lines} PDF totals lines, {values} CLR values checked");

    let input = temp_dir("truth-synthetic-input");
    let generated = xtranscript(&["gen", "--learners", "40", "--seed", "7", "--out", input.to_str().unwrap()]);
    assert_eq!(generated.status.code(), Some(0), "{}", text(&generated.stderr));
    let out = temp_dir("truth-synthetic");
    let args = ["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", test_key(), "--quiet"];
    let built = xtranscript(&args);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let (learners, lines, values) = check_output(&out);
    assert_eq!(learners, 40);
    eprintln!("synthetic: {learners} learners, {lines} PDF totals lines, {values} CLR values checked");
}

/// N2025001's 17 transfer rows state 58 credits earned (grade TR): the PDF prints each, and the
/// transfer line of the record totals says 58.00.
#[test]
fn sample_transfer_credit_is_printed_as_the_export_states_it() {
    let out = temp_dir("truth-transfer");
    let built = build(&out, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let Some(text) = pdftotext_layout(&out.join("learners/N2025001/transcript.pdf")) else { return };
    let folded: Vec<String> = text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    let transfer_rows = folded.iter().filter(|l| l.ends_with(" TR T")).count();
    assert_eq!(transfer_rows, 17, "{text}");
    assert!(folded.iter().all(|l| !(l.ends_with(" TR T") && l.contains(" 0.00 "))), "a transfer row earned 0:\n{text}");
    let record_transfer = folded.iter().rev().find(|l| l.starts_with("Transfer credit accepted")).unwrap();
    assert_eq!(record_transfer, "Transfer credit accepted 58.00 58.00");
}

/// Replaces line `line` (1-based) of `file` with `with`.
fn replace_line(file: &Path, line: usize, with: &str) {
    let content = std::fs::read_to_string(file).unwrap();
    let mut lines: Vec<String> = content.lines().map(String::from).collect();
    lines[line - 1] = with.to_string();
    std::fs::write(file, lines.join("\n") + "\n").unwrap();
}

/// Issue #14.0 and #14.4: a stated credits_earned that contradicts the grade, and a grade the scale
/// marks in progress on a row not flagged in progress, are reported by `check` (warnings, XT0214, at
/// the row and column) and never silently reinterpreted: the credit stays as stated, and the
/// in-progress course is listed as in progress.
#[test]
fn rows_contradicting_their_grade_are_reported_and_kept_as_stated() {
    let input = temp_dir("truth-contradictions");
    copy_dir(&root().join("samples"), &input);
    let records = input.join("course_records.csv");
    let content = std::fs::read_to_string(&records).unwrap();
    let line_of = |id: &str| content.lines().position(|l| l.starts_with(id)).unwrap() + 1;
    // N2025021's failed MATH 151 with 4 credits earned; N2025002's first course with grade IP.
    let f_line = line_of("ENR-00413,");
    replace_line(&records, f_line, "ENR-00413,N2025021,2024FA,MATH-151,,4,4,F,N,N,N,");
    let ip_row = content.lines().find(|l| l.contains(",N2025002,")).unwrap().to_string();
    let ip_line = line_of(&ip_row);
    let mut fields: Vec<&str> = ip_row.split(',').collect();
    (fields[6], fields[7], fields[10]) = ("", "IP", "N");
    replace_line(&records, ip_line, &fields.join(","));
    let toml = input.join("institution.toml");
    let mut config = std::fs::read_to_string(&toml).unwrap();
    config = config.replace(
        "[transcript]\n",
        "[[grading.grades]]\ngrade = \"IP\"\nin_progress = true\ncredit = false\ndescription = \"In progress\"\n\n[transcript]\n",
    );
    std::fs::write(&toml, config).unwrap();

    let (code, report) = check_json(input.to_str().unwrap());
    assert_eq!(code, 0, "warnings only: {report:#}");
    let warnings: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "warning" && d["code"] == "XT0214")
        .collect();
    let at = |line: usize, message: &str| {
        warnings.iter().any(|w| {
            w["origin"]["file"].as_str().unwrap().ends_with("course_records.csv")
                && w["origin"]["line"] == line
                && w["message"].as_str().unwrap().contains(message)
        })
    };
    assert!(at(f_line, "earns no credit"), "{warnings:#?}");
    assert!(at(ip_line, "means in progress"), "{warnings:#?}");

    let out = temp_dir("truth-contradictions-out");
    let args = ["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", test_key(), "--quiet"];
    let built = xtranscript(&args);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let clr = |id: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(out.join("learners").join(id).join("clr.json")).unwrap()).unwrap()
    };
    let courses = |clr: &serde_json::Value| -> Vec<serde_json::Value> {
        clr["credentialSubject"]["verifiableCredential"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["credentialSubject"]["achievement"]["achievementType"] == "Course")
            .cloned()
            .collect()
    };
    let f = courses(&clr("N2025021"))
        .into_iter()
        .find(|c| c["name"].as_str().unwrap().contains("MATH 151") && c["credentialSubject"]["term"] == "Fall 2024")
        .unwrap();
    assert_eq!(f["credentialSubject"]["result"][0]["status"], "Failed");
    assert_eq!(f["credentialSubject"]["creditsEarned"], 4, "the export's 4 credits are kept");
    let ip = courses(&clr("N2025002"))
        .into_iter()
        .find(|c| c["credentialSubject"]["result"][0]["value"] == "IP")
        .expect("the IP course");
    assert_eq!(ip["credentialSubject"]["result"][0]["status"], "InProgress");
    assert!(ip["credentialSubject"].get("creditsEarned").is_none());
}

/// Issue #14.7: a transcript signed with `--demo-key` says it is a specimen on every PDF page, in
/// the HTML and in the CLR's name and description; one signed with a real key nowhere.
#[test]
fn demo_key_transcripts_are_marked_specimen_on_every_page() {
    let mark = "SPECIMEN — NOT AN OFFICIAL TRANSCRIPT";
    for (key, specimen) in [(&["--demo-key"][..], true), (&["--key", test_key()][..], false)] {
        let out = temp_dir(if specimen { "truth-specimen" } else { "truth-official" });
        let mut args = vec!["build", "samples", "--out", out.to_str().unwrap(), "--quiet"];
        args.extend_from_slice(key);
        let built = xtranscript(&args);
        assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
        for learner in ["N2025001", "N2025012"] {
            let dir = out.join("learners").join(learner);
            let html = std::fs::read_to_string(dir.join("transcript.html")).unwrap();
            assert_eq!(html.contains(mark), specimen, "{learner} HTML");
            let clr: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("clr.json")).unwrap()).unwrap();
            assert_eq!(clr["name"].as_str().unwrap().contains("SPECIMEN"), specimen);
            assert_eq!(clr["description"].as_str().unwrap().contains("SPECIMEN"), specimen);
            let Some(text) = pdftotext_layout(&dir.join("transcript.pdf")) else { continue };
            let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
            assert!(pages.len() >= 2);
            for (n, page) in pages.iter().enumerate() {
                assert_eq!(page.contains(mark), specimen, "{learner} page {}", n + 1);
                assert_eq!(
                    page.contains("OFFICIAL ACADEMIC TRANSCRIPT") && !page.contains("NOT AN OFFICIAL"),
                    !specimen
                );
            }
        }
    }
}

/// Issue #14.8: no sample learner's PDF has a last page without body content of its own (only the
/// running header and the end mark, or the verification block alone).
#[test]
fn no_last_page_is_without_body_content() {
    let out = temp_dir("truth-last-page");
    let built = build(&out, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    for entry in std::fs::read_dir(out.join("learners")).unwrap() {
        let dir = entry.unwrap().path();
        let Some(text) = pdftotext_layout(&dir.join("transcript.pdf")) else { return };
        let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
        let last = pages.last().unwrap();
        let body: Vec<&str> = last
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .skip(3) // the running header: institution, title, learner
            .filter(|l| !l.starts_with("End of transcript") && !l.contains("Page "))
            .collect();
        let verification_only = body.first().is_some_and(|l| l.starts_with("VERIFICATION"));
        assert!(!body.is_empty() && (pages.len() == 1 || !verification_only), "{}: last page\n{last}", dir.display());
    }
}

/// Poppler's pdftotext wraps every right-to-left run it extracts in U+202B … U+202C itself
/// (`reorderText` in its TextOutputDev, whatever the PDF holds); those two are removed here. Any
/// other bidi control in the output would come from the PDF.
fn without_poppler_embeddings(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, '\u{202B}' | '\u{202C}')).collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Issue #14.6: right-to-left text extracts in logical order — a Hebrew name, an Arabic name, a
/// Latin course title with an Arabic word and digits — and the running footer and header read
/// "id · name" for every learner, whatever the name's script. (A hyphenated Hebrew name is laid
/// out right, but pdftotext splits a right-to-left run at a hyphen, which its `reorderText` takes
/// for part of a number: no PDF content changes that.)
#[test]
fn right_to_left_text_extracts_in_logical_order() {
    let input = temp_dir("truth-rtl");
    copy_dir(&root().join("samples"), &input);
    let courses = input.join("courses.csv");
    let content = std::fs::read_to_string(&courses)
        .unwrap()
        .replace("DS-100,DS,100,Foundations of Data Science,", "DS-100,DS,100,Foundations of البيانات Science 101,");
    std::fs::write(&courses, content).unwrap();
    let out = temp_dir("truth-rtl-out");
    let args = ["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", test_key(), "--quiet"];
    let built = xtranscript(&args);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    for (id, name) in [("N2025012", "נועה לוי"), ("N2025011", "ليلى حداد"), ("N2025001", "José Antonio Muñoz-Ibáñez")]
    {
        let pdf = out.join("learners").join(id).join("transcript.pdf");
        let Ok(raw) = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(&pdf).arg("-").output() else {
            assert!(!tools_required(), "pdftotext is required in CI");
            return;
        };
        let extracted = without_poppler_embeddings(&text(&raw.stdout));
        assert!(!extracted.chars().any(is_bidi_control), "{id}: a bidi control in\n{extracted}");
        let lines: Vec<String> =
            extracted.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
        assert!(lines.iter().any(|l| l == name), "{id}: no line {name:?} in\n{extracted}");
        let footer = format!("{id} · {name}");
        assert!(lines.iter().filter(|l| l.starts_with(&footer)).count() >= 2, "{id}: no {footer:?} in\n{extracted}");
        // pdftotext moves the space after a right-to-left word before it (its reorderText takes the
        // neutral space into the run): the order of the words is compared without spaces.
        let unspaced: String = extracted.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(unspaced.contains("FoundationsofالبياناتScience101"), "{id}: mixed title in\n{extracted}");
        // What the PDF itself says its glyphs are (ToUnicode) holds no bidi controls.
        let doc = lopdf::Document::load(&pdf).unwrap();
        for (_, object) in doc.objects.iter() {
            if let Ok(stream) = object.as_stream()
                && let Ok(content) = stream.decompressed_content()
                && content.starts_with(b"/CIDInit")
            {
                let cmap = String::from_utf8_lossy(&content).to_lowercase();
                for control in ["200e", "200f", "202a", "202b", "202c", "202d", "202e", "2066", "2067", "2068", "2069"]
                {
                    assert!(!cmap.contains(&format!("<{control}>")), "{id}: ToUnicode maps to U+{control}");
                }
            }
        }
    }
}
