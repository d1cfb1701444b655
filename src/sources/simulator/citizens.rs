//! The demo's synthetic citizens: the simulator answers for them, and the demo seed files
//! requests in their names.
use serde::Serialize;

use crate::identity::synthetic_pid;

#[derive(Debug, Clone, Serialize)]
pub struct DemoCitizen {
    pub name: &'static str,
    /// Synthetic identity number (month +80, as ID-porten's TestID).
    pub pid: String,
    /// An older number of the same person (a d-nummer), when they had one.
    pub earlier_pid: Option<String>,
    pub geography: Option<&'static str>,
    pub strictly_confidential: bool,
}

/// A synthetic (Tenor, month +80) number; individual numbers 100..999 always give one.
fn pid(day: u32, month: u32, year: u32, d_number: bool) -> String {
    (100..999)
        .find_map(|ind| synthetic_pid(day, month, year, ind, true, d_number))
        .map(|p| p.as_str().to_string())
        .unwrap_or_default()
}

pub fn demo_citizens() -> Vec<DemoCitizen> {
    vec![
        DemoCitizen {
            name: "Amina Yusuf",
            pid: pid(12, 3, 91, false),
            earlier_pid: None,
            geography: Some("030101"),
            strictly_confidential: false,
        },
        DemoCitizen {
            name: "Oleksandr Kovalenko",
            pid: pid(4, 7, 85, false),
            earlier_pid: Some(pid(4, 7, 85, true)),
            geography: Some("030102"),
            strictly_confidential: false,
        },
        DemoCitizen {
            name: "Mariam Haidari",
            pid: pid(23, 11, 99, false),
            earlier_pid: None,
            geography: Some("3420"),
            strictly_confidential: false,
        },
        DemoCitizen {
            name: "Yonas Tesfaye",
            pid: pid(1, 2, 88, false),
            earlier_pid: None,
            geography: Some("3205"),
            strictly_confidential: false,
        },
        DemoCitizen {
            name: "Olena Shevchenko",
            pid: pid(17, 5, 93, false),
            earlier_pid: None,
            geography: Some("030112"),
            strictly_confidential: false,
        },
        DemoCitizen {
            name: "Skjermet Person",
            pid: pid(30, 9, 80, false),
            earlier_pid: None,
            // No address is stored for a person with a strictly confidential address.
            geography: None,
            strictly_confidential: true,
        },
    ]
}
