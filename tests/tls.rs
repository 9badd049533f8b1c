//! TLS and mutual TLS on a real loopback server, with certificates made at run time: the
//! handshake passes with the right CA, fails for a plain-text client or a client trusting
//! another CA; with `client_ca` set, only clients with a certificate from that CA get in.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::Server;
use rapport::auth::TlsConfig;
use rapport::config::Config;
use rapport::proto::{self, rapport_client::RapportClient};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};

type Ca = CertifiedIssuer<'static, KeyPair>;

fn ca(name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// A certificate and key (PEM) signed by `ca`, for a server on localhost or a client.
fn leaf(ca: &Ca, server: bool) -> (String, String) {
    let names = if server {
        vec!["localhost".to_string()]
    } else {
        Vec::new()
    };
    let mut params = CertificateParams::new(names).unwrap();
    let (cn, usage) = if server {
        ("localhost", ExtendedKeyUsagePurpose::ServerAuth)
    } else {
        ("test client", ExtendedKeyUsagePurpose::ClientAuth)
    };
    params.distinguished_name.push(DnType::CommonName, cn);
    params.extended_key_usages = vec![usage];
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, ca).unwrap();
    (cert.pem(), key.serialize_pem())
}

/// Writes the server's files and starts it; `client_ca` turns on mutual TLS.
async fn tls_server(test: &str, ca: &Ca, client_ca: Option<&Ca>) -> Server {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("tls-{test}"));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = leaf(ca, true);
    let write = |name: &str, pem: &str| {
        let path = dir.join(name);
        std::fs::write(&path, pem).unwrap();
        path
    };
    let mut config = Config::default();
    config.server.tls = Some(TlsConfig {
        cert: write("server.pem", &cert),
        key: write("server.key", &key),
        client_ca: client_ca.map(|ca| write("client-ca.pem", &ca.pem())),
    });
    let server = Server::start_with(config).await;
    assert!(server.url.starts_with("https://"));
    server
}

/// Whether an Assess call gets through, trusting `trusted` and presenting `identity`.
async fn assess_works(url: &str, trusted: &Ca, identity: Option<(String, String)>) -> bool {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(trusted.pem()))
        .domain_name("localhost");
    if let Some((cert, key)) = identity {
        tls = tls.identity(Identity::from_pem(cert, key));
    }
    let endpoint = Channel::from_shared(url.to_string())
        .unwrap()
        .tls_config(tls)
        .unwrap();
    call(endpoint.connect()).await
}

async fn call(connect: impl Future<Output = Result<Channel, tonic::transport::Error>>) -> bool {
    let attempt = async {
        let channel = connect.await.ok()?;
        RapportClient::new(channel)
            .assess(proto::AssessRequest {
                text: "thanks, that helped".into(),
                language: String::new(),
            })
            .await
            .ok()
    };
    tokio::time::timeout(Duration::from_secs(30), attempt)
        .await
        .expect("a refused connection fails fast")
        .is_some_and(|response| response.into_inner().scores.is_some())
}

#[tokio::test]
async fn tls_needs_the_right_ca_and_refuses_plain_text() {
    let (ours, theirs) = (ca("rapport test CA"), ca("another CA"));
    let server = tls_server("plain", &ours, None).await;
    assert!(assess_works(&server.url, &ours, None).await);
    assert!(!assess_works(&server.url, &theirs, None).await);
    let plain = server.url.replace("https://", "http://");
    let plain = Channel::from_shared(plain).unwrap();
    assert!(!call(plain.connect()).await);
}

#[tokio::test]
async fn mutual_tls_admits_only_clients_with_a_certificate_from_the_client_ca() {
    let (server_ca, client_ca, stranger) = (ca("server CA"), ca("client CA"), ca("stranger CA"));
    let server = tls_server("mutual", &server_ca, Some(&client_ca)).await;
    assert!(!assess_works(&server.url, &server_ca, None).await);
    assert!(!assess_works(&server.url, &server_ca, Some(leaf(&stranger, false))).await);
    assert!(assess_works(&server.url, &server_ca, Some(leaf(&client_ca, false))).await);
}
