/* rt_page.h — the HTML page a person looks at after a run (train --report,
 * eval --html): the report's text, the training curves, the model's
 * filters and a grid of its samples, inline in one file (rt_html.c). It
 * was compiler/cli/cli_pictures.c; in the runtime, built binaries write it
 * too. */
#ifndef EBMC_RT_PAGE_H
#define EBMC_RT_PAGE_H
#include <stdint.h>

#include "rt_model.h"

/* what the page draws of a model: samples of `chains` chains (at most
 * 100) after `steps` sweeps, as the sample block says */
typedef struct rt_page_ctx {
    const rt_model *m;
    int64_t chains, steps;
} rt_page_ctx;

/* The page at html: heading and text (when text is not NULL), the curves
 * PNG (when not NULL), then the filters (rt_filters_png) and samples of
 * p, those that can be drawn (an image-shaped visible group). 0, or -1
 * after rt_fail. */
int rt_page_write(const rt_page_ctx *c, rt_params *p, const char *html, const char *title, const char *heading,
                  const char *text, const char *curves, uint64_t seed);
/* train --report's page (rt_drive's page hook; ctx is an rt_page_ctx):
 * rt_page_write under the heading "Run"; 0, or -1 after rt_fail */
int rt_page_of_run(void *ctx, rt_params *p, const char *html, const char *title, const char *text, const char *curves,
                   uint64_t seed);
#endif
