//! Reference implementations of the seed APIs, as their documents describe them: each
//! answers every request with a documented response, malformed ones included (through
//! `Api::refuse`). `cargo run -p e2e --bin reference-server` serves them for schemathesis
//! (`e2e/schemathesis.sh`); the auth-api-v2 service is `examples/token-service`.

use apigen_runtime::server::axum::response::Response;
use apigen_runtime::server::axum::Router;
use apigen_runtime::server::{reply, HandlerError, Presented, Refusal, Rejection};
use serde_json::json;

/// The one refresh token each service honours, and the access token it issues.
pub const REFRESH_TOKEN: &str = "reference-refresh-token";
pub const ACCESS_TOKEN: &str = "reference-access-token";

/// The router of the seed API named like its spec (`bnn-console`), if there is one.
pub fn router(api: &str) -> Option<Router> {
    Some(match api {
        "aisquare-studio" => aisquare_studio::router(AisquareStudio),
        "authenticate-refresh" => authenticate_refresh::router(AuthenticateRefresh),
        "bnn-console" => bnn_console::router(BnnConsole, bearer),
        "forsta-atlas" => forsta_atlas::router(ForstaAtlas, bearer),
        "auth-api-v2" => auth_api_v2::router(
            token_service::TokenService::new(b"reference signing secret", "api", Default::default())
                .user("reference-key", "reference-secret"),
        ),
        "constraints" => crate::constraints::server::router(Accounts),
        "streaming" => crate::streaming::server::router(Streams),
        "formats" => crate::formats::server::router(Events),
        "methods" => crate::methods::server::router(Documents::default()),
        _ => return None,
    })
}

/// The formats spec (e2e/specs/formats.yaml): answers with the event as sent, its `day` the
/// last of `days`, its `source` the `X-Origin` address (IPv4-mapped) and `X-Stored-At` the
/// `since` time: each typed value back on the wire.
pub struct Events;

impl crate::formats::server::Api for Events {
    async fn put_event(
        &self,
        request: crate::formats::operations::PutEventRequest,
    ) -> Result<crate::formats::operations::PutEventResponse, HandlerError> {
        let mut body = request.body;
        if let Some(day) = request.days.as_ref().and_then(|days| days.last()) {
            body.day = Some(*day);
        }
        if let Some(origin) = request.x_origin {
            body.source = Some(origin.to_ipv6_mapped());
        }
        Ok(crate::formats::operations::PutEventResponse::Ok { body, x_stored_at: Some(request.since) })
    }
}

/// The methods spec (e2e/specs/methods.yaml): three documents (ids 1 to 3) whose links
/// LINK and UNLINK change, found by QUERY with a filter.
pub struct Documents {
    links: std::sync::Mutex<std::collections::BTreeMap<i64, Vec<i64>>>,
}

impl Default for Documents {
    fn default() -> Self {
        Documents { links: std::sync::Mutex::new((1..=3).map(|id| (id, Vec::new())).collect()) }
    }
}

impl Documents {
    fn all(&self) -> Vec<crate::methods::types::Document> {
        let links = self.links.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let titles = ["Alpha notes", "Beta plan", "Gamma notes"];
        let tags: [&[&str]; 3] = [&["notes"], &["plan", "draft"], &["notes", "draft"]];
        links
            .iter()
            .map(|(id, links)| crate::methods::types::Document {
                id: *id,
                title: titles[(*id - 1) as usize].to_owned(),
                tags: tags[(*id - 1) as usize].iter().map(|tag| (*tag).to_owned()).collect(),
                links: links.clone(),
            })
            .collect()
    }

    /// The documents a filter selects, at most `limit` of them.
    fn selected(&self, filter: &crate::methods::types::Filter) -> Vec<crate::methods::types::Document> {
        let limit = filter.limit.map_or(usize::MAX, |limit| limit as usize);
        self.all()
            .into_iter()
            .filter(|document| filter.tag.as_ref().is_none_or(|tag| document.tags.contains(tag)))
            .filter(|document| filter.title_contains.as_ref().is_none_or(|text| document.title.contains(text.as_str())))
            .take(limit)
            .collect()
    }

    fn not_found(id: i64) -> crate::methods::types::Problem {
        crate::methods::types::Problem {
            r#type: None,
            title: Some("Not Found".to_owned()),
            status: Some(404),
            detail: Some(format!("there is no document {id}")),
        }
    }
}

impl crate::methods::server::Api for Documents {
    async fn list_documents(&self) -> Result<crate::methods::operations::ListDocumentsResponse, HandlerError> {
        Ok(crate::methods::operations::ListDocumentsResponse::Ok(self.all()))
    }

    async fn query_documents(
        &self,
        request: crate::methods::operations::QueryDocumentsRequest,
    ) -> Result<crate::methods::operations::QueryDocumentsResponse, HandlerError> {
        Ok(crate::methods::operations::QueryDocumentsResponse::Ok(self.selected(&request.body)))
    }

    async fn search_documents(
        &self,
        request: crate::methods::operations::SearchDocumentsRequest,
    ) -> Result<crate::methods::operations::SearchDocumentsResponse, HandlerError> {
        let criteria = request.criteria;
        let limit = criteria.limit.map_or(usize::MAX, |limit| limit as usize);
        let found = self
            .all()
            .into_iter()
            .filter(|document| {
                criteria
                    .tags
                    .iter()
                    .all(|tag| document.tags.iter().any(|held| serde_json::json!(held) == serde_json::json!(tag)))
            })
            .take(limit)
            .collect();
        Ok(crate::methods::operations::SearchDocumentsResponse::Ok(found))
    }

    async fn select_documents(
        &self,
        request: crate::methods::operations::SelectDocumentsRequest,
    ) -> Result<crate::methods::operations::SelectDocumentsResponse, HandlerError> {
        let filter = request.selector.unwrap_or_default();
        Ok(crate::methods::operations::SelectDocumentsResponse::Ok(self.selected(&filter)))
    }

    async fn get_document(
        &self,
        request: crate::methods::operations::GetDocumentRequest,
    ) -> Result<crate::methods::operations::GetDocumentResponse, HandlerError> {
        use crate::methods::operations::GetDocumentResponse;
        Ok(match self.all().into_iter().find(|document| document.id == request.id) {
            Some(document) => GetDocumentResponse::Ok(document),
            None => GetDocumentResponse::NotFound(Self::not_found(request.id)),
        })
    }

    async fn link_document(
        &self,
        request: crate::methods::operations::LinkDocumentRequest,
    ) -> Result<crate::methods::operations::LinkDocumentResponse, HandlerError> {
        use crate::methods::operations::LinkDocumentResponse;
        let mut links = self.links.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let known = links.contains_key(&request.body.target);
        match links.get_mut(&request.id) {
            Some(from) if known => {
                if !from.contains(&request.body.target) {
                    from.push(request.body.target);
                }
                Ok(LinkDocumentResponse::NoContent)
            }
            Some(_) => Ok(LinkDocumentResponse::NotFound(Self::not_found(request.body.target))),
            None => Ok(LinkDocumentResponse::NotFound(Self::not_found(request.id))),
        }
    }

    async fn unlink_document(
        &self,
        request: crate::methods::operations::UnlinkDocumentRequest,
    ) -> Result<crate::methods::operations::UnlinkDocumentResponse, HandlerError> {
        use crate::methods::operations::UnlinkDocumentResponse;
        let mut links = self.links.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match links.get_mut(&request.id) {
            Some(from) => {
                from.retain(|target| *target != request.target);
                Ok(UnlinkDocumentResponse::NoContent)
            }
            None => Ok(UnlinkDocumentResponse::NotFound(Self::not_found(request.id))),
        }
    }
}

/// The streaming spec (e2e/specs/streaming.yaml): every body made as it is written. A
/// fuzzer's large counts and sizes are bounded (1,000 events or records, 1 MiB), so that a
/// run stays cheap; the e2e tests stream more through their own service.
struct Streams;

const MOST_STREAMED: i64 = 1000;

impl crate::streaming::server::Api for Streams {
    async fn create_completion(
        &self,
        request: crate::streaming::operations::CreateCompletionRequest,
    ) -> Result<crate::streaming::operations::CreateCompletionResponse, HandlerError> {
        use crate::streaming::operations::CreateCompletionResponse;
        use crate::streaming::types::{Chunk, Completion};
        let words: Vec<String> = request.body.prompt.split(' ').map(str::to_owned).collect();
        let x_request_id = Some("reference".to_owned());
        if !request.body.stream {
            return Ok(CreateCompletionResponse::Ok { body: Completion { text: words.join(" ") }, x_request_id });
        }
        let events = words.into_iter().enumerate().map(|(index, delta)| {
            apigen_runtime::Event::new(Chunk { index: index as i64, delta }).with_id(index.to_string())
        });
        Ok(CreateCompletionResponse::OkEvents { body: events.collect(), x_request_id })
    }

    async fn stream_ticks(
        &self,
        request: crate::streaming::operations::StreamTicksRequest,
    ) -> Result<crate::streaming::operations::StreamTicksResponse, HandlerError> {
        use crate::streaming::types::Tick;
        let ticks =
            (0..request.count.min(MOST_STREAMED)).map(|n| apigen_runtime::Event::new(Tick { n }).with_event("tick"));
        Ok(crate::streaming::operations::StreamTicksResponse::Ok(ticks.collect()))
    }

    async fn stream_log(&self) -> Result<crate::streaming::operations::StreamLogResponse, HandlerError> {
        let lines = ["started", "two\nlines", "stopped"].map(|line| apigen_runtime::Event::new(line.to_owned()));
        Ok(crate::streaming::operations::StreamLogResponse::Ok(lines.into_iter().collect()))
    }

    async fn list_records(
        &self,
        request: crate::streaming::operations::ListRecordsRequest,
    ) -> Result<crate::streaming::operations::ListRecordsResponse, HandlerError> {
        use crate::streaming::types::Record;
        let records = (0..request.count.min(MOST_STREAMED)).map(|id| Record { id, name: format!("record {id}") });
        Ok(crate::streaming::operations::ListRecordsResponse::Ok(records.collect()))
    }

    async fn list_record_sequence(
        &self,
    ) -> Result<crate::streaming::operations::ListRecordSequenceResponse, HandlerError> {
        use crate::streaming::types::Record;
        let records = (0..3).map(|id| Record { id, name: format!("record {id}") });
        Ok(crate::streaming::operations::ListRecordSequenceResponse::Ok(records.collect()))
    }

    async fn download(
        &self,
        request: crate::streaming::operations::DownloadRequest,
    ) -> Result<crate::streaming::operations::DownloadResponse, HandlerError> {
        let size = request.size.min(1 << 20) as usize;
        let body = apigen_runtime::ByteStream::from(vec![0x5a; size]);
        Ok(crate::streaming::operations::DownloadResponse::Ok(body))
    }

    async fn import_records(
        &self,
        request: crate::streaming::operations::ImportRecordsRequest,
    ) -> Result<crate::streaming::operations::ImportRecordsResponse, HandlerError> {
        import_records(request.body).await
    }

    async fn upload(
        &self,
        request: crate::streaming::operations::UploadRequest,
    ) -> Result<crate::streaming::operations::UploadResponse, HandlerError> {
        use crate::streaming::operations::UploadResponse;
        use crate::streaming::types::{Failure, Received};
        use apigen_runtime::stream::{StreamError, StreamExt};
        let mut body = request.body;
        let (mut bytes, mut chunks) = (0, 0);
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(chunk) => (bytes, chunks) = (bytes + chunk.len() as i64, chunks + 1),
                Err(StreamError::TooLarge { limit }) => {
                    return Ok(UploadResponse::PayloadTooLarge(Failure { message: format!("more than {limit} bytes") }))
                }
                Err(error) => return Err(error.into()),
            }
        }
        Ok(UploadResponse::Ok(Received { bytes, chunks }))
    }
}

/// Counts imported records as they arrive: a record that does not decode is a 400 problem
/// naming its line, an import past the router's limit a 413.
pub async fn import_records(
    mut records: apigen_runtime::ItemStream<crate::streaming::types::Record>,
) -> Result<crate::streaming::operations::ImportRecordsResponse, HandlerError> {
    use crate::streaming::operations::ImportRecordsResponse;
    use crate::streaming::types::{Failure, Imported, Problem};
    use apigen_runtime::stream::{StreamError, StreamExt};
    let mut count = 0;
    while let Some(record) = records.next().await {
        match record {
            Ok(_) => count += 1,
            Err(StreamError::Decode { message, .. }) => {
                let detail = format!("record {} does not decode: {message}", count + 1);
                let problem = Problem {
                    r#type: "about:blank".into(),
                    title: "Bad Request".into(),
                    status: 400,
                    detail: Some(detail),
                    pointer: None,
                    parameter: None,
                };
                return Ok(ImportRecordsResponse::BadRequest(problem));
            }
            Err(StreamError::TooLarge { limit }) => {
                return Ok(ImportRecordsResponse::PayloadTooLarge(Failure {
                    message: format!("more than {limit} bytes"),
                }))
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(ImportRecordsResponse::Ok(Imported { count }))
}

/// The constraints spec (e2e/specs/constraints.yaml): accounts as they are sent, with the
/// id the server gives, every refusal a 400 problem (the one error status the spec documents).
pub struct Accounts;

impl crate::constraints::server::Api for Accounts {
    async fn list_accounts(
        &self,
        request: crate::constraints::operations::ListAccountsRequest,
    ) -> Result<crate::constraints::operations::ListAccountsResponse, HandlerError> {
        use crate::constraints::types::Account;
        let name = request.prefix.unwrap_or_else(|| "ann".to_owned());
        let accounts = (0..request.limit.min(2))
            .map(|index| Account {
                id: Some(i64::from(index) + 1),
                name: name.to_lowercase().chars().filter(char::is_ascii_lowercase).collect::<String>() + "x",
                age: 18 + i64::from(index),
                // Write-only: the server leaves it out of the answer.
                password: Some("not shown".to_owned()),
                address: None,
                score: None,
                step: None,
                tags: None,
                code: None,
                limits: None,
            })
            .collect();
        Ok(crate::constraints::operations::ListAccountsResponse::Ok(accounts))
    }

    async fn create_account(
        &self,
        request: crate::constraints::operations::CreateAccountRequest,
    ) -> Result<crate::constraints::operations::CreateAccountResponse, HandlerError> {
        let mut account = request.body;
        account.id = Some(1);
        Ok(crate::constraints::operations::CreateAccountResponse::Created(account))
    }

    fn refuse(&self, _operation: &'static str, refusal: Refusal) -> Response {
        let mut problem = refusal.problem;
        problem.status = 400;
        reply::json(400, "application/problem+json", &problem)
    }
}

/// Accepts the access token the services issue.
fn bearer(presented: Presented<'_>) -> Result<(), Rejection> {
    match presented.credential {
        ACCESS_TOKEN => Ok(()),
        _ => Err(Rejection::Invalid("unknown token".into())),
    }
}

/// AISquare Studio: a SimpleJWT refresh view; 400 with a `detail` for anything wrong.
pub struct AisquareStudio;

impl aisquare_studio::Api for AisquareStudio {
    async fn refresh_create(
        &self,
        request: aisquare_studio::operations::RefreshCreateRequest,
    ) -> Result<aisquare_studio::operations::RefreshCreateResponse, HandlerError> {
        use aisquare_studio::operations::RefreshCreateResponse::{BadRequest, Ok as Refreshed};
        Ok(match request.body {
            Some(body) if body.refresh == REFRESH_TOKEN => Refreshed(json!({"access": ACCESS_TOKEN})),
            Some(_) => BadRequest(json!({"detail": "Token is invalid or expired", "code": "token_not_valid"})),
            None => BadRequest(json!({"refresh": ["This field is required."]})),
        })
    }

    fn refuse(&self, _operation: &'static str, refusal: Refusal) -> Response {
        reply::json(400, "application/json", &json!({"detail": refusal.problem.detail}))
    }
}

/// authenticate-refresh: a refresh token for a JWT; errors in an `error` envelope.
pub struct AuthenticateRefresh;

fn api_error(code: &str, message: &str) -> authenticate_refresh::types::ErrorResponse {
    authenticate_refresh::types::ErrorResponse {
        error: Some(authenticate_refresh::types::ApiError {
            code: Some(code.into()),
            message: Some(message.into()),
            target: None,
            details: None,
        }),
    }
}

impl authenticate_refresh::Api for AuthenticateRefresh {
    async fn refresh_authentication_token(
        &self,
        request: authenticate_refresh::operations::RefreshAuthenticationTokenRequest,
    ) -> Result<authenticate_refresh::operations::RefreshAuthenticationTokenResponse, HandlerError> {
        use authenticate_refresh::operations::RefreshAuthenticationTokenResponse::{Ok as Refreshed, Unauthorized};
        use authenticate_refresh::types::JwtTokenResponse;
        Ok(if request.body.refresh_token == REFRESH_TOKEN {
            Refreshed(JwtTokenResponse { jwt_token: Some(ACCESS_TOKEN.into()) })
        } else {
            Unauthorized(api_error("InvalidRefreshToken", "the refresh token is invalid or expired"))
        })
    }

    fn refuse(&self, _operation: &'static str, refusal: Refusal) -> Response {
        reply::json(400, "application/json", &api_error("BadRequest", &refusal.problem.detail))
    }
}

/// BNN Console: refresh endpoints behind a bearer token; v2's errors in an envelope.
pub struct BnnConsole;

impl bnn_console::Api for BnnConsole {
    type Claims = ();

    async fn v1_refresh_token_post(
        &self,
        _: (),
    ) -> Result<bnn_console::operations::V1RefreshTokenPostResponse, HandlerError> {
        Ok(bnn_console::operations::V1RefreshTokenPostResponse::Ok)
    }

    async fn v2_refresh_token_post(
        &self,
        _: (),
    ) -> Result<bnn_console::operations::V2RefreshTokenPostResponse, HandlerError> {
        use bnn_console::types::{V2RefreshTokenPostOkBody, V2RefreshTokenPostOkBodyData};
        let data = V2RefreshTokenPostOkBodyData { refresh_token: Some(REFRESH_TOKEN.into()), ..Default::default() };
        Ok(bnn_console::operations::V2RefreshTokenPostResponse::Ok(V2RefreshTokenPostOkBody {
            request_id: Some("reference".into()),
            error_code: Some(0),
            data: Some(data),
            ..Default::default()
        }))
    }

    /// v1 documents its errors without a body; v2 in the envelope.
    fn refuse(&self, operation: &'static str, refusal: Refusal) -> Response {
        let status = refusal.status().as_u16();
        let response = if operation == "v2_refresh_token_post" && matches!(status, 401 | 403) {
            let envelope = bnn_console::types::ErrorEnvelope {
                error_code: Some(i64::from(status)),
                error_description: Some(refusal.problem.detail.clone()),
                ..Default::default()
            };
            reply::json(status, "application/json", &envelope)
        } else if matches!(status, 401 | 403) {
            reply::empty(status)
        } else {
            reply::empty(400)
        };
        refusal.with_challenge(response)
    }
}

/// Forsta Atlas: a DRF view; every error a 400 with field or non-field errors.
pub struct ForstaAtlas;

impl forsta_atlas::Api for ForstaAtlas {
    type Claims = ();

    async fn api_token_refresh_create(
        &self,
        _: (),
        request: forsta_atlas::operations::ApiTokenRefreshCreateRequest,
    ) -> Result<forsta_atlas::operations::ApiTokenRefreshCreateResponse, HandlerError> {
        use forsta_atlas::operations::ApiTokenRefreshCreateResponse::{BadRequest, Ok as Refreshed};
        use forsta_atlas::types::{Refresh, ValidationErrors};
        Ok(if request.body.token == REFRESH_TOKEN {
            Refreshed(Refresh { token: ACCESS_TOKEN.into() })
        } else {
            BadRequest(ValidationErrors { non_field_errors: None, token: Some(vec!["Token is invalid.".into()]) })
        })
    }

    /// A refused credential as DRF's authentication answers it; anything else as a
    /// validation error.
    fn refuse(&self, _operation: &'static str, refusal: Refusal) -> Response {
        if refusal.status().as_u16() == 401 {
            let failed = forsta_atlas::types::AuthenticationFailed { detail: Some(refusal.problem.detail.clone()) };
            return refusal.with_challenge(reply::json(401, "application/json", &failed));
        }
        let errors =
            forsta_atlas::types::ValidationErrors { non_field_errors: Some(vec![refusal.problem.detail]), token: None };
        reply::json(400, "application/json", &errors)
    }
}
