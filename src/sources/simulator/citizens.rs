//! The demo's synthetic citizens: the simulator answers for them, and the demo seed files
//! requests in their names.
use serde::Serialize;

use crate::{
    identity::synthetic_pid,
    sources::relations::{FamilyRelation, RelationRole},
};

#[derive(Debug, Clone, Serialize)]
pub struct DemoCitizen {
    pub name: &'static str,
    /// Synthetic identity number (month +80, as ID-porten's TestID).
    pub pid: String,
    /// An older number of the same person (a d-nummer), when they had one.
    pub earlier_pid: Option<String>,
    /// UDI's DUF number (12 digits), for those who came as applicants for protection or
    /// residence: UDI, IMDi and the municipality also find them by it.
    pub duf: Option<&'static str>,
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
            duf: Some("201258697561"),
            geography: Some("030101"),
            strictly_confidential: false,
        },
        DemoCitizen {
            name: "Oleksandr Kovalenko",
            pid: pid(4, 7, 85, false),
            earlier_pid: Some(pid(4, 7, 85, true)),
            duf: Some("202261457318"),
            geography: Some("030102"),
            strictly_confidential: false,
        },
        DemoCitizen {
            name: "Mariam Haidari",
            pid: pid(23, 11, 99, false),
            earlier_pid: None,
            duf: Some("201697430255"),
            geography: Some("3420"),
            strictly_confidential: false,
        },
        DemoCitizen {
            name: "Yonas Tesfaye",
            pid: pid(1, 2, 88, false),
            earlier_pid: None,
            duf: Some("201588213046"),
            geography: Some("3205"),
            strictly_confidential: false,
        },
        DemoCitizen {
            name: "Olena Shevchenko",
            pid: pid(17, 5, 93, false),
            earlier_pid: None,
            duf: Some("202270015992"),
            geography: Some("030112"),
            strictly_confidential: false,
        },
        DemoCitizen {
            name: "Skjermet Person",
            pid: pid(30, 9, 80, false),
            earlier_pid: None,
            duf: None,
            // No address is stored for a person with a strictly confidential address.
            geography: None,
            strictly_confidential: true,
        },
        // Amina Yusuf's daughter; Amina holds parental responsibility.
        DemoCitizen {
            name: "Leah Yusuf",
            pid: child_pid(2, 5, 14),
            earlier_pid: None,
            duf: None,
            geography: Some("030101"),
            strictly_confidential: false,
        },
        // An unaccompanied minor asylum seeker: no parents in Folkeregisteret; the
        // Statsforvalteren appointed Yonas Tesfaye as his representative.
        DemoCitizen {
            name: "Ahmad Rahimi",
            pid: child_pid(19, 8, 10),
            earlier_pid: None,
            duf: Some("202345120873"),
            geography: Some("3205"),
            strictly_confidential: false,
        },
    ]
}

/// Index in [`demo_citizens`] of the parent, the child, the unaccompanied minor and his
/// representative.
pub const PARENT: usize = 0;
pub const CHILD: usize = 6;
pub const UNACCOMPANIED_MINOR: usize = 7;
pub const MINOR_REPRESENTATIVE: usize = 3;

/// A synthetic number for someone born in 2000-2039 (individual numbers 500..999).
fn child_pid(day: u32, month: u32, year: u32) -> String {
    (500..999)
        .find_map(|ind| synthetic_pid(day, month, year, ind, true, false))
        .map(|p| p.as_str().to_string())
        .unwrap_or_default()
}

/// Folkeregisteret's family relations of `pid` among the demo citizens: the parent with
/// parental responsibility and the child, each seeing the other.
pub fn family_relations(pid: &str) -> Vec<FamilyRelation> {
    let all = demo_citizens();
    let birth = |c: &DemoCitizen| {
        crate::identity::Pid::parse(
            &c.pid,
            crate::identity::PidPolicy {
                allow_synthetic: true,
            },
        )
        .ok()
        .and_then(|p| p.birth_date())
    };
    let relation = |c: &DemoCitizen, role| FamilyRelation {
        pid: c.pid.clone(),
        role,
        parental_responsibility: role == RelationRole::Child,
        birth_date: birth(c),
        name: c.name.to_string(),
    };
    let (parent, child) = (&all[PARENT], &all[CHILD]);
    if pid == parent.pid {
        vec![relation(child, RelationRole::Child)]
    } else if pid == child.pid {
        vec![relation(parent, RelationRole::Parent)]
    } else {
        Vec::new()
    }
}
