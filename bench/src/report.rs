//! Percentiles and the markdown tables the bench prints.

use std::time::Duration;

/// Latency samples of one measurement.
#[derive(Default)]
pub struct Samples(Vec<Duration>);

impl Samples {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    /// The `q` quantile (0..=1) in microseconds.
    pub fn quantile_us(&self, q: f64) -> f64 {
        let mut v: Vec<Duration> = self.0.clone();
        v.sort();
        if v.is_empty() {
            return f64::NAN;
        }
        let i = ((v.len() - 1) as f64 * q).round() as usize;
        v[i].as_secs_f64() * 1e6
    }

    pub fn count(&self) -> usize {
        self.0.len()
    }
}

/// A markdown table printed as it is built, so a long run shows progress.
pub struct Table {
    widths: Vec<usize>,
}

impl Table {
    pub fn new(title: &str, headers: &[&str]) -> Table {
        println!("\n### {title}\n");
        let widths: Vec<usize> = headers.iter().map(|h| h.len().max(10)).collect();
        let t = Table { widths };
        t.row(headers.iter().map(|s| s.to_string()).collect());
        let rule: Vec<String> = t.widths.iter().map(|w| "-".repeat(*w)).collect();
        t.row(rule);
        t
    }

    pub fn row(&self, cells: Vec<String>) {
        let cells: Vec<String> = cells
            .iter()
            .zip(&self.widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("| {} |", cells.join(" | "));
    }
}

/// One figure against its target, for the summary at the end.
pub struct Verdict {
    pub figure: String,
    pub value: String,
    pub target: String,
    pub met: Option<bool>,
}

pub fn summary(verdicts: &[Verdict]) {
    let t = Table::new("Summary", &["figure", "measured", "target", "met"]);
    for v in verdicts {
        let met = match v.met {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        t.row(vec![
            v.figure.clone(),
            v.value.clone(),
            v.target.clone(),
            met.into(),
        ]);
    }
}
