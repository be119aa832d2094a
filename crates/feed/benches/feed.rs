//! map + validate + write, items per second on one core (criterion). `cargo bench -p productsynch-feed`.
//!
//! Measured in CPU time of the benchmark thread (`CLOCK_THREAD_CPUTIME_ID`), not wall time: on a shared,
//! loaded machine the wall clock also counts the time other processes hold the core, while the thread's CPU
//! time is what one core spends on the work. Set `FEED_BENCH_WALL=1` for wall time.

use std::hint::black_box;

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, };
use flate2::write::GzEncoder;
use productsynch_feed::io::{FeedWriter, Format};
use productsynch_feed::record::*;
use productsynch_feed::{FeedValidator, MapContext, Profile, ValidateOptions, map_record};


/// CPU time of the calling thread.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Criterion measurement: the benchmark thread's CPU time (formatted like wall time).
struct CpuTime;

impl Measurement for CpuTime {
    type Intermediate = Duration;
    type Value = Duration;
    fn start(&self) -> Duration {
        thread_cpu_time()
    }
    fn end(&self, i: Duration) -> Duration {
        thread_cpu_time().saturating_sub(i)
    }
    fn add(&self, v1: &Duration, v2: &Duration) -> Duration {
        *v1 + *v2
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WallTime.formatter()
    }
}

#[path = "common/fixture.rs"]
mod fixture;
use fixture::{records, shop};

fn run(recs: &[CatalogRecord], ctx: &MapContext, gzip: bool, format: Format) -> u64 {
    let mut v = FeedValidator::without_duplicate_check(ValidateOptions::new(Profile::OpenAi));
    let sink: Box<dyn std::io::Write + Send> =
        if gzip { Box::new(GzEncoder::new(Vec::with_capacity(1 << 20), flate2::Compression::fast())) } else { Box::new(std::io::sink()) };
    let mut w = FeedWriter::new(sink, format, Profile::OpenAi).unwrap();
    let mut n = 0;
    for r in recs {
        for item in map_record(r, ctx).items {
            let issues = v.check(&item);
            if !issues.iter().any(|i| i.is_error()) {
                w.write(&item).unwrap();
                n += 1;
            }
        }
    }
    black_box(w.finish().unwrap());
    n
}

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let ctx = MapContext::new_now(shop()).unwrap();
    let recs = records(2_000);
    let items = run(&recs, &ctx, false, Format::Jsonl);
    assert_eq!(items, 1400 + 600 * 3);
    let mut g = c.benchmark_group("feed");
    g.throughput(Throughput::Elements(items));
    g.sample_size(20);
    g.bench_function("map+validate+jsonl.gz", |b| b.iter(|| run(&recs, &ctx, true, Format::Jsonl)));
    g.bench_function("map+validate+jsonl", |b| b.iter(|| run(&recs, &ctx, false, Format::Jsonl)));
    g.bench_function("map+validate+csv.gz", |b| b.iter(|| run(&recs, &ctx, true, Format::Csv)));
    g.bench_function("map+validate", |b| {
        b.iter(|| {
            let mut v = FeedValidator::without_duplicate_check(ValidateOptions::new(Profile::OpenAi));
            let mut n = 0usize;
            for r in &recs {
                for item in map_record(r, &ctx).items {
                    n += v.check(&item).len();
                }
            }
            black_box(n)
        })
    });
    // the stages alone (where the time goes)
    g.bench_function("stage:map", |b| b.iter(|| recs.iter().map(|r| map_record(r, &ctx).items.len()).sum::<usize>()));
    let items: Vec<_> = recs.iter().flat_map(|r| map_record(r, &ctx).items).collect();
    g.bench_function("stage:validate", |b| {
        b.iter(|| {
            let mut v = FeedValidator::without_duplicate_check(ValidateOptions::new(Profile::OpenAi));
            items.iter().map(|i| v.check(i).len()).sum::<usize>()
        })
    });
    let write = |gzip: bool| {
        let sink: Box<dyn std::io::Write + Send> =
            if gzip { Box::new(GzEncoder::new(Vec::with_capacity(1 << 20), flate2::Compression::fast())) } else { Box::new(std::io::sink()) };
        let mut w = FeedWriter::new(sink, Format::Jsonl, Profile::OpenAi).unwrap();
        for i in &items {
            w.write(i).unwrap();
        }
        black_box(w.finish().unwrap());
    };
    g.bench_function("stage:jsonl", |b| b.iter(|| write(false)));
    g.bench_function("stage:jsonl.gz", |b| b.iter(|| write(true)));
    g.finish();
}

fn main() {
    if std::env::var_os("FEED_BENCH_WALL").is_some() {
        let mut c = Criterion::default().configure_from_args();
        bench(&mut c);
        c.final_summary();
    } else {
        let mut c = Criterion::default().with_measurement(CpuTime).configure_from_args();
        bench(&mut c);
        c.final_summary();
    }
}
