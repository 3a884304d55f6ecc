//! Hostile and malformed requests on both HTTP planes: broken JSON, bodies of
//! the wrong type, bad percent-encoding, unknown routes and methods, garbage
//! bytes. Each gets an AWS-shaped error and the server keeps serving.

mod http_common;

use http_common::{assert_error, send, Planes};

#[test]
fn broken_bodies_are_invalid_requests() {
    let planes = Planes::start();
    planes.create_job("a", &["t1"]);
    let bodies: [&[u8]; 6] = [
        b"{",
        b"[]",
        b"42",
        b"\"text\"",
        b"{\"targets\":",
        &[0xff, 0xfe, 0x00],
    ];
    for body in bodies {
        let create = send(planes.control, "PUT", "/jobs/x", Some(body));
        assert_error(&create, 400, "InvalidRequestException");
        let cancel = send(planes.control, "PUT", "/jobs/a/cancel", Some(body));
        assert_error(&cancel, 400, "InvalidRequestException");
        let cancel_exec = send(
            planes.control,
            "PUT",
            "/things/t1/jobs/a/cancel",
            Some(body),
        );
        assert_error(&cancel_exec, 400, "InvalidRequestException");
        let update = send(planes.data, "POST", "/things/t1/jobs/a", Some(body));
        assert_error(&update, 400, "InvalidRequestException");
        let start = send(planes.data, "PUT", "/things/t1/jobs/$next", Some(body));
        assert_error(&start, 400, "InvalidRequestException");
    }
    assert_eq!(send(planes.control, "GET", "/jobs/a", None).status, 200);
}

#[test]
fn bad_encoding_in_path_or_query_is_invalid() {
    let planes = Planes::start();
    let path = send(planes.control, "GET", "/jobs/%FF%FE", None);
    assert_error(&path, 400, "InvalidRequestException");
    let long = format!("/jobs/{}", "x".repeat(65));
    assert_error(
        &send(planes.control, "GET", &long, None),
        400,
        "InvalidRequestException",
    );
    let query = send(planes.control, "GET", "/jobs?maxResults=%FF", None);
    assert_error(&query, 400, "InvalidRequestException");
}

#[test]
fn unknown_routes_and_methods_are_unknown_operations() {
    let planes = Planes::start();
    for (method, path) in [("GET", "/nothing"), ("POST", "/jobs/a"), ("PATCH", "/jobs")] {
        let reply = send(planes.control, method, path, None);
        assert_error(&reply, 404, "UnknownOperationException");
    }
    for (method, path) in [("GET", "/jobs"), ("DELETE", "/things/t1/jobs/a")] {
        let reply = send(planes.data, method, path, None);
        assert_error(&reply, 404, "UnknownOperationException");
    }
}

#[test]
fn garbage_on_the_socket_does_not_stop_the_server() {
    use std::io::{Read, Write};
    let planes = Planes::start();
    let mut stream = std::net::TcpStream::connect(planes.control).unwrap();
    stream
        .write_all(b"\x00\x01 not http at all\r\n\r\n")
        .unwrap();
    let mut sink = Vec::new();
    let _ = stream.read_to_end(&mut sink);
    assert_eq!(send(planes.control, "GET", "/jobs", None).status, 200);
}

#[test]
fn every_answer_has_a_request_id() {
    let planes = Planes::start();
    let ok = send(planes.control, "GET", "/jobs", None);
    let err = send(planes.data, "GET", "/nothing", None);
    let a = ok
        .header("x-amzn-RequestId")
        .expect("request id on success");
    let b = err.header("x-amzn-RequestId").expect("request id on error");
    assert_ne!(a, b);
}
