//! Where refresh-token families live: per family, the one refresh token that may still be
//! spent, or that the family was revoked. [`MemoryStore`] for tests and one process;
//! [`SqliteStore`] (the service's default) survives restarts and is shared by processes on
//! one machine, each spend one transaction.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// What spending a refresh token did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spent {
    /// It was the family's live token; `next` is live now.
    Rotated,
    /// It was spent before: the family is revoked now (whoever holds its tokens, one is a
    /// thief), and no token of it refreshes again.
    Reused,
    /// The family was revoked already, or never existed.
    Revoked,
}

/// A store's failure, as a message.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError(format!("the session store: {error}"))
    }
}

/// Refresh-token families, behind whichever storage keeps them.
pub trait FamilyStore: Send + Sync + 'static {
    /// A new login: `family` starts with `live` as its one spendable refresh token.
    fn start(&self, family: &str, live: &str) -> Result<(), StoreError>;

    /// Spends `presented` of `family`, making `next` live if it was: check and change are
    /// one step, so two spends of one token at once rotate once and revoke for the other.
    fn spend(&self, family: &str, presented: &str, next: &str) -> Result<Spent, StoreError>;
}

/// Families in memory: lost on restart, seen by one process.
#[derive(Default)]
pub struct MemoryStore {
    families: Mutex<(HashMap<String, String>, HashSet<String>)>,
}

impl FamilyStore for MemoryStore {
    fn start(&self, family: &str, live: &str) -> Result<(), StoreError> {
        let mut families = self.families.lock().unwrap_or_else(|poison| poison.into_inner());
        families.0.insert(family.to_owned(), live.to_owned());
        Ok(())
    }

    fn spend(&self, family: &str, presented: &str, next: &str) -> Result<Spent, StoreError> {
        let mut families = self.families.lock().unwrap_or_else(|poison| poison.into_inner());
        let (live, revoked) = &mut *families;
        if revoked.contains(family) || !live.contains_key(family) {
            return Ok(Spent::Revoked);
        }
        if live.get(family).map(String::as_str) == Some(presented) {
            live.insert(family.to_owned(), next.to_owned());
            return Ok(Spent::Rotated);
        }
        live.remove(family);
        revoked.insert(family.to_owned());
        Ok(Spent::Reused)
    }
}

/// Families in an SQLite database file.
pub struct SqliteStore {
    connection: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if need be) the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let connection = Connection::open(path)?;
        // Other processes may hold the write lock for a moment; wait rather than fail.
        connection.busy_timeout(Duration::from_secs(10))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.execute_batch(
            "CREATE TABLE IF NOT EXISTS families (
                family TEXT PRIMARY KEY,
                live TEXT,
                revoked INTEGER NOT NULL DEFAULT 0
            )",
        )?;
        Ok(SqliteStore { connection: Mutex::new(connection) })
    }
}

impl FamilyStore for SqliteStore {
    fn start(&self, family: &str, live: &str) -> Result<(), StoreError> {
        let connection = self.connection.lock().unwrap_or_else(|poison| poison.into_inner());
        connection.execute("INSERT INTO families (family, live) VALUES (?1, ?2)", params![family, live])?;
        Ok(())
    }

    fn spend(&self, family: &str, presented: &str, next: &str) -> Result<Spent, StoreError> {
        let mut connection = self.connection.lock().unwrap_or_else(|poison| poison.into_inner());
        // IMMEDIATE takes the write lock first, so no other process reads between the check
        // and the change.
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row: Option<(Option<String>, bool)> = transaction
            .query_row("SELECT live, revoked FROM families WHERE family = ?1", params![family], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let spent = match row {
            None | Some((_, true)) => Spent::Revoked,
            Some((Some(live), false)) if live == presented => {
                transaction.execute("UPDATE families SET live = ?2 WHERE family = ?1", params![family, next])?;
                Spent::Rotated
            }
            Some(_) => {
                transaction
                    .execute("UPDATE families SET live = NULL, revoked = 1 WHERE family = ?1", params![family])?;
                Spent::Reused
            }
        };
        transaction.commit()?;
        Ok(spent)
    }
}
