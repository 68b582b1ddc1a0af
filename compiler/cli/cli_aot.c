/* cli_aot.c — ebmc build: a spec compiled ahead of time.
 *
 *   ebmc build SPEC -o BIN [--params P] [--target T] [--cpu C] [--emit-llvm F.ll]
 *   ebmc build SPEC -c -o model.o --emit-header model.h [--name PREFIX]
 *
 * The kernels go through LLVM to an object file (compiler/llvm/llvm_aot.c);
 * the rt_model, the spec's settings and a main() (or the embedding API) are
 * written as C (aot_emit.c) and compiled with the system's C compiler
 * ($CC, default cc) against the runtime's headers; the executable links
 * libebmrt.a and OpenBLAS, libyaml, libpng, zlib. Everything is made in a
 * temporary directory and renamed into place, so a failed build leaves
 * nothing half-written. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aot_emit.h"
#include "cli.h"
#include "cli_aot.h"
#include "config.h"
#include "derive_mp.h"
#include "derive_tempered.h"
#include "ir_kernels.h"
#include "ir_model.h"
#ifndef EBMC_NO_LLVM
#include "llvm.h"
#endif

#ifndef EBMC_SAN_FLAGS
#define EBMC_SAN_FLAGS ""
#endif
/* Open MPI's link flags when ebmc was built with it: a built binary runs
 * under mpirun as ebmc does (docs/distributed.md) */
#ifndef EBMC_MPI_LIBS
#define EBMC_MPI_LIBS ""
#endif

static const Flag build_flags[] = {
    {"-o", 1, "the executable (or, with -c, the object file) to write", "BIN", FLAG_REQUIRED},
    {"-c", 0, "an object file to link into a C program instead of an executable (with --emit-header)", NULL, 0},
    {"--emit-header", 1, "write the C header of the object's API (model_new, model_sample, ...)", "H", 0},
    {"--name", 1, "the prefix of the API's names and the object's symbols (default: model)", "PREFIX", 0},
    {"--params", 1, "embed trained parameters, so the binary samples with no files beside it", "P", 0},
    {"--target", 1, "target triple of the kernels (default: the host's; e.g. aarch64-linux-gnu)", "TRIPLE", 0},
    {"--cpu", 1, "CPU of the kernels: the host's by default; 'generic' for a portable binary", "NAME", 0},
    {"--emit-llvm", 1, "also write the optimised LLVM IR of the kernels to this .ll file", "F.ll", 0},
    {NULL, 0, NULL, NULL, 0},
};

/* FNV-1a, 64 bits: the spec a binary was built from, in --version */
static unsigned long long fnv1a(const char *s, size_t n) {
    unsigned long long h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* where the runtime's headers and libebmrt.a are: beside this ebmc in the
 * source tree (./ebmc with build/, build-asan/ebmc; make copies the headers
 * into BUILD/include/ebmc) or installed (PREFIX/bin/ebmc) */
static int find_runtime(char *inc, char *lib, char *front, size_t n) {
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0) return rt_fail("cannot find ebmc's own path to locate libebmrt.a");
    exe[k] = 0;
    const char *dir = dirname(exe);
    const char *cand[][2] = {{"%s/build/include/ebmc", "%s/build/libebmrt.a"},
                             {"%s/include/ebmc", "%s/libebmrt.a"},
                             {"%s/../include/ebmc", "%s/../lib/libebmrt.a"}};
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++) {
        char h[PATH_MAX + 32];
        snprintf(inc, n, cand[i][0], dir);
        snprintf(lib, n, cand[i][1], dir);
        /* the front end's library beside the runtime's */
        snprintf(front, n, "%.*s/libebmcfront.a", (int)(strrchr(lib, '/') - lib), lib);
        snprintf(h, sizeof h, "%s/rt_app.h", inc);
        if (access(h, R_OK) == 0 && access(lib, R_OK) == 0 && access(front, R_OK) == 0) return 0;
    }
    return rt_fail("cannot find the runtime (rt_app.h, libebmrt.a and libebmcfront.a) beside %s: build it with make, or "
                   "make install", dir);
}

/* runs argv (a C compiler or the linker); its messages go to stderr */
static int run(char **argv) {
    if (getenv("EBMC_VERBOSE")) {
        fputs("ebmc: build:", stderr);
        for (int i = 0; argv[i]; i++) fprintf(stderr, " %s", argv[i]);
        fputc('\n', stderr);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return rt_fail("cannot start '%s': %s", argv[0], strerror(errno));
    if (pid == 0) {
        execvp(argv[0], argv);
        diag_tool_error("cannot run '%s': %s", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return rt_fail("waiting for '%s': %s", argv[0], strerror(errno));
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
    return rt_fail("'%s' failed (status %d); the command is shown with EBMC_VERBOSE=1", argv[0],
                   WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

/* "cc -fsanitize=..." as words: $CC may hold flags */
static int split(char *s, char **out, int max) {
    int n = 0;
    for (char *t = strtok(s, " \t"); t && n < max; t = strtok(NULL, " \t")) out[n++] = t;
    return n;
}

/* the parameters (checked against the spec's shapes) as raw floats */
static int write_params(const rt_model *m, const char *from, const char *to) {
    rt_params *p = rt_params_new(m);
    int rc = rt_params_load(m, p, from);
    FILE *f = rc ? NULL : fopen(to, "wb");
    if (!rc && !f) rc = rt_fail("cannot write '%s': %s", to, strerror(errno));
    for (int i = 0; f && i < m->nparams; i++)
        if (fwrite(p->value[i], sizeof(float), (size_t)m->params[i].size, f) != (size_t)m->params[i].size)
            rc = rt_fail("cannot write '%s': %s", to, strerror(errno));
    if (f && fclose(f) && !rc) rc = rt_fail("cannot write '%s': %s", to, strerror(errno));
    rt_params_free(p);
    return rc;
}

static void upper(char *out, const char *s, size_t n) {
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++) out[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
    out[i] = 0;
}

static void write_header(FILE *f, const rt_model *m, const char *px, const char *spec, int embedded) {
    char up[128];
    upper(up, px, sizeof up);
    fprintf(f, "/* %s.h — model '%s' of %s, compiled by ebmc %s (ebmc build --emit-header).\n"
               " *\n"
               " * Link the object with libebmrt.a and -lopenblas -lyaml -lpng -lz -lm. Rows\n"
               " * of visible values are %s_VISIBLE floats: the visible groups in\n"
               " * declaration order, row-major. Functions returning int give 0 on success;\n"
               " * otherwise %s_error() says why. */\n",
            px, m->name, spec, EBMC_VERSION, up, px);
    fprintf(f, "#ifndef %s_H\n#define %s_H\n#include <stdint.h>\n\n", up, up);
    fprintf(f, "#define %s_VISIBLE %lld\n", up, (long long)rt_visible_floats(m));
    int first = 1;
    for (int g = 0; g < m->ngroups; g++) {
        char gn[128];
        upper(gn, m->groups[g].name, sizeof gn);
        fprintf(f, "#define %s_%s_SIZE %lld   /* %s group '%s' */\n", up, gn, (long long)m->groups[g].size,
                m->groups[g].role == RT_VISIBLE ? "visible" : m->groups[g].role == RT_HIDDEN ? "hidden" : "input",
                m->groups[g].name);
        if (m->groups[g].role == RT_HIDDEN && first) {
            fprintf(f, "#define %s_HIDDEN %lld   /* the first hidden group, of %s_hidden_probs */\n", up,
                    (long long)m->groups[g].size, px);
            first = 0;
        }
    }
    fprintf(f, "\ntypedef struct %s_t %s_t;\n\n", px, px);
    fprintf(f, "/* %s; seed draws the initial values of parameters not loaded */\n"
               "%s_t *%s_new(uint64_t seed);\n",
            embedded ? "the model with the parameters embedded at build time" : "the model with the spec's initial parameters",
            px, px);
    fprintf(f, "/* parameters from a safetensors checkpoint (ebmc train's output) */\n"
               "int %s_load(%s_t *m, const char *safetensors);\n", px, px);
    fprintf(f, "/* chains x %s_VISIBLE floats: each chain's state after steps block-Gibbs\n"
               " * sweeps from a random state; the numbers of 'ebmc sample --seed S --out F.npy' */\n"
               "int %s_sample(%s_t *m, int64_t chains, int steps, uint64_t seed, float *out);\n", up, px, px);
    fprintf(f, "/* the free energy F(v) of n rows, hidden units summed out: p(v) = exp(-F(v)) / Z */\n"
               "int %s_free_energy(%s_t *m, const float *v, int64_t n, double *out);\n", px, px);
    fprintf(f, "/* n x %s_HIDDEN: E[h | v] of the first hidden group */\n"
               "int %s_hidden_probs(%s_t *m, const float *v, int64_t n, float *out);\n", up, px, px);
    fprintf(f, "void %s_free(%s_t *m);\nconst char *%s_error(void);\n#endif\n", px, px, px);
}

/* The other compiled models a train method needs (the tempered model of
 * method = pt, eval --ais and sample --pt; the recognition model of
 * wake_sleep / reinforce; the network of method = mp), each an Extra
 * (cli_aot.h); a stack's parts */
typedef struct Extras {
    const Tempered *t;        /* the tempered model, or NULL: not annealable */
    Extra tempered, recognition, mp;
    const AotStack *stack;    /* the spec's stack, or NULL */
} Extras;

static void write_extra(FILE *f, const Extra *x) {
    fprintf(f, "/* generated by ebmc build: model '%s' */\n#include <math.h>\n#include <stddef.h>\n#include <stdint.h>\n\n"
               "#include \"rt_model.h\"\n\n", x->m->name);
    aot_emit_model_c(f, x->m, x->px, NULL);
    fprintf(f, "rt_model *%s_get(void);\nrt_model *%s_get(void) { return &%s_model; }\n", x->px, x->px, x->px);
}

static void write_glue(FILE *f, const rt_model *m, const char *px, const char *blob, int exe, const char *spec,
                       const char *text, unsigned long long hash, const char *target, const TrainConfig *tc, int has_train,
                       const SampleConfig *sc, const char *params_from, const Extras *ex) {
    fprintf(f, "/* generated by ebmc build from %s: model '%s' */\n", spec, m->name);
    fprintf(f, "#include <math.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n\n#include \"rt_model.h\"\n#include \"%s\"\n\n",
            exe ? "rt_app.h" : "rt_embed.h");
    aot_emit_model_c(f, m, px, blob);
    if (!exe) {
        fprintf(f, "\ntypedef struct %s_t %s_t;\n", px, px);
        fprintf(f, "%s_t *%s_new(uint64_t seed) { return (%s_t *)rt_embed_new(&%s_model, %s%s, seed); }\n", px, px,
                px, px, blob ? px : "NULL", blob ? "_params" : "");
        fprintf(f, "int %s_load(%s_t *m, const char *path) { return rt_embed_load((rt_embedded *)m, path); }\n", px, px);
        fprintf(f, "int %s_sample(%s_t *m, int64_t chains, int steps, uint64_t seed, float *out) {\n"
                   "    return rt_embed_sample((rt_embedded *)m, chains, steps, seed, out);\n}\n", px, px);
        fprintf(f, "int %s_free_energy(%s_t *m, const float *v, int64_t n, double *out) {\n"
                   "    return rt_embed_free_energy((rt_embedded *)m, v, n, out);\n}\n", px, px);
        fprintf(f, "int %s_hidden_probs(%s_t *m, const float *v, int64_t n, float *out) {\n"
                   "    return rt_embed_hidden_probs((rt_embedded *)m, v, n, out);\n}\n", px, px);
        fprintf(f, "void %s_free(%s_t *m) { rt_embed_free((rt_embedded *)m); }\n", px, px);
        fprintf(f, "const char *%s_error(void) { return rt_last_error(); }\n", px);
        return;
    }
    if (has_train) {
        aot_emit_train_cfg(f, "train", &tc->rt);
        aot_emit_source(f, "data", &tc->data);
        if (tc->validation.kind != RT_SRC_NONE) aot_emit_source(f, "validation", &tc->validation);
    }
    if (ex->t) {
        fprintf(f, "rt_model *%s_get(void);\n", ex->tempered.px);
        aot_emit_tempered(f, "tempered", &ex->t->rt);
    }
    if (ex->recognition.m) fprintf(f, "rt_model *%s_get(void);\n", ex->recognition.px);
    if (ex->mp.m) fprintf(f, "rt_model *%s_get(void);\n", ex->mp.px);
    if (ex->stack) cli_aot_stack_data(f, ex->stack);
    fprintf(f, "static const rt_app_sample sample = {.chains = %lld, .steps = %lld, .seed = %lluull, .out = ",
            sc->chains, sc->steps, sc->seed);
    aot_emit_string(f, sc->out);
    fprintf(f, ", .mean_field = %d};\n", sc->mean_field);
    /* the spec, read again for --set and --config by the compiler's front
     * end (libebmcfront.a) */
    fputs("static const char spec_text[] = ", f);
    aot_emit_string(f, text);
    fputs(";\nint config_app_resolve(const rt_app *app, const char *kind, const char *run_file, char **sets, int nsets,\n"
          "                       rt_app_run *out);\n\nint main(int argc, char **argv) {\n", f);
    fprintf(f, "    static const rt_source none = {.kind = RT_SRC_NONE, .binarize = NAN};\n");
    if (ex->t) fprintf(f, "    tempered.m = %s_get();\n    tempered.orig = &%s_model;\n", ex->tempered.px, px);
    if (ex->stack) cli_aot_stack_main(f, ex->stack, px);
    fprintf(f, "    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;\n");
    fprintf(f, "    rt_app app = {.program = slash ? slash + 1 : argc > 0 ? argv[0] : \"model\", .model = &%s_model,\n", px);
    fputs("        .spec = ", f);
    aot_emit_string(f, spec);
    fprintf(f, ", .spec_hash = \"%016llx\", .version = \"%s\",\n        .target = ", hash, EBMC_VERSION);
    aot_emit_string(f, target);
    fprintf(f, ",\n        .train = %s, .data = %s, .sample = &sample,\n", has_train ? "&train" : "NULL",
            ex->stack ? "&stage0_data" : has_train ? "&data" : "&none");
    fprintf(f, "        .params = %s%s, .params_from = ", blob ? px : "NULL", blob ? "_params" : "");
    aot_emit_string(f, params_from);
    fprintf(f, ",\n        .tempered = %s", ex->t ? "&tempered" : "NULL");
    if (has_train && tc->validation.kind != RT_SRC_NONE) fputs(", .validation = &validation", f);
    if (ex->recognition.m) fprintf(f, ", .recognition = %s_get()", ex->recognition.px);
    if (ex->mp.m) fprintf(f, ", .mp_net = %s_get()", ex->mp.px);
    if (ex->stack) fputs(", .stack = &stack", f);
    fputs(",\n        .spec_text = spec_text, .spec_len = sizeof spec_text - 1, .resolve = config_app_resolve", f);
    fputs("};\n    return rt_app_main(&app, argc, argv);\n}\n", f);
}

static int valid_name(const char *s) {
    if (!*s || (*s >= '0' && *s <= '9')) return 0;
    for (; *s; s++)
        if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9'))) return 0;
    return 1;
}

typedef struct Job {
    const Opts *o;
    Built *b;
    const char *tmp;          /* the temporary directory */
    const char *px;
    int exe;
    const AotStack *stack;    /* the spec's stack, or NULL */
    Compilation *mp_c;        /* method = mp: its network's compilation (freed with the job) */
} Job;

static char *tmp_path(const Job *j, const char *name) {
    return arena_printf(j->b->c->arena, "%s/%s", j->tmp, name);
}

/* from into place: a rename, or a copy through the atomic writer when
 * they are on different file systems */
static int copy_file(const char *from, const char *to, int exe) {
    /* through a symbolic link to its target, never over the link */
    char *target = rt_path_target(to);
    int moved = target && rename(from, target) == 0;
    free(target);
    if (moved) return 0;
    FILE *in = fopen(from, "rb");
    rt_atomic a;
    if (!in) return rt_fail("cannot read '%s': %s", from, strerror(errno));
    if (rt_atomic_open(&a, to)) {
        fclose(in);
        return 1;
    }
    char buf[65536];
    size_t k;
    int ok = 1;
    while ((k = fread(buf, 1, sizeof buf, in)) > 0) ok &= fwrite(buf, 1, k, a.fp) == k;
    fclose(in);
    if (rt_atomic_commit(&a, ok)) return 1;
    if (exe) chmod(to, 0755);
    return 0;
}

/* a model's kernels as the object file `object`, its table PX_kernels;
 * the target's description for --version. The main model's optimised IR
 * goes to --emit-llvm, through a temporary file and the output checks. */
static int emit_kernels(Job *j, const IrProgram *ir, const rt_model *m, const char *px, const char *object, int main,
                        const char **target) {
#ifdef EBMC_NO_LLVM
    (void)j, (void)ir, (void)m, (void)px, (void)object, (void)main, (void)target;
    return rt_fail("ebmc build needs LLVM, and this ebmc was built without it (EBMC_NO_LLVM)"), 1;
#else
    const char *ll = main ? opt_str(j->o, "--emit-llvm") : NULL;
    LlvmAotOptions ao = {opt_str(j->o, "--target"), opt_str(j->o, "--cpu"), arena_printf(j->b->c->arena, "%s_kernels", px),
                         tmp_path(j, object), ll ? tmp_path(j, "kernels.ll") : NULL};
    LlvmJitInfo info;
    int rc = llvm_aot_emit(ir, m->name, &ao, &info);
    if (!rc && ll && copy_file(ao.ll, ll, 0)) rc = 1;
    if (rc) return rc;
    if (getenv("EBMC_VERBOSE"))
        fprintf(stderr, "ebmc: build: model '%s': %d kernels, %d statements, compiled in %.3f s\n", m->name,
                info.kernels, info.stmts, info.seconds);
    *target = arena_printf(j->b->c->arena, "%s (cpu %s)", ao.triple ? ao.triple : "the host",
                           ao.cpu ? ao.cpu : ao.triple ? "generic" : "native");
    return 0;
#endif
}

static int header(const Job *j, int embedded) {
    rt_atomic a;
    if (rt_atomic_open(&a, opt_str(j->o, "--emit-header"))) return 1;
    write_header(a.fp, j->b->m, j->px, j->o->spec, embedded);
    return rt_atomic_commit(&a, 1) ? 1 : 0;
}

/* $CC (with the sanitizer flags ebmc was built with) compiles src to obj */
static int compile_c(Job *j, const char *inc, const char *src, const char *obj) {
    char ccbuf[512], sanbuf[256];
    const char *ccenv = getenv("CC");
    snprintf(ccbuf, sizeof ccbuf, "%s", ccenv && *ccenv ? ccenv : "cc");
    snprintf(sanbuf, sizeof sanbuf, "%s", EBMC_SAN_FLAGS);
    char *argv[64];
    int n = split(ccbuf, argv, 40);
    n += split(sanbuf, argv + n, 8);
    char *incflag = arena_printf(j->b->c->arena, "-I%s", inc);
    char *cc_args[] = {"-std=c11", "-O1", "-fPIC", incflag, "-c", "-o", (char *)obj, (char *)src, NULL};
    for (int i = 0; cc_args[i]; i++) argv[n++] = cc_args[i];
    argv[n] = NULL;
    return run(argv);
}

/* the linker's words for $CC with the sanitizer flags; returns their count */
static int link_words(Job *j, char **argv) {
    static char ccbuf[512], sanbuf[256];
    const char *ccenv = getenv("CC");
    snprintf(ccbuf, sizeof ccbuf, "%s", ccenv && *ccenv ? ccenv : "cc");
    snprintf(sanbuf, sizeof sanbuf, "%s", EBMC_SAN_FLAGS);
    (void)j;
    int n = split(ccbuf, argv, 40);
    return n + split(sanbuf, argv + n, 8);
}

/* The tempered model of eval --ais and sample --pt, in every binary of a
 * model that can be annealed; one that cannot is built without it, quietly
 * (the binary's --ais then says so, and ebmc eval --ais says why). */
static Tempered *quiet_tempered(Built *b) {
    char *text = NULL;
    size_t len = 0;
    Diag quiet = b->c->diag;
    quiet.errors = quiet.internal = 0;
    if (!(quiet.out = open_memstream(&text, &len))) return NULL;
    Tempered *t = derive_tempered_build(b->c->arena, &quiet, b->an, b->m);
    fclose(quiet.out);
    free(text);
    return quiet.errors ? NULL : t;
}

/* The models the train block's method needs besides the main one. A
 * method that needs one the binary cannot carry is refused here, not when
 * the binary runs. */
static int prepare_extras(Job *j, const TrainConfig *tc, int has_train, Extras *ex) {
    Built *b = j->b;
    memset(ex, 0, sizeof *ex);
    if (!j->exe) return 0;
    if (!has_train) {
        ex->t = quiet_tempered(b);
        if (ex->t) ex->tempered = (Extra){arena_printf(b->c->arena, "%s_tempered", j->px), ex->t->ir, ex->t->m};
        return 0;
    }
    if (tc->rt.method == RT_PT) {
        int internal = b->c->diag.internal;
        Tempered *t = derive_tempered_build(b->c->arena, &b->c->diag, b->an, b->m);
        if (!t) {   /* reported at the spec's groups */
            rt_fail("the train block's method = pt needs the tempered model of '%s'", b->m->name);
            return b->c->diag.internal > internal ? 2 : 1;
        }
        ex->t = t;
    } else {
        ex->t = quiet_tempered(b);
    }
    if (ex->t) ex->tempered = (Extra){arena_printf(b->c->arena, "%s_tempered", j->px), ex->t->ir, ex->t->m};
    if (tc->rt.method == RT_WAKE_SLEEP || tc->rt.method == RT_REINFORCE) {
        int k = config_recognition(&b->c->diag, b->c->sema, b->an->m, tc);
        if (k < 0 || !b->c->analysis[k]) {
            if (k < 0 && !tc->recognition) rt_fail("this method needs recognition = q: a model of q(h | x) in the spec");
            else rt_fail("the recognition model did not compile");
            return 1;
        }
        IrProgram *ir = ir_build(b->c->arena, b->c->analysis[k]);
        ex->recognition = (Extra){arena_printf(b->c->arena, "%s_recognition", j->px), ir,
                                  ir_model_build(b->c->arena, b->c->analysis[k], ir)};
    }
    if (tc->rt.method == RT_MP) {
        /* the network of the spec's mp(iters, drop); --set may not change them (config_app.c) */
        if (!(j->mp_c = derive_mp_network(b->c->arena, b->an, tc->rt.iters, tc->rt.mp_drop))) return 1;
        Analysis *an = compile_main_model(j->mp_c);
        IrProgram *ir = ir_build(j->mp_c->arena, an);
        ex->mp = (Extra){arena_printf(b->c->arena, "%s_mp", j->px), ir, ir_model_build(j->mp_c->arena, an, ir)};
    }
    return 0;
}

/* an extra model's kernels and C, compiled; its two objects into objs */
static int build_extra(Job *j, const char *inc, const Extra *x, const char *name, char **objs, int *nobjs) {
    const char *target;
    const char *kobj = arena_printf(j->b->c->arena, "%s_kernels.o", name), *src = tmp_path(j, arena_printf(j->b->c->arena, "%s.c", name));
    const char *obj = tmp_path(j, arena_printf(j->b->c->arena, "%s.o", name));
    int rc = emit_kernels(j, x->ir, x->m, x->px, kobj, 0, &target);
    if (rc) return rc;
    FILE *f = fopen(src, "w");
    if (!f) return rt_fail("cannot write '%s': %s", src, strerror(errno));
    write_extra(f, x);
    if (fclose(f)) return rt_fail("cannot write '%s': %s", src, strerror(errno));
    if (compile_c(j, inc, src, obj)) return 1;
    objs[(*nobjs)++] = tmp_path(j, kobj);
    objs[(*nobjs)++] = (char *)obj;
    return 0;
}

static int build(Job *j) {
    Built *b = j->b;
    const Opts *o = j->o;
    char inc[PATH_MAX], lib[PATH_MAX], front[PATH_MAX];
    if (find_runtime(inc, lib, front, sizeof inc)) return 1;
    TrainConfig tc;
    SampleConfig sc;
    int has_train = b->an->m->train != NULL;
    if (!config_train(b->c->arena, &b->c->diag, b->an->m, b->an->m->train, NULL, 0, &tc) ||
        !config_sample(b->c->arena, &b->c->diag, b->an->m->sample, NULL, 0, &sc))
        return 1;
    Extras ex;
    int rc = prepare_extras(j, &tc, has_train, &ex);
    if (rc) return rc;
    ex.stack = j->stack;
    const char *params = opt_str(o, "--params");
    const char *blob = params ? tmp_path(j, "params.bin") : NULL;
    if (params && write_params(b->m, params, blob)) return 1;
    const char *target;
    rc = emit_kernels(j, b->ir, b->m, j->px, "kernels.o", 1, &target);
    if (rc) return rc;
    const char *glue = tmp_path(j, "model.c");
    FILE *f = fopen(glue, "w");
    if (!f) return rt_fail("cannot write '%s': %s", glue, strerror(errno));
    /* cross-compiled: the glue goes beside the object, and so do the
     * parameters it includes */
    const char *blob_ref = blob;
    if (blob && opt_str(o, "--target")) {
        blob_ref = arena_printf(b->c->arena, "%s.params.bin", opt_str(o, "-o"));
        if (copy_file(blob, blob_ref, 0)) {
            fclose(f);
            return 1;
        }
    }
    write_glue(f, b->m, j->px, blob_ref, j->exe, o->spec, b->c->src, fnv1a(b->c->src, b->c->len), target, &tc, has_train, &sc,
               params, &ex);
    if (fclose(f)) return rt_fail("cannot write '%s': %s", glue, strerror(errno));
    const char *glue_o = tmp_path(j, "model_glue.o"), *out_tmp = tmp_path(j, "out");
    const char *out = opt_str(o, "-o");
    if (opt_str(o, "--target")) {
        /* the kernels are cross-compiled; the glue is C, compiled on the
         * target against its ebmc runtime */
        size_t k = strlen(out);
        const char *csrc = k > 2 && !strcmp(out + k - 2, ".o") ? arena_printf(b->c->arena, "%.*s.c", (int)(k - 2), out)
                                                             : arena_printf(b->c->arena, "%s.c", out);
        if (copy_file(glue, csrc, 0) || copy_file(tmp_path(j, "kernels.o"), out, 0)) return 1;
        if (opt_str(o, "--emit-header") && header(j, params != NULL)) return 1;
        diag_tool_note("%s holds the kernels for %s; compile %s on that machine with its ebmc runtime "
                       "(cc -c %s -I PREFIX/include/ebmc) and link both", out, opt_str(o, "--target"), csrc, csrc);
        return 0;
    }
    if (compile_c(j, inc, glue, glue_o)) return 1;
    int nstack = j->stack ? j->stack->nextras : 0, nobjs = 0;
    char **objs = arena_alloc(b->c->arena, sizeof(char *) * (size_t)(8 + 2 * nstack));
    if (ex.t && (rc = build_extra(j, inc, &ex.tempered, "tempered", objs, &nobjs))) return rc;
    if (ex.recognition.m && (rc = build_extra(j, inc, &ex.recognition, "recognition", objs, &nobjs))) return rc;
    if (ex.mp.m && (rc = build_extra(j, inc, &ex.mp, "mp", objs, &nobjs))) return rc;
    for (int i = 0; i < nstack; i++)
        if ((rc = build_extra(j, inc, &j->stack->extras[i], j->stack->extras[i].px, objs, &nobjs))) return rc;
    if (j->exe) {
        char **argv = arena_alloc(b->c->arena, sizeof(char *) * (size_t)(96 + nobjs));   /* the linker, objects, libraries, MPI's flags */
        int n = link_words(j, argv);
        argv[n++] = "-o";
        argv[n++] = (char *)out_tmp;
        argv[n++] = tmp_path(j, "kernels.o");
        argv[n++] = (char *)glue_o;
        for (int i = 0; i < nobjs; i++) argv[n++] = objs[i];
        char *libs[] = {front, lib, "-lopenblas", "-lyaml", "-lpng", "-lz", "-lm", "-lpthread", NULL};
        for (int i = 0; libs[i]; i++) argv[n++] = libs[i];
        static char mpibuf[512];
        snprintf(mpibuf, sizeof mpibuf, "%s", EBMC_MPI_LIBS);
        n += split(mpibuf, argv + n, 8);
        argv[n] = NULL;
        if (run(argv)) return 1;
    } else {
        /* one relocatable object: the kernels and the glue */
        char *ld_args[] = {"ld", "-r", "-o", (char *)out_tmp, tmp_path(j, "kernels.o"), (char *)glue_o, NULL};
        if (run(ld_args)) return 1;
    }
    if (opt_str(o, "--emit-header") && header(j, params != NULL)) return 1;
    if (j->exe) chmod(out_tmp, 0755);
    return copy_file(out_tmp, out, j->exe);
}

/* the temporary directory and every file the build made in it */
static void remove_tree(const char *dir) {
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        char p[PATH_MAX];
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < PATH_MAX)
            unlink(p);
    }
    if (d) closedir(d);
    rmdir(dir);
}

int cmd_build(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, build_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    if (!opt_str(&o, "-o")) {
        diag_tool_error("ebmc build needs -o BIN (or -c -o model.o --emit-header model.h)");
        return 1;
    }
    int exe = !opt_has(&o, "-c");
    if (!exe && !opt_str(&o, "--emit-header"))
        diag_tool_warning("-c without --emit-header: the object's API is described by the header");
    if (exe && opt_str(&o, "--target")) {
        diag_tool_error("--target: an executable for another machine needs that machine's C library and linker; "
                        "build the object with -c there (ebmc build -c --target ... writes the kernels and the C glue)");
        return 1;
    }
    if (exe && opt_str(&o, "--emit-header")) {
        diag_tool_error("--emit-header goes with -c (an object file to link into your program)");
        return 1;
    }
    const char *px = opt_str(&o, "--name") ? opt_str(&o, "--name") : "model";
    if (!valid_name(px)) {
        diag_tool_error("--name must be a C identifier, not '%s'", px);
        return 1;
    }
    /* the spec and --params are inputs (cli_parse); the outputs may be none
     * of them, nor each other, nor a device */
    const char *out = opt_str(&o, "-o");
    size_t k = strlen(out);
    char csrcbuf[PATH_MAX + 8];
    snprintf(csrcbuf, sizeof csrcbuf, "%.*s.c", (int)(k > 2 && !strcmp(out + k - 2, ".o") ? k - 2 : k), out);
    const char *csrc = opt_str(&o, "--target") ? csrcbuf : NULL;
    if (cli_check_output(out, "-o") || cli_check_output(opt_str(&o, "--emit-header"), "--emit-header") ||
        cli_check_output(opt_str(&o, "--emit-llvm"), "--emit-llvm") || cli_check_output(csrc, "the C glue (-o NAME.c)"))
        return 1;
    Built b;
    memset(&b, 0, sizeof b);
    if (!(b.c = compile_file(o.spec)) || !(b.an = compile_main_model(b.c))) {
        if (b.c) compile_free(b.c);
        return 1;
    }
    if (b.an->m->network) {
        /* its train, sample and eval need the composed models (cli_adversarial.c) */
        diag_tool_error("ebmc build: '%s' is a network of an adversarial pair, which is not built into binaries yet; "
                        "train and sample it with ebmc train and ebmc sample", b.an->m->name);
        compile_free(b.c);
        return 1;
    }
    AotStack stack, *sp = NULL;
    if (b.c->sema->nstacks > 0) {
        /* the stack's driver trains and samples; eval takes its joint model, as ebmc eval */
        const Stack *s = b.c->sema->stacks[0];
        for (int i = 0; s->joint && i < b.c->sema->nmodels; i++)
            if (b.c->sema->models[i] == s->joint && b.c->analysis[i]) b.an = b.c->analysis[i];
        if (!exe) diag_tool_error("-c builds one model for a C program; '%s' holds a stack (build an executable)", o.spec);
        if (!exe || (rc = cli_aot_stack_prepare(b.c, b.an, px, sp = &stack))) {
            if (sp) cli_aot_stack_free(sp);
            compile_free(b.c);
            return exe ? rc : 1;
        }
    }
    b.ir = ir_build(b.c->arena, b.an);
    b.m = ir_model_build(b.c->arena, b.an, b.ir);
    char tmp[] = "/tmp/ebmc-build-XXXXXX";
    if (!mkdtemp(tmp)) {
        diag_tool_error("cannot make a temporary directory: %s", strerror(errno));
        if (sp) cli_aot_stack_free(sp);
        compile_free(b.c);
        return 1;
    }
    Job j = {&o, &b, tmp, px, exe, sp, NULL};
    rc = build(&j);
    if (rc) diag_tool_error("%s", rt_last_error());
    else printf("%s written: model '%s' of %s%s\n", opt_str(&o, "-o"), b.m->name, o.spec,
                opt_str(&o, "--params") ? ", parameters embedded" : "");
    remove_tree(tmp);
    if (sp) cli_aot_stack_free(sp);
    compile_free(j.mp_c);
    compile_free(b.c);
    return rc;
}
