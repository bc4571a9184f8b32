//! `vocaudit sim`: list the synthetic scenarios and tampers, or serve one on loopback.

use clap::Subcommand;

use vocaudit::sim;

#[derive(Subcommand)]
pub enum SimCommand {
    /// List the scenarios and tampers.
    List,
    /// Serve a scenario on loopback until interrupted; prints the URLs when ready.
    Serve {
        #[arg(long)]
        scenario: String,
        /// Votes per election.
        #[arg(long, default_value_t = 100)]
        votes: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Port on 127.0.0.1 (0 = any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Fault rule `[SCOPE:]KIND[=VALUE][@TRIGGER]`, e.g. `votes:429@every=5` or a hostile
        /// answer such as `vote:equivocate=weight` (repeatable; see README "Hostile nodes").
        #[arg(long = "fault")]
        faults: Vec<String>,
        /// Named defect to inject (see `vocaudit sim list`; repeatable).
        #[arg(long = "tamper")]
        tampers: Vec<String>,
        /// Serve every election live, for `vocaudit watch`: N more votes appear per vote-list
        /// request (default 5), then the election moves READY → ENDED → RESULTS.
        #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "5",
              value_parser = clap::value_parser!(u64).range(1..))]
        live: Option<u64>,
        /// Where to write the test circuit's verification_key.json when the scenario has
        /// anonymous elections (default: the temporary directory); its path is printed as
        /// `zk-key: PATH`, for `--zk-key`.
        #[arg(long, value_name = "FILE")]
        zk_key_out: Option<std::path::PathBuf>,
    },
}

impl SimCommand {
    pub async fn run(self) -> Result<u8, String> {
        match self {
            SimCommand::List => {
                list();
                Ok(0)
            }
            SimCommand::Serve {
                scenario,
                votes,
                seed,
                port,
                faults,
                tampers,
                live,
                zk_key_out,
            } => {
                let mut world =
                    sim::scenario::scenario(&scenario, votes, seed).map_err(|e| e.to_string())?;
                for t in &tampers {
                    let applied =
                        sim::tamper::apply_tamper(&mut world, t).map_err(|e| e.to_string())?;
                    eprintln!("tamper {}: {:?}", t, applied.location);
                }
                if let Some(n) = live {
                    let n = usize::try_from(n).unwrap_or(usize::MAX);
                    sim::live::make_live(&mut world, n).map_err(|e| e.to_string())?;
                }
                let plan = sim::FaultPlan::parse(&faults).map_err(|e| e.to_string())?;
                let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
                let server = sim::serve(&world, plan, addr)
                    .await
                    .map_err(|e| e.to_string())?;
                let zk_key = match &world.zk_key {
                    Some(key) => {
                        let path = zk_key_out.unwrap_or_else(|| {
                            std::env::temp_dir().join(format!("vocaudit-sim-zk-key-{seed}.json"))
                        });
                        std::fs::write(&path, key)
                            .map_err(|e| format!("writing {}: {e}", path.display()))?;
                        Some(path)
                    }
                    None => None,
                };
                announce(&server, &world);
                if let Some(path) = zk_key {
                    println!("zk-key: {}", path.display());
                }
                tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
                server.shutdown().await.map_err(|e| e.to_string())?;
                Ok(0)
            }
        }
    }
}

fn list() {
    println!("scenarios:");
    for s in sim::scenario::scenarios() {
        println!("  {:<20} {}", s.name, s.description);
    }
    println!("tampers:");
    for t in sim::tamper::tampers() {
        println!("  {:<28} [{}] {}", t.name, t.category, t.description);
    }
}

/// The URLs and what is served, for a person or a script to pick up.
fn announce(server: &sim::SimServer, world: &sim::World) {
    println!("node:  {}", server.node_url());
    println!("saas:  {}", server.saas_url());
    println!("ipfs:  {}", server.base_url());
    for (id, e) in &world.elections {
        match &e.live {
            Some(l) => println!(
                "election {id} (live: {} envelopes, {} per vote-list request, {})",
                l.pending.len(),
                l.reveal_per_list_request,
                e.election.status
            ),
            None => println!(
                "election {id} ({} votes, {})",
                e.votes.len(),
                e.election.status
            ),
        }
    }
    for id in world.saas_processes.keys() {
        println!("saas process {id}");
    }
}
