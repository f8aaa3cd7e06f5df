//! A spec's refresh operation, called from data: generated clients describe the operation
//! their `x-token-refresh` extension names as a [`RefreshBinding`], and the transport turns it
//! into a [`Refresh`] for a [`TokenSource`].

use super::token::{Refresh, RefreshFuture, TokenOptions, TokenSource, Tokens};
use super::{Credential, Error, Transport};
use crate::Operation;
use serde_json::{Map, Value};

/// Where the current tokens go in a refresh request body and where the new ones are in the
/// answer, as JSON pointers. The current access token also goes in every scheme `security`
/// names, which is how APIs that take it in a header (`Authorization: JWT <token>`) get it.
#[derive(Clone, Copy, Debug)]
pub struct RefreshBinding {
    /// The refresh operation: its method, path (relative to the base URL) and the schemes the
    /// current access token is sent in.
    pub operation: &'static Operation,
    /// The JSON request body's media type, when the operation takes one.
    pub content_type: Option<&'static str>,
    /// Where the current access token goes in the request body.
    pub send_access: Option<&'static str>,
    /// Where the current refresh token goes in the request body.
    pub send_refresh: Option<&'static str>,
    /// Where the new access token is in the success body.
    pub access: &'static str,
    /// Where a new refresh token is in the success body, for APIs that rotate them.
    pub refresh: Option<&'static str>,
}

impl Transport {
    /// A token source that refreshes through `binding` on this transport's server.
    pub fn token_source(&self, binding: &'static RefreshBinding, tokens: Tokens, options: TokenOptions) -> TokenSource {
        TokenSource::new(tokens, options, BoundRefresh { binding, transport: self.clone() })
    }
}

struct BoundRefresh {
    binding: &'static RefreshBinding,
    transport: Transport,
}

impl Refresh for BoundRefresh {
    fn refresh<'a>(&'a self, current: &'a Tokens) -> RefreshFuture<'a> {
        Box::pin(self.call(current))
    }
}

impl BoundRefresh {
    async fn call(&self, current: &Tokens) -> Result<Tokens, Error> {
        let binding = self.binding;
        // The current token is sent as a fixed credential: going through the token source
        // would wait on the refresh this call is.
        let mut transport = self.transport.clone();
        let operation = binding.operation;
        for requirement in operation.security.iter().flat_map(|alternative| alternative.iter()) {
            transport.set_credential(requirement.scheme, current.access.clone());
        }
        let mut request = transport.request_for(operation, operation.path.to_owned());
        if let Some(content_type) = binding.content_type {
            let mut body = Value::Object(Map::new());
            if let Some(pointer) = binding.send_access {
                place(&mut body, pointer, &current.access);
            }
            match (binding.send_refresh, &current.refresh) {
                (Some(pointer), Some(refresh)) => place(&mut body, pointer, refresh),
                (Some(_), None) => return Err(refused("there is no refresh token to send")),
                (None, _) => {}
            }
            request.json_body(content_type, &body);
        }
        let response = transport.send(request).await?;
        if !response.status().is_success() {
            return Err(response.unexpected());
        }
        let body: Value = response.json()?;
        let token_at = |pointer: &str| body.pointer(pointer).and_then(Value::as_str).map(Credential::from);
        let access = token_at(binding.access).ok_or_else(|| Error::Refresh {
            rejected: false,
            message: format!("the refresh answer has no token at {}", binding.access),
            response: None,
        })?;
        Ok(Tokens { access, refresh: binding.refresh.and_then(token_at), expires_at: None })
    }
}

fn refused(message: &str) -> Error {
    Error::Refresh { rejected: true, message: message.to_owned(), response: None }
}

/// Sets the string at `pointer` in `body`, creating the objects on the way.
fn place(body: &mut Value, pointer: &str, token: &Credential) {
    let mut at = body;
    let mut tokens = pointer.split('/').skip(1).map(crate::unescape_token).peekable();
    while let Some(key) = tokens.next() {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Value::Object(object) = at else { return };
        if tokens.peek().is_none() {
            object.insert(key, Value::String(token.secret().to_owned()));
            return;
        }
        at = object.entry(key).or_insert_with(|| Value::Object(Map::new()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_placed_at_their_pointers() {
        let mut body = Value::Object(Map::new());
        place(&mut body, "/token", &Credential::new("a"));
        place(&mut body, "/auth/refresh~1token", &Credential::new("r"));
        assert_eq!(body, serde_json::json!({"token": "a", "auth": {"refresh/token": "r"}}));
    }
}
