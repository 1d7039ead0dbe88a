//! The benchmarks the project ships: completions through the real server (`load`) and the team
//! report as stored responses grow (`report`). Their figures go in the README.

pub mod load;
pub mod report;
