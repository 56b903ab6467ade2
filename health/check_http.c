/* The http and https checks: one GET with libevent's HTTP client; up when the status is in the
 * expected range and, with body=, the first 64 KiB of the body contain the given text. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baton/addr_text.h"
#include "health/probe.h"

/* A health page is small; reading more would only cost memory per probe in flight. */
#define BODY_MAX (64 * 1024)
/* Response headers larger than this are a broken server, not a healthy one. */
#define HEADERS_MAX (16 * 1024)

struct http_probe {
	struct evhttp_connection *conn; /* owns bev, which owns ssl and the socket */
	struct bufferevent *bev;
	SSL *ssl; /* NULL for http; owned by bev */
	struct event *finish; /* reports `result` from the loop */
	const struct zone_check *check;
	probe_done_fn *done;
	void *arg;
	/* Set once `result` is final, or on cancel: from then on no callback of evhttp's
	 * changes anything, however late or often it comes. */
	bool decided;
	struct probe_result result;
	int status;
	/* Why the exchange failed, as the connection saw it, for the reason text. */
	bool connected;
	int sock_errno;
	bool have_request_error;
	enum evhttp_request_error request_error;
	/* evhttp's own bufferevent callbacks while connecting, which ours wrap. */
	bufferevent_data_cb inner_read, inner_write;
	bufferevent_event_cb inner_event;
	void *inner_arg;
	char *body; /* BODY_MAX bytes, only with body= */
	size_t body_len;
};

static void decide(struct http_probe *p, bool up, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records the result once and lets the loop report it: evhttp is inside its own call stack
 * here, and neither the connection nor (inside start()) the engine is ready for `done`. */
static void decide(struct http_probe *p, bool up, const char *fmt, ...)
{
	va_list ap;

	if (p->decided)
		return;
	p->decided = true;
	p->result.up = up;
	va_start(ap, fmt);
	vsnprintf(p->result.reason, sizeof(p->result.reason), fmt, ap);
	va_end(ap);
	event_active(p->finish, EV_TIMEOUT, 0);
}

static void release(struct http_probe *p)
{
	/* decided stays true, so a request callback evhttp runs while freeing is ignored. */
	p->decided = true;
	if (p->conn != NULL)
		evhttp_connection_free(p->conn);
	else if (p->bev != NULL)
		bufferevent_free(p->bev);
	if (p->finish != NULL)
		event_free(p->finish);
	free(p->body);
	free(p);
}

static void on_finish(evutil_socket_t fd, short what, void *arg)
{
	struct http_probe *p = arg;
	probe_done_fn *done = p->done;
	void *done_arg = p->arg;
	struct probe_result r = p->result;

	(void)fd;
	(void)what;
	release(p);
	done(done_arg, &r);
}

/* One SSL_CTX per (verify, ca) for the life of the process: building one loads and parses the
 * trust anchors, which costs far more than the probe itself. Contexts are never freed. */
struct tls_ctx {
	struct tls_ctx *next;
	bool verify;
	char *ca_file;
	SSL_CTX *ctx;
};

static struct tls_ctx *tls_ctxs;
/* Probes run on the loop of whichever program links us; a lock keeps the cache correct should
 * two loops in two threads ever share it. Taken once per https probe, never on the query path. */
static pthread_mutex_t tls_ctxs_lock = PTHREAD_MUTEX_INITIALIZER;

static SSL_CTX *tls_ctx_new(bool verify, const char *ca_file, const char **why)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	int ok;

	if (ctx == NULL) {
		*why = "tls: cannot create a context";
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	if (!verify)
		return ctx;
	ok = ca_file ? SSL_CTX_load_verify_locations(ctx, ca_file, NULL)
		     : SSL_CTX_set_default_verify_paths(ctx);
	ERR_clear_error();
	if (ok != 1) {
		*why = ca_file ? "tls: cannot load the ca= file"
			       : "tls: cannot load the system CAs";
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static bool same_string(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* The cached context for this check; NULL with *why set when it cannot be built (a context that
 * failed is not cached, so a ca= file fixed later is picked up by the next probe). */
static SSL_CTX *tls_ctx_get(const struct zone_check *check, const char **why)
{
	/* Without verification the trust anchors are never read, so they do not split the key. */
	const char *ca_file = check->verify ? check->ca_file : NULL;
	struct tls_ctx *t;
	SSL_CTX *ctx = NULL;

	pthread_mutex_lock(&tls_ctxs_lock);
	for (t = tls_ctxs; t != NULL; t = t->next)
		if (t->verify == check->verify && same_string(t->ca_file, ca_file))
			break;
	if (t != NULL) {
		ctx = t->ctx;
		goto out;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL || (ca_file != NULL && (t->ca_file = strdup(ca_file)) == NULL)) {
		*why = "out of memory";
		goto fail;
	}
	t->verify = check->verify;
	t->ctx = tls_ctx_new(check->verify, ca_file, why);
	if (t->ctx == NULL)
		goto fail;
	t->next = tls_ctxs;
	tls_ctxs = t;
	ctx = t->ctx;
	goto out;
fail:
	if (t != NULL)
		free(t->ca_file);
	free(t);
out:
	pthread_mutex_unlock(&tls_ctxs_lock);
	return ctx;
}

static bool is_ip_literal(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* The SSL of one probe: SNI and the name or address the certificate must match. */
static SSL *tls_new(const struct zone_check *check, const char *addr_name, const char **why)
{
	SSL_CTX *ctx = tls_ctx_get(check, why);
	const char *name = check->host ? check->host : addr_name;
	X509_VERIFY_PARAM *param;
	SSL *ssl;
	int ok = 1;

	if (ctx == NULL)
		return NULL;
	ssl = SSL_new(ctx);
	if (ssl == NULL) {
		*why = "tls: cannot create a connection";
		return NULL;
	}
	/* RFC 6066 section 3: SNI carries host names only, never address literals. */
	if (!is_ip_literal(name))
		ok = SSL_set_tlsext_host_name(ssl, name);
	if (check->verify && ok == 1) {
		param = SSL_get0_param(ssl);
		X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		ok = is_ip_literal(name) ? X509_VERIFY_PARAM_set1_ip_asc(param, name)
					 : X509_VERIFY_PARAM_set1_host(param, name, 0);
	}
	/* libevent reads OpenSSL's error queue when a handshake fails; start it empty. */
	ERR_clear_error();
	if (ok != 1) {
		*why = "tls: cannot set the name to verify";
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

/* Errors that only connect() reports: the server was never reached. */
static bool is_connect_errno(int e)
{
	return e == ECONNREFUSED || e == ENETUNREACH || e == EHOSTUNREACH || e == ENETDOWN ||
	       e == EHOSTDOWN || e == ETIMEDOUT || e == EADDRNOTAVAIL;
}

/* The TLS error libevent saw, if any: the first one from OpenSSL's own library codes (libevent
 * also queues SSL_get_error() values, which are not reasons). */
static unsigned long tls_error(struct http_probe *p)
{
	unsigned long e, first = 0;

	while ((e = bufferevent_get_openssl_error(p->bev)) != 0)
		if (first == 0 && ERR_GET_LIB(e) != 0)
			first = e;
	return first;
}

/* The exchange ended without a status: says why, most specific first. */
static void decide_failure(struct http_probe *p)
{
	long verify = p->ssl ? SSL_get_verify_result(p->ssl) : X509_V_OK;
	unsigned long tls = p->ssl ? tls_error(p) : 0;
	const char *lib_reason = tls ? ERR_reason_error_string(tls) : NULL;

	if (p->check->verify && verify != X509_V_OK)
		decide(p, false, "tls: certificate verify failed (%s)",
		       X509_verify_cert_error_string(verify));
	else if (!p->connected && is_connect_errno(p->sock_errno))
		decide(p, false, "connect: %s", strerror(p->sock_errno));
	else if (tls != 0)
		decide(p, false, "tls: %s", lib_reason ? lib_reason : "handshake failed");
	else if (p->ssl != NULL && !p->connected)
		decide(p, false, "tls: handshake failed%s%s", p->sock_errno ? ": " : "",
		       p->sock_errno ? strerror(p->sock_errno) : "");
	else if (p->have_request_error && p->request_error == EVREQ_HTTP_TIMEOUT)
		decide(p, false, "timeout");
	else if (p->have_request_error && p->request_error == EVREQ_HTTP_INVALID_HEADER)
		decide(p, false, "http: malformed response");
	else if (p->sock_errno != 0)
		decide(p, false, "http: no response: %s", strerror(p->sock_errno));
	else
		decide(p, false, "http: connection closed without a response");
}

/* evhttp's handling of a failed connect closes the socket (and so loses errno) before it tells
 * us, so while connecting its bufferevent callbacks are wrapped to note the error first.
 * Once connected, evhttp sets its next callbacks itself and these are gone. */
static void wrap_read(struct bufferevent *bev, void *arg)
{
	struct http_probe *p = arg;

	p->inner_read(bev, p->inner_arg);
}

static void wrap_write(struct bufferevent *bev, void *arg)
{
	struct http_probe *p = arg;

	p->inner_write(bev, p->inner_arg);
}

static void wrap_event(struct bufferevent *bev, short what, void *arg)
{
	struct http_probe *p = arg;
	int saved = errno; /* libevent restores the socket's errno for this call */

	if (what & BEV_EVENT_CONNECTED)
		p->connected = true;
	else if ((what & (BEV_EVENT_ERROR | BEV_EVENT_EOF)) && p->sock_errno == 0)
		p->sock_errno = saved;
	errno = saved;
	p->inner_event(bev, what, p->inner_arg);
}

static void wrap_connect_callbacks(struct http_probe *p)
{
	bufferevent_getcb(p->bev, &p->inner_read, &p->inner_write, &p->inner_event, &p->inner_arg);
	if (p->inner_event != NULL)
		bufferevent_setcb(p->bev, p->inner_read ? wrap_read : NULL,
				  p->inner_write ? wrap_write : NULL, wrap_event, p);
}

static bool status_expected(const struct http_probe *p)
{
	return p->status >= p->check->status_min && p->status <= p->check->status_max;
}

static bool wants_body(const struct zone_check *check)
{
	return check->body != NULL && check->body[0] != '\0';
}

/* The status decides unless the body must be searched too; then on_body and on_response do. */
static int on_headers(struct evhttp_request *req, void *arg)
{
	struct http_probe *p = arg;

	p->status = evhttp_request_get_response_code(req);
	if (p->status == 100)
		return 0; /* evhttp reads on to the final response */
	if (!status_expected(p))
		decide(p, false, "http %d", p->status);
	else if (!wants_body(p->check))
		decide(p, true, "http %d", p->status);
	return 0;
}

/* Each piece of the body as it arrives; evhttp drains it afterwards, so memory stays at
 * BODY_MAX however long the body is. */
static void on_body(struct evhttp_request *req, void *arg)
{
	struct http_probe *p = arg;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *needle = p->check->body;
	size_t needle_len = strlen(needle), n = evbuffer_get_length(in);
	/* A match that was not there before must end in the new bytes. */
	size_t from = p->body_len >= needle_len ? p->body_len - needle_len + 1 : 0;

	if (p->decided || p->body == NULL)
		return;
	if (n > BODY_MAX - p->body_len)
		n = BODY_MAX - p->body_len;
	evbuffer_copyout(in, p->body + p->body_len, n);
	p->body_len += n;
	if (memmem(p->body + from, p->body_len - from, needle, needle_len) != NULL)
		decide(p, true, "http %d", p->status);
	else if (p->body_len == BODY_MAX)
		decide(p, false, "body lacks '%s' in its first %d KiB", needle, BODY_MAX / 1024);
}

static void on_request_error(enum evhttp_request_error error, void *arg)
{
	struct http_probe *p = arg;

	p->have_request_error = true;
	p->request_error = error;
	if (p->sock_errno == 0)
		p->sock_errno = errno;
}

/* The end of the exchange. `req` is NULL when evhttp failed the request (after
 * on_request_error); a status of 0 means no response arrived. */
static void on_response(struct evhttp_request *req, void *arg)
{
	struct http_probe *p = arg;

	if (p->decided)
		return;
	if (req == NULL || evhttp_request_get_response_code(req) == 0) {
		decide_failure(p);
		return;
	}
	p->status = evhttp_request_get_response_code(req);
	if (!status_expected(p))
		decide(p, false, "http %d", p->status);
	else if (wants_body(p->check))
		decide(p, false, "body lacks '%s'", p->check->body);
	else
		decide(p, true, "http %d", p->status);
}

/* The Host header (RFC 9110 section 7.2): host= or the address (IPv6 in brackets), with the
 * port when it is not the scheme's default, as the target URI would carry it. */
static int host_header(char *buf, size_t size, const struct zone_check *check,
		       const char *addr_name, bool tls)
{
	const char *host = check->host ? check->host : addr_name;
	bool brackets = check->host == NULL && strchr(addr_name, ':') != NULL;
	int n;

	if (check->port == (tls ? 443 : 80))
		n = snprintf(buf, size, brackets ? "[%s]" : "%s", host);
	else
		n = snprintf(buf, size, brackets ? "[%s]:%u" : "%s:%u", host,
			     (unsigned)check->port);
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

static int send_request(struct http_probe *p, const char *addr_name, bool tls)
{
	struct evhttp_request *req;
	struct evkeyvalq *headers;
	char host[300]; /* a DNS name (253) in brackets with a port */

	if (host_header(host, sizeof(host), p->check, addr_name, tls) < 0)
		return -ENAMETOOLONG;
	req = evhttp_request_new(on_response, p);
	if (req == NULL)
		return -ENOMEM;
	evhttp_request_set_header_cb(req, on_headers);
	evhttp_request_set_error_cb(req, on_request_error);
	if (wants_body(p->check))
		evhttp_request_set_chunked_cb(req, on_body);
	headers = evhttp_request_get_output_headers(req);
	if (evhttp_add_header(headers, "Host", host) < 0 ||
	    evhttp_add_header(headers, "User-Agent", "baton-check") < 0 ||
	    evhttp_add_header(headers, "Connection", "close") < 0) {
		evhttp_request_free(req);
		return -ENOMEM;
	}
	/* From here evhttp owns req: it frees it when the exchange ends or with the connection. */
	if (evhttp_make_request(p->conn, req, EVHTTP_REQ_GET, p->check->path) < 0)
		return -EIO;
	if (!p->decided)
		wrap_connect_callbacks(p);
	return 0;
}

static struct bufferevent *new_bufferevent(struct http_probe *p, struct event_base *base,
					   const char *addr_name, bool tls, const char **why)
{
	/* Deferred callbacks: a connect that fails at once is reported from the loop, not
	 * from inside evhttp_make_request(). */
	int options = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS;
	struct bufferevent *bev;
	SSL *ssl;

	if (!tls)
		return bufferevent_socket_new(base, -1, options);
	ssl = tls_new(p->check, addr_name, why);
	if (ssl == NULL)
		return NULL;
	bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_CONNECTING, options);
	if (bev == NULL) {
		*why = "out of memory";
		SSL_free(ssl);
		return NULL;
	}
	/* Servers often close without a TLS close_notify; with `Connection: close` that ends
	 * the body, so it must not count as an error. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	p->ssl = ssl;
	return bev;
}

static void *start(struct event_base *base, const struct zone_check *check,
		   const struct sockaddr_storage *addr, probe_done_fn *done, void *arg,
		   const char **why, bool tls)
{
	/* evhttp's own timeouts (45 s by default) must never cut a longer check short; the
	 * engine's timer, a second earlier, is the one that ends a probe. */
	struct timeval tv = { .tv_sec = check->timeout_ms / 1000 + 1,
			      .tv_usec = (check->timeout_ms % 1000) * 1000 };
	char text[ADDR_TEXT_MAX];
	struct http_probe *p = calloc(1, sizeof(*p));
	int rc;

	*why = "out of memory";
	if (p == NULL)
		return NULL;
	p->check = check;
	p->done = done;
	p->arg = arg;
	p->finish = event_new(base, -1, 0, on_finish, p);
	if (p->finish == NULL || (wants_body(check) && (p->body = malloc(BODY_MAX)) == NULL))
		goto fail;
	addr_text(addr, text);
	p->bev = new_bufferevent(p, base, text, tls, why);
	if (p->bev == NULL)
		goto fail;
	p->conn = evhttp_connection_base_bufferevent_new(base, NULL, p->bev, text, check->port);
	if (p->conn == NULL)
		goto fail;
	evhttp_connection_set_family(p->conn, addr->ss_family);
	evhttp_connection_set_timeout_tv(p->conn, &tv);
	evhttp_connection_set_max_headers_size(p->conn, HEADERS_MAX);
	rc = send_request(p, text, tls);
	if (rc < 0) {
		*why = rc == -ENAMETOOLONG ? "host= is too long" : "cannot send the request";
		goto fail;
	}
	return p;
fail:
	release(p);
	return NULL;
}

static void *http_start(struct event_base *base, const struct zone_check *check,
			const struct sockaddr_storage *addr, probe_done_fn *done, void *arg,
			const char **why)
{
	return start(base, check, addr, done, arg, why, false);
}

static void *https_start(struct event_base *base, const struct zone_check *check,
			 const struct sockaddr_storage *addr, probe_done_fn *done, void *arg,
			 const char **why)
{
	return start(base, check, addr, done, arg, why, true);
}

static void http_cancel(void *state)
{
	release(state);
}

const struct probe_kind probe_http = {
	.name = "http",
	.start = http_start,
	.cancel = http_cancel,
};

const struct probe_kind probe_https = {
	.name = "https",
	.start = https_start,
	.cancel = http_cancel,
};
