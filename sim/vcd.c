/*
 * sim/vcd.c - the Value Change Dump writer declared in sim/vcd.h.
 *
 * The file layout follows IEEE 1364-2005 section 18.2 (four-state VCD,
 * two states used): a header of $version, $timescale, one $scope block per
 * module with its $var declarations, $enddefinitions, then "#0" and a
 * $dumpvars block with every initial value, then simulation times ("#t")
 * each followed by the changes at that time. Nothing depends on the host
 * (no $date, no pointers), so equal calls give equal bytes. Libc only.
 */
#include "sim/vcd.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"

/* Identifier codes are written in bijective base 94 over '!'..'~' (IEEE
 * 1364-2005 18.2.1, "identifier_code"); 5 characters cover 2^32 ids. */
#define VCD_CODE_FIRST 33
#define VCD_CODE_RADIX 94
#define VCD_CODE_MAX 5

/** struct sim_vcd_var - one declared variable (private to this file). */
struct sim_vcd_var {
	char *scope; /* owned; "top" when declared without a scope */
	char *name;  /* owned */
	uint64_t mask;  /* the low width_bits bits set */
	uint64_t value; /* the value last written (initially the initial one) */
	unsigned width_bits;
	unsigned code_len;
	char code[VCD_CODE_MAX + 1];
};

static void vcd_fail(struct sim_vcd *v, int err)
{
	sim_outfile_fail(&v->out, err);
}

static void vcd_write(struct sim_vcd *v, const char *buf, size_t len)
{
	sim_outfile_write(&v->out, buf, len);
}

static void vcd_puts(struct sim_vcd *v, const char *s)
{
	vcd_write(v, s, strlen(s));
}

/* Format @x in decimal into the bytes just before @end; returns the first digit. */
static char *vcd_u64_dec(uint64_t x, char *end)
{
	char *p = end;

	do {
		*--p = (char)('0' + x % 10u);
		x /= 10u;
	} while (x != 0);
	return p;
}

static void vcd_write_time(struct sim_vcd *v, sim_time_t t_ps)
{
	char buf[24]; /* '#', 20 digits, '\n' */
	char *end = buf + sizeof(buf) - 1;
	char *p;

	*end = '\n';
	p = vcd_u64_dec(t_ps, end);
	*--p = '#';
	vcd_write(v, p, (size_t)(end + 1 - p));
	v->last_time_ps = t_ps;
	v->time_written = 1;
}

/* Write one value in the form of 18.2.1 "value_change": "0!" for a scalar,
 * "b1010 !" for a vector (binary without leading zeros, "b0" for zero). */
static void vcd_write_value(struct sim_vcd *v, const struct sim_vcd_var *var, uint64_t value)
{
	char buf[1 + 64 + 1 + VCD_CODE_MAX + 1];
	size_t n = 0;

	if (var->width_bits == 1) {
		buf[n++] = (char)('0' + (value & 1u));
	} else {
		int bit = 63;

		buf[n++] = 'b';
		while (bit > 0 && !(value >> bit & 1u))
			bit--;
		for (; bit >= 0; bit--)
			buf[n++] = (char)('0' + (value >> bit & 1u));
		buf[n++] = ' ';
	}
	memcpy(buf + n, var->code, var->code_len);
	n += var->code_len;
	buf[n++] = '\n';
	vcd_write(v, buf, n);
}

static void vcd_write_header(struct sim_vcd *v)
{
	char num[24];
	uint32_t i, j;

	v->header_done = 1;
	vcd_puts(v, "$version pcisim $end\n$timescale 1ps $end\n");
	/* One $scope block per scope name, in order of first declaration; each
	 * block lists its variables in declaration order. */
	for (i = 0; i < v->nvars; i++) {
		const char *scope = v->vars[i].scope;
		int seen = 0;

		for (j = 0; j < i && !seen; j++)
			seen = strcmp(v->vars[j].scope, scope) == 0;
		if (seen)
			continue;
		vcd_puts(v, "$scope module ");
		vcd_puts(v, scope);
		vcd_puts(v, " $end\n");
		for (j = i; j < v->nvars; j++) {
			const struct sim_vcd_var *var = &v->vars[j];

			if (strcmp(var->scope, scope) != 0)
				continue;
			num[sizeof(num) - 1] = '\0';
			vcd_puts(v, "$var wire ");
			vcd_puts(v, vcd_u64_dec(var->width_bits, num + sizeof(num) - 1));
			vcd_puts(v, " ");
			vcd_puts(v, var->code);
			vcd_puts(v, " ");
			vcd_puts(v, var->name);
			vcd_puts(v, " $end\n");
		}
		vcd_puts(v, "$upscope $end\n");
	}
	vcd_puts(v, "$enddefinitions $end\n");
	vcd_write_time(v, 0);
	vcd_puts(v, "$dumpvars\n");
	for (i = 0; i < v->nvars; i++)
		vcd_write_value(v, &v->vars[i], v->vars[i].value);
	vcd_puts(v, "$end\n");
}

int sim_vcd_open(struct sim_vcd *v, const char *path)
{
	if (!v || !path)
		return SIM_ERR_INVALID;
	memset(v, 0, sizeof(*v));
	return sim_outfile_open(&v->out, path);
}

/* A name or scope is one VCD token: non-empty, printable, no white space. */
static int vcd_valid_token(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == 0x7f)
			return 0;
	}
	return 1;
}

static char *vcd_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *d = malloc(len);

	if (d)
		memcpy(d, s, len);
	return d;
}

int sim_vcd_add_var(struct sim_vcd *v, const char *scope, const char *name, unsigned width_bits,
		    uint64_t initial, uint32_t *id_out)
{
	struct sim_vcd_var *var;
	uint32_t idx, n;

	if (!v || !id_out || !vcd_valid_token(name) || (scope && !vcd_valid_token(scope)) ||
	    width_bits < 1 || width_bits > 64)
		return SIM_ERR_INVALID;
	if (!sim_outfile_is_open(&v->out) || v->header_done)
		return SIM_ERR_STATE;
	if (v->nvars == v->capvars) {
		uint32_t cap = v->capvars ? v->capvars * 2u : 16u;
		struct sim_vcd_var *vars;

		if (v->capvars > UINT32_MAX / 2u ||
		    (size_t)cap * sizeof(*vars) / sizeof(*vars) != cap)
			return SIM_ERR_NOMEM;
		vars = realloc(v->vars, (size_t)cap * sizeof(*vars));
		if (!vars)
			return SIM_ERR_NOMEM;
		v->vars = vars;
		v->capvars = cap;
	}
	idx = v->nvars;
	var = &v->vars[idx];
	memset(var, 0, sizeof(*var));
	var->scope = vcd_strdup(scope ? scope : "top");
	var->name = vcd_strdup(name);
	if (!var->scope || !var->name) {
		free(var->scope);
		free(var->name);
		return SIM_ERR_NOMEM;
	}
	var->width_bits = width_bits;
	var->mask = width_bits == 64 ? UINT64_MAX : (UINT64_C(1) << width_bits) - 1u;
	var->value = initial & var->mask;
	/* Bijective base 94: '!'..'~', then '!!', '"!', ...; least significant
	 * digit first, which keeps codes unique and short. */
	n = idx;
	for (;;) {
		var->code[var->code_len++] = (char)(VCD_CODE_FIRST + n % VCD_CODE_RADIX);
		if (n < VCD_CODE_RADIX)
			break;
		n = n / VCD_CODE_RADIX - 1u;
	}
	var->code[var->code_len] = '\0';
	v->nvars++;
	*id_out = idx;
	return SIM_OK;
}

void sim_vcd_change(struct sim_vcd *v, uint32_t id, sim_time_t t_ps, uint64_t value)
{
	struct sim_vcd_var *var;

	if (!v || !sim_outfile_is_open(&v->out))
		return;
	if (id >= v->nvars) {
		vcd_fail(v, SIM_ERR_INVALID);
		return;
	}
	if (!v->header_done)
		vcd_write_header(v);
	if (t_ps < v->last_time_ps) {
		if (!v->warned_time) {
			v->warned_time = 1;
			fprintf(stderr,
				"pcisim: vcd: time went back from %" PRIu64 " ps to %" PRIu64
				" ps; such changes are written at the later time\n",
				v->last_time_ps, t_ps);
		}
		t_ps = v->last_time_ps;
	}
	var = &v->vars[id];
	value &= var->mask;
	if (value == var->value)
		return;
	if (!v->time_written || t_ps != v->last_time_ps)
		vcd_write_time(v, t_ps);
	vcd_write_value(v, var, value);
	var->value = value;
}

int sim_vcd_close(struct sim_vcd *v, sim_time_t end_ps)
{
	uint32_t i;
	int err;

	if (!v || !sim_outfile_is_open(&v->out))
		return SIM_OK;
	if (!v->header_done)
		vcd_write_header(v);
	if (end_ps > v->last_time_ps)
		vcd_write_time(v, end_ps);
	err = sim_outfile_close(&v->out);
	for (i = 0; i < v->nvars; i++) {
		free(v->vars[i].scope);
		free(v->vars[i].name);
	}
	free(v->vars);
	/* Leave the struct closed: a second close is a no-op. */
	memset(v, 0, sizeof(*v));
	return err;
}
