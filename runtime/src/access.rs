//! `readOnly` and `writeOnly` members: responses carry the one, requests the other. A
//! generated type serves both ways (a client writes requests with it, a server responses),
//! so a member is left out while a value is written the way it does not go, told by a flag
//! the writer sets. Writing is synchronous, so a thread-local flag is enough.

use std::cell::Cell;
use std::thread::LocalKey;

thread_local! {
    static RESPONDING: Cell<bool> = const { Cell::new(false) };
    static REQUESTING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `encode` as the writing of a response: write-only members are left out.
pub fn responding<T>(encode: impl FnOnce() -> T) -> T {
    with_flag(&RESPONDING, encode)
}

/// Runs `encode` as the writing of a request: read-only members are left out.
pub fn requesting<T>(encode: impl FnOnce() -> T) -> T {
    with_flag(&REQUESTING, encode)
}

/// `skip_serializing_if` of a write-only member: absent, or a response is being written.
pub fn skip_write_only<T>(value: &Option<T>) -> bool {
    value.is_none() || RESPONDING.with(Cell::get)
}

/// `skip_serializing_if` of a read-only member: absent, or a request is being written.
pub fn skip_read_only<T>(value: &Option<T>) -> bool {
    value.is_none() || REQUESTING.with(Cell::get)
}

/// Runs `run` with `flag` set, and restores it after, also where `run` panics.
pub(crate) fn with_flag<T>(flag: &'static LocalKey<Cell<bool>>, run: impl FnOnce() -> T) -> T {
    struct Restore(&'static LocalKey<Cell<bool>>, bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            self.0.with(|flag| flag.set(self.1));
        }
    }
    let _restore = Restore(flag, flag.with(|flag| flag.replace(true)));
    run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Account {
        #[serde(skip_serializing_if = "skip_read_only")]
        id: Option<u32>,
        name: String,
        #[serde(skip_serializing_if = "skip_write_only")]
        password: Option<String>,
    }

    #[test]
    fn each_way_leaves_out_the_members_of_the_other() {
        let account = Account { id: Some(7), name: "ada".into(), password: Some("secret".into()) };
        let request = requesting(|| serde_json::to_string(&account).unwrap());
        assert_eq!(request, r#"{"name":"ada","password":"secret"}"#);
        let response = responding(|| serde_json::to_string(&account).unwrap());
        assert_eq!(response, r#"{"id":7,"name":"ada"}"#);
        // Outside either, as a value written for another purpose: every member.
        assert_eq!(serde_json::to_string(&account).unwrap(), r#"{"id":7,"name":"ada","password":"secret"}"#);
    }

    #[test]
    fn a_panic_while_writing_does_not_leave_the_flag_set() {
        let caught = std::panic::catch_unwind(|| responding(|| panic!("a serializer panicked")));
        assert!(caught.is_err());
        let account = Account { id: None, name: "ada".into(), password: Some("secret".into()) };
        assert!(serde_json::to_string(&account).unwrap().contains("secret"));
    }
}
