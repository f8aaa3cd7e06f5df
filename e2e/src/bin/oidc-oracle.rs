//! The OAuth 2 and JWKS oracle: a real OpenID Connect provider (oidc-provider, whose script
//! `e2e/oidc-oracle.sh` installs it and passes its path) on 127.0.0.1:18650, the generated
//! client of `e2e/specs/oidc.yaml` obtaining tokens from the spec's flows alone, and the
//! generated server verifying them through the provider's discovery document and JWKS,
//! across a key rotation.   `oidc-oracle PATH-TO-provider.mjs`
//!
//! Prints one line per check, then `N passed, N failed`; exits 1 when a check fails.

use apigen_runtime::client::{ClientAuth, Error, OAuth2Client, OAuthError, TokenOptions, Tokens};
use apigen_runtime::jwt::{Claims, JwtVerifier};
use apigen_runtime::server::HandlerError;
use e2e::oidc::client::Client;
use e2e::oidc::operations::MeResponse;
use e2e::oidc::server::{router, Api};
use e2e::oidc::types::Me;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

/// The port the spec's `tokenUrl` names.
const PORT: u16 = 18650;
/// How often the verifier may fetch the key set again for an unknown `kid`.
const REFETCH: Duration = Duration::from_secs(1);

struct Resources;

impl Api for Resources {
    type Claims = Claims;

    async fn me(&self, claims: Claims) -> Result<MeResponse, HandlerError> {
        Ok(MeResponse::Ok(Me { subject: claims.sub.unwrap_or_default() }))
    }
}

/// The provider process, spoken to one JSON line at a time.
struct Provider {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    issuer: String,
}

impl Provider {
    fn start(script: &str) -> Result<Provider, String> {
        let mut child = Command::new("node")
            .arg(script)
            .arg(PORT.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("node {script}: {error}"))?;
        let input = child.stdin.take().ok_or("no stdin")?;
        let mut output = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let first = read_line(&mut output)?;
        let issuer = first["issuer"].as_str().ok_or("the provider printed no issuer")?.to_owned();
        Ok(Provider { child, input, output, issuer })
    }

    fn command(&mut self, command: &str) -> Result<Value, String> {
        writeln!(self.input, "{command}").map_err(|error| error.to_string())?;
        read_line(&mut self.output)
    }

    fn token_requests(&mut self) -> u64 {
        self.command("count").ok().and_then(|answer| answer["token_requests"].as_u64()).unwrap_or(u64::MAX)
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The next JSON line; oidc-provider's own notices, also on standard output, are skipped.
fn read_line(output: &mut BufReader<ChildStdout>) -> Result<Value, String> {
    loop {
        let mut line = String::new();
        if output.read_line(&mut line).map_err(|error| error.to_string())? == 0 {
            return Err("the provider exited".to_owned());
        }
        if line.starts_with('{') {
            return serde_json::from_str(&line).map_err(|error| format!("the provider said {line:?}: {error}"));
        }
    }
}

#[derive(Default)]
struct Checks {
    passed: usize,
    failed: Vec<String>,
}

impl Checks {
    fn check(&mut self, name: &str, ok: bool, seen: impl std::fmt::Debug) {
        println!("{} {name}: {seen:?}", if ok { "ok  " } else { "FAIL" });
        if ok {
            self.passed += 1;
        } else {
            self.failed.push(name.to_owned());
        }
    }
}

async fn me(client: &Client) -> Result<String, Error> {
    let MeResponse::Ok(me) = client.me().await?;
    Ok(me.subject)
}

/// An authorization code login of `ann` at the provider, through its development
/// interactions, and the code exchanged for tokens: what a web app's login does.
async fn log_in(issuer: &str) -> Result<Tokens, String> {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut cookies: BTreeMap<String, String> = BTreeMap::new();
    let step = |response: reqwest::Response, cookies: &mut BTreeMap<String, String>| -> Result<String, String> {
        for value in response.headers().get_all("set-cookie") {
            let pair = value.to_str().unwrap_or_default().split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let location = response.headers().get("location").and_then(|value| value.to_str().ok());
        let location = location.ok_or(format!("{} without a redirect", response.status()))?;
        Ok(if location.starts_with('/') { format!("{issuer}{location}") } else { location.to_owned() })
    };
    let jar = |cookies: &BTreeMap<String, String>| {
        cookies.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
    };
    let start = http
        .get(format!("{issuer}/auth"))
        .query(&[
            ("client_id", "web"),
            ("response_type", "code"),
            ("scope", "openid offline_access profile"),
            ("redirect_uri", "http://127.0.0.1/callback"),
            ("prompt", "consent"),
        ])
        .send()
        .await
        .map_err(|error| error.to_string())?;
    let mut at = step(start, &mut cookies)?;
    for prompt in ["login", "consent"] {
        let form = [("prompt", prompt), ("login", "ann"), ("password", "any")];
        let submitted = http
            .post(&at)
            .header("cookie", jar(&cookies))
            .form(&form)
            .send()
            .await
            .map_err(|error| error.to_string())?;
        let resume = step(submitted, &mut cookies)?;
        let resumed =
            http.get(&resume).header("cookie", jar(&cookies)).send().await.map_err(|error| error.to_string())?;
        at = step(resumed, &mut cookies)?;
    }
    let callback = reqwest::Url::parse(&at).map_err(|error| error.to_string())?;
    let code = callback.query_pairs().find(|(name, _)| name == "code").ok_or(format!("no code in {at}"))?.1;
    let answer: Value = http
        .post(format!("{issuer}/token"))
        .basic_auth("web", Some("web-secret"))
        .form(&[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", "http://127.0.0.1/callback")])
        .send()
        .await
        .map_err(|error| error.to_string())?
        .json()
        .await
        .map_err(|error| error.to_string())?;
    let text = |name: &str| answer[name].as_str().map(str::to_owned).ok_or(format!("no {name} in {answer}"));
    Ok(Tokens::new(text("access_token")?).with_refresh(text("refresh_token")?))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let Some(script) = std::env::args().nth(1) else {
        eprintln!("usage: oidc-oracle PATH-TO-provider.mjs");
        return std::process::ExitCode::FAILURE;
    };
    let mut provider = match Provider::start(&script) {
        Ok(provider) => provider,
        Err(error) => {
            eprintln!("{error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut checks = Checks::default();
    run(&mut provider, &mut checks).await;
    println!("{} passed, {} failed", checks.passed, checks.failed.len());
    if checks.failed.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

async fn run(provider: &mut Provider, checks: &mut Checks) {
    let issuer = provider.issuer.clone();
    let verifier = JwtVerifier::new()
        .openid_issuer(&issuer)
        .audience("resources")
        .token_type("at+jwt")
        .jwks_refetch_interval(REFETCH);
    let verifier = Arc::new(verifier);
    let address = e2e::serve(router(Resources, SharedVerifier(verifier.clone()))).await;
    let base = format!("http://{address}");
    let app = || OAuth2Client::new("app", "app-secret");

    // Client credentials, from the spec's flow alone.
    let before = provider.token_requests();
    let client = Client::with_base_url(&base).with_provider_client_credentials(app());
    let first = me(&client).await;
    let second = me(&client).await;
    let requests = provider.token_requests() - before;
    checks.check(
        "client credentials (client_secret_basic): a token for the client, verified through discovery and JWKS",
        matches!((&first, &second), (Ok(a), Ok(b)) if a == "app" && b == "app") && requests == 1,
        (&first, requests),
    );
    let posted = Client::with_base_url(&base)
        .with_provider_client_credentials(OAuth2Client::new("app-post", "app-post-secret").auth(ClientAuth::Post));
    let posted = me(&posted).await;
    checks.check(
        "client credentials (client_secret_post)",
        matches!(&posted, Ok(subject) if subject == "app-post"),
        &posted,
    );
    let wrong = Client::with_base_url(&base).with_provider_client_credentials(OAuth2Client::new("app", "wrong"));
    let refused = me(&wrong).await;
    let oauth = refused.as_ref().err().and_then(OAuthError::of);
    checks.check(
        "a wrong client secret: a sticky rejection typed invalid_client",
        matches!(&refused, Err(Error::Refresh { rejected: true, .. }))
            && oauth.as_ref().is_some_and(|oauth| oauth.error == "invalid_client"),
        oauth.map(|oauth| oauth.error),
    );

    // A hundred concurrent callers of a client with no token yet: one token request.
    let before = provider.token_requests();
    let crowd = Arc::new(Client::with_base_url(&base).with_provider_client_credentials(app()));
    let subjects = e2e::concurrently(100, || {
        let crowd = crowd.clone();
        async move { me(&crowd).await }
    })
    .await;
    let all_ok = subjects.iter().all(Result::is_ok);
    let requests = provider.token_requests() - before;
    checks.check("100 concurrent callers, one token request", all_ok && requests == 1, requests);

    // A key rotation: a new key signs, the old one stays published.
    tokio::time::sleep(REFETCH + Duration::from_millis(100)).await;
    let rotated = provider.command("rotate");
    let fresh = Client::with_base_url(&base).with_provider_client_credentials(app());
    let fetches_before = verifier.jwks_fetches();
    let after_rotation = me(&fresh).await;
    checks.check(
        "after a rotation, a token of the new key is verified (the unknown kid fetches the JWKS again)",
        after_rotation.is_ok() && verifier.jwks_fetches() == fetches_before + 1,
        (&rotated, &after_rotation),
    );
    let old_key = me(&client).await;
    checks.check("after a rotation, a token of the old key still passes", old_key.is_ok(), &old_key);

    // Refresh tokens of an authorization code login, rotated on every use.
    let tokens = match log_in(&issuer).await {
        Ok(tokens) => tokens,
        Err(error) => {
            checks.check("authorization code login at the provider", false, error);
            return;
        }
    };
    let web = || OAuth2Client::new("web", "web-secret");
    let expired = tokens.clone().expiring_at(0);
    let probe = Client::with_base_url(&base);
    let source = probe.provider_authorization_code_source(web(), expired.clone(), TokenOptions::default());
    let before = provider.token_requests();
    let client = Client::with_base_url(&base).with_provider_tokens(source.clone());
    let subjects = e2e::concurrently(100, || {
        let client = client.clone();
        async move { me(&client).await.ok() }
    })
    .await;
    let requests = provider.token_requests() - before;
    let rotated = source.tokens().refresh;
    checks.check(
        "an expired login token: 100 concurrent callers, one refresh_token grant, the refresh token rotated",
        subjects.iter().all(|subject| subject.as_deref() == Some("ann")) && requests == 1 && rotated != tokens.refresh,
        requests,
    );
    let replay = probe.provider_authorization_code_source(web(), expired, TokenOptions::default());
    let replayed = Client::with_base_url(&base).with_provider_tokens(replay);
    let refused = me(&replayed).await;
    let oauth = refused.as_ref().err().and_then(OAuthError::of);
    checks.check(
        "the spent refresh token again: a sticky rejection typed invalid_grant",
        matches!(&refused, Err(Error::Refresh { rejected: true, .. }))
            && oauth.as_ref().is_some_and(|oauth| oauth.error == "invalid_grant"),
        oauth.map(|oauth| oauth.error),
    );
}

/// One verifier behind the router and in the checks (which count its fetches).
struct SharedVerifier(Arc<JwtVerifier>);

impl apigen_runtime::server::Authenticate for SharedVerifier {
    type Claims = Claims;

    fn authenticate(
        &self,
        presented: apigen_runtime::server::Presented<'_>,
    ) -> impl std::future::Future<Output = Result<Claims, apigen_runtime::server::Rejection>> + Send {
        self.0.authenticate(presented)
    }
}
