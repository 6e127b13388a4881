//! Pagination, rate limiting, determinism and the fault switches of the
//! fake ClickUp.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{Api, start, start_default};
use phiguard_sandbox::{Faults, SandboxConfig, planted_phi};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn task_lists_page_at_100_with_last_page() {
    let sandbox = start_default().await;
    let api = Api::new(&sandbox);
    let list = &sandbox.workspace().front_desk_list.id;

    let mut seen = Vec::new();
    let mut flags = Vec::new();
    for page in 0.. {
        let body = api.get(&format!("/list/{list}/task?page={page}")).await;
        let tasks = body["tasks"].as_array().unwrap();
        seen.extend(tasks.iter().map(|t| t["id"].as_str().unwrap().to_owned()));
        flags.push((tasks.len(), body["last_page"].as_bool().unwrap()));
        if body["last_page"] == json!(true) {
            break;
        }
        assert!(page < 10, "paging does not end");
    }
    assert_eq!(flags, [(100, false), (100, false), (30, true)]);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        230,
        "no task twice"
    );

    let past_end = api.get(&format!("/list/{list}/task?page=9")).await;
    assert_eq!(past_end["tasks"], json!([]));
    assert_eq!(past_end["last_page"], json!(true));

    let reversed = api.get(&format!("/list/{list}/task?reverse=true")).await;
    assert_eq!(
        reversed["tasks"][0]["id"].as_str(),
        seen.last().map(String::as_str)
    );
}

#[tokio::test]
async fn team_tasks_filter_by_space_list_status_and_custom_field() {
    let sandbox = start_default().await;
    let api = Api::new(&sandbox);
    let ws = sandbox.workspace();
    let team = &ws.workspace.id;

    let clinical = api
        .get(&format!(
            "/team/{team}/task?space_ids[]={}",
            ws.clinical_space.id
        ))
        .await;
    let n = clinical["tasks"].as_array().unwrap().len();
    assert_eq!(
        n,
        ws.clinical_tasks.len(),
        "top-level clinical tasks (subtasks excluded)"
    );
    let with_sub = api
        .get(&format!(
            "/team/{team}/task?space_ids[]={}&subtasks=true",
            ws.clinical_space.id
        ))
        .await;
    assert_eq!(
        with_sub["tasks"].as_array().unwrap().len(),
        n + ws.intake_tasks.len()
    );

    let intake_only = api
        .get(&format!(
            "/team/{team}/task?list_ids[]={}",
            ws.intake_list.id
        ))
        .await;
    assert_eq!(intake_only["tasks"].as_array().unwrap().len(), 6);

    let children = api
        .get(&format!(
            "/team/{team}/task?parent={}",
            ws.intake_tasks[0].id
        ))
        .await;
    assert_eq!(children["tasks"].as_array().unwrap().len(), 1);

    // Custom field filter: tasks of one visit type, by option id.
    let fields = api.get(&format!("/list/{}/field", ws.intake_list.id)).await;
    let visit = fields["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == json!("Visit type"))
        .unwrap()
        .clone();
    let new_patient = visit["type_config"]["options"][0]["id"].as_str().unwrap();
    let filter =
        json!([{"field_id": visit["id"], "operator": "=", "value": new_patient}]).to_string();
    let url = format!(
        "/list/{}/task?custom_fields={}",
        ws.intake_list.id,
        urlencode(&filter)
    );
    let filtered = api.get(&url).await;
    assert_eq!(
        filtered["tasks"].as_array().unwrap().len(),
        6,
        "every intake task is a new patient visit"
    );
    let url = format!(
        "/list/{}/task?custom_fields={}",
        ws.referrals_list.id,
        urlencode(&filter)
    );
    assert_eq!(api.get(&url).await["tasks"], json!([]));
    let bad = api
        .call(
            Method::GET,
            &format!("/list/{}/task?custom_fields=%5Bnope", ws.intake_list.id),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // Closed tasks are left out unless asked for.
    let maintenance = &ws.maintenance_list.id;
    let open = api.get(&format!("/list/{maintenance}/task")).await["tasks"]
        .as_array()
        .unwrap()
        .len();
    let all = api
        .get(&format!("/list/{maintenance}/task?include_closed=true"))
        .await["tasks"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!((open, all), (4, 6));
    let done = api
        .get(&format!("/list/{maintenance}/task?statuses[]=complete"))
        .await;
    assert_eq!(done["tasks"].as_array().unwrap().len(), 2);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn comments_page_at_25_with_start_and_start_id() {
    let sandbox = start_default().await;
    let api = Api::new(&sandbox);
    let task = &sandbox.workspace().intake_tasks[1].id;
    let seeded = api.get(&format!("/task/{task}/comment")).await["comments"]
        .as_array()
        .unwrap()
        .len();
    for i in 0..60 {
        api.post(
            &format!("/task/{task}/comment"),
            json!({"comment_text": format!("note {i}")}),
        )
        .await;
    }

    let mut all: Vec<Value> = Vec::new();
    let mut path = format!("/task/{task}/comment");
    loop {
        let page = api.get(&path).await["comments"].as_array().unwrap().clone();
        assert!(page.len() <= 25);
        let Some(last) = page.last().cloned() else {
            break;
        };
        all.extend(page);
        path = format!(
            "/task/{task}/comment?start={}&start_id={}",
            last["date"].as_str().unwrap(),
            last["id"].as_str().unwrap()
        );
    }
    assert_eq!(all.len(), 60 + seeded);
    assert_eq!(all[0]["comment_text"], json!("note 59"), "newest first");
    let dates: Vec<i64> = all
        .iter()
        .map(|c| c["date"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(
        all.iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect::<HashSet<_>>()
            .len(),
        all.len()
    );
}

#[tokio::test]
async fn the_budget_is_enforced_with_429_and_rate_headers() {
    let sandbox = start(SandboxConfig::default().rate_limit(5, Duration::from_secs(60))).await;
    let api = Api::new(&sandbox);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();

    let mut remaining = Vec::new();
    for _ in 0..5 {
        let answer = api.call(Method::GET, "/user", None).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.header("x-ratelimit-limit").as_deref(), Some("5"));
        remaining.push(answer.header("x-ratelimit-remaining").unwrap());
    }
    assert_eq!(remaining, ["4", "3", "2", "1", "0"]);

    let limited = api.call(Method::GET, "/user", None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        limited.header("x-ratelimit-remaining").as_deref(),
        Some("0")
    );
    let reset: u64 = limited
        .header("x-ratelimit-reset")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        reset > now && reset <= now + 61,
        "reset {reset} is within the minute after {now}"
    );
    assert!(limited.json()["err"].is_string());

    // A write past the budget changes nothing.
    let list = &sandbox.workspace().intake_list.id;
    let refused = api
        .call(
            Method::POST,
            &format!("/list/{list}/task"),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    sandbox.set_rate_limit(1000);
    let tasks = api.get(&format!("/list/{list}/task")).await;
    assert_eq!(tasks["tasks"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn the_rate_window_resets() {
    let sandbox = start(SandboxConfig::default().rate_limit(2, Duration::from_millis(400))).await;
    let api = Api::new(&sandbox);
    for _ in 0..2 {
        assert_eq!(
            api.call(Method::GET, "/user", None).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(
        api.call(Method::GET, "/user", None).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(
        api.call(Method::GET, "/user", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_seed_always_gives_the_same_workspace() {
    let a = start(SandboxConfig::with_seed(42)).await;
    let b = start(SandboxConfig::with_seed(42)).await;
    let c = start(SandboxConfig::with_seed(43)).await;
    assert_eq!(a.workspace(), b.workspace());
    assert_eq!(a.planted_phi(), b.planted_phi());
    assert_eq!(a.clickup_token(), b.clickup_token());
    assert_eq!(
        a.planted_phi(),
        &planted_phi(42),
        "the same without a server"
    );
    assert_ne!(a.workspace().intake_list.id, c.workspace().intake_list.id);
    assert_ne!(a.planted_phi(), c.planted_phi());

    // Same reads, same bytes, including objects created at run time.
    let (api_a, api_b) = (Api::new(&a), Api::new(&b));
    for api in [&api_a, &api_b] {
        let list = &api.sandbox.workspace().intake_list.id;
        api.post(
            &format!("/list/{list}/task"),
            json!({"name": "Run-time task"}),
        )
        .await;
    }
    let list = &a.workspace().intake_list.id;
    let read_a = api_a
        .call(
            Method::GET,
            &format!("/list/{list}/task?subtasks=true"),
            None,
        )
        .await;
    let read_b = api_b
        .call(
            Method::GET,
            &format!("/list/{list}/task?subtasks=true"),
            None,
        )
        .await;
    assert_eq!(read_a.text, read_b.text);
    let task = &a.workspace().intake_tasks[0].id;
    let comments_a = api_a
        .call(Method::GET, &format!("/task/{task}/comment"), None)
        .await;
    let comments_b = api_b
        .call(Method::GET, &format!("/task/{task}/comment"), None)
        .await;
    assert_eq!(comments_a.text, comments_b.text);
}

#[tokio::test]
async fn server_errors_follow_the_share_repeat_for_a_seed_and_change_nothing() {
    let faults = Faults::none().with_server_error_rate(0.3);
    let mut runs = Vec::new();
    for _ in 0..2 {
        let sandbox = start(SandboxConfig::with_seed(5).faults(faults.clone())).await;
        let api = Api::new(&sandbox);
        let mut statuses = Vec::new();
        for _ in 0..120 {
            statuses.push(api.call(Method::GET, "/user", None).await.status.as_u16());
        }
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1], "same seed, same faults");
    let errors = runs[0].iter().filter(|s| **s >= 500).count();
    assert!(
        (15..=60).contains(&errors),
        "{errors} of 120 at a 0.3 share"
    );
    assert!(
        runs[0]
            .iter()
            .all(|s| *s == 200 || [500, 502, 503, 504].contains(s))
    );

    let sandbox =
        start(SandboxConfig::default().faults(Faults::none().with_server_error_rate(1.0))).await;
    let api = Api::new(&sandbox);
    let list = sandbox.workspace().intake_list.id.clone();
    for _ in 0..5 {
        let answer = api
            .call(
                Method::POST,
                &format!("/list/{list}/task"),
                Some(json!({"name": "x"})),
            )
            .await;
        assert!(answer.status.is_server_error());
    }
    sandbox.set_faults(Faults::none());
    let tasks = api.get(&format!("/list/{list}/task")).await;
    assert_eq!(
        tasks["tasks"].as_array().unwrap().len(),
        6,
        "failed writes left nothing behind"
    );
}

#[tokio::test]
async fn malformed_bodies_and_latency() {
    let sandbox =
        start(SandboxConfig::default().faults(Faults::none().with_malformed_rate(1.0))).await;
    let api = Api::new(&sandbox);
    let mut kinds = HashSet::new();
    for _ in 0..12 {
        let answer = api.call(Method::GET, "/team", None).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(
            serde_json::from_str::<Value>(&answer.text).is_err(),
            "body must be unusable"
        );
        kinds.insert(answer.header("content-type").unwrap_or_default());
    }
    assert!(
        kinds.iter().any(|k| k.contains("html")) && kinds.iter().any(|k| k.contains("json")),
        "{kinds:?}"
    );

    sandbox.set_faults(Faults::none().with_latency(Duration::from_millis(150)));
    let started = Instant::now();
    assert_eq!(
        api.call(Method::GET, "/user", None).await.status,
        StatusCode::OK
    );
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "the delay is applied"
    );
}
