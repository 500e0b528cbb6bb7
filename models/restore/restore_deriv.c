/* SPDX-License-Identifier: MIT
 * restore_deriv.c: the Omori likelihood's gradient and Hessian in the
 * log-parameters (beta, kappa, gamma, pi) = log (B, K, c, p), in closed
 * form, for the fit's Newton steps (restore_fit.c). Never prints.
 *
 * An event at age a adds log lambda(a), lambda = B + r, r = K x^-p,
 * x = a + c; its derivatives are those of lambda over lambda, less the
 * outer product of the first ones over lambda^2. The exposure subtracts
 * w Lambda(a) at each node of the histograms (expo_nodes), with
 *     Lambda = B a + K D,  D = integral of y^-p over [c, x]
 *            = c^q integral of (ln c + s)^k e^(q s) over [0, L] (k = 0),
 * q = 1 - p, L = ln(x / c). D's derivatives in p bring ln y down: with
 * G_k = integral of s^k e^(q s) over [0, L] = L^(k+1) g_k(q L) and
 * g_k(z) = integral of t^k e^(z t) over [0, 1],
 *     dD/dp = -(ln c D + c^q G_1),
 *     d2D/dp2 = ln^2 c D + 2 ln c c^q G_1 + c^q G_2;
 * in c: dD/dc = x^-p - c^-p, d2D/dc2 = p (c^-p / c - x^-p / x),
 * d2D/dc dp = ln c c^-p - ln x x^-p.
 *
 * The exponential alternative B + A e^(-k a) likewise in (log B, log A,
 * log k): with s = A e^(-k a), z = k a and phi = (1 - e^-z) / z, its
 * Lambda = B a + A a phi has d/dlog k = A a (e^-z - phi) and second
 * derivative A a (phi - e^-z (1 + z)). */
#include "models/restore/restore_internal.h"

#include <math.h>

#include "optimizer/base/util.h"

#define SERIES_Z 1.0   /* g_k by its series below |z|, else recurrence */
#define SERIES_TERMS 24

/* g_0, g_1, g_2 at z (see the top of the file). Near 0 the series
 * sum z^m / (m! (m + k + 1)); beyond, g_0 = expm1(z) / z and
 * g_k = (e^z - k g_(k-1)) / z, which loses at most two digits there. */
static void g_funcs(double z, double g[3])
{
	if (fabs(z) < SERIES_Z) {
		double term = 1;
		g[0] = g[1] = g[2] = 0;
		for (int m = 0; m < SERIES_TERMS; m++) {
			g[0] += term / (m + 1);
			g[1] += term / (m + 2);
			g[2] += term / (m + 3);
			term *= z / (m + 1);
		}
		return;
	}
	g[0] = expm1(z) / z;
	g[1] = (exp(z) - g[0]) / z;
	g[2] = (exp(z) - 2 * g[1]) / z;
}

/* H += k v v' (the upper triangle). Takes the whole struct: given H as
 * an array parameter, GCC at -O1 reads it as one row and refuses. */
static void add_outer(struct nll_deriv *out, const double v[NPAR], double k)
{
	for (int i = 0; i < NPAR; i++)
		for (int j = i; j < NPAR; j++)
			out->H[i][j] += k * v[i] * v[j];
}

/* H's lower triangle from its upper. */
static void mirror(struct nll_deriv *out)
{
	for (int i = 0; i < NPAR; i++)
		for (int j = 0; j < i; j++)
			out->H[i][j] = out->H[j][i];
}

/* An event's terms, as event_add adds them: log lambda, then for each
 * i the gradient's d1_i / lambda and for each j >= i the Hessian's
 * d2_ij / lambda and d1_i d1_j / lambda^2. */
#define EV_TERMS (1 + NPAR + NPAR * (NPAR + 1))

/* One event's terms at age a into t (EV_TERMS of them). */
static void event_vals(const struct hazard *h, double a, double *t)
{
	double x = a + h->c, lx = log(x), r = h->K * exp(-h->p * lx);
	double lam = h->B + r, d1[NPAR], d2[NPAR][NPAR] = { { 0 } };
	double k;

	d1[PAR_B] = h->B;
	d1[PAR_K] = r;
	d1[PAR_C] = -h->p * r * h->c / x;
	d1[PAR_P] = -h->p * r * lx;
	d2[PAR_B][PAR_B] = h->B;
	d2[PAR_K][PAR_K] = r;
	d2[PAR_K][PAR_C] = d1[PAR_C];
	d2[PAR_K][PAR_P] = d1[PAR_P];
	d2[PAR_C][PAR_C] = -d1[PAR_C] * (h->p * h->c - a) / x;
	d2[PAR_C][PAR_P] = d1[PAR_C] * (1 - h->p * lx);
	d2[PAR_P][PAR_P] = d1[PAR_P] * (1 - h->p * lx);
	k = 1 / (lam * lam);
	*t++ = log(lam);
	for (int i = 0; i < NPAR; i++) {
		*t++ = d1[i] / lam;
		for (int j = i; j < NPAR; j++) {
			*t++ = d2[i][j] / lam;
			*t++ = k * d1[i] * d1[j];
		}
	}
}

/* One event: out += the derivatives of log lambda(a), its terms t (the
 * outer product of the first derivatives after the second ones). */
static void event_add(struct nll_deriv *out, const double *t)
{
	out->f -= *t++;
	for (int i = 0; i < NPAR; i++) {
		out->g[i] -= *t++;
		for (int j = i; j < NPAR; j++, t += 2)
			out->H[i][j] -= t[0];
	}
	t -= EV_TERMS - 1;
	for (int i = 0; i < NPAR; i++) {
		t++;
		for (int j = i; j < NPAR; j++, t += 2)
			out->H[i][j] += t[1];
	}
}

/* restore_data_split's job: the events' terms from lo to hi. */
struct event_job {
	const struct restore_data *d;
	const struct hazard *h;
	double *t;
};

static void event_job(void *arg, size_t lo, size_t hi)
{
	const struct event_job *j = arg;

	for (size_t i = lo; i < hi; i++)
		event_vals(j->h, j->d->ev[i].age, j->t + i * EV_TERMS);
}

/* Constants of the exposure's terms at one shape. */
struct shape {
	double lc, cq, cp; /* ln c, c^q, c^-p */
};

/* One node: out += w times the derivatives of Lambda(a). */
static void node_terms(const struct hazard *h, const struct shape *s,
		       double a, double w, struct nll_deriv *out)
{
	double c = h->c, p = h->p, K = h->K, x, lx, L, xp, g[3];
	double D, G1, G2, dDdc, dDdp, dDcc, dDcp, dDpp, v[NPAR][NPAR];

	if (!(a > 0))
		return;
	x = a + c;
	lx = log(x);
	L = log1p(a / c);
	xp = exp(-p * lx);
	g_funcs((1 - p) * L, g);
	D = s->cq * L * g[0];
	G1 = L * L * g[1];
	G2 = L * L * L * g[2];
	dDdc = xp - s->cp;
	dDcc = p * (s->cp / c - xp / x);
	dDcp = s->lc * s->cp - lx * xp;
	dDdp = -(s->lc * D + s->cq * G1);
	dDpp = s->lc * s->lc * D + 2 * s->lc * s->cq * G1 + s->cq * G2;
	v[PAR_B][PAR_B] = h->B * a;
	v[PAR_B][PAR_K] = v[PAR_B][PAR_C] = v[PAR_B][PAR_P] = 0;
	v[PAR_K][PAR_K] = K * D;
	v[PAR_K][PAR_C] = K * c * dDdc;
	v[PAR_K][PAR_P] = K * p * dDdp;
	v[PAR_C][PAR_C] = K * (c * dDdc + c * c * dDcc);
	v[PAR_C][PAR_P] = K * c * p * dDcp;
	v[PAR_P][PAR_P] = K * (p * dDdp + p * p * dDpp);
	out->f += w * (h->B * a + K * D);
	out->g[PAR_B] += w * v[PAR_B][PAR_B];
	out->g[PAR_K] += w * v[PAR_K][PAR_K];
	out->g[PAR_C] += w * v[PAR_K][PAR_C];
	out->g[PAR_P] += w * v[PAR_K][PAR_P];
	for (int i = 0; i < NPAR; i++)
		for (int j = i; j < NPAR; j++)
			out->H[i][j] += w * v[i][j];
}

void omori_deriv(const struct restore_data *d, const struct hazard *h,
		 struct nll_deriv *out)
{
	double *age = xmalloc(4 * d->nbins * sizeof(*age));
	double *w = age + 2 * d->nbins;
	size_t n = expo_nodes(d, &d->pooled, age, w);
	struct shape s = { log(h->c), pow(h->c, 1 - h->p), pow(h->c, -h->p) };

	struct event_job job = { d, h,
				 restore_data_scratch(d, d->nev * EV_TERMS) };

	memset(out, 0, sizeof(*out));
	restore_data_split(d, d->nev, event_job, &job);
	for (size_t j = 0; j < d->nev; j++)
		event_add(out, job.t + j * EV_TERMS);
	for (size_t i = 0; i < n; i++)
		node_terms(h, &s, age[i], w[i], out);
	mirror(out);
	free(age);
}

static void exp_event(const double x[3], double a, struct nll_deriv *out)
{
	double s = x[1] * exp(-x[2] * a), lam = x[0] + s;
	double d1[NPAR] = { x[0], s, -x[2] * a * s, 0 };

	out->f -= log(lam);
	for (int i = 0; i < 3; i++)
		out->g[i] -= d1[i] / lam;
	out->H[0][0] -= x[0] / lam;
	out->H[1][1] -= s / lam;
	out->H[1][2] -= d1[2] / lam;
	out->H[2][2] -= d1[2] * (1 - x[2] * a) / lam;
	add_outer(out, d1, 1 / (lam * lam));
}

static void exp_node(const double x[3], double a, double w,
		     struct nll_deriv *out)
{
	double z = x[2] * a, ez = exp(-z);
	double phi = z < 1e-8 ? 1 - z / 2 : -expm1(-z) / z;
	double lb = x[0] * a, la = x[1] * a * phi, lk = x[1] * a * (ez - phi);

	out->f += w * (lb + la);
	out->g[0] += w * lb;
	out->g[1] += w * la;
	out->g[2] += w * lk;
	out->H[0][0] += w * lb;
	out->H[1][1] += w * la;
	out->H[1][2] += w * lk;
	out->H[2][2] += w * x[1] * a * (phi - ez * (1 + z));
}

void exp_deriv(const struct restore_data *d, const double x[3],
	       struct nll_deriv *out)
{
	double *age = xmalloc(4 * d->nbins * sizeof(*age));
	double *w = age + 2 * d->nbins;
	size_t n = expo_nodes(d, &d->pooled, age, w);

	memset(out, 0, sizeof(*out));
	for (size_t j = 0; j < d->nev; j++)
		exp_event(x, d->ev[j].age, out);
	for (size_t i = 0; i < n; i++)
		exp_node(x, age[i], w[i], out);
	mirror(out);
	free(age);
}
