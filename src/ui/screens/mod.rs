//! The counter's screens other than the sale: one file each.

mod audit;
mod complaint;
mod day;
mod history;
mod settings;

pub use audit::AuditState;
pub use complaint::ComplaintState;
pub use day::DayState;
pub use history::HistoryState;
pub use settings::{HubForm, settings};
