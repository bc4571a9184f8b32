//! Window checks: votes were cast while the election accepted them
//! (vocdoni-node:vochain/transaction/vote_tx.go, block time within `[startTime, startTime + duration]`).

mod v_window_01_inside_window;

pub use v_window_01_inside_window::InsideWindow;
