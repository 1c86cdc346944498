//! Native benchmarks of the pure core: context selection with cached counts against the
//! tutorial's trim loop (which recounts the whole history after every removal), SSE
//! parsing throughput, and token counting throughput on mixed text.

// The benchmarks measure native code; the wasm32 target (checked by clippy) gets an
// empty program.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;

    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
    use mnemo::core::conversation::{Conversation, ConversationId};
    use mnemo::core::memory::{select_context, Budget, MemoryStrategy};
    use mnemo::core::message::{Message, MessageId, MessageStatus, Role};
    use mnemo::core::openai::stream::ReplyDecoder;
    use mnemo::core::tokens::{message_tokens, Encoding, TokenCache};

    const SENTENCES: &[&str] = &[
        "The quick brown fox jumps over the lazy dog.",
        "Mnemo counts every token exactly, on your device.",
        "Los modelos de lenguaje leen tokens, no palabras.",
        "東京の天気は晴れです。明日は雨が降るでしょう。",
        "مرحبا بك في مينمو، المساعد الذي يتذكر.",
        "fn main() { println!(\"{}\", 1 + 2); } // code too",
        "Emoji 👩‍👩‍👧‍👦 and flags 🇺🇦 🇯🇵 take several tokens.",
    ];

    fn conversation(n: usize) -> Conversation {
        let mut c = Conversation::new(ConversationId("bench".into()), 0.0);
        for i in 0..n {
            let text = format!(
                "{} {}",
                SENTENCES[i % SENTENCES.len()],
                SENTENCES[(i * 3 + 1) % SENTENCES.len()]
            );
            let mut m = Message::user(MessageId(i.to_string()), text, i as f64);
            if i % 2 == 1 {
                m.role = Role::Assistant;
                m.status = MessageStatus::Complete;
            }
            c.push(m);
        }
        c
    }

    fn budget() -> Budget {
        Budget {
            context_budget: 4_000,
            model_window: 128_000,
            reply_reserve: 1_024,
        }
    }

    /// The tutorial's approach: drop the oldest message while the whole history, recounted
    /// from scratch with the tokenizer, is over the budget.
    fn tutorial_trim(bpe: &tiktoken_rs::CoreBPE, messages: &[Message], limit: u32) -> usize {
        let mut history: Vec<&Message> = messages.iter().collect();
        let count = |h: &[&Message]| -> u32 {
            h.iter()
                .map(|m| message_tokens(bpe.encode_ordinary(&m.content).len() as u32, None))
                .sum::<u32>()
                + 3
        };
        while history.len() > 1 && count(&history) > limit {
            history.remove(0);
        }
        history.len()
    }

    fn context_selection(c: &mut Criterion) {
        let bpe = tiktoken_rs::o200k_base().expect("o200k loads");
        let mut group = c.benchmark_group("context selection");
        group.sample_size(10);
        for n in [300, 10_000] {
            let conv = conversation(n);
            let mut cache = TokenCache::default();
            for m in &conv.messages {
                cache.insert(
                    &m.content,
                    Encoding::O200kBase,
                    bpe.encode_ordinary(&m.content).len() as u32,
                );
            }
            group.bench_with_input(
                BenchmarkId::new("select_context, cached counts", n),
                &conv,
                |b, conv| {
                    b.iter(|| {
                        let plan = select_context(
                            conv,
                            "You are a helpful assistant.",
                            MemoryStrategy::SlidingWindow,
                            budget(),
                            |t| cache.count_or_estimate(t, Encoding::O200kBase).0,
                        );
                        black_box(plan.total)
                    })
                },
            );
            if n <= 300 {
                group.bench_with_input(
                    BenchmarkId::new("tutorial trim loop, recounting", n),
                    &conv,
                    |b, conv| {
                        b.iter(|| black_box(tutorial_trim(&bpe, &conv.messages, budget().limit())))
                    },
                );
            }
        }
        group.finish();
    }

    fn sse_parsing(c: &mut Criterion) {
        let mut body = String::new();
        for i in 0..20_000 {
            body.push_str(&format!(
                "data: {{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"word{i} \"}}}}]}}\n\n"
            ));
        }
        body.push_str("data: [DONE]\n\n");
        let bytes = body.into_bytes();
        let mut group = c.benchmark_group("sse parsing");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("20,000 chunks fed in 1 KB pieces", |b| {
            b.iter(|| {
                let mut decoder = ReplyDecoder::new();
                let mut events = 0;
                for piece in bytes.chunks(1024) {
                    events += decoder.feed(piece).len();
                }
                black_box(events)
            })
        });
        group.finish();
    }

    fn token_counting(c: &mut Criterion) {
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 1_000_000 {
            text.push_str(SENTENCES[i % SENTENCES.len()]);
            text.push(if i % 5 == 0 { '\n' } else { ' ' });
            i += 1;
        }
        let mut group = c.benchmark_group("token counting");
        group.sample_size(10);
        group.throughput(Throughput::Bytes(text.len() as u64));
        for (name, bpe) in [
            ("o200k_base", tiktoken_rs::o200k_base()),
            ("cl100k_base", tiktoken_rs::cl100k_base()),
        ] {
            let bpe = bpe.expect("encoding loads");
            group.bench_function(format!("1 MB mixed text, {name}"), |b| {
                b.iter(|| black_box(bpe.encode_ordinary(&text).len()))
            });
        }
        let repeated = "a".repeat(100_000);
        let bpe = tiktoken_rs::o200k_base().expect("o200k loads");
        group.throughput(Throughput::Bytes(repeated.len() as u64));
        group.bench_function("100,000 × \"a\", o200k_base", |b| {
            b.iter(|| black_box(bpe.encode_ordinary(&repeated).len()))
        });
        group.finish();
    }

    /// A 20 KB reply of the kind a model writes: headings, lists, a table, code, links.
    fn markdown_reply() -> String {
        let section = "## A section\n\nSome **bold** and _italic_ text with `inline code`, a \
             [link](https://example.com) and ~~a strike~~. Café, naïve, 日本語 🙂.\n\n\
             - a point\n- [x] a done task\n- another point with `code`\n\n\
             | column | value |\n| --- | ---: |\n| one | 1 |\n| two | 2 |\n\n\
             ```rust\nfn main() {\n    println!(\"hello\");\n}\n```\n\n\
             > A quote, with <b>raw html</b> shown as text.\n\n";
        let mut reply = String::new();
        while reply.len() < 20_000 {
            reply.push_str(section);
        }
        reply
    }

    fn markdown_rendering(c: &mut Criterion) {
        let reply = markdown_reply();
        let mut group = c.benchmark_group("markdown");
        group.throughput(Throughput::Bytes(reply.len() as u64));
        group.bench_function("render a 20 KB reply", |b| {
            b.iter(|| black_box(mnemo::core::markdown::render(&reply).len()))
        });
        group.finish();
    }

    criterion_group!(
        benches,
        context_selection,
        sse_parsing,
        token_counting,
        markdown_rendering
    );
}
