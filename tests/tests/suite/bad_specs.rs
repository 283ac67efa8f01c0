//! Each broken spec in `fixtures/bad-specs/<case>/` (overlaid on `specs/`)
//! fails with located diagnostics, snapshotted as the CLI renders them.

use std::path::Path;

#[test]
fn every_broken_spec_yields_located_diagnostics() {
    let dir = Path::new("fixtures/bad-specs");
    let mut cases: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures/bad-specs exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "at least ten kinds of mistake, found {}",
        cases.len()
    );
    for case in &cases {
        let overlay = dir.join(case);
        let result = std::panic::catch_unwind(|| {
            gatespec_codegen::compile_dirs(&[Path::new("../specs"), &overlay])
        });
        let Ok(result) = result else {
            panic!("{case}: the loader panicked")
        };
        let Err(failure) = result else {
            panic!("{case}: the broken spec was accepted")
        };
        for d in &failure.diagnostics.0 {
            assert!(d.position.is_some(), "{case}: no position for {d}");
            assert!(
                d.file.contains(case.as_str()),
                "{case}: a diagnostic outside the fixture: {d}"
            );
            assert!(d.hint.is_some(), "{case}: no hint for {d}");
        }
        insta::assert_snapshot!(format!("bad_spec_{case}"), failure.rendered);
    }
}

#[test]
fn garbage_never_panics() {
    let inputs: &[&[u8]] = &[
        b"",
        b"\xff\xfe\x00garbage",
        b"method: [",
        b"- 1\n- 2\n",
        b"method:\n  id: 7\n  operations: {x: {request: {fields: {a: {type: object, fields: {b: {object: a}}}}}}}}",
        b"objects: {a: {description: x, fields: {b: {object: a, required: strict, description: y}}}}\nmethod: {id: m, brand: monetix, code: m, name: n, source: s, summary: s, countries: [KZ], currencies: [KZT], interfaces: {}, operations: {o: {title: t, kind: info, interface: gate, endpoint: {method: POST, path: /x}, request: {fields: {b: {object: a, required: strict, description: d}}}}}}",
        b"&a [*a]",
        b"? [complex, key]\n: value",
        b"method: !!binary aGVsbG8=",
        b"x: 99999999999999999999999999999",
    ];
    for (i, bytes) in inputs.iter().enumerate() {
        let tmp = std::env::temp_dir().join(format!("gatespec-garbage-{}-{i}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("monetix")).expect("temp dir");
        std::fs::write(tmp.join("monetix/m.yaml"), bytes).expect("write");
        let result = std::panic::catch_unwind(|| {
            gatespec_codegen::compile_dirs(&[Path::new("../specs"), &tmp])
        });
        let _ = std::fs::remove_dir_all(&tmp);
        match result {
            Ok(Err(f)) => assert!(!f.diagnostics.is_empty()),
            Ok(Ok(_)) => panic!("input {i} was accepted"),
            Err(_) => panic!("input {i} panicked"),
        }
    }
}

/// A spec set with no files, and a spec directory that is not there, are
/// reported, not taken for an empty catalogue.
#[test]
fn no_specs_at_all_is_a_problem() {
    let none = gatespec_codegen::compile_texts(Vec::new()).expect_err("nothing to compile");
    assert!(
        none.rendered.contains("no spec files found"),
        "{}",
        none.rendered
    );
    let missing = gatespec_codegen::compile_dirs(&[Path::new("fixtures/no-such-directory")])
        .expect_err("no directory");
    assert!(
        missing
            .rendered
            .contains("cannot read the spec directory `fixtures/no-such-directory`"),
        "{}",
        missing.rendered
    );
}

/// A step (`multiple_of`) narrows only to a multiple of itself: a
/// refinement that steps by 3 where the shared object steps by 5 would
/// accept amounts the object refuses.
#[test]
fn a_refined_step_must_be_a_multiple_of_the_inherited_one() {
    use gatespec_codegen::load::SourceText;
    let text = |rel: &str, text: String| SourceText {
        name: rel.into(),
        rel: rel.into(),
        text,
    };
    let brands = std::fs::read_to_string("../specs/brands.yaml").expect("brands.yaml");
    let shared = "objects:\n  money:\n    description: An amount in fives.\n    fields:\n      amount: {type: integer, multiple_of: 5, required: strict, description: Amount.}\n";
    let method = |step: u32| {
        format!(
            "method:\n  id: steps\n  brand: monetix\n  code: steps\n  name: Steps\n  source: test\n  summary: Steps.\n  countries: [KZ]\n  currencies: [KZT]\n  interfaces: {{payout: [gate]}}\n  operations:\n    payout:\n      title: Payout\n      kind: payout\n      interface: gate\n      endpoint: {{method: POST, path: /v2/payment/steps/payout}}\n      request:\n        fields:\n          money: {{object: money, required: strict, description: Money., refine: {{amount: {{multiple_of: {step}}}}}}}\n"
        )
    };
    let compile = |step| {
        gatespec_codegen::compile_texts(vec![
            text("brands.yaml", brands.clone()),
            text("shared.yaml", shared.into()),
            text("monetix/steps.yaml", method(step)),
        ])
    };
    let widened = compile(3).expect_err("a step of 3 widens a step of 5");
    assert!(
        widened
            .rendered
            .contains("multiple_of 3 widens the inherited multiple_of 5")
            && widened.rendered.contains("use a multiple of 5")
            && widened.rendered.contains("monetix/steps.yaml:"),
        "{}",
        widened.rendered
    );
    let narrowed = compile(10).unwrap_or_else(|f| panic!("a step of 10 narrows: {}", f.rendered));
    let (_, op) = narrowed
        .ir
        .operation("monetix/steps/payout")
        .expect("operation");
    let report = gatespec_codegen::interpret::validate(
        &op.request.ty,
        &serde_json::json!({"money": {"amount": 15}}),
    );
    assert!(
        report
            .errors
            .iter()
            .any(|v| v.pointer == "/money/amount" && v.code.as_str() == "multiple_of"),
        "{report:?}"
    );
}

/// An overview that lists an interface no operation describes (a payout
/// page that says refunds exist) is a note, not an error: the spec set
/// compiles, and `check` shows the note at its line.
#[test]
fn an_interface_the_overview_lists_and_nobody_describes_is_a_note() {
    use gatespec_codegen::load::SourceText;
    let read = |rel: &str| SourceText {
        name: rel.into(),
        rel: rel.into(),
        text: std::fs::read_to_string(Path::new("../specs").join(rel)).expect(rel),
    };
    let mut method = read("monetix/smp-p2p-kz.yaml");
    method.text = method.text.replacen(
        "    payout: [gate, dashboard]\n",
        "    payout: [gate, dashboard]\n    refund: [gate]\n",
        1,
    );
    assert!(method.text.contains("refund: [gate]"));
    let compiled =
        gatespec_codegen::compile_texts(vec![read("brands.yaml"), read("shared.yaml"), method])
            .unwrap_or_else(|f| panic!("a note is no error:\n{}", f.rendered));
    assert_eq!(compiled.notes.len(), 1, "{:?}", compiled.notes);
    let rendered = compiled.rendered_notes();
    assert!(
        rendered.contains(
            "note: the overview lists `refund`, which no operation of the method describes"
        ) && rendered.contains("monetix/smp-p2p-kz.yaml:")
            && rendered.contains("gatespec generates nothing for it"),
        "{rendered}"
    );
    assert!(!rendered.contains("error"), "{rendered}");
}
