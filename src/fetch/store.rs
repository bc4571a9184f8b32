//! The single task that owns the [`BundleWriter`] during a fetch: every other task sends it
//! messages over a channel, so bundle writes (and their fsyncs) stay on one blocking thread and
//! never contend, whatever the request concurrency.

use tokio::sync::{mpsc, oneshot};

use std::collections::HashSet;

use crate::bundle::{BundleError, BundleWriter, Disagreement, Gap, Record};
use crate::protocol::hash::Hash32;

use super::http::Response;

/// One request to the writer task.
enum Msg {
    Put(String, Response),
    Append(String, Response),
    Gap(Gap),
    Disagreement(Box<Disagreement>),
    /// Drops stale gaps of these kinds (a resumed run re-checks them).
    ForgetGaps(Vec<&'static str>),
    Has(Vec<String>, oneshot::Sender<Vec<bool>>),
    Stored(
        String,
        HashSet<String>,
        oneshot::Sender<Result<Vec<Record>, BundleError>>,
    ),
    Meta(Box<dyn FnOnce(&mut crate::bundle::BundleMeta) + Send>),
    Gaps(oneshot::Sender<Vec<Gap>>),
    Finish(oneshot::Sender<Result<Hash32, BundleError>>),
}

/// A handle to the writer task; cheap to clone.
#[derive(Clone)]
pub(crate) struct Store {
    tx: mpsc::Sender<Msg>,
}

/// The writer task's join handle: yields the first write error, if any.
pub(crate) type StoreTask = tokio::task::JoinHandle<Result<(), BundleError>>;

/// Starts the writer task. Dropping every [`Store`] without [`Store::finish`] stops it and leaves
/// the bundle unfinished (resumable); open segments are flushed when the writer drops.
pub(crate) fn spawn(writer: BundleWriter) -> (Store, StoreTask) {
    let (tx, mut rx) = mpsc::channel::<Msg>(1024);
    let task = tokio::task::spawn_blocking(move || {
        let mut writer = Some(writer);
        while let Some(msg) = rx.blocking_recv() {
            let Some(w) = writer.as_mut() else { break };
            match msg {
                Msg::Put(path, r) => w.put_file(&path, r.capture())?,
                Msg::Append(stream, r) => {
                    w.append_record(&stream, r.capture())?;
                }
                Msg::Gap(g) => w.record_gap(g.kind, g.message)?,
                Msg::Disagreement(d) => w.record_disagreement(*d)?,
                Msg::ForgetGaps(kinds) => w.retain_gaps(|g| !kinds.contains(&g.kind.as_str())),
                Msg::Has(urls, reply) => {
                    let _ = reply.send(urls.iter().map(|u| w.has(u)).collect());
                }
                Msg::Stored(stream, urls, reply) => {
                    let _ = reply.send(w.stored_records(&stream, &urls));
                }
                Msg::Meta(f) => f(w.meta_mut()),
                Msg::Gaps(reply) => {
                    let _ = reply.send(w.gaps().to_vec());
                }
                Msg::Finish(reply) => {
                    if let Some(w) = writer.take() {
                        let _ = reply.send(w.finish());
                    }
                }
            }
        }
        Ok(())
    });
    (Store { tx }, task)
}

/// The writer task has stopped (a write failed); the task's result says why.
#[derive(Debug)]
pub(crate) struct Stopped;

impl Store {
    async fn send(&self, msg: Msg) -> Result<(), Stopped> {
        self.tx.send(msg).await.map_err(|_| Stopped)
    }

    /// Stores `r` as the singleton file `path`.
    pub async fn put(&self, path: impl Into<String>, r: Response) -> Result<(), Stopped> {
        self.send(Msg::Put(path.into(), r)).await
    }

    /// Appends `r` to `stream` (ignored when its URL is already stored).
    pub async fn append(&self, stream: &str, r: Response) -> Result<(), Stopped> {
        self.send(Msg::Append(stream.to_string(), r)).await
    }

    pub async fn gap(&self, kind: &str, message: String) -> Result<(), Stopped> {
        self.send(Msg::Gap(Gap {
            kind: kind.to_string(),
            message,
        }))
        .await
    }

    pub async fn disagreement(&self, d: Disagreement) -> Result<(), Stopped> {
        self.send(Msg::Disagreement(Box::new(d))).await
    }

    pub async fn forget_gaps(&self, kinds: Vec<&'static str>) -> Result<(), Stopped> {
        self.send(Msg::ForgetGaps(kinds)).await
    }

    /// Which of `urls` are already stored.
    pub async fn has(&self, urls: Vec<String>) -> Result<Vec<bool>, Stopped> {
        let (reply, rx) = oneshot::channel();
        self.send(Msg::Has(urls, reply)).await?;
        rx.await.map_err(|_| Stopped)
    }

    /// The records of `stream` an earlier run stored under any of `urls`.
    pub async fn stored(
        &self,
        stream: &str,
        urls: HashSet<String>,
    ) -> Result<Result<Vec<Record>, BundleError>, Stopped> {
        let (reply, rx) = oneshot::channel();
        self.send(Msg::Stored(stream.to_string(), urls, reply))
            .await?;
        rx.await.map_err(|_| Stopped)
    }

    pub async fn meta(
        &self,
        f: impl FnOnce(&mut crate::bundle::BundleMeta) + Send + 'static,
    ) -> Result<(), Stopped> {
        self.send(Msg::Meta(Box::new(f))).await
    }

    pub async fn gaps(&self) -> Result<Vec<Gap>, Stopped> {
        let (reply, rx) = oneshot::channel();
        self.send(Msg::Gaps(reply)).await?;
        rx.await.map_err(|_| Stopped)
    }

    /// Seals everything and stamps `fetchEnd`; returns the manifest sha256.
    pub async fn finish(&self) -> Result<Result<Hash32, BundleError>, Stopped> {
        let (reply, rx) = oneshot::channel();
        self.send(Msg::Finish(reply)).await?;
        rx.await.map_err(|_| Stopped)
    }
}
