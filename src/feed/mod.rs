//! Getting feeds: fetching bytes ([`fetch`]), turning them into articles ([`parse`]: text
//! decoding in `prepare`, the forgiving XML [`tree`], the format reader `read` for RSS, RDF,
//! Atom and CDF, `json` for JSON Feed, lenient [`date`]s), and finding feeds on web pages
//! ([`discover`]).

pub mod date;
pub mod discover;
pub mod fetch;
mod json;
pub mod parse;
pub(crate) mod prepare;
mod read;
pub mod tree;

pub use fetch::{FetchError, FetchLimits, FetchOutcome, Fetcher, Validators};
pub use parse::{ParseError, ParsedFeed, parse};
pub(crate) use read::title_line;
