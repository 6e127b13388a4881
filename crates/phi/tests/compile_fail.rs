//! What must not compile: showing PHI with Display, or turning it into a
//! plain string without `expose_phi`.

#[test]
fn phi_misuse_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile-fail/*.rs");
}
