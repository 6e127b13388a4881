//! The fake AI vendors: both wire formats, streaming, recording, and the
//! recording directory set through the environment.

mod common;

use common::{start, start_default};
use phiguard_sandbox::{
    AiService, AiWireFormat, Faults, RECORD_ENV, SandboxConfig, extractive_summary,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

const NOTE: &str = "Patient [[NAME_1]] seen for follow-up. Reports better sleep. \
    Plan: continue therapy. Call [[PHONE_1]] with results.";

fn chat_body(stream: bool) -> Value {
    json!({
        "model": "gpt-4o-mini",
        "stream": stream,
        "messages": [
            {"role": "system", "content": "Summarize for a clinician."},
            {"role": "user", "content": NOTE},
        ],
    })
}

fn anthropic_body(stream: bool) -> Value {
    json!({
        "model": "claude-sonnet",
        "max_tokens": 256,
        "stream": stream,
        "system": "Summarize for a clinician.",
        "messages": [{"role": "user", "content": [{"type": "text", "text": NOTE}]}],
    })
}

/// The `data:` payloads of an SSE body, in order.
fn sse_data(body: &str) -> Vec<String> {
    body.split("\n\n")
        .filter_map(|event| event.lines().find_map(|l| l.strip_prefix("data: ")))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn chat_completions_answer_plain_and_azure_paths() {
    let sandbox = start_default().await;
    let http = reqwest::Client::new();
    let expected = extractive_summary(NOTE);
    assert!(expected.contains("[[NAME_1]]") && expected.contains("[[PHONE_1]]"));

    let openai = sandbox.ai_base_url(AiService::OpenAi);
    let answer: Value = http
        .post(format!("{openai}/chat/completions"))
        .bearer_auth("sk-sandbox")
        .json(&chat_body(false))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["object"], json!("chat.completion"));
    assert_eq!(answer["model"], json!("gpt-4o-mini"));
    assert_eq!(answer["choices"][0]["message"]["content"], json!(expected));
    assert_eq!(answer["choices"][0]["finish_reason"], json!("stop"));
    assert!(answer["usage"]["prompt_tokens"].as_u64().unwrap() > 0);

    let azure = sandbox.ai_base_url(AiService::AzureOpenAi);
    let response = http
        .post(format!(
            "{azure}openai/deployments/notes-gpt4o/chat/completions?api-version=2024-06-01"
        ))
        .header("api-key", "azure-sandbox")
        .json(&json!({"messages": [{"role": "user", "content": NOTE}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(
        answer["model"],
        json!("notes-gpt4o"),
        "the deployment names the model"
    );
    assert_eq!(answer["choices"][0]["message"]["content"], json!(expected));

    let recorded = sandbox.ai_requests();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].service_id, "openai-api");
    assert_eq!(recorded[0].format, Some(AiWireFormat::ChatCompletions));
    assert_eq!(recorded[1].service_id, "azure-openai-chat");
    assert_eq!(
        recorded[1].path,
        "/openai/deployments/notes-gpt4o/chat/completions"
    );
    assert!(recorded[0].body_text().contains("[[NAME_1]]"));
    assert_eq!(recorded[0].body_json(), Some(chat_body(false)));
    let debug = format!("{:?}", recorded[0]);
    assert!(
        !debug.contains("NAME_1"),
        "Debug leaves the body out: {debug}"
    );
}

#[tokio::test]
async fn chat_completions_stream_rebuilds_the_same_answer() {
    let sandbox = start_default().await;
    let base = sandbox.ai_base_url(AiService::Mistral);
    let response = reqwest::Client::new()
        .post(format!("{base}/chat/completions"))
        .bearer_auth("mistral-key")
        .json(&chat_body(true))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let body = response.text().await.unwrap();
    let data = sse_data(&body);
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"));
    let mut text = String::new();
    let mut finish = None;
    for d in &data[..data.len() - 1] {
        let chunk: Value = serde_json::from_str(d).unwrap();
        assert_eq!(chunk["object"], json!("chat.completion.chunk"));
        if let Some(piece) = chunk["choices"][0]["delta"]["content"].as_str() {
            text.push_str(piece);
        }
        if let Some(f) = chunk["choices"][0]["finish_reason"].as_str() {
            finish = Some(f.to_owned());
        }
    }
    assert!(data.len() > 4, "the answer comes in several chunks");
    assert_eq!(text, extractive_summary(NOTE));
    assert_eq!(finish.as_deref(), Some("stop"));
    let recorded = sandbox.ai_requests();
    assert_eq!(recorded[0].service_id, "mistral-chat");
    assert!(recorded[0].stream);

    // With `stream_options.include_usage`, a last chunk carries the usage.
    let mut body = chat_body(true);
    body["stream_options"] = json!({"include_usage": true});
    let text = reqwest::Client::new()
        .post(format!("{base}/chat/completions"))
        .bearer_auth("mistral-key")
        .json(&body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let data = sse_data(&text);
    let usage: Value = serde_json::from_str(&data[data.len() - 2]).unwrap();
    assert_eq!(usage["choices"], json!([]));
    assert!(usage["usage"]["total_tokens"].as_u64().unwrap() > 0);
    assert!(
        !data[..data.len() - 2]
            .iter()
            .any(|d| d.contains("\"usage\""))
    );
}

#[tokio::test]
async fn anthropic_messages_plain_and_streamed() {
    let sandbox = start_default().await;
    let base = sandbox.ai_base_url(AiService::Anthropic);
    let http = reqwest::Client::new();
    let expected = extractive_summary(NOTE);

    let answer: Value = http
        .post(format!("{base}v1/messages"))
        .header("x-api-key", "sk-ant-sandbox")
        .header("anthropic-version", "2023-06-01")
        .json(&anthropic_body(false))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["type"], json!("message"));
    assert_eq!(answer["content"][0]["text"], json!(expected));
    assert_eq!(answer["stop_reason"], json!("end_turn"));

    let body = http
        .post(format!("{base}v1/messages"))
        .header("x-api-key", "sk-ant-sandbox")
        .json(&anthropic_body(true))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let events: Vec<&str> = body
        .split("\n\n")
        .filter_map(|e| e.lines().find_map(|l| l.strip_prefix("event: ")))
        .collect();
    assert_eq!(events.first(), Some(&"message_start"));
    assert_eq!(events.last(), Some(&"message_stop"));
    assert!(events.contains(&"content_block_delta"));
    let mut text = String::new();
    for d in sse_data(&body) {
        let event: Value = serde_json::from_str(&d).unwrap();
        if event["type"] == json!("content_block_delta") {
            text.push_str(event["delta"]["text"].as_str().unwrap());
        }
    }
    assert_eq!(text, expected);

    let recorded = sandbox.ai_requests();
    assert_eq!(recorded.len(), 2);
    assert!(
        recorded
            .iter()
            .all(|r| r.format == Some(AiWireFormat::AnthropicMessages))
    );
    assert_eq!(
        recorded.iter().map(|r| r.stream).collect::<Vec<_>>(),
        [false, true]
    );
}

#[tokio::test]
async fn bad_requests_get_vendor_errors_and_are_still_recorded() {
    let sandbox = start_default().await;
    let http = reqwest::Client::new();
    let openai = sandbox.ai_base_url(AiService::OpenAi);

    let no_key = http
        .post(format!("{openai}/chat/completions"))
        .json(&chat_body(false))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), StatusCode::UNAUTHORIZED);
    let body: Value = no_key.json().await.unwrap();
    assert!(body["error"]["message"].is_string());

    let broken = http
        .post(format!("{openai}/chat/completions"))
        .bearer_auth("k")
        .body("{\"messages\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);

    let anthropic = sandbox.ai_base_url(AiService::Anthropic);
    let empty = http
        .post(format!("{anthropic}v1/messages"))
        .header("x-api-key", "k")
        .json(&json!({"messages": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    let body: Value = empty.json().await.unwrap();
    assert_eq!(body["type"], json!("error"));

    let unknown = http
        .post(format!("{openai}/embeddings"))
        .bearer_auth("k")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    assert_eq!(
        sandbox.ai_requests().len(),
        4,
        "every request is recorded, refused or not"
    );
    sandbox.clear_recorded();
    assert!(sandbox.ai_requests().is_empty());
}

#[tokio::test]
async fn ai_faults_apply() {
    let sandbox =
        start(SandboxConfig::default().ai_faults(Faults::none().with_server_error_rate(1.0))).await;
    let base = sandbox.ai_base_url(AiService::OpenAi);
    let response = reqwest::Client::new()
        .post(format!("{base}/chat/completions"))
        .bearer_auth("k")
        .json(&chat_body(false))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_server_error());
    sandbox.set_ai_faults(Faults::none().with_malformed_rate(1.0));
    let mut unusable = 0;
    for _ in 0..6 {
        let text = reqwest::Client::new()
            .post(format!("{base}/chat/completions"))
            .bearer_auth("k")
            .json(&chat_body(false))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if serde_json::from_str::<Value>(&text).is_err() {
            unusable += 1;
        }
    }
    assert_eq!(unusable, 6);
}

#[tokio::test]
async fn bodies_are_written_to_the_record_dir() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start(SandboxConfig::default().record_dir(dir.path())).await;
    let base = sandbox.ai_base_url(AiService::AzureOpenAi);
    for _ in 0..2 {
        reqwest::Client::new()
            .post(format!("{base}openai/deployments/d/chat/completions"))
            .header("api-key", "k")
            .json(&chat_body(false))
            .send()
            .await
            .unwrap();
    }
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2);
    assert!(
        files[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with("azure-openai-chat.json")
    );
    let written: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(written, chat_body(false));
}

/// The child half of `the_record_env_var_names_the_directory`: run in a
/// process whose environment names the directory.
#[tokio::test]
#[ignore = "run by the_record_env_var_names_the_directory in a child process"]
async fn child_records_through_the_env_var() {
    let sandbox = start_default().await;
    let base = sandbox.ai_base_url(AiService::Anthropic);
    let response = reqwest::Client::new()
        .post(format!("{base}v1/messages"))
        .header("x-api-key", "k")
        .json(&anthropic_body(false))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[test]
fn the_record_env_var_names_the_directory() {
    // Setting a variable in this process would race other tests, so a
    // child test process gets it instead.
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "child_records_through_the_env_var",
            "--exact",
            "--ignored",
            "--quiet",
        ])
        .env(RECORD_ENV, dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let written: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(written, anthropic_body(false));
}

#[tokio::test]
async fn billing_code_requests_get_a_code_suggestion() {
    let sandbox = start_default().await;
    let base = sandbox.ai_base_url(AiService::Anthropic);
    let answer: Value = reqwest::Client::new()
        .post(format!("{base}v1/messages"))
        .header("x-api-key", "k")
        .json(&json!({
            "model": "claude",
            "max_tokens": 100,
            "system": "Suggest billing codes for a person to review.",
            "messages": [{"role": "user", "content": "Visit type: Telehealth. Billing status: Not billed."}],
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = answer["content"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("Suggested billing codes for review: 99213 with modifier 95"),
        "{text}"
    );
}
