//! The programme's rules. Pure: no IO, no clock (time is passed in), no amounts or product names in code.

pub mod balance;
pub mod basket;
pub mod catalogue;
pub mod ids;
pub mod money;
pub mod pin;
pub mod policy;
pub mod quantity;
pub mod roster;
pub mod zone;

pub use balance::{Balance, PeriodFlow, compute_balance};
pub use basket::{
    AcceptedBasket, AcceptedLine, LineInput, Violation, check_basket, explain_visitor,
};
pub use catalogue::{Catalogue, CatalogueError, Ean13, Product, ProductClass};
pub use ids::{CardNumber, IdError, KkNumber, Nik};
pub use money::{MoneyError, Rupiah};
pub use pin::{Pin, PinError, PinOutcome, PinVerifier};
pub use policy::{Period, Policy, PolicyError};
pub use quantity::{Quantity, QuantityError, Unit, line_total};
pub use roster::{Entitlement, Kpm};
pub use zone::parse_timezone;
