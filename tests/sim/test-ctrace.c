/*
 * tests/sim/test-ctrace.c - Check tests of the Chrome trace-event JSON
 * writer (sim/ctrace.c).
 *
 * Each test writes a trace into a private temporary directory and reads it
 * back with a small strict JSON parser (RFC 8259, below) that builds a tree,
 * then checks the Trace Event Format structure: the traceEvents array, phase
 * letters, pid/tid, microsecond timestamps, metadata events. When python3
 * is installed its json module must accept the file as well.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "sim-test.h"

#include "sim/ctrace.h"
#include "sim/error.h"

/* ---- a strict JSON reader (RFC 8259) ----
 * Rejects: trailing commas, single quotes, leading zeros, bare control
 * characters in strings, unknown escapes, lone surrogates, malformed UTF-8,
 * NUL bytes, anything after the top-level value. Strings are decoded to
 * UTF-8; numbers are kept as their literal text. */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype type;
	char *text;       /* J_STR: decoded; J_NUM: literal; J_BOOL: "true"/"false" */
	size_t n;         /* J_ARR/J_OBJ: number of items */
	struct jv *items; /* array elements or object member values */
	char **keys;      /* J_OBJ: decoded member names */
};

struct jparser {
	const unsigned char *p, *end;
	int depth;
	char err[128];
};

static int jfail(struct jparser *jp, const char *what)
{
	if (!jp->err[0])
		snprintf(jp->err, sizeof(jp->err), "%s at offset %ld", what, (long)(jp->end - jp->p));
	return -1;
}

static void jws(struct jparser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static void jfree(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		jfree(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
	memset(v, 0, sizeof(*v));
}

/* A growable byte buffer for decoded strings. */
struct jbuf {
	char *s;
	size_t len, cap;
};

static void jbuf_add(struct jbuf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		b->s = realloc(b->s, b->cap);
		ck_assert_ptr_nonnull(b->s);
	}
	memcpy(b->s + b->len, data, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void jbuf_utf8(struct jbuf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	jbuf_add(b, u, n);
}

static int jhex4(struct jparser *jp, uint32_t *out)
{
	uint32_t v = 0;

	if (jp->end - jp->p < 4)
		return jfail(jp, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		unsigned char c = *jp->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return jfail(jp, "bad hex digit");
	}
	*out = v;
	return 0;
}

/* One well-formed UTF-8 sequence (RFC 3629 section 4), copied to @b. */
static int jutf8(struct jparser *jp, struct jbuf *b)
{
	const unsigned char *s = jp->p;
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return jfail(jp, "malformed UTF-8");
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if ((size_t)(jp->end - s) < n || s[1] < lo || s[1] > hi)
		return jfail(jp, "malformed UTF-8");
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return jfail(jp, "malformed UTF-8");
	jbuf_add(b, s, n);
	jp->p += n;
	return 0;
}

static int jstring(struct jparser *jp, char **out)
{
	struct jbuf b = { 0 };

	jbuf_add(&b, "", 0);
	jp->p++; /* the opening quote */
	for (;;) {
		unsigned char c;

		if (jp->p >= jp->end)
			goto fail_eof;
		c = *jp->p;
		if (c == '"') {
			jp->p++;
			*out = b.s;
			return 0;
		}
		if (c < 0x20) {
			jfail(jp, "control character in a string");
			goto fail;
		}
		if (c >= 0x80) {
			if (jutf8(jp, &b))
				goto fail;
			continue;
		}
		if (c != '\\') {
			jbuf_add(&b, &c, 1);
			jp->p++;
			continue;
		}
		jp->p++;
		if (jp->p >= jp->end)
			goto fail_eof;
		c = *jp->p++;
		switch (c) {
		case '"': jbuf_add(&b, "\"", 1); break;
		case '\\': jbuf_add(&b, "\\", 1); break;
		case '/': jbuf_add(&b, "/", 1); break;
		case 'b': jbuf_add(&b, "\b", 1); break;
		case 'f': jbuf_add(&b, "\f", 1); break;
		case 'n': jbuf_add(&b, "\n", 1); break;
		case 'r': jbuf_add(&b, "\r", 1); break;
		case 't': jbuf_add(&b, "\t", 1); break;
		case 'u': {
			uint32_t cp, lo;

			if (jhex4(jp, &cp))
				goto fail;
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				jfail(jp, "lone low surrogate");
				goto fail;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (jp->end - jp->p < 2 || jp->p[0] != '\\' || jp->p[1] != 'u') {
					jfail(jp, "lone high surrogate");
					goto fail;
				}
				jp->p += 2;
				if (jhex4(jp, &lo))
					goto fail;
				if (lo < 0xdc00 || lo > 0xdfff) {
					jfail(jp, "bad surrogate pair");
					goto fail;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (cp == 0) {
				jfail(jp, "\\u0000 not expected here");
				goto fail;
			}
			jbuf_utf8(&b, cp);
			break;
		}
		default:
			jfail(jp, "unknown escape");
			goto fail;
		}
	}
fail_eof:
	jfail(jp, "unterminated string");
fail:
	free(b.s);
	return -1;
}

static int jdigits(struct jparser *jp)
{
	const unsigned char *start = jp->p;

	while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
		jp->p++;
	return jp->p > start ? 0 : jfail(jp, "digit expected");
}

static int jnumber(struct jparser *jp, char **out)
{
	const unsigned char *start = jp->p;

	if (*jp->p == '-')
		jp->p++;
	if (jp->p < jp->end && *jp->p == '0') {
		jp->p++;
	} else if (jdigits(jp)) {
		return -1;
	}
	if (jp->p < jp->end && *jp->p == '.') {
		jp->p++;
		if (jdigits(jp))
			return -1;
	}
	if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
		jp->p++;
		if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-'))
			jp->p++;
		if (jdigits(jp))
			return -1;
	}
	*out = malloc((size_t)(jp->p - start) + 1);
	ck_assert_ptr_nonnull(*out);
	memcpy(*out, start, (size_t)(jp->p - start));
	(*out)[jp->p - start] = '\0';
	return 0;
}

static int jvalue(struct jparser *jp, struct jv *v);

static int jcontainer(struct jparser *jp, struct jv *v, int is_obj)
{
	unsigned char close = is_obj ? '}' : ']';

	v->type = is_obj ? J_OBJ : J_ARR;
	if (++jp->depth > 64)
		return jfail(jp, "nesting too deep");
	jp->p++;
	jws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		jp->depth--;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		/* The slot is counted at once so jfree() sees it on failure. */
		v->items = realloc(v->items, (v->n + 1) * sizeof(*v->items));
		ck_assert_ptr_nonnull(v->items);
		memset(&v->items[v->n], 0, sizeof(*v->items));
		if (is_obj) {
			v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
			ck_assert_ptr_nonnull(v->keys);
			v->keys[v->n] = NULL;
		}
		v->n++;
		if (is_obj) {
			jws(jp);
			if (jp->p >= jp->end || *jp->p != '"')
				return jfail(jp, "member name expected");
			if (jstring(jp, &key))
				return -1;
			v->keys[v->n - 1] = key;
			jws(jp);
			if (jp->p >= jp->end || *jp->p != ':')
				return jfail(jp, "':' expected");
			jp->p++;
		}
		if (jvalue(jp, &v->items[v->n - 1]))
			return -1;
		jws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			jp->depth--;
			return 0;
		}
		return jfail(jp, "',' or closing bracket expected");
	}
}

static int jliteral(struct jparser *jp, struct jv *v, const char *word, enum jtype type)
{
	size_t n = strlen(word);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n) != 0)
		return jfail(jp, "unexpected character");
	jp->p += n;
	v->type = type;
	v->text = malloc(n + 1);
	ck_assert_ptr_nonnull(v->text);
	memcpy(v->text, word, n + 1);
	return 0;
}

static int jvalue(struct jparser *jp, struct jv *v)
{
	jws(jp);
	if (jp->p >= jp->end)
		return jfail(jp, "value expected");
	switch (*jp->p) {
	case '{':
		return jcontainer(jp, v, 1);
	case '[':
		return jcontainer(jp, v, 0);
	case '"':
		v->type = J_STR;
		return jstring(jp, &v->text);
	case 't':
		return jliteral(jp, v, "true", J_BOOL);
	case 'f':
		return jliteral(jp, v, "false", J_BOOL);
	case 'n':
		return jliteral(jp, v, "null", J_NULL);
	default:
		if (*jp->p == '-' || (*jp->p >= '0' && *jp->p <= '9')) {
			v->type = J_NUM;
			return jnumber(jp, &v->text);
		}
		return jfail(jp, "unexpected character");
	}
}

/* Parse a whole document; returns 0, or -1 with the reason in @err. */
static int jparse_try(const char *text, size_t len, struct jv *root, char *err, size_t errlen)
{
	struct jparser jp = { (const unsigned char *)text, (const unsigned char *)text + len, 0, "" };
	int rc;

	memset(root, 0, sizeof(*root));
	rc = jvalue(&jp, root);
	if (rc == 0) {
		jws(&jp);
		if (jp.p != jp.end)
			rc = jfail(&jp, "trailing characters");
	}
	if (rc)
		jfree(root);
	snprintf(err, errlen, "%s", jp.err);
	return rc;
}

/* Parse a whole document; the test fails with the reason if it is invalid. */
static void jparse(const char *text, size_t len, struct jv *root)
{
	char err[128];

	ck_assert_msg(jparse_try(text, len, root, err, sizeof(err)) == 0, "invalid JSON: %s", err);
}

static const struct jv *jget(const struct jv *obj, const char *key)
{
	if (obj->type != J_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return &obj->items[i];
	return NULL;
}

/* The text of member @key of @obj, which must exist with type @type. */
static const char *jtext(const struct jv *obj, const char *key, enum jtype type)
{
	const struct jv *v = jget(obj, key);

	ck_assert_msg(v != NULL, "member \"%s\" missing", key);
	ck_assert_msg(v->type == type, "member \"%s\" has type %d, not %d", key, v->type, type);
	return v->text;
}

/* ---- trace loading and structure checks ---- */

struct trace {
	struct jv root;
	const struct jv *events; /* the traceEvents array */
	char *text;
	size_t len;
};

/* Members each phase must have (the Trace Event Format's required fields). */
static void check_event(const struct jv *ev)
{
	const char *ph;

	ck_assert_int_eq(ev->type, J_OBJ);
	ph = jtext(ev, "ph", J_STR);
	ck_assert_uint_eq(strlen(ph), 1);
	ck_assert_ptr_nonnull(strchr("BEXiCM", ph[0]));
	jtext(ev, "pid", J_NUM);
	jtext(ev, "tid", J_NUM);
	if (ph[0] != 'M')
		jtext(ev, "ts", J_NUM);
	if (ph[0] != 'E')
		jtext(ev, "name", J_STR);
	if (ph[0] == 'X')
		jtext(ev, "dur", J_NUM);
	if (ph[0] == 'i')
		ck_assert_str_eq(jtext(ev, "s", J_STR), "t");
	if (ph[0] == 'C' || ph[0] == 'M')
		ck_assert_int_eq(jget(ev, "args")->type, J_OBJ);
}

static void python_check(const char *path)
{
	char cmd[600];

	if (system("command -v python3 >/dev/null 2>&1") != 0)
		return;
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding=\"utf-8\"))' "
		 "'%s'",
		 path);
	ck_assert_msg(system(cmd) == 0, "python3's json module rejects %s", path);
}

static void load_trace(const char *path, struct trace *tr)
{
	tr->text = slurp_file(path, &tr->len);
	ck_assert_uint_eq(strlen(tr->text), tr->len); /* no NUL bytes */
	jparse(tr->text, tr->len, &tr->root);
	ck_assert_int_eq(tr->root.type, J_OBJ);
	ck_assert_str_eq(jtext(&tr->root, "displayTimeUnit", J_STR), "ns");
	tr->events = jget(&tr->root, "traceEvents");
	ck_assert_ptr_nonnull(tr->events);
	ck_assert_int_eq(tr->events->type, J_ARR);
	for (size_t i = 0; i < tr->events->n; i++)
		check_event(&tr->events->items[i]);
	python_check(path);
}

static void free_trace(struct trace *tr)
{
	jfree(&tr->root);
	free(tr->text);
}

static const struct jv *event(const struct trace *tr, size_t i)
{
	ck_assert_uint_lt(i, tr->events->n);
	return &tr->events->items[i];
}

/* Count the events with phase @ph (and name @name unless NULL). */
static size_t count_events(const struct trace *tr, char ph, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < tr->events->n; i++) {
		const struct jv *ev = &tr->events->items[i];
		const struct jv *nm = jget(ev, "name");

		if (jtext(ev, "ph", J_STR)[0] != ph)
			continue;
		if (name && (!nm || nm->type != J_STR || strcmp(nm->text, name) != 0))
			continue;
		n++;
	}
	return n;
}

/* ---- tests ---- */

START_TEST(test_empty_trace)
{
	static const char expected[] = "{\"traceEvents\":[\n],\"displayTimeUnit\":\"ns\"}\n";
	char path[256];
	struct sim_ctrace t;
	struct trace tr;

	ck_assert_int_eq(sim_ctrace_open(&t, tmp_path(path, sizeof(path), "empty.json")), SIM_OK);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	load_trace(path, &tr);
	ck_assert_uint_eq(tr.events->n, 0);
	ck_assert_str_eq(tr.text, expected);
	free_trace(&tr);
}
END_TEST

START_TEST(test_timestamps)
{
	static const struct {
		sim_time_t ps;
		const char *us;
	} cases[] = {
		{ 0, "0.000000" },
		{ 1, "0.000001" },
		{ 999999, "0.999999" },
		{ 1000000, "1.000000" },
		{ 1234567, "1.234567" },
		{ SIM_NS(1500), "1.500000" },
		{ SIM_SEC(3) + 7, "3000000.000007" },
		{ UINT64_MAX - 1, "18446744073709.551614" },
		{ UINT64_MAX, "18446744073709.551615" },
	};
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	char path[256];
	struct sim_ctrace t;
	struct trace tr;
	uint32_t track;

	ck_assert_int_eq(sim_ctrace_open(&t, tmp_path(path, sizeof(path), "ts.json")), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "p", "t", &track), SIM_OK);
	for (size_t i = 0; i < n; i++)
		sim_ctrace_instant(&t, track, "i", cases[i].ps);
	for (size_t i = 0; i < n; i++)
		sim_ctrace_complete(&t, track, "x", 5, cases[i].ps);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	load_trace(path, &tr);
	ck_assert_uint_eq(tr.events->n, 2 + 2 * n); /* two metadata events first */
	for (size_t i = 0; i < n; i++) {
		const struct jv *inst = event(&tr, 2 + i);
		const struct jv *comp = event(&tr, 2 + n + i);

		ck_assert_str_eq(jtext(inst, "ph", J_STR), "i");
		ck_assert_str_eq(jtext(inst, "ts", J_NUM), cases[i].us);
		ck_assert_str_eq(jtext(comp, "ph", J_STR), "X");
		ck_assert_str_eq(jtext(comp, "ts", J_NUM), "0.000005");
		ck_assert_str_eq(jtext(comp, "dur", J_NUM), cases[i].us);
	}
	free_trace(&tr);
}
END_TEST

START_TEST(test_escaping)
{
	static const struct {
		const char *raw;     /* passed to the writer */
		const char *decoded; /* what a JSON reader gets back */
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "q\"uote", "q\"uote" },
		{ "back\\slash", "back\\slash" },
		{ "slash/ok", "slash/ok" },
		{ "nl\ntab\tcr\r", "nl\ntab\tcr\r" },
		{ "\x01\x1f\x7f", "\x01\x1f\x7f" },
		{ "mu \xc2\xb5s, euro \xe2\x82\xac, clef \xf0\x9d\x84\x9e",
		  "mu \xc2\xb5s, euro \xe2\x82\xac, clef \xf0\x9d\x84\x9e" },
		/* malformed UTF-8: each bad byte becomes U+FFFD */
		{ "a\xff" "b", "a\xef\xbf\xbd" "b" },
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },            /* overlong '/' */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* surrogate */
		{ "\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd" },            /* truncated */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	};
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	char path[256];
	struct sim_ctrace t;
	struct trace tr;
	uint32_t track;
	char *raw;

	ck_assert_int_eq(sim_ctrace_open(&t, tmp_path(path, sizeof(path), "esc.json")), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "pro\"c", "th\\read\n", &track), SIM_OK);
	for (size_t i = 0; i < n; i++)
		sim_ctrace_instant(&t, track, cases[i].raw, 0);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	load_trace(path, &tr);
	ck_assert_uint_eq(tr.events->n, 2 + n);
	ck_assert_str_eq(jtext(jget(event(&tr, 0), "args"), "name", J_STR), "pro\"c");
	ck_assert_str_eq(jtext(jget(event(&tr, 1), "args"), "name", J_STR), "th\\read\n");
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(jtext(event(&tr, 2 + i), "name", J_STR), cases[i].decoded);
	/* Control characters are written as \u00XX, and nothing else is. */
	ck_assert_ptr_nonnull(strstr(tr.text, "\"nl\\u000atab\\u0009cr\\u000d\""));
	ck_assert_ptr_nonnull(strstr(tr.text, "\"\\u0001\\u001f\x7f\""));
	ck_assert_ptr_nonnull(strstr(tr.text, "\"q\\\"uote\""));
	ck_assert_ptr_nonnull(strstr(tr.text, "\"back\\\\slash\""));
	for (raw = tr.text; *raw; raw++)
		ck_assert_msg((unsigned char)*raw >= 0x20 || *raw == '\n', "raw control byte");
	free_trace(&tr);
}
END_TEST

START_TEST(test_tracks_and_metadata)
{
	char path[256];
	struct sim_ctrace t;
	struct trace tr;
	uint32_t cpu0, cpu1, dev, cpu0_again, mem;
	static const struct {
		const char *name, *value;
		const char *pid, *tid;
	} meta[] = {
		{ "process_name", "cpu", "1", "1" },
		{ "thread_name", "core0", "1", "1" },
		{ "thread_name", "core1", "1", "2" },
		{ "process_name", "dev", "2", "3" },
		{ "thread_name", "core0", "2", "3" },
		{ "thread_name", "mem", "1", "4" },
	};

	ck_assert_int_eq(sim_ctrace_open(&t, tmp_path(path, sizeof(path), "tracks.json")), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "cpu", "core0", &cpu0), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "cpu", "core1", &cpu1), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "dev", "core0", &dev), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "cpu", "core0", &cpu0_again), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "cpu", "mem", &mem), SIM_OK);
	ck_assert_uint_eq(cpu0_again, cpu0);
	ck_assert_uint_ne(cpu0, cpu1);
	ck_assert_uint_ne(cpu0, dev);
	sim_ctrace_instant(&t, cpu0, "a", 1);
	sim_ctrace_instant(&t, cpu1, "b", 2);
	sim_ctrace_instant(&t, dev, "c", 3);
	sim_ctrace_instant(&t, mem, "d", 4);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	load_trace(path, &tr);
	ck_assert_uint_eq(tr.events->n, 6 + 4);
	/* Metadata once per process and per track, in order of first use. */
	ck_assert_uint_eq(count_events(&tr, 'M', NULL), 6);
	for (size_t i = 0; i < 6; i++) {
		const struct jv *ev = event(&tr, i);

		ck_assert_str_eq(jtext(ev, "ph", J_STR), "M");
		ck_assert_str_eq(jtext(ev, "name", J_STR), meta[i].name);
		ck_assert_str_eq(jtext(jget(ev, "args"), "name", J_STR), meta[i].value);
		ck_assert_str_eq(jtext(ev, "pid", J_NUM), meta[i].pid);
		ck_assert_str_eq(jtext(ev, "tid", J_NUM), meta[i].tid);
	}
	ck_assert_str_eq(jtext(event(&tr, 6), "tid", J_NUM), "1");
	ck_assert_str_eq(jtext(event(&tr, 7), "tid", J_NUM), "2");
	ck_assert_str_eq(jtext(event(&tr, 8), "pid", J_NUM), "2");
	ck_assert_str_eq(jtext(event(&tr, 8), "tid", J_NUM), "3");
	ck_assert_str_eq(jtext(event(&tr, 9), "pid", J_NUM), "1");
	ck_assert_str_eq(jtext(event(&tr, 9), "tid", J_NUM), "4");
	free_trace(&tr);
}
END_TEST

START_TEST(test_spans)
{
	char path[256];
	struct sim_ctrace t;
	struct trace tr;
	uint32_t a, b;

	ck_assert_int_eq(sim_ctrace_open(&t, tmp_path(path, sizeof(path), "spans.json")), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "p", "a", &a), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "p", "b", &b), SIM_OK);
	sim_ctrace_begin(&t, a, "outer", SIM_NS(1));
	sim_ctrace_begin(&t, a, "inner", SIM_NS(2));
	sim_ctrace_end(&t, a, SIM_NS(3));
	sim_ctrace_end(&t, a, SIM_NS(4));
	sim_ctrace_complete(&t, b, "whole", SIM_NS(1), SIM_NS(10));
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	load_trace(path, &tr);
	ck_assert_uint_eq(count_events(&tr, 'B', NULL), 2);
	ck_assert_uint_eq(count_events(&tr, 'E', NULL), 2);
	ck_assert_uint_eq(count_events(&tr, 'X', "whole"), 1);
	ck_assert_str_eq(jtext(event(&tr, 3), "name", J_STR), "outer");
	ck_assert_str_eq(jtext(event(&tr, 3), "ts", J_NUM), "0.001000");
	ck_assert_str_eq(jtext(event(&tr, 4), "name", J_STR), "inner");
	ck_assert_str_eq(jtext(event(&tr, 5), "ph", J_STR), "E");
	ck_assert_str_eq(jtext(event(&tr, 5), "ts", J_NUM), "0.003000");
	ck_assert_ptr_null(jget(event(&tr, 5), "name"));
	ck_assert_str_eq(jtext(event(&tr, 6), "ts", J_NUM), "0.004000");
	ck_assert_str_eq(jtext(event(&tr, 7), "dur", J_NUM), "0.010000");
	ck_assert_str_eq(jtext(event(&tr, 7), "tid", J_NUM), "2");
	free_trace(&tr);
}
END_TEST

START_TEST(test_unmatched_end)
{
	char path[256];
	struct sim_ctrace t;
	struct trace tr;
	uint32_t a, b;

	ck_assert_int_eq(sim_ctrace_open(&t, tmp_path(path, sizeof(path), "unmatched.json")), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "p", "a", &a), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "p", "b", &b), SIM_OK);
	sim_ctrace_begin(&t, a, "s", 1);
	sim_ctrace_end(&t, b, 2); /* nothing open on b: dropped */
	sim_ctrace_end(&t, a, 3);
	sim_ctrace_end(&t, a, 4); /* nothing open any more: dropped */
	sim_ctrace_begin(&t, b, "left open", 5);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_ERR_STATE);
	load_trace(path, &tr);
	ck_assert_uint_eq(count_events(&tr, 'E', NULL), 1);
	ck_assert_uint_eq(count_events(&tr, 'B', NULL), 2);
	free_trace(&tr);
}
END_TEST

START_TEST(test_counters)
{
	char path[256];
	struct sim_ctrace t;
	struct trace tr;
	uint32_t a;
	static const int64_t values[] = { 0, 1, -1, 42, INT64_MAX, INT64_MIN };
	static const char *const texts[] = {
		"0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808",
	};

	ck_assert_int_eq(sim_ctrace_open(&t, tmp_path(path, sizeof(path), "ctr.json")), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "dev", "queue", &a), SIM_OK);
	for (size_t i = 0; i < 6; i++)
		sim_ctrace_counter(&t, a, "depth", SIM_NS(i), values[i]);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	load_trace(path, &tr);
	ck_assert_uint_eq(count_events(&tr, 'C', "depth"), 6);
	for (size_t i = 0; i < 6; i++) {
		const struct jv *ev = event(&tr, 2 + i);
		const struct jv *args = jget(ev, "args");

		ck_assert_str_eq(jtext(ev, "ph", J_STR), "C");
		ck_assert_uint_eq(args->n, 1);
		ck_assert_str_eq(jtext(args, "value", J_NUM), texts[i]);
	}
	free_trace(&tr);
}
END_TEST

START_TEST(test_args)
{
	char path[256];
	struct sim_ctrace t;
	struct trace tr;
	uint32_t a;
	const struct sim_ctrace_arg args[] = {
		SIM_CTRACE_ARG_HEX("addr", 0xfee01000u),
		SIM_CTRACE_ARG_U64("len", 64),
		SIM_CTRACE_ARG_I64("delta", -5),
		SIM_CTRACE_ARG_STR("who", "dma \"0\""),
		SIM_CTRACE_ARG_STR("none", NULL),
		SIM_CTRACE_ARG_HEX("zero", 0),
		SIM_CTRACE_ARG_HEX("big", UINT64_MAX),
		SIM_CTRACE_ARG_U64("k\"ey", UINT64_MAX),
	};
	const struct jv *ev, *ea;

	ck_assert_int_eq(sim_ctrace_open(&t, tmp_path(path, sizeof(path), "args.json")), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "p", "a", &a), SIM_OK);
	sim_ctrace_instant_args(&t, a, "write", 10, args, sizeof(args) / sizeof(args[0]));
	sim_ctrace_begin_args(&t, a, "xfer", 20, args, 2);
	sim_ctrace_end(&t, a, 30);
	sim_ctrace_complete_args(&t, a, "burst", 40, 5, args + 2, 1);
	sim_ctrace_instant_args(&t, a, "bare", 50, NULL, 0);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	load_trace(path, &tr);
	ev = event(&tr, 2);
	ea = jget(ev, "args");
	ck_assert_ptr_nonnull(ea);
	ck_assert_uint_eq(ea->n, 8);
	ck_assert_str_eq(jtext(ea, "addr", J_STR), "0xfee01000");
	ck_assert_str_eq(jtext(ea, "len", J_NUM), "64");
	ck_assert_str_eq(jtext(ea, "delta", J_NUM), "-5");
	ck_assert_str_eq(jtext(ea, "who", J_STR), "dma \"0\"");
	ck_assert_int_eq(jget(ea, "none")->type, J_NULL);
	ck_assert_str_eq(jtext(ea, "zero", J_STR), "0x0");
	ck_assert_str_eq(jtext(ea, "big", J_STR), "0xffffffffffffffff");
	ck_assert_str_eq(jtext(ea, "k\"ey", J_NUM), "18446744073709551615");
	ck_assert_str_eq(ea->keys[0], "addr"); /* order kept */
	ck_assert_str_eq(ea->keys[7], "k\"ey");
	ea = jget(event(&tr, 3), "args");
	ck_assert_uint_eq(ea->n, 2);
	ea = jget(event(&tr, 5), "args");
	ck_assert_uint_eq(ea->n, 1);
	ck_assert_str_eq(jtext(ea, "delta", J_NUM), "-5");
	ck_assert_ptr_null(jget(event(&tr, 6), "args"));
	free_trace(&tr);
}
END_TEST

START_TEST(test_misuse)
{
	char path[256];
	struct sim_ctrace t;
	struct trace tr;
	uint32_t a, keep = 777;
	const struct sim_ctrace_arg bad_key[] = { SIM_CTRACE_ARG_U64(NULL, 1) };

	ck_assert_int_eq(sim_ctrace_open(NULL, "x"), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_ctrace_open(&t, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_ctrace_open(&t, tmp_path(path, sizeof(path), "misuse.json")), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(NULL, "p", "t", &a), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_ctrace_track(&t, NULL, "t", &a), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_ctrace_track(&t, "p", NULL, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_ctrace_track(&t, "p", "t", NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_ctrace_track(&t, "p", "t", &a), SIM_OK);
	/* All dropped, none crashes, the file stays valid. */
	sim_ctrace_instant(NULL, a, "x", 1);
	sim_ctrace_begin(NULL, a, "x", 1);
	sim_ctrace_end(NULL, a, 1);
	sim_ctrace_complete(NULL, a, "x", 1, 1);
	sim_ctrace_counter(NULL, a, "x", 1, 1);
	sim_ctrace_instant(&t, a + 1, "x", 1);
	sim_ctrace_instant(&t, UINT32_MAX, "x", 1);
	sim_ctrace_end(&t, a + 1, 1);
	sim_ctrace_instant(&t, a, NULL, 1);
	sim_ctrace_begin(&t, a, NULL, 1);
	sim_ctrace_complete(&t, a, NULL, 1, 1);
	sim_ctrace_counter(&t, a, NULL, 1, 1);
	sim_ctrace_instant_args(&t, a, "x", 1, NULL, 1);
	sim_ctrace_instant_args(&t, a, "x", 1, bad_key, 1);
	sim_ctrace_instant(&t, a, "ok", 2);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	ck_assert_int_eq(sim_ctrace_close(NULL), SIM_OK);
	/* A closed writer refuses tracks and ignores events. */
	ck_assert_int_eq(sim_ctrace_track(&t, "p", "t", &keep), SIM_ERR_STATE);
	ck_assert_uint_eq(keep, 777);
	sim_ctrace_instant(&t, 0, "x", 1);
	load_trace(path, &tr);
	ck_assert_uint_eq(tr.events->n, 3);
	ck_assert_str_eq(jtext(event(&tr, 2), "name", J_STR), "ok");
	free_trace(&tr);
}
END_TEST

START_TEST(test_io_errors)
{
	char path[256];
	struct sim_ctrace t;
	uint32_t a;

	tmp_path(path, sizeof(path), "no-such-dir/t.json");
	ck_assert_int_eq(sim_ctrace_open(&t, path), SIM_ERR_IO);
	ck_assert_int_eq(sim_ctrace_track(&t, "p", "t", &a), SIM_ERR_STATE);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	ck_assert_int_eq(sim_ctrace_open(&t, tmp_dir()), SIM_ERR_IO);
	ck_assert_int_eq(sim_ctrace_open(&t, tmp_path(path, sizeof(path), "ok.json")), SIM_OK);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	/* /dev/full accepts the open and fails every write. */
	if (access("/dev/full", W_OK) != 0)
		return;
	ck_assert_int_eq(sim_ctrace_open(&t, "/dev/full"), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "p", "t", &a), SIM_OK);
	for (int i = 0; i < 10000; i++)
		sim_ctrace_instant(&t, a, "filler event name", (sim_time_t)i);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_ERR_IO);
}
END_TEST

static void write_scenario(const char *path)
{
	struct sim_ctrace t;
	uint32_t cpu, dev, q;
	const struct sim_ctrace_arg args[] = { SIM_CTRACE_ARG_HEX("addr", 0x1000),
					       SIM_CTRACE_ARG_U64("len", 64) };

	ck_assert_int_eq(sim_ctrace_open(&t, path), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "cpu", "core0", &cpu), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "dev", "dma", &dev), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "dev", "queue", &q), SIM_OK);
	for (sim_time_t i = 0; i < 50; i++) {
		sim_ctrace_begin(&t, cpu, "isr", SIM_NS(10 * i));
		sim_ctrace_instant_args(&t, dev, "read", SIM_NS(10 * i) + 1, args, 2);
		sim_ctrace_counter(&t, q, "depth", SIM_NS(10 * i) + 2, (int64_t)(i % 7) - 3);
		sim_ctrace_complete(&t, dev, "burst", SIM_NS(10 * i) + 3, 12345);
		sim_ctrace_end(&t, cpu, SIM_NS(10 * i + 5));
	}
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
}

START_TEST(test_deterministic)
{
	char p1[256], p2[256];
	size_t n1, n2;
	char *a, *b;
	struct trace tr;

	write_scenario(tmp_path(p1, sizeof(p1), "r1.json"));
	write_scenario(tmp_path(p2, sizeof(p2), "r2.json"));
	a = slurp_file(p1, &n1);
	b = slurp_file(p2, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_mem_eq(a, b, n1);
	free(a);
	free(b);
	load_trace(p1, &tr);
	ck_assert_uint_eq(tr.events->n, 5 + 50 * 5);
	free_trace(&tr);
}
END_TEST

/* The reader the other tests rely on must reject what RFC 8259 rejects. */
START_TEST(test_json_reader_is_strict)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "[01]", "[1.]", "[-]", "[.5]", "[1e]",
		"[\"\x01\"]", "[\"\\q\"]", "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\xff\"]",
		"[\"\xc0\xaf\"]", "[1] x", "[true false]", "[nul]", "{\"a\" 1}", "[\"abc]",
	};
	static const char *const good[] = {
		"[]", "{}", " [1, -0.5e+3, \"\\u00e9\\ud834\\udd1e\", true, null] ",
		"{\"a\":{\"b\":[]}}",
	};
	struct jv v;
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(jparse_try(bad[i], strlen(bad[i]), &v, err, sizeof(err)) != 0,
			      "accepted invalid JSON %s", bad[i]);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(jparse_try(good[i], strlen(good[i]), &v, err, sizeof(err)) == 0,
			      "rejected %s: %s", good[i], err);
		jfree(&v);
	}
}
END_TEST

/* The off-by-default pattern: with a NULL writer nothing is evaluated. */
static int side_effects;

static sim_time_t now_ps(void)
{
	side_effects++;
	return 1;
}

START_TEST(test_off_by_default)
{
	char path[256];
	struct sim_ctrace t, *trace = NULL;
	struct trace tr;
	uint32_t a = 0;

	side_effects = 0;
	SIM_CTRACE(trace, sim_ctrace_instant, a, "x", now_ps());
	SIM_CTRACE(trace, sim_ctrace_counter, a, "x", now_ps(), 3);
	ck_assert_int_eq(side_effects, 0);
	ck_assert_int_eq(sim_ctrace_open(&t, tmp_path(path, sizeof(path), "on.json")), SIM_OK);
	trace = &t;
	ck_assert_int_eq(sim_ctrace_track(trace, "p", "t", &a), SIM_OK);
	SIM_CTRACE(trace, sim_ctrace_instant, a, "x", now_ps());
	ck_assert_int_eq(side_effects, 1);
	ck_assert_int_eq(sim_ctrace_close(trace), SIM_OK);
	load_trace(path, &tr);
	ck_assert_uint_eq(count_events(&tr, 'i', "x"), 1);
	free_trace(&tr);
}
END_TEST

static Suite *ctrace_suite(void)
{
	Suite *s = suite_create("sim:ctrace");
	TCase *tc = tcase_create("writer");

	tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_empty_trace);
	tcase_add_test(tc, test_timestamps);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_tracks_and_metadata);
	tcase_add_test(tc, test_spans);
	tcase_add_test(tc, test_unmatched_end);
	tcase_add_test(tc, test_counters);
	tcase_add_test(tc, test_args);
	tcase_add_test(tc, test_misuse);
	tcase_add_test(tc, test_io_errors);
	tcase_add_test(tc, test_deterministic);
	tcase_add_test(tc, test_off_by_default);
	tcase_add_test(tc, test_json_reader_is_strict);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ctrace_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
