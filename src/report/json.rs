//! report.json: the [`AuditResult`] serialized as pretty JSON, keys in the struct's field order.
//! `schema/report.schema.json` describes this output exactly (the README's "report.json" contract).

use std::path::Path;

use crate::verify::result::AuditResult;

use super::{write_atomic, ReportError};

/// The report as pretty-printed JSON text, ending in a newline.
pub fn to_json_pretty(result: &AuditResult) -> Result<String, ReportError> {
    let mut text = serde_json::to_string_pretty(result).map_err(|source| ReportError::Json {
        what: "report.json",
        source,
    })?;
    text.push('\n');
    Ok(text)
}

/// Writes report.json to `path` (atomically).
pub fn write_json(result: &AuditResult, path: &Path) -> Result<(), ReportError> {
    write_atomic(path, to_json_pretty(result)?.as_bytes())
}
