//! The case list as a workbook, built on a blocking thread in constant memory and streamed
//! out through a bounded channel (a slow client holds the builder back, not memory).
use std::io::Write;

use chrono::{Datelike, NaiveDate};
use futures::Stream;
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook, Worksheet, XlsxError};
use tokio::sync::mpsc;

use crate::core::Core;
use crate::error::{ServiceError, ServiceResult};
use crate::reports::Scope;

use super::pages::Pages;
use super::rows::Row;
use super::rows::Rows;
use super::{Chunk, HEADER, XLSX_MAX_ROWS};

/// Bytes of the zip per chunk sent.
const CHUNK: usize = 64 * 1024;

fn fail(e: XlsxError) -> ServiceError {
    ServiceError::Storage(format!("xlsx: {e}").into())
}

pub(super) fn stream(
    app: Core,
    scope: Scope,
    rows: Rows,
) -> impl Stream<Item = ServiceResult<Chunk>> + Send + 'static {
    let (tx, rx) = mpsc::channel::<ServiceResult<Chunk>>(4);
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        if let Err(e) = build(&handle, app, scope, rows, &tx) {
            // The receiver may be gone (client left); nothing else to tell then.
            let _ = tx.blocking_send(Err(e));
        }
    });
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) })
}

/// Sends the zip on in chunks as rust_xlsxwriter writes it.
struct ChunkWriter<'a> {
    tx: &'a mpsc::Sender<ServiceResult<Chunk>>,
    buf: Vec<u8>,
}

impl ChunkWriter<'_> {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx
            .blocking_send(Ok(Chunk { rows: 0, bytes }))
            .map_err(|_| std::io::Error::other("the client went away"))
    }
}

impl Write for ChunkWriter<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

fn write_row(sheet: &mut Worksheet, r: u32, row: &Row, date: &CellFormat) -> Result<(), XlsxError> {
    sheet.write_string(r, 0, row.reference)?;
    sheet.write_string(r, 1, row.kind)?;
    sheet.write_string(r, 2, row.channel)?;
    sheet.write_string(r, 3, row.unit)?;
    sheet.write_datetime_with_format(r, 4, excel_date(row.received_on)?, date)?;
    sheet.write_datetime_with_format(r, 5, excel_date(row.first_due_on)?, date)?;
    sheet.write_datetime_with_format(r, 6, excel_date(row.due_on)?, date)?;
    if let Some(d) = row.closed_on {
        sheet.write_datetime_with_format(r, 7, excel_date(d)?, date)?;
    }
    sheet.write_string(r, 8, row.status)?;
    if let Some(o) = row.outcome {
        sheet.write_string(r, 9, o)?;
    }
    sheet.write_string(r, 10, if row.extended { "yes" } else { "no" })?;
    if let Some(n) = row.working_days {
        sheet.write_number(r, 11, n as f64)?;
    }
    sheet.write_string(r, 12, row.person)?;
    Ok(())
}

fn build(
    handle: &tokio::runtime::Handle,
    app: Core,
    scope: Scope,
    mut rows: Rows,
    tx: &mpsc::Sender<ServiceResult<Chunk>>,
) -> ServiceResult<()> {
    let mut book = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet_with_constant_memory();
    sheet.set_name("Cases").map_err(fail)?;
    for (c, w) in [16, 12, 10, 28, 12, 12, 12, 12, 18, 18, 9, 12, 18]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(c as u16, w).map_err(fail)?;
    }
    for (c, title) in HEADER.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *title, &bold)
            .map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    let mut pages = Pages::new(scope);
    let mut r: u32 = 1;
    loop {
        let page = handle.block_on(pages.next(&app.db))?;
        for p in &page {
            rows.prepare(p.person_id);
        }
        for p in &page {
            if u64::from(r) > XLSX_MAX_ROWS {
                return Err(ServiceError::invalid(
                    "format",
                    "the list grew past what one XLSX sheet holds; use csv",
                ));
            }
            write_row(sheet, r, &rows.row(p), &date).map_err(fail)?;
            r += 1;
        }
        let progress = Chunk {
            rows: page.len() as u64,
            bytes: Vec::new(),
        };
        if tx.blocking_send(Ok(progress)).is_err() {
            return Ok(());
        }
        if pages.done {
            break;
        }
    }
    let mut out = ChunkWriter {
        tx,
        buf: Vec::with_capacity(CHUNK),
    };
    book.save_to_writer(&mut out).map_err(fail)?;
    out.send()
        .map_err(|e| ServiceError::Storage(format!("xlsx: {e}").into()))
}
