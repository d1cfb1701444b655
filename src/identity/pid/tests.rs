//! The check-digit rules over a table of numbers, the 2032 rule, the generator.
#![allow(clippy::unwrap_used)]
use chrono::{Datelike, NaiveDate};

use super::*;

const PROD: PidPolicy = PidPolicy {
    allow_synthetic: false,
};
const TEST: PidPolicy = PidPolicy {
    allow_synthetic: true,
};

#[test]
fn birth_date_is_read_from_both_number_kinds() {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    // (day, month, year2, individual, d-nummer, expected)
    for (day, month, year2, ind, d_number, want) in [
        (14, 2, 90, 123, false, date(1990, 2, 14)),
        (14, 2, 90, 123, true, date(1990, 2, 14)),
        (1, 12, 5, 512, false, date(2005, 12, 1)),
        (31, 1, 60, 950, true, date(1960, 1, 31)),
        (29, 2, 0, 600, false, date(2000, 2, 29)),
    ] {
        let pid = (ind..ind + 50)
            .find_map(|i| synthetic_pid(day, month, year2, i, true, d_number))
            .unwrap();
        assert_eq!(
            pid.birth_date(),
            want,
            "{day}.{month}.{year2} ind {ind} d {d_number}"
        );
    }
}

/// Classic rule only: k1 remainder must be 0 (used by the property test).
fn classic_ok(s: &str) -> bool {
    let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
    (weighted(&d[..9], &K1_WEIGHTS) + d[9]).is_multiple_of(11)
        && (weighted(&d[..10], &K2_WEIGHTS) + d[10]).is_multiple_of(11)
}

fn k1_remainder(s: &str) -> u32 {
    let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
    (weighted(&d[..9], &K1_WEIGHTS) + d[9]) % 11
}

#[test]
fn pid_table() {
    // (input, policy, expected, comment)
    let rows: &[(&str, PidPolicy, Result<PidKind, PidError>, &str)] = &[
        // --- Skatteetaten nyttfnr2032 examples ---
        (
            "02013299997",
            PROD,
            Ok(PidKind::Fodselsnummer),
            "2032 doc example (k1 remainder 0: classic-valid too)",
        ),
        (
            "30108299920",
            PROD,
            Ok(PidKind::Fodselsnummer),
            "2032 doc example (k1 remainder 0: classic-valid too)",
        ),
        (
            "30108299939",
            PROD,
            Ok(PidKind::Fodselsnummer),
            "2032 doc example, k1 remainder 1: valid only under 2032 rule",
        ),
        // --- 2032 k1 freedom, computed by hand from 301082999 ---
        (
            "30108299947",
            PROD,
            Ok(PidKind::Fodselsnummer),
            "k1 remainder 2: valid only under 2032 rule",
        ),
        (
            "30108299955",
            PROD,
            Ok(PidKind::Fodselsnummer),
            "k1 remainder 3: valid only under 2032 rule",
        ),
        (
            "30108299963",
            PROD,
            Err(PidError::Checksum),
            "k1 remainder 4: invalid under both rules (k2 correct)",
        ),
        (
            "30108299912",
            PROD,
            Err(PidError::Checksum),
            "k1 remainder 10: invalid (k2 correct)",
        ),
        (
            "30108299921",
            PROD,
            Err(PidError::Checksum),
            "wrong k2 (correct is 0)",
        ),
        (
            "02013299998",
            PROD,
            Err(PidError::Checksum),
            "wrong k2 (correct is 7)",
        ),
        // --- ordinary fødselsnummer, check digits verified by hand ---
        (
            "01019012561",
            PROD,
            Ok(PidKind::Fodselsnummer),
            "01.01.90 individ 125: k1=6, k2=1",
        ),
        (
            "  01019012561\n",
            PROD,
            Ok(PidKind::Fodselsnummer),
            "surrounding whitespace trimmed",
        ),
        (
            "29020012542",
            PROD,
            Ok(PidKind::Fodselsnummer),
            "29 Feb accepted (year 2000 leap)",
        ),
        (
            "29020112563",
            PROD,
            Ok(PidKind::Fodselsnummer),
            "29 Feb accepted even for yy=01: century unknown",
        ),
        // --- d-nummer ---
        (
            "41019012555",
            PROD,
            Ok(PidKind::DNummer),
            "d-nummer: day 01+40",
        ),
        (
            "71129912574",
            PROD,
            Ok(PidKind::DNummer),
            "d-nummer: day 31+40",
        ),
        // --- synthetic ---
        (
            "01419012544",
            PROD,
            Err(PidError::SyntheticNotAllowed),
            "Dolly +40 refused in production",
        ),
        (
            "01419012544",
            TEST,
            Ok(PidKind::Fodselsnummer),
            "Dolly +40 accepted in test mode",
        ),
        (
            "01819012527",
            PROD,
            Err(PidError::SyntheticNotAllowed),
            "Tenor +80 refused in production",
        ),
        (
            "01819012527",
            TEST,
            Ok(PidKind::Fodselsnummer),
            "Tenor +80 accepted in test mode",
        ),
        (
            "41819012510",
            TEST,
            Ok(PidKind::DNummer),
            "synthetic Tenor d-nummer",
        ),
        // --- length / characters ---
        ("", PROD, Err(PidError::WrongLength), "empty"),
        ("   ", PROD, Err(PidError::WrongLength), "only whitespace"),
        ("0101901234", PROD, Err(PidError::WrongLength), "10 digits"),
        (
            "010190123400",
            PROD,
            Err(PidError::WrongLength),
            "12 digits",
        ),
        (
            "010190 12340",
            PROD,
            Err(PidError::NotDigits),
            "inner space",
        ),
        (
            "0101901234O",
            PROD,
            Err(PidError::NotDigits),
            "letter O instead of zero",
        ),
        ("01019O-2340", PROD, Err(PidError::NotDigits), "punctuation"),
        (
            "0101901234٠",
            PROD,
            Err(PidError::NotDigits),
            "non-ASCII (Arabic-Indic) digit",
        ),
        // --- dates ---
        ("32019012340", PROD, Err(PidError::InvalidDate), "day 32"),
        ("00019012340", PROD, Err(PidError::InvalidDate), "day 00"),
        ("01139012340", PROD, Err(PidError::InvalidDate), "month 13"),
        ("01009012340", PROD, Err(PidError::InvalidDate), "month 00"),
        ("31049012340", PROD, Err(PidError::InvalidDate), "31 April"),
        ("30029012340", PROD, Err(PidError::InvalidDate), "30 Feb"),
        (
            "72019012340",
            PROD,
            Err(PidError::InvalidDate),
            "d-nummer day 32",
        ),
        (
            "81019012340",
            PROD,
            Err(PidError::InvalidDate),
            "FH-nummer (first digit 8) not supported",
        ),
        (
            "01219012340",
            PROD,
            Err(PidError::InvalidDate),
            "month 21 (no such offset)",
        ),
        (
            "01539012340",
            TEST,
            Err(PidError::InvalidDate),
            "Dolly month 53 = 13",
        ),
        (
            "01939012340",
            TEST,
            Err(PidError::InvalidDate),
            "Tenor month 93 = 13",
        ),
    ];
    for (input, policy, expected, comment) in rows {
        let got = Pid::parse(input, *policy).map(|p| p.kind());
        assert_eq!(&got, expected, "{comment}: {input:?}");
    }
}

#[test]
fn hand_computed_rows_match_generator() {
    // Guards the hard-coded valid rows above against typos.
    let rows: &[(&str, Option<Pid>, &str)] = &[
        ("01019012561", generate_pid(1, 1, 90, 125, false), "fnr"),
        ("29020012542", generate_pid(29, 2, 0, 125, false), "29 Feb"),
        ("41019012555", generate_pid(1, 1, 90, 125, true), "d-nummer"),
        (
            "01419012544",
            synthetic_pid(1, 1, 90, 125, false, false),
            "Dolly",
        ),
        (
            "01819012527",
            synthetic_pid(1, 1, 90, 125, true, false),
            "Tenor",
        ),
        (
            "41819012510",
            synthetic_pid(1, 1, 90, 125, true, true),
            "Tenor d-nummer",
        ),
    ];
    for (expected, generated, comment) in rows {
        assert_eq!(
            generated.as_ref().map(Pid::as_str),
            Some(*expected),
            "{comment}"
        );
    }
}

#[test]
fn skatteetaten_2032_examples() {
    // (input, k1 remainder, valid under classic rule)
    let rows: &[(&str, u32, bool)] = &[
        ("02013299997", 0, true),
        ("30108299920", 0, true),
        ("30108299939", 1, false),
        ("30108299947", 2, false),
        ("30108299955", 3, false),
    ];
    for (input, rem, classic) in rows {
        assert!(Pid::parse(input, PROD).is_ok(), "{input}");
        assert_eq!(k1_remainder(input), *rem, "{input}");
        assert_eq!(classic_ok(input), *classic, "{input}");
    }
}

#[test]
fn pid_accessors() {
    let rows: &[(&str, PidPolicy, PidKind, bool, &str)] = &[
        (
            "01019012561",
            PROD,
            PidKind::Fodselsnummer,
            false,
            "010190*****",
        ),
        ("41019012555", PROD, PidKind::DNummer, false, "410190*****"),
        (
            "01419012544",
            TEST,
            PidKind::Fodselsnummer,
            true,
            "014190*****",
        ),
        ("41819012510", TEST, PidKind::DNummer, true, "418190*****"),
    ];
    for (input, policy, kind, synthetic, masked) in rows {
        let p = Pid::parse(input, *policy).unwrap();
        assert_eq!(p.kind(), *kind, "{input}");
        assert_eq!(p.is_synthetic(), *synthetic, "{input}");
        assert_eq!(p.masked(), *masked, "{input}");
        assert_eq!(p.as_str(), *input);
    }
    // as_str is the trimmed value
    assert_eq!(
        Pid::parse(" 01019012561 ", PROD).unwrap().as_str(),
        "01019012561"
    );
}

#[test]
fn debug_and_errors_do_not_leak_digits() {
    let p = Pid::parse("01019012561", PROD).unwrap();
    let dbg = format!("{p:?}");
    assert_eq!(dbg, "Pid(***********)");
    assert!(!dbg.chars().any(|c| c.is_ascii_digit()), "{dbg}");
    let pretty = format!("{:#?}", Some(p));
    assert!(!pretty.chars().any(|c| c.is_ascii_digit()), "{pretty}");

    for e in [
        PidError::WrongLength,
        PidError::NotDigits,
        PidError::InvalidDate,
        PidError::Checksum,
        PidError::SyntheticNotAllowed,
    ] {
        // "11 digits" is the only number allowed in a message
        let msg = e.to_string().replace("11", "");
        assert!(!msg.chars().any(|c| c.is_ascii_digit()), "{msg}");
    }
}

#[test]
fn pid_kind_serializes_snake_case() {
    assert_eq!(
        serde_json::to_string(&PidKind::DNummer).unwrap(),
        "\"d_nummer\""
    );
    assert_eq!(
        serde_json::to_string(&PidKind::Fodselsnummer).unwrap(),
        "\"fodselsnummer\""
    );
}

#[test]
fn generated_numbers_parse_back_for_every_date() {
    let mut produced = 0u32;
    let mut skipped = 0u32;
    // 2000 is a leap year: covers 29 Feb.
    let mut date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    while date.year() == 2000 {
        let (day, month) = (date.day(), date.month());
        for individual in 0..50 {
            for d_number in [false, true] {
                let variants = [
                    (
                        generate_pid(day, month, 0, individual, d_number),
                        PROD,
                        false,
                    ),
                    (
                        synthetic_pid(day, month, 0, individual, false, d_number),
                        TEST,
                        true,
                    ),
                    (
                        synthetic_pid(day, month, 0, individual, true, d_number),
                        TEST,
                        true,
                    ),
                ];
                for (pid, policy, synthetic) in variants {
                    let Some(pid) = pid else {
                        skipped += 1; // check digit 10: caller tries next individual
                        continue;
                    };
                    produced += 1;
                    let back = Pid::parse(pid.as_str(), policy).unwrap();
                    assert_eq!(back, pid);
                    assert!(classic_ok(pid.as_str()));
                    assert_eq!(back.is_synthetic(), synthetic);
                    let kind = if d_number {
                        PidKind::DNummer
                    } else {
                        PidKind::Fodselsnummer
                    };
                    assert_eq!(back.kind(), kind);
                    if synthetic {
                        assert_eq!(
                            Pid::parse(pid.as_str(), PROD),
                            Err(PidError::SyntheticNotAllowed)
                        );
                    }
                }
            }
        }
        date = date.succ_opt().unwrap();
    }
    // Roughly 2 of 11 candidates hit a check digit of 10.
    assert!(
        produced > 366 * 50 * 6 * 7 / 10,
        "{produced} produced, {skipped} skipped"
    );
    assert!(skipped > 0);
}

#[test]
fn generator_rejects_bad_parts() {
    let rows: &[(Option<Pid>, &str)] = &[
        (generate_pid(0, 1, 90, 125, false), "day 0"),
        (generate_pid(32, 1, 90, 125, false), "day 32"),
        (generate_pid(31, 4, 90, 125, false), "31 April"),
        (generate_pid(1, 13, 90, 125, false), "month 13"),
        (generate_pid(1, 1, 100, 125, false), "year2 100"),
        (generate_pid(1, 1, 90, 1000, false), "individual 1000"),
        (synthetic_pid(30, 2, 90, 125, true, false), "30 Feb"),
        (
            generate_pid(1, 1, 90, 123, false),
            "individual 123 gives k1 = 10: try the next one",
        ),
    ];
    for (got, comment) in rows {
        assert!(got.is_none(), "{comment}");
    }
}

/// Changing any single digit of a valid classic number never yields a valid
/// number, under either rule. Reason: the k2 check (weights 5,4,3,2,7,6,5,4,3,2,1)
/// covers all 11 digits with weights that are non-zero mod 11, and 11 is prime,
/// so a change of one digit by δ ∈ ±1..±9 shifts the k2 sum by w·δ ≢ 0 (mod 11).
/// The 2032 freedom only relaxes k1, so it cannot rescue a single-digit change;
/// it only matters if k2 is recomputed (a different issued number, see the
/// 30108299939 row), which a single-digit typo cannot do.
#[test]
fn single_digit_change_is_always_rejected() {
    let mut checked = 0u32;
    let mut checksum_errors = 0u32;
    for (day, month, individual, d_number) in [
        (1, 1, 0, false),
        (15, 6, 123, false),
        (31, 12, 499, true),
        (29, 2, 42, false),
    ] {
        for individual in individual..individual + 20 {
            let Some(pid) = generate_pid(day, month, 85, individual, d_number) else {
                continue;
            };
            let original = pid.as_str().as_bytes().to_vec();
            for pos in 0..11 {
                for digit in b'0'..=b'9' {
                    if digit == original[pos] {
                        continue;
                    }
                    let mut m = original.clone();
                    m[pos] = digit;
                    let m = String::from_utf8(m).unwrap();
                    checked += 1;
                    assert!(!classic_ok(&m), "{m} valid under classic rule");
                    let res = Pid::parse(&m, TEST);
                    assert!(res.is_err(), "{m} accepted");
                    if res == Err(PidError::Checksum) {
                        checksum_errors += 1;
                    } else {
                        // Any other error must be a date error (structure broke first).
                        assert_eq!(res, Err(PidError::InvalidDate), "{m}");
                    }
                }
            }
        }
    }
    assert!(checked > 5000);
    assert!(checksum_errors > checked / 2);
}
