//! CSV exports (Bitwarden, Proton Pass), read by their header's column names.

use super::{not_format, Format};
use crate::Result;

/// A CSV export's header and rows. Rows may be longer or shorter than the header; blank lines
/// are skipped and fields trimmed. A damaged file names only the position of the damage, never
/// a field's content (which may be a secret).
pub(crate) struct Table {
    header: Vec<String>,
    /// The rows, in file order.
    pub rows: Vec<csv::StringRecord>,
}

impl Table {
    /// Reads the whole CSV text of a `format` export.
    pub fn read(text: &str, format: Format) -> Result<Table> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|_| not_format(format, "its CSV header cannot be read"))?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| not_format(format, format!("its CSV is damaged ({e})")))?;
        Ok(Table { header, rows })
    }

    /// The position of the column named `name`.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The number of columns the header names.
    pub fn width(&self) -> usize {
        self.header.len()
    }
}
