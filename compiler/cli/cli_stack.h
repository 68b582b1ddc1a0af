/* cli_stack.h — a spec's stack as the runtime's bundle (rt_stack.h): its
 * parts compiled, its stages resolved (cli_stack_bundle.c), then trained
 * and sampled by the runtime's stack driver (cli_stack.c), or written
 * into a built binary (cli_aot_stack.c). */
#ifndef EBMC_CLI_STACK_H
#define EBMC_CLI_STACK_H
#include "cli.h"
#include "rt_drive_sample.h"
#include "config.h"
#include "config_stages.h"
#include "derive_tempered.h"
#include "rt_stack.h"

typedef struct StackBundle {
    Compilation *c;
    const Opts *o;             /* --backend */
    int attach;                /* the parts run here (the JIT or the interpreter); 0: ebmc build emits them */
    const Stack *s;
    Stage *stages;             /* the train block's, resolved; NULL when not asked for */
    int nstages;
    Analysis **an;             /* each layer's, then the joint model's */
    IrProgram **ir;
    rt_model **m;
    int *hidden;               /* each layer's hidden group handed up */
    Tempered **tempered;       /* each stage's (method = pt), or NULL */
    rt_stack_stage *rs_stages;
    rt_stack rs;
    Compilation *net_c;        /* the unrolled network, once compiled */
    IrProgram *net_ir;
    rt_model *net;
} StackBundle;

/* The bundle of c's first stack: its parts compiled; with st (n stages of
 * its train block, resolved by cli_config_stack_yaml: read once), their
 * runtime entries and tempered models. 0 or an exit code (reported).
 * cli_stack_bundle_free releases it either way. */
int cli_stack_bundle(Compilation *c, const Opts *o, int attach, Stage *st, int n, StackBundle *b);
void cli_stack_bundle_free(StackBundle *b);
/* an rt_stack_unroll_fn (ctx: the StackBundle): the network of a backprop
 * stage, compiled on its first call (EBMC_VERBOSE=1 shows its spec text) */
rt_model *cli_stack_unroll(void *ctx, int64_t classes, int64_t *naug);

/* runs the stages of the spec's first stack; config: the resolved
 * settings (for --log); *stop set (by a signal) ends the run with a
 * checkpoint. An exit code (128 + the signal when stopped). */
int cli_stack_train(Compilation *c, const Opts *o, long long seed, Stage *st, int n, const char *config,
                    volatile int *stop);
/* j's chains of a DBN (top Gibbs, then down) or of a DBM stack's joint
 * model, drawn as a PNG by the runtime's sample driver; 0 or an exit code
 * (reported) */
int cli_stack_sample(Compilation *c, const Opts *o, const char *params, const rt_sample_job *j);
/* eval --dbn-bound: a DBN stack's variational bound on data as YAML on y
 * (rt_stack_bound_report), AIS of its top layer by cfg where that layer
 * cannot be enumerated. An exit code (reported). */
struct rt_ais_cfg;
int cli_stack_bound(Compilation *c, const Opts *o, const char *params, const rt_dataset *data, int samples,
                    const struct rt_ais_cfg *cfg, FILE *y);
#endif
