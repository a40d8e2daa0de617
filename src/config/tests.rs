use super::*;

const GOOD: &str = r#"
[institution]
name = "Example University"
url = "https://www.example.edu/"
did = "did:web:registrar.example.edu"
identifiers = [{ type = "OPEID", value = "00123400" }]

[grading]
name = "Letter grades"
passing_grade = "D"
grades = [
  { grade = "A", points = 4.0 },
  { grade = "B", points = 3.0 },
  { grade = "D", points = 1.0 },
  { grade = "F", points = 0.0, credit = false },
  { grade = "P", pass_fail = true },
  { grade = "W", credit = false, gpa = false },
]
"#;

fn parse(text: &str) -> (Option<Config>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let c = Config::parse(text, Path::new("institution.toml"), &mut diags);
    (c, diags)
}

#[test]
fn reads_a_good_config() {
    let (c, diags) = parse(GOOD);
    assert!(diags.is_empty(), "{diags:?}");
    let c = c.unwrap();
    assert_eq!(c.institution.identifiers[0].kind, "OPEID");
    assert_eq!(c.grading.max_gpa(), 4.0);
    assert!(c.grading.passes("B", None));
    assert!(c.grading.passes("P", None));
    assert!(!c.grading.passes("F", None));
    assert!(!c.grading.passes("W", None));
    assert!(!c.grading.passes("D", Some("B")));
    assert!(!c.grading.grade("P").unwrap().counts_in_gpa());
    assert!(c.grading.grade("a").unwrap().counts_in_gpa());
}

#[test]
fn misspelt_key_is_an_error_with_position() {
    let (c, diags) = parse(&GOOD.replace("passing_grade", "pasing_grade"));
    assert!(c.is_none());
    let d = diags.iter().next().unwrap();
    assert_eq!(d.code, Code::ConfigSyntax);
    let origin = d.origin.as_ref().unwrap();
    assert_eq!(origin.line, Some(10));
    assert!(d.message.contains("pasing_grade"), "{}", d.message);
}

#[test]
fn collects_every_value_problem() {
    let bad = GOOD
        .replace("https://www.example.edu/", "www.example.edu")
        .replace("passing_grade = \"D\"", "passing_grade = \"Z\"");
    let (c, diags) = parse(&bad);
    assert!(c.is_none());
    let codes: Vec<_> = diags.iter().map(|d| (d.code, d.origin.as_ref().and_then(|o| o.line))).collect();
    assert_eq!(codes, vec![(Code::ConfigValue, Some(4)), (Code::ConfigValue, Some(10))]);
}

#[test]
fn column_mapping_names_must_exist() {
    let text = format!(
        "{GOOD}\n[columns.learners]\nlearner_id = \"SPRIDEN_ID\"\nstudent_nr = \"X\"\n\n[columns.pupils]\nx = \"y\"\n"
    );
    let (c, diags) = parse(&text);
    assert!(c.is_none());
    let messages: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, vec!["there is no table \"pupils\"", "table learners has no column \"student_nr\""]);
}

/// Every key a full config can have is described by schemas/institution.schema.json.
#[test]
fn schema_describes_every_key() {
    let full = format!(
        "{GOOD}\n[institution.address]\nstreet = \"1 Main St\"\nlocality = \"Town\"\nregion = \"ST\"\npostal_code = \"1\"\ncountry = \"X\"\ncountry_code = \"XX\"\n\
         [transcript]\nissued_at = \"2026-01-01T00:00:00Z\"\nrepeat_policy = \"highest\"\nverification_url = \"https://v.example/\"\ndefault_program = \"P\"\nsalt_secret = \"0123456789abcdef\"\nfonts = [\"fonts/cjk.ttf\"]\n\
         [input]\nencoding = \"windows-1252\"\ndelimiter = \"tab\"\ndate_format = \"us\"\nfile_encodings = {{ \"learners.csv\" = \"utf-8\" }}\n\
         [files]\nlearners = \"students.csv\"\n[columns.learners]\nlearner_id = \"ID\"\n\
         [status]\nbase_url = \"https://r.example.edu/status/\"\nsuspension = true\n[site]\ndir = \"site\"\nsecret_file = \"site.secret\"\n\
         [mastery]\ndefault = {{ all = true }}\nframeworks = {{ \"F\" = {{ at_least = 2 }} }}\nitems = {{ \"X.1\" = {{ fraction = 0.5, min_level = 2 }} }}\n\
         [pesc]\ngrade_scale_code = \"N4\"\ncredit_unit = \"Quarter\"\ncredit_level = \"Graduate\"\ncredit_levels = {{ \"Upper\" = \"UpperDivision\" }}\nsession_types = {{ \"Summer\" = \"SummerSession\" }}\naward_levels = {{ \"Bachelor\" = \"2.4\" }}\nwithdrawal_grades = [\"W\"]\nincomplete_grades = [\"I\"]\n"
    )
    .replace("did = ", "email = \"r@example.edu\"\nphone = \"1\"\nkey_file = \"k\"\nkey_id = \"key-2\"\nretired_keys = [{ id = \"key-1\", public_key = \"z6MkOld\" }]\nlogo = \"l.png\"\ndid = ")
    .replace("{ grade = \"A\", points = 4.0 }", "{ grade = \"A\", points = 4.0, gpa = true, description = \"x\" }")
    .replace("passing_grade = \"D\"", "passing_grade = \"D\"\nmax_gpa = 4.0");
    let (c, diags) = parse(&full);
    assert!(diags.is_empty(), "{diags:?}");
    let value = serde_json::to_value(c.unwrap()).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/institution.schema.json")).unwrap();
    let mut missing = Vec::new();
    walk(&value, &schema, &schema, "", &mut missing);
    assert!(missing.is_empty(), "keys not in the schema: {missing:?}");
}

fn walk(
    value: &serde_json::Value,
    schema: &serde_json::Value,
    root: &serde_json::Value,
    path: &str,
    missing: &mut Vec<String>,
) {
    let schema = match schema.get("$ref").and_then(|r| r.as_str()) {
        Some(r) => root.pointer(r.trim_start_matches('#')).unwrap_or(schema),
        None => schema,
    };
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                let sub = schema
                    .get("properties")
                    .and_then(|p| p.get(key))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()));
                match sub {
                    Some(sub) => walk(v, sub, root, &format!("{path}.{key}"), missing),
                    None => missing.push(format!("{path}.{key}")),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                walk(v, schema.get("items").unwrap_or(&serde_json::Value::Null), root, path, missing);
            }
        }
        _ => {}
    }
}

/// A scale of `n` extra grades `G0…` (after GOOD's own), each in its own `{ grade = … }`.
fn with_grades(n: usize, last: &str) -> String {
    let extra: String = (0..n).map(|k| format!("  {{ grade = \"G{k}\" }},\n")).collect();
    GOOD.replace("  { grade = \"W\"", &format!("{extra}  {{ grade = \"{last}\" }},\n  {{ grade = \"W\""))
}

#[test]
fn a_scale_of_many_grades_is_checked_in_one_pass_and_wrong_grades_keep_their_line() {
    // 990 grades, the last one a duplicate of the first: found where it is written, not by a search per grade.
    let text = with_grades(MAX_GRADES - 12, "A");
    let (c, diags) = parse(&text);
    assert!(c.is_none());
    let [d] = &diags.iter().collect::<Vec<_>>()[..] else { panic!("{diags:?}") };
    assert_eq!(d.message, "grade \"A\" is defined twice");
    let line = text.lines().position(|l| l.contains("{ grade = \"A\" }")).unwrap() as u64 + 1;
    assert_eq!(d.origin.as_ref().unwrap().line, Some(line));
}

#[test]
fn a_scale_over_the_grade_limit_is_one_error() {
    let (c, diags) = parse(&with_grades(100_000, "X"));
    assert!(c.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags.iter().next().unwrap().message.contains("more than the 1000 allowed"));
}
