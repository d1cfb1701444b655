//! Multi-row statements in a few fixed shapes: inserts and `IN (…)` reads of many rows.

/// Chunk sizes of multi-row statements: powers of two up to 64. A statement then comes in at
/// most seven shapes per table, so the per-connection prepared-statement cache stays small and
/// hot instead of holding one statement per batch size, and `n` rows below 128 take at most
/// seven statements (one per set bit of `n`), three on average.
const CHUNK_SIZES: [usize; 7] = [64, 32, 16, 8, 4, 2, 1];
/// Splits `n` rows into chunks of the [`CHUNK_SIZES`], largest first.
pub fn fixed_chunks(n: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for size in CHUNK_SIZES {
        while n - start >= size {
            ranges.push(start..start + size);
            start += size;
        }
    }
    ranges
}

/// Inserts rows with multi-row statements in fixed chunk sizes.
pub async fn insert_rows<A>(
    db: &impl sea_orm::ConnectionTrait,
    rows: Vec<A>,
) -> Result<(), sea_orm::DbErr>
where
    A: sea_orm::ActiveModelTrait + Clone + Send,
{
    for range in fixed_chunks(rows.len()) {
        // Without RETURNING: nothing is read back, so no row crosses the driver's thread boundary.
        <A::Entity as sea_orm::EntityTrait>::insert_many(rows[range].to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Rows whose `column` is one of `values`, queried in the same fixed chunk sizes.
pub async fn find_where_in<E, V>(
    db: &impl sea_orm::ConnectionTrait,
    column: E::Column,
    values: &[V],
) -> Result<Vec<E::Model>, sea_orm::DbErr>
where
    E: sea_orm::EntityTrait,
    V: Into<sea_orm::Value> + Clone,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut rows = Vec::with_capacity(values.len());
    for range in fixed_chunks(values.len()) {
        rows.extend(
            E::find()
                .filter(column.is_in(values[range].to_vec()))
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::{CHUNK_SIZES, fixed_chunks};

    #[test]
    fn chunks_cover_every_row_once_in_few_shapes() {
        for n in 0..=300 {
            let ranges = fixed_chunks(n);
            let mut next = 0;
            for r in &ranges {
                assert_eq!(r.start, next);
                assert!(CHUNK_SIZES.contains(&r.len()));
                next = r.end;
            }
            assert_eq!(next, n);
        }
        assert!(fixed_chunks(0).is_empty());
        for (n, sizes) in [
            (69, &[64, 4, 1][..]),
            (30, &[16, 8, 4, 2]),
            (127, &[64, 32, 16, 8, 4, 2, 1]),
            (130, &[64, 64, 2]),
        ] {
            let got: Vec<usize> = fixed_chunks(n).iter().map(|r| r.len()).collect();
            assert_eq!(got, sizes, "{n} rows");
        }
    }
}
