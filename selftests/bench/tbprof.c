// SPDX-License-Identifier: GPL-2.0
/*
 * tbprof.c - a QEMU TCG plugin for `make bench`'s profile pass: guest
 * instructions executed per translation block, snapshot on the guest's
 * request.
 *
 * In-guest perf cannot profile an interrupt-off region in a TCG guest: it
 * has no PMU, so cpu-clock samples come from an hrtimer interrupt and every
 * instruction run with interrupts off (hard interrupt handlers, the
 * completion path, spin_lock_irqsave sections) is charged to the place
 * where interrupts come back on.  This plugin counts at the source: every
 * translated block gets an inline counter (QEMU adds 1 each time the block
 * starts; the block's instruction count is known at translation), so
 * instructions per guest address are exact, interrupts off or not.
 *
 * Windowing: a thread polls DIR/tbprof-req (written by the guest through
 * the 9p run directory).  It holds the name of a snapshot to write, one
 * line (taken only once the newline is there); the
 * plugin writes DIR/NAME with one line per kernel block ever executed,
 * "vaddr insns count" in hex/decimal, plus one "user" line summing every
 * user-space block, then removes the request.  The counters only grow;
 * profile.py subtracts the window's first snapshot from its last.
 *
 * Usage: -plugin file=tbprof.so,dir=RUNDIR
 * Built by bench.sh against the qemu-plugin.h of the QEMU source (API
 * version 1, QEMU 7.2: include/qemu/qemu-plugin.h there is the fact
 * source for every call used here).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

struct block {
	uint64_t vaddr;
	uint64_t count;		/* incremented inline by QEMU */
	uint32_t insns;
};

#define CHUNK	65536

static struct block **chunks;	/* never freed or moved: QEMU holds pointers */
static size_t nchunks, nblocks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char dir[4096];
static volatile int stop;

/* x86-64: the kernel's half of the address space */
#define KERNEL_START	0xffff800000000000ULL

static struct block *block_new(void)
{
	struct block *b;

	pthread_mutex_lock(&lock);
	if (nblocks == nchunks * CHUNK) {
		struct block **n = realloc(chunks, (nchunks + 1) * sizeof(*chunks));

		if (!n || !(n[nchunks] = calloc(CHUNK, sizeof(struct block)))) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		chunks = n;
		nchunks++;
	}
	b = &chunks[nblocks / CHUNK][nblocks % CHUNK];
	nblocks++;
	pthread_mutex_unlock(&lock);
	return b;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct block *b = block_new();

	if (!b)
		return;
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = qemu_plugin_tb_n_insns(tb);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->count, 1);
}

static void snapshot(const char *name)
{
	char path[8192], tmp[8200];
	uint64_t user = 0, *counts;
	size_t i, n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	pthread_mutex_lock(&lock);
	n = nblocks;
	pthread_mutex_unlock(&lock);
	/*
	 * The vCPU runs on while this thread reads its counters: copy them
	 * first, in one quick pass (a millisecond or so for 10^5 blocks), and
	 * write the file from the copy, so the snapshot is close to one
	 * instant of guest execution rather than spread over the time the
	 * file takes to write.  The reads are racy: off by a block or two.
	 */
	counts = malloc(n * sizeof(*counts));
	if (!counts) {
		fclose(f);
		unlink(tmp);
		return;
	}
	for (i = 0; i < n; i++)
		counts[i] = __atomic_load_n(&chunks[i / CHUNK][i % CHUNK].count, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++) {
		const struct block *b = &chunks[i / CHUNK][i % CHUNK];
		uint64_t c = counts[i];

		if (!c)
			continue;
		if (b->vaddr < KERNEL_START)
			user += c * b->insns;
		else
			fprintf(f, "%llx %u %llu\n", (unsigned long long)b->vaddr, b->insns,
				(unsigned long long)c);
	}
	free(counts);
	fprintf(f, "user %llu\n", (unsigned long long)user);
	fclose(f);
	rename(tmp, path);
}

static void *poller(void *arg)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char req[4200], name[256];

	snprintf(req, sizeof(req), "%s/tbprof-req", dir);
	while (!stop) {
		FILE *f = fopen(req, "r");

		if (f) {
			name[0] = 0;
			if (!fgets(name, sizeof(name), f))
				name[0] = 0;
			fclose(f);
			/*
			 * The guest writes the request in place: until its
			 * line is complete, leave it for the next poll.
			 */
			if (!strchr(name, '\n')) {
				nanosleep(&ts, NULL);
				continue;
			}
			name[strcspn(name, "\r\n")] = 0;
			unlink(req);
			/* a plain file name only */
			if (name[0] && !strchr(name, '/') && name[0] != '.')
				snapshot(name);
		}
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	stop = 1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	pthread_t t;
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "dir=", 4))
			snprintf(dir, sizeof(dir), "%s", argv[i] + 4);
	if (!dir[0]) {
		fprintf(stderr, "tbprof: dir=RUNDIR missing\n");
		return -1;
	}
	if (pthread_create(&t, NULL, poller, NULL)) {
		fprintf(stderr, "tbprof: pthread_create: %s\n", strerror(errno));
		return -1;
	}
	pthread_detach(t);
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
