//! Letters (issue 5 part 3).
pub mod html;
pub mod model;
pub mod pdf;
