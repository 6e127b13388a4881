//! What the sandbox costs a test: generating the workspace, starting the
//! fakes, and one round trip to each of them.

#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use phiguard_sandbox::{AiService, DEFAULT_SEED, Sandbox, SandboxConfig, planted_phi};
use serde_json::json;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");

    c.bench_function("generate_workspace", |b| {
        b.iter(|| planted_phi(DEFAULT_SEED))
    });

    let mut group = c.benchmark_group("start");
    group.sample_size(20);
    group.bench_function("sandbox_start", |b| {
        b.iter(|| {
            rt.block_on(Sandbox::start(SandboxConfig::default()))
                .expect("starts")
        })
    });
    group.finish();

    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .expect("starts");
    let http = reqwest::Client::new();
    let base = sandbox.clickup_base_url();
    let token = sandbox.clickup_token().to_owned();
    let task = sandbox.workspace().intake_tasks[0].id.clone();
    let front_desk = sandbox.workspace().front_desk_list.id.clone();
    let get = |path: String| {
        let request = http
            .get(format!("{base}/v2{path}"))
            .header("Authorization", token.as_str());
        async move {
            request
                .send()
                .await
                .expect("answers")
                .bytes()
                .await
                .expect("body")
        }
    };

    c.bench_function("clickup_get_task", |b| {
        b.iter(|| rt.block_on(get(format!("/task/{task}"))))
    });
    c.bench_function("clickup_task_page_of_100", |b| {
        b.iter(|| rt.block_on(get(format!("/list/{front_desk}/task?page=0"))))
    });

    let openai = sandbox.ai_base_url(AiService::OpenAi);
    let body = json!({"model": "m", "messages": [{"role": "user",
        "content": "Seen today. Patient [[NAME_1]] is better. Plan unchanged. Call [[PHONE_1]]."}]});
    c.bench_function("ai_chat_completion", |b| {
        b.iter(|| {
            rt.block_on(async {
                http.post(format!("{openai}/chat/completions"))
                    .bearer_auth("k")
                    .json(&body)
                    .send()
                    .await
                    .expect("answers")
                    .bytes()
                    .await
                    .expect("body")
            })
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
