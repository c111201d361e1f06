use super::*;

const STACK: &str = "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/1";

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|n| (*n).to_owned()).collect()
}

fn validation(domain: &str, status: &str, record: Option<(&str, &str)>) -> Validation {
    Validation {
        domain_name: domain.into(),
        status: status.into(),
        record: record.map(|(n, v)| (n.into(), v.into())),
    }
}

#[test]
fn a_request_names_every_alias_once_and_its_token_is_stable() {
    let r = request(
        STACK,
        "Shop",
        &names(&[
            "Shop.Example.com.",
            "*.shop.example.com",
            "shop.example.com",
        ]),
    )
    .unwrap();
    assert_eq!(r.domain_name, "shop.example.com");
    assert_eq!(r.subject_alternative_names, ["*.shop.example.com"]);
    assert_eq!(r.idempotency_token.len(), TOKEN_LENGTH);
    assert!(
        r.idempotency_token
            .chars()
            .all(|c| c.is_ascii_alphanumeric()),
        "ACM takes \\w+"
    );
    // A redelivered event, the aliases in another order: the same token.
    let again = request(
        STACK,
        "Shop",
        &names(&["*.shop.example.com", "shop.example.com"]),
    )
    .unwrap();
    assert_eq!(again.idempotency_token, r.idempotency_token);
    // Another alias, another resource, another stack: another certificate.
    for other in [
        request(
            STACK,
            "Shop",
            &names(&["shop.example.com", "www.shop.example.com"]),
        ),
        request(
            STACK,
            "Blog",
            &names(&["*.shop.example.com", "shop.example.com"]),
        ),
        request(
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/blog/2",
            "Shop",
            &names(&["*.shop.example.com", "shop.example.com"]),
        ),
    ] {
        assert_ne!(other.unwrap().idempotency_token, r.idempotency_token);
    }
}

#[test]
fn any_number_of_names_is_asked_for_since_only_acm_knows_the_accounts_quota() {
    let many: Vec<String> = (0..11).map(|i| format!("n{i}.example.com")).collect();
    let r = request(STACK, "Shop", &many).unwrap();
    assert_eq!(r.domain_name, "n0.example.com");
    assert_eq!(r.subject_alternative_names.len(), 10);
}

#[test]
fn the_domain_name_is_the_first_alias_that_fits_64_characters_and_the_rest_are_sans() {
    // 65 characters: too long for a Common Name, fine as a SAN.
    let long = format!("{}.example.com", "a".repeat(53));
    assert_eq!(long.len(), 65);
    let fits = format!("{}.example.com", "b".repeat(52));
    assert_eq!(fits.len(), MAX_DOMAIN_NAME);
    let r = request(STACK, "Shop", &names(&[&long, &fits, "c.example.com"])).unwrap();
    assert_eq!(r.domain_name, fits);
    assert_eq!(
        r.subject_alternative_names,
        [long.clone(), "c.example.com".into()]
    );
    // The order does not change the token: the same names, the same certificate.
    let again = request(STACK, "Shop", &names(&[&fits, "c.example.com", &long])).unwrap();
    assert_eq!(again.idempotency_token, r.idempotency_token);

    let error = request(STACK, "Shop", &names(&[&long])).unwrap_err();
    assert_eq!(error, RequestError::NoShortName);
    let text = error.to_string();
    assert!(text.contains("64 characters"), "{text}");
    assert!(
        text.contains("Aliases") && text.contains("CertificateArn"),
        "{text}"
    );
}

#[test]
fn a_ledger_entry_names_the_clone_that_uses_it_and_keeps_it_when_written_again() {
    let arn = "arn:aws:acm:us-east-1:123456789012:certificate/one";
    let ledger = Ledger::default()
        .with(arn, &names(&["Z1"]), &[])
        .used_by(arn, "EONE");
    assert_eq!(ledger.certificates[0].clone_id.as_deref(), Some("EONE"));
    // A continuation writes the records in: the clone it belongs to stays.
    let record = Record {
        name: "_a.example.com.".into(),
        value: "_b.acm-validations.aws.".into(),
        domains: names(&["example.com"]),
    };
    let ledger = ledger.with(arn, &names(&["Z1"]), &[record]);
    let entry = &ledger.certificates[0];
    assert_eq!(entry.clone_id.as_deref(), Some("EONE"));
    assert_eq!(entry.other_clone("EONE"), None);
    assert_eq!(entry.other_clone("EOLD"), Some("EONE"));
    assert_eq!(Ledger::parse(&ledger.to_json()).unwrap(), ledger);
    // A ledger written before entries named their clone still reads.
    let old = Ledger::parse(&format!(
        r#"{{"certificates":[{{"CertificateArn":"{arn}"}}]}}"#
    ))
    .unwrap();
    assert_eq!(old.certificates[0].other_clone("EOLD"), None);
}

#[test]
fn a_wildcard_and_its_base_name_share_one_record_and_missing_records_wait() {
    let shared = ("_a1.example.com.", "_b1.acm-validations.aws.");
    let validations = [
        validation("example.com", "PENDING_VALIDATION", Some(shared)),
        validation("*.example.com", "PENDING_VALIDATION", Some(shared)),
        validation(
            "api.example.com",
            "PENDING_VALIDATION",
            Some(("_a2.api.example.com.", "_b2.acm-validations.aws.")),
        ),
    ];
    let found = records(&validations).unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].domains, ["example.com", "*.example.com"]);
    assert_eq!(found[1].name, "_a2.api.example.com.");

    let early = [
        validation("example.com", "PENDING_VALIDATION", None),
        validations[2].clone(),
    ];
    assert_eq!(records(&early).unwrap_err(), ["example.com"]);
}

#[test]
fn each_record_goes_to_the_most_specific_zone_that_contains_it() {
    let record = |name: &str, domain: &str| Record {
        name: name.into(),
        value: "_v.acm-validations.aws.".into(),
        domains: vec![domain.into()],
    };
    let records = [
        record("_a.shop.example.com.", "shop.example.com"),
        record("_b.eu.shop.example.com.", "eu.shop.example.com"),
        record("_c.example.org.", "example.org"),
    ];
    let zones = [
        Zone {
            id: "Z1".into(),
            name: "example.com.".into(),
        },
        Zone {
            id: "Z2".into(),
            name: "eu.shop.example.com".into(),
        },
        Zone {
            id: "Z3".into(),
            name: "Example.ORG".into(),
        },
    ];
    let placed: Vec<(&str, &str)> = assign(&records, &zones)
        .unwrap()
        .into_iter()
        .map(|(z, r)| (z.id.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        placed,
        [
            ("Z1", "_a.shop.example.com."),
            ("Z2", "_b.eu.shop.example.com."),
            ("Z3", "_c.example.org.")
        ]
    );
    // A zone named like a suffix but not on a label boundary does not contain the name.
    let lookalike = [Zone {
        id: "Z9".into(),
        name: "hop.example.com".into(),
    }];
    let error = assign(&records[..1], &lookalike).unwrap_err();
    assert_eq!(
        error,
        RequestError::NotInZones(
            names(&["shop.example.com"]),
            names(&["hop.example.com (Z9)"])
        )
    );
    assert!(error.to_string().contains("add the zone"), "{error}");
}

#[test]
fn the_standing_names_what_is_missing_and_the_way_out() {
    let validations = [
        validation(
            "example.com",
            "SUCCESS",
            Some(("_a1.example.com.", "_v1.acm-validations.aws.")),
        ),
        validation(
            "api.example.com",
            "PENDING_VALIDATION",
            Some(("_a2.api.example.com.", "_v2.acm-validations.aws.")),
        ),
    ];
    assert_eq!(
        standing(&"ISSUED".into(), None, &validations),
        Standing::Issued
    );
    let Standing::Pending(open) = standing(&"PENDING_VALIDATION".into(), None, &validations) else {
        panic!("pending")
    };
    assert_eq!(open.len(), 1);
    assert_eq!(
        missing_text(&open),
        "_a2.api.example.com. CNAME _v2.acm-validations.aws. (for api.example.com)"
    );
    let Standing::Failed(timed_out) = standing(&"VALIDATION_TIMED_OUT".into(), None, &validations)
    else {
        panic!("failed")
    };
    assert!(
        timed_out.contains("_a2.api.example.com.") && !timed_out.contains("_a1."),
        "{timed_out}"
    );
    let Standing::Failed(caa) = standing(&"FAILED".into(), Some("CAA_ERROR"), &validations) else {
        panic!("failed")
    };
    assert!(caa.contains("CAA") && caa.contains("amazon.com"), "{caa}");
    assert_eq!(
        standing(&"REVOKED".into(), None, &validations),
        Standing::Failed("ACM answered REVOKED".into())
    );
}
