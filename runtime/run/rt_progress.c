/* rt_progress.c — the live progress bar and the YAML log of a training run.
 *
 *   epoch  12/20 [#########...........]  340/600  152.3 batch/s  ETA 0:02 (run 1:05)  recon 0.03121
 *   epoch  740/2000 [#######.............]  95.3 epoch/s  ETA 0:13  recon 0.03121
 *
 * The first form fills over an epoch's batches; the second, for epochs of
 * a few batches (bars-and-stripes: one), fills over the run's epochs. The
 * time left appears once a few batches have been timed (before that a rate
 * is a guess). The bar is redrawn at most ten times a second on one line of
 * a terminal and cleared at the end of an epoch that prints a line, so that
 * line stays as the history. The log gets one YAML flow mapping per epoch,
 * every monitor in it, flushed at once (tail -f works). */
#include "rt_progress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "rt_train.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int rt_is_terminal(FILE *f) {
    const char *term = getenv("TERM");
    return f && isatty(fileno(f)) && !(term && !strcmp(term, "dumb"));
}

void rt_reporter_init(rt_reporter *r, FILE *bar, FILE *log) {
    memset(r, 0, sizeof *r);
    r->bar = rt_is_terminal(bar) ? bar : NULL;
    r->log = log;
    r->start = now();
    r->pll = r->loglik = NAN;
}

static void clear(rt_reporter *r) {
    if (r->bar && r->drawn) {
        fputs("\r\033[K", r->bar);
        fflush(r->bar);
    }
    r->drawn = 0;
}

void rt_reporter_end(rt_reporter *r) { clear(r); }

void rt_log_embed(FILE *log, const char *key, const char *yaml) {
    fprintf(log, "%s:\n", key);
    for (const char *p = yaml; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len && p[0] != '#') fprintf(log, "  %.*s\n", (int)len, p);
        p += len + (nl != NULL);
    }
}

static int columns(FILE *f) {
    struct winsize w;
    if (ioctl(fileno(f), TIOCGWINSZ, &w) == 0 && w.ws_col > 20) return w.ws_col;
    return 80;
}

static void clock_text(char *buf, size_t n, double s) {
    if (!isfinite(s) || s < 0) {
        snprintf(buf, n, "?");
        return;
    }
    long t = lround(s);
    if (t >= 3600) snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

/* the time left is shown after this many timed batches and seconds */
enum { ETA_MIN_BATCHES = 5 };
#define ETA_MIN_SECONDS 0.5

/* epochs this short are drawn as one bar over the run */
enum { SHORT_EPOCH_BATCHES = 10 };

static void draw(rt_reporter *r, const rt_progress *ev) {
    double t = now(), timed = t - r->first;
    int64_t measured = r->done - 1;   /* batches after the first */
    double rate = timed > 0 && measured > 0 ? (double)measured / timed : 0;
    int known = measured >= ETA_MIN_BATCHES && timed >= ETA_MIN_SECONDS && rate > 0;
    int64_t left_epoch = ev->batches - ev->batch;
    int64_t left_run = left_epoch + (int64_t)(ev->epochs - ev->epoch) * ev->batches;
    int whole_run = ev->batches < SHORT_EPOCH_BATCHES;
    char eta[32], run[32], line[512];
    clock_text(eta, sizeof eta, (double)(whole_run ? left_run : left_epoch) / rate);
    clock_text(run, sizeof run, (double)left_run / rate);
    int width = 20, fill;
    if (whole_run) {
        int64_t total = (int64_t)ev->epochs * ev->batches;
        fill = total ? (int)(width * (total - left_run) / total) : 0;
    } else fill = ev->batches ? (int)(width * ev->batch / ev->batches) : 0;
    char bar[32];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    int o;
    /* no rate before a batch after the first was timed */
    if (whole_run) {
        o = snprintf(line, sizeof line, "epoch %*d/%d [%s]", ev->epochs >= 1000 ? 5 : 4, ev->epoch, ev->epochs, bar);
        if (rate > 0) o += snprintf(line + o, sizeof line - (size_t)o, "  %.1f epoch/s", rate / (double)ev->batches);
        if (known) o += snprintf(line + o, sizeof line - (size_t)o, "  ETA %s", eta);
    } else {
        o = snprintf(line, sizeof line, "epoch %*d/%d [%s] %*lld/%lld", ev->epochs >= 100 ? 4 : 3, ev->epoch, ev->epochs, bar,
                     ev->batches >= 100 ? 4 : 2, (long long)ev->batch, (long long)ev->batches);
        if (rate > 0) o += snprintf(line + o, sizeof line - (size_t)o, "  %.1f batch/s", rate);
        if (known) o += snprintf(line + o, sizeof line - (size_t)o, "  ETA %s (run %s)", eta, run);
    }
    if (!isnan(ev->recon)) o += snprintf(line + o, sizeof line - (size_t)o, "  recon %.5f", ev->recon);
    if (!isnan(ev->loss)) o += snprintf(line + o, sizeof line - (size_t)o, "  loss %.5f", ev->loss);
    if (!isnan(r->pll)) o += snprintf(line + o, sizeof line - (size_t)o, "  pll %.4f", r->pll);
    if (!isnan(r->loglik)) snprintf(line + o, sizeof line - (size_t)o, "  loglik %.4f", r->loglik);
    int cols = columns(r->bar) - 1;
    fprintf(r->bar, "\r%.*s\033[K", cols, line);
    fflush(r->bar);
    r->drawn = 1;
    r->last_draw = t;
}

/* "key: value" into a flow mapping, skipping values that are off */
static void field(FILE *f, const char *key, double v) {
    if (!isnan(v)) fprintf(f, ", %s: %.9g", key, v);
}

static void log_epoch(rt_reporter *r, const rt_progress *ev) {
    const rt_epoch_stats *s = ev->stats;
    fprintf(r->log, "  - {epoch: %d, seconds: %.4f, batches: %lld", s->epoch, s->seconds, (long long)ev->batches);
    field(r->log, "recon_error", ev->recon);
    field(r->log, "loss", s->loss);
    field(r->log, "gen_loss", s->gen_loss);
    field(r->log, "pseudo_loglik", s->pll);
    field(r->log, "exact_loglik", s->loglik);
    field(r->log, "logz", s->logz);
    field(r->log, "accuracy", s->accuracy);
    field(r->log, "cond_loglik", s->cond_loglik);
    field(r->log, "fe_gap", s->fe_gap);
    field(r->log, "swap_rate", s->swap_rate);
    field(r->log, "lr", s->lr);
    field(r->log, "momentum", s->momentum);
    field(r->log, "weight_decay", s->weight_decay);
    fputs("}\n", r->log);
    fflush(r->log);
}

void rt_reporter_event(void *ctx, const rt_progress *ev) {
    rt_reporter *r = ctx;
    if (!ev->stats) {
        if (r->done++ == 0) r->first = now();
        if (r->bar && now() - r->last_draw >= 0.1) draw(r, ev);
        return;
    }
    if (ev->prints) clear(r);
    if (!isnan(ev->stats->pll)) r->pll = ev->stats->pll;
    if (!isnan(ev->stats->loglik)) r->loglik = ev->stats->loglik;
    if (r->log) log_epoch(r, ev);
}
