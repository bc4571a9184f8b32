//! Progress display for a fetch: an indicatif bar on a terminal, a plain line every few seconds
//! otherwise (logs, CI), nothing when quiet. The crawler creates one [`Task`] per phase
//! ("votes", "transactions", …) and bumps it from any task or thread.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// indicatif bars on stderr.
    Bar,
    /// A plain line per task at most every interval, and one when it finishes.
    Lines,
    /// Nothing.
    Quiet,
}

impl ProgressMode {
    /// `Quiet` when asked, `Bar` when stderr is a terminal, `Lines` otherwise.
    pub fn detect(quiet: bool) -> ProgressMode {
        if quiet {
            ProgressMode::Quiet
        } else if std::io::stderr().is_terminal() {
            ProgressMode::Bar
        } else {
            ProgressMode::Lines
        }
    }
}

type Sink = Arc<Mutex<Box<dyn Write + Send>>>;

/// The progress display of one fetch.
#[derive(Clone)]
pub struct Progress {
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Bar(MultiProgress),
    Lines { sink: Sink, interval: Duration },
    Quiet,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mode = match self.kind {
            Kind::Bar(_) => "bar",
            Kind::Lines { .. } => "lines",
            Kind::Quiet => "quiet",
        };
        f.debug_struct("Progress").field("mode", &mode).finish()
    }
}

impl Progress {
    /// Progress on stderr in `mode`; lines at most every 5 seconds.
    pub fn new(mode: ProgressMode) -> Progress {
        let kind = match mode {
            ProgressMode::Bar => {
                Kind::Bar(MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
            }
            ProgressMode::Lines => Kind::Lines {
                sink: Arc::new(Mutex::new(Box::new(std::io::stderr()))),
                interval: Duration::from_secs(5),
            },
            ProgressMode::Quiet => Kind::Quiet,
        };
        Progress { kind }
    }

    /// Plain progress lines written to `sink` at most every `interval` per task.
    pub fn lines_to(sink: impl Write + Send + 'static, interval: Duration) -> Progress {
        Progress {
            kind: Kind::Lines {
                sink: Arc::new(Mutex::new(Box::new(sink))),
                interval,
            },
        }
    }

    /// Starts a task named `name` with `total` units if known.
    pub fn task(&self, name: &str, total: Option<u64>) -> Task {
        let display = match &self.kind {
            Kind::Bar(multi) => {
                let bar = match total {
                    Some(n) => ProgressBar::new(n).with_style(
                        ProgressStyle::with_template(
                            "{prefix:>14} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                    ),
                    None => ProgressBar::new_spinner(),
                };
                bar.set_prefix(name.to_string());
                Display::Bar(multi.add(bar))
            }
            Kind::Lines { sink, interval } => Display::Lines {
                sink: sink.clone(),
                interval: *interval,
                last: Mutex::new(Instant::now()),
            },
            Kind::Quiet => Display::Quiet,
        };
        Task {
            inner: Arc::new(TaskInner {
                name: name.to_string(),
                done: AtomicU64::new(0),
                total: AtomicU64::new(total.unwrap_or(u64::MAX)),
                started: Instant::now(),
                display,
            }),
        }
    }
}

/// One phase of the fetch. Clones share the counter.
#[derive(Clone)]
pub struct Task {
    inner: Arc<TaskInner>,
}

struct TaskInner {
    name: String,
    done: AtomicU64,
    /// `u64::MAX` when unknown.
    total: AtomicU64,
    started: Instant,
    display: Display,
}

enum Display {
    Bar(ProgressBar),
    Lines {
        sink: Sink,
        interval: Duration,
        last: Mutex<Instant>,
    },
    Quiet,
}

impl Task {
    /// Adds `n` units done.
    pub fn inc(&self, n: u64) {
        let done = self.inner.done.fetch_add(n, Ordering::Relaxed) + n;
        match &self.inner.display {
            Display::Bar(bar) => bar.inc(n),
            Display::Lines { interval, last, .. } => {
                let due = {
                    let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
                    let due = last.elapsed() >= *interval;
                    if due {
                        *last = Instant::now();
                    }
                    due
                };
                if due {
                    self.line(done, "");
                }
            }
            Display::Quiet => {}
        }
    }

    /// Sets (or corrects) the total once known, e.g. after the first page gives `totalItems`.
    pub fn set_total(&self, total: u64) {
        self.inner.total.store(total, Ordering::Relaxed);
        if let Display::Bar(bar) = &self.inner.display {
            bar.set_length(total);
        }
    }

    /// Units done so far.
    pub fn done(&self) -> u64 {
        self.inner.done.load(Ordering::Relaxed)
    }

    /// Marks the task finished (a final line in `Lines` mode).
    pub fn finish(&self) {
        let done = self.done();
        match &self.inner.display {
            Display::Bar(bar) => bar.finish(),
            Display::Lines { .. } => {
                let secs = self.inner.started.elapsed().as_secs_f64();
                self.line(done, &format!(" done in {secs:.1}s"));
            }
            Display::Quiet => {}
        }
    }

    fn line(&self, done: u64, suffix: &str) {
        let Display::Lines { sink, .. } = &self.inner.display else {
            return;
        };
        let total = self.inner.total.load(Ordering::Relaxed);
        let count = if total == u64::MAX {
            format!("{done}")
        } else {
            format!("{done}/{total}")
        };
        let mut sink = sink.lock().unwrap_or_else(|p| p.into_inner());
        // Progress is best effort: a closed stderr must not fail the fetch.
        let _ = writeln!(sink, "{}: {count}{suffix}", self.inner.name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_mode_prints_counts_and_a_final_line() {
        let out = Shared::default();
        let p = Progress::lines_to(out.clone(), Duration::ZERO);
        let t = p.task("votes", None);
        t.inc(3);
        t.set_total(10);
        t.inc(2);
        t.finish();
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "votes: 3");
        assert_eq!(lines[1], "votes: 5/10");
        assert!(lines[2].starts_with("votes: 5/10 done in "), "{text}");
    }

    #[test]
    fn lines_mode_is_rate_limited_and_quiet_prints_nothing() {
        let out = Shared::default();
        let p = Progress::lines_to(out.clone(), Duration::from_secs(3600));
        let t = p.task("tx", Some(1000));
        for _ in 0..1000 {
            t.inc(1);
        }
        assert!(
            out.0.lock().unwrap().is_empty(),
            "no line before the interval"
        );
        assert_eq!(t.done(), 1000);
        let q = Progress::new(ProgressMode::Quiet).task("tx", Some(1));
        q.inc(1);
        q.finish();
        assert_eq!(q.done(), 1);
    }
}
