//! Privacy under Indonesia's Personal Data Protection law (UU 27/2022): a resident's data
//! export, anonymisation on request, the retention sweep that anonymises former
//! residents, and its setting. (NIK validation is a newtype, `common::types::Nik`.)
//!
//! A domain of its own rather than part of `property`: it reads and rewrites rows of
//! every domain (bills, complaints, votes, bookings, notifications, logins, the audit
//! log), and `property` is what those domains build on.
//!
//! # Layout
//! - [`service`]: the rules and SQL (export document, anonymisation, retention sweep).
//! - [`model`]: GraphQL objects.
//! - [`schema`]: `privacySettings`, `exportResidentData`, `anonymiseResident`,
//!   `updatePrivacySettings`.

pub mod model;
pub mod schema;
pub mod service;
