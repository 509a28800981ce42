/*
 * lbench: the Linux operating-system benchmark of issue 8, run as a static
 * program inside the initramfs (bench/linux/init.sh) on native Linux, on
 * Xen 4.17 and on Xenolith, so that the same binary measures what each
 * hypervisor adds to a real kernel's system calls, faults and processes.
 *
 * Built on the host with `gcc -static -O2` against glibc's libc.a. Every
 * figure is the median of several samples; one sample times a batch of
 * operations with clock_gettime(CLOCK_MONOTONIC) and divides, so the cost of
 * reading the clock (a system call on some PV set-ups) stays out of the
 * figure. Output, one machine-readable line per metric (units in the name):
 *
 *     LBENCH-BEGIN samples=<n> scale=<s>
 *     LBENCH <metric> <median> min=<v> max=<v> samples=<n> batch=<ops per sample>
 *     LBENCH-ERROR <metric> <what failed>
 *     LBENCH-END ok|errors=<n>
 *
 * Under QEMU's -icount shift=0 CLOCK_MONOTONIC advances one ns per guest
 * instruction, so the same figures become deterministic path lengths.
 *
 *     lbench [-n SAMPLES] [-s SCALE] [-o METRIC]   run the metrics (all, or one)
 *     lbench --exit                                exit 0 at once (fork+exec child)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES 64
#define PAGE 4096UL
#define REGION (4UL << 20) /* the 4 MiB of the mmap and page-fault figures */
#define COPY_BYTES (1UL << 20)
#define CPU_LOOP_ITERS 1000000UL

static const char *self_path;   /* argv[0]: what the fork+exec child runs */
static const char *work_file = "/tmp/lbench.dat";
static int errors;

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void fail(const char *metric, const char *what)
{
    printf("LBENCH-ERROR %s %s: %s\n", metric, what, strerror(errno));
    fflush(stdout);
    errors++;
}

/* One sample: do `batch` operations, return the time of the whole batch in
 * ns, or a negative value when an operation failed (already reported). */
typedef double (*sample_fn)(const char *metric, unsigned long batch);

static double s_syscall_null(const char *metric, unsigned long batch)
{
    double t0 = now_ns();

    for (unsigned long i = 0; i < batch; i++)
        syscall(SYS_getppid);   /* not cached by libc: a real kernel entry */
    return now_ns() - t0;
}

static double s_read_1byte(const char *metric, unsigned long batch)
{
    char c;
    int fd = open("/dev/zero", O_RDONLY);

    if (fd < 0) {
        fail(metric, "open /dev/zero");
        return -1;
    }
    double t0 = now_ns();
    for (unsigned long i = 0; i < batch; i++) {
        if (read(fd, &c, 1) != 1) {
            fail(metric, "read");
            close(fd);
            return -1;
        }
    }
    double t = now_ns() - t0;
    close(fd);
    return t;
}

static double s_stat(const char *metric, unsigned long batch)
{
    struct stat st;
    double t0 = now_ns();

    for (unsigned long i = 0; i < batch; i++) {
        if (stat(work_file, &st) != 0) {
            fail(metric, "stat");
            return -1;
        }
    }
    return now_ns() - t0;
}

static double s_open_close(const char *metric, unsigned long batch)
{
    double t0 = now_ns();

    for (unsigned long i = 0; i < batch; i++) {
        int fd = open(work_file, O_RDONLY);

        if (fd < 0) {
            fail(metric, "open");
            return -1;
        }
        close(fd);
    }
    return now_ns() - t0;
}

/* A child echoes each byte back: one sample is `batch` round trips of one
 * byte through two pipes, two context switches each on one CPU. */
static double s_pipe_roundtrip(const char *metric, unsigned long batch)
{
    int to_child[2], to_parent[2];
    char c = 'x';

    if (pipe(to_child) != 0 || pipe(to_parent) != 0) {
        fail(metric, "pipe");
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        fail(metric, "fork");
        return -1;
    }
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        while (read(to_child[0], &c, 1) == 1)
            if (write(to_parent[1], &c, 1) != 1)
                break;
        _exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    /* One round trip first, so the child is running before the clock starts. */
    if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
        batch = 0;
    double t0 = now_ns();
    for (unsigned long i = 0; i < batch; i++) {
        if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1) {
            batch = 0;
            break;
        }
    }
    double t = now_ns() - t0;
    close(to_child[1]);
    close(to_parent[0]);
    waitpid(pid, NULL, 0);
    if (batch == 0) {
        fail(metric, "round trip");
        return -1;
    }
    return t;
}

static double s_fork_exit(const char *metric, unsigned long batch)
{
    double t0 = now_ns();

    for (unsigned long i = 0; i < batch; i++) {
        int status;
        pid_t pid = fork();

        if (pid < 0) {
            fail(metric, "fork");
            return -1;
        }
        if (pid == 0)
            _exit(0);
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
            fail(metric, "waitpid");
            return -1;
        }
    }
    return now_ns() - t0;
}

static double s_fork_exec(const char *metric, unsigned long batch)
{
    char *const argv[] = { (char *)self_path, "--exit", NULL };
    char *const envp[] = { NULL };
    double t0 = now_ns();

    for (unsigned long i = 0; i < batch; i++) {
        int status;
        pid_t pid = fork();

        if (pid < 0) {
            fail(metric, "fork");
            return -1;
        }
        if (pid == 0) {
            execve(self_path, argv, envp);
            _exit(127);
        }
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            errno = ENOEXEC;
            fail(metric, "exec of self");
            return -1;
        }
    }
    return now_ns() - t0;
}

/* Anonymous private memory without transparent huge pages (a PV guest has
 * none, and native Linux must take the same 4 KiB faults to compare). */
static char *map_region(const char *metric)
{
    char *p = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        fail(metric, "mmap");
        return NULL;
    }
    madvise(p, REGION, MADV_NOHUGEPAGE);
    return p;
}

/* Page fault: the first write to each page of fresh anonymous memory (a
 * fault that allocates and zeroes a page and installs its entry); one
 * sample is `batch` pages, only the touching is timed. */
static double s_page_fault(const char *metric, unsigned long batch)
{
    double total = 0;

    for (unsigned long done = 0; done < batch; ) {
        unsigned long n = batch - done < REGION / PAGE ? batch - done : REGION / PAGE;
        char *p = map_region(metric);

        if (!p)
            return -1;
        double t0 = now_ns();
        for (unsigned long i = 0; i < n; i++)
            p[i * PAGE] = 1;
        total += now_ns() - t0;
        munmap(p, REGION);
        done += n;
    }
    return total;
}

static double s_mmap_touch_munmap(const char *metric, unsigned long batch)
{
    double t0 = now_ns();

    for (unsigned long i = 0; i < batch; i++) {
        char *p = map_region(metric);

        if (!p)
            return -1;
        for (unsigned long off = 0; off < REGION; off += PAGE)
            p[off] = 1;
        munmap(p, REGION);
    }
    return now_ns() - t0;
}

static volatile uint64_t sink;

/* A dependent integer chain: no memory traffic, no kernel entry; what any
 * hypervisor should leave alone. */
static double s_cpu_loop(const char *metric, unsigned long batch)
{
    double t0 = now_ns();

    for (unsigned long b = 0; b < batch; b++) {
        uint64_t x = sink + b;

        for (unsigned long i = 0; i < CPU_LOOP_ITERS; i++)
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        sink = x;
    }
    return now_ns() - t0;
}

static char *copy_src, *copy_dst;

static double s_memcpy(const char *metric, unsigned long batch)
{
    if (!copy_src) {
        copy_src = malloc(COPY_BYTES);
        copy_dst = malloc(COPY_BYTES);
        if (!copy_src || !copy_dst) {
            fail(metric, "malloc");
            return -1;
        }
        memset(copy_src, 0x5a, COPY_BYTES);
        memset(copy_dst, 0, COPY_BYTES);
    }
    double t0 = now_ns();
    for (unsigned long i = 0; i < batch; i++) {
        copy_src[i % COPY_BYTES] = (char)i;
        memcpy(copy_dst, copy_src, COPY_BYTES);
        __asm__ volatile("" ::"r"(copy_dst) : "memory");
    }
    return now_ns() - t0;
}

struct metric {
    const char *name;   /* units in the name: what the printed figure is */
    sample_fn fn;
    unsigned long batch;  /* operations per sample at scale 1 */
    double per;         /* the batch time is divided by batch * per */
};

/* Batches sized so that the whole run takes some seconds on Xen 4.17 under
 * TCG; -s scales them all. */
static const struct metric metrics[] = {
    { "syscall_null_ns",            s_syscall_null,      2000, 1 },
    { "read_1byte_ns",              s_read_1byte,        2000, 1 },
    { "stat_ns",                    s_stat,              1000, 1 },
    { "open_close_ns",              s_open_close,        1000, 1 },
    { "pipe_roundtrip_us",          s_pipe_roundtrip,     200, 1000 },
    { "fork_exit_us",               s_fork_exit,           20, 1000 },
    { "fork_exec_us",               s_fork_exec,           10, 1000 },
    { "page_fault_ns",              s_page_fault,        1024, 1 },
    { "mmap_touch_munmap_4MiB_us",  s_mmap_touch_munmap,    4, 1000 },
    { "cpu_loop_1M_us",             s_cpu_loop,             2, 1000 },
    { "memcpy_1MiB_us",             s_memcpy,               8, 1000 },
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void run_metric(const struct metric *m, int samples, double scale)
{
    double v[MAX_SAMPLES];
    unsigned long batch = (unsigned long)(m->batch * scale);

    if (batch == 0)
        batch = 1;
    if (m->fn(m->name, batch) < 0)   /* warm-up: caches, page tables, dentries */
        return;
    for (int i = 0; i < samples; i++) {
        double t = m->fn(m->name, batch);

        if (t < 0)
            return;
        v[i] = t / ((double)batch * m->per);
    }
    qsort(v, samples, sizeof(v[0]), cmp_double);
    double median = samples % 2 ? v[samples / 2] : (v[samples / 2 - 1] + v[samples / 2]) / 2;
    printf("LBENCH %s %.1f min=%.1f max=%.1f samples=%d batch=%lu\n",
           m->name, median, v[0], v[samples - 1], samples, batch);
    fflush(stdout);
}

static int usage(void)
{
    fprintf(stderr, "usage: lbench [-n SAMPLES(1-%d)] [-s SCALE] [-o METRIC] | --exit\n",
            MAX_SAMPLES);
    return 2;
}

int main(int argc, char **argv)
{
    int samples = 7;
    double scale = 1.0;
    const char *only = NULL;

    if (argc > 1 && strcmp(argv[1], "--exit") == 0)
        return 0;
    self_path = argv[0];
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            return usage();
        if (strcmp(argv[i], "-n") == 0)
            samples = atoi(argv[++i]);
        else if (strcmp(argv[i], "-s") == 0)
            scale = atof(argv[++i]);
        else if (strcmp(argv[i], "-o") == 0)
            only = argv[++i];
        else
            return usage();
    }
    if (samples < 1 || samples > MAX_SAMPLES || !(scale > 0))
        return usage();
    if (strchr(self_path, '/') == NULL) {
        fprintf(stderr, "lbench: run me by path (fork+exec executes argv[0])\n");
        return 2;
    }

    int fd = open(work_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "lbench\n", 7) != 7) {
        fail("setup", work_file);
        return 1;
    }
    close(fd);

    printf("LBENCH-BEGIN samples=%d scale=%g\n", samples, scale);
    fflush(stdout);
    int ran = 0;
    for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
        if (only && strcmp(only, metrics[i].name) != 0)
            continue;
        run_metric(&metrics[i], samples, scale);
        ran++;
    }
    if (only && !ran) {
        fprintf(stderr, "lbench: no metric %s\n", only);
        return 2;
    }
    unlink(work_file);
    if (errors)
        printf("LBENCH-END errors=%d\n", errors);
    else
        printf("LBENCH-END ok\n");
    fflush(stdout);
    return errors ? 1 : 0;
}
