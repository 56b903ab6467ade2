/* Opening and indexing a MaxMind DB. The writer stores identical records once, so records are
 * keyed by their data-section offset: reading every node of the search tree finds them all. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server/geo_db.h"
#include "zones/reader.h"

static uint32_t hash_offset(uint32_t offset)
{
	return offset * 2654435761u;
}

static struct geo_db_slot *find_slot(const struct geo_db *db, uint32_t offset)
{
	for (uint32_t i = hash_offset(offset) & db->slot_mask;; i = (i + 1) & db->slot_mask)
		if (db->slots[i].offset == 0 || db->slots[i].offset == offset + 1)
			return &db->slots[i];
}

/* Doubles the table once it would be more than half full. */
static int grow_slots(struct geo_db *db)
{
	struct geo_db_slot *old = db->slots;
	uint32_t old_size = db->slot_mask + 1, size = old_size * 2;

	if ((db->location_count + 1) * 2 <= old_size)
		return 0;
	db->slots = calloc(size, sizeof(*db->slots));
	if (db->slots == NULL) {
		db->slots = old;
		return -ENOMEM;
	}
	db->slot_mask = size - 1;
	for (uint32_t i = 0; i < old_size; i++)
		if (old[i].offset != 0)
			*find_slot(db, old[i].offset - 1) = old[i];
	free(old);
	return 0;
}

static void read_code(MMDB_entry_s *entry, const char *map, const char *key, char out[3])
{
	MMDB_entry_data_s data;

	out[0] = '\0';
	if (MMDB_get_value(entry, &data, map, key, NULL) == MMDB_SUCCESS && data.has_data &&
	    data.type == MMDB_DATA_TYPE_UTF8_STRING && data.data_size == 2) {
		out[0] = data.utf8_string[0];
		out[1] = data.utf8_string[1];
		out[2] = '\0';
	}
}

static bool read_degrees(MMDB_entry_s *entry, const char *key, double *out)
{
	MMDB_entry_data_s data;

	if (MMDB_get_value(entry, &data, "location", key, NULL) != MMDB_SUCCESS || !data.has_data)
		return false;
	if (data.type == MMDB_DATA_TYPE_DOUBLE)
		*out = data.double_value;
	else if (data.type == MMDB_DATA_TYPE_FLOAT)
		*out = data.float_value;
	else
		return false;
	return isfinite(*out);
}

/* GeoIP2/GeoLite2 City layout: continent.code, country.iso_code, location.{latitude,longitude}. */
static void read_location(MMDB_s *mmdb, uint32_t offset, struct geo_location *loc)
{
	MMDB_entry_s entry = { .mmdb = mmdb, .offset = offset };
	double lat, lon;

	memset(loc, 0, sizeof(*loc));
	read_code(&entry, "continent", "code", loc->continent);
	read_code(&entry, "country", "iso_code", loc->country);
	if (read_degrees(&entry, "latitude", &lat) && read_degrees(&entry, "longitude", &lon) &&
	    fabs(lat) <= 90 && fabs(lon) <= 180) {
		loc->has_coordinates = true;
		loc->latitude = lat * M_PI / 180;
		loc->longitude = lon * M_PI / 180;
	}
}

static int grow_locations(struct geo_db *db, uint32_t *cap)
{
	struct geo_location *more;

	if (db->location_count < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 1024;
	more = realloc(db->locations, *cap * sizeof(*more));
	if (more == NULL)
		return -ENOMEM;
	db->locations = more;
	return 0;
}

static int add_record(struct geo_db *db, uint32_t offset, uint32_t *cap)
{
	struct geo_db_slot *slot = find_slot(db, offset);

	db->network_count++;
	if (slot->offset != 0)
		return 0;
	if (grow_locations(db, cap) < 0 || grow_slots(db) < 0)
		return -ENOMEM;
	slot = find_slot(db, offset); /* the table may have grown */
	slot->offset = offset + 1;
	slot->location = db->location_count;
	read_location(&db->mmdb, offset, &db->locations[db->location_count++]);
	return 0;
}

/* Every node has two records; those of type DATA lead to a record. */
static int index_records(struct geo_db *db, struct diag *d)
{
	uint32_t nodes = db->mmdb.metadata.node_count, cap = 0, slots = 1024;

	db->slots = calloc(slots, sizeof(*db->slots));
	if (db->slots == NULL)
		return -ENOMEM;
	db->slot_mask = slots - 1;
	for (uint32_t n = 0; n < nodes; n++) {
		MMDB_search_node_s node;
		int rc = MMDB_read_node(&db->mmdb, n, &node);

		if (rc != MMDB_SUCCESS) {
			diag_add(d, db->path, 0, "search tree node %u: %s", n, MMDB_strerror(rc));
			return -EINVAL;
		}
		if (node.left_record_type == MMDB_RECORD_TYPE_DATA &&
		    add_record(db, node.left_record_entry.offset, &cap) < 0)
			return -ENOMEM;
		if (node.right_record_type == MMDB_RECORD_TYPE_DATA &&
		    add_record(db, node.right_record_entry.offset, &cap) < 0)
			return -ENOMEM;
	}
	return 0;
}

static void close_db(struct geo_db *db, bool opened)
{
	if (opened)
		MMDB_close(&db->mmdb);
	free(db->locations);
	free(db->slots);
	free(db->path);
	free(db);
}

/* libmaxminddb maps the file it opens, so a database rewritten in place (not replaced by a
 * rename) would change, or vanish, under the queries reading it. Opening a private copy in a
 * memfd makes the database serving immune to whatever happens to the file. Returns the copy's
 * /proc path in `copy`, its descriptor, or -errno. */
static int snapshot(const char *path, char *copy, size_t size, const char **kind)
{
	FILE *fp;
	int in, mem = -1, err = reader_open(path, &fp, kind); /* a FIFO would never end */
	struct stat st;
	off_t done = 0;

	if (err < 0)
		return err;
	in = fileno(fp);
	if (fstat(in, &st) < 0 || (mem = memfd_create("baton-geoip", MFD_CLOEXEC)) < 0)
		err = -errno;
	while (err == 0 && done < st.st_size) {
		ssize_t n = sendfile(mem, in, NULL, (size_t)(st.st_size - done));

		if (n <= 0)
			err = n < 0 ? -errno : -EIO; /* shrank while we read it */
		else
			done += n;
	}
	fclose(fp);
	if (err < 0) {
		if (mem >= 0)
			close(mem);
		return err;
	}
	snprintf(copy, size, "/proc/self/fd/%d", mem);
	return mem;
}

int geo_db_open(struct geo_db **out, const char *path, struct diag *d)
{
	struct geo_db *db = calloc(1, sizeof(*db));
	char copy[64], why[96];
	const char *kind = NULL;
	int rc, mem;

	if (db == NULL || (db->path = strdup(path)) == NULL) {
		free(db);
		return -ENOMEM;
	}
	mem = snapshot(path, copy, sizeof(copy), &kind);
	if (mem < 0) {
		diag_add(d, path, 0, "cannot read the MaxMind DB: %s",
			 reader_open_error(mem, kind, why, sizeof(why)));
		close_db(db, false);
		return mem;
	}
	rc = MMDB_open(copy, MMDB_MODE_MMAP, &db->mmdb);
	close(mem); /* the mapping keeps the copy */
	if (rc != MMDB_SUCCESS) {
		int err = rc == MMDB_OUT_OF_MEMORY_ERROR ? -ENOMEM : -EINVAL;

		diag_add(d, path, 0, "cannot open the MaxMind DB: %s", MMDB_strerror(rc));
		close_db(db, false);
		return err;
	}
	rc = index_records(db, d);
	if (rc < 0) {
		close_db(db, true);
		return rc;
	}
	db->refs = 1;
	db->loaded = time(NULL);
	*out = db;
	return 0;
}

void geo_db_ref(struct geo_db *db)
{
	db->refs++;
}

void geo_db_unref(struct geo_db *db)
{
	if (db != NULL && --db->refs == 0)
		close_db(db, true);
}

void geo_db_lookup(const struct geo_db *db, const uint8_t *addr, bool ipv4, struct geo_lookup *out)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	const struct sockaddr *sa;
	MMDB_lookup_result_s r;
	int error;

	if (ipv4) {
		memcpy(&sin.sin_addr, addr, 4);
		sa = (const struct sockaddr *)&sin;
	} else {
		memcpy(&sin6.sin6_addr, addr, 16);
		sa = (const struct sockaddr *)&sin6;
	}
	r = MMDB_lookup_sockaddr(&db->mmdb, sa, &error);
	out->location = GEO_LOCATION_NONE;
	out->prefix_len = (uint8_t)r.netmask;
	/* in an IPv6 tree libmaxminddb counts an IPv4 lookup's netmask from the top: 96 + prefix */
	if (ipv4 && db->mmdb.metadata.ip_version == 6)
		out->prefix_len = (uint8_t)(r.netmask > 96 ? r.netmask - 96 : 0);
	if (error != MMDB_SUCCESS) /* an IPv6 address in an IPv4-only database */
		out->prefix_len = 0;
	if (error == MMDB_SUCCESS && r.found_entry) {
		const struct geo_db_slot *slot = find_slot(db, r.entry.offset);

		if (slot->offset != 0)
			out->location = slot->location;
	}
}

double geo_distance(double lat1, double lon1, double lat2, double lon2)
{
	double dlat = sin((lat2 - lat1) / 2), dlon = sin((lon2 - lon1) / 2);
	double h = dlat * dlat + cos(lat1) * cos(lat2) * dlon * dlon;

	return 2 * asin(sqrt(h > 1 ? 1 : h));
}
