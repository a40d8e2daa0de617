//! Validity proven, not assumed: credentials checked against the 1EdTech JSON
//! Schemas (embedded copies in `schemas/1edtech`, no network).

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

const CLR_SCHEMA: &str = include_str!("../../schemas/1edtech/clr_v2p0_clrcredential_schema.json");
const OB_SCHEMA: &str = include_str!("../../schemas/1edtech/ob_v3p0_achievementcredential_schema.json");

/// Which schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// CLR 2.0 ClrCredential.
    ClrCredential,
    /// OB 3.0 AchievementCredential.
    AchievementCredential,
}

fn validator(schema: Schema) -> &'static Validator {
    static CLR: OnceLock<Validator> = OnceLock::new();
    static OB: OnceLock<Validator> = OnceLock::new();
    let (cell, text) = match schema {
        Schema::ClrCredential => (&CLR, CLR_SCHEMA),
        Schema::AchievementCredential => (&OB, OB_SCHEMA),
    };
    cell.get_or_init(|| {
        let json: Value = serde_json::from_str(text).expect("embedded schema is JSON");
        jsonschema::options().should_validate_formats(true).build(&json).expect("embedded schema compiles")
    })
}

/// Every schema violation of `doc`, as "JSON pointer: message" (empty when valid).
pub fn schema_errors(doc: &Value, schema: Schema) -> Vec<String> {
    validator(schema).iter_errors(doc).map(|e| format!("{}: {}", e.instance_path(), e)).collect()
}

/// Checks a CLR and every credential nested in it; returns all violations, each
/// prefixed by where it is (`clr` or `verifiableCredential/N`).
pub fn clr_errors(clr: &Value) -> Vec<String> {
    let mut errors: Vec<String> =
        schema_errors(clr, Schema::ClrCredential).into_iter().map(|e| format!("clr{e}")).collect();
    let nested = clr.pointer("/credentialSubject/verifiableCredential").and_then(Value::as_array);
    for (i, vc) in nested.into_iter().flatten().enumerate() {
        errors.extend(
            schema_errors(vc, Schema::AchievementCredential)
                .into_iter()
                .map(|e| format!("verifiableCredential/{i}{e}")),
        );
    }
    errors
}
