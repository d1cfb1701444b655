//! Batching: items that arrive together are written as one writer job, so their rows go in with
//! multi-row inserts (intake is the user: `requests::intake::write_batch`). One batch is written
//! at a time; under load the next gathers while the previous one commits. If a batch fails as a
//! whole, each of its items is retried alone, so one bad item cannot sink the others.
//!
//! The batcher knows nothing of what it writes: the write function is given when it starts, so
//! the core can hold a batcher without depending on the capability that fills it.
use futures::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};

use crate::{
    error::{ServiceError, ServiceResult},
    writer::{Tx, Writer},
};

/// Writes a batch in one transaction: one outcome per item, in the items' order. An `Err` as a
/// whole means nothing of the batch was written.
pub type WriteBatch<T, X> =
    for<'a> fn(&'a mut Tx, Vec<T>) -> BoxFuture<'a, ServiceResult<Vec<ServiceResult<X>>>>;

type Item<T, X> = (T, oneshot::Sender<ServiceResult<X>>);

pub struct Batcher<T, X> {
    items: mpsc::Sender<Item<T, X>>,
}

// Derived `Clone` would ask `T: Clone` and `X: Clone`; only the sender is cloned.
impl<T, X> Clone for Batcher<T, X> {
    fn clone(&self) -> Self {
        Self {
            items: self.items.clone(),
        }
    }
}

impl<T, X> Batcher<T, X>
where
    T: Clone + Send + 'static,
    X: Send + 'static,
{
    pub fn start(writer: Writer, max_batch: usize, write_batch: WriteBatch<T, X>) -> Self {
        let max_batch = max_batch.clamp(1, 1000);
        let (items, mut rx) = mpsc::channel::<Item<T, X>>(max_batch * 8);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(max_batch);
            // One batch at a time: what arrives while it commits becomes the next, larger batch.
            // (Two in flight made batches half as big and cost a quarter of the throughput.)
            while rx.recv_many(&mut batch, max_batch).await > 0 {
                write(&writer, write_batch, std::mem::take(&mut batch)).await;
            }
        });
        Self { items }
    }

    /// Queues `item` for the next batch and waits for its outcome.
    pub async fn submit(&self, item: T) -> ServiceResult<X> {
        let (reply, answer) = oneshot::channel();
        self.items
            .send((item, reply))
            .await
            .map_err(|_| ServiceError::Storage("the batcher has stopped".into()))?;
        answer
            .await
            .map_err(|_| ServiceError::Storage("the batcher dropped an item".into()))?
    }
}

async fn write<T, X>(writer: &Writer, write_batch: WriteBatch<T, X>, items: Vec<Item<T, X>>)
where
    T: Clone + Send + 'static,
    X: Send + 'static,
{
    let (batch, replies): (Vec<T>, Vec<_>) = items.into_iter().unzip();
    let whole = batch.clone();
    match writer.run(move |tx| write_batch(tx, whole)).await {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                let _ = reply.send(outcome);
            }
        }
        Err(e) => {
            if batch.len() > 1 {
                tracing::warn!(error = %e, size = batch.len(), "batch failed; retrying one by one");
            }
            for (item, reply) in batch.into_iter().zip(replies) {
                let outcome = writer
                    .run(move |tx| {
                        Box::pin(async move {
                            let mut outcomes = write_batch(tx, vec![item]).await?;
                            outcomes.pop().unwrap_or_else(|| {
                                Err(ServiceError::Storage("batch item not processed".into()))
                            })
                        })
                    })
                    .await;
                let _ = reply.send(outcome);
            }
        }
    }
}
