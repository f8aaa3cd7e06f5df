//! `writeOnly` members: requests carry them, responses never do. A generated type serves
//! both ways (a client writes requests with it, a server responses), so the member is left
//! out while a server writes a response, told by a flag the server's reply sets.

use std::cell::Cell;

thread_local! {
    static RESPONDING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `encode` as the writing of a response: write-only members are left out.
pub fn responding<T>(encode: impl FnOnce() -> T) -> T {
    let was = RESPONDING.with(|responding| responding.replace(true));
    let encoded = encode();
    RESPONDING.with(|responding| responding.set(was));
    encoded
}

/// `skip_serializing_if` of a write-only member: absent, or a response is being written.
pub fn write_only<T>(value: &Option<T>) -> bool {
    value.is_none() || RESPONDING.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Account {
        name: String,
        #[serde(skip_serializing_if = "write_only")]
        password: Option<String>,
    }

    #[test]
    fn a_response_leaves_write_only_members_out_and_a_request_keeps_them() {
        let account = Account { name: "ada".into(), password: Some("secret".into()) };
        let request = serde_json::to_string(&account).unwrap();
        assert_eq!(request, r#"{"name":"ada","password":"secret"}"#);
        let response = responding(|| serde_json::to_string(&account).unwrap());
        assert_eq!(response, r#"{"name":"ada"}"#);
        // The flag is the response's only.
        assert_eq!(serde_json::to_string(&account).unwrap(), request);
    }
}
