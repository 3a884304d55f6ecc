//! `watch`: prints the thing's notifications as JSON lines, one object per message:
//! `{"event":"notify-next"|"notify","thingName":...,"message":{...}}`, the message as the
//! service sent it (typed and re-serialized: its members in the model's order). Runs until
//! interrupted, or until `--count` messages were printed.

use crate::args::WatchArgs;
use crate::failure::Failure;
use crate::session::Session;
use crate::tree::Node;
use awsiotjobs::client::Error;
use serde::Serialize;
use std::io::Write;
use std::sync::mpsc;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line<'a> {
    event: &'a str,
    thing_name: &'a str,
    message: Node,
}

pub fn run(session: &Session, args: &WatchArgs) -> Result<String, Failure> {
    let thing = session.thing_name(args.thing_name.clone())?;
    let client = session.connect(&thing)?;
    let (sender, lines) = mpsc::channel::<(&'static str, Node)>();
    let next = sender.clone();
    let subscribed = |e: Error| Failure::call(e, "Subscribe");
    let _next = client
        .on_notify_next(&thing, move |m| {
            let _ = next.send(("notify-next", Node::of(&m)));
        })
        .map_err(subscribed)?;
    let _pending = client
        .on_notify_pending(&thing, move |m| {
            let _ = sender.send(("notify", Node::of(&m)));
        })
        .map_err(subscribed)?;
    // Tells a script the subscriptions are in place: what it triggers now is seen.
    eprintln!("watching {thing}");
    let mut printed = 0;
    let stdout = std::io::stdout();
    while args.count.is_none_or(|count| printed < count) {
        let Ok((event, message)) = lines.recv() else {
            break;
        };
        let line = Line {
            event,
            thing_name: &thing,
            message,
        };
        let text = serde_json::to_string(&line).expect("a line serializes");
        let mut out = stdout.lock();
        if writeln!(out, "{text}").and_then(|()| out.flush()).is_err() {
            break;
        }
        printed += 1;
    }
    Ok(String::new())
}
