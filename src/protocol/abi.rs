//! The Solidity ABI encoding of final results that `GET /elections/{id}/scrutiny` publishes as
//! `abiEncoded`. Mirrors `vocdoni/vocdoni-node:api/helpers.go` (`encodeEVMResultsArgs`, go-ethereum
//! `abi.Arguments.Pack`) as called from `api/elections.go`.

use num_bigint::BigUint;
use thiserror::Error;

/// A results cell that the ABI cannot carry as a `uint256`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum AbiError {
    /// The value needs more than 256 bits.
    #[error("results[{question}][{option}] does not fit in a uint256")]
    ValueTooLarge {
        /// Row (question) index.
        question: usize,
        /// Column (option/value) index.
        option: usize,
    },
}

/// Size of one ABI word.
const WORD: usize = 32;

/// `abi.encode(bytes32 electionId, address organizationId, bytes32 censusRoot,
/// address sourceContractAddress, uint256[][] results)`.
///
/// Byte inputs go through go-ethereum's `BytesToHash`/`BytesToAddress` first: the **last** 32 (20)
/// bytes are kept and shorter inputs are left-padded with zeros, so a 33-byte CSP census root loses
/// its first byte and an absent source contract becomes the zero address.
///
/// Layout: five head words (bytes32, address left-padded to 32, bytes32, address, offset `0xa0` of
/// the results), then the results: row count, one offset per row (relative to the word after the
/// count), and each row as its length followed by its cells, all big-endian 32-byte words.
pub fn encode_evm_results_args(
    election_id: &[u8],
    organization_id: &[u8],
    census_root: &[u8],
    source_contract_address: &[u8],
    results: &[Vec<BigUint>],
) -> Result<Vec<u8>, AbiError> {
    let mut out =
        Vec::with_capacity(WORD * (7 + results.iter().map(|r| r.len() + 2).sum::<usize>()));
    out.extend_from_slice(&right_aligned::<32>(election_id));
    out.extend_from_slice(&address_word(organization_id));
    out.extend_from_slice(&right_aligned::<32>(census_root));
    out.extend_from_slice(&address_word(source_contract_address));
    out.extend_from_slice(&usize_word(5 * WORD));

    out.extend_from_slice(&usize_word(results.len()));
    let mut offset = results.len() * WORD;
    for row in results {
        out.extend_from_slice(&usize_word(offset));
        offset += (row.len() + 1) * WORD;
    }
    for (question, row) in results.iter().enumerate() {
        out.extend_from_slice(&usize_word(row.len()));
        for (option, cell) in row.iter().enumerate() {
            let bytes = cell.to_bytes_be();
            if bytes.len() > WORD {
                return Err(AbiError::ValueTooLarge { question, option });
            }
            out.extend_from_slice(&right_aligned::<32>(&bytes));
        }
    }
    Ok(out)
}

/// The last `N` bytes of `bytes`, left-padded with zeros when shorter (go-ethereum `SetBytes`).
fn right_aligned<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let take = bytes.len().min(N);
    out[N - take..].copy_from_slice(&bytes[bytes.len() - take..]);
    out
}

/// An address (last 20 bytes) as a left-padded ABI word.
fn address_word(bytes: &[u8]) -> [u8; 32] {
    right_aligned::<32>(&right_aligned::<20>(bytes))
}

fn usize_word(n: usize) -> [u8; 32] {
    right_aligned::<32>(&(n as u64).to_be_bytes())
}
