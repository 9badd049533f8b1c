//! Bearer tokens over a real loopback server: no token, an unknown token or the wrong scope is
//! refused; no tenant reads, ends or subscribes to another tenant's conversations; health and
//! reflection stay open; a reload revokes a token on open streams; and a server on a public
//! address without `[auth]` does not start.

mod common;

use std::process::Command;

use common::serve_process::ServeProcess;
use common::{Server, bearer, customer, error_code};
use rapport::auth::{auth_section, hash_token, to_hex};
use rapport::config::Config;
use rapport::proto::{self, converse_response::Outcome, signal_event::Event};
use tonic::Code;

const ACME_BOT: &str = "acme-bot-7f3a9c";
const ACME_DESK: &str = "acme-desk-51b2e0";
const GLOBEX: &str = "globex-all-c4d8aa";
const ROUTER: &str = "router-every-tenant-09e1";

fn token(token: &str, name: &str, tenants: &str, scopes: &str) -> String {
    format!(
        "[[auth.tokens]]\nname = \"{name}\"\nsha256 = \"{}\"\ntenants = {tenants}\nscopes = {scopes}\n",
        to_hex(&hash_token(token))
    )
}

fn auth_toml() -> String {
    [
        token(ACME_BOT, "acme-bot", r#"["acme"]"#, r#"["converse"]"#),
        token(
            ACME_DESK,
            "acme-desk",
            r#"["acme"]"#,
            r#"["read", "subscribe"]"#,
        ),
        token(
            GLOBEX,
            "globex",
            r#"["globex"]"#,
            r#"["converse", "subscribe", "read"]"#,
        ),
        token(ROUTER, "router", r#"["*"]"#, r#"["subscribe"]"#),
    ]
    .concat()
}

async fn server() -> Server {
    Server::start_with(toml::from_str(&auth_toml()).unwrap()).await
}

fn turn(tenant: &str, conversation: &str, turn_id: &str, text: &str) -> proto::Turn {
    proto::Turn {
        tenant_id: tenant.into(),
        ..customer(conversation, turn_id, text)
    }
}

fn get(tenant: &str, conversation: &str) -> proto::GetConversationRequest {
    proto::GetConversationRequest {
        tenant_id: tenant.into(),
        conversation_id: conversation.into(),
    }
}

fn subscribe(tenants: &[&str], from: Option<u64>) -> proto::SubscribeSignalsRequest {
    proto::SubscribeSignalsRequest {
        tenant_ids: tenants.iter().map(|t| t.to_string()).collect(),
        from_sequence: from,
        ..Default::default()
    }
}

fn assess() -> proto::AssessRequest {
    proto::AssessRequest {
        text: "where is my parcel".into(),
        language: String::new(),
    }
}

/// The code of a call that must have failed.
fn code<T>(result: Result<T, tonic::Status>) -> Code {
    result.map(|_| ()).unwrap_err().code()
}

/// The signal of the next event of a subscription.
async fn next_signal(events: &mut tonic::Streaming<proto::SignalEvent>) -> proto::Signal {
    match events.message().await.unwrap().expect("an event").event {
        Some(Event::Signal(signal)) => signal,
        other => panic!("expected a signal, got {other:?}"),
    }
}

#[tokio::test]
async fn calls_without_a_known_bearer_token_are_unauthenticated() {
    let server = server().await;
    let mut client = server.client().await;
    for presented in [None, Some("guessed-token"), Some("")] {
        assert_eq!(
            code(client.assess(bearer(assess(), presented)).await),
            Code::Unauthenticated
        );
        assert_eq!(
            code(
                client
                    .get_conversation(bearer(get("acme", "c"), presented))
                    .await
            ),
            Code::Unauthenticated
        );
        assert_eq!(
            code(
                client
                    .subscribe_signals(bearer(subscribe(&[], None), presented))
                    .await
            ),
            Code::Unauthenticated
        );
        assert_eq!(
            server.converse_as(presented).await.err().unwrap().code(),
            Code::Unauthenticated
        );
    }
    // The token must come as `Bearer <token>`.
    let mut request = tonic::Request::new(assess());
    request
        .metadata_mut()
        .insert("authorization", ACME_BOT.parse().unwrap());
    assert_eq!(
        client.assess(request).await.unwrap_err().code(),
        Code::Unauthenticated
    );
    assert!(
        client
            .assess(bearer(assess(), Some(ACME_BOT)))
            .await
            .is_ok()
    );
    assert!(
        client
            .assess(bearer(assess(), Some(ACME_DESK)))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_token_without_the_scope_is_permission_denied() {
    let server = server().await;
    let mut client = server.client().await;
    // acme-bot may converse, not read or subscribe.
    assert_eq!(
        code(
            client
                .get_conversation(bearer(get("acme", "c"), Some(ACME_BOT)))
                .await
        ),
        Code::PermissionDenied
    );
    assert_eq!(
        code(
            client
                .subscribe_signals(bearer(subscribe(&["acme"], None), Some(ACME_BOT)))
                .await
        ),
        Code::PermissionDenied
    );
    // acme-desk may read and subscribe, not converse.
    assert_eq!(
        server
            .converse_as(Some(ACME_DESK))
            .await
            .err()
            .unwrap()
            .code(),
        Code::PermissionDenied
    );
    // The router may only subscribe: not even Assess.
    assert_eq!(
        code(client.assess(bearer(assess(), Some(ROUTER))).await),
        Code::PermissionDenied
    );
}

#[tokio::test]
async fn no_tenant_reads_ends_or_writes_another_tenants_conversation() {
    let server = server().await;
    let mut client = server.client().await;
    let mut globex = server.converse_as(Some(GLOBEX)).await.unwrap();
    let escalated = globex
        .say(turn(
            "globex",
            "g1",
            "1",
            "I want a human now, write to jane@example.com",
        ))
        .await;
    assert_eq!(escalated.signals.len(), 1);

    // Read: acme's desk token cannot see globex's conversation, globex's own token can.
    let refused = client
        .get_conversation(bearer(get("globex", "g1"), Some(ACME_DESK)))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert!(!refused.message().contains("jane"), "{refused:?}");

    // Write and end: refused in-band on acme's stream, which carries on for acme.
    let mut acme = server.converse_as(Some(ACME_BOT)).await.unwrap();
    let foreign = acme
        .say(turn("globex", "g1", "2", "this is fine actually"))
        .await;
    assert_eq!(error_code(&foreign), Code::PermissionDenied);
    acme.end("globex", "g1").await;
    assert_eq!(error_code(&acme.next().await), Code::PermissionDenied);
    let own = acme
        .say(turn("acme", "a1", "1", "where is my parcel"))
        .await;
    assert!(matches!(own.outcome, Some(Outcome::Assessment(_))));

    let view = client
        .get_conversation(bearer(get("globex", "g1"), Some(GLOBEX)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        view.customer_turns, 1,
        "acme's turn did not reach globex's conversation"
    );
    assert!(view.escalated);
    // acme's own conversation is there for acme's desk.
    assert_eq!(
        client
            .get_conversation(bearer(get("acme", "a1"), Some(ACME_DESK)))
            .await
            .unwrap()
            .into_inner()
            .customer_turns,
        1
    );
}

#[tokio::test]
async fn a_subscriber_sees_only_its_tenants_whatever_its_filter_says() {
    let server = server().await;
    let mut client = server.client().await;
    // An empty filter: every tenant the token has, nothing more.
    let mut acme_desk = client
        .subscribe_signals(bearer(subscribe(&[], None), Some(ACME_DESK)))
        .await
        .unwrap()
        .into_inner();
    let mut router = client
        .subscribe_signals(bearer(subscribe(&[], None), Some(ROUTER)))
        .await
        .unwrap()
        .into_inner();
    // Asking for another tenant by name is refused outright.
    let named = client
        .subscribe_signals(bearer(
            subscribe(&["acme", "globex"], None),
            Some(ACME_DESK),
        ))
        .await
        .map(|_| ())
        .unwrap_err();
    assert_eq!(named.code(), Code::PermissionDenied);

    let mut globex = server.converse_as(Some(GLOBEX)).await.unwrap();
    globex
        .say(turn("globex", "g", "1", "let me talk to a human"))
        .await;
    let mut acme = server.converse_as(Some(ACME_BOT)).await.unwrap();
    acme.say(turn("acme", "a", "1", "let me talk to a human"))
        .await;

    // globex's signal came first; acme's subscriber never gets it.
    let first = next_signal(&mut acme_desk).await;
    assert_eq!(
        (first.tenant_id.as_str(), first.conversation_id.as_str()),
        ("acme", "a")
    );
    assert_eq!(next_signal(&mut router).await.tenant_id, "globex");
    assert_eq!(next_signal(&mut router).await.tenant_id, "acme");

    // Replay from the start is filtered the same way.
    let mut replay = client
        .subscribe_signals(bearer(subscribe(&[], Some(1)), Some(ACME_DESK)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(next_signal(&mut replay).await.tenant_id, "acme");
}

#[tokio::test]
async fn health_and_reflection_need_no_token() {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest,
    };
    let server = server().await;
    let status = HealthClient::new(server.channel().await)
        .check(HealthCheckRequest {
            service: "rapport.v1.Rapport".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status;
    assert_eq!(status, ServingStatus::Serving as i32);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = ServerReflectionClient::new(server.channel().await)
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    assert!(responses.message().await.unwrap().is_some());
}

#[tokio::test]
async fn a_reload_revokes_a_token_on_streams_already_open() {
    let server = server().await;
    let mut stream = server.converse_as(Some(ACME_BOT)).await.unwrap();
    let before = stream.say(turn("acme", "a", "1", "hello there")).await;
    assert!(matches!(before.outcome, Some(Outcome::Assessment(_))));

    // The new [auth] no longer lists acme-bot.
    let without_bot = [token(ACME_DESK, "acme-desk", r#"["acme"]"#, r#"["read"]"#)].concat();
    let section = auth_section(&without_bot).unwrap();
    assert_eq!(server.auth.reload(section.as_ref()), Ok(1));

    let after = stream.say(turn("acme", "a", "2", "still there?")).await;
    assert_eq!(error_code(&after), Code::Unauthenticated);
    assert_eq!(
        server
            .converse_as(Some(ACME_BOT))
            .await
            .err()
            .unwrap()
            .code(),
        Code::Unauthenticated
    );
}

#[test]
fn serve_refuses_a_public_address_without_auth() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("auth-public");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rapport.toml");
    std::fs::write(&path, "[server]\nlisten = \"0.0.0.0:0\"\n").unwrap();
    let stderr = common::serve_refused(&path);
    assert!(
        stderr.contains("refusing to listen on 0.0.0.0:0 without authentication"),
        "{stderr}"
    );
    // The same file with [auth] mode = "none" stated is accepted by the check.
    let open: Config = toml::from_str("[auth]\nmode = \"none\"").unwrap();
    let mut public = open.clone();
    public.server.listen = "0.0.0.0:0".parse().unwrap();
    assert!(rapport::auth::Security::from_config(&public).is_ok());
}

/// `rapport serve` as a process: SIGHUP re-reads `[auth]` from its config file.
#[tokio::test]
async fn sighup_reloads_the_tokens_of_a_running_server() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("auth-sighup");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rapport.toml");
    // Port 0: the server binds a free port itself and logs it (no probe-then-bind race).
    let server_toml = "[server]\nlisten = \"127.0.0.1:0\"\nmetrics_listen = \"127.0.0.1:0\"\n";
    let write = |tokens: String| std::fs::write(&path, format!("{server_toml}{tokens}")).unwrap();
    write(token(
        ACME_BOT,
        "acme-bot",
        r#"["acme"]"#,
        r#"["converse"]"#,
    ));

    let mut server = ServeProcess::spawn(&path, &dir.join("rapport.log"));
    let addr = server.grpc_addr().await;

    let url = format!("http://{addr}");
    let mut client = proto::rapport_client::RapportClient::connect(url)
        .await
        .unwrap();
    assert!(
        client
            .assess(bearer(assess(), Some(ACME_BOT)))
            .await
            .is_ok()
    );
    assert_eq!(
        client
            .assess(bearer(assess(), Some(ACME_DESK)))
            .await
            .unwrap_err()
            .code(),
        Code::Unauthenticated
    );

    write(token(ACME_DESK, "acme-desk", r#"["acme"]"#, r#"["read"]"#));
    let hup = Command::new("kill")
        .args(["-HUP", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    server.wait_for("auth reloaded").await;
    assert!(
        client
            .assess(bearer(assess(), Some(ACME_DESK)))
            .await
            .is_ok()
    );
    assert_eq!(
        client
            .assess(bearer(assess(), Some(ACME_BOT)))
            .await
            .unwrap_err()
            .code(),
        Code::Unauthenticated
    );

    // A broken file keeps the tokens in force.
    std::fs::write(&path, "[auth\n").unwrap();
    Command::new("kill")
        .args(["-HUP", &server.id().to_string()])
        .status()
        .unwrap();
    server.wait_for("auth reload failed").await;
    assert!(
        client
            .assess(bearer(assess(), Some(ACME_DESK)))
            .await
            .is_ok()
    );
}

#[test]
fn hash_token_prints_the_sha256_of_stdin() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("hash-token")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{ACME_BOT}\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap().trim(),
        to_hex(&hash_token(ACME_BOT))
    );
}
