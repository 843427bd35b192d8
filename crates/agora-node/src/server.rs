//! Binding, routing, the request guard (concurrency limit and timeout) and graceful shutdown
//! (the accept loop itself is `accept.rs`).

use crate::config::NodeConfig;
use crate::error::NodeError;
use crate::extract::ApiFailure;
use crate::feed::BlockFeed;
use crate::metrics::Metrics;
use crate::replicator::Replicator;
use crate::state::{AppState, Mempool, Shared};
use crate::{events, interop, producer, queries, replication_guard, system, txs};
use agora::{MarketReader, Marketplace};
use agora_api::{ErrorKind, routes};
use agora_interop::endpoints::NodeEndpoints;
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower_http::catch_panic::CatchPanicLayer;

/// A bound node: the socket is open and the producer runs; [`Node::run`] serves until the
/// shutdown future completes.
pub struct Node {
    listener: TcpListener,
    local_addr: SocketAddr,
    shared: AppState,
    producer: std::thread::JoinHandle<()>,
    shutdown: watch::Sender<bool>,
    internal: Router,
}

/// How a bound node makes its blocks.
enum Producer {
    /// It commits them to its own file.
    Local(Box<Marketplace>),
    /// A cluster agrees on them.
    Replicated(Arc<dyn Replicator>),
}

impl Node {
    /// Indexes the stored receipts, binds `config.listen` and starts the producer, which takes
    /// ownership of `market`.
    pub async fn bind(market: Marketplace, config: NodeConfig) -> Result<Node, NodeError> {
        let reader = market.reader();
        let for_index = market.reader();
        let feed = tokio::task::spawn_blocking(move || BlockFeed::new(&for_index))
            .await
            .map_err(|e| NodeError::Producer(e.to_string()))??;
        Self::bind_with(reader, feed, Producer::Local(Box::new(market)), config, Router::new()).await
    }

    /// Binds a cluster member: its blocks come from `replicator` (whose state machine commits
    /// them to the file `reader` reads and publishes them to `feed`), and `internal` (the
    /// cluster's own routes) is served beside the API on the same listener.
    pub async fn bind_replicated(
        reader: MarketReader,
        feed: BlockFeed,
        replicator: Arc<dyn Replicator>,
        config: NodeConfig,
        internal: Router,
    ) -> Result<Node, NodeError> {
        Self::bind_with(reader, feed, Producer::Replicated(replicator), config, internal).await
    }

    async fn bind_with(
        reader: MarketReader,
        feed: BlockFeed,
        producer: Producer,
        config: NodeConfig,
        internal: Router,
    ) -> Result<Node, NodeError> {
        let listener = TcpListener::bind(config.listen).await?;
        let local_addr = listener.local_addr()?;
        let endpoints = NodeEndpoints::new(config.public_url.as_deref().unwrap_or(&format!("http://{local_addr}")))?;
        let operator_mcp = config.operator_mcp_url.as_deref().map(NodeEndpoints::new).transpose()?;
        let (inbox_sender, inbox) = std::sync::mpsc::channel();
        let (shutdown, shutdown_receiver) = watch::channel(false);
        let replicator = match &producer {
            Producer::Local(_) => None,
            Producer::Replicated(replicator) => Some(Arc::clone(replicator)),
        };
        let shared = Arc::new(Shared {
            genesis_hash: reader.genesis_hash(),
            reader,
            mempool: Mempool::new(inbox_sender, config.mempool_capacity),
            feed,
            replicator,
            metrics: Metrics::new(),
            shutting_down: AtomicBool::new(false),
            producer_running: AtomicBool::new(false),
            shutdown: shutdown_receiver,
            endpoints,
            operator_mcp,
            requests: Arc::new(Semaphore::new(config.max_concurrent_requests.max(1))),
            streams: Arc::new(Semaphore::new(config.max_event_streams.max(1))),
            config,
        });
        let for_producer = shared.clone();
        shared.producer_running.store(true, Ordering::Release);
        let thread = std::thread::Builder::new().name("agora-producer".into());
        let producer = match producer {
            Producer::Local(market) => thread.spawn(move || producer::run(*market, inbox, for_producer))?,
            Producer::Replicated(replicator) => {
                let runtime = tokio::runtime::Handle::current();
                thread.spawn(move || producer::run_replicated(replicator, runtime, inbox, for_producer))?
            }
        };
        Ok(Node { listener, local_addr, shared, producer, shutdown, internal })
    }

    /// The address the node listens on (with the actual port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The base URL the node advertises (`--public-url`, or `http://` and the bound address).
    pub fn public_url(&self) -> &str {
        self.shared.endpoints.base()
    }

    /// The genesis hash of the served marketplace.
    pub fn genesis_hash(&self) -> [u8; 32] {
        self.shared.genesis_hash
    }

    /// Serves until `shutdown` completes, then: refuses new transactions (503), stops
    /// accepting connections, lets in-flight requests finish (their transactions are
    /// committed and answered), ends event streams, commits what the mempool still holds and
    /// stops the producer.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), NodeError> {
        let Node { listener, shared, producer, shutdown: stop_streams, internal, .. } = self;
        let app = router(shared.clone()).merge(internal);
        let for_signal = shared.clone();
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: refusing new transactions, committing the mempool");
            for_signal.shutting_down.store(true, Ordering::Release);
            let _ = stop_streams.send(true);
        };
        crate::accept::serve(listener, app, shared.config.request_timeout, signal).await;
        shared.mempool.close();
        let joined = producer::join(producer).await;
        joined.map_err(NodeError::Producer)?;
        tracing::info!(height = shared.reader.tip().height, "node stopped");
        Ok(())
    }
}

/// Concurrency limit and per-request timeout of the API routes, answered in JSON.
async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Ok(_permit) = state.requests.clone().try_acquire_owned() else {
        state.metrics.refused(ErrorKind::Overloaded.name());
        return ApiFailure::new(ErrorKind::Overloaded, "too many requests at once; retry shortly").into_response();
    };
    let timeout = state.config.request_timeout;
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            state.metrics.refused(ErrorKind::RequestTimeout.name());
            ApiFailure::new(
                ErrorKind::RequestTimeout,
                format!("the request took longer than {} ms", timeout.as_millis()),
            )
            .into_response()
        }
    }
}

async fn not_found(request: Request) -> ApiFailure {
    ApiFailure::not_found(format!("no route {} {}", request.method(), request.uri().path()))
}

fn router(state: AppState) -> Router {
    let api = Router::new()
        .route(routes::TXS, post(txs::post_tx))
        .route(routes::TXS_BATCH, post(txs::post_batch))
        .route(routes::TXS_PREPARE, post(txs::prepare))
        .route(routes::TX, get(queries::receipt))
        .route(routes::TIP, get(queries::tip))
        .route(routes::AGENT, get(queries::agent))
        .route(routes::AGENT_REPUTATION, get(queries::reputation))
        .route(routes::AGENT_BALANCE, get(queries::balance))
        .route(routes::AGENT_ARBITRATOR, get(queries::arbitrator))
        .route(routes::AGENT_FREEZE, get(queries::freeze))
        .route(routes::AGENT_ENCRYPTION_KEY, get(queries::encryption_key))
        .route(routes::ASSETS, get(queries::assets))
        .route(routes::TASKS, get(queries::tasks))
        .route(routes::TASK, get(queries::task))
        .route(routes::TASK_OFFER, get(queries::offer))
        .route(routes::TASK_SEALED, get(queries::sealed))
        .route(routes::TASK_BIDS, get(queries::bids))
        .route(routes::OPEN_BIDS, get(queries::open_bids))
        .route(routes::AGENT_REGISTRATION, get(interop::agent_registration))
        .route(routes::AGENT_CARD, get(interop::agent_card))
        .route(routes::OPERATOR_REGISTRATION, get(interop::operator_registration))
        .route(routes::LOAN, get(queries::loan))
        .route(routes::CASE, get(queries::case))
        .route(routes::BLOCK, get(queries::block))
        .route(routes::BLOCK_DIGEST, get(queries::block_digest))
        .route(routes::BLOCK_RECEIPTS, get(queries::block_receipts))
        .route(routes::TOTALS, get(queries::totals))
        .route(routes::TRUSTED, get(queries::trusted))
        .route(routes::KINDS, get(queries::kinds))
        .route(routes::AUDIT, get(queries::audit))
        .route(routes::OPENAPI, get(system::openapi))
        .route_layer(from_fn_with_state(state.clone(), replication_guard::route))
        .route_layer(from_fn_with_state(state.clone(), guard));
    let unguarded = Router::new()
        .route(routes::EVENTS, get(events::events))
        .route(routes::HEALTHZ, get(system::healthz))
        .route(routes::READYZ, get(system::readyz))
        .route(routes::METRICS, get(system::metrics));
    let for_panics = state.clone();
    Router::new()
        .merge(api)
        .merge(unguarded)
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(move |_panic: Box<dyn std::any::Any + Send + 'static>| {
            for_panics.metrics.panicked();
            ApiFailure::new(ErrorKind::Internal, "the node failed while answering this request").into_response()
        }))
        .with_state(state)
}
