//! Entente: browse diplomacy timelines extracted from news articles.
//!
//! Data flows one way: [`ingest`] reads and cleans files, [`extract`] turns text into facts
//! (pure), [`store`] writes them to SQLite whole articles at a time, and [`web`] serves
//! read-only pages to whom [`access`] lets in. [`import`] and [`export`] drive the stages for
//! the command line ([`cli`]).

pub mod access;
pub mod cli;
pub mod explain;
pub mod export;
pub mod extract;
pub mod generate;
pub mod import;
pub mod ingest;
pub mod reference;
pub mod store;
pub mod web;
