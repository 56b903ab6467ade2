/* The status page, generated at build time from server/status_page.html (see server/local.mk):
 * HTML, CSS and JavaScript in one file, served from the binary, fetching nothing but
 * /status.json. */
#ifndef BATON_STATUS_PAGE_H
#define BATON_STATUS_PAGE_H

#include <stddef.h>

extern const char status_page_html[];
extern const size_t status_page_html_len;

#endif
