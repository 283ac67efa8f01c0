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
