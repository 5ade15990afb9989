// SPDX-License-Identifier: GPL-2.0
/*
 * Wire scripts: the fake peer of wire_peer.h driven by small text files,
 * selftests/wire_scripts/NAME.wire, one test each.  Every script runs three
 * times in the same VM run: on Linux TCP (protocol 6, the oracle), on
 * XTCP, and on XTCP sending super-segments that GSO cuts before the tun.
 * A script Linux fails is a wrong script.
 *
 * The format (docs/testing.md has it whole), a line an event:
 *
 *   TIME  < SEGMENT          the peer sends a segment
 *   TIME  > SEGMENT          the stack under test must send this one
 *   TIME  CALL ARGS [= RES]  a socket call on the stack's side
 *
 * TIME is seconds, "+0.2" after the previous event or "0.2" from the
 * start, or "*" (an outbound segment at any time within 3 s).  An
 * outbound segment must come within the timer tolerance of wire_peer.h
 * (no earlier than 0.8 of its delay less 20 ms, no later than 1.5 of it
 * plus 300 ms, QEMU's timers being late), and the previous event's real
 * time is the reference; anything the stack sends while the script waits
 * for an inbound segment or a call fails the script.
 *
 * SEGMENT is "FLAGS START:END(LEN) [ack N] [win N] [<OPTIONS>] [ip ECN]"
 * as tcpdump and packetdrill print it: FLAGS of S F R P E W (SYN FIN RST
 * PSH ECE CWR) and "." for ACK; sequence numbers relative to each side's
 * initial one; OPTIONS "mss N, sackOK, TS val N ecr N, nop, wscale N,
 * sack A:B ..., FO [HEX], md5 HEX, eol" (FO: Fast Open, a cookie request
 * or the cookie's bytes, as packetdrill writes it; md5: an RFC 2385
 * signature's 16 bytes); ECN one of noect, ect0, ect1, ce.  Outbound,
 * "*" matches any number ("FO *" any cookie, not a request, "md5 *" any
 * signature), "<...>" any options, no "<...>" at all no options,
 * a missing "win" or "ip" any value.  Inbound, "ecr *" echoes the TSval
 * the stack sent last.  Payload bytes are a function of the stream
 * offset, so data is checked byte for byte both ways.
 */
#include <ctype.h>
#include <linux/sockios.h>

#include "wire_peer.h"

#define MAX_EVENTS	256
#define MAX_OPTS	12
#define ANY		0x80000000U	/* a "*" in a number's place */
#define ANY_TIME	(-1)

enum ev_kind { EV_IN, EV_OUT, EV_CALL };

struct opt_spec {
	uint8_t kind;		/* 0 eol, 1 nop, 2 mss, 3 wscale, 4 sackOK, 5 sack, 8 TS, 19 md5, 34 FO */
	uint8_t n;		/* values: mss/ws 1, TS 2, sack 2 per block, FO/md5 1 */
	uint32_t v[8];		/* each may be ANY (outbound) */
	uint8_t cookie[16];	/* FO and md5: v[0] bytes of it */
};

struct seg_spec {
	uint8_t flags;
	uint32_t start, end;	/* relative; start may be ANY */
	uint32_t ack;		/* relative, or ANY; only with ACK set */
	uint32_t win;		/* ANY: unchecked (out), PEER_WIN (in) */
	int nopt;		/* -1: "<...>", any options */
	struct opt_spec opt[MAX_OPTS];
	int ecn;		/* -1: unchecked (out), not-ECT (in) */
};

struct call_spec {
	char name[24];
	char arg[4][64];
	int nargs;
	bool has_res;
	long res;		/* the return value wanted */
	int err;		/* with res -1: the errno wanted */
	char op[3];		/* info: = != < <= > >= */
};

struct event {
	int line;
	enum ev_kind kind;
	bool rel;		/* "+T" */
	long ms;		/* or ANY_TIME */
	struct seg_spec seg;
	struct call_spec call;
};

struct script {
	const char *name;
	struct event ev[MAX_EVENTS];
	int n;
};

/* What the run knows of the connection beyond struct wire. */
struct run {
	struct wire *w;
	const struct script *s;
	bool iss_known;
	uint32_t h_iss;		/* the stack's initial sequence number */
	uint32_t last_tsval;	/* the TSval it sent last */
	int cur;		/* the socket calls act on: listener or connection */
	uint64_t wr_off;	/* bytes the program wrote */
	uint64_t rd_off;	/* bytes it read */
	uint64_t t_prev;	/* real time of the previous event (ms) */
	long s_prev;		/* its script time (ms) */
};

/* ---- payload: a byte a stream offset, different each way ---- */

static uint8_t host_byte(uint64_t off)
{
	return 'a' + off % 23;
}

static uint8_t peer_byte(uint64_t off)
{
	return 'A' + off % 19;
}

/* ---- parsing ---- */

struct lex {
	const char *p;
	char err[160];
};

static void skip_ws(struct lex *l)
{
	while (*l->p == ' ' || *l->p == '\t')
		l->p++;
}

static bool lex_word(struct lex *l, const char *w)
{
	size_t n = strlen(w);

	skip_ws(l);
	if (strncmp(l->p, w, n))
		return false;
	l->p += n;
	return true;
}

/* A number, or "*" (ANY) if @any. */
static bool lex_num(struct lex *l, uint32_t *v, bool any)
{
	char *e;
	unsigned long x;

	skip_ws(l);
	if (*l->p == '*') {
		if (!any) {
			snprintf(l->err, sizeof(l->err),
				 "\"*\" only in outbound segments");
			return false;
		}
		l->p++;
		*v = ANY;
		return true;
	}
	if (!isdigit((unsigned char)*l->p)) {
		snprintf(l->err, sizeof(l->err), "number wanted at \"%.20s\"",
			 l->p);
		return false;
	}
	x = strtoul(l->p, &e, 0);
	l->p = e;
	*v = x;
	return true;
}

static bool parse_opts(struct lex *l, struct seg_spec *g, bool out)
{
	l->p++;			/* '<' */
	if (lex_word(l, "...>")) {
		if (!out) {
			snprintf(l->err, sizeof(l->err),
				 "<...> only in outbound segments");
			return false;
		}
		g->nopt = -1;
		return true;
	}
	g->nopt = 0;
	for (;;) {
		struct opt_spec *o = &g->opt[g->nopt];

		if (g->nopt == MAX_OPTS) {
			snprintf(l->err, sizeof(l->err), "too many options");
			return false;
		}
		memset(o, 0, sizeof(*o));
		if (lex_word(l, "nop")) {
			o->kind = 1;
		} else if (lex_word(l, "eol")) {
			o->kind = 0;
		} else if (lex_word(l, "mss")) {
			o->kind = 2;
			o->n = 1;
			if (!lex_num(l, &o->v[0], out))
				return false;
		} else if (lex_word(l, "wscale")) {
			o->kind = 3;
			o->n = 1;
			if (!lex_num(l, &o->v[0], out))
				return false;
		} else if (lex_word(l, "sackOK")) {
			o->kind = 4;
		} else if (lex_word(l, "sack")) {
			o->kind = 5;
			while (o->n < 8) {
				skip_ws(l);
				if (*l->p == ',' || *l->p == '>')
					break;
				if (!lex_num(l, &o->v[o->n], out) ||
				    !lex_word(l, ":") ||
				    !lex_num(l, &o->v[o->n + 1], out)) {
					snprintf(l->err, sizeof(l->err),
						 "sack wants START:END blocks");
					return false;
				}
				o->n += 2;
			}
		} else if (lex_word(l, "FO") || lex_word(l, "md5")) {
			o->kind = l->p[-1] == 'O' ? 34 : 19;
			o->n = 1;
			skip_ws(l);
			if (*l->p == '*' && out) {
				l->p++;
				o->v[0] = ANY;
			}
			while (isxdigit((unsigned char)l->p[0]) &&
			       isxdigit((unsigned char)l->p[1]) &&
			       o->v[0] < sizeof(o->cookie)) {
				char hex[3] = { l->p[0], l->p[1], 0 };

				o->cookie[o->v[0]++] = strtoul(hex, NULL, 16);
				l->p += 2;
			}
		} else if (lex_word(l, "TS")) {
			o->kind = 8;
			o->n = 2;
			if (!lex_word(l, "val") || !lex_num(l, &o->v[0], out) ||
			    !lex_word(l, "ecr")) {
				snprintf(l->err, sizeof(l->err),
					 "TS wants \"TS val N ecr N\"");
				return false;
			}
			/* Inbound "ecr *": the stack's last TSval. */
			if (!lex_num(l, &o->v[1], true))
				return false;
		} else {
			snprintf(l->err, sizeof(l->err),
				 "unknown option at \"%.20s\"", l->p);
			return false;
		}
		g->nopt++;
		skip_ws(l);
		if (*l->p == '>') {
			l->p++;
			return true;
		}
		if (*l->p != ',') {
			snprintf(l->err, sizeof(l->err),
				 "',' or '>' wanted at \"%.20s\"", l->p);
			return false;
		}
		l->p++;
	}
}

static bool parse_seg(struct lex *l, struct seg_spec *g, bool out)
{
	static const char fl[] = "FSRP.UEW";
	uint32_t len;

	memset(g, 0, sizeof(*g));
	g->win = out ? ANY : PEER_WIN;
	g->ecn = out ? -1 : IP_NOT_ECT;
	skip_ws(l);
	while (*l->p && *l->p != ' ' && *l->p != '\t') {
		const char *c = strchr(fl, *l->p);

		if (!c || *l->p == 'U') {
			snprintf(l->err, sizeof(l->err), "flag '%c'?", *l->p);
			return false;
		}
		g->flags |= 1 << (c - fl);
		l->p++;
	}
	if (!lex_num(l, &g->start, out) || !lex_word(l, ":") ||
	    !lex_num(l, &g->end, out) || !lex_word(l, "(") ||
	    !lex_num(l, &len, false) || !lex_word(l, ")")) {
		snprintf(l->err, sizeof(l->err), "START:END(LEN) wanted");
		return false;
	}
	if (g->start != ANY && g->end != ANY && g->end - g->start != len) {
		snprintf(l->err, sizeof(l->err), "%u:%u is not %u bytes",
			 g->start, g->end, len);
		return false;
	}
	if (g->start == ANY)
		g->end = len;	/* only the length is known */
	g->ack = ANY;
	for (;;) {
		skip_ws(l);
		if (!*l->p || *l->p == '#')
			break;
		if (lex_word(l, "ack")) {
			if (!lex_num(l, &g->ack, out))
				return false;
		} else if (lex_word(l, "win")) {
			if (!lex_num(l, &g->win, out))
				return false;
		} else if (*l->p == '<') {
			if (!parse_opts(l, g, out))
				return false;
		} else if (lex_word(l, "ip")) {
			if (lex_word(l, "noect"))
				g->ecn = IP_NOT_ECT;
			else if (lex_word(l, "ect0"))
				g->ecn = IP_ECT_0;
			else if (lex_word(l, "ect1"))
				g->ecn = 1;
			else if (lex_word(l, "ce"))
				g->ecn = IP_CE;
			else
				snprintf(l->err, sizeof(l->err), "ip ECN?");
			if (l->err[0])
				return false;
		} else {
			snprintf(l->err, sizeof(l->err), "what is \"%.20s\"?",
				 l->p);
			return false;
		}
	}
	if ((g->flags & TH_ACK) && g->ack == ANY && !out) {
		snprintf(l->err, sizeof(l->err), "inbound ACK without ack N");
		return false;
	}
	return true;
}

static const struct {
	const char *name;
	int err;
} errnos[] = {
	{ "EAGAIN", EAGAIN }, { "ECONNRESET", ECONNRESET },
	{ "ECONNREFUSED", ECONNREFUSED }, { "ETIMEDOUT", ETIMEDOUT },
	{ "EPIPE", EPIPE }, { "ENOTCONN", ENOTCONN }, { "EINVAL", EINVAL },
	{ "EINPROGRESS", EINPROGRESS }, { "EISCONN", EISCONN },
	{ "EALREADY", EALREADY }, { "ENOPROTOOPT", ENOPROTOOPT },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "EHOSTUNREACH", EHOSTUNREACH },
	{ "ENETUNREACH", ENETUNREACH }, { "ECONNABORTED", ECONNABORTED },
};

static int errno_of(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(errnos[i].name, s))
			return errnos[i].err;
	return 0;
}

static const char *errno_name(int e)
{
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].err == e)
			return errnos[i].name;
	return strerror(e);
}

static bool lex_token(struct lex *l, char *out, size_t len)
{
	size_t n = 0;

	skip_ws(l);
	while (*l->p && !isspace((unsigned char)*l->p) && *l->p != '#') {
		if (n + 1 < len)
			out[n++] = *l->p;
		l->p++;
	}
	out[n] = '\0';
	return n > 0;
}

static bool parse_call(struct lex *l, struct call_spec *c)
{
	char tok[64];

	memset(c, 0, sizeof(*c));
	lex_token(l, c->name, sizeof(c->name));
	for (;;) {
		skip_ws(l);
		if (!*l->p || *l->p == '#')
			return true;
		if (!lex_token(l, tok, sizeof(tok)))
			return true;
		if (!strcmp(tok, "=") || !strcmp(tok, "!=") ||
		    !strcmp(tok, "<") || !strcmp(tok, "<=") ||
		    !strcmp(tok, ">") || !strcmp(tok, ">=")) {
			strcpy(c->op, tok);
			break;
		}
		if (c->nargs == 4) {
			snprintf(l->err, sizeof(l->err), "too many arguments");
			return false;
		}
		strcpy(c->arg[c->nargs++], tok);
	}
	c->has_res = true;
	if (!lex_token(l, tok, sizeof(tok))) {
		snprintf(l->err, sizeof(l->err), "result wanted after %s",
			 c->op);
		return false;
	}
	if (isdigit((unsigned char)tok[0]) || tok[0] == '-') {
		c->res = strtol(tok, NULL, 0);
	} else {
		/* A name: an errno alone, or a state for "info state". */
		c->err = errno_of(tok);
		if (c->err) {
			c->res = -1;
		} else {
			c->res = -2;
			snprintf(c->arg[3], sizeof(c->arg[3]), "%s", tok);
		}
	}
	if (c->res == -1 && !c->err) {
		if (!lex_token(l, tok, sizeof(tok)) || !errno_of(tok)) {
			snprintf(l->err, sizeof(l->err),
				 "-1 wants an errno name after it");
			return false;
		}
		c->err = errno_of(tok);
	}
	return true;
}

static bool parse_time(struct lex *l, struct event *e)
{
	char *end;
	double t;

	skip_ws(l);
	if (*l->p == '*') {
		l->p++;
		e->ms = ANY_TIME;
		return true;
	}
	if (*l->p == '+') {
		e->rel = true;
		l->p++;
	}
	t = strtod(l->p, &end);
	if (end == l->p || t < 0) {
		snprintf(l->err, sizeof(l->err), "a time wanted");
		return false;
	}
	l->p = end;
	e->ms = (long)(t * 1000 + 0.5);
	return true;
}

/* Parse @text into @s: 0, or -1 with the reason in @why. */
static int parse_script(const char *text, struct script *s, char *why,
			size_t wlen)
{
	int line = 0;

	s->n = 0;
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char buf[512];
		struct lex l = { .p = buf };
		struct event *e;

		line++;
		if (len >= sizeof(buf)) {
			snprintf(why, wlen, "line %d: too long", line);
			return -1;
		}
		memcpy(buf, text, len);
		buf[len] = '\0';
		text += len + (nl ? 1 : 0);
		skip_ws(&l);
		if (!*l.p || *l.p == '#')
			continue;
		if (s->n == MAX_EVENTS) {
			snprintf(why, wlen, "line %d: too many events", line);
			return -1;
		}
		e = &s->ev[s->n];
		memset(e, 0, sizeof(*e));
		e->line = line;
		if (parse_time(&l, e)) {
			skip_ws(&l);
			if (*l.p == '<' || *l.p == '>') {
				e->kind = *l.p == '<' ? EV_IN : EV_OUT;
				l.p++;
				parse_seg(&l, &e->seg, e->kind == EV_OUT);
			} else {
				e->kind = EV_CALL;
				parse_call(&l, &e->call);
			}
			if (e->ms == ANY_TIME && e->kind != EV_OUT)
				snprintf(l.err, sizeof(l.err),
					 "\"*\" time only for outbound segments");
		}
		if (l.err[0]) {
			snprintf(why, wlen, "line %d: %s", line, l.err);
			return -1;
		}
		s->n++;
	}
	return 0;
}

/* ---- segments ---- */

static size_t encode_opts(struct run *r, const struct seg_spec *g,
			  uint8_t *o)
{
	size_t k = 0;
	int i, j;

	for (i = 0; i < g->nopt; i++) {
		const struct opt_spec *p = &g->opt[i];

		switch (p->kind) {
		case 0:
		case 1:
			o[k++] = p->kind;
			break;
		case 2:
			o[k++] = 2;
			o[k++] = 4;
			put16(o + k, p->v[0]);
			k += 2;
			break;
		case 3:
			o[k++] = 3;
			o[k++] = 3;
			o[k++] = p->v[0];
			break;
		case 4:
			o[k++] = 4;
			o[k++] = 2;
			break;
		case 5:
			o[k++] = 5;
			o[k++] = 2 + 4 * p->n;
			for (j = 0; j < p->n; j++, k += 4)
				put32(o + k, r->h_iss + p->v[j]);
			break;
		case 8:
			o[k++] = 8;
			o[k++] = 10;
			put32(o + k, p->v[0]);
			put32(o + k + 4, p->v[1] == ANY ? r->last_tsval :
				       p->v[1]);
			k += 8;
			break;
		case 19:
		case 34:
			o[k++] = p->kind;
			o[k++] = 2 + p->v[0];
			memcpy(o + k, p->cookie, p->v[0]);
			k += p->v[0];
			break;
		}
	}
	return k;
}

static void do_inbound(struct __test_metadata *_metadata, struct run *r,
		       const struct event *e)
{
	const struct seg_spec *g = &e->seg;
	struct wire *w = r->w;
	uint8_t opt[44], data[2048], b[4096];
	uint32_t len = g->end - g->start, i, off;
	uint32_t seq = PEER_ISS + g->start;
	size_t olen, n;

	ASSERT_GE(sizeof(data), len) TH_LOG("line %d: at most %zu bytes",
					    e->line, sizeof(data));
	olen = encode_opts(r, g, opt);
	ASSERT_GE(40U, olen) TH_LOG("line %d: options over 40 bytes",
				    e->line);
	/* Payload bytes: stream offset = relative seq - 1 (the SYN's). */
	off = g->start + ((g->flags & TH_SYN) ? 1 : 0) - 1;
	for (i = 0; i < len; i++)
		data[i] = peer_byte(off + i);
	w->tos = g->ecn;
	n = build(w, b, w->hport, g->flags, seq,
		  (g->flags & TH_ACK) ? r->h_iss + g->ack : 0, g->win, opt,
		  olen, data, len);
	ASSERT_OK(inject(w, b, n));
}

/* The segment @r in the script's terms: "S. 0:0(0) ack 1 win 65535 <...>". */
static const char *seg_script_str(struct run *run, const struct rx *r,
				  char *out, size_t len)
{
	static const char fl[] = "FSRP.UEW";
	size_t k = 0, i;
	uint32_t rs = r->s.seq - run->h_iss;

	for (i = 0; i < 8; i++)
		if (r->s.flags & (1 << i) && k + 1 < len)
			out[k++] = fl[i];
	k += snprintf(out + k, len - k, " %u:%u(%u)", rs,
		      rs + (uint32_t)r->s.plen, (uint32_t)r->s.plen);
	if (r->s.flags & TH_ACK)
		k += snprintf(out + k, len - k, " ack %u",
			      r->s.ack - PEER_ISS);
	k += snprintf(out + k, len - k, " win %u", r->s.win);
	if (r->olen && k + 8 < len) {
		k += snprintf(out + k, len - k, " <");
		for (i = 0; i < r->olen && k + 3 < len; i++)
			k += snprintf(out + k, len - k, "%02x", r->opt[i]);
		k += snprintf(out + k, len - k, ">");
	}
	if (rx_ecn(r))
		snprintf(out + k, len - k, " ip %s",
			 rx_ecn(r) == IP_CE ? "ce" : rx_ecn(r) == 2 ? "ect0" :
			 "ect1");
	return out;
}

/* The options the stack sent, as a list; trailing EOL padding dropped. */
static int rx_opts(const struct rx *r, struct opt_spec *o, int max)
{
	size_t i = 0;
	int n = 0, j;

	while (i < r->olen && n < max) {
		uint8_t kind = r->opt[i], l;

		memset(&o[n], 0, sizeof(o[n]));
		o[n].kind = kind;
		if (kind == 0) {
			size_t k;

			for (k = i; k < r->olen && !r->opt[k]; k++)
				;
			if (k == r->olen)
				break;	/* padding */
			n++;
			i++;
			continue;
		}
		if (kind == 1) {
			n++;
			i++;
			continue;
		}
		if (i + 1 >= r->olen)
			return -1;
		l = r->opt[i + 1];
		if (l < 2 || i + l > r->olen)
			return -1;
		switch (kind) {
		case 2:
			o[n].n = 1;
			o[n].v[0] = r->opt[i + 2] << 8 | r->opt[i + 3];
			break;
		case 3:
			o[n].n = 1;
			o[n].v[0] = r->opt[i + 2];
			break;
		case 5:
			for (j = 0; j < (l - 2) / 4 && j < 8; j++)
				o[n].v[j] = get32(r->opt + i + 2 + 4 * j);
			o[n].n = j;
			break;
		case 8:
			o[n].n = 2;
			o[n].v[0] = get32(r->opt + i + 2);
			o[n].v[1] = get32(r->opt + i + 6);
			break;
		case 19:
		case 34:
			o[n].n = 1;
			o[n].v[0] = l - 2;
			memcpy(o[n].cookie, r->opt + i + 2,
			       l - 2 < 16 ? l - 2 : 16);
			break;
		}
		n++;
		i += l;
	}
	return n;
}

static bool num_ok(uint32_t want, uint32_t got)
{
	return want == ANY || want == got;
}

/* Does @r match @g?  If not, why in @why. */
static bool seg_match(struct run *run, const struct seg_spec *g,
		      const struct rx *r, char *why, size_t wlen)
{
	struct opt_spec o[MAX_OPTS + 4];
	uint32_t rs = r->s.seq - run->h_iss, off, i;
	int n, k, j;

	if (r->ipcsum || r->csum) {
		snprintf(why, wlen, "bad checksum");
		return false;
	}
	if (r->s.dport != run->w->pport || r->s.sport != run->w->hport) {
		snprintf(why, wlen, "ports %u > %u", r->s.sport, r->s.dport);
		return false;
	}
	if (r->s.flags != g->flags) {
		snprintf(why, wlen, "flags differ");
		return false;
	}
	if (!num_ok(g->start, rs)) {
		snprintf(why, wlen, "seq differs");
		return false;
	}
	if (g->end - (g->start == ANY ? 0 : g->start) != r->s.plen) {
		snprintf(why, wlen, "length differs");
		return false;
	}
	if ((g->flags & TH_ACK) && !num_ok(g->ack, r->s.ack - PEER_ISS)) {
		snprintf(why, wlen, "ack differs");
		return false;
	}
	if (!num_ok(g->win, r->s.win)) {
		snprintf(why, wlen, "window differs");
		return false;
	}
	if (g->ecn >= 0 && g->ecn != rx_ecn(r)) {
		snprintf(why, wlen, "IP ECN field differs");
		return false;
	}
	if (r->urg) {
		snprintf(why, wlen, "urgent pointer set");
		return false;
	}
	off = rs + ((g->flags & TH_SYN) ? 1 : 0) - 1;
	for (i = 0; i < r->s.plen; i++)
		if (r->data[i] != host_byte(off + i)) {
			snprintf(why, wlen, "payload byte %u differs", i);
			return false;
		}
	if (g->nopt < 0)
		return true;
	n = rx_opts(r, o, MAX_OPTS + 4);
	if (n != g->nopt) {
		snprintf(why, wlen, "%d options, wanted %d", n, g->nopt);
		return false;
	}
	for (k = 0; k < n; k++) {
		const struct opt_spec *want = &g->opt[k];

		if (o[k].kind != want->kind || o[k].n != want->n) {
			snprintf(why, wlen, "option %d differs", k + 1);
			return false;
		}
		/* "FO *", "md5 *": a cookie or signature, whatever its bytes. */
		if ((want->kind == 34 || want->kind == 19) && want->v[0] == ANY) {
			if (!o[k].v[0]) {
				snprintf(why, wlen, "option %d: no cookie",
					 k + 1);
				return false;
			}
			continue;
		}
		if ((want->kind == 34 || want->kind == 19) &&
		    memcmp(o[k].cookie, want->cookie, o[k].v[0] < 16 ?
			   o[k].v[0] : 16)) {
			snprintf(why, wlen, "option %d: cookie differs", k + 1);
			return false;
		}
		for (j = 0; j < want->n; j++) {
			uint32_t got = o[k].v[j];

			if (want->kind == 5)
				got -= PEER_ISS;	/* the peer's space */
			if (!num_ok(want->v[j], got)) {
				snprintf(why, wlen, "option %d value %d differs",
					 k + 1, j + 1);
				return false;
			}
		}
	}
	return true;
}

/* ---- calls ---- */

static const struct {
	const char *name;
	int level, opt;
} sockopts[] = {
	{ "TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY },
	{ "TCP_CORK", IPPROTO_TCP, TCP_CORK },
	{ "TCP_MAXSEG", IPPROTO_TCP, TCP_MAXSEG },
	{ "TCP_QUICKACK", IPPROTO_TCP, TCP_QUICKACK },
	{ "TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE },
	{ "TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL },
	{ "TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT },
	{ "TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT },
	{ "TCP_NOTSENT_LOWAT", IPPROTO_TCP, TCP_NOTSENT_LOWAT },
	{ "TCP_FASTOPEN", IPPROTO_TCP, TCP_FASTOPEN },
	{ "TCP_FASTOPEN_CONNECT", IPPROTO_TCP, TCP_FASTOPEN_CONNECT },
	{ "TCP_FASTOPEN_NO_COOKIE", IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE },
	{ "SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE },
	{ "SO_SNDBUF", SOL_SOCKET, SO_SNDBUF },
	{ "SO_RCVBUF", SOL_SOCKET, SO_RCVBUF },
	{ "SO_ERROR", SOL_SOCKET, SO_ERROR },
};

static bool cmp_ok(const char *op, long got, long want)
{
	if (!op[0] || !strcmp(op, "="))
		return got == want;
	if (!strcmp(op, "!="))
		return got != want;
	if (!strcmp(op, "<"))
		return got < want;
	if (!strcmp(op, "<="))
		return got <= want;
	if (!strcmp(op, ">"))
		return got > want;
	return got >= want;
}

/* A tcp_info field by name, -1 if there is none such. */
static long info_field(const struct tcp_info *t, const char *f)
{
	static const struct {
		const char *name;
		size_t off, size;
	} fields[] = {
#define F(x) { #x, offsetof(struct tcp_info, tcpi_##x), sizeof(((struct tcp_info *)0)->tcpi_##x) }
		F(state), F(ca_state), F(retransmits), F(probes), F(backoff),
		F(options), F(rto), F(ato), F(snd_mss), F(rcv_mss),
		F(unacked), F(sacked), F(lost), F(retrans), F(fackets),
		F(pmtu), F(rcv_ssthresh), F(rtt), F(rttvar),
		F(snd_ssthresh), F(snd_cwnd), F(advmss), F(reordering),
		F(rcv_space), F(total_retrans),
#undef F
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const uint8_t *p = (const uint8_t *)t + fields[i].off;

		if (strcmp(fields[i].name, f))
			continue;
		if (fields[i].size == 1)
			return *p;
		return *(const uint32_t *)p;
	}
	if (!strcmp(f, "snd_wscale"))
		return t->tcpi_snd_wscale;
	if (!strcmp(f, "rcv_wscale"))
		return t->tcpi_rcv_wscale;
	return -1;
}

static int state_of(const char *name)
{
	int st;

	for (st = 1; st <= 12; st++)
		if (!strcmp(xtcp_state_name(st), name))
			return st;
	return -1;
}

/* A call's result against the script's, errno included. */
static void check_res(struct __test_metadata *_metadata,
		      const struct event *e, long got, int err, long dflt)
{
	const struct call_spec *c = &e->call;
	long want = c->has_res ? c->res : dflt;

	if (want == -1) {
		ASSERT_TRUE(got == -1 && err == c->err)
			TH_LOG("line %d: %s returned %ld (%s), wanted -1 %s",
			       e->line, c->name, got,
			       got < 0 ? errno_name(err) : "", errno_name(c->err));
		return;
	}
	ASSERT_EQ(want, got)
		TH_LOG("line %d: %s returned %ld%s%s, wanted %ld", e->line,
		       c->name, got, got < 0 ? " " : "",
		       got < 0 ? errno_name(err) : "", want);
}

static int msg_flags(const struct call_spec *c, int first)
{
	int f = 0, i;

	for (i = first; i < c->nargs; i++) {
		if (!strcmp(c->arg[i], "MSG_MORE"))
			f |= MSG_MORE;
		else if (!strcmp(c->arg[i], "MSG_EOR"))
			f |= MSG_EOR;
		else if (!strcmp(c->arg[i], "MSG_PEEK"))
			f |= MSG_PEEK;
		else if (!strcmp(c->arg[i], "MSG_FASTOPEN"))
			f |= MSG_FASTOPEN;
		else
			return -1;
	}
	return f;
}

/*
 * "sysctl NAME V": the family's knob (net.xtcp.NAME or net.ipv4.tcp_NAME);
 * a dotted NAME is that very file (net.ipv4.tcp_syn_linear_timeouts,
 * which XTCP follows too).  "sysctl?" sets it only where it exists.
 */
static void set_sysctl(struct __test_metadata *_metadata,
		       const struct event *e)
{
	const struct call_spec *c = &e->call;
	char path[160];
	size_t i;
	int fd;

	if (strchr(c->arg[0], '.')) {
		snprintf(path, sizeof(path), "/proc/sys/%s", c->arg[0]);
		for (i = strlen("/proc/sys/"); path[i]; i++)
			if (path[i] == '.')
				path[i] = '/';
	} else {
		xt_sysctl_path(c->arg[0], path, sizeof(path));
	}
	if (c->name[6] == '?' && access(path, W_OK))
		return;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("line %d: %s: %s", e->line, path,
				strerror(errno));
	ASSERT_EQ((ssize_t)strlen(c->arg[1]),
		  write(fd, c->arg[1], strlen(c->arg[1])))
		TH_LOG("line %d: %s: %s", e->line, path, strerror(errno));
	close(fd);
}

static void do_call(struct __test_metadata *_metadata, struct run *r,
		    const struct event *e)
{
	const struct call_spec *c = &e->call;
	struct wire *w = r->w;
	long ret;
	int err;

	errno = 0;
	if (!strcmp(c->name, "socket")) {
		ASSERT_EQ(-1, r->cur) TH_LOG("line %d: one socket", e->line);
		r->cur = xt_socket_flags(SOCK_NONBLOCK);
		ASSERT_LE(0, r->cur);
		/* A new connection after an earlier one: its own ISS. */
		r->iss_known = false;
	} else if (!strcmp(c->name, "listen")) {
		if (r->cur < 0) {
			r->cur = xt_socket_flags(SOCK_NONBLOCK);
			ASSERT_LE(0, r->cur);
		}
		w->lfd = r->cur;
		ASSERT_OK(xt_set_int(r->cur, SOL_SOCKET, SO_REUSEADDR, 1));
		ASSERT_OK(xt_bind(r->cur, HOST_IP, w->hport));
		ret = listen(r->cur, c->nargs ? atoi(c->arg[0]) : 8);
		check_res(_metadata, e, ret, errno, 0);
	} else if (!strcmp(c->name, "accept")) {
		if (!c->has_res || c->res >= 0)
			xt_poll1(w->lfd, POLLIN, 1000);
		ret = accept4(w->lfd, NULL, NULL, SOCK_NONBLOCK);
		err = errno;
		if (ret >= 0) {
			w->fd = ret;
			r->cur = ret;
			ret = 0;
		}
		check_res(_metadata, e, ret, err, 0);
	} else if (!strcmp(c->name, "connect")) {
		struct sockaddr_in sa = xt_sa(PEER_IP, PPORT);

		if (r->cur < 0) {
			r->cur = xt_socket_flags(SOCK_NONBLOCK);
			ASSERT_LE(0, r->cur);
		}
		w->fd = r->cur;
		ret = connect(r->cur, (struct sockaddr *)&sa, sizeof(sa));
		err = errno;
		check_res(_metadata, e, ret, err, -1);
		/* Ours is the port it took. */
		w->hport = xt_local_port(r->cur);
	} else if (!strcmp(c->name, "write")) {
		size_t len = c->nargs ? strtoul(c->arg[0], NULL, 0) : 0, i;
		int fl = msg_flags(c, 1);
		uint8_t *buf = malloc(len + 1);

		ASSERT_NE(NULL, buf);
		ASSERT_LE(0, fl) TH_LOG("line %d: flags?", e->line);
		for (i = 0; i < len; i++)
			buf[i] = host_byte(r->wr_off + i);
		if (fl & MSG_FASTOPEN) {
			/* A write that connects: to the peer, from a new socket. */
			struct sockaddr_in sa = xt_sa(PEER_IP, PPORT);

			if (r->cur < 0) {
				r->cur = xt_socket_flags(SOCK_NONBLOCK);
				ASSERT_LE(0, r->cur);
			}
			w->fd = r->cur;
			ret = sendto(r->cur, buf, len,
				     fl | MSG_NOSIGNAL | MSG_DONTWAIT,
				     (struct sockaddr *)&sa, sizeof(sa));
			err = errno;
			w->hport = xt_local_port(r->cur);
		} else {
			ret = send(r->cur, buf, len,
				   fl | MSG_NOSIGNAL | MSG_DONTWAIT);
			err = errno;
		}
		free(buf);
		if (ret > 0)
			r->wr_off += ret;
		check_res(_metadata, e, ret, err, len);
	} else if (!strcmp(c->name, "read")) {
		size_t len = c->nargs ? strtoul(c->arg[0], NULL, 0) : 0, i;
		int fl = msg_flags(c, 1);
		uint8_t *buf = malloc(len + 1);

		ASSERT_NE(NULL, buf);
		ASSERT_LE(0, fl) TH_LOG("line %d: flags?", e->line);
		/* Data or EOF wanted: the segment may still be on its way. */
		if (c->has_res && c->res >= 0)
			xt_poll1(r->cur, POLLIN | POLLRDHUP, 1000);
		ret = recv(r->cur, buf, len, fl | MSG_DONTWAIT);
		err = errno;
		for (i = 0; ret > 0 && i < (size_t)ret; i++)
			if (buf[i] != peer_byte(r->rd_off + i))
				break;
		free(buf);
		check_res(_metadata, e, ret, err, len);
		ASSERT_EQ((size_t)(ret > 0 ? ret : 0), i)
			TH_LOG("line %d: byte %zu read is not the one sent",
			       e->line, i);
		if (ret > 0 && !(fl & MSG_PEEK))
			r->rd_off += ret;
	} else if (!strcmp(c->name, "shutdown")) {
		int how = !strcmp(c->arg[0], "RD") ? SHUT_RD :
			  !strcmp(c->arg[0], "WR") ? SHUT_WR : SHUT_RDWR;

		ret = shutdown(r->cur, how);
		check_res(_metadata, e, ret, errno, 0);
	} else if (!strcmp(c->name, "close")) {
		ret = close(r->cur);
		check_res(_metadata, e, ret, errno, 0);
		if (r->cur == w->fd)
			w->fd = -1;
		if (r->cur == w->lfd)
			w->lfd = -1;
		r->cur = w->fd >= 0 ? w->fd : w->lfd;
	} else if (!strcmp(c->name, "close_listener")) {
		ASSERT_OK(close(w->lfd));
		w->lfd = -1;
	} else if (!strcmp(c->name, "setsockopt") ||
		   !strcmp(c->name, "getsockopt")) {
		size_t i;
		int v = 0;
		socklen_t sl = sizeof(v);

		for (i = 0; i < sizeof(sockopts) / sizeof(sockopts[0]); i++)
			if (!strcmp(sockopts[i].name, c->arg[0]))
				break;
		ASSERT_GT(sizeof(sockopts) / sizeof(sockopts[0]), i)
			TH_LOG("line %d: option %s?", e->line, c->arg[0]);
		if (c->name[0] == 's') {
			v = strtol(c->arg[1], NULL, 0);
			ret = setsockopt(r->cur, sockopts[i].level,
					 sockopts[i].opt, &v, sizeof(v));
			check_res(_metadata, e, ret, errno, 0);
		} else {
			ret = getsockopt(r->cur, sockopts[i].level,
					 sockopts[i].opt, &v, &sl);
			ASSERT_EQ(0, ret) TH_LOG("line %d: %s", e->line,
						 strerror(errno));
			/* "getsockopt SO_ERROR = ECONNREFUSED" */
			if (!strcmp(c->arg[0], "SO_ERROR") && c->err) {
				ASSERT_EQ(c->err, v)
					TH_LOG("line %d: SO_ERROR %s, wanted %s",
					       e->line, errno_name(v),
					       errno_name(c->err));
				return;
			}
			ASSERT_TRUE(cmp_ok(c->op, v, c->res))
					TH_LOG("line %d: %s is %d, wanted %s %ld",
					       e->line, c->arg[0], v, c->op,
					       c->res);
		}
	} else if (!strcmp(c->name, "md5")) {
		if (r->cur < 0) {
			r->cur = xt_socket_flags(SOCK_NONBLOCK);
			ASSERT_LE(0, r->cur);
		}
		ret = xt_md5_key(r->cur, c->arg[0], -1,
				 c->nargs > 1 ? c->arg[1] : "");
		check_res(_metadata, e, ret, errno, 0);
	} else if (!strcmp(c->name, "linger")) {
		struct linger lg = { .l_onoff = 1,
				     .l_linger = atoi(c->arg[0]) };

		ASSERT_OK(setsockopt(r->cur, SOL_SOCKET, SO_LINGER, &lg,
				     sizeof(lg)));
	} else if (!strcmp(c->name, "info")) {
		struct tcp_info ti;
		long got, want = c->res;

		ASSERT_OK(xt_tcp_info(r->cur, &ti));
		got = info_field(&ti, c->arg[0]);
		ASSERT_NE(-1, got) TH_LOG("line %d: tcpi_%s?", e->line,
					  c->arg[0]);
		if (c->res == -2) {
			want = state_of(c->arg[3]);
			ASSERT_NE(-1, want) TH_LOG("line %d: state %s?",
						   e->line, c->arg[3]);
		}
		ASSERT_TRUE(cmp_ok(c->op, got, want))
			TH_LOG("line %d: tcpi_%s is %ld, wanted %s %ld",
			       e->line, c->arg[0], got, c->op, want);
	} else if (!strcmp(c->name, "sysctl") ||
		   !strcmp(c->name, "sysctl?")) {
		set_sysctl(_metadata, e);
	} else if (!strcmp(c->name, "mib")) {
		long long got = xt_mib(c->arg[0]);

		ASSERT_NE(-1, got) TH_LOG("line %d: counter %s?", e->line,
					  c->arg[0]);
		ASSERT_TRUE(cmp_ok(c->op, got, c->res))
			TH_LOG("line %d: %s is %lld, wanted %s %ld", e->line,
			       c->arg[0], got, c->op, c->res);
	} else if (!strcmp(c->name, "gso_max_segs")) {
		/* The device's bound, which sockets take at their handshake. */
		ASSERT_EQ(0, xt_sh("ip link set dev %s gso_max_segs %s",
				   TUN_NAME, c->arg[0]))
			TH_LOG("line %d: gso_max_segs %s", e->line, c->arg[0]);
	} else if (!strcmp(c->name, "sleep")) {
		/* Nothing: the time before it is the point. */
	} else {
		ASSERT_TRUE(0) TH_LOG("line %d: no call \"%s\"", e->line,
				      c->name);
	}
}

/* ---- running ---- */

/* Wait until @until (ms), failing on any segment the stack sends. */
static void quiet_until(struct __test_metadata *_metadata, struct run *r,
			uint64_t until, const struct event *e)
{
	struct rx rx;
	char b[256];
	int left;

	for (;;) {
		left = (int)(until - xt_now_ms());
		if (left <= 0)
			left = 0;
		if (rx_next(r->w, &rx, left))
			return;
		ASSERT_TRUE(0)
			TH_LOG("line %d: before it, an unexpected segment: %s",
			       e->line, seg_script_str(r, &rx, b, sizeof(b)));
	}
}

static void do_outbound(struct __test_metadata *_metadata, struct run *r,
			const struct event *e, long delay)
{
	const struct seg_spec *g = &e->seg;
	uint64_t wait = delay == ANY_TIME ? 3000 : delay * 3 / 2 + 300;
	char b[256], why[96];
	struct rx rx;
	uint64_t got;

	ASSERT_EQ(0, rx_next(r->w, &rx, wait))
		TH_LOG("line %d: nothing sent within %llu ms", e->line,
		       (unsigned long long)wait);
	if ((g->flags & TH_SYN) && !r->iss_known) {
		r->h_iss = rx.s.seq - (g->start == ANY ? 0 : g->start);
		r->iss_known = true;
		if (!r->w->hport)
			r->w->hport = rx.s.sport;
	}
	got = rx.t - r->t_prev;
	ASSERT_TRUE(seg_match(r, g, &rx, why, sizeof(why)))
		TH_LOG("line %d: %s: got %s", e->line, why,
		       seg_script_str(r, &rx, b, sizeof(b)));
	if (delay != ANY_TIME)
		ASSERT_TRUE(timer_ok(got, delay))
			TH_LOG("line %d: sent after %llu ms, wanted %ld ms",
			       e->line, (unsigned long long)got, delay);
	if (rx_tsval(&rx))
		r->last_tsval = rx_tsval(&rx);
	r->t_prev = rx.t;
}

/*
 * A script ends with no connection left that would outlive it: with the
 * fake peer gone, an orphan with data or a FIN unacknowledged would go
 * on retransmitting (and hold xtcp.ko) for minutes.  The script's own
 * sockets are aborted first, as the fixture's teardown would.
 */
static void check_nothing_left(struct __test_metadata *_metadata,
			       struct wire *w)
{
	uint64_t end = xt_now_ms() + 1000;
	int n;

	if (w->fd >= 0)
		xt_close_rst(w->fd);
	if (w->lfd >= 0)
		close(w->lfd);
	w->fd = -1;
	w->lfd = -1;
	while ((n = xt_proc_count_except(XTCP_TIME_WAIT)) > 0 &&
	       xt_now_ms() < end)
		xt_msleep(20);
	ASSERT_EQ(0, n)
		TH_LOG("%d connection(s) left open: the script must end them",
		       n);
}

static void run_script(struct __test_metadata *_metadata, struct wire *w,
		       const char *name, const char *text)
{
	static struct script s;
	struct run r = { .w = w, .cur = -1 };
	char why[256];
	int i;

	s.name = name;
	ASSERT_EQ(0, parse_script(text, &s, why, sizeof(why)))
		TH_LOG("%s: %s", name, why);
	r.s = &s;
	r.t_prev = xt_now_ms();
	for (i = 0; i < s.n; i++) {
		const struct event *e = &s.ev[i];
		long delay;

		if (e->ms == ANY_TIME)
			delay = ANY_TIME;
		else if (e->rel)
			delay = e->ms;
		else
			delay = e->ms - r.s_prev;
		ASSERT_TRUE(delay >= 0 || delay == ANY_TIME)
			TH_LOG("line %d: time goes back", e->line);
		if (e->kind == EV_OUT) {
			do_outbound(_metadata, &r, e, delay);
		} else {
			quiet_until(_metadata, &r, r.t_prev + delay, e);
			if (e->kind == EV_IN)
				do_inbound(_metadata, &r, e);
			else
				do_call(_metadata, &r, e);
			/* A call may take a while (ip(8) under QEMU). */
			r.t_prev = xt_now_ms();
		}
		if (delay != ANY_TIME)
			r.s_prev += delay;
	}
	if (r.cur >= 0 && r.cur != w->fd && r.cur != w->lfd)
		close(r.cur);
	check_nothing_left(_metadata, w);
}

FIXTURE(script) {
	struct wire w;
};

/* run_vm.sh runs these variants side by side, by name. */
FIXTURE_VARIANT(script) {
	bool inet;	/* Linux TCP, the oracle */
	bool gso;	/* XTCP's super-segments, cut by GSO before the tun */
};

FIXTURE_VARIANT_ADD(script, linux) {
	.inet = true,
};

FIXTURE_VARIANT_ADD(script, xtcp) {
	.inet = false,
};

FIXTURE_VARIANT_ADD(script, xtcp_gso) {
	.inet = false,
	.gso = true,
};

FIXTURE_SETUP(script)
{
	xt_set_inet(variant->inet);
	setenv("XTCP_TEST_GSO", variant->gso ? "1" : "0", 1);
	wire_peer_setup(_metadata, &self->w);
}

FIXTURE_TEARDOWN(script)
{
	wire_peer_teardown(&self->w);
}

#define WIRE_SCRIPT(name, text)						\
	TEST_F(script, name)						\
	{								\
		run_script(_metadata, &self->w, #name, text);		\
	}

#include "wire_scripts.inc"

TEST_HARNESS_MAIN
