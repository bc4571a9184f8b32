//! Go `encoding/json` quirks of the vote-package decoder. Every expected outcome in the table was
//! produced by Go's own `json.Unmarshal` into `struct{Nonce string "json:\"nonce,omitempty\"";
//! Votes []int "json:\"votes\""}` (go1.19.8 linux/amd64), not by the code under test; offsets are
//! Go's `SyntaxError.Offset` (bytes read, so the offending byte is at `offset - 1`).

use proptest::prelude::*;
use rstest::rstest;

use vocaudit::protocol::ballot::VotePackage;
use vocaudit::protocol::gojson::{decode_vote_package, GoJsonErrorKind, MAX_NESTING_DEPTH};

/// What Go returned.
#[derive(Debug)]
enum Go {
    /// Decoded: nonce, votes.
    Ok(&'static str, &'static [i64]),
    /// `*json.SyntaxError` with this `Offset`.
    Syntax(usize),
    /// `*json.UnmarshalTypeError` (ballot invalid).
    Type,
}

fn check(input: &[u8], go: Go) {
    let got = decode_vote_package(input);
    match (go, got) {
        (Go::Ok(nonce, votes), Ok(vp)) => {
            assert_eq!(
                vp,
                VotePackage {
                    nonce: nonce.to_owned(),
                    votes: votes.to_vec()
                }
            );
        }
        (Go::Syntax(go_offset), Err(err)) => match err.kind {
            // Go counts the offending byte as read.
            GoJsonErrorKind::InvalidCharacter { .. } | GoJsonErrorKind::MaxDepth => {
                assert_eq!(err.offset + 1, go_offset, "{err}")
            }
            // Go reports the input length (some EOFs as "invalid character ' '").
            GoJsonErrorKind::UnexpectedEnd => assert_eq!(err.offset, go_offset, "{err}"),
            other => panic!("expected a syntax error, got {other}"),
        },
        (Go::Type, Err(err)) => assert!(
            matches!(
                err.kind,
                GoJsonErrorKind::TypeMismatch { .. } | GoJsonErrorKind::NotGoInt { .. }
            ),
            "expected a type error, got {err}"
        ),
        (go, got) => panic!("Go: {go:?}, we: {got:?}"),
    }
}

#[rstest]
// whitespace and trailing data
#[case::surrounding_whitespace(b" \t\r\n{\"votes\":[1]} \n", Go::Ok("", &[1]))]
#[case::trailing_garbage(b"{\"votes\":[1]}x", Go::Syntax(14))]
#[case::second_value(b"{\"votes\":[1]}{}", Go::Syntax(14))]
#[case::trailing_nul(b"{\"votes\":[1]}\x00", Go::Syntax(14))]
#[case::form_feed_is_not_space(b"{\"votes\":[1]}\x0c", Go::Syntax(14))]
#[case::utf8_bom(b"\xef\xbb\xbf{\"votes\":[1]}", Go::Syntax(1))]
#[case::empty_input(b"", Go::Syntax(0))]
#[case::only_spaces(b"  ", Go::Syntax(2))]
// top-level kinds
#[case::top_null(b" null ", Go::Ok("", &[]))]
#[case::top_array(b"[1,2]", Go::Type)]
#[case::top_string(b"\"x\"", Go::Type)]
#[case::top_number(b"1", Go::Type)]
#[case::top_bool(b"true", Go::Type)]
#[case::empty_object(b"{}", Go::Ok("", &[]))]
// keys
#[case::key_title_case(b"{\"Votes\":[3]}", Go::Ok("", &[3]))]
#[case::key_upper_case(b"{\"VOTES\":[3]}", Go::Ok("", &[3]))]
#[case::key_long_s(b"{\"vote\xc5\xbf\":[3]}", Go::Ok("", &[3]))]
#[case::key_long_s_escaped(b"{\"vote\\u017f\":[3]}", Go::Ok("", &[3]))]
#[case::key_escaped_ascii(b"{\"vot\\u0065s\":[4]}", Go::Ok("", &[4]))]
#[case::key_kelvin_unknown(b"{\"\xe2\x84\xaaey\":1,\"votes\":[1]}", Go::Ok("", &[1]))]
#[case::key_with_space_unknown(b"{\"votes \":[1]}", Go::Ok("", &[]))]
#[case::nonce_upper(b"{\"NONCE\":\"a\",\"votes\":[1]}", Go::Ok("a", &[1]))]
#[case::unknown_nested_skipped(b"{\"x\":{\"y\":[1,{\"z\":null}]},\"votes\":[2]}", Go::Ok("", &[2]))]
// duplicates and null
#[case::duplicate_last_wins(b"{\"votes\":[1],\"votes\":[2,3]}", Go::Ok("", &[2, 3]))]
#[case::duplicate_other_case(b"{\"votes\":[1],\"Votes\":[2]}", Go::Ok("", &[2]))]
#[case::votes_null(b"{\"votes\":null}", Go::Ok("", &[]))]
#[case::null_element_is_zero(b"{\"votes\":[null,1]}", Go::Ok("", &[0, 1]))]
#[case::null_keeps_backing_array(b"{\"votes\":[7,8],\"votes\":[null,null]}", Go::Ok("", &[7, 8]))]
#[case::null_after_shrink(b"{\"votes\":[1,2],\"votes\":[9],\"votes\":[null,null]}", Go::Ok("", &[9, 2]))]
#[case::null_regrow(b"{\"votes\":[1,2,3,4,5],\"votes\":[null],\"votes\":[null,null,null,null,null,null,null]}", Go::Ok("", &[1, 2, 3, 4, 5, 0, 0]))]
#[case::empty_array_resets(b"{\"votes\":[1,2,3],\"votes\":[],\"votes\":[null]}", Go::Ok("", &[0]))]
#[case::null_resets(b"{\"votes\":[1,2,3],\"votes\":null,\"votes\":[null]}", Go::Ok("", &[0]))]
#[case::nonce_null(b"{\"nonce\":null,\"votes\":[1]}", Go::Ok("", &[1]))]
// numbers
#[case::float_one(b"{\"votes\":[1.0]}", Go::Type)]
#[case::exponent(b"{\"votes\":[1e0]}", Go::Type)]
#[case::exponent_upper(b"{\"votes\":[1E2]}", Go::Type)]
#[case::int64_max(b"{\"votes\":[9223372036854775807]}", Go::Ok("", &[i64::MAX]))]
#[case::int64_overflow(b"{\"votes\":[9223372036854775808]}", Go::Type)]
#[case::int64_min(b"{\"votes\":[-9223372036854775808]}", Go::Ok("", &[i64::MIN]))]
#[case::negative(b"{\"votes\":[-1]}", Go::Ok("", &[-1]))]
#[case::negative_zero(b"{\"votes\":[-0]}", Go::Ok("", &[0]))]
#[case::leading_zero(b"{\"votes\":[01]}", Go::Syntax(12))]
#[case::lone_minus(b"{\"votes\":[-]}", Go::Syntax(12))]
#[case::bare_point(b"{\"votes\":[1.]}", Go::Syntax(13))]
#[case::leading_point(b"{\"votes\":[.5]}", Go::Syntax(11))]
#[case::empty_exponent(b"{\"votes\":[1e+]}", Go::Syntax(14))]
// type mismatches
#[case::nonce_number(b"{\"nonce\":5,\"votes\":[1]}", Go::Type)]
#[case::nonce_object(b"{\"votes\":[1],\"nonce\":{\"a\":[]}}", Go::Type)]
#[case::element_string(b"{\"votes\":[\"1\"]}", Go::Type)]
#[case::element_bool(b"{\"votes\":[true]}", Go::Type)]
#[case::element_array(b"{\"votes\":[[1]]}", Go::Type)]
#[case::votes_object(b"{\"votes\":{}}", Go::Type)]
#[case::votes_string(b"{\"votes\":\"1\"}", Go::Type)]
#[case::votes_number(b"{\"votes\":1}", Go::Type)]
#[case::type_error_mid_array(b"{\"votes\":[2,\"x\",3]}", Go::Type)]
// strings
#[case::invalid_utf8_nonce(b"{\"nonce\":\"\xff\xfe\",\"votes\":[1]}", Go::Ok("\u{FFFD}\u{FFFD}", &[1]))]
#[case::truncated_utf8_nonce(b"{\"nonce\":\"\xe2\x82A\"}", Go::Ok("\u{FFFD}\u{FFFD}A", &[]))]
#[case::lone_surrogate(b"{\"nonce\":\"\\ud800\\u0041\"}", Go::Ok("\u{FFFD}A", &[]))]
#[case::raw_tab_in_string(b"{\"nonce\":\"a\tb\"}", Go::Syntax(12))]
#[case::raw_del_in_string(b"{\"nonce\":\"a\x7fb\"}", Go::Ok("a\x7fb", &[]))]
#[case::bad_escape(b"{\"nonce\":\"\\x\"}", Go::Syntax(12))]
#[case::bad_unicode_escape(b"{\"nonce\":\"\\u12G4\"}", Go::Syntax(15))]
// grammar
#[case::trailing_comma_array(b"{\"votes\":[1,]}", Go::Syntax(13))]
#[case::trailing_comma_object(b"{\"a\":1,}", Go::Syntax(8))]
#[case::unclosed(b"{\"votes\":[1]", Go::Syntax(12))]
#[case::bad_literal(b"{\"votes\":[tru]}", Go::Syntax(14))]
#[case::truncated_literal(b"{\"votes\":[nul", Go::Syntax(13))]
#[case::syntax_error_beats_type_error(b"{\"nonce\":5,\"votes\":[1]}x", Go::Syntax(24))]
fn go_json_quirk(#[case] input: &[u8], #[case] go: Go) {
    check(input, go);
}

fn nested(prefix: &str, depth: usize, suffix: &str) -> Vec<u8> {
    format!("{prefix}{}{}{suffix}", "[".repeat(depth), "]".repeat(depth)).into_bytes()
}

#[test]
fn nesting_depth_limit() {
    assert_eq!(MAX_NESTING_DEPTH, 10_000);
    // A 10 000-deep top-level array is syntactically fine, then a type error.
    check(&nested("", 10_000, ""), Go::Type);
    check(&nested("", 10_001, ""), Go::Syntax(10_001));
    // Inside the package object the object itself counts as one level.
    check(
        &nested("{\"x\":", 9_999, ",\"votes\":[1]}"),
        Go::Ok("", &[1]),
    );
    check(&nested("{\"x\":", 10_000, "}"), Go::Syntax(10_005));
}

/// JSON-ish fragments that steer random inputs into the decoder's interesting states.
fn fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"{".to_vec()),
        Just(b"}".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b",".to_vec()),
        Just(b":".to_vec()),
        Just(b"\"votes\"".to_vec()),
        Just(b"\"nonce\"".to_vec()),
        Just(b"null".to_vec()),
        Just(b"-".to_vec()),
        Just(b"\\u".to_vec()),
        Just(b"\"".to_vec()),
        "-?[0-9]{1,22}(\\.[0-9])?".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..4),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, rng_seed: proptest::test_runner::RngSeed::Fixed(0x60_15_0a), ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_bytes(input in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode_vote_package(&input);
    }

    #[test]
    fn decode_never_panics_on_fragments(parts in prop::collection::vec(fragment(), 0..40)) {
        let input = parts.concat();
        if let Err(err) = decode_vote_package(&input) {
            prop_assert!(err.offset <= input.len());
        }
    }

    #[test]
    fn well_formed_packages_round_trip(votes in prop::collection::vec(any::<i64>(), 0..70), nonce in "[0-9a-f]{0,32}") {
        let body = votes.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let json = format!("{{\"nonce\":\"{nonce}\",\"votes\":[{body}]}}");
        prop_assert_eq!(decode_vote_package(json.as_bytes()), Ok(VotePackage { nonce, votes }));
    }
}
