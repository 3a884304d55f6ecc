//! The subscriptions a connection holds, and how they are sent. MQTT subscriptions are not
//! counted by the broker, while two parties subscribe through one connection (the Jobs engine
//! and the application of the C API), so each filter records who holds it and with which QoS;
//! a filter is unsubscribed only when neither does, and the held ones are what a reconnection
//! subscribes again. AWS IoT accepts at most eight filters in one SUBSCRIBE, so requests are
//! sent in chunks of eight there ([`per_request`]), and a SUBACK refusing any filter of a
//! chunk fails the chunk ([`subscribe_chunk`]).

use std::collections::BTreeMap;
use std::time::Duration;

use paho_mqtt as paho;
use parking_lot::Mutex;

use super::settings::paho_qos;
use crate::core::topics::topic_matches;
use crate::core::transport::Qos;

/// Who holds a subscription. MQTT subscriptions are not counted by the broker, so a filter
/// both hold is unsubscribed only when neither does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Jobs,
    App,
}

#[derive(Clone, Copy, Debug, Default)]
struct Holders {
    jobs: Option<Qos>,
    app: Option<Qos>,
}

impl Holders {
    fn slot(&mut self, holder: Holder) -> &mut Option<Qos> {
        match holder {
            Holder::Jobs => &mut self.jobs,
            Holder::App => &mut self.app,
        }
    }

    fn qos(&self) -> Option<Qos> {
        match (self.jobs, self.app) {
            (Some(Qos::AtLeastOnce), _) | (_, Some(Qos::AtLeastOnce)) => Some(Qos::AtLeastOnce),
            (None, None) => None,
            _ => Some(Qos::AtMostOnce),
        }
    }
}

/// The filters held on one connection, by filter.
#[derive(Default)]
pub(super) struct Subscriptions {
    held: Mutex<BTreeMap<String, Holders>>,
}

impl Subscriptions {
    /// Holds `filters` for `holder`. Returns the filters `holder` did not hold before, and
    /// every filter with the QoS to subscribe it with (the higher of both holders').
    pub(super) fn hold(
        &self,
        holder: Holder,
        filters: &[(&str, Qos)],
    ) -> (Vec<String>, Vec<(String, Qos)>) {
        let mut subs = self.held.lock();
        let mut added = Vec::new();
        let mut wanted = Vec::new();
        for (filter, qos) in filters {
            let holders = subs.entry((*filter).to_owned()).or_default();
            let slot = holders.slot(holder);
            if slot.is_none() {
                added.push((*filter).to_owned());
            }
            *slot = Some(*qos);
            wanted.push(((*filter).to_owned(), holders.qos().unwrap_or(*qos)));
        }
        (added, wanted)
    }

    /// Releases `filters` for `holder`; returns those nobody holds any more (no longer restored
    /// on reconnection), to be unsubscribed.
    pub(super) fn release<S: AsRef<str>>(&self, holder: Holder, filters: &[S]) -> Vec<String> {
        let mut subs = self.held.lock();
        let mut released = Vec::new();
        for filter in filters {
            let filter = filter.as_ref();
            if let Some(holders) = subs.get_mut(filter) {
                *holders.slot(holder) = None;
                if holders.qos().is_none() {
                    subs.remove(filter);
                    released.push(filter.to_owned());
                }
            }
        }
        released
    }

    /// Records `filters` as held by `holder` without anything to send.
    pub(super) fn adopt(&self, holder: Holder, filters: &[(&str, Qos)]) {
        let mut subs = self.held.lock();
        for (filter, qos) in filters {
            *subs.entry((*filter).to_owned()).or_default().slot(holder) = Some(*qos);
        }
    }

    /// The QoS a filter is subscribed with and whether the application holds it.
    pub(super) fn subscription(&self, filter: &str) -> Option<(Qos, bool)> {
        let subs = self.held.lock();
        let holders = subs.get(filter)?;
        holders.qos().map(|qos| (qos, holders.app.is_some()))
    }

    /// The QoS of a Jobs subscription whose filter delivers `topic` (a topic name).
    pub(super) fn jobs_coverage(&self, topic: &str) -> Option<Qos> {
        if topic.contains(['+', '#']) {
            return None;
        }
        let subs = self.held.lock();
        subs.iter()
            .filter(|(filter, _)| topic_matches(filter, topic))
            .find_map(|(_, holders)| holders.jobs)
    }

    /// Every held filter with the QoS to subscribe it with: what a reconnection restores.
    pub(super) fn wanted(&self) -> Vec<(String, Qos)> {
        self.held
            .lock()
            .iter()
            .filter_map(|(filter, holders)| holders.qos().map(|qos| (filter.clone(), qos)))
            .collect()
    }
}

/// AWS IoT accepts at most this many filters in one SUBSCRIBE.
const AWS_MAX_FILTERS_PER_SUBSCRIBE: usize = 8;

/// How many of `wanted` filters go in one SUBSCRIBE: eight on AWS IoT, all elsewhere.
pub(super) fn per_request(aws_iot: bool, wanted: usize) -> usize {
    if aws_iot {
        AWS_MAX_FILTERS_PER_SUBSCRIBE
    } else {
        wanted.max(1)
    }
}

/// Sends one SUBSCRIBE for `chunk` and waits for its SUBACK within `left`; an error if the
/// broker refused any of the filters.
pub(super) fn subscribe_chunk(
    client: &paho::AsyncClient,
    chunk: &[(String, Qos)],
    left: Duration,
) -> paho::Result<()> {
    let filters: Vec<&str> = chunk.iter().map(|(f, _)| f.as_str()).collect();
    let qos: Vec<i32> = chunk.iter().map(|(_, q)| paho_qos(*q)).collect();
    let response = client.subscribe_many(&filters, &qos).wait_for(left)?;
    let granted = response
        .subscribe_many_response()
        .or_else(|| response.subscribe_response().map(|q| vec![q]))
        .unwrap_or_default();
    if granted.iter().any(|&q| q >= 0x80) {
        return Err(paho::Error::General("the broker refused a subscription"));
    }
    Ok(())
}
