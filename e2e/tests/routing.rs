//! Routes that axum cannot take as written still serve: capture names that differ between
//! routes sharing a prefix, and several parameters in one segment. Operation ids that name
//! the same Rust type once converted each keep their own.

use apigen_runtime::server::HandlerError;
use e2e::routing::client::Client;
use e2e::routing::operations::*;
use e2e::routing::server::{router, Api};
use e2e::routing::types::GetFileExt;
use e2e::{assert_problem, send_raw, serve};

struct Echo;

impl Api for Echo {
    async fn get_repo(&self, request: GetRepoRequest) -> Result<GetRepoResponse, HandlerError> {
        Ok(GetRepoResponse::Ok(format!("{}/{}", request.owner, request.repo)))
    }

    async fn get_hook(&self, request: GetHookRequest) -> Result<GetHookResponse, HandlerError> {
        Ok(GetHookResponse::Ok(format!("{}/{}#{}", request.org, request.name, request.hook_id)))
    }

    async fn get_file(&self, request: GetFileRequest) -> Result<GetFileResponse, HandlerError> {
        Ok(GetFileResponse::Ok(format!("{} as {:?}", request.stem, request.ext)))
    }

    async fn foo_bar2(&self, request: FooBar2Request) -> Result<FooBar2Response, HandlerError> {
        Ok(FooBar2Response::Ok(format!("first {}", request.tag)))
    }

    async fn foo_bar(&self, request: FooBarRequest) -> Result<FooBarResponse, HandlerError> {
        Ok(FooBarResponse::Ok(format!("second {}", request.tag)))
    }

    async fn foo_bar_2(&self, request: FooBar22Request) -> Result<FooBar22Response, HandlerError> {
        Ok(FooBar22Response::Ok(format!("third {}", request.tag)))
    }
}

#[tokio::test]
async fn colliding_operation_names_stay_apart() {
    let address = serve(router(Echo)).await;
    let client = Client::with_base_url(&format!("http://{address}/base"));
    let first = client.foo_bar2(FooBar2Request { tag: "a".into() }).await.unwrap();
    assert_eq!(first, FooBar2Response::Ok("first a".into()));
    let second = client.foo_bar(FooBarRequest { tag: "b".into() }).await.unwrap();
    assert_eq!(second, FooBarResponse::Ok("second b".into()));
    let third = client.foo_bar_2(FooBar22Request { tag: "c".into() }).await.unwrap();
    assert_eq!(third, FooBar22Response::Ok("third c".into()));
    // The wire is the spec's, whatever the Rust names: raw requests reach each path.
    for (path, answer) in [("first", "first x"), ("second", "second x"), ("third", "third x")] {
        let reply = send_raw("GET", &format!("http://{address}/base/names/{path}?tag=x"), None, "").await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.body, serde_json::json!(answer), "{path}");
    }
}

#[tokio::test]
async fn conflicting_and_mixed_segments_route() {
    let address = serve(router(Echo)).await;
    let base = format!("http://{address}/base");
    let client = Client::with_base_url(&base);
    let repo = client.get_repo(GetRepoRequest { owner: "rust lang".into(), repo: "rust".into() }).await.unwrap();
    assert_eq!(repo, GetRepoResponse::Ok("rust lang/rust".into()));
    let hook = client.get_hook(GetHookRequest { org: "o".into(), name: "n".into(), hook_id: 7 }).await.unwrap();
    assert_eq!(hook, GetHookResponse::Ok("o/n#7".into()));
    let file = client.get_file(GetFileRequest { stem: "report.v2".into(), ext: GetFileExt::Csv }).await.unwrap();
    assert_eq!(file, GetFileResponse::Ok("report.v2 as Csv".into()));
}

#[tokio::test]
async fn bad_path_values_are_problems() {
    let address = serve(router(Echo)).await;
    let base = format!("http://{address}/base");
    let reply = send_raw("GET", &format!("{base}/repos/o/n/hooks/seven"), None, "").await;
    assert_problem(&reply, 400);
    assert_eq!(reply.body["parameter"], "hook_id");
    let reply = send_raw("GET", &format!("{base}/files/report.xml"), None, "").await;
    assert_problem(&reply, 400);
    assert_eq!(reply.body["parameter"], "ext");
    let reply = send_raw("GET", &format!("{base}/files/report"), None, "").await;
    assert_problem(&reply, 400);
}
