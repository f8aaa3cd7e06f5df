//! The wire spec's server for the tests and oracles: it answers with what it read.

use crate::wire::operations::{
    CheckoutRequest, CheckoutResponse, GetColorRequest, GetColorResponse, GetItemsRequest, GetItemsResponse,
    GetLabelRequest, GetLabelResponse, GetMatrixRequest, GetMatrixResponse, SetPreferencesRequest,
    SetPreferencesResponse, SignUpRequest, SignUpResponse,
};
use crate::wire::server::Api;
use crate::wire::types::{Color, SignUpRequestBody};
use apigen_runtime::server::HandlerError;
use serde_json::json;
use std::collections::BTreeMap;

/// Answers with what it read; `/items` also sends the list header `X-Rate: x,y`.
pub struct Echo;

fn list_and_color(list: Vec<String>, color: &Color) -> BTreeMap<String, serde_json::Value> {
    BTreeMap::from([("list".to_owned(), json!(list)), ("color".to_owned(), json!([color.r, color.g, color.b]))])
}

impl Api for Echo {
    async fn checkout(&self, request: CheckoutRequest) -> Result<CheckoutResponse, HandlerError> {
        Ok(CheckoutResponse::Ok(request.body))
    }

    async fn set_preferences(&self, request: SetPreferencesRequest) -> Result<SetPreferencesResponse, HandlerError> {
        Ok(SetPreferencesResponse::Ok(request.body))
    }

    async fn get_label(&self, request: GetLabelRequest) -> Result<GetLabelResponse, HandlerError> {
        Ok(GetLabelResponse::Ok(list_and_color(request.list, &request.color)))
    }

    async fn get_matrix(&self, request: GetMatrixRequest) -> Result<GetMatrixResponse, HandlerError> {
        Ok(GetMatrixResponse::Ok(list_and_color(request.list, &request.color)))
    }

    async fn get_color(&self, request: GetColorRequest) -> Result<GetColorResponse, HandlerError> {
        let rgb = |color: &Color| json!([color.r, color.g, color.b]);
        let body = BTreeMap::from([
            ("path".to_owned(), rgb(&request.color)),
            ("x_color".to_owned(), json!(request.x_color.as_ref().map(rgb))),
            ("x_shade".to_owned(), json!(request.x_shade.as_ref().map(rgb))),
        ]);
        Ok(GetColorResponse::Ok(body))
    }

    async fn get_items(&self, request: GetItemsRequest) -> Result<GetItemsResponse, HandlerError> {
        let filter = request.filter.map(|filter| json!({ "status": filter.status, "min_total": filter.min_total }));
        let body = BTreeMap::from([
            ("ids".to_owned(), json!(request.ids)),
            ("filter".to_owned(), json!(filter)),
            ("pipes".to_owned(), json!(request.pipes)),
            ("spaces".to_owned(), json!(request.spaces)),
        ]);
        Ok(GetItemsResponse::Ok { body, x_rate: Some(vec!["x".into(), "y".into()]) })
    }

    async fn sign_up(&self, request: SignUpRequest) -> Result<SignUpResponse, HandlerError> {
        let SignUpRequestBody { username, age, nickname } = request.body;
        let body = BTreeMap::from([
            ("username".to_owned(), json!(username)),
            ("age".to_owned(), json!(age)),
            ("nickname".to_owned(), json!(nickname)),
        ]);
        Ok(SignUpResponse::Created(body))
    }
}
