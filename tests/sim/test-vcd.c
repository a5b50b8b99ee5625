/*
 * tests/sim/test-vcd.c - Check tests of the VCD writer (sim/vcd.c).
 *
 * Each test writes a file into a private temporary directory and reads it
 * back with a small strict parser of IEEE 1364-2005 section 18.2 (below), so
 * the assertions are about the format, not about the writer's layout; one
 * test also pins the exact bytes of a small dump.
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

#include "sim/error.h"
#include "sim/vcd.h"

/* ---- a strict VCD reader ----
 * Accepts the subset of 18.2 a two-state dump uses: declaration sections
 * ($comment, $date, $version, $timescale, $scope, $upscope, $var) up to
 * $enddefinitions, then time stamps, $dumpvars blocks and value changes.
 * Checks: every section ends with $end; scopes balance; identifier codes are
 * printable ASCII 33..126 and unique; times are decimal and strictly
 * increasing; every change follows a time stamp, names a declared code, and
 * fits its variable (scalars take 0/1 forms, vectors b-forms of at most
 * width digits, written without leading zeros). */

#define PV_MAX_VARS 10000
#define PV_MAX_CHANGES 20000
#define PV_MAX_SCOPES 16
#define PV_HASH_SLOTS 32768 /* more than twice PV_MAX_VARS */

struct pv_var {
	char code[8];
	char name[64];
	char scope[128];
	char type[16];
	unsigned width;
};

struct pv_change {
	uint64_t time_ps;
	int var;
	uint64_t value;
	int dumpvars; /* in the $dumpvars block */
};

struct pv_doc {
	char version[64];
	char timescale[32];
	char scopes[PV_MAX_SCOPES][128]; /* scope blocks in file order */
	int nscopes;
	struct pv_var *vars;
	int nvars;
	int *hash; /* PV_HASH_SLOTS entries */
	struct pv_change *changes;
	int nchanges;
	int ntimes;
	uint64_t last_time_ps;
	char error[160];
};

struct pv_lexer {
	const char *p;
	char tok[128];
};

/* Next white-space separated token, or NULL at the end of the text. */
static const char *pv_next(struct pv_lexer *lx)
{
	size_t n = 0;

	while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r')
		lx->p++;
	if (!*lx->p)
		return NULL;
	while (*lx->p && *lx->p != ' ' && *lx->p != '\t' && *lx->p != '\n' && *lx->p != '\r') {
		if (n + 1 < sizeof(lx->tok))
			lx->tok[n++] = *lx->p;
		lx->p++;
	}
	lx->tok[n] = '\0';
	return lx->tok;
}

static int pv_fail(struct pv_doc *d, const char *what, const char *tok)
{
	snprintf(d->error, sizeof(d->error), "%s (at \"%s\")", what, tok ? tok : "EOF");
	return -1;
}

/* Join the tokens of a section into @out up to its $end. */
static int pv_section_text(struct pv_doc *d, struct pv_lexer *lx, char *out, size_t len)
{
	const char *tok;

	out[0] = '\0';
	while ((tok = pv_next(lx)) != NULL && strcmp(tok, "$end") != 0) {
		if (tok[0] == '$')
			return pv_fail(d, "keyword inside a section", tok);
		if (out[0])
			strncat(out, " ", len - strlen(out) - 1);
		strncat(out, tok, len - strlen(out) - 1);
	}
	return tok ? 0 : pv_fail(d, "section without $end", tok);
}

/* Codes are found through an open-addressing hash table of var index + 1. */
static unsigned pv_hash(const char *code)
{
	unsigned h = 2166136261u;

	for (; *code; code++)
		h = (h ^ (unsigned char)*code) * 16777619u;
	return h % PV_HASH_SLOTS;
}

static int pv_find_code(const struct pv_doc *d, const char *code)
{
	for (unsigned h = pv_hash(code); d->hash[h]; h = (h + 1) % PV_HASH_SLOTS)
		if (strcmp(d->vars[d->hash[h] - 1].code, code) == 0)
			return d->hash[h] - 1;
	return -1;
}

static void pv_insert_code(struct pv_doc *d, int var)
{
	unsigned h = pv_hash(d->vars[var].code);

	while (d->hash[h])
		h = (h + 1) % PV_HASH_SLOTS;
	d->hash[h] = var + 1;
}

static int pv_parse_var(struct pv_doc *d, struct pv_lexer *lx, const char *scope)
{
	struct pv_var *v;
	const char *tok;
	char *end;
	unsigned long w;

	if (d->nvars == PV_MAX_VARS)
		return pv_fail(d, "too many variables", NULL);
	v = &d->vars[d->nvars];
	memset(v, 0, sizeof(*v));
	tok = pv_next(lx);
	if (!tok || (strcmp(tok, "wire") != 0 && strcmp(tok, "reg") != 0))
		return pv_fail(d, "bad $var type", tok);
	strcpy(v->type, tok);
	tok = pv_next(lx);
	if (!tok || tok[0] < '1' || tok[0] > '9')
		return pv_fail(d, "bad $var size", tok);
	w = strtoul(tok, &end, 10);
	if (*end || w < 1 || w > 64)
		return pv_fail(d, "bad $var size", tok);
	v->width = (unsigned)w;
	tok = pv_next(lx);
	if (!tok || strlen(tok) >= sizeof(v->code))
		return pv_fail(d, "bad identifier code", tok);
	for (const char *c = tok; *c; c++)
		if (*c < 33 || *c > 126)
			return pv_fail(d, "identifier code outside 33..126", tok);
	if (pv_find_code(d, tok) >= 0)
		return pv_fail(d, "identifier code declared twice", tok);
	strcpy(v->code, tok);
	tok = pv_next(lx);
	if (!tok || tok[0] == '$' || strlen(tok) >= sizeof(v->name))
		return pv_fail(d, "bad reference", tok);
	strcpy(v->name, tok);
	tok = pv_next(lx);
	if (tok && tok[0] == '[') /* an optional bit range */
		tok = pv_next(lx);
	if (!tok || strcmp(tok, "$end") != 0)
		return pv_fail(d, "$var without $end", tok);
	snprintf(v->scope, sizeof(v->scope), "%s", scope);
	pv_insert_code(d, d->nvars);
	d->nvars++;
	return 0;
}

static int pv_parse_header(struct pv_doc *d, struct pv_lexer *lx)
{
	char stack[PV_MAX_SCOPES][128];
	int depth = 0;
	const char *tok;
	char text[128];

	while ((tok = pv_next(lx)) != NULL) {
		if (strcmp(tok, "$enddefinitions") == 0) {
			if (depth != 0)
				return pv_fail(d, "unbalanced $scope", tok);
			if (pv_section_text(d, lx, text, sizeof(text)) || text[0])
				return pv_fail(d, "bad $enddefinitions", tok);
			return 0;
		} else if (strcmp(tok, "$version") == 0) {
			if (pv_section_text(d, lx, d->version, sizeof(d->version)))
				return -1;
		} else if (strcmp(tok, "$timescale") == 0) {
			if (pv_section_text(d, lx, d->timescale, sizeof(d->timescale)))
				return -1;
		} else if (strcmp(tok, "$comment") == 0 || strcmp(tok, "$date") == 0) {
			if (pv_section_text(d, lx, text, sizeof(text)))
				return -1;
		} else if (strcmp(tok, "$scope") == 0) {
			tok = pv_next(lx);
			if (!tok || strcmp(tok, "module") != 0)
				return pv_fail(d, "bad scope type", tok);
			if (pv_section_text(d, lx, text, sizeof(text)) || !text[0] || strchr(text, ' '))
				return pv_fail(d, "bad scope name", text);
			if (depth == PV_MAX_SCOPES || d->nscopes == PV_MAX_SCOPES)
				return pv_fail(d, "scopes too deep", text);
			snprintf(stack[depth++], sizeof(stack[0]), "%s", text);
			snprintf(d->scopes[d->nscopes++], sizeof(d->scopes[0]), "%s", text);
		} else if (strcmp(tok, "$upscope") == 0) {
			if (depth == 0)
				return pv_fail(d, "$upscope outside a scope", tok);
			if (pv_section_text(d, lx, text, sizeof(text)) || text[0])
				return pv_fail(d, "bad $upscope", tok);
			depth--;
		} else if (strcmp(tok, "$var") == 0) {
			if (depth == 0)
				return pv_fail(d, "$var outside a scope", tok);
			if (pv_parse_var(d, lx, stack[depth - 1]))
				return -1;
		} else {
			return pv_fail(d, "unexpected token in the header", tok);
		}
	}
	return pv_fail(d, "no $enddefinitions", NULL);
}

static int pv_add_change(struct pv_doc *d, const char *code, uint64_t value, int dumpvars)
{
	int var = pv_find_code(d, code);

	if (var < 0)
		return pv_fail(d, "change of an undeclared code", code);
	if (d->ntimes == 0)
		return pv_fail(d, "change before the first time stamp", code);
	if (d->nchanges == PV_MAX_CHANGES)
		return pv_fail(d, "too many changes", code);
	d->changes[d->nchanges].time_ps = d->last_time_ps;
	d->changes[d->nchanges].var = var;
	d->changes[d->nchanges].value = value;
	d->changes[d->nchanges].dumpvars = dumpvars;
	d->nchanges++;
	return 0;
}

static int pv_parse_body(struct pv_doc *d, struct pv_lexer *lx)
{
	int in_dumpvars = 0;
	const char *tok;

	while ((tok = pv_next(lx)) != NULL) {
		if (tok[0] == '#') {
			char *end;
			uint64_t t;

			if (in_dumpvars || tok[1] < '0' || tok[1] > '9')
				return pv_fail(d, "bad time stamp", tok);
			t = strtoull(tok + 1, &end, 10);
			if (*end)
				return pv_fail(d, "bad time stamp", tok);
			if (d->ntimes && t <= d->last_time_ps)
				return pv_fail(d, "time stamps not strictly increasing", tok);
			d->last_time_ps = t;
			d->ntimes++;
		} else if (strcmp(tok, "$dumpvars") == 0) {
			if (in_dumpvars)
				return pv_fail(d, "nested $dumpvars", tok);
			in_dumpvars = 1;
		} else if (strcmp(tok, "$end") == 0) {
			if (!in_dumpvars)
				return pv_fail(d, "stray $end", tok);
			in_dumpvars = 0;
		} else if (tok[0] == '0' || tok[0] == '1') {
			int var = pv_find_code(d, tok + 1);

			if (var >= 0 && d->vars[var].width != 1)
				return pv_fail(d, "scalar change of a vector", tok);
			if (pv_add_change(d, tok + 1, (uint64_t)(tok[0] - '0'), in_dumpvars))
				return -1;
		} else if (tok[0] == 'b') {
			uint64_t value = 0;
			size_t ndigits = strlen(tok + 1);
			int var;

			if (ndigits == 0 || ndigits > 64 || (ndigits > 1 && tok[1] == '0'))
				return pv_fail(d, "bad binary value", tok);
			for (const char *c = tok + 1; *c; c++) {
				if (*c != '0' && *c != '1')
					return pv_fail(d, "bad binary digit", tok);
				value = value << 1 | (uint64_t)(*c - '0');
			}
			tok = pv_next(lx);
			if (!tok)
				return pv_fail(d, "vector change without a code", tok);
			var = pv_find_code(d, tok);
			if (var >= 0 && (d->vars[var].width < 2 || ndigits > d->vars[var].width))
				return pv_fail(d, "vector change does not fit the variable", tok);
			if (pv_add_change(d, tok, value, in_dumpvars))
				return -1;
		} else {
			return pv_fail(d, "unexpected token in the body", tok);
		}
	}
	return in_dumpvars ? pv_fail(d, "$dumpvars without $end", NULL) : 0;
}

static void pv_free(struct pv_doc *d)
{
	free(d->vars);
	free(d->hash);
	free(d->changes);
}

/* Parse @text into @d; returns 0, or -1 with the reason in d->error. */
static int pv_parse_text(const char *text, struct pv_doc *d)
{
	struct pv_lexer lx;
	int rc;

	memset(d, 0, sizeof(*d));
	d->vars = calloc(PV_MAX_VARS, sizeof(*d->vars));
	d->changes = calloc(PV_MAX_CHANGES, sizeof(*d->changes));
	d->hash = calloc(PV_HASH_SLOTS, sizeof(*d->hash));
	ck_assert_ptr_nonnull(d->vars);
	ck_assert_ptr_nonnull(d->hash);
	ck_assert_ptr_nonnull(d->changes);
	if (strchr(text, '\r'))
		return pv_fail(d, "carriage return", NULL);
	lx.p = text;
	rc = pv_parse_header(d, &lx);
	if (rc == 0)
		rc = pv_parse_body(d, &lx);
	return rc;
}

/* Parse @path into @d; on failure the test fails with the parser's reason. */
static void pv_parse_file(const char *path, struct pv_doc *d)
{
	char *text = slurp_file(path, NULL);
	int rc = pv_parse_text(text, d);

	free(text);
	ck_assert_msg(rc == 0, "%s: invalid VCD: %s", path, d->error);
}

static int pv_var_by_name(const struct pv_doc *d, const char *scope, const char *name)
{
	for (int i = 0; i < d->nvars; i++)
		if (strcmp(d->vars[i].scope, scope) == 0 && strcmp(d->vars[i].name, name) == 0)
			return i;
	ck_abort_msg("variable %s.%s not declared", scope, name);
	return -1;
}

/* The value of @var at @time_ps as a viewer would show it (the last change
 * at or before that time wins). */
static uint64_t pv_value_at(const struct pv_doc *d, int var, uint64_t time_ps)
{
	uint64_t value = 0;
	int seen = 0;

	for (int i = 0; i < d->nchanges; i++) {
		if (d->changes[i].var != var || d->changes[i].time_ps > time_ps)
			continue;
		value = d->changes[i].value;
		seen = 1;
	}
	ck_assert_msg(seen, "variable %s has no value at %" PRIu64, d->vars[var].name, time_ps);
	return value;
}

/* Number of non-$dumpvars changes of @var. */
static int pv_count_changes(const struct pv_doc *d, int var)
{
	int n = 0;

	for (int i = 0; i < d->nchanges; i++)
		n += d->changes[i].var == var && !d->changes[i].dumpvars;
	return n;
}

/* ---- the scenario most tests share ---- */

struct ids {
	uint32_t clk, count, data, irq;
};

static void write_scenario(const char *path)
{
	struct sim_vcd v;
	struct ids id;

	ck_assert_int_eq(sim_vcd_open(&v, path), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "clk", 1, 0, &id.clk), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, "dev", "data", 8, 0x5a, &id.data), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "count", 64, 0, &id.count), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, "dev", "irq", 1, 1, &id.irq), SIM_OK);
	sim_vcd_change(&v, id.clk, 1000, 1);
	sim_vcd_change(&v, id.data, 1000, 0xa5);
	sim_vcd_change(&v, id.clk, 2000, 0);
	sim_vcd_change(&v, id.irq, 2000, 0);
	sim_vcd_change(&v, id.count, 2500, UINT64_MAX);
	sim_vcd_change(&v, id.data, 3000, 0);
	sim_vcd_change(&v, id.count, 3000, 2);
	ck_assert_int_eq(sim_vcd_close(&v, 10000), SIM_OK);
}

START_TEST(test_header_and_changes)
{
	char path[256];
	struct pv_doc d;
	int clk, data, count, irq;

	write_scenario(tmp_path(path, sizeof(path), "a.vcd"));
	pv_parse_file(path, &d);
	ck_assert_str_eq(d.version, "pcisim");
	ck_assert_str_eq(d.timescale, "1ps");
	/* Scopes in order of first declaration; NULL scope is "top". */
	ck_assert_int_eq(d.nscopes, 2);
	ck_assert_str_eq(d.scopes[0], "top");
	ck_assert_str_eq(d.scopes[1], "dev");
	ck_assert_int_eq(d.nvars, 4);
	clk = pv_var_by_name(&d, "top", "clk");
	count = pv_var_by_name(&d, "top", "count");
	data = pv_var_by_name(&d, "dev", "data");
	irq = pv_var_by_name(&d, "dev", "irq");
	ck_assert_uint_eq(d.vars[clk].width, 1);
	ck_assert_uint_eq(d.vars[count].width, 64);
	ck_assert_uint_eq(d.vars[data].width, 8);
	ck_assert_uint_eq(d.vars[irq].width, 1);
	ck_assert_str_eq(d.vars[clk].type, "wire");
	/* Initial values at 0, then the changes at their times. */
	ck_assert_uint_eq(pv_value_at(&d, clk, 0), 0);
	ck_assert_uint_eq(pv_value_at(&d, data, 0), 0x5a);
	ck_assert_uint_eq(pv_value_at(&d, count, 0), 0);
	ck_assert_uint_eq(pv_value_at(&d, irq, 0), 1);
	ck_assert_uint_eq(pv_value_at(&d, clk, 999), 0);
	ck_assert_uint_eq(pv_value_at(&d, clk, 1000), 1);
	ck_assert_uint_eq(pv_value_at(&d, data, 1000), 0xa5);
	ck_assert_uint_eq(pv_value_at(&d, clk, 2000), 0);
	ck_assert_uint_eq(pv_value_at(&d, irq, 1999), 1);
	ck_assert_uint_eq(pv_value_at(&d, irq, 2000), 0);
	ck_assert_uint_eq(pv_value_at(&d, count, 2499), 0);
	ck_assert_uint_eq(pv_value_at(&d, count, 2500), UINT64_MAX);
	ck_assert_uint_eq(pv_value_at(&d, count, 3000), 2);
	ck_assert_uint_eq(pv_value_at(&d, data, 3000), 0);
	ck_assert_int_eq(pv_count_changes(&d, clk), 2);
	ck_assert_int_eq(pv_count_changes(&d, data), 2);
	/* Times 0, 1000, 2000, 2500, 3000 and the end 10000, each once. */
	ck_assert_int_eq(d.ntimes, 6);
	ck_assert_uint_eq(d.last_time_ps, 10000);
	pv_free(&d);
}
END_TEST

/* The exact bytes of a small dump: scalar and vector forms, "b0" for zero,
 * no leading zeros, identifier codes from '!'. */
START_TEST(test_golden_bytes)
{
	static const char expected[] = "$version pcisim $end\n"
				       "$timescale 1ps $end\n"
				       "$scope module top $end\n"
				       "$var wire 1 ! clk $end\n"
				       "$upscope $end\n"
				       "$scope module dev $end\n"
				       "$var wire 4 \" nib $end\n"
				       "$upscope $end\n"
				       "$enddefinitions $end\n"
				       "#0\n"
				       "$dumpvars\n"
				       "0!\n"
				       "b0 \"\n"
				       "$end\n"
				       "#5\n"
				       "1!\n"
				       "b1010 \"\n"
				       "#7\n"
				       "b1 \"\n"
				       "#9\n";
	char path[256];
	struct sim_vcd v;
	uint32_t clk, nib;
	size_t len;
	char *text;

	ck_assert_int_eq(sim_vcd_open(&v, tmp_path(path, sizeof(path), "g.vcd")), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "clk", 1, 0, &clk), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, "dev", "nib", 4, 0, &nib), SIM_OK);
	sim_vcd_change(&v, clk, 5, 1);
	sim_vcd_change(&v, nib, 5, 0xa);
	sim_vcd_change(&v, nib, 7, 0x11); /* masked to 4 bits: 1 */
	ck_assert_int_eq(sim_vcd_close(&v, 9), SIM_OK);
	text = slurp_file(path, &len);
	ck_assert_str_eq(text, expected);
	ck_assert_uint_eq(len, sizeof(expected) - 1);
	free(text);
}
END_TEST

START_TEST(test_equal_values_skipped)
{
	char path[256];
	struct sim_vcd v;
	struct pv_doc d;
	uint32_t a, b;
	int va, vb;
	char *text;

	ck_assert_int_eq(sim_vcd_open(&v, tmp_path(path, sizeof(path), "eq.vcd")), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "a", 1, 1, &a), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "b", 16, 0x1234, &b), SIM_OK);
	sim_vcd_change(&v, a, 100, 1);          /* equals the initial value */
	sim_vcd_change(&v, b, 200, 0x1234);     /* equals the initial value */
	sim_vcd_change(&v, b, 300, 0xff1234);   /* equal once masked to 16 bits */
	sim_vcd_change(&v, a, 400, 0);
	sim_vcd_change(&v, a, 500, 0);          /* equals the last written */
	sim_vcd_change(&v, b, 600, 7);
	sim_vcd_change(&v, b, 600, 7);          /* same time, same value */
	ck_assert_int_eq(sim_vcd_close(&v, 600), SIM_OK); /* not after the last */
	pv_parse_file(path, &d);
	va = pv_var_by_name(&d, "top", "a");
	vb = pv_var_by_name(&d, "top", "b");
	ck_assert_int_eq(pv_count_changes(&d, va), 1);
	ck_assert_int_eq(pv_count_changes(&d, vb), 1);
	ck_assert_uint_eq(pv_value_at(&d, va, 399), 1);
	ck_assert_uint_eq(pv_value_at(&d, va, 400), 0);
	ck_assert_uint_eq(pv_value_at(&d, vb, 599), 0x1234);
	ck_assert_uint_eq(pv_value_at(&d, vb, 600), 7);
	/* Only times with changes are written: #0, #400, #600. */
	ck_assert_int_eq(d.ntimes, 3);
	ck_assert_uint_eq(d.last_time_ps, 600);
	text = slurp_file(path, NULL);
	ck_assert_ptr_null(strstr(text, "#100\n"));
	ck_assert_ptr_null(strstr(text, "#200\n"));
	ck_assert_ptr_null(strstr(text, "#300\n"));
	ck_assert_ptr_null(strstr(text, "#500\n"));
	free(text);
	pv_free(&d);
}
END_TEST

START_TEST(test_add_after_change_fails)
{
	char path[256];
	struct sim_vcd v;
	uint32_t a, b = 12345;
	struct pv_doc d;

	ck_assert_int_eq(sim_vcd_open(&v, tmp_path(path, sizeof(path), "late.vcd")), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "a", 1, 0, &a), SIM_OK);
	sim_vcd_change(&v, a, 10, 1);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "b", 1, 0, &b), SIM_ERR_STATE);
	ck_assert_uint_eq(b, 12345); /* untouched on failure */
	ck_assert_int_eq(sim_vcd_close(&v, 0), SIM_OK);
	/* Even a change that writes nothing ends the declarations. */
	ck_assert_int_eq(sim_vcd_open(&v, path), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "a", 1, 0, &a), SIM_OK);
	sim_vcd_change(&v, a, 10, 0);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "b", 1, 0, &b), SIM_ERR_STATE);
	ck_assert_int_eq(sim_vcd_close(&v, 0), SIM_OK);
	pv_parse_file(path, &d);
	ck_assert_int_eq(d.nvars, 1);
	pv_free(&d);
}
END_TEST

START_TEST(test_unwritable_path)
{
	char path[256];
	struct sim_vcd v;
	uint32_t a;

	tmp_path(path, sizeof(path), "no-such-dir/x.vcd");
	ck_assert_int_eq(sim_vcd_open(&v, path), SIM_ERR_IO);
	/* Left closed: adding fails, changes are ignored, close is safe. */
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "a", 1, 0, &a), SIM_ERR_STATE);
	sim_vcd_change(&v, 0, 10, 1);
	ck_assert_int_eq(sim_vcd_close(&v, 100), SIM_OK);
	ck_assert_int_eq(sim_vcd_close(&v, 100), SIM_OK);
	/* ... and may be opened again. */
	ck_assert_int_eq(sim_vcd_open(&v, tmp_path(path, sizeof(path), "again.vcd")), SIM_OK);
	ck_assert_int_eq(sim_vcd_close(&v, 0), SIM_OK);
	/* A directory is not a file either. */
	ck_assert_int_eq(sim_vcd_open(&v, tmp_dir()), SIM_ERR_IO);
}
END_TEST

START_TEST(test_write_error_reported)
{
	struct sim_vcd v;
	uint32_t a;

	/* /dev/full accepts the open and fails every write. */
	if (access("/dev/full", W_OK) != 0)
		return;
	ck_assert_int_eq(sim_vcd_open(&v, "/dev/full"), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "a", 1, 0, &a), SIM_OK);
	for (uint64_t t = 1; t < 20000; t++)
		sim_vcd_change(&v, a, t, t & 1);
	ck_assert_int_eq(sim_vcd_close(&v, 0), SIM_ERR_IO);
}
END_TEST

START_TEST(test_deterministic)
{
	char p1[256], p2[256];
	size_t n1, n2;
	char *a, *b;

	write_scenario(tmp_path(p1, sizeof(p1), "r1.vcd"));
	write_scenario(tmp_path(p2, sizeof(p2), "r2.vcd"));
	a = slurp_file(p1, &n1);
	b = slurp_file(p2, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_mem_eq(a, b, n1);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_bad_arguments)
{
	char path[256];
	struct sim_vcd v;
	uint32_t a;

	ck_assert_int_eq(sim_vcd_open(NULL, "x"), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_open(&v, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_open(&v, tmp_path(path, sizeof(path), "bad.vcd")), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(NULL, NULL, "a", 1, 0, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, NULL, 1, 0, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "", 1, 0, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "a b", 1, 0, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_add_var(&v, "my scope", "a", 1, 0, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_add_var(&v, "", "a", 1, 0, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "a", 0, 0, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "a", 65, 0, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "a", 1, 0, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "a", 1, 0, &a), SIM_OK);
	sim_vcd_change(NULL, a, 1, 1);
	sim_vcd_change(&v, a + 1, 1, 1); /* unknown id: ignored, remembered */
	sim_vcd_change(&v, UINT32_MAX, 1, 1);
	sim_vcd_change(&v, a, 2, 1);
	ck_assert_int_eq(sim_vcd_close(&v, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_vcd_close(&v, 0), SIM_OK);
	ck_assert_int_eq(sim_vcd_close(NULL, 0), SIM_OK);
}
END_TEST

START_TEST(test_time_going_back)
{
	char path[256], err_path[256];
	struct sim_vcd v;
	struct pv_doc d;
	uint32_t a, b;
	int va, vb, saved_stderr, nlines = 0;
	char *text;

	ck_assert_int_eq(sim_vcd_open(&v, tmp_path(path, sizeof(path), "back.vcd")), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "a", 1, 0, &a), SIM_OK);
	ck_assert_int_eq(sim_vcd_add_var(&v, NULL, "b", 2, 0, &b), SIM_OK);
	/* Catch stderr in a file to check the warning comes once. */
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_ptr_nonnull(freopen(tmp_path(err_path, sizeof(err_path), "back.err"), "w", stderr));
	sim_vcd_change(&v, a, 500, 1);
	sim_vcd_change(&v, b, 300, 3); /* too early: written at 500 */
	sim_vcd_change(&v, a, 100, 0); /* too early again (warned once) */
	sim_vcd_change(&v, b, 800, 1);
	fflush(stderr);
	ck_assert_int_eq(dup2(saved_stderr, STDERR_FILENO), STDERR_FILENO);
	close(saved_stderr);
	ck_assert_int_eq(sim_vcd_close(&v, 700), SIM_OK); /* before the last: ignored */
	text = slurp_file(err_path, NULL);
	ck_assert_ptr_nonnull(strstr(text, "300 ps"));
	for (const char *c = text; *c; c++)
		nlines += *c == '\n';
	ck_assert_int_eq(nlines, 1);
	free(text);
	pv_parse_file(path, &d);
	va = pv_var_by_name(&d, "top", "a");
	vb = pv_var_by_name(&d, "top", "b");
	ck_assert_uint_eq(pv_value_at(&d, vb, 499), 0);
	ck_assert_uint_eq(pv_value_at(&d, vb, 500), 3);
	ck_assert_uint_eq(pv_value_at(&d, va, 500), 0);
	ck_assert_uint_eq(pv_value_at(&d, vb, 800), 1);
	ck_assert_int_eq(d.ntimes, 3);
	ck_assert_uint_eq(d.last_time_ps, 800);
	pv_free(&d);
}
END_TEST

/* No variables, no changes: still a valid file spanning 0..end. */
START_TEST(test_empty)
{
	char path[256];
	struct sim_vcd v;
	struct pv_doc d;

	ck_assert_int_eq(sim_vcd_open(&v, tmp_path(path, sizeof(path), "empty.vcd")), SIM_OK);
	ck_assert_int_eq(sim_vcd_close(&v, 42), SIM_OK);
	pv_parse_file(path, &d);
	ck_assert_int_eq(d.nvars, 0);
	ck_assert_str_eq(d.timescale, "1ps");
	ck_assert_uint_eq(d.last_time_ps, 42);
	pv_free(&d);
}
END_TEST

/* Many variables: identifier codes grow to two and three characters (the
 * first three-character code is number 94 + 94 * 94) and stay unique; the
 * parser rejects duplicates and characters outside 33..126. */
START_TEST(test_many_identifiers)
{
	enum { N = 94 + 94 * 94 + 20 };
	char path[256], name[32];
	struct sim_vcd v;
	struct pv_doc d;
	uint32_t id;
	size_t max_code = 0;

	ck_assert_int_eq(sim_vcd_open(&v, tmp_path(path, sizeof(path), "many.vcd")), SIM_OK);
	for (uint32_t i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "v%" PRIu32, i);
		ck_assert_int_eq(sim_vcd_add_var(&v, i % 2 ? "odd" : NULL, name, i % 3 ? 1 : 12,
						 i & 1, &id),
				 SIM_OK);
		ck_assert_uint_eq(id, i);
	}
	for (uint32_t i = 0; i < N; i++)
		sim_vcd_change(&v, i, 10 + i / 100, ~(uint64_t)i);
	ck_assert_int_eq(sim_vcd_close(&v, 0), SIM_OK);
	pv_parse_file(path, &d);
	ck_assert_int_eq(d.nvars, N);
	ck_assert_int_eq(d.nscopes, 2);
	for (int i = 0; i < d.nvars; i++)
		if (strlen(d.vars[i].code) > max_code)
			max_code = strlen(d.vars[i].code);
	ck_assert_uint_eq(max_code, 3);
	for (uint32_t i = 0; i < N; i += 97) {
		snprintf(name, sizeof(name), "v%" PRIu32, i);
		int var = pv_var_by_name(&d, i % 2 ? "odd" : "top", name);
		uint64_t mask = i % 3 ? 1u : 0xfffu;

		ck_assert_uint_eq(pv_value_at(&d, var, 0), i & 1);
		ck_assert_uint_eq(pv_value_at(&d, var, 10 + i / 100), ~(uint64_t)i & mask);
	}
	pv_free(&d);
}
END_TEST

/* The reader the other tests rely on must reject broken dumps. */
START_TEST(test_reader_is_strict)
{
	static const char head[] = "$timescale 1ps $end $scope module m $end "
				   "$var wire 1 ! a $end $var wire 4 \" b $end $upscope $end "
				   "$enddefinitions $end ";
	static const char *const bad[] = {
		"#0 #0",              /* time not increasing */
		"#5 #3",              /* time going back */
		"1!",                 /* change before any time */
		"#0 1#",              /* undeclared code */
		"#0 b10000 \"",       /* wider than 4 bits */
		"#0 b0010 \"",        /* leading zeros */
		"#0 b1 !",            /* vector form for a scalar */
		"#0 1\"",             /* scalar form for a vector */
		"#0 $dumpvars 1!",    /* $dumpvars without $end */
		"#0 $end",            /* stray $end */
		"#x",                 /* bad time */
		"#0 b12 \"",          /* bad digit */
	};
	char text[512];
	struct pv_doc d;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", head, bad[i]);
		ck_assert_msg(pv_parse_text(text, &d) != 0, "accepted \"%s\"", bad[i]);
		pv_free(&d);
	}
	ck_assert_int_ne(pv_parse_text("$var wire 1 ! a $end $enddefinitions $end", &d), 0);
	pv_free(&d);
	ck_assert_int_ne(pv_parse_text("$scope module m $end $enddefinitions $end", &d), 0);
	pv_free(&d);
	ck_assert_int_ne(pv_parse_text("$scope module m $end $var wire 1 ! a $end "
				       "$var wire 1 ! b $end $upscope $end $enddefinitions $end",
				       &d),
			 0);
	pv_free(&d);
	snprintf(text, sizeof(text), "%s#0 $dumpvars 0! b0 \" $end #7 1! b1010 \"", head);
	ck_assert_int_eq(pv_parse_text(text, &d), 0);
	ck_assert_int_eq(d.nchanges, 4);
	pv_free(&d);
}
END_TEST

static Suite *vcd_suite(void)
{
	Suite *s = suite_create("sim:vcd");
	TCase *tc = tcase_create("writer");

	tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_header_and_changes);
	tcase_add_test(tc, test_golden_bytes);
	tcase_add_test(tc, test_equal_values_skipped);
	tcase_add_test(tc, test_add_after_change_fails);
	tcase_add_test(tc, test_unwritable_path);
	tcase_add_test(tc, test_write_error_reported);
	tcase_add_test(tc, test_deterministic);
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(tc, test_time_going_back);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_many_identifiers);
	tcase_add_test(tc, test_reader_is_strict);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vcd_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
