//! Unions: a discriminator picks the variant even where every variant has the same shape;
//! without one, the variants are tried in order.

use apigen_runtime::server::HandlerError;
use e2e::serve;
use e2e::unions::client::Client;
use e2e::unions::operations::{AddPetRequest, AddPetResponse};
use e2e::unions::server::{router, Api};
use e2e::unions::types::{
    Cat, Circle, Dog, Drawing, DrawingChoice, EmailNotice, IdOrName, LabelOrLabels, LabelOrLabelsVariant0, Lizard,
    Notice, NoticeChoice, Outcome, Pair, PairVariant1, Pet, Shape, SmsNotice, Square,
};
use serde_json::json;

#[test]
fn members_declared_beside_the_choices_come_with_each_of_them() {
    let text = json!({"sent_at": "noon", "channel": "sms", "number": "+49 30 1234"});
    let notice: Notice = serde_json::from_value(text.clone()).unwrap();
    let number = "+49 30 1234".to_owned();
    let expected = NoticeChoice::SmsNotice(SmsNotice { channel: "sms".into(), number });
    assert_eq!(notice, Notice { sent_at: "noon".into(), choice: expected });
    assert_eq!(serde_json::to_value(&notice).unwrap(), text);
    let email: Notice =
        serde_json::from_value(json!({"sent_at": "now", "channel": "email", "address": "a@b.c"})).unwrap();
    assert!(matches!(email.choice, NoticeChoice::EmailNotice(EmailNotice { ref address, .. }) if address == "a@b.c"));
    // The shared member is required of every kind; the kind's own members of that kind.
    for refused in
        [json!({"channel": "sms", "number": "1"}), json!({"sent_at": "noon", "channel": "sms", "address": "a"})]
    {
        assert!(serde_json::from_value::<Notice>(refused.clone()).is_err(), "{refused}");
    }
}

#[test]
fn a_discriminator_the_variants_do_not_declare_is_written_with_them() {
    let text = json!({"kind": "circle", "radius": 1.5});
    let shape: Shape = serde_json::from_value(text.clone()).unwrap();
    assert_eq!(shape, Shape::Circle(Circle { radius: 1.5 }));
    assert_eq!(serde_json::to_value(&shape).unwrap(), text);
    assert_eq!(
        serde_json::to_value(Shape::Square(Square { side: 2.0 })).unwrap(),
        json!({"kind": "square", "side": 2.0})
    );
    // Declared beside the kinds, the discriminator still chooses, and comes back.
    let text = json!({"kind": "square", "title": "plan", "side": 3.0});
    let drawing: Drawing = serde_json::from_value(text.clone()).unwrap();
    assert_eq!(drawing, Drawing { title: "plan".into(), choice: DrawingChoice::Square(Square { side: 3.0 }) });
    assert_eq!(serde_json::to_value(&drawing).unwrap(), text);
    assert!(serde_json::from_value::<Drawing>(json!({"kind": "oval", "title": "x", "side": 1.0})).is_err());
}

#[test]
fn an_array_goes_to_the_array_variant_not_to_a_struct() {
    let empty: LabelOrLabels = serde_json::from_value(json!([])).unwrap();
    assert_eq!(empty, LabelOrLabels::StringList(Vec::new()));
    let named: LabelOrLabels = serde_json::from_value(json!({"name": "a"})).unwrap();
    let choice = LabelOrLabelsVariant0 { name: Some("a".into()), ..Default::default() };
    assert_eq!(named, LabelOrLabels::LabelOrLabelsVariant0(choice));
}

#[test]
fn a_choice_keeps_the_members_it_does_not_declare() {
    // Dropped, what is left of a value could fit another choice of a oneOf as well.
    let sent = json!({"name": "a", "labels": ["x"], "rank": 2});
    let read: LabelOrLabels = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(serde_json::to_value(&read).unwrap(), sent);
}

#[test]
fn the_choice_declaring_more_members_is_tried_first() {
    let failed = json!({"status": "failed", "message": "disk full"});
    let outcome: Outcome = serde_json::from_value(failed.clone()).unwrap();
    assert!(matches!(outcome, Outcome::OutcomeVariant1(_)), "{outcome:?}");
    assert_eq!(serde_json::to_value(&outcome).unwrap(), failed, "the message is kept");
    let ok = json!({"status": "ok"});
    assert_eq!(serde_json::to_value(serde_json::from_value::<Outcome>(ok.clone()).unwrap()).unwrap(), ok);
}

#[test]
fn the_choice_declaring_the_values_members_reads_it() {
    let value = json!({"c": "x"});
    let pair: Pair = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(pair, Pair::PairVariant1(PairVariant1 { c: Some("x".into()), d: None }));
    assert_eq!(serde_json::to_value(&pair).unwrap(), value);
    assert!(serde_json::from_value::<Pair>(json!("text")).is_err());
}

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
