/* rt_progress.h — what a training run tells a reporter while it runs (after
 * every batch and at the end of every epoch), and the reporter ebmc uses:
 * a live progress bar on a terminal and a YAML log, one line per epoch. */
#ifndef EBMC_RT_PROGRESS_H
#define EBMC_RT_PROGRESS_H
#include <stdint.h>
#include <stdio.h>

struct rt_epoch_stats;

typedef struct rt_progress {
    int epoch, epochs;
    int64_t batch, batches;   /* batches done in this epoch, of */
    double recon;             /* the epoch's running reconstruction error (NAN: off) */
    double loss;              /* method = minimize: the epoch's running loss (NAN: off) */
    const struct rt_epoch_stats *stats;   /* at the end of an epoch: its monitors; NULL after a batch */
    double optimum;           /* the best average log-likelihood possible (NAN: unknown) */
    int prints;               /* at the end of an epoch: the run prints a line for it,
                                 so the bar makes way (else it stays on the screen) */
} rt_progress;

typedef void (*rt_progress_fn)(void *ctx, const rt_progress *ev);

typedef struct rt_reporter {
    FILE *bar;                /* a terminal for the live bar, or NULL */
    FILE *log;                /* YAML lines, or NULL */
    double start, last_draw;
    int64_t done;             /* batches since the start */
    double first;             /* when the first batch ended: the rate is measured from
                                 there, so start-up and the first batch's warm-up do not
                                 count in the time left */
    int drawn;                /* the bar is on the screen */
    double pll, loglik;       /* the last monitored values (NAN: none yet) */
} rt_reporter;

/* bar: where to draw the bar (only if it is a terminal); log: the YAML log
 * (its header written by the caller), either may be NULL */
void rt_reporter_init(rt_reporter *r, FILE *bar, FILE *log);
/* an rt_progress_fn: ctx is the rt_reporter */
void rt_reporter_event(void *ctx, const rt_progress *ev);
/* clears the bar from the screen */
void rt_reporter_end(rt_reporter *r);
/* a log's header entry: yaml's lines indented under key, its comments
 * left out */
void rt_log_embed(FILE *log, const char *key, const char *yaml);
/* is f a terminal that can draw a bar (not TERM=dumb)? */
int rt_is_terminal(FILE *f);
#endif
