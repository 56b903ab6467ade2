#!/bin/bash
# checks_tcp_http.sh: the tcp, http and https checks, run once each by baton-check against
# real servers on loopback: a TCP listener, Python HTTP and HTTPS servers (certificate from a
# CA made here with openssl), a server that never answers, and one whose accept queue is full.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

BATON_CHECK=${BATON_CHECK:-$top_builddir/baton-check}
ORIGIN=checks.test

lib_init
[ -x "$BATON_CHECK" ] || tap_bail "$BATON_CHECK is not built"
command -v openssl >/dev/null || tap_bail "openssl (the command) is needed to make the test CA"

# The servers, one process per server, chosen by the first argument. Each binds port 0 and
# then writes the port it got to PORTFILE (by rename, so a reader never sees half of it).
cat >"$WORKDIR/servers.py" <<'PY'
import os, socket, ssl, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode, host, portfile = sys.argv[1:4]
family = socket.AF_INET6 if ":" in host else socket.AF_INET
BODY = b"<html>status: all-systems-nominal</html>\n"

def announce(port):
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(portfile + ".tmp", portfile)

class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        headers = getattr(self, "headers", None)
        sys.stderr.write("%s %s\n" % (headers and headers.get("Host"), fmt % args))

    def reply(self, code, body=b"ok\n"):
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.headers.get("User-Agent") != "baton-check":
            self.reply(400, b"no User-Agent: baton-check\n")
        elif self.path == "/healthz":
            self.reply(200)
        elif self.path == "/sick":
            self.reply(503, b"sick\n")
        elif self.path == "/body":
            self.reply(200, BODY)
        elif self.path == "/split":
            # The text sought arrives in two pieces, 300 ms apart.
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * 1000 + b"all-systems-")
            self.wfile.flush()
            time.sleep(0.3)
            self.wfile.write(b"nominal\n")
        elif self.path == "/big":
            # The text sought starts 100 KiB in: past what a check reads.
            self.reply(200, b"x" * 100 * 1024 + BODY)
        elif self.path.startswith("/host/"):
            want = self.path[len("/host/"):]
            got = self.headers.get("Host")
            if got == want:
                self.reply(200)
            else:
                self.reply(421, ("Host was %r, not %r\n" % (got, want)).encode())
        else:
            self.reply(404, b"no such page\n")

class Server(ThreadingHTTPServer):
    address_family = family
    daemon_threads = True
    tls = None

    def get_request(self):
        conn, addr = self.socket.accept()
        if self.tls:
            # The handshake happens in the handler's thread, so a client that fails it
            # (as the verify tests make ours do) never holds up the next one.
            conn = self.tls.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        return conn, addr

    def handle_error(self, request, client_address):
        sys.stderr.write("handler error: %s\n" % (sys.exc_info()[1],))

def log_sni(sock, name, ctx):
    sys.stderr.write("sni: %s\n" % name)
    return None # go on with the handshake

def listener(backlog):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, 0))
    s.listen(backlog)
    return s

if mode in ("http", "https"):
    server = Server((host, 0), Handler)
    if mode == "https":
        server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.tls.load_cert_chain(sys.argv[4], sys.argv[5])
        server.tls.sni_callback = log_sni
    announce(server.server_address[1])
    server.serve_forever()
elif mode == "accept":
    # Accepts and closes: enough for a tcp check.
    s = listener(16)
    announce(s.getsockname()[1])
    while True:
        s.accept()[0].close()
elif mode == "silent":
    # Accepts and never says a word, nor closes.
    s = listener(16)
    announce(s.getsockname()[1])
    held = []
    while True:
        held.append(s.accept()[0])
elif mode == "junk":
    # Answers every connection with something that is not HTTP.
    s = listener(16)
    announce(s.getsockname()[1])
    while True:
        c = s.accept()[0]
        c.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
        c.close()
elif mode == "full":
    # Never accepts, and its accept queue (backlog 0 holds one) is filled by a connection of
    # its own, so the kernel drops further SYNs and a connect hangs until its timeout.
    s = listener(0)
    filler = socket.create_connection(s.getsockname()[:2])
    announce(s.getsockname()[1])
    while True:
        time.sleep(3600)
PY

# start_server NAME MODE HOST [ARGS...]: start a server of servers.py in the background,
# register its pid, wait for its port; sets PORT_<NAME>.
start_server() {
	local name=$1 mode=$2 host=$3 pid
	shift 3
	"$LIB_PYTHON" "$WORKDIR/servers.py" "$mode" "$host" "$WORKDIR/$name.port" "$@" \
		>"$WORKDIR/$name.log" 2>&1 &
	pid=$!
	register_pid "$pid"
	if ! WAIT_PID=$pid wait_until 10 test -s "$WORKDIR/$name.port"; then
		sed 's/^/# /' "$WORKDIR/$name.log"
		tap_bail "server $name ($mode on $host) did not start"
	fi
	printf -v "PORT_$name" '%s' "$(cat "$WORKDIR/$name.port")"
}

# A test CA, and a server certificate it signs for 127.0.0.1, ::1 and baton.test.
make_certs() {
	local d=$WORKDIR/pki
	mkdir -p "$d" &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Baton test CA" \
		-keyout "$d/ca.key" -out "$d/ca.pem" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		-keyout "$d/server.key" -out "$d/server.csr" &&
	printf '%s\n' "subjectAltName=IP:127.0.0.1,IP:::1,DNS:baton.test" \
		"basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" >"$d/server.ext" &&
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -extfile "$d/server.ext" -out "$d/server.pem"
}
make_certs >"$WORKDIR/openssl.log" 2>&1 || {
	sed 's/^/# /' "$WORKDIR/openssl.log"
	tap_bail "openssl could not make the test certificates"
}
PKI=$WORKDIR/pki

HAVE_IPV6=0
"$LIB_PYTHON" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null &&
	HAVE_IPV6=1

start_server accept accept 127.0.0.1
start_server full full 127.0.0.1
start_server web http 127.0.0.1
start_server tls https 127.0.0.1 "$PKI/server.pem" "$PKI/server.key"
start_server silent silent 127.0.0.1
start_server junk junk 127.0.0.1
if [ "$HAVE_IPV6" = 1 ]; then
	start_server web6 http ::1
	start_server tls6 https ::1 "$PKI/server.pem" "$PKI/server.key"
else
	PORT_web6=1 PORT_tls6=1
fi
CLOSED=$(free_port) || tap_bail "no free port"

ZONE=$WORKDIR/checks.zone
cat >"$ZONE" <<EOF
\$ORIGIN $ORIGIN.
@    300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@    300 IN NS  ns1
ns1  300 IN A   127.0.0.1
\$CHECK tcp_up      tcp   port=$PORT_accept interval=2s timeout=1s
\$CHECK tcp_closed  tcp   port=$CLOSED interval=2s timeout=1s
\$CHECK tcp_hang    tcp   port=$PORT_full interval=2s timeout=1s
\$CHECK ok          http  port=$PORT_web path=/healthz expect=200-299 interval=2s timeout=1s
\$CHECK sick        http  port=$PORT_web path=/sick interval=2s timeout=1s
\$CHECK sick_wanted http  port=$PORT_web path=/sick expect=500-599 interval=2s timeout=1s
\$CHECK ok_unwanted http  port=$PORT_web path=/healthz expect=500-599 interval=2s timeout=1s
\$CHECK missing     http  port=$PORT_web path=/nope interval=2s timeout=1s
\$CHECK body_ok     http  port=$PORT_web path=/body body=all-systems-nominal interval=2s timeout=1s
\$CHECK body_bad    http  port=$PORT_web path=/body body=degraded interval=2s timeout=1s
\$CHECK body_sick   http  port=$PORT_web path=/sick body=sick interval=2s timeout=1s
\$CHECK body_split  http  port=$PORT_web path=/split body=all-systems-nominal interval=4s timeout=2s
\$CHECK body_far    http  port=$PORT_web path=/big body=all-systems-nominal interval=2s timeout=1s
\$CHECK host_given  http  port=$PORT_web path=/host/health.example:$PORT_web host=health.example interval=2s timeout=1s
\$CHECK host_addr   http  port=$PORT_web path=/host/127.0.0.1:$PORT_web interval=2s timeout=1s
\$CHECK host_wrong  http  port=$PORT_web path=/host/health.example:$PORT_web interval=2s timeout=1s
\$CHECK http_closed http  port=$CLOSED interval=2s timeout=1s
\$CHECK http_hang   http  port=$PORT_silent interval=2s timeout=1s
\$CHECK http_junk   http  port=$PORT_junk interval=2s timeout=1s
\$CHECK tls_ca      https port=$PORT_tls path=/healthz ca=$PKI/ca.pem interval=2s timeout=1s
\$CHECK tls_system  https port=$PORT_tls path=/healthz interval=2s timeout=1s
\$CHECK tls_noverify https port=$PORT_tls path=/healthz verify=no interval=2s timeout=1s
\$CHECK tls_name    https port=$PORT_tls path=/healthz host=baton.test ca=$PKI/ca.pem interval=2s timeout=1s
\$CHECK tls_wrong   https port=$PORT_tls path=/healthz host=wrong.example ca=$PKI/ca.pem interval=2s timeout=1s
\$CHECK tls_body    https port=$PORT_tls path=/body body=all-systems-nominal ca=$PKI/ca.pem interval=2s timeout=1s
\$CHECK tls_hang    https port=$PORT_silent ca=$PKI/ca.pem interval=2s timeout=1s
\$CHECK tls_plain   https port=$PORT_web ca=$PKI/ca.pem interval=2s timeout=1s
\$CHECK tls_closed  https port=$CLOSED ca=$PKI/ca.pem interval=2s timeout=1s
\$CHECK v6_ok       http  port=$PORT_web6 path=/healthz interval=2s timeout=1s
\$CHECK v6_host     http  port=$PORT_web6 path=/host/[::1]:$PORT_web6 interval=2s timeout=1s
\$CHECK v6_tls      https port=$PORT_tls6 path=/healthz ca=$PKI/ca.pem interval=2s timeout=1s
EOF

# probe DESC WANT_EXIT PATTERN CHECK [ADDRESS]: one TAP point: baton-check runs CHECK once
# against ADDRESS (127.0.0.1), exits WANT_EXIT (0 up, 1 down) and prints one line, matching
# the extended regular expression PATTERN. One line only: a sanitizer's report (whose exit
# status, 1, looks like "down") is a failure. Sets ELAPSED_MS.
probe() {
	local desc=$1 want=$2 pattern=$3 check=$4 addr=${5:-127.0.0.1} out rc t0
	t0=$(date +%s%N)
	out=$("$BATON_CHECK" "$ZONE" "$ORIGIN" "$check" "$addr" 2>&1)
	rc=$?
	ELAPSED_MS=$((($(date +%s%N) - t0) / 1000000))
	if [ "$rc" -eq "$want" ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
		printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
		tap_ok "$desc"
		printf '%s\n' "$out" | sed 's/^/#   /'
	else
		tap_fail "$desc" "exit $rc (wanted $want), output:
$out
wanted /$pattern/"
	fi
}

# within DESC MS: one TAP point: the last probe took less than MS milliseconds.
within() {
	if [ "$ELAPSED_MS" -lt "$2" ]; then
		tap_ok "$1 (${ELAPSED_MS} ms)"
	else
		tap_fail "$1" "took ${ELAPSED_MS} ms, limit $2 ms"
	fi
}

v6() {
	if [ "$HAVE_IPV6" = 1 ]; then
		probe "$@"
	else
		tap_ok "$1 # SKIP no IPv6 on loopback"
	fi
}

tap_plan 39
probe "tcp: up on a listener" 0 '^up: tcp_up tcp connect ok$' tcp_up
probe "tcp: down on a closed port" 1 '^down: tcp_closed connect: Connection refused$' tcp_closed
probe "tcp: a connect that hangs is down at the timeout" 1 '^down: tcp_hang timeout$' tcp_hang
within "tcp: ... within timeout + 1 s" 2000

probe "http: 200 is up" 0 '^up: ok http 200$' ok
probe "http: 503 is down" 1 '^down: sick http 503$' sick
probe "http: expect=500-599 makes 503 up" 0 '^up: sick_wanted http 503$' sick_wanted
probe "http: expect=500-599 makes 200 down" 1 '^down: ok_unwanted http 200$' ok_unwanted
probe "http: 404 is outside the default 200-399" 1 '^down: missing http 404$' missing
probe "http: body= found is up" 0 '^up: body_ok http 200$' body_ok
probe "http: body= not found is down" 1 "^down: body_bad body lacks 'degraded'$" body_bad
probe "http: a bad status is reported before the body" 1 '^down: body_sick http 503$' body_sick
probe "http: body= found across two reads" 0 '^up: body_split http 200$' body_split
probe "http: body= is looked for in the first 64 KiB only" 1 \
	"^down: body_far body lacks 'all-systems-nominal' in its first 64 KiB$" body_far
probe "http: Host is host= (with the port)" 0 '^up: host_given http 200$' host_given
probe "http: Host is the address without host=" 0 '^up: host_addr http 200$' host_addr
probe "http: the server sees the Host we send" 1 '^down: host_wrong http 421$' host_wrong
probe "http: down on a closed port" 1 '^down: http_closed connect: Connection refused$' http_closed
probe "http: a server that never answers is down at the timeout" 1 '^down: http_hang timeout$' \
	http_hang
within "http: ... within timeout + 1 s" 2000
probe "http: a server that does not speak HTTP is down" 1 '^down: http_junk http: ' http_junk

probe "https: up with ca= the test CA" 0 '^up: tls_ca http 200$' tls_ca
probe "https: down with the system's CAs" 1 \
	'^down: tls_system tls: certificate verify failed \(unable to get local issuer' tls_system
probe "https: verify=no is up" 0 '^up: tls_noverify http 200$' tls_noverify
probe "https: host= matching the certificate's DNS name is up" 0 '^up: tls_name http 200$' \
	tls_name
probe "https: host= not in the certificate is down" 1 \
	'^down: tls_wrong tls: certificate verify failed \(hostname mismatch\)$' tls_wrong
probe "https: body= found is up" 0 '^up: tls_body http 200$' tls_body
probe "https: a server that never answers is down at the timeout" 1 '^down: tls_hang timeout$' \
	tls_hang
within "https: ... within timeout + 1 s" 2000
probe "https: a plain HTTP server is down with a TLS reason" 1 '^down: tls_plain tls: ' tls_plain
probe "https: down on a closed port" 1 '^down: tls_closed connect: Connection refused$' \
	tls_closed

v6 "IPv6: http on ::1 is up" 0 '^up: v6_ok http 200$' v6_ok ::1
v6 "IPv6: Host is the address in brackets" 0 '^up: v6_host http 200$' v6_host ::1
v6 "IPv6: https verifies ::1 against the certificate" 0 '^up: v6_tls http 200$' v6_tls ::1

# seen DESC PATTERN [LOG]: one TAP point: a line of what the server logged ($WORKDIR/LOG,
# default web.log: per request the Host header, then the request line) matches PATTERN.
seen() {
	local desc=$1 pattern=$2 log=$WORKDIR/${3:-web.log}
	if grep -aEq -- "$pattern" "$log"; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "wanted /$pattern/ in $(tr -d '\0' <"$log")"
	fi
}
seen "http: the request is GET path HTTP/1.1" '^127\.0\.0\.1:[0-9]+ "GET /healthz HTTP/1\.1" 200'
seen "http: the wrong-Host request carried the address as Host" \
	"^127\\.0\\.0\\.1:$PORT_web \"GET /host/health\\.example:$PORT_web HTTP/1\\.1\" 421"
seen "https: SNI is host=" '^sni: baton\.test$' tls.log
seen "https: no SNI for an address (RFC 6066 section 3)" '^sni: None$' tls.log
# The http probes above sent these to the web server; an empty or short log proves nothing.
WEB_REQUESTS=13
requests=$(grep -acE '"GET [^"]*" [0-9]{3} ' "$WORKDIR/web.log")
if [ "$requests" -ge "$WEB_REQUESTS" ] && ! grep -aEq '"GET [^"]*" 400 ' "$WORKDIR/web.log"; then
	tap_ok "http: every request carried User-Agent: baton-check ($requests requests)"
else
	tap_fail "http: every request carried User-Agent: baton-check" \
		"$requests requests logged (wanted $WEB_REQUESTS, none answered 400):
$(tr -d '\0' <"$WORKDIR/web.log")"
fi
tap_done
