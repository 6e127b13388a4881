//! Per-request overhead of the client against a bare reqwest call to the
//! same local mock server, and memory while streaming 10,000 tasks.
//!
//! Run: `cargo bench -p phiguard-clickup --bench client_overhead`.
//! Before criterion's groups it prints two figures:
//! - `memory:` the peak resident set growth while streaming 10,000 tasks
//!   (100 pages) through the item stream. It resets the kernel's peak
//!   counter (`/proc/self/clear_refs`) first; Linux only. The mock server
//!   runs in the same process, so its buffers count too: an upper bound.
//! - `overhead ratio:` time of one labelled `client.task(..)` call over
//!   one bare reqwest GET + `serde_json::Value` parse of the same body,
//!   interleaved (so load from elsewhere hits both alike), after a
//!   warm-up; by median and by mean.
//!
//! `CLICKUP_BENCH_COLLECT=1` makes the memory figure keep all 10,000 tasks
//! instead of streaming them, for contrast (run it as a separate process:
//! the kernel's peak counter cannot see memory the allocator kept).

use std::time::{Duration, Instant};

use criterion::Criterion;
use futures::TryStreamExt;
use phiguard_clickup::{ClickUpClient, Credentials, LabelSchema, RetryPolicy, TaskQuery};
use serde_json::json;
use tokio::runtime::Runtime;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pk_bench_token";
const TASKS: usize = 10_000;
const PER_PAGE: usize = 100;

fn task(id: usize) -> serde_json::Value {
    json!({
        "id": format!("t{id}"),
        "custom_id": null,
        "name": format!("Follow up with patient {id} about lab results"),
        "text_content": "Call back, confirm appointment, review results with the care team.",
        "description": "Call back, confirm appointment, review results with the care team.",
        "status": {"id": "p1", "status": "to do", "color": "#d3d3d3", "orderindex": 0, "type": "open"},
        "orderindex": "1.00000000000000000000000000000000",
        "date_created": "1700000000000", "date_updated": "1700000000000",
        "date_closed": null, "date_done": null, "archived": false,
        "creator": {"id": 183, "username": "Nurse Lead", "color": "#827718", "email": "lead@example.test", "profilePicture": null},
        "assignees": [{"id": 2772463, "username": "Nurse A", "color": "#FC575E", "initials": "NA", "email": "a@example.test", "profilePicture": null}],
        "watchers": [], "checklists": [],
        "tags": [{"name": "follow-up", "tag_fg": "#000", "tag_bg": "#fff", "creator": 183}],
        "parent": null, "top_level_parent": null,
        "priority": {"color": "#f8ae00", "id": "3", "orderindex": "3", "priority": "normal"},
        "due_date": "1700600000000", "start_date": null, "points": null,
        "time_estimate": null, "time_spent": 0,
        "custom_fields": [
            {"id": "f-mrn", "name": "MRN", "type": "short_text", "type_config": {}, "date_created": "1621915186877",
             "hide_from_guests": false, "value": format!("MRN-{id:08}"), "required": false},
            {"id": "f-sev", "name": "Severity", "type": "drop_down", "date_created": "1621915186877",
             "type_config": {"options": [{"id": "o0", "name": "Low", "orderindex": 0}, {"id": "o1", "name": "High", "orderindex": 1}]},
             "value": 1, "required": false}
        ],
        "dependencies": [], "linked_tasks": [], "locations": [],
        "team_id": "9001", "url": format!("https://app.clickup.com/t/t{id}"),
        "permission_level": "create",
        "list": {"id": "901", "name": "Follow-ups", "access": true},
        "project": {"id": "456", "name": "Care", "hidden": false, "access": true},
        "folder": {"id": "456", "name": "Care", "hidden": false, "access": true},
        "space": {"id": "100"}
    })
}

fn labels() -> LabelSchema {
    LabelSchema::from_toml_str(
        r#"
        unlisted_places = "no_phi"
        [[place]]
        kind = "space"
        id = "100"
        phi = true
        [[field]]
        name = "MRN"
        category = "medical_record_number"
        "#,
    )
    .expect("bench schema parses")
}

fn client(server: &MockServer) -> ClickUpClient {
    ClickUpClient::builder(Credentials::personal(TOKEN))
        .base_url(format!("{}/api", server.uri()))
        .test_mode()
        .allow_test_host("127.0.0.1")
        .labels(labels())
        .retry(RetryPolicy::none())
        .build()
        .expect("bench client builds")
}

async fn start_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/task/t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(task(1)))
        .mount(&server)
        .await;
    for page in 0..TASKS / PER_PAGE {
        let tasks: Vec<_> = (0..PER_PAGE).map(|i| task(page * PER_PAGE + i)).collect();
        let last = page + 1 == TASKS / PER_PAGE;
        Mock::given(method("GET"))
            .and(path("/api/v2/list/901/task"))
            .and(query_param("page", page.to_string().as_str()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"tasks": tasks, "last_page": last})),
            )
            .mount(&server)
            .await;
    }
    server
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn bare_get(http: &reqwest::Client, url: &str) -> serde_json::Value {
    let body = http
        .get(url)
        .header("authorization", TOKEN)
        .send()
        .await
        .expect("bare request")
        .bytes()
        .await
        .expect("bare body");
    serde_json::from_slice(&body).expect("bare parse")
}

fn memory_figure(rt: &Runtime, server: &MockServer) {
    let client = client(server);
    // Warm the connection and the allocator once.
    rt.block_on(async {
        client
            .tasks_page(&"901".into(), &TaskQuery::new(), 0)
            .await
            .unwrap()
    });

    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kib("VmHWM:");
    let started = Instant::now();
    // For contrast, `CLICKUP_BENCH_COLLECT=1` keeps every task instead.
    let collect = std::env::var_os("CLICKUP_BENCH_COLLECT").is_some();
    let count = rt.block_on(async {
        let mut stream = client.tasks(&"901".into(), &TaskQuery::new());
        let mut kept = Vec::new();
        let mut count = 0usize;
        let mut sealed = 0usize;
        while let Some(task) = stream.try_next().await.expect("stream") {
            count += 1;
            sealed += usize::from(task.name.is_phi());
            if collect {
                kept.push(task);
            }
        }
        assert_eq!(sealed, count, "every task in the PHI space arrives sealed");
        count
    });
    let mode = if collect { "collected" } else { "streamed" };
    let elapsed = started.elapsed();
    let after = status_kib("VmHWM:");
    match (reset, before, after) {
        (true, Some(before), Some(after)) => println!(
            "memory: {mode} {count} tasks in {elapsed:?}; peak RSS {before} KiB -> {after} KiB (+{} KiB)",
            after.saturating_sub(before)
        ),
        _ => {
            println!("memory: streamed {count} tasks in {elapsed:?}; peak RSS not measurable here")
        }
    }
}

fn overhead_ratio(rt: &Runtime, server: &MockServer) {
    let client = client(server);
    let http = reqwest::Client::new();
    // The same reqwest settings the client uses, to tell configuration
    // cost (per-request timer, no redirects) from the client's own work.
    let configured = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("configured reqwest");
    let url = format!("{}/api/v2/task/t1", server.uri());
    let rounds: usize = 2_000;
    let (bare, same, ours) = rt.block_on(async {
        for _ in 0..200 {
            bare_get(&http, &url).await;
            bare_get(&configured, &url).await;
            client.task("t1", &Default::default()).await.unwrap();
        }
        let mut bare = Vec::with_capacity(rounds);
        let mut same = Vec::with_capacity(rounds);
        let mut ours = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let t = Instant::now();
            bare_get(&http, &url).await;
            bare.push(t.elapsed());
            let t = Instant::now();
            bare_get(&configured, &url).await;
            same.push(t.elapsed());
            let t = Instant::now();
            client.task("t1", &Default::default()).await.unwrap();
            ours.push(t.elapsed());
        }
        (bare, same, ours)
    });
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let mean = |v: &[Duration]| v.iter().sum::<Duration>() / v.len() as u32;
    let (bare_mean, same_mean, ours_mean) = (mean(&bare), mean(&same), mean(&ours));
    let (bare_median, same_median, ours_median) = (median(bare), median(same), median(ours));
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "overhead ratio: client/bare = {:.3} by median ({ours_median:?} vs {bare_median:?}), \
         {:.3} by mean ({ours_mean:?} vs {bare_mean:?}), {rounds} interleaved rounds",
        ratio(ours_median, bare_median),
        ratio(ours_mean, bare_mean),
    );
    println!(
        "overhead ratio vs reqwest with the client's settings: {:.3} by median ({same_median:?}), \
         {:.3} by mean ({same_mean:?})",
        ratio(ours_median, same_median),
        ratio(ours_mean, same_mean),
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt.block_on(start_server());

    memory_figure(&rt, &server);
    overhead_ratio(&rt, &server);

    let mut criterion = Criterion::default().configure_from_args();
    let client = client(&server);
    let http = reqwest::Client::new();
    let url = format!("{}/api/v2/task/t1", server.uri());
    let mut group = criterion.benchmark_group("get_task");
    group.bench_function("bare_reqwest", |b| {
        b.to_async(&rt).iter(|| bare_get(&http, &url))
    });
    group.bench_function("phiguard_client", |b| {
        b.to_async(&rt)
            .iter(|| async { client.task("t1", &Default::default()).await.unwrap() })
    });
    group.finish();

    // Where the time goes: parsing one task body, typed and labelled, or
    // into a plain JSON tree.
    let body = serde_json::to_vec(&task(1)).expect("task body");
    let schema = labels();
    let mut group = criterion.benchmark_group("decode_task");
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(&body).unwrap())
    });
    group.bench_function("typed_and_labelled", |b| {
        b.iter(|| {
            let mut task: phiguard_clickup::models::Task =
                phiguard_clickup::decode_response(&body).unwrap();
            schema.label_task(&mut task);
            task
        })
    });
    group.finish();

    let mut group = criterion.benchmark_group("stream");
    group.sample_size(10);
    group.bench_function("10k_tasks", |b| {
        b.to_async(&rt).iter(|| async {
            let tasks = client.tasks(&"901".into(), &TaskQuery::new());
            tasks
                .try_fold(0usize, |n, _| async move { Ok(n + 1) })
                .await
                .unwrap()
        })
    });
    group.finish();
    criterion.final_summary();
}
