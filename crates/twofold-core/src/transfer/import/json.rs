//! Reading the JSON that other apps write: loose field types taken per entry (a number written
//! as a string, a `null` for "unset"), and parse errors told without echoing the file's content,
//! since that content holds secrets.

use serde_json::Value;

use super::{not_format, Format};
use crate::Error;

/// A text field: a string (trimmed), or a number written where text was meant; `None` when
/// missing, `null`, empty or of another type.
pub(super) fn string(v: &Option<Value>) -> Option<String> {
    v.as_ref().and_then(text_of)
}

fn text_of(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// A whole-number field, as a JSON number or a string of digits; `None` when missing or
/// `null`. Anything else is the entry's reason to be skipped, naming the field `what`.
pub(super) fn number<T: TryFrom<u64>>(
    v: &Option<Value>,
    what: &str,
) -> std::result::Result<Option<T>, String> {
    let n = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(_) => None,
    };
    n.and_then(|n| T::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| format!("its {what} is not a whole number in range"))
}

/// The strings of a list field (other items are dropped); empty when missing.
pub(super) fn strings(v: &Option<Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(text_of).collect(),
        _ => Vec::new(),
    }
}

/// A file of `format` whose JSON did not parse. serde_json's own message can quote a value from
/// the file, so only the kind of failure and where it is are told.
pub(super) fn error(format: Format, e: &serde_json::Error) -> Error {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Syntax => "it is not valid JSON",
        Category::Eof => "it is cut short",
        Category::Data => "its JSON is not laid out as expected",
        Category::Io => "it could not be read",
    };
    not_format(
        format,
        format!("{what} (line {}, column {})", e.line(), e.column()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn loose_fields_are_read_and_bad_ones_named() {
        assert_eq!(string(&Some(json!(" ACME "))), Some("ACME".into()));
        assert_eq!(string(&Some(json!(42))), Some("42".into()));
        assert_eq!(string(&Some(json!(""))), None);
        assert_eq!(string(&Some(Value::Null)), None);
        assert_eq!(number::<u32>(&Some(json!(8)), "digits"), Ok(Some(8)));
        assert_eq!(number::<u32>(&Some(json!("8")), "digits"), Ok(Some(8)));
        assert_eq!(number::<u32>(&None, "digits"), Ok(None));
        assert_eq!(number::<u32>(&Some(Value::Null), "digits"), Ok(None));
        for bad in [
            json!(-1),
            json!(1.5),
            json!("six"),
            json!([6]),
            json!(1u64 << 40),
        ] {
            let e = number::<u32>(&Some(bad), "digits").unwrap_err();
            assert!(e.contains("digits"), "{e}");
        }
        assert_eq!(strings(&Some(json!(["a", 1, null, ""]))), ["a", "1"]);
        assert!(strings(&Some(json!("a"))).is_empty());
    }

    #[test]
    fn a_parse_error_does_not_quote_the_file() {
        let e = serde_json::from_str::<Vec<u32>>(r#"["JBSWY3DPEHPK3PXP"]"#).unwrap_err();
        let msg = error(Format::UriList, &e).to_string();
        assert!(!msg.contains("JBSW"), "{msg}");
        assert!(msg.contains("line 1"), "{msg}");
    }
}
