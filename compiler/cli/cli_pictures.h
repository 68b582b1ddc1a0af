/* cli_pictures.h — the pictures a person looks at after training: each
 * hidden unit's receptive field (its weights to the first visible group,
 * shaped like the image), and a grid of samples. */
#ifndef EBMC_CLI_PICTURES_H
#define EBMC_CLI_PICTURES_H
#include "cli.h"

/* height and width of group g's units as an image (2-D groups as they are,
 * 1-D ones of square size as squares); 0 if they are not one */
int cli_image_shape(const rt_model *m, int g, int *h, int *w);
/* The parameter that couples the first visible group to a hidden group in
 * a term of the energy (W in v[i]*W[i, j]*h[j]), one filter per hidden
 * unit, drawn to a PNG grid on one symmetric colour scale with a legend
 * (rt_write_filters_png).
 * 0, or 1 after an error (reported when loud). */
int cli_filters_png(const Built *b, rt_params *p, const char *path, int loud);
/* chains samples (steps Gibbs sweeps from random states) of the first
 * visible group's conditional means as a PNG grid; 0 or 1 (reported when
 * loud) */
int cli_samples_png(const Built *b, rt_params *p, long long chains, long long steps, unsigned long long seed,
                    const char *path, int loud);
/* A self-contained HTML page at html: heading and text (when text is not
 * NULL), the curves PNG (when not NULL), then the filters and samples drawn
 * for it (those that can be: an image-shaped visible group), all inline.
 * eval --html and train --report write it. 0, or 1 after an error. */
int cli_html_page(const Built *b, rt_params *p, const char *html, const char *title, const char *heading, const char *text,
                  const char *curves, unsigned long long seed);
#endif
