//! Extraction throughput per stage (sentences, dates, actors, quotes) and whole, in MB/s, on a
//! generated corpus (`entente generate`, so the text is the same on every machine) and on the
//! seed articles. `cargo bench --bench extract`.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use entente::extract::{Extractor, Input, StageBench};
use entente::ingest;
use entente::reference::Reference;

/// Cleaned articles with their publication dates.
fn corpus(reference: &Reference) -> Vec<(String, Option<chrono::NaiveDate>)> {
    let dir = tempfile::tempdir().expect("tempdir");
    entente::generate::generate(reference, 300, 42, dir.path()).expect("generate");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let (files, _) = ingest::discover(&[dir.path().to_path_buf(), seeds]);
    files
        .iter()
        .filter_map(|f| ingest::read(f).ok())
        .map(|doc| {
            let published = doc.published();
            (doc.cleaned.text, published)
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let reference = Reference::builtin().expect("reference");
    let extractor = Extractor::new(&reference);
    let articles = corpus(&reference);
    let bytes: usize = articles.iter().map(|(t, _)| t.len()).sum();
    let prepared: Vec<StageBench<'_>> =
        articles.iter().map(|(text, published)| StageBench::new(&extractor, text, *published)).collect();

    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("sentences", |b| b.iter(|| prepared.iter().map(StageBench::sentences).sum::<usize>()));
    group.bench_function("dates", |b| b.iter(|| prepared.iter().map(StageBench::dates).sum::<usize>()));
    group.bench_function("actors", |b| b.iter(|| prepared.iter().map(StageBench::actors).sum::<usize>()));
    group.bench_function("quotes", |b| b.iter(|| prepared.iter().map(StageBench::quotes).sum::<usize>()));
    group.bench_function("all stages", |b| {
        b.iter(|| {
            articles
                .iter()
                .map(|(text, published)| {
                    extractor.extract(Input { text, published: *published, title: None }).quotes.len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
