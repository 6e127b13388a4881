//! Fault switches shared by the fake servers: a share of server errors, a
//! share of malformed bodies and added latency, drawn from a seeded
//! generator so that a run can be repeated.

use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Faults a fake server injects into its answers.
///
/// Shares are probabilities between 0 and 1 drawn per request from a
/// generator seeded by the sandbox seed, so the same seed and the same
/// sequence of requests meet the same faults. A request that meets a fault
/// changes nothing on the server: the fault is decided before the
/// operation runs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Faults {
    /// Share of requests answered with a 5xx status (500, 502, 503 or 504).
    pub server_error_rate: f64,
    /// Share of requests answered 200 with a body the client cannot use:
    /// JSON cut off half way, or an HTML page from a "proxy".
    pub malformed_rate: f64,
    /// Delay added to every answer.
    pub latency: Duration,
}

impl Faults {
    /// No faults at all (the default).
    pub fn none() -> Self {
        Faults {
            server_error_rate: 0.0,
            malformed_rate: 0.0,
            latency: Duration::ZERO,
        }
    }

    /// Sets the share of 5xx answers (clamped to 0..=1).
    #[must_use]
    pub fn with_server_error_rate(mut self, rate: f64) -> Self {
        self.server_error_rate = clamp_share(rate);
        self
    }

    /// Sets the share of malformed bodies (clamped to 0..=1).
    #[must_use]
    pub fn with_malformed_rate(mut self, rate: f64) -> Self {
        self.malformed_rate = clamp_share(rate);
        self
    }

    /// Sets the delay added to every answer.
    #[must_use]
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }
}

impl Default for Faults {
    fn default() -> Self {
        Faults::none()
    }
}

fn clamp_share(rate: f64) -> f64 {
    if rate.is_nan() {
        0.0
    } else {
        rate.clamp(0.0, 1.0)
    }
}

/// What a request met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    ServerError(u16),
    TruncatedJson,
    HtmlPage,
}

#[derive(Debug)]
pub(crate) struct FaultInjector {
    rng: ChaCha8Rng,
    pub(crate) faults: Faults,
}

impl FaultInjector {
    pub(crate) fn new(seed: u64, faults: Faults) -> Self {
        FaultInjector {
            rng: ChaCha8Rng::seed_from_u64(seed),
            faults,
        }
    }

    /// Draws the fate of one request. Two draws are made every time, so a
    /// change of one share does not shift the sequence of the other.
    pub(crate) fn draw(&mut self) -> Option<Fault> {
        let error_draw: f64 = self.rng.r#gen();
        let malformed_draw: f64 = self.rng.r#gen();
        let pick: u32 = self.rng.gen_range(0..4);
        if error_draw < self.faults.server_error_rate {
            return Some(Fault::ServerError([500, 502, 503, 504][pick as usize]));
        }
        if malformed_draw < self.faults.malformed_rate {
            return Some(if pick.is_multiple_of(2) {
                Fault::TruncatedJson
            } else {
                Fault::HtmlPage
            });
        }
        None
    }
}

/// The HTML page a misbehaving proxy answers with.
pub(crate) const PROXY_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title>\
</head><body><center><h1>502 Bad Gateway</h1></center><hr><center>sandbox-proxy</center>\
</body></html>\n";

/// The first half of a JSON body, as a connection cut mid-answer leaves it.
pub(crate) fn truncate_json(body: &[u8]) -> Vec<u8> {
    let cut = (body.len() / 2).max(1).min(body.len());
    body[..cut].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_clamped() {
        let f = Faults::none()
            .with_server_error_rate(7.0)
            .with_malformed_rate(f64::NAN);
        assert_eq!(f.server_error_rate, 1.0);
        assert_eq!(f.malformed_rate, 0.0);
    }

    #[test]
    fn draws_repeat_for_a_seed_and_follow_the_share() {
        let faults = Faults::none().with_server_error_rate(0.3);
        let mut a = FaultInjector::new(9, faults.clone());
        let mut b = FaultInjector::new(9, faults);
        let run_a: Vec<_> = (0..500).map(|_| a.draw()).collect();
        let run_b: Vec<_> = (0..500).map(|_| b.draw()).collect();
        assert_eq!(run_a, run_b);
        let errors = run_a.iter().filter(|f| f.is_some()).count();
        assert!(
            (100..200).contains(&errors),
            "{errors} errors of 500 at a 0.3 share"
        );
    }

    #[test]
    fn no_faults_means_no_draws_hit() {
        let mut f = FaultInjector::new(1, Faults::none());
        assert!((0..1000).all(|_| f.draw().is_none()));
    }
}
