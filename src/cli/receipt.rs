//! `vocaudit receipt`: one voter's vote, counted as cast or not.

use clap::Args;
use reqwest::Url;
use tokio::runtime::Runtime;

use vocaudit::fetch::http::HttpClient;
use vocaudit::receipt;

use super::args::{Format, HttpArgs, ZkKeyArgs};

#[derive(Args)]
pub struct Receipt {
    /// Node API base including its version path, e.g. https://api.vocdoni.io/v2
    #[arg(long)]
    node: Url,
    /// Vochain election id (64 hex).
    #[arg(long)]
    election: String,
    /// The vote id (nullifier: 64 hex; an anonymous vote's, its proof's nullifier, up to 64).
    #[arg(long, conflicts_with = "address", required_unless_present = "address")]
    vote_id: Option<String>,
    /// The voter's address (40 hex); the vote id is keccak256(address ‖ electionId).
    #[arg(long)]
    address: Option<String>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    http: HttpArgs,
    #[command(flatten)]
    zk: ZkKeyArgs,
}

impl Receipt {
    pub fn run(self, runtime: &Runtime) -> Result<u8, String> {
        let vote = match (self.vote_id, self.address) {
            (Some(id), _) => receipt::VoteRef::VoteId(id),
            (None, Some(a)) => receipt::VoteRef::Address(a),
            (None, None) => return Err("give --vote-id HEX or --address HEX".into()),
        };
        let client = HttpClient::new(self.http.config()).map_err(|e| e.to_string())?;
        let circuits = self.zk.circuits()?;
        let checked = runtime.block_on(receipt::check_with_circuits(
            &client,
            self.node.as_str(),
            &self.election,
            vote,
            circuits,
        ));
        match checked {
            Ok(r) => {
                match self.format {
                    Format::Text => print!("{r}"),
                    Format::Json => println!(
                        "{}",
                        serde_json::to_string_pretty(&r).map_err(|e| e.to_string())?
                    ),
                }
                Ok(r.exit_code())
            }
            Err(e) if e.exit_code() == 1 => {
                eprintln!("vocaudit: {e}");
                Ok(1)
            }
            Err(e) => Err(e.to_string()),
        }
    }
}
