/* aot_emit.h — a compiled model and its spec's settings as C source, for
 * `ebmc build` (compiler/cli/cli_aot.c): static data the runtime reads as it
 * reads the rt_model the compiler fills in memory, so a built binary runs
 * the same code paths as ebmc itself. */
#ifndef EBMC_BUILD_EMIT_H
#define EBMC_BUILD_EMIT_H
#include <stdio.h>

#include "config.h"
#include "rt_model.h"
#include "rt_tempered.h"

/* `static rt_model PREFIX_model` and what it points to; its exec calls the
 * kernel table PREFIX_kernels (compiler/llvm/llvm_aot.c). params_blob: a
 * file of every parameter's floats in order, included in the object as
 * PREFIX_params, or NULL. */
void aot_emit_model_c(FILE *f, const rt_model *m, const char *prefix, const char *params_blob);
/* the settings a built binary's subcommands start from */
void aot_emit_train_cfg(FILE *f, const char *name, const rt_train_cfg *t);
void aot_emit_source(FILE *f, const char *name, const rt_source *s);
/* `static rt_tempered NAME` less its models (m, orig: set by main) */
void aot_emit_tempered(FILE *f, const char *name, const rt_tempered *t);
/* a C string literal of s ("NULL" for NULL) */
void aot_emit_string(FILE *f, const char *s);
#endif
