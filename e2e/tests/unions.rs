//! Unions: a discriminator picks the variant even where every variant has the same shape;
//! without one, the variants are tried in order.

use apigen_runtime::server::HandlerError;
use e2e::serve;
use e2e::unions::client::Client;
use e2e::unions::operations::{AddPetRequest, AddPetResponse};
use e2e::unions::server::{router, Api};
use e2e::unions::types::{Cat, Dog, IdOrName, Lizard, Pet};
use serde_json::json;

#[test]
fn the_discriminator_chooses_the_variant() {
    let pet: Pet = serde_json::from_value(json!({"kind": "dog", "name": "Rex"})).unwrap();
    assert_eq!(pet, Pet::Dog(Dog { kind: "dog".into(), name: "Rex".into() }));
    // Two mapping values for one schema, and the schema's own name when it is not mapped.
    let pet: Pet = serde_json::from_value(json!({"kind": "kitten", "name": "Tom"})).unwrap();
    assert!(matches!(pet, Pet::Cat(_)));
    let pet: Pet = serde_json::from_value(json!({"kind": "Lizard", "name": "Liz"})).unwrap();
    assert!(matches!(pet, Pet::Lizard(Lizard { .. })));
    // Serialized as the variant's own object, discriminator included.
    assert_eq!(
        serde_json::to_value(Pet::Cat(Cat { kind: "cat".into(), name: "Tom".into() })).unwrap(),
        json!({"kind": "cat", "name": "Tom"})
    );
    let unknown = serde_json::from_value::<Pet>(json!({"kind": "parrot", "name": "Polly"})).unwrap_err();
    assert!(unknown.to_string().contains("unknown kind \"parrot\""), "{unknown}");
    let missing = serde_json::from_value::<Pet>(json!({"name": "Polly"})).unwrap_err();
    assert!(missing.to_string().contains("missing field `kind`"), "{missing}");
}

#[test]
fn without_a_discriminator_variants_are_tried_in_order() {
    assert_eq!(serde_json::from_value::<IdOrName>(json!(7)).unwrap(), IdOrName::Integer(7));
    assert_eq!(serde_json::from_value::<IdOrName>(json!("seven")).unwrap(), IdOrName::String("seven".into()));
}

struct Shelter;

impl Api for Shelter {
    async fn add_pet(&self, request: AddPetRequest) -> Result<AddPetResponse, HandlerError> {
        Ok(AddPetResponse::Ok(request.body))
    }
}

#[tokio::test]
async fn unions_travel_both_ways() {
    let address = serve(router(Shelter)).await;
    let client = Client::with_base_url(&format!("http://{address}"));
    let dog = Pet::Dog(Dog { kind: "dog".into(), name: "Rex".into() });
    assert_eq!(client.add_pet(AddPetRequest { body: dog.clone() }).await.unwrap(), AddPetResponse::Ok(dog));
}
