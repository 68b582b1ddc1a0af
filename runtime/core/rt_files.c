/* rt_files.c — the files a command reads and writes, and atomic writes.
 *
 * One rule for ebmc and built binaries alike: an output never replaces a
 * file the same process reads (the spec, data, parameters, clamp files), a
 * second output of the same command, or anything that is not a regular
 * file (a device, a FIFO, a socket, a directory). A symbolic link is written
 * through, to its target, whose mode is kept. Inputs are read only when they
 * are regular files no larger than RT_INPUT_CAP: /dev/zero or a FIFO given
 * as a spec or a CSV is refused, not read until memory runs out.
 *
 * Identity is the device and inode of an existing file, else the canonical
 * path (the real directory plus the name), so "x", "./x" and a link to x
 * are the same output. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"
#include "rt_dist.h"

enum { MAX_FILES = 256, MAX_LINKS = 40 };

typedef struct File {
    char *path;        /* as the user wrote it, for messages */
    char *canon;       /* canonical path of the target */
    const char *role;  /* "--out", "the spec", ...; NULL: "an input" */
    dev_t dev;
    ino_t ino;
    int exists, allowed;
} File;

static File inputs[MAX_FILES], outputs[MAX_FILES];
static int ninputs, noutputs, guarding;

void rt_files_guard(int on) { guarding = on; }

static const char *kind_of(mode_t m) {
    return S_ISDIR(m) ? "a directory" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
         : S_ISFIFO(m) ? "a FIFO (named pipe)" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

char *rt_path_target(const char *path) {
    char *p = strdup(path);
    for (int hop = 0; p && hop < MAX_LINKS; hop++) {
        struct stat st;
        if (lstat(p, &st) != 0 || !S_ISLNK(st.st_mode)) return p;
        char link[PATH_MAX];
        ssize_t n = readlink(p, link, sizeof link - 1);
        if (n < 0) return p;
        link[n] = 0;
        char *next;
        const char *slash = strrchr(p, '/');
        if (link[0] == '/' || !slash) next = strdup(link);
        else if (asprintf(&next, "%.*s/%s", (int)(slash - p), p, link) < 0) next = NULL;
        free(p);
        p = next;
    }
    return p;
}

/* the real directory of target plus its name; NULL when the directory does
 * not exist (then the write fails anyway, with the system's reason) */
static char *canonical(const char *target) {
    const char *slash = strrchr(target, '/');
    char *dir = slash ? strndup(target, slash == target ? 1 : (size_t)(slash - target)) : strdup(".");
    char *real = dir ? realpath(dir, NULL) : NULL, *out = NULL;
    if (real && asprintf(&out, "%s/%s", strcmp(real, "/") ? real : "", slash ? slash + 1 : target) < 0) out = NULL;
    free(dir);
    free(real);
    return out;
}

static void fill(File *f, const char *path, const char *role) {
    memset(f, 0, sizeof *f);
    f->path = strdup(path);
    f->role = role;
    char *target = rt_path_target(path);
    struct stat st;
    if (target && stat(target, &st) == 0) {
        f->exists = 1;
        f->dev = st.st_dev;
        f->ino = st.st_ino;
    }
    f->canon = target ? canonical(target) : NULL;
    free(target);
}

static int same(const File *a, const File *b) {
    if (a->exists && b->exists) return a->dev == b->dev && a->ino == b->ino;
    return !a->exists && !b->exists && a->canon && b->canon && !strcmp(a->canon, b->canon);
}

static void note_input(const char *path, const char *role, int allowed) {
    if (!guarding || !path || ninputs >= MAX_FILES) return;
    File f;
    fill(&f, path, role);
    f.allowed = allowed;
    if (!f.exists) {
        free(f.path);
        free(f.canon);
        return;
    }
    for (int i = 0; i < ninputs; i++)
        if (same(&inputs[i], &f)) {
            /* the first name is kept; a role given later is more precise */
            if (role && !inputs[i].role) inputs[i].role = role;
            inputs[i].allowed |= allowed;
            free(f.path);
            free(f.canon);
            return;
        }
    inputs[ninputs++] = f;
}

void rt_input_note(const char *path, const char *role) { note_input(path, role, 0); }
void rt_output_may_replace(const char *path) { note_input(path, NULL, 1); }

int rt_input_check(const char *path, int64_t cap) {
    if (!path || !*path) return rt_fail("no file name given");
    struct stat st;
    if (stat(path, &st) != 0) return rt_fail("cannot read '%s': %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) return rt_fail("cannot read '%s': it is a directory", path);
    if (!S_ISREG(st.st_mode))
        return rt_fail("cannot read '%s': it is %s; ebmc reads regular files only", path, kind_of(st.st_mode));
    if (cap > 0 && st.st_size > cap)
        return rt_fail("cannot read '%s': it has %lld bytes, more than the %lld a file read by ebmc may have", path,
                       (long long)st.st_size, (long long)cap);
    note_input(path, NULL, 0);
    return 0;
}

int rt_check_readable(const char *path) { return rt_input_check(path, RT_INPUT_CAP); }

/* the reason path may not be written, as an error; 0 if it may */
static int refuse(const File *f, const char *role) {
    const char *r = role ? role : "an output";
    if (f->exists) {
        char *target = rt_path_target(f->path);
        struct stat st;
        int bad = target && stat(target, &st) == 0 && !S_ISREG(st.st_mode);
        free(target);
        if (bad)
            return rt_fail("refusing to write %s '%s': it is %s; ebmc writes regular files only", r, f->path,
                           kind_of(st.st_mode));
    }
    for (int i = 0; i < ninputs; i++)
        if (!inputs[i].allowed && same(&inputs[i], f)) {
            if (!strcmp(inputs[i].path, f->path))
                return rt_fail("refusing to write %s '%s': it is %s this command reads", r, f->path,
                               inputs[i].role ? inputs[i].role : "an input");
            return rt_fail("refusing to write %s '%s': it is the same file as %s '%s', which this command reads", r,
                           f->path, inputs[i].role ? inputs[i].role : "the input", inputs[i].path);
        }
    return 0;
}

int rt_output_check(const char *path, const char *role) {
    if (!path || !*path) return rt_fail("%s: no file name given", role ? role : "an output");
    File f;
    fill(&f, path, role);
    int rc = refuse(&f, role);
    for (int i = 0; !rc && i < noutputs; i++)
        if (same(&outputs[i], &f))
            rc = rt_fail("refusing to write %s '%s': %s '%s' is the same file", role ? role : "an output", path,
                         outputs[i].role ? outputs[i].role : "another output", outputs[i].path);
    if (rc || !guarding || noutputs >= MAX_FILES) {
        free(f.path);
        free(f.canon);
        return rc;
    }
    outputs[noutputs++] = f;
    return 0;
}

void rt_files_forget(void) {
    for (int i = 0; i < ninputs; i++) free(inputs[i].path), free(inputs[i].canon);
    for (int i = 0; i < noutputs; i++) free(outputs[i].path), free(outputs[i].canon);
    ninputs = noutputs = 0;
}

/* ---- atomic files ---------------------------------------------------------------- */

/* The temp file is a short name beside the target: .NAME(32 chars at
 * most).HASH.PID.N.ebmc-tmp, so a 255-character output name still fits,
 * and a later write of the same target knows the leftovers of a killed run
 * by their prefix and their dead PID. */
static unsigned long long fnv1a(const char *s) {
    unsigned long long h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void remove_leftovers(const char *dir, const char *prefix) {
    DIR *d = opendir(dir);
    size_t plen = strlen(prefix);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strncmp(e->d_name, prefix, plen)) continue;
        long pid = strtol(e->d_name + plen, NULL, 10);
        if (pid == (long)getpid()) continue;   /* ours: still being written */
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) continue;   /* a live writer's */
        char *p;
        if (asprintf(&p, "%s/%s", dir, e->d_name) >= 0) {
            unlink(p);
            free(p);
        }
    }
    if (d) closedir(d);
}

/* An atomic write's FILE writes through sink_write, which keeps the errno
 * of the first write that failed: by the commit errno has been overwritten
 * many times, and ferror() says only that something failed. The sink also
 * keeps the descriptor the commit fsyncs (fileno of a cookie stream is -1). */
typedef struct Sink { int fd, err; } Sink;

static ssize_t sink_write(void *cookie, const char *buf, size_t n) {
    Sink *s = cookie;
    for (size_t done = 0; done < n;) {
        ssize_t w = write(s->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (!s->err) s->err = w < 0 ? errno : EIO;
            return -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)n;
}

static int sink_close(void *cookie) {
    Sink *s = cookie;
    int rc = close(s->fd);
    free(s);
    return rc;
}

static FILE *sink_open(int fd, void **sink) {
    Sink *s = malloc(sizeof *s);
    if (!s) return NULL;
    *s = (Sink){fd, 0};
    FILE *f = fopencookie(s, "wb", (cookie_io_functions_t){NULL, sink_write, NULL, sink_close});
    if (!f) free(s);
    else *sink = s;
    return f;
}

/* mkstemp-like creation gives 0600; the file we leave behind gets the mode
 * of the file it replaces, else the mode any newly created file would:
 * 0666 less the umask. umask() can only be read by setting it, so it is set
 * back at once. */
int rt_atomic_open(rt_atomic *a, const char *path) {
    static unsigned counter;
    memset(a, 0, sizeof *a);
    if (rt_dist_rank() > 0) {
        /* one writer: rank 0 writes the job's files, the others' go nowhere */
        if (!(a->fp = fopen("/dev/null", "wb"))) return rt_fail("cannot write '%s': %s", path, strerror(errno));
        a->path = strdup(path);
        return 0;
    }
    File f;
    fill(&f, path, NULL);
    int rc = refuse(&f, NULL);
    free(f.path);
    free(f.canon);
    if (rc) return -1;
    char *target = rt_path_target(path);
    if (!target) return rt_fail("cannot write '%s': out of memory", path);
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    char *dir = slash ? strndup(target, slash == target ? 1 : (size_t)(slash - target)) : strdup(".");
    char *prefix = NULL;
    if (!dir || asprintf(&prefix, ".%.32s.%016llx.", base, fnv1a(base)) < 0) prefix = NULL;
    int fd = -1, e = ENOMEM;
    if (prefix) {
        remove_leftovers(dir, prefix);
        for (int tries = 0; fd < 0 && tries < 100; tries++) {
            free(a->tmp);
            if (asprintf(&a->tmp, "%s/%s%ld.%u.ebmc-tmp", dir, prefix, (long)getpid(), counter++) < 0) {
                a->tmp = NULL;
                break;
            }
            fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            e = errno;
            if (fd < 0 && e != EEXIST) break;
        }
    }
    free(dir);
    free(prefix);
    if (fd < 0) {
        free(a->tmp);
        free(target);
        a->tmp = NULL;
        return rt_fail("cannot write '%s': %s", path, strerror(e));
    }
    struct stat st;
    mode_t mode;
    if (stat(target, &st) == 0) mode = st.st_mode & 07777;
    else {
        mode_t u = umask(0);
        umask(u);
        mode = 0666 & ~u;
    }
    if (fchmod(fd, mode) != 0 || !(a->fp = sink_open(fd, &a->sink))) {
        e = errno;
        close(fd);
        unlink(a->tmp);
        free(a->tmp);
        free(target);
        a->tmp = NULL;
        return rt_fail("cannot write '%s': %s", path, strerror(e));
    }
    a->path = strdup(path);
    a->target = target;
    return 0;
}

/* After the rename the new name is only durable once the directory that
 * holds it is synced. Best effort: some file systems cannot sync a
 * directory, and the file itself is already complete and in place. */
static void sync_parent_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int rt_atomic_commit(rt_atomic *a, int ok) {
    FILE *f = a->fp;
    int rc = 0;
    if (!a->tmp) {   /* a rank above 0's /dev/null */
        fclose(f);
        free(a->path);
        a->path = NULL;
        a->fp = NULL;
        return ok ? 0 : -1;
    }
    Sink *s = a->sink;
    if (ok) {
        int flushed = fflush(f) == 0 && !ferror(f);
        int e = s->err ? s->err : !flushed ? EIO : fsync(s->fd) != 0 ? errno : 0;
        if (e) rc = rt_fail("cannot write '%s': %s", a->path, strerror(e));
    }
    if (fclose(f) != 0 && ok && !rc) rc = rt_fail("cannot write '%s': %s", a->path, strerror(errno));
    if (ok && !rc && rename(a->tmp, a->target) != 0) rc = rt_fail("cannot write '%s': %s", a->path, strerror(errno));
    if (ok && !rc) sync_parent_dir(a->target);
    if (!ok || rc) unlink(a->tmp);
    free(a->tmp);
    free(a->path);
    free(a->target);
    a->tmp = a->path = a->target = NULL;
    a->fp = a->sink = NULL;
    return ok ? rc : -1;
}

void rt_default_out(const char *spec, char *out, size_t n) {
    const char *base = strrchr(spec, '/') ? strrchr(spec, '/') + 1 : spec, *dot = strrchr(base, '.');
    snprintf(out, n, "%.*s.safetensors", (int)(dot ? dot - base : (long)strlen(base)), base);
}
