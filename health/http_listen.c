/* The evhttp listener shared by batond, baton-probe and baton-vip; see http_listen.h. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <string.h>

#include "baton/log.h"
#include "health/http_listen.h"

bool http_listen_method_ok(struct evhttp_request *req)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);

	if (cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD)
		return true;
	/* evhttp_send_error() clears the output headers, and a 405 must say what is allowed
	 * (RFC 9110 §15.5.6): a plain reply keeps the header. */
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
	evhttp_send_reply(req, 405, "Method Not Allowed", NULL);
	return false;
}

void http_listen_reply(struct evhttp_request *req, const char *type, struct evbuffer *body)
{
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);

	evhttp_add_header(headers, "Content-Type", type);
	evhttp_add_header(headers, "Cache-Control", "no-store");
	evhttp_send_reply(req, HTTP_OK, "OK", body);
}

static void on_other(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, HTTP_NOTFOUND, "Not Found");
}

int http_listen_open(struct evhttp **out, struct event_base *base,
		     const struct sockaddr_storage *addr, const char *pages)
{
	const bool v4 = addr->ss_family == AF_INET;
	const void *ip = v4 ? (const void *)&((const struct sockaddr_in *)addr)->sin_addr
			    : (const void *)&((const struct sockaddr_in6 *)addr)->sin6_addr;
	unsigned port = ntohs(v4 ? ((const struct sockaddr_in *)addr)->sin_port
				 : ((const struct sockaddr_in6 *)addr)->sin6_port);
	char host[INET6_ADDRSTRLEN];
	struct evhttp *http = evhttp_new(base);

	if (http == NULL)
		return -ENOMEM;
	inet_ntop(addr->ss_family, ip, host, sizeof(host));
	/* every method reaches the callbacks, so the others get 405 rather than libevent's 501 */
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
						 EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_timeout(http, 10);
	evhttp_set_max_headers_size(http, 8192);
	evhttp_set_max_body_size(http, 0);
	evhttp_set_gencb(http, on_other, NULL);
	/* libevent does not always set errno when the bind fails */
	errno = 0;
	if (evhttp_bind_socket(http, host, (uint16_t)port) < 0) {
		int err = errno ? -errno : -EADDRINUSE;

		log_err("http %s@%u: cannot listen: %s", host, port, strerror(-err));
		evhttp_free(http);
		return err;
	}
	log_info("http %s@%u: %s", host, port, pages);
	*out = http;
	return 0;
}
