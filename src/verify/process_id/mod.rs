//! Process-id checks: the election id's bytes encode what the election says it is
//! (vocdoni-node:vochain/processid/process_id.go).

mod v_pid_01_layout;

pub use v_pid_01_layout::Layout;
