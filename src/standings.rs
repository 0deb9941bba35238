//! The standings cache: at most one read of the site per `cache_ttl`, shared by every request,
//! and the last good roster kept when a read fails.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use futures_util::future::{BoxFuture, FutureExt, Shared};

use crate::eqdkp::{FetchError, Source};
use crate::metrics::{Fetches, StandingsGauges};
use crate::roster::{Character, Roster};

/// Something that can read a whole roster. The live [`Source`] in production; tests substitute
/// readers that count their calls or fail on demand.
pub trait Reader: Send + Sync + 'static {
    /// Reads the roster once.
    fn read(&self) -> BoxFuture<'_, Result<Roster, FetchError>>;

    /// Reads one character with its items and adjustments.
    fn read_items(&self, character: u32) -> BoxFuture<'_, Result<Character, FetchError>> {
        let _ = character;
        Box::pin(std::future::ready(Err(FetchError::ItemsNeedApi)))
    }
}

impl Reader for Source {
    fn read(&self) -> BoxFuture<'_, Result<Roster, FetchError>> {
        Box::pin(Source::read(self))
    }

    fn read_items(&self, character: u32) -> BoxFuture<'_, Result<Character, FetchError>> {
        Box::pin(Source::read_items(self, character))
    }
}

/// What a request gets: the freshest roster there is, and the reason it is not fresher.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The last roster read successfully, if any.
    pub roster: Option<Arc<Roster>>,
    /// Set when the last read failed; with a roster, the roster is stale.
    pub problem: Option<Arc<FetchError>>,
    /// Counts the rosters read so far, so that anything derived from one roster (a rendered
    /// reply) can tell when it is out of date.
    pub generation: u64,
}

/// The shared cache of one site's standings.
pub struct Standings {
    reader: Arc<dyn Reader>,
    ttl: Duration,
    retry_after: Duration,
    state: Mutex<State>,
    items: Mutex<HashMap<u32, (Instant, Arc<Character>)>>,
    fetches: Fetches,
    /// A lock-free copy of "fresh, and of which generation", for the hot path of a remembered
    /// answer: the generation (0 while none is fresh or the last read failed) and until when,
    /// in milliseconds since `epoch`.
    fresh_generation: AtomicU64,
    fresh_until: AtomicU64,
    epoch: Instant,
}

#[derive(Default)]
struct State {
    roster: Option<Arc<Roster>>,
    generation: u64,
    read_at: Option<Instant>,
    failure: Option<(Instant, Arc<FetchError>)>,
    in_flight: Option<Shared<BoxFuture<'static, ()>>>,
}

/// After a failed read, the site is left alone this long (or `cache_ttl`, if shorter), so a
/// site that is down is not asked again by every request, each waiting out the timeout.
const RETRY_AFTER: Duration = Duration::from_secs(15);

/// How many characters' items are kept at most.
const MAX_CACHED_ITEMS: usize = 512;

impl Standings {
    /// A cache that reads through `reader` at most once per `ttl`.
    pub fn new(reader: Arc<dyn Reader>, ttl: Duration) -> Arc<Standings> {
        Arc::new(Standings {
            reader,
            ttl,
            retry_after: RETRY_AFTER.min(ttl),
            state: Mutex::new(State::default()),
            items: Mutex::new(HashMap::new()),
            fetches: Fetches::default(),
            fresh_generation: AtomicU64::new(0),
            fresh_until: AtomicU64::new(0),
            epoch: Instant::now(),
        })
    }

    /// The standings. When the cached ones have expired, a read of the site starts, shared
    /// by every caller; none of them holds a lock while it runs.
    ///
    /// Standings that expired less than one more `cache_ttl` ago answer at once, and the read
    /// refreshes the cache for the next request, so a slow site never holds up a reply the
    /// cache can give. Older standings, say after a quiet night, could be far from what the
    /// site now shows, so the caller waits for the read (bounded by `[eqdkp] timeout`) and
    /// gets them only if it fails, with the failure to show their age. With nothing cached,
    /// or with `cache_ttl = 0s` (no caching: a read per request), the caller waits too.
    pub async fn get(self: &Arc<Self>) -> Snapshot {
        let read = {
            let mut state = self.lock();
            if let Some(snapshot) = self.usable(&state) {
                return snapshot;
            }
            let read = self.join_read(&mut state);
            if self.recently_expired(&state) {
                return state.snapshot();
            }
            read
        };

        read.await;
        self.lock().snapshot()
    }

    /// Starts a read if the cached standings have expired, without waiting for it.
    pub fn refresh_in_background(self: &Arc<Self>) {
        let mut state = self.lock();
        if self.usable(&state).is_none() {
            // The read runs as a task of its own; its handle is not needed here.
            let _read = self.join_read(&mut state);
        }
    }

    fn join_read(self: &Arc<Self>, state: &mut State) -> Shared<BoxFuture<'static, ()>> {
        state
            .in_flight
            .get_or_insert_with(|| self.start_read())
            .clone()
    }

    /// Reads of the site so far, by outcome and duration.
    pub fn fetches(&self) -> &Fetches {
        &self.fetches
    }

    /// The cache's state for `/metrics`.
    pub fn gauges(&self) -> StandingsGauges {
        let state = self.lock();
        let roster = state.roster.as_deref();
        StandingsGauges {
            age_seconds: state.read_at.map(|at| at.elapsed().as_secs_f64()),
            stale: state.failure.is_some(),
            characters: roster.map_or(0, |r| r.characters.len()),
            pools: roster.map_or(0, |r| r.pools.len()),
        }
    }

    /// One character's items and adjustments, read at most once per `cache_ttl` per character.
    pub async fn items(&self, character: u32) -> Result<Arc<Character>, FetchError> {
        if let Some(cached) = self.cached_items(character) {
            return Ok(cached);
        }

        let read = Arc::new(self.reader.read_items(character).await?);
        let mut items = self
            .items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Entries of characters nobody asks about again are never evicted one by one, so the
        // map is cleared when it grows past what a guild would plausibly look up.
        if items.len() >= MAX_CACHED_ITEMS {
            items.clear();
        }
        items.insert(character, (Instant::now(), Arc::clone(&read)));
        Ok(read)
    }

    fn cached_items(&self, character: u32) -> Option<Arc<Character>> {
        let items = self
            .items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (read_at, cached) = items.get(&character)?;
        (read_at.elapsed() < self.ttl).then(|| Arc::clone(cached))
    }

    /// The generation of the cached standings when they are fresh and were read without
    /// trouble: what a remembered answer must match to be served without a look at the site.
    pub fn fresh_generation(&self) -> Option<u64> {
        // Two loads, not one snapshot: a reader that sees a new generation with an old expiry
        // only takes the slow path once, and one that sees the old generation just after a
        // read serves an answer that was current a moment ago.
        let generation = self.fresh_generation.load(Ordering::Acquire);
        let until = self.fresh_until.load(Ordering::Acquire);
        (generation != 0 && self.millis_since_epoch() < until).then_some(generation)
    }

    fn millis_since_epoch(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The cached standings without reading the site, for health checks.
    pub fn peek(&self) -> (Snapshot, Option<Duration>) {
        let state = self.lock();
        (state.snapshot(), state.read_at.map(|at| at.elapsed()))
    }

    /// The cached state, if it can answer without a read: fresh, or failed so recently that
    /// asking again would only wait out the same failure.
    fn usable(&self, state: &State) -> Option<Snapshot> {
        let fresh = state.read_at.is_some_and(|at| at.elapsed() < self.ttl);
        let resting = state
            .failure
            .as_ref()
            .is_some_and(|(at, _)| at.elapsed() < self.retry_after);
        (fresh || resting).then(|| state.snapshot())
    }

    /// Whether the cached standings expired so recently that answering from them while a read
    /// refreshes them is closer to the site than making the user wait.
    fn recently_expired(&self, state: &State) -> bool {
        let grace = self.ttl.saturating_mul(2);
        state.roster.is_some() && state.read_at.is_some_and(|at| at.elapsed() < grace)
    }

    /// Starts the read as a task of its own, so that it completes and fills the cache even if
    /// the request that started it goes away. A read that panics still ends in `finish`:
    /// otherwise every later request would wait on a read that never ends.
    fn start_read(self: &Arc<Self>) -> Shared<BoxFuture<'static, ()>> {
        let this = Arc::clone(self);
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let read = AssertUnwindSafe(this.reader.read()).catch_unwind().await;
            let result = read.unwrap_or(Err(FetchError::Crashed));
            this.finish(result, started);
        });
        task.map(|_| ()).boxed().shared()
    }

    fn finish(&self, result: Result<Roster, FetchError>, started: Instant) {
        let took = started.elapsed();
        let histogram = if result.is_ok() {
            &self.fetches.ok
        } else {
            &self.fetches.failed
        };
        histogram.observe(took);

        let mut state = self.lock();
        state.in_flight = None;
        match result {
            Ok(roster) => {
                let characters = roster.characters.len();
                tracing::debug!(characters, ?took, "read the standings");
                state.roster = Some(Arc::new(roster));
                state.generation += 1;
                state.read_at = Some(Instant::now());
                state.failure = None;
                let ttl = u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX);
                let until = self.millis_since_epoch().saturating_add(ttl);
                self.fresh_until.store(until, Ordering::Release);
                self.fresh_generation
                    .store(state.generation, Ordering::Release);
            }
            Err(err) => {
                tracing::warn!(error = %err, took = ?took, "reading the standings failed");
                state.failure = Some((Instant::now(), Arc::new(err)));
                self.fresh_generation.store(0, Ordering::Release);
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held cannot leave State half-written (every update is a
        // handful of assignments), so a poisoned lock is still safe to use.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl State {
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            roster: self.roster.clone(),
            problem: self.failure.as_ref().map(|(_, err)| Arc::clone(err)),
            generation: self.generation,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::SystemTime;

    use super::*;
    use crate::roster::{Origin, RosterParts};

    /// A reader that counts its calls, waits a little, and fails while `failing` is set.
    #[derive(Default)]
    struct Counting {
        calls: AtomicUsize,
        failing: std::sync::atomic::AtomicBool,
    }

    impl Reader for Counting {
        fn read(&self) -> BoxFuture<'_, Result<Roster, FetchError>> {
            Box::pin(async move {
                self.calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                if self.failing.load(Ordering::SeqCst) {
                    return Err(FetchError::Timeout(Duration::from_secs(5)));
                }
                Ok(Roster::new(
                    RosterParts::default(),
                    Origin::File,
                    SystemTime::now(),
                ))
            })
        }
    }

    fn cache(ttl: Duration) -> (Arc<Counting>, Arc<Standings>) {
        let reader = Arc::new(Counting::default());
        (reader.clone(), Standings::new(reader, ttl))
    }

    #[tokio::test]
    async fn concurrent_requests_on_an_empty_cache_share_one_read() {
        let (reader, standings) = cache(Duration::from_secs(60));
        let requests = (0..100).map(|_| {
            let standings = Arc::clone(&standings);
            tokio::spawn(async move { standings.get().await })
        });
        for snapshot in futures_util::future::join_all(requests).await {
            assert!(snapshot.unwrap().roster.is_some());
        }
        assert_eq!(reader.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_fresh_roster_is_served_without_reading_again() {
        let (reader, standings) = cache(Duration::from_secs(60));
        standings.get().await;
        standings.get().await;
        assert_eq!(reader.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn an_expired_roster_answers_at_once_while_a_read_refreshes_it() {
        let (reader, standings) = cache(Duration::from_secs(60));
        let first = standings.get().await.roster.unwrap();
        tokio::time::advance(Duration::from_secs(59)).await;
        standings.get().await;
        assert_eq!(reader.calls.load(Ordering::SeqCst), 1);

        tokio::time::advance(Duration::from_secs(2)).await;
        let stale = standings.get().await.roster.unwrap();
        assert!(
            Arc::ptr_eq(&first, &stale),
            "the expired roster answers without waiting"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            reader.calls.load(Ordering::SeqCst),
            2,
            "and a read refreshed it"
        );
        let fresh = standings.get().await.roster.unwrap();
        assert!(!Arc::ptr_eq(&first, &fresh));
    }

    #[tokio::test(start_paused = true)]
    async fn long_expired_standings_wait_for_the_read() {
        let (reader, standings) = cache(Duration::from_secs(60));
        let first = standings.get().await.roster.unwrap();
        tokio::time::advance(Duration::from_secs(121)).await;

        let fresh = standings.get().await.roster.unwrap();
        assert!(
            !Arc::ptr_eq(&first, &fresh),
            "standings two ttls old are not shown while the site can be read"
        );
        assert_eq!(reader.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn long_expired_standings_answer_when_the_read_fails() {
        let (reader, standings) = cache(Duration::from_secs(60));
        let first = standings.get().await.roster.unwrap();
        tokio::time::advance(Duration::from_secs(121)).await;
        reader.failing.store(true, Ordering::SeqCst);

        let snapshot = standings.get().await;
        assert!(Arc::ptr_eq(&first, &snapshot.roster.unwrap()));
        assert!(
            snapshot.problem.is_some(),
            "with the failure to show their age"
        );
    }

    /// A reader whose first read panics.
    #[derive(Default)]
    struct PanicsOnce {
        calls: AtomicUsize,
    }

    impl Reader for PanicsOnce {
        fn read(&self) -> BoxFuture<'_, Result<Roster, FetchError>> {
            Box::pin(async move {
                if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("a bug in a parser");
                }
                Ok(Roster::new(
                    RosterParts::default(),
                    Origin::File,
                    SystemTime::now(),
                ))
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_read_that_panics_is_a_failure_and_the_next_read_runs() {
        let reader = Arc::new(PanicsOnce::default());
        let standings = Standings::new(reader.clone(), Duration::from_secs(60));

        let snapshot = standings.get().await;
        assert!(matches!(
            snapshot.problem.as_deref(),
            Some(FetchError::Crashed)
        ));

        tokio::time::advance(RETRY_AFTER + Duration::from_secs(1)).await;
        let snapshot = standings.get().await;
        assert!(snapshot.roster.is_some() && snapshot.problem.is_none());
        assert_eq!(reader.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_requests_on_an_expired_cache_share_one_read() {
        let (reader, standings) = cache(Duration::from_secs(60));
        standings.get().await;
        tokio::time::advance(Duration::from_secs(61)).await;
        let requests = (0..100).map(|_| {
            let standings = Arc::clone(&standings);
            tokio::spawn(async move { standings.get().await })
        });
        futures_util::future::join_all(requests).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(reader.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn without_caching_every_request_waits_for_its_own_read() {
        let (reader, standings) = cache(Duration::ZERO);
        for expected in 1..=3 {
            standings.get().await;
            assert_eq!(reader.calls.load(Ordering::SeqCst), expected);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_fresh_generation_follows_reads_failures_and_expiry() {
        let (reader, standings) = cache(Duration::from_secs(60));
        assert_eq!(standings.fresh_generation(), None, "nothing read yet");
        standings.get().await;
        assert_eq!(standings.fresh_generation(), Some(1));

        tokio::time::advance(Duration::from_secs(61)).await;
        assert_eq!(standings.fresh_generation(), None, "expired");
        reader.failing.store(true, Ordering::SeqCst);
        standings.get().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(standings.fresh_generation(), None, "the last read failed");

        reader.failing.store(false, Ordering::SeqCst);
        tokio::time::advance(RETRY_AFTER).await;
        standings.get().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(standings.fresh_generation(), Some(2));
    }

    #[tokio::test]
    async fn reads_are_counted_by_outcome() {
        let (reader, standings) = cache(Duration::ZERO);
        standings.get().await;
        reader.failing.store(true, Ordering::SeqCst);
        standings.get().await;
        assert_eq!(standings.fetches().ok.count(), 1);
        assert_eq!(standings.fetches().failed.count(), 1);
        let gauges = standings.gauges();
        assert!(gauges.stale && gauges.age_seconds.is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_site_is_asked_again_after_a_rest() {
        let (reader, standings) = cache(Duration::from_secs(60));
        reader.failing.store(true, Ordering::SeqCst);
        standings.get().await;
        tokio::time::advance(RETRY_AFTER + Duration::from_secs(1)).await;
        reader.failing.store(false, Ordering::SeqCst);
        let snapshot = standings.get().await;
        assert!(snapshot.roster.is_some() && snapshot.problem.is_none());
        assert_eq!(reader.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_read_keeps_the_last_good_roster() {
        let (reader, standings) = cache(Duration::ZERO);
        assert!(standings.get().await.problem.is_none());

        reader.failing.store(true, Ordering::SeqCst);
        let snapshot = standings.get().await;
        assert!(snapshot.roster.is_some(), "the old roster is kept");
        assert!(matches!(
            snapshot.problem.as_deref(),
            Some(FetchError::Timeout(_))
        ));
    }

    #[tokio::test]
    async fn with_nothing_cached_the_failure_is_reported() {
        let (reader, standings) = cache(Duration::from_secs(60));
        reader.failing.store(true, Ordering::SeqCst);
        let snapshot = standings.get().await;
        assert!(snapshot.roster.is_none());
        assert!(snapshot.problem.is_some());
    }

    #[tokio::test]
    async fn a_failing_site_is_not_asked_by_every_request() {
        let (reader, standings) = cache(Duration::from_secs(60));
        reader.failing.store(true, Ordering::SeqCst);
        for _ in 0..5 {
            standings.get().await;
        }
        assert_eq!(reader.calls.load(Ordering::SeqCst), 1);
    }
}
