//! Getting feeds: fetching bytes ([`fetch`]), turning them into articles ([`parse`], with the
//! byte-level repairs in `prepare`), and finding feeds on web pages ([`discover`]).

pub mod discover;
pub mod fetch;
pub mod parse;
pub(crate) mod prepare;

pub use fetch::{FetchError, FetchLimits, FetchOutcome, Fetcher, Validators};
pub use parse::{ParseError, ParsedFeed, parse};
