//! A spec generated under the options of its `apigen.toml` (e2e/specs/configured/): each
//! option shows in what the generated code does, and on the wire. The spec states what the
//! options' types enforce (`format: ipv4`, a `pattern`, `additionalProperties: false`), and
//! openapi-core judges the exchanges (e2e/exchanges-oracle.sh) by it: it finds each request
//! the server refuses invalid too.

use apigen_runtime::server::HandlerError;
use e2e::{send_raw, serve};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::net::Ipv4Addr;
use std::sync::Mutex;

/// The type the options put in place of the `Money` schema: an amount in cents and a currency,
/// written `12.50 EUR` as the schema says.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    cents: u64,
    currency: String,
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{}.{:02} {}", self.cents / 100, self.cents % 100, self.currency))
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let parse = || {
            let (amount, currency) = text.split_once(' ')?;
            let (units, cents) = amount.split_once('.')?;
            Some(Money {
                cents: units.parse::<u64>().ok()? * 100 + cents.parse::<u64>().ok()?,
                currency: currency.into(),
            })
        };
        parse().ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not an amount and a currency")))
    }
}

mod pets {
    apigen_macros::generate!("specs/configured/pets.yaml");
}

use pets::operations::{AddPetRequest, AddPetResponse, ListPetsResponse};
use pets::types::Pet;

/// Implements every operation the options keep: `adminStats`, tagged `admin`, is not one.
#[derive(Default)]
struct Shelter {
    pets: Mutex<Vec<Pet>>,
}

impl pets::server::Api for Shelter {
    async fn list_pets(&self) -> Result<ListPetsResponse, HandlerError> {
        Ok(ListPetsResponse::Ok(self.pets.lock().unwrap().clone()))
    }

    async fn add_pet(&self, request: AddPetRequest) -> Result<AddPetResponse, HandlerError> {
        self.pets.lock().unwrap().push(request.body.clone());
        Ok(AddPetResponse::Created(request.body))
    }
}

fn rex() -> Pet {
    Pet { name: "Rex".into(), price: Money { cents: 1250, currency: "EUR".into() }, feeder: Ipv4Addr::new(10, 0, 0, 7) }
}

fn requires_eq<T: Eq>() {}

#[tokio::test]
async fn the_options_shape_the_generated_code() {
    // Derives: Eq on every type, Hash on Pet; Eq on addPet's request and response.
    let set: HashSet<Pet> = [rex(), rex()].into_iter().collect();
    assert_eq!(set.len(), 1);
    requires_eq::<AddPetRequest>();
    requires_eq::<AddPetResponse>();

    // The replaced schema and the x-rust-type property on the wire.
    let wire = serde_json::to_value(rex()).unwrap();
    assert_eq!(wire, serde_json::json!({"name": "Rex", "price": "12.50 EUR", "feeder": "10.0.0.7"}));

    // An attribute: Pet refuses members it does not declare.
    let extra = serde_json::json!({"name": "Rex", "price": "12.50 EUR", "feeder": "10.0.0.7", "colour": "brown"});
    assert!(serde_json::from_value::<Pet>(extra).is_err());
}

#[tokio::test]
async fn the_configured_api_serves_as_its_options_say() {
    let address = serve(pets::server::router(Shelter::default())).await;
    let client = pets::client::Client::with_base_url(&format!("http://{address}"));
    assert_eq!(client.add_pet(AddPetRequest { body: rex() }).await.unwrap(), AddPetResponse::Created(rex()));
    assert_eq!(client.list_pets().await.unwrap(), ListPetsResponse::Ok(vec![rex()]));

    let url = format!("http://{address}/pets");
    let post = |body: &'static str| send_raw("POST", &url, Some("application/json"), body);
    let good = post(r#"{"name":"Ida","price":"3.05 USD","feeder":"192.168.1.2"}"#).await;
    assert_eq!(good.status, 201, "{}", good.body);
    assert_eq!(good.body["price"], "3.05 USD");
    // Just outside what the types accept: an address that is not IPv4, an amount without a
    // currency, a member Pet does not declare.
    for bad in [
        r#"{"name":"Ida","price":"3.05 USD","feeder":"192.168.1.256"}"#,
        r#"{"name":"Ida","price":"3.05","feeder":"192.168.1.2"}"#,
        r#"{"name":"Ida","price":"3.05 USD","feeder":"192.168.1.2","colour":"grey"}"#,
    ] {
        assert_eq!(post(bad).await.status, 400, "{bad}");
    }
    // The operation of another tag is not served.
    assert_eq!(send_raw("GET", &format!("http://{address}/admin/stats"), None, "").await.status, 404);
}
