// SPDX-License-Identifier: GPL-2.0
/*
 * The xtcp tracepoints (kmod/xtcp_trace.h), read through tracefs: each
 * test enables the events in a tracefs instance of its own (its own ring
 * buffer), makes traffic in its own namespace, and checks the events that
 * name its ports, field by field, against what the sockets say
 * (TCP_INFO, errnos) and the namespace's counters.  XTCP only: Linux TCP
 * has its own tcp: and sock: events.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "xtcp_harness.h"

#define TRACEFS		"/sys/kernel/tracing"
#define EVENTS		"xtcp_set_state xtcp_retransmit_skb xtcp_send_reset " \
			"xtcp_receive_reset xtcp_probe"
#define MAX_EV		4096

/* One event line: its name and up to 16 key=value fields. */
struct ev {
	char name[32];
	int n;
	char key[16][16];
	char val[16][24];
};

FIXTURE(tr) {
	char record_cmd;	/* the global option's value before ours */
	char inst[128];
	struct ev *ev;
	int nev;
};

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* The first character of a file, or 0. */
static char read_char(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char c = 0;

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 0;
		close(fd);
	}
	return c;
}

/* Turn the xtcp events of our instance on or off. */
static int events_enable(const char *inst, bool on)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/events/xtcp/enable", inst);
	return write_file(path, on ? "1" : "0");
}

FIXTURE_SETUP(tr)
{
	struct stat st;

	self->ev = NULL;
	self->inst[0] = 0;
	self->record_cmd = 0;
	XT_INIT();
	XT_XTCP_ONLY();
	if (stat(TRACEFS "/instances", &st) &&
	    mount("nodev", TRACEFS, "tracefs", 0, NULL))
		SKIP(return, "tracefs: %s", strerror(errno));
	if (stat(TRACEFS "/events/xtcp", &st))
		SKIP(return, "no xtcp events (CONFIG_TRACEPOINTS?)");
	snprintf(self->inst, sizeof(self->inst),
		 TRACEFS "/instances/xtcp-selftest-%d", getpid());
	/*
	 * No task names: recording them hooks sched_switch, and patching
	 * that call site in __schedule() while the other CPU runs it is
	 * what QEMU's emulation (no KVM) gets wrong now and then ("Oops:
	 * int3").  The events then show "<...>" for the task.  The option
	 * is global; an instance takes it when created.
	 */
	self->record_cmd = read_char(TRACEFS "/options/record-cmd");
	ASSERT_OK(write_file(TRACEFS "/options/record-cmd", "0"));
	ASSERT_OK(mkdir(self->inst, 0700));
	ASSERT_OK(events_enable(self->inst, true));
	self->ev = calloc(MAX_EV, sizeof(*self->ev));
	ASSERT_NE(NULL, self->ev);
}

FIXTURE_TEARDOWN(tr)
{
	if (self->inst[0]) {
		events_enable(self->inst, false);
		rmdir(self->inst);
	}
	if (self->record_cmd == '1')
		write_file(TRACEFS "/options/record-cmd", "1");
	free(self->ev);
}

/*
 * "  <task>-<pid> [cpu] flags  ts: xtcp_probe: sport=1 dport=2 ..." ->
 * name "xtcp_probe" and its key=value fields.
 */
static bool parse_line(const char *line, struct ev *e)
{
	const char *p = strstr(line, " xtcp_");
	const char *colon;
	char *save, *tok, buf[512];
	size_t len;

	if (!p)
		return false;
	p++;
	colon = strchr(p, ':');
	if (!colon || (size_t)(colon - p) >= sizeof(e->name))
		return false;
	len = colon - p;
	memcpy(e->name, p, len);
	e->name[len] = 0;
	snprintf(buf, sizeof(buf), "%s", colon + 1);
	e->n = 0;
	for (tok = strtok_r(buf, " \n", &save); tok && e->n < 16;
	     tok = strtok_r(NULL, " \n", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = 0;
		snprintf(e->key[e->n], sizeof(e->key[0]), "%s", tok);
		snprintf(e->val[e->n], sizeof(e->val[0]), "%s", eq + 1);
		e->n++;
	}
	return true;
}

static const char *ev_get(const struct ev *e, const char *key)
{
	int i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->key[i], key))
			return e->val[i];
	return "";
}

static unsigned long ev_num(const struct ev *e, const char *key)
{
	return strtoul(ev_get(e, key), NULL, 10);
}

/* Every xtcp event in the instance's buffer, in order. */
static int read_events(FIXTURE_DATA(tr) *self)
{
	char path[256], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", self->inst);
	f = fopen(path, "r");
	if (!f)
		return -1;
	self->nev = 0;
	while (fgets(line, sizeof(line), f) && self->nev < MAX_EV) {
		if (line[0] == '#')
			continue;
		if (parse_line(line, &self->ev[self->nev]))
			self->nev++;
	}
	fclose(f);
	return self->nev;
}

/* Does the event belong to the socket bound to local port @port? */
static bool ev_from(const struct ev *e, const char *name, uint16_t port)
{
	return !strcmp(e->name, name) && ev_num(e, "sport") == port;
}

/* "OLD>NEW OLD>NEW ..." for the state changes of the socket on @port. */
static void state_story(FIXTURE_DATA(tr) *self, uint16_t port, char *out,
			size_t len)
{
	size_t used = 0;
	int i;

	out[0] = 0;
	for (i = 0; i < self->nev; i++) {
		const struct ev *e = &self->ev[i];

		if (!ev_from(e, "xtcp_set_state", port))
			continue;
		used += snprintf(out + used, len - used, "%s%s>%s",
				 used ? " " : "", ev_get(e, "oldstate"),
				 ev_get(e, "newstate"));
		if (used >= len)
			break;
	}
}

/* The events are there, with the fields the README documents. */
TEST_F(tr, events_listed)
{
	static const char *const probe_fields[] = {
		"sport", "dport", "saddr", "daddr", "snd_una", "snd_nxt",
		"snd_wnd", "snd_cwnd", "ssthresh", "srtt", "rcv_wnd",
	};
	char path[256], all[] = EVENTS, *save, *name, buf[8192];
	unsigned int i;
	ssize_t n;
	int fd;

	for (name = strtok_r(all, " ", &save); name;
	     name = strtok_r(NULL, " ", &save)) {
		snprintf(path, sizeof(path), TRACEFS "/events/xtcp/%s/format",
			 name);
		ASSERT_EQ(0, access(path, R_OK)) TH_LOG("%s", path);
	}
	fd = open(TRACEFS "/events/xtcp/xtcp_probe/format", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = 0;
	for (i = 0; i < sizeof(probe_fields) / sizeof(probe_fields[0]); i++) {
		char want[64];

		/* "__u32 snd_una;" or, for addresses, "__u8 saddr[4];" */
		snprintf(want, sizeof(want), " %s;", probe_fields[i]);
		if (!strstr(buf, want))
			snprintf(want, sizeof(want), " %s[4];", probe_fields[i]);
		ASSERT_NE(NULL, strstr(buf, want)) TH_LOG("no field %s",
							   probe_fields[i]);
	}
}

/*
 * A connection's life in state changes: the client's SYN_SENT,
 * ESTABLISHED, the active close through TIME_WAIT; the server's child
 * from SYN_RECV, the passive close through LAST_ACK.  As Linux's
 * sock:inet_sock_set_state, entering LISTEN and a child's birth in
 * SYN_RECV are not changes of a connection's state and have no event.
 */
TEST_F(tr, set_state)
{
	uint16_t lport = 0, cport, sport;
	char story[512];
	int l, c, s;
	char b;

	l = xt_listener(XT_LOOP, &lport, 4);
	ASSERT_LE(0, l);
	c = xt_connect_to(XT_LOOP, lport);
	ASSERT_LE(0, c);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	cport = xt_local_port(c);
	sport = xt_local_port(s);
	ASSERT_OK(close(c));
	ASSERT_EQ(0, recv(s, &b, 1, 0));
	ASSERT_OK(close(s));
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_wait_state(cport, sport, XTCP_TIME_WAIT,
						   2000));
	ASSERT_EQ(-1, xt_proc_wait_state(sport, cport, -1, 2000));
	close(l);

	ASSERT_LT(0, read_events(self));
	state_story(self, cport, story, sizeof(story));
	ASSERT_STREQ("CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1 "
		     "FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>TIME_WAIT", story);
	state_story(self, sport, story, sizeof(story));
	/* The child's, then the listener's close. */
	ASSERT_STREQ("SYN_RECV>ESTABLISHED ESTABLISHED>CLOSE_WAIT "
		     "CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE LISTEN>CLOSE", story);
}

/*
 * xtcp_probe after every ACK the sender takes: snd_una climbs to exactly
 * the bytes sent past the handshake's, and the last event's cwnd and
 * srtt are what TCP_INFO says once it is all acknowledged.
 */
TEST_F(tr, probe)
{
	const size_t len = 200000;
	struct tcp_info ti;
	unsigned long first = 0, last = 0, prev = 0, cwnd = 0, srtt = 0;
	uint16_t cport;
	int c, s, i, n = 0;
	char *buf;

	buf = malloc(len);
	ASSERT_NE(NULL, buf);
	xt_pattern(buf, len, 7, 0);
	ASSERT_OK(xt_pair(&c, &s));
	cport = xt_local_port(c);
	ASSERT_EQ((ssize_t)len, xt_send_all(c, buf, len));
	ASSERT_EQ((ssize_t)len, xt_recv_all(s, buf, len));
	/* Until the last ACK is in: nothing unacknowledged. */
	for (i = 0; i < 200; i++) {
		ASSERT_OK(xt_tcp_info(c, &ti));
		if (!ti.tcpi_unacked)
			break;
		xt_msleep(10);
	}
	ASSERT_EQ(0U, ti.tcpi_unacked);

	ASSERT_LT(0, read_events(self));
	for (i = 0; i < self->nev; i++) {
		const struct ev *e = &self->ev[i];
		unsigned long una;

		if (!ev_from(e, "xtcp_probe", cport))
			continue;
		una = ev_num(e, "snd_una");
		if (!n++)
			first = una;
		else
			ASSERT_FALSE((int32_t)(una - prev) < 0)
				TH_LOG("snd_una went back: %lu after %lu", una,
				       prev);
		prev = una;
		last = una;
		cwnd = ev_num(e, "snd_cwnd");
		srtt = ev_num(e, "srtt");
		ASSERT_LT(0UL, ev_num(e, "rcv_wnd"));
		ASSERT_STREQ("127.0.0.1", ev_get(e, "daddr"));
	}
	TH_LOG("%d probe events; cwnd %lu srtt %lu us", n, cwnd, srtt);
	ASSERT_LE(2, n);
	ASSERT_EQ(len, (uint32_t)(last - first));
	ASSERT_EQ(ti.tcpi_snd_cwnd, cwnd);
	ASSERT_EQ(ti.tcpi_rtt, srtt);
	free(buf);
	close(c);
	close(s);
}

/*
 * With the path down, the unacknowledged segment goes again at each RTO:
 * one xtcp_retransmit_skb per retransmission, each with the segment's
 * sequence numbers, as many as RetransSegs counts.
 */
TEST_F_TIMEOUT(tr, retransmit, 30)
{
	struct tcp_info ti;
	uint16_t cport;
	long long retrans = 0;
	unsigned long seq0 = 0;
	int c, s, i, n = 0;
	char buf[1000];

	if (!xt_have_prog("tc"))
		SKIP(return, "tc (iproute2) not installed");
	xt_pattern(buf, sizeof(buf), 3, 0);
	ASSERT_OK(xt_pair(&c, &s));
	cport = xt_local_port(c);
	ASSERT_OK(xt_netem_loss("lo", false));
	ASSERT_EQ((ssize_t)sizeof(buf), send(c, buf, sizeof(buf), 0));
	for (i = 0; i < 400 && retrans < 2; i++) {
		xt_msleep(10);
		retrans = xt_mib("RetransSegs");
	}
	ASSERT_LE(2, retrans);
	/* The next RTO is >= 800 ms away: counters and events agree now. */
	ASSERT_OK(events_enable(self->inst, false));
	retrans = xt_mib("RetransSegs");
	ASSERT_OK(xt_tcp_info(c, &ti));
	ASSERT_OK(xt_netem_loss("lo", true));

	ASSERT_LT(0, read_events(self));
	for (i = 0; i < self->nev; i++) {
		const struct ev *e = &self->ev[i];

		if (!ev_from(e, "xtcp_retransmit_skb", cport))
			continue;
		if (!n++)
			seq0 = ev_num(e, "seq");
		ASSERT_EQ(seq0, ev_num(e, "seq"));
		ASSERT_EQ(seq0 + sizeof(buf), ev_num(e, "end_seq"));
		ASSERT_STREQ("ESTABLISHED", ev_get(e, "state"));
	}
	ASSERT_EQ(retrans, n);
	ASSERT_EQ(ti.tcpi_total_retrans, (unsigned int)n);
	ASSERT_EQ((ssize_t)sizeof(buf), xt_recv_all(s, buf, sizeof(buf)));
	close(c);
	close(s);
}

/*
 * RSTs both ways: a SYN to a closed port is answered by a RST no socket
 * sends (state CLOSE) and taken by the client in SYN_SENT; an abortive
 * close sends one from ESTABLISHED, which the peer takes in ESTABLISHED.
 */
TEST_F(tr, resets)
{
	uint16_t lport = 0, sport, closed, cport = 0;
	int l, c, s, i, sent = 0, got = 0;
	char b;

	l = xt_listener(XT_LOOP, &closed, 1);
	ASSERT_LE(0, l);
	close(l);		/* a port nobody listens on now */
	c = xt_socket();
	ASSERT_LE(0, c);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, closed), ECONNREFUSED);
	close(c);

	l = xt_listener(XT_LOOP, &lport, 1);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_pair(&c, &s));
	close(l);
	sport = xt_local_port(s);
	ASSERT_OK(xt_close_rst(c));
	ASSERT_ERRNO(recv(s, &b, 1, 0), ECONNRESET);

	ASSERT_LT(0, read_events(self));
	/* The refused client's port, from its own event. */
	for (i = 0; i < self->nev; i++) {
		const struct ev *e = &self->ev[i];

		if (!strcmp(e->name, "xtcp_receive_reset") &&
		    ev_num(e, "dport") == closed) {
			ASSERT_STREQ("SYN_SENT", ev_get(e, "state"));
			cport = ev_num(e, "sport");
			got |= 1;
		}
	}
	for (i = 0; i < self->nev; i++) {
		const struct ev *e = &self->ev[i];

		if (!strcmp(e->name, "xtcp_send_reset") &&
		    ev_num(e, "sport") == closed) {
			ASSERT_STREQ("CLOSE", ev_get(e, "state"));
			ASSERT_EQ(cport, ev_num(e, "dport"));
			ASSERT_EQ(0UL, ev_num(e, "seq"));
			sent |= 1;
		}
		if (!strcmp(e->name, "xtcp_send_reset") &&
		    ev_num(e, "dport") == sport) {
			ASSERT_STREQ("ESTABLISHED", ev_get(e, "state"));
			sent |= 2;
		}
		if (ev_from(e, "xtcp_receive_reset", sport)) {
			ASSERT_STREQ("ESTABLISHED", ev_get(e, "state"));
			got |= 2;
		}
	}
	ASSERT_EQ(3, sent);
	ASSERT_EQ(3, got);
	close(s);
}

/* Disabled, the events record nothing. */
TEST_F(tr, disabled_silent)
{
	int c, s;

	ASSERT_OK(events_enable(self->inst, false));
	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_EQ(1, send(c, "x", 1, 0));
	close(c);
	close(s);
	ASSERT_EQ(0, read_events(self));
}

TEST_HARNESS_MAIN
