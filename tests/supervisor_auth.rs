//! The supervisor page with `[auth]` over real HTTP on a real server: without a token the page
//! is a login form and its data and event stream answer 401; a token without the `read` scope
//! gets 403; a `read` token (as a bearer header, or as the cookie that `?token=` and the login
//! form set, the way a browser's `EventSource` sends it) sees its own tenants' conversations
//! and signals only; `/metrics` stays open.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{Server, customer};
use rapport::auth::{hash_token, to_hex};
use rapport::proto;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const ACME_DESK: &str = "acme desk/7f3a;9c"; // characters a cookie cannot carry as they are
const GLOBEX_DESK: &str = "globex-desk-51b2e0";
const ACME_BOT: &str = "acme-bot-c4d8aa";

fn token(token: &str, tenants: &str, scopes: &str) -> String {
    format!(
        "[[auth.tokens]]\nsha256 = \"{}\"\ntenants = {tenants}\nscopes = {scopes}\n",
        to_hex(&hash_token(token))
    )
}

/// One HTTP/1.1 request; the status code, the headers (lower-case names) and the body.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_lowercase(), v.to_string()))
        .collect();
    (status, headers, body.to_string())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn bearer(token: &str) -> Vec<(&'static str, String)> {
    vec![("Authorization", format!("Bearer {token}"))]
}

/// The conversation ids a `/supervisor/api/conversations` body lists.
fn ids(body: &str) -> Vec<String> {
    let rows: serde_json::Value = serde_json::from_str(body).unwrap();
    let rows = rows
        .as_array()
        .or_else(|| rows["conversations"].as_array())
        .expect("rows");
    let mut ids: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["tenant"].as_str().or(r["tenant_id"].as_str()).unwrap(),
                r["id"].as_str().or(r["conversation_id"].as_str()).unwrap()
            )
        })
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_read_token_sees_its_tenants_only_and_no_token_sees_nothing() {
    let config = [
        token(ACME_DESK, r#"["acme"]"#, r#"["read"]"#),
        token(GLOBEX_DESK, r#"["globex"]"#, r#"["read"]"#),
        token(ACME_BOT, r#"["*"]"#, r#"["converse"]"#),
    ]
    .concat();
    let server = Server::start_with(toml::from_str(&config).unwrap()).await;
    let admin = server.admin().await;
    let mut stream = server.converse_as(Some(ACME_BOT)).await.unwrap();
    for tenant in ["acme", "globex"] {
        let turn = proto::Turn {
            tenant_id: tenant.into(),
            ..customer(&format!("{tenant}-1"), "1", "where is my parcel?")
        };
        stream.say(turn).await;
    }

    // No token: a login form, and no data.
    let (status, headers, body) = http(admin, "GET", "/supervisor", &[], "").await;
    assert_eq!(status, 401);
    assert_eq!(header(&headers, "www-authenticate"), Some("Bearer"));
    assert!(body.contains("action=\"/supervisor/login\"") && !body.contains("app.js"));
    for path in [
        "/supervisor/api/conversations",
        "/supervisor/events",
        "/supervisor/api/conversation?tenant=acme&id=acme-1",
    ] {
        let (status, _, body) = http(admin, "GET", path, &[], "").await;
        assert_eq!(status, 401, "{path}");
        assert!(!body.contains("acme-1"), "{path}");
    }
    let (status, _, _) = http(
        admin,
        "GET",
        "/supervisor/api/conversations",
        &bearer("nope"),
        "",
    )
    .await;
    assert_eq!(status, 401, "unknown token");
    let (status, _, _) = http(
        admin,
        "GET",
        "/supervisor/api/conversations",
        &bearer(ACME_BOT),
        "",
    )
    .await;
    assert_eq!(status, 403, "no read scope");
    let (status, _, body) = http(admin, "GET", "/metrics", &[], "").await;
    assert_eq!(status, 200, "/metrics stays open");
    assert!(body.contains("rapport_turns_total"));

    // A bearer token: its tenant's conversations only, and no other tenant's detail.
    let (status, _, body) = http(
        admin,
        "GET",
        "/supervisor/api/conversations",
        &bearer(GLOBEX_DESK),
        "",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&body), ["globex/globex-1"]);
    let (status, _, _) = http(
        admin,
        "GET",
        "/supervisor/api/conversation?tenant=acme&id=acme-1",
        &bearer(GLOBEX_DESK),
        "",
    )
    .await;
    assert_eq!(
        status, 404,
        "another tenant's conversation does not exist for this token"
    );
    let (status, _, _) = http(
        admin,
        "GET",
        "/supervisor/api/conversations?tenants=acme",
        &bearer(GLOBEX_DESK),
        "",
    )
    .await;
    assert_eq!(status, 200);

    // The browser flow: ?token= sets the cookie (and leaves the address bar), the page loads
    // with it, and the event stream the page opens carries it.
    let login = format!(
        "/supervisor?token={}",
        ACME_DESK
            .replace(' ', "%20")
            .replace('/', "%2F")
            .replace(';', "%3B")
    );
    let (status, headers, _) = http(admin, "GET", &login, &[], "").await;
    assert_eq!(status, 303);
    assert_eq!(header(&headers, "location"), Some("/supervisor"));
    let set_cookie = header(&headers, "set-cookie")
        .expect("a cookie")
        .to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let cookie = vec![("Cookie", set_cookie.split(';').next().unwrap().to_string())];
    let (status, _, body) = http(admin, "GET", "/supervisor", &cookie, "").await;
    assert_eq!(status, 200);
    assert!(body.contains("app.js"));
    let (_, _, body) = http(admin, "GET", "/supervisor/api/conversations", &cookie, "").await;
    assert_eq!(ids(&body), ["acme/acme-1"]);
    // The login form posts the token and gets the same cookie.
    let form = format!(
        "token={}",
        ACME_DESK
            .replace(' ', "+")
            .replace('/', "%2F")
            .replace(';', "%3B")
    );
    let form_headers = vec![(
        "Content-Type",
        "application/x-www-form-urlencoded".to_string(),
    )];
    let (status, headers, _) = http(admin, "POST", "/supervisor/login", &form_headers, &form).await;
    assert_eq!(status, 303);
    assert_eq!(header(&headers, "set-cookie"), Some(set_cookie.as_str()));
    let (status, _, _) = http(
        admin,
        "POST",
        "/supervisor/login",
        &form_headers,
        "token=wrong",
    )
    .await;
    assert_eq!(status, 401);

    // The event stream with the cookie: the first snapshot holds acme's conversation only,
    // then a signal of acme's arrives and none of globex's.
    let mut events = tokio::net::TcpStream::connect(admin).await.unwrap();
    let request = format!(
        "GET /supervisor/events HTTP/1.1\r\nHost: localhost\r\nCookie: {}\r\n\r\n",
        cookie[0].1
    );
    events.write_all(request.as_bytes()).await.unwrap();
    let mut events = BufReader::new(events);
    let mut next_event = async || -> (String, String) {
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            assert!(
                events.read_line(&mut line).await.unwrap() > 0,
                "the stream ended"
            );
            let line = line.trim_end();
            if let Some(n) = line.strip_prefix("event: ").or(line.strip_prefix("event:")) {
                name = n.trim().to_string();
            } else if let Some(d) = line.strip_prefix("data: ").or(line.strip_prefix("data:")) {
                data.push_str(d.trim());
            } else if line.is_empty() && !name.is_empty() {
                return (name, data);
            }
        }
    };
    let deadline = Duration::from_secs(30);
    let (name, data) = tokio::time::timeout(deadline, next_event()).await.unwrap();
    assert_eq!(name, "snapshot");
    assert_eq!(ids(&data), ["acme/acme-1"]);
    for tenant in ["globex", "acme"] {
        let turn = proto::Turn {
            tenant_id: tenant.into(),
            ..customer(
                &format!("{tenant}-1"),
                "2",
                "let me talk to a human agent now",
            )
        };
        let response = stream.say(turn).await;
        assert!(
            !response.signals.is_empty(),
            "{tenant}: an explicit request escalates"
        );
    }
    let signal = tokio::time::timeout(deadline, async {
        loop {
            let (name, data) = next_event().await;
            if name == "signal" {
                return data;
            }
            assert_eq!(ids(&data), ["acme/acme-1"], "snapshots stay acme's");
        }
    })
    .await
    .unwrap();
    assert!(
        signal.contains("acme-1") && !signal.contains("globex"),
        "{signal}"
    );
    server.shutdown.cancel();
}
