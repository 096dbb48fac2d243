//! Development stand-ins for third parties this machine cannot reach. Never used by the
//! gateway itself: they serve tests and `klustera dev ...` for trying flows by hand.

pub mod fake_midtrans;
