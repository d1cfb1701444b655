//! Intake batching: intakes that arrive together are written as one writer job with multi-row
//! inserts (see `requests::intake::write_batch`). One batch is written at a time; under load the next
//! gathers while the previous one commits. If a batch fails as a whole, each of its intakes is
//! retried alone, so one bad item cannot sink the others.
use tokio::sync::{mpsc, oneshot};

use crate::{
    error::ServiceError,
    requests::intake::{self, IntakeOutcome, Prepared},
    writer::Writer,
};

type Item = (Prepared, oneshot::Sender<IntakeOutcome>);

#[derive(Clone)]
pub struct IntakeBatcher {
    items: mpsc::Sender<Item>,
}

impl IntakeBatcher {
    pub fn start(writer: Writer, max_batch: usize) -> Self {
        let max_batch = max_batch.clamp(1, 1000);
        let (items, mut rx) = mpsc::channel::<Item>(max_batch * 8);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(max_batch);
            // One batch at a time: what arrives while it commits becomes the next, larger batch.
            // (Two in flight made batches half as big and cost a quarter of the throughput.)
            while rx.recv_many(&mut batch, max_batch).await > 0 {
                write(writer.clone(), std::mem::take(&mut batch)).await;
            }
        });
        Self { items }
    }

    pub async fn submit(&self, prepared: Prepared) -> IntakeOutcome {
        let (reply, answer) = oneshot::channel();
        self.items
            .send((prepared, reply))
            .await
            .map_err(|_| ServiceError::Storage("the intake batcher has stopped".into()))?;
        answer
            .await
            .map_err(|_| ServiceError::Storage("the intake batcher dropped a request".into()))?
    }
}

async fn write(writer: Writer, items: Vec<Item>) {
    let (prepared, replies): (Vec<Prepared>, Vec<_>) = items.into_iter().unzip();
    let batch = prepared.clone();
    match writer
        .run(move |tx| Box::pin(intake::write_batch(tx, batch)))
        .await
    {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                let _ = reply.send(outcome);
            }
        }
        Err(e) => {
            if prepared.len() > 1 {
                tracing::warn!(error = %e, size = prepared.len(), "intake batch failed; retrying one by one");
            }
            for (item, reply) in prepared.into_iter().zip(replies) {
                let outcome = writer
                    .run(move |tx| {
                        Box::pin(async move {
                            let mut outcomes = intake::write_batch(tx, vec![item]).await?;
                            outcomes.pop().unwrap_or_else(|| {
                                Err(ServiceError::Storage("intake not processed".into()))
                            })
                        })
                    })
                    .await;
                let _ = reply.send(outcome);
            }
        }
    }
}
