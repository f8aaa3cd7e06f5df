//! One operation's constants, as the generated client, server and refresh binding all read
//! them: the client sends by them, the server checks by them.

use crate::security::Security;

/// An operation of the spec: each generated `operations` module has one constant of these per
/// operation.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// The generated method's name (`auth_token_create`), as a server's `refuse` hears it.
    pub name: &'static str,
    /// The spec's `operationId`, or the method's name where the spec gives none: what traces
    /// name the operation by.
    pub id: &'static str,
    /// The HTTP method as the spec names it (`GET`, 3.2's `QUERY`, an `additionalOperations`
    /// method such as `LINK`).
    pub method: &'static str,
    /// The path template as the spec writes it (`/pets/{petId}`), below the base path.
    pub path: &'static str,
    pub security: Security,
}
