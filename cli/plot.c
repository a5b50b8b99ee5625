/*
 * cli/plot.c - throughput against size as SVG (cli/plot.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/plot.h"

#define W 720.0
#define H 440.0
#define L 70.0   /* plot area: left, right, top, bottom margins */
#define R 170.0
#define T 40.0
#define B 60.0

struct axes {
	double x0, x1; /* log2 of the smallest and largest size */
	double ymax;   /* Gb/s at the top */
};

static double px(const struct axes *a, double size)
{
	double f = a->x1 > a->x0 ? (log2(size) - a->x0) / (a->x1 - a->x0) : 0.5;

	return L + f * (W - L - R);
}

static double py(const struct axes *a, double gbps)
{
	return H - B - gbps / a->ymax * (H - T - B);
}

static void size_label(char *buf, size_t len, double size)
{
	if (size >= 1048576 && fmod(size, 1048576) == 0)
		snprintf(buf, len, "%gM", size / 1048576);
	else if (size >= 1024 && fmod(size, 1024) == 0)
		snprintf(buf, len, "%gK", size / 1024);
	else
		snprintf(buf, len, "%g", size);
}

/* One series: the rows of @dir, achieved or bound. */
static void series(FILE *f, const struct axes *a, const struct wl_result *r, enum scen_dir dir,
		   bool bound, const char *color)
{
	bool first = true;

	fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"", color,
		bound ? "1.5" : "2.5", bound ? " stroke-dasharray=\"6 4\"" : "");
	for (unsigned i = 0; i < r->n_rows; i++) {
		const struct wl_row *w = &r->rows[i];

		if (w->dir != dir)
			continue;
		fprintf(f, "%s%.1f,%.1f", first ? "" : " ", px(a, (double)w->size),
			py(a, bound ? w->bound_gbps : w->gbps));
		first = false;
	}
	fputs("\"/>\n", f);
	for (unsigned i = 0; i < r->n_rows && !bound; i++)
		if (r->rows[i].dir == dir)
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
				px(a, (double)r->rows[i].size), py(a, r->rows[i].gbps), color);
}

static void escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

int plot_throughput_svg(const char *path, const char *title, const struct wl_result *r)
{
	static const struct { enum scen_dir dir; const char *name, *color; } dirs[] = {
		{ SCEN_DIR_WRITE, "write (device to host)", "#1f77b4" },
		{ SCEN_DIR_READ, "read (host to device)", "#d62728" },
	};
	struct axes a = { .x0 = 1e9, .x1 = -1, .ymax = 1 };
	double step;
	FILE *f;
	int legend = 0;

	for (unsigned i = 0; i < r->n_rows; i++) {
		double lx = log2((double)r->rows[i].size);

		a.x0 = lx < a.x0 ? lx : a.x0;
		a.x1 = lx > a.x1 ? lx : a.x1;
		if (r->rows[i].bound_gbps > a.ymax)
			a.ymax = r->rows[i].bound_gbps;
		if (r->rows[i].gbps > a.ymax)
			a.ymax = r->rows[i].gbps;
	}
	if (r->n_rows == 0)
		a.x0 = a.x1 = 12;
	step = pow(10, floor(log10(a.ymax / 2)));
	if (a.ymax / step > 8)
		step *= 2;
	a.ymax = ceil(a.ymax * 1.05 / step) * step;

	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
		   "height=\"%.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
		   "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		W, H);
	fputs("<text x=\"70\" y=\"24\" font-size=\"15\">", f);
	escape(f, title);
	fputs("</text>\n", f);
	/* grid and y labels */
	for (double y = 0; y <= a.ymax + 1e-9; y += step) {
		fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			L, py(&a, y), W - R, py(&a, y));
		fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", L - 6,
			py(&a, y) + 4, y);
	}
	/* x ticks at the sizes measured */
	for (unsigned i = 0; i < r->n_rows; i++) {
		char lbl[24];
		bool seen = false;

		for (unsigned j = 0; j < i; j++)
			seen = seen || r->rows[j].size == r->rows[i].size;
		if (seen)
			continue;
		size_label(lbl, sizeof(lbl), (double)r->rows[i].size);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ddd\"/>\n",
			px(&a, (double)r->rows[i].size), T, px(&a, (double)r->rows[i].size), H - B);
		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n",
			px(&a, (double)r->rows[i].size), H - B + 18, lbl);
	}
	fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
		   "stroke=\"#444\"/>\n",
		L, T, W - L - R, H - T - B);
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">transfer size (bytes, log "
		   "scale)</text>\n",
		(L + W - R) / 2, H - 18);
	fprintf(f, "<text x=\"18\" y=\"%.0f\" text-anchor=\"middle\" transform=\"rotate(-90 18 "
		   "%.0f)\">payload Gb/s</text>\n",
		(T + H - B) / 2, (T + H - B) / 2);
	for (unsigned d = 0; d < 2; d++) {
		bool any = false;

		for (unsigned i = 0; i < r->n_rows; i++)
			any = any || r->rows[i].dir == dirs[d].dir;
		if (!any)
			continue;
		series(f, &a, r, dirs[d].dir, true, dirs[d].color);
		series(f, &a, r, dirs[d].dir, false, dirs[d].color);
		fprintf(f, "<line x1=\"%.0f\" y1=\"%d\" x2=\"%.0f\" y2=\"%d\" stroke=\"%s\" "
			   "stroke-width=\"2.5\"/>\n"
			   "<text x=\"%.0f\" y=\"%d\">%s</text>\n"
			   "<line x1=\"%.0f\" y1=\"%d\" x2=\"%.0f\" y2=\"%d\" stroke=\"%s\" "
			   "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n"
			   "<text x=\"%.0f\" y=\"%d\">link bound</text>\n",
			W - R + 10, 60 + legend * 44, W - R + 30, 60 + legend * 44, dirs[d].color,
			W - R + 34, 64 + legend * 44, dirs[d].name,
			W - R + 10, 78 + legend * 44, W - R + 30, 78 + legend * 44, dirs[d].color,
			W - R + 34, 82 + legend * 44);
		legend++;
	}
	fputs("</svg>\n", f);
	return fclose(f) ? -1 : 0;
}
