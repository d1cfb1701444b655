//! The summary's tables written as a CSV download or an XLSX workbook.

use crate::error::ServiceResult;

use super::tables::{Cell, SheetTable};

/// The summary as CSV: each table under its name, then its column headings and rows, with a
/// blank line between tables (what a spreadsheet opens as readable blocks).
pub fn to_csv(tables: &[SheetTable], delimiter: crate::reports::Delimiter) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, table) in tables.iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter.byte())
            .flexible(true)
            .from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = w.write_record([crate::reports::csv_cell(&table.name).as_bytes()]);
        let _ = w.write_record(
            table
                .headers
                .iter()
                .map(|h| crate::reports::csv_cell(h).into_owned()),
        );
        for row in &table.rows {
            let _ = w.write_record(
                row.iter()
                    .map(|c| crate::reports::csv_cell(&c.as_text()).into_owned()),
            );
        }
        out.extend(w.into_inner().unwrap_or_default());
    }
    out
}

/// The summary as an XLSX workbook: one sheet per table, figures as numbers.
pub fn to_xlsx(tables: &[SheetTable]) -> ServiceResult<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| {
        crate::error::ServiceError::Storage(format!("xlsx: {e}").into())
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&table.name)).map_err(fail)?;
        sheet.set_column_width(0, 48).map_err(fail)?;
        for (c, heading) in table.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, heading, &bold)
                .map_err(fail)?;
            if c > 0 {
                sheet.set_column_width(c as u16, 16).map_err(fail)?;
            }
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    Cell::Number(n) => sheet.write_number(r, c, *n as f64).map_err(fail)?,
                    Cell::Text(t) => sheet.write_string(r, c, t).map_err(fail)?,
                };
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// A worksheet name: at most 31 characters, none of `[]:*?/\`.
pub(super) fn sheet_name(name: &str) -> String {
    name.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}
