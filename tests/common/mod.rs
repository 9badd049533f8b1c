//! A real rapport server on a loopback port, on the real model, and clients for it.

#![allow(dead_code)]

pub mod redis_server;
pub mod serve_process;

use std::sync::Arc;

use rapport::auth::{Authenticator, Security};
use rapport::config::Config;
use rapport::nlu::Nlu;
use rapport::pipeline::Pipeline;
use rapport::proto::{self, rapport_client::RapportClient};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

pub struct Server {
    pub url: String,
    pub pipeline: Arc<Pipeline>,
    pub shutdown: CancellationToken,
    pub stopped: tokio::task::JoinHandle<()>,
    /// The live token book, to reload in tests.
    pub auth: Arc<Authenticator>,
}

impl Server {
    pub async fn start() -> Self {
        Self::start_with(Config::default()).await
    }

    /// A server with `config`'s `[auth]`, `[server.tls]` and quotas, on a loopback port
    /// (`[server] listen` is replaced by it). The url is `https://` with TLS.
    pub async fn start_with(mut config: Config) -> Self {
        let nlu = Nlu::load(&config.nlu).expect("the model in models/ loads");
        let pipeline = Arc::new(Pipeline::new(Arc::new(nlu), &config).unwrap());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        config.server.listen = listener.local_addr().unwrap();
        let security = Security::from_config(&config).expect("valid [auth] and [server.tls]");
        let auth = security.auth.clone();
        let scheme = if config.server.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let url = format!("{scheme}://{}", config.server.listen);
        let shutdown = CancellationToken::new();
        let serving = rapport::api::serve_with(
            listener,
            pipeline.clone(),
            shutdown.clone(),
            rapport::api::StreamLimits::from_config(&config.server),
            security,
        );
        let stopped = tokio::spawn(async move { serving.await.unwrap() });
        Self {
            url,
            pipeline,
            shutdown,
            stopped,
            auth,
        }
    }

    pub async fn client(&self) -> RapportClient<Channel> {
        RapportClient::connect(self.url.clone()).await.unwrap()
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.url.clone())
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    /// Starts the admin listener (`/metrics`, supervisor page) for this server on a loopback
    /// port, with the server's tokens, as `rapport serve` does; returns its address.
    pub async fn admin(&self) -> std::net::SocketAddr {
        let metrics = rapport::telemetry::install().unwrap();
        rapport::telemetry::build_info(self.pipeline.model_version());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state =
            rapport::admin::AdminState::new(metrics, self.pipeline.clone(), self.shutdown.clone())
                .with_auth(self.auth.clone());
        tokio::spawn(rapport::admin::serve(listener, state));
        addr
    }

    /// Opens a Converse stream.
    pub async fn converse(&self) -> Conversation {
        self.converse_as(None).await.unwrap()
    }

    /// Opens a Converse stream with `token` as its bearer token, if any.
    pub async fn converse_as(&self, token: Option<&str>) -> Result<Conversation, tonic::Status> {
        let (requests, receiver) = mpsc::channel(64);
        let responses = self
            .client()
            .await
            .converse(bearer(ReceiverStream::new(receiver), token))
            .await?
            .into_inner();
        Ok(Conversation {
            requests,
            responses,
        })
    }
}

pub struct Conversation {
    pub requests: mpsc::Sender<proto::ConverseRequest>,
    pub responses: tonic::Streaming<proto::ConverseResponse>,
}

impl Conversation {
    pub async fn send(&self, turn: proto::Turn) {
        let request = proto::ConverseRequest {
            kind: Some(proto::converse_request::Kind::Turn(turn)),
        };
        self.requests.send(request).await.unwrap();
    }

    pub async fn end(&self, tenant: &str, conversation: &str) {
        let end = proto::EndConversation {
            tenant_id: tenant.into(),
            conversation_id: conversation.into(),
        };
        let request = proto::ConverseRequest {
            kind: Some(proto::converse_request::Kind::End(end)),
        };
        self.requests.send(request).await.unwrap();
    }

    pub async fn next(&mut self) -> proto::ConverseResponse {
        self.responses.message().await.unwrap().expect("a response")
    }

    /// Sends a turn and returns its response.
    pub async fn say(&mut self, turn: proto::Turn) -> proto::ConverseResponse {
        self.send(turn).await;
        self.next().await
    }
}

/// `message` as a request carrying `authorization: Bearer <token>`, if a token is given.
pub fn bearer<T>(message: T, token: Option<&str>) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Some(token) = token {
        let value = format!("Bearer {token}").parse().unwrap();
        request.metadata_mut().insert("authorization", value);
    }
    request
}

/// A turn on `channel`, with voice, chat and SMS available.
pub fn turn(
    conversation: &str,
    turn_id: &str,
    speaker: proto::Speaker,
    text: &str,
    channel: proto::Channel,
) -> proto::Turn {
    proto::Turn {
        tenant_id: "acme".into(),
        conversation_id: conversation.into(),
        turn_id: turn_id.into(),
        speaker: speaker as i32,
        text: text.into(),
        channel: channel as i32,
        available_channels: [
            proto::Channel::Chat,
            proto::Channel::Voice,
            proto::Channel::Sms,
        ]
        .map(|c| c as i32)
        .to_vec(),
        ..Default::default()
    }
}

pub fn customer(conversation: &str, turn_id: &str, text: &str) -> proto::Turn {
    turn(
        conversation,
        turn_id,
        proto::Speaker::Customer,
        text,
        proto::Channel::Chat,
    )
}

pub fn bot(conversation: &str, turn_id: &str, text: &str) -> proto::Turn {
    turn(
        conversation,
        turn_id,
        proto::Speaker::Bot,
        text,
        proto::Channel::Chat,
    )
}

pub fn assessment(response: &proto::ConverseResponse) -> &proto::Assessment {
    match &response.outcome {
        Some(proto::converse_response::Outcome::Assessment(a)) => a,
        other => panic!("expected an assessment, got {other:?}"),
    }
}

pub fn error_code(response: &proto::ConverseResponse) -> tonic::Code {
    match &response.outcome {
        Some(proto::converse_response::Outcome::Error(e)) => tonic::Code::from_i32(e.code),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// `GET path` over real HTTP/1.1; the status line and the body.
pub async fn http_get(addr: std::net::SocketAddr, path: &str) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut http = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    http.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    http.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    (
        head.lines().next().unwrap_or_default().to_string(),
        body.to_string(),
    )
}

/// Runs `rapport serve --config path`, which must refuse to start; its stderr.
pub fn serve_refused(path: &std::path::Path) -> String {
    rapport_refused([
        std::ffi::OsStr::new("serve"),
        "--config".as_ref(),
        path.as_os_str(),
    ])
}

/// Runs the `rapport` binary with `args`, which must succeed; its stdout.
pub fn rapport_ok<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let output = rapport_command(args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs the `rapport` binary with `args`, which must fail; its stderr.
pub fn rapport_refused<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let output = rapport_command(args);
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn rapport_command<I, S>(args: I) -> std::process::Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .output()
        .unwrap()
}

/// A child's output pipe read line by line on a thread of its own, so an async test never blocks
/// on it: each line is written to `log` (`std::io::sink()` for none) and sent on the returned
/// channel, which closes when the pipe does.
pub fn lines_of<R, W>(pipe: R, mut log: W) -> mpsc::UnboundedReceiver<String>
where
    R: std::io::Read + Send + 'static,
    W: std::io::Write + Send + 'static,
{
    use std::io::BufRead;
    let (send, lines) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            let _ = writeln!(log, "{line}");
            let _ = send.send(line);
        }
    });
    lines
}

/// A fresh, empty directory `rapport-<name>-…` under the tests' temporary directory.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "rapport-{name}-{}-{}",
        std::process::id(),
        redis_server::free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
