//! Swagger 2.0 end to end: a body parameter, formData as URL-encoded and as multipart (with a
//! file), definitions with x-nullable, an API key from securityDefinitions, and operations
//! without an operationId, each from the generated client to the generated server.

use apigen_runtime::http::StatusCode;
use apigen_runtime::server::{HandlerError, Presented, Problem, Rejection};
use apigen_runtime::Multipart;
use e2e::swagger2::client::Client;
use e2e::swagger2::operations::*;
use e2e::swagger2::server::{router, Api};
use e2e::swagger2::types::{Pet, PetStatus, UpdatePetWithFormRequestBody};
use e2e::{assert_problem, send_raw, serve};
use serde_json::json;

struct Pets;

impl Api for Pets {
    type Claims = String;

    async fn pets_post(&self, _: String, request: PetsPostRequest) -> Result<PetsPostResponse, HandlerError> {
        Ok(PetsPostResponse::Created(Pet { id: Some(1), ..request.body }))
    }

    async fn update_pet_with_form(
        &self,
        _: String,
        request: UpdatePetWithFormRequest,
    ) -> Result<UpdatePetWithFormResponse, HandlerError> {
        let status = match request.body.status.as_deref() {
            Some("sold") => Some(PetStatus::Sold),
            Some(other) => Some(PetStatus::Other(other.into())),
            None => None,
        };
        Ok(UpdatePetWithFormResponse::Ok(Pet { id: Some(request.pet_id), name: request.body.name, tag: None, status }))
    }

    async fn upload_photo(&self, _: String, request: UploadPhotoRequest) -> Result<UploadPhotoResponse, HandlerError> {
        let form = request.body;
        let Some(file) = form.part("file") else {
            return Err(HandlerError::response(Problem::new(StatusCode::BAD_REQUEST, "the file part is required")));
        };
        Ok(UploadPhotoResponse::Ok(format!(
            "pet {}: {} ({}, {} bytes), caption {:?}",
            request.pet_id,
            file.file_name.as_deref().unwrap_or("-"),
            file.content_type.as_deref().unwrap_or("-"),
            file.body.len(),
            form.text_of("caption")
        )))
    }
}

async fn start() -> (Client, String) {
    let check_key = |presented: Presented<'_>| match presented.credential {
        "key-1" => Ok("owner".to_owned()),
        _ => Err(Rejection::Invalid("unknown API key".into())),
    };
    let address = serve(router(Pets, check_key)).await;
    let base = format!("http://{address}/v1");
    (Client::with_base_url(&base).with_api_key("key-1"), base)
}

#[tokio::test]
async fn a_body_parameter_and_x_nullable() {
    let (client, _) = start().await;
    let pet = Pet { id: None, name: "Rex".into(), tag: Some(None), status: Some(PetStatus::Available) };
    // An operation without an operationId is named from its path and method.
    let PetsPostResponse::Created(created) = client.pets_post(PetsPostRequest { body: pet.clone() }).await.unwrap()
    else {
        panic!("expected 201");
    };
    assert_eq!(created, Pet { id: Some(1), ..pet });
    // x-nullable: null survives the trip, as it was sent.
    assert_eq!(
        serde_json::to_value(&created).unwrap(),
        json!({"id": 1, "name": "Rex", "tag": null, "status": "available"})
    );
}

#[tokio::test]
async fn form_data_url_encoded() {
    let (client, _) = start().await;
    let body = UpdatePetWithFormRequestBody { name: "Tom".into(), status: Some("adopted".into()) };
    let UpdatePetWithFormResponse::Ok(pet) =
        client.update_pet_with_form(UpdatePetWithFormRequest { pet_id: 9, body }).await.unwrap();
    assert_eq!((pet.id, pet.name.as_str()), (Some(9), "Tom"));
    // A status the spec does not list arrives in the catch-all.
    assert_eq!(pet.status, Some(PetStatus::Other("adopted".into())));
}

#[tokio::test]
async fn form_data_multipart_with_a_file() {
    let (client, _) = start().await;
    let photo: Vec<u8> = (0..=255).collect();
    let form = Multipart::new().text("caption", "on the sofa").file("file", "rex.png", "image/png", photo);
    let UploadPhotoResponse::Ok(receipt) =
        client.upload_photo(UploadPhotoRequest { pet_id: 9, body: form }).await.unwrap();
    assert_eq!(receipt, "pet 9: rex.png (image/png, 256 bytes), caption Some(\"on the sofa\")");
}

#[tokio::test]
async fn a_malformed_multipart_body_is_a_400_problem() {
    let (_, base) = start().await;
    let reply = e2e::send_raw_with(
        "POST",
        &format!("{base}/pets/9/photo"),
        &[("content-type", "multipart/form-data; boundary=b"), ("x-api-key", "key-1")],
        "--b\r\nno headers end",
    )
    .await;
    assert_problem(&reply, 400);
    assert!(
        reply.body["detail"].as_str().unwrap().starts_with("the multipart request body is invalid"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn the_api_key_is_checked() {
    let (_, base) = start().await;
    let reply = send_raw("POST", &format!("{base}/pets"), Some("application/json"), r#"{"name": "Rex"}"#).await;
    assert_problem(&reply, 401);
    let client = Client::with_base_url(&base).with_api_key("key-2");
    let pet = Pet { id: None, name: "Rex".into(), tag: None, status: None };
    assert!(matches!(client.pets_post(PetsPostRequest { body: pet }).await.unwrap(), PetsPostResponse::Unauthorized));
}
