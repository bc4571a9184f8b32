//! Decoding of a vote package with the exact semantics of Go `encoding/json`
//! `Unmarshal` into `struct { Nonce string "json:nonce,omitempty"; Votes []int "json:votes" }`,
//! as the node does in `vocdoni/vocdoni-node:vochain/state/votes.go` (`VotePackage.Decode`).
//! Any input Go accepts we accept with the same values; any input Go refuses we refuse.
//!
//! Go behaviour mirrored (Go's `encoding/json/scanner.go`, `decode.go`, `fold.go`):
//! - the whole input is syntax-checked first (RFC 8259 grammar, whitespace = space, tab, CR, LF,
//!   nesting deeper than 10 000 refused, trailing non-whitespace refused); a syntax error wins
//!   over any type error;
//! - object keys match a field exactly or by Go's case folding (ASCII case, plus U+212A KELVIN
//!   SIGN ≡ `k` and U+017F LATIN SMALL LETTER LONG S ≡ `s`); unknown keys are skipped whatever
//!   their value; on duplicate keys every occurrence is decoded in order, so the last wins;
//! - a type mismatch (`"nonce": 5`, `"votes": {}`, a top-level array or string, `"1"` or `true`
//!   as an element) is an error, as is a number that `strconv.ParseInt(s, 10, 64)` refuses
//!   (`1.0`, `1e0`, out of int64 range); negative integers are accepted;
//! - `null` is a no-op for a struct, a string or an int, and resets a slice: a top-level `null`
//!   gives the empty package, `"votes": null` gives no votes, and a `null` element keeps the
//!   value already in the slice's backing array at that index (0 unless an earlier duplicate
//!   `"votes"` key wrote there: Go reuses the backing array across duplicate keys);
//! - invalid UTF-8 in strings is accepted; each invalid byte becomes U+FFFD when unquoted.

use crate::protocol::ballot::VotePackage;

/// Go's `maxNestingDepth` (`encoding/json/scanner.go`): at most this many open `{`/`[`.
pub const MAX_NESTING_DEPTH: usize = 10_000;

/// Why a vote package is not a Go-decodable `VotePackage`, and where.
///
/// `offset` is the 0-based index of the offending byte (the input length for an unexpected
/// end); Go's `SyntaxError.Offset` counts the bytes read, i.e. `offset + 1` for a bad byte.
/// For a type error `offset` is where the offending value starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("vote package JSON, byte {offset}: {kind}")]
pub struct GoJsonError {
    pub offset: usize,
    pub kind: GoJsonErrorKind,
}

/// The kinds of failure Go's `json.Unmarshal` reports for a vote package.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoJsonErrorKind {
    /// Go `SyntaxError` "invalid character … <context>".
    #[error("invalid character {} {context}", ShowByte(*.found))]
    InvalidCharacter { found: u8, context: &'static str },
    /// Go `SyntaxError` "unexpected end of JSON input" (for an input cut inside a number or
    /// literal Go words it "invalid character ' ' …"; the offset, the input length, is the same).
    #[error("unexpected end of JSON input")]
    UnexpectedEnd,
    /// Go `SyntaxError` "exceeded max depth".
    #[error("nesting exceeds Go's maximum depth of {MAX_NESTING_DEPTH}")]
    MaxDepth,
    /// Go `UnmarshalTypeError`: a JSON value of kind `json` where `target` was expected.
    #[error("cannot unmarshal {json} into {target}")]
    TypeMismatch {
        json: &'static str,
        target: &'static str,
    },
    /// Go `UnmarshalTypeError` for a number `strconv.ParseInt(s, 10, 64)` refuses.
    #[error("cannot unmarshal number {literal} into Go int (int64)")]
    NotGoInt { literal: String },
}

/// Displays a byte the way Go's `quoteChar` does for printable ASCII, as hex otherwise.
struct ShowByte(u8);

impl std::fmt::Display for ShowByte {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            b'\'' => f.write_str("'\\''"),
            b if b.is_ascii_graphic() || b == b' ' => write!(f, "'{}'", char::from(b)),
            b => write!(f, "0x{b:02x}"),
        }
    }
}

/// Decodes `input` exactly as Go's `json.Unmarshal(input, &VotePackage{})` would.
pub fn decode_vote_package(input: &[u8]) -> Result<VotePackage, GoJsonError> {
    Decoder::new(input).run()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Object,
    Array,
}

/// What an open container decodes into.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The top-level object: the `VotePackage` struct.
    Package,
    /// The array under a `votes` key: the `[]int`.
    Votes,
    /// Anything Go skips or has already reported as a type error.
    Skipped,
}

#[derive(Clone, Copy)]
struct Frame {
    container: Container,
    role: Role,
}

/// The struct field a top-level key selects.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Nonce,
    Votes,
    Unknown,
}

/// Where the value about to be read goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Top,
    Field(Field),
    VoteElement,
    Ignored,
}

/// The grammar state (Go's scanner `step` functions, folded into one enum).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Value,
    ValueOrEndArray,
    KeyOrEndObject,
    Key,
    Colon,
    CommaOrEnd,
    End,
}

/// Go's `[]int` as `decode.go` fills it: duplicate `"votes"` keys decode into the same backing
/// array (`v.SetLen`, `v.Grow` keep its memory), so `memory` holds every value ever written
/// there and `len` is the slice length. `null` (`SetZero`) and `[]` (`MakeSlice(0, 0)`)
/// replace the backing array.
#[derive(Default)]
struct GoIntSlice {
    memory: Vec<i64>,
    len: usize,
    next: usize,
}

impl GoIntSlice {
    fn begin_array(&mut self) {
        self.next = 0;
    }

    /// One array element: `Some(n)` stores it, `None` (JSON `null`) keeps what memory holds.
    fn element(&mut self, value: Option<i64>) {
        if self.next >= self.memory.len() {
            self.memory.push(0);
        }
        if let (Some(v), Some(slot)) = (value, self.memory.get_mut(self.next)) {
            *slot = v;
        }
        self.next += 1;
    }

    fn end_array(&mut self) {
        if self.next == 0 {
            self.memory.clear();
        }
        self.len = self.next;
    }

    fn set_null(&mut self) {
        self.memory.clear();
        self.len = 0;
    }

    fn into_vec(mut self) -> Vec<i64> {
        self.memory.truncate(self.len);
        self.memory
    }
}

struct Decoder<'a> {
    input: &'a [u8],
    pos: usize,
    frames: Vec<Frame>,
    expect: Expect,
    field: Field,
    nonce: String,
    votes: GoIntSlice,
    /// Go keeps the first `UnmarshalTypeError` and reports it once the input is known valid.
    type_error: Option<GoJsonError>,
}

impl<'a> Decoder<'a> {
    fn new(input: &'a [u8]) -> Self {
        Decoder {
            input,
            pos: 0,
            frames: Vec::new(),
            expect: Expect::Value,
            field: Field::Unknown,
            nonce: String::new(),
            votes: GoIntSlice::default(),
            type_error: None,
        }
    }

    fn run(mut self) -> Result<VotePackage, GoJsonError> {
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.pos += 1;
            }
            let Some(b) = self.peek() else {
                if self.expect != Expect::End {
                    return Err(self.unexpected_end());
                }
                return match self.type_error {
                    Some(err) => Err(err),
                    None => Ok(VotePackage {
                        nonce: self.nonce,
                        votes: self.votes.into_vec(),
                    }),
                };
            };
            match self.expect {
                Expect::End => return Err(self.invalid(b, "after top-level value")),
                Expect::Value => self.value(b)?,
                Expect::ValueOrEndArray if b == b']' => self.close(),
                Expect::ValueOrEndArray => self.value(b)?,
                Expect::KeyOrEndObject if b == b'}' => self.close(),
                Expect::KeyOrEndObject | Expect::Key => self.key(b)?,
                Expect::Colon if b == b':' => {
                    self.pos += 1;
                    self.expect = Expect::Value;
                }
                Expect::Colon => return Err(self.invalid(b, "after object key")),
                Expect::CommaOrEnd => self.comma_or_end(b)?,
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn invalid(&self, found: u8, context: &'static str) -> GoJsonError {
        GoJsonError {
            offset: self.pos,
            kind: GoJsonErrorKind::InvalidCharacter { found, context },
        }
    }

    fn unexpected_end(&self) -> GoJsonError {
        GoJsonError {
            offset: self.input.len(),
            kind: GoJsonErrorKind::UnexpectedEnd,
        }
    }

    fn type_error(&mut self, offset: usize, kind: GoJsonErrorKind) {
        if self.type_error.is_none() {
            self.type_error = Some(GoJsonError { offset, kind });
        }
    }

    fn mismatch(&mut self, offset: usize, json: &'static str, target: Target) {
        let target = match target {
            Target::Top => "Go struct VotePackage",
            Target::Field(Field::Nonce) => "Go struct field VotePackage.nonce of type string",
            Target::Field(Field::Votes) => "Go struct field VotePackage.votes of type []int",
            Target::VoteElement => "Go struct field VotePackage.votes of type int",
            Target::Field(Field::Unknown) | Target::Ignored => return,
        };
        self.type_error(offset, GoJsonErrorKind::TypeMismatch { json, target });
    }

    fn target(&self) -> Target {
        match self.frames.last() {
            None => Target::Top,
            Some(Frame {
                role: Role::Package,
                ..
            }) => Target::Field(self.field),
            Some(Frame {
                role: Role::Votes, ..
            }) => Target::VoteElement,
            Some(_) => Target::Ignored,
        }
    }

    fn after_value(&mut self) {
        self.expect = if self.frames.is_empty() {
            Expect::End
        } else {
            Expect::CommaOrEnd
        };
    }

    fn value(&mut self, b: u8) -> Result<(), GoJsonError> {
        let start = self.pos;
        let target = self.target();
        match b {
            b'{' => {
                let role = if target == Target::Top {
                    Role::Package
                } else {
                    self.mismatch(start, "object", target);
                    Role::Skipped
                };
                return self.open(Container::Object, role);
            }
            b'[' => {
                let role = if target == Target::Field(Field::Votes) {
                    self.votes.begin_array();
                    Role::Votes
                } else {
                    self.mismatch(start, "array", target);
                    Role::Skipped
                };
                return self.open(Container::Array, role);
            }
            b'"' => {
                let (from, to) = self.string()?;
                if target == Target::Field(Field::Nonce) {
                    self.nonce = unquote(self.input.get(from..to).unwrap_or_default());
                } else {
                    self.mismatch(start, "string", target);
                }
            }
            b'-' | b'0'..=b'9' => {
                let literal = self.number()?;
                if target == Target::VoteElement {
                    match parse_go_int(literal) {
                        Some(n) => self.votes.element(Some(n)),
                        None => {
                            let literal = String::from_utf8_lossy(literal).into_owned();
                            self.type_error(start, GoJsonErrorKind::NotGoInt { literal });
                        }
                    }
                } else {
                    self.mismatch(start, "number", target);
                }
            }
            b't' => {
                self.literal(b"true", "in literal true")?;
                self.mismatch(start, "bool", target);
            }
            b'f' => {
                self.literal(b"false", "in literal false")?;
                self.mismatch(start, "bool", target);
            }
            b'n' => {
                self.literal(b"null", "in literal null")?;
                match target {
                    Target::Field(Field::Votes) => self.votes.set_null(),
                    Target::VoteElement => self.votes.element(None),
                    _ => {}
                }
            }
            _ => return Err(self.invalid(b, "looking for beginning of value")),
        }
        self.after_value();
        Ok(())
    }

    fn open(&mut self, container: Container, role: Role) -> Result<(), GoJsonError> {
        if self.frames.len() >= MAX_NESTING_DEPTH {
            return Err(GoJsonError {
                offset: self.pos,
                kind: GoJsonErrorKind::MaxDepth,
            });
        }
        self.frames.push(Frame { container, role });
        self.pos += 1;
        self.expect = match container {
            Container::Object => Expect::KeyOrEndObject,
            Container::Array => Expect::ValueOrEndArray,
        };
        Ok(())
    }

    fn close(&mut self) {
        if let Some(frame) = self.frames.pop() {
            if frame.role == Role::Votes {
                self.votes.end_array();
            }
        }
        self.pos += 1;
        self.after_value();
    }

    fn key(&mut self, b: u8) -> Result<(), GoJsonError> {
        if b != b'"' {
            return Err(self.invalid(b, "looking for beginning of object key string"));
        }
        let (from, to) = self.string()?;
        if matches!(self.frames.last(), Some(f) if f.role == Role::Package) {
            let key = unquote(self.input.get(from..to).unwrap_or_default());
            self.field = if go_fold_eq(&key, "votes") {
                Field::Votes
            } else if go_fold_eq(&key, "nonce") {
                Field::Nonce
            } else {
                Field::Unknown
            };
        }
        self.expect = Expect::Colon;
        Ok(())
    }

    fn comma_or_end(&mut self, b: u8) -> Result<(), GoJsonError> {
        let container = self.frames.last().map(|f| f.container);
        match (container, b) {
            (Some(Container::Object), b',') => {
                self.pos += 1;
                self.expect = Expect::Key;
            }
            (Some(Container::Array), b',') => {
                self.pos += 1;
                self.expect = Expect::Value;
            }
            (Some(Container::Object), b'}') | (Some(Container::Array), b']') => self.close(),
            (Some(Container::Object), _) => {
                return Err(self.invalid(b, "after object key:value pair"))
            }
            (Some(Container::Array), _) => return Err(self.invalid(b, "after array element")),
            (None, _) => return Err(self.invalid(b, "after top-level value")),
        }
        Ok(())
    }

    /// Scans a string starting at the opening quote; returns the span between the quotes.
    fn string(&mut self) -> Result<(usize, usize), GoJsonError> {
        self.pos += 1;
        let from = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.unexpected_end());
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok((from, self.pos - 1));
                }
                b'\\' => {
                    self.pos += 1;
                    match self.peek() {
                        None => return Err(self.unexpected_end()),
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(b'u') => {
                            self.pos += 1;
                            for _ in 0..4 {
                                match self.peek() {
                                    None => return Err(self.unexpected_end()),
                                    Some(h) if h.is_ascii_hexdigit() => self.pos += 1,
                                    Some(h) => {
                                        return Err(
                                            self.invalid(h, "in \\u hexadecimal character escape")
                                        )
                                    }
                                }
                            }
                        }
                        Some(e) => return Err(self.invalid(e, "in string escape code")),
                    }
                }
                c if c < 0x20 => return Err(self.invalid(c, "in string literal")),
                _ => self.pos += 1,
            }
        }
    }

    /// Scans a number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`); returns its bytes.
    fn number(&mut self) -> Result<&'a [u8], GoJsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            self.required_digit("in numeric literal")?;
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            self.digits();
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digit("after decimal point in numeric literal")?;
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.required_digit("in exponent of numeric literal")?;
            self.digits();
        }
        Ok(self.input.get(start..self.pos).unwrap_or_default())
    }

    fn required_digit(&self, context: &'static str) -> Result<(), GoJsonError> {
        match self.peek() {
            None => Err(self.unexpected_end()),
            Some(d) if d.is_ascii_digit() => Ok(()),
            Some(c) => Err(self.invalid(c, context)),
        }
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8], context: &'static str) -> Result<(), GoJsonError> {
        for &expected in word {
            match self.peek() {
                None => return Err(self.unexpected_end()),
                Some(b) if b == expected => self.pos += 1,
                Some(b) => return Err(self.invalid(b, context)),
            }
        }
        Ok(())
    }
}

/// `strconv.ParseInt(s, 10, 64)` on a syntactically valid JSON number: only `-?[0-9]+` within
/// int64 range parses.
fn parse_go_int(literal: &[u8]) -> Option<i64> {
    let (negative, digits) = match literal.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, literal),
    };
    if digits.is_empty() {
        return None;
    }
    let mut magnitude: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        magnitude = magnitude
            .checked_mul(10)?
            .checked_add(u64::from(d - b'0'))?;
    }
    let signed = if negative {
        -i128::from(magnitude)
    } else {
        i128::from(magnitude)
    };
    i64::try_from(signed).ok()
}

/// Go's `unquoteBytes` on the bytes between the quotes of a scanner-validated string: escapes
/// resolved (`\uD83D\uDE00` pairs combined, lone surrogates → U+FFFD) and every byte that is not
/// part of a valid UTF-8 sequence replaced by one U+FFFD (`utf8.DecodeRune` width 1).
fn unquote(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while !rest.is_empty() {
        let plain_len = rest.iter().position(|&b| b == b'\\').unwrap_or(rest.len());
        let (plain, tail) = rest.split_at(plain_len);
        for chunk in plain.utf8_chunks() {
            out.push_str(chunk.valid());
            for _ in chunk.invalid() {
                out.push('\u{FFFD}');
            }
        }
        rest = tail;
        let Some((&escape, after)) = rest.get(1..).and_then(|r| r.split_first()) else {
            break;
        };
        rest = after;
        let simple = match escape {
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            b'u' => None,
            other => Some(char::from(other)),
        };
        if let Some(c) = simple {
            out.push(c);
            continue;
        }
        let Some(unit) = hex4(rest) else { break };
        rest = rest.get(4..).unwrap_or_default();
        if (0xD800..0xE000).contains(&unit) {
            let low = rest
                .strip_prefix(b"\\u")
                .and_then(hex4)
                .filter(|low| (0xDC00..0xE000).contains(low) && unit < 0xDC00);
            match low {
                Some(low) => {
                    let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    rest = rest.get(6..).unwrap_or_default();
                }
                None => out.push('\u{FFFD}'),
            }
        } else {
            out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
        }
    }
    out
}

fn hex4(bytes: &[u8]) -> Option<u32> {
    let digits = std::str::from_utf8(bytes.get(..4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
}

/// Go's field-name match after an exact miss (`encoding/json/fold.go`): both sides folded rune
/// by rune to the smallest rune of their `unicode.SimpleFold` orbit. `name` is a lowercase ASCII
/// field name, so a key rune matches when it is the same ASCII letter in either case, or the
/// only non-ASCII runes whose orbit holds an ASCII letter: U+212A (k) and U+017F (s).
fn go_fold_eq(key: &str, name: &str) -> bool {
    let mut key_chars = key.chars();
    for n in name.bytes() {
        let Some(k) = key_chars.next() else {
            return false;
        };
        let same = match k {
            '\u{212A}' => n == b'k',
            '\u{017F}' => n == b's',
            k => k.is_ascii() && k.to_ascii_lowercase() == char::from(n),
        };
        if !same {
            return false;
        }
    }
    key_chars.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_follows_go() {
        assert_eq!(unquote(br"a\u0041\n"), "aA\n");
        assert_eq!(unquote(br"\ud83d\ude00"), "\u{1F600}");
        assert_eq!(unquote(br"\ude00\ud83d"), "\u{FFFD}\u{FFFD}");
        assert_eq!(unquote(br"\ud83dx"), "\u{FFFD}x");
        assert_eq!(unquote(b"\xe2\x82A"), "\u{FFFD}\u{FFFD}A");
        assert_eq!(unquote(b"\xff"), "\u{FFFD}");
    }

    #[test]
    fn parse_go_int_bounds() {
        assert_eq!(parse_go_int(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_go_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_go_int(b"9223372036854775808"), None);
        assert_eq!(parse_go_int(b"-0"), Some(0));
        assert_eq!(parse_go_int(b"1.0"), None);
    }

    #[test]
    fn fold_match() {
        assert!(go_fold_eq("VoTeS", "votes"));
        assert!(go_fold_eq("vote\u{017F}", "votes"));
        assert!(!go_fold_eq("votes ", "votes"));
        assert!(!go_fold_eq("vote", "votes"));
        assert!(!go_fold_eq("vote\u{212A}", "votes"));
    }
}
