//! A fake GOV.UK Notify on the loopback address: it checks every request's token as Notify
//! does (HS256 with the key's secret, `iss` the service id, `iat` within 30 seconds), records
//! the messages it accepts, answers with the statuses a test queues, and serves received texts.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const SERVICE_ID: &str = "26785a09-ab16-4eb0-8407-a37497a57506";
pub const SECRET: &str = "3d844edf-8d35-48ac-975b-e847b4f122b0";
pub const SMS_TEMPLATE: &str = "f33517ff-2a88-4f6e-b855-c550268ce08a";

/// The API key the service is given.
pub fn api_key() -> String {
    format!("crt-test-{SERVICE_ID}-{SECRET}")
}

#[derive(Default)]
struct Inner {
    /// Statuses to answer the next sends with; 201 once empty.
    script: VecDeque<u16>,
    /// Every send tried (path and body), accepted or not.
    attempts: Vec<(String, Value)>,
    /// Sends answered 201.
    accepted: Vec<(String, Value)>,
    /// Requests whose token Notify would have refused: method, target and why.
    bad_tokens: Vec<String>,
    /// Texts the service's number has received.
    received: Vec<Value>,
}

/// A running fake; it stops with the test process.
#[derive(Clone)]
pub struct FakeNotify {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl FakeNotify {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Mutex::new(Inner::default()));
        let shared = inner.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &shared);
                });
            }
        });
        FakeNotify { url, inner }
    }

    /// Answers the next sends with these statuses, in order.
    pub fn answer_with(&self, statuses: &[u16]) {
        self.inner.lock().unwrap().script.extend(statuses);
    }

    /// Adds a text to what the service's number has received.
    pub fn receive_text(&self, from: &str, content: &str) {
        let mut inner = self.inner.lock().unwrap();
        let id = uuid::Uuid::new_v4().to_string();
        inner.received.push(json!({
            "id": id,
            "user_number": from,
            "notify_number": "07700900000",
            "created_at": "2026-12-01T10:00:00.000000Z",
            "service_id": SERVICE_ID,
            "content": content,
        }));
    }

    pub fn accepted(&self) -> Vec<(String, Value)> {
        self.inner.lock().unwrap().accepted.clone()
    }

    pub fn attempts(&self) -> usize {
        self.inner.lock().unwrap().attempts.len()
    }

    pub fn bad_tokens(&self) -> Vec<String> {
        self.inner.lock().unwrap().bad_tokens.clone()
    }
}

#[derive(serde::Deserialize)]
struct Claims {
    iss: String,
    iat: i64,
}

/// Why Notify would refuse this token, if it would.
fn token_problem(authorization: Option<&str>) -> Option<String> {
    let Some(token) = authorization.and_then(|h| h.strip_prefix("Bearer ")) else {
        return Some("no bearer token".into());
    };
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let key = jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes()).unwrap();
    match jsonwebtoken::decode::<Claims>(token.trim(), &key, &validation) {
        Err(e) => Some(format!("signature: {e}")),
        Ok(data) if data.claims.iss != SERVICE_ID => Some("iss is not the service id".into()),
        Ok(data) if (chrono::Utc::now().timestamp() - data.claims.iat).abs() > 30 => {
            Some("iat is not within 30 seconds".into())
        }
        Ok(_) => None,
    }
}

fn serve(stream: TcpStream, shared: &Arc<Mutex<Inner>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let mut parts = request_line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or_default().to_string(),
            parts.next().unwrap_or_default().to_string(),
        );
        let mut length = 0;
        let mut authorization = None;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "authorization" => authorization = Some(value.trim().to_string()),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let (status, reply) = answer(shared, &method, &target, authorization.as_deref(), &body);
        let reply = reply.to_string();
        write!(
            writer,
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{reply}",
            reply.len()
        )?;
        writer.flush()?;
    }
}

fn answer(
    shared: &Arc<Mutex<Inner>>,
    method: &str,
    target: &str,
    authorization: Option<&str>,
    body: &[u8],
) -> (u16, Value) {
    let mut inner = shared.lock().unwrap();
    if let Some(problem) = token_problem(authorization) {
        inner
            .bad_tokens
            .push(format!("{method} {target}: {problem}"));
        return (
            403,
            json!({"errors": [{"error": "AuthError", "message": problem}]}),
        );
    }
    match (method, target.split('?').next().unwrap_or_default()) {
        ("POST", path @ ("/v2/notifications/sms" | "/v2/notifications/email")) => {
            let sent: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            inner.attempts.push((path.to_string(), sent.clone()));
            let status = inner.script.pop_front().unwrap_or(201);
            if status == 201 {
                inner.accepted.push((path.to_string(), sent));
                (201, json!({"id": uuid::Uuid::new_v4().to_string()}))
            } else {
                (
                    status,
                    json!({"errors": [{"error": "Scripted", "message": "scripted failure"}]}),
                )
            }
        }
        ("GET", "/v2/received-text-messages") => {
            // One text a page, newest first, each page pointing at the next as Notify does.
            let older_than = target.split("older_than=").nth(1).map(str::to_string);
            let mut texts: Vec<Value> = inner.received.iter().rev().cloned().collect();
            if let Some(older) = older_than {
                let at = texts.iter().position(|t| t["id"] == older.as_str());
                texts = at.map(|i| texts[i + 1..].to_vec()).unwrap_or_default();
            }
            let page: Vec<Value> = texts.iter().take(1).cloned().collect();
            let next = page.first().filter(|_| texts.len() > 1).map(|t| {
                format!(
                    "/v2/received-text-messages?older_than={}",
                    t["id"].as_str().unwrap()
                )
            });
            (
                200,
                json!({"received_text_messages": page, "links": {"current": target, "next": next}}),
            )
        }
        _ => (404, json!({"errors": [{"error": "NotFound"}]})),
    }
}
