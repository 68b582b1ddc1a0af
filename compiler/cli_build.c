/* cli_build.c — what every running subcommand starts with: the spec
 * compiled to a runtime model on the chosen back end. */
#include <string.h>

#include "cli.h"
#include "ir_kernels.h"
#include "model_desc.h"

int cli_build(const char *spec, const Opts *o, Built *b) {
    memset(b, 0, sizeof *b);
    const char *backend = opt_str(o, "--backend");
    if (backend && strcmp(backend, "interp")) {
        if (!strcmp(backend, "jit")) diag_tool_error("--backend jit: this build has no JIT back end yet; use --backend interp");
        else diag_tool_error("--backend must be interp or jit, not '%s'", backend);
        return 1;
    }
    b->c = compile_file(spec);
    if (!b->c) return 1;
    b->an = compile_main_model(b->c);
    if (!b->an) return 1;
    b->ir = ir_build(b->c->arena, b->an);
    b->m = desc_build(b->c->arena, b->an, b->ir);
    return 0;
}

void cli_unbuild(Built *b) { compile_free(b->c); }

int cli_fail_rt(void) {
    diag_tool_error("%s", rt_last_error());
    return 1;
}
