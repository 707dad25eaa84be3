//! Terminal ↔ hub: the wire protocol both sides share, and the terminal's client.

pub mod client;
pub mod protocol;
