//! Members connected by an in-process router (openraft's own test style): elections, the leader
//! cut off into a minority, its rejoin, and membership changes, with the marketplace state
//! machine underneath. Every member's state digest is compared at the end.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora::core::TxBody;
use agora::store::ReplicationLog;
use agora::{Action, AgentKey, AssetId, Genesis, MarketReader, Marketplace};
use agora_cluster::{BlockProposal, LogStore, Member, NodeId, Raft, StateMachine, TypeConfig};
use openraft::error::{InstallSnapshotError, RPCError, RaftError, RemoteError, Unreachable};
use openraft::network::{RPCOption, RaftNetwork, RaftNetworkFactory};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse, VoteRequest,
    VoteResponse,
};
use openraft::{Config, ServerState};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Delivers RPCs between in-process members unless their link is cut.
#[derive(Clone, Default)]
struct Router {
    rafts: Arc<Mutex<BTreeMap<NodeId, Raft>>>,
    cut: Arc<Mutex<BTreeSet<(NodeId, NodeId)>>>,
}

impl Router {
    fn target(&self, from: NodeId, to: NodeId) -> Result<Raft, Unreachable> {
        if self.cut.lock().unwrap().contains(&(from, to)) {
            return Err(Unreachable::new(&std::io::Error::other(format!("link {from}→{to} is cut"))));
        }
        self.rafts
            .lock()
            .unwrap()
            .get(&to)
            .cloned()
            .ok_or_else(|| Unreachable::new(&std::io::Error::other(format!("node {to} is down"))))
    }

    /// Cuts every link between `node` and the others, both ways.
    fn isolate(&self, node: NodeId) {
        let ids: Vec<NodeId> = self.rafts.lock().unwrap().keys().copied().collect();
        let mut cut = self.cut.lock().unwrap();
        for other in ids.into_iter().filter(|o| *o != node) {
            cut.insert((node, other));
            cut.insert((other, node));
        }
    }

    fn heal(&self) {
        self.cut.lock().unwrap().clear();
    }
}

struct Link {
    router: Router,
    from: NodeId,
    to: NodeId,
}

struct Factory {
    router: Router,
    from: NodeId,
}

impl RaftNetworkFactory<TypeConfig> for Factory {
    type Network = Link;
    async fn new_client(&mut self, target: NodeId, _node: &Member) -> Link {
        Link { router: self.router.clone(), from: self.from, to: target }
    }
}

fn remote<E: std::error::Error>(to: NodeId, e: RaftError<NodeId, E>) -> RPCError<NodeId, Member, RaftError<NodeId, E>> {
    RPCError::RemoteError(RemoteError::new(to, e))
}

impl RaftNetwork<TypeConfig> for Link {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        _option: RPCOption,
    ) -> Result<AppendEntriesResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId>>> {
        let raft = self.router.target(self.from, self.to)?;
        raft.append_entries(rpc).await.map_err(|e| remote(self.to, e))
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        _option: RPCOption,
    ) -> Result<InstallSnapshotResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId, InstallSnapshotError>>>
    {
        let raft = self.router.target(self.from, self.to)?;
        raft.install_snapshot(rpc).await.map_err(|e| remote(self.to, e))
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<NodeId>,
        _option: RPCOption,
    ) -> Result<VoteResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId>>> {
        let raft = self.router.target(self.from, self.to)?;
        raft.vote(rpc).await.map_err(|e| remote(self.to, e))
    }
}

struct Cluster {
    router: Router,
    readers: BTreeMap<NodeId, MarketReader>,
    dir: tempfile::TempDir,
    operator: AgentKey,
    genesis: Genesis,
    nonce: u64,
}

fn raft_config() -> Arc<Config> {
    Arc::new(
        Config {
            cluster_name: "router".into(),
            heartbeat_interval: 50,
            election_timeout_min: 200,
            election_timeout_max: 400,
            snapshot_policy: openraft::SnapshotPolicy::LogsSinceLast(20),
            max_in_snapshot_log_to_keep: 0,
            ..Default::default()
        }
        .validate()
        .unwrap(),
    )
}

impl Cluster {
    fn new() -> Cluster {
        let operator = AgentKey::from_seed([5; 32]);
        Cluster {
            router: Router::default(),
            readers: BTreeMap::new(),
            dir: tempfile::tempdir().unwrap(),
            genesis: Genesis::development(operator.id(), 1_000),
            operator,
            nonce: 0,
        }
    }

    async fn start(&mut self, id: NodeId) -> Raft {
        let db = self.dir.path().join(format!("node{id}.redb"));
        let market = if db.exists() {
            Marketplace::open(&db).unwrap()
        } else {
            Marketplace::create(&db, self.genesis.clone()).unwrap()
        };
        self.readers.insert(id, market.reader());
        let log = ReplicationLog::open(agora_cluster::log_path(&db)).unwrap();
        let state_machine = StateMachine::new(market, None).unwrap();
        let factory = Factory { router: self.router.clone(), from: id };
        let raft = Raft::new(id, raft_config(), factory, LogStore::new(log), state_machine).await.unwrap();
        self.router.rafts.lock().unwrap().insert(id, raft.clone());
        raft
    }

    fn raft(&self, id: NodeId) -> Raft {
        self.router.rafts.lock().unwrap()[&id].clone()
    }

    async fn stop(&mut self, id: NodeId) {
        let raft = self.router.rafts.lock().unwrap().remove(&id).unwrap();
        raft.shutdown().await.unwrap();
        self.readers.remove(&id);
    }

    async fn leader_among(&self, ids: &[NodeId]) -> NodeId {
        for _ in 0..200 {
            for id in ids {
                let metrics = self.raft(*id).metrics().borrow().clone();
                if metrics.state == ServerState::Leader && metrics.current_leader == Some(*id) {
                    return *id;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no leader among {ids:?}");
    }

    fn deposit(&mut self) -> agora::SignedTx {
        let body = TxBody {
            sender: self.operator.id(),
            nonce: self.nonce,
            action: Action::Deposit { to: self.operator.id(), asset: AssetId(1), amount: 1 },
        };
        self.nonce += 1;
        body.sign(&self.operator, &agora::core::ChainConfig::new(self.genesis.clone()).unwrap().genesis_hash)
    }

    async fn write(&mut self, leader: NodeId, txs: usize) -> u64 {
        let txs: Vec<_> = (0..txs).map(|_| self.deposit()).collect();
        let response = self.raft(leader).client_write(BlockProposal::new(&txs, 1_000)).await.unwrap();
        assert!(response.data.refused.is_none());
        assert!(response.data.receipts.iter().all(|r| r.status == agora::Status::Ok));
        response.data.height
    }

    /// Waits until every member follows one leader and has applied the leader's whole log;
    /// then every member's tip must be the same.
    async fn converge(&self, ids: &[NodeId]) -> agora::core::ChainTip {
        for _ in 0..400 {
            let metrics: Vec<_> = ids.iter().map(|id| self.raft(*id).metrics().borrow().clone()).collect();
            let leader = metrics[0].current_leader;
            let agreed = leader.is_some() && metrics.iter().all(|m| m.current_leader == leader);
            let leader_metrics = metrics.iter().find(|m| Some(m.id) == leader);
            if let (true, Some(lm)) = (agreed, leader_metrics)
                && lm.state == ServerState::Leader
                && metrics.iter().all(|m| m.last_applied.map(|l| l.index) == lm.last_log_index)
            {
                let tips: Vec<_> = ids.iter().map(|id| self.readers[id].tip()).collect();
                assert!(tips.windows(2).all(|w| w[0] == w[1]), "members differ: {tips:?}");
                return tips[0];
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("members {ids:?} did not converge");
    }
}

fn members(ids: &[NodeId]) -> BTreeMap<NodeId, Member> {
    ids.iter().map(|id| (*id, Member { url: format!("mem://{id}"), key: String::new() })).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_cut_off_into_a_minority_is_replaced_and_its_uncommitted_write_is_lost_on_rejoin() {
    let mut cluster = Cluster::new();
    for id in 1..=3 {
        cluster.start(id).await;
    }
    cluster.raft(1).initialize(members(&[1, 2, 3])).await.unwrap();
    let first = cluster.leader_among(&[1, 2, 3]).await;
    let height = cluster.write(first, 5).await;
    assert_eq!(height, 1);
    cluster.converge(&[1, 2, 3]).await;

    cluster.router.isolate(first);
    let others: Vec<NodeId> = (1..=3).filter(|id| *id != first).collect();
    let second = cluster.leader_among(&others).await;
    assert_ne!(second, first);
    // The cut-off leader cannot commit: its write waits and never gets an answer.
    let stale = cluster.deposit();
    let old = cluster.raft(first);
    let orphan = tokio::spawn(async move { old.client_write(BlockProposal::new(&[stale], 1_000)).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!orphan.is_finished(), "a minority leader committed a write");
    cluster.nonce -= 1; // that transaction never reaches the chain; reuse its nonce
    cluster.write(second, 3).await;

    cluster.router.heal();
    let tip = cluster.converge(&[1, 2, 3]).await;
    assert_eq!(tip.height, 2, "the orphaned write must not have become a block");
    let balance = cluster.readers[&first].balance(&cluster.operator.id(), AssetId(1)).unwrap();
    assert_eq!(balance, 8);
    orphan.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_added_and_removed_at_runtime_and_a_late_member_catches_up_by_snapshot() {
    let mut cluster = Cluster::new();
    for id in 1..=3 {
        cluster.start(id).await;
    }
    cluster.raft(1).initialize(members(&[1, 2, 3])).await.unwrap();
    let leader = cluster.leader_among(&[1, 2, 3]).await;
    // Enough entries for snapshots (every 20) and purged logs, so member 4 needs a snapshot.
    for _ in 0..30 {
        cluster.write(leader, 2).await;
    }
    cluster.converge(&[1, 2, 3]).await;
    cluster.start(4).await;
    let raft = cluster.raft(leader);
    raft.add_learner(4, Member { url: "mem://4".into(), key: String::new() }, true).await.unwrap();
    raft.change_membership(BTreeSet::from([1, 2, 3, 4]), false).await.unwrap();
    cluster.write(leader, 1).await;
    let tip = cluster.converge(&[1, 2, 3, 4]).await;
    assert_eq!(tip.height, 31);
    let snapshot = cluster.raft(4).metrics().borrow().snapshot;
    assert!(snapshot.is_some(), "member 4 caught up without installing a snapshot");

    let removed = (1..=4).find(|id| *id != leader).unwrap();
    raft.change_membership(BTreeSet::from_iter((1..=4).filter(|id| *id != removed)), false).await.unwrap();
    cluster.stop(removed).await;
    let survivors: Vec<NodeId> = (1..=4).filter(|id| *id != removed).collect();
    cluster.write(leader, 1).await;
    let tip = cluster.converge(&survivors).await;
    assert_eq!(tip.height, 32);
    let report = cluster.readers[&survivors[0]].replay(cluster.dir.path().join("replayed.redb")).unwrap();
    assert!(report.matches());
    assert_eq!(report.digest, tip.digest);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_restarted_from_its_files_resumes_where_its_file_stands() {
    let mut cluster = Cluster::new();
    for id in 1..=3 {
        cluster.start(id).await;
    }
    cluster.raft(1).initialize(members(&[1, 2, 3])).await.unwrap();
    let leader = cluster.leader_among(&[1, 2, 3]).await;
    cluster.write(leader, 4).await;
    cluster.converge(&[1, 2, 3]).await;
    let follower = (1..=3).find(|id| *id != leader).unwrap();
    cluster.stop(follower).await;
    cluster.write(leader, 4).await;
    cluster.start(follower).await;
    let tip = cluster.converge(&[1, 2, 3]).await;
    assert_eq!(tip.height, 2);
}
