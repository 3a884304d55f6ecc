#!/usr/bin/env bash
# Runs one C test program against a mosquitto of its own:
#   with_broker.sh plain|tls PROGRAM [ARGS...]
# Starts mosquitto on a free port of 127.0.0.1 (in tls mode with mutual TLS: a CA, a server
# certificate for localhost and a client certificate, all made here with the openssl CLI),
# runs PROGRAM with the connection details in the environment, and stops the broker after.
# MOSQUITTO names the broker binary (default: mosquitto on the PATH). The program gets:
#   MQTT_TEST_HOST, MQTT_TEST_PORT          where the broker listens
#   MQTT_TEST_CLOSED_PORT                   a port nothing listens on
#   MQTT_TEST_ROOT_CA, MQTT_TEST_CLIENT_CERT, MQTT_TEST_CLIENT_KEY   (tls only) PEM paths
#   MQTT_TEST_OTHER_CA                      (tls only) a CA that did not sign the server
# SIGUSR1 to this script (the program's parent) kills the broker and starts it again on the
# same port 300 ms later, for the reconnect tests. The exit status is PROGRAM's.
set -euo pipefail
mode=$1
shift

dir=$(mktemp -d "${TMPDIR:-/tmp}/awsiotjobs-ctest-XXXXXX")
broker_pid=""
cleanup() {
    if [ -n "$broker_pid" ]; then
        { kill -9 "$broker_pid" && wait "$broker_pid"; } 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
closed_port=$(free_port)

conf="$dir/mosquitto.conf"
{
    [ "$(id -u)" = 0 ] && echo "user root"
    echo "listener $port 127.0.0.1"
    echo "allow_anonymous true"
    echo "set_tcp_nodelay true"
    echo "persistence false"
} >"$conf"

export MQTT_TEST_HOST=127.0.0.1 MQTT_TEST_PORT=$port MQTT_TEST_CLOSED_PORT=$closed_port

if [ "$mode" = tls ]; then
    ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    (
        cd "$dir"
        for ca in ca other-ca; do
            openssl req -x509 -days 2 -subj "/CN=$ca" "${ec[@]}" -keyout $ca.key -out $ca.crt 2>/dev/null
        done
        printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
        printf 'extendedKeyUsage=clientAuth\n' >client.ext
        for leaf in server client; do
            openssl req -new -subj "/CN=$leaf" "${ec[@]}" -keyout $leaf.key -out $leaf.csr 2>/dev/null
            openssl x509 -req -in $leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
                -extfile $leaf.ext -out $leaf.crt 2>/dev/null
        done
    )
    {
        echo "cafile $dir/ca.crt"
        echo "certfile $dir/server.crt"
        echo "keyfile $dir/server.key"
        echo "require_certificate true"
    } >>"$conf"
    export MQTT_TEST_HOST=localhost MQTT_TEST_ROOT_CA=$dir/ca.crt MQTT_TEST_OTHER_CA=$dir/other-ca.crt \
        MQTT_TEST_CLIENT_CERT=$dir/client.crt MQTT_TEST_CLIENT_KEY=$dir/client.key
elif [ "$mode" != plain ]; then
    echo "usage: $0 plain|tls PROGRAM [ARGS...]" >&2
    exit 2
fi

start_broker() {
    "${MOSQUITTO:-mosquitto}" -c "$conf" 2>>"$dir/mosquitto.log" &
    broker_pid=$!
    for _ in $(seq 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        sleep 0.02
    done
    echo "mosquitto did not start:" >&2
    cat "$dir/mosquitto.log" >&2
    exit 1
}
restart_broker() {
    { kill -9 "$broker_pid" && wait "$broker_pid"; } 2>/dev/null || true
    sleep 0.3
    start_broker
}
start_broker
trap restart_broker USR1

"$@" &
program=$!
# `wait` returns early when a trapped signal arrives: wait again until the program is done.
status=0
while :; do
    if wait "$program"; then status=0; else status=$?; fi
    kill -0 "$program" 2>/dev/null || break
done
exit "$status"
