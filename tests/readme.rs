//! The README documents the check catalogue: every check id the verifier runs must be listed
//! there with its category, so the catalogue and its documentation cannot drift apart.

use vocaudit::verify::catalogue::CATALOGUE;

#[test]
fn readme_lists_every_check_with_its_category() {
    let readme = include_str!("../README.md");
    for check in CATALOGUE {
        let row = format!("| {} | {} |", check.id, check.category.as_str());
        assert!(
            readme.contains(&row),
            "README.md has no catalogue row starting `{row}`"
        );
    }
    let rows = readme.lines().filter(|l| l.starts_with("| V-")).count();
    assert_eq!(
        rows,
        CATALOGUE.len(),
        "README lists checks the catalogue does not have"
    );
}
