/* rt.h — the runtime's public surface.
 *
 * The runtime is plain C shared by every back end (interpreter, JIT, AOT):
 * tensors, the counter-based RNG, data loaders, checkpoints, images. It knows
 * nothing of the spec language; the compiler hands it shapes and kernels.
 *
 * Errors: a runtime function that can fail returns 0 on success and -1 on
 * failure, after recording a message for a person with rt_fail(). The caller
 * decides how to report it (the CLI prints "ebmc: error: <message>"). The
 * runtime never prints errors and never exits.
 */
#ifndef EBMC_RT_H
#define EBMC_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define RT_MAX_DIMS 8
#define RT_NAME_MAX 64

/* ---- errors ------------------------------------------------------------ */
/* Records the message of a failure (on this thread); returns -1. A message
 * starting "internal" is a bug of ebmc's, not of the user's input. */
int rt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *rt_last_error(void);
/* the last failure was internal: the front ends exit with status 2 */
int rt_error_is_internal(void);
/* The one printer of messages with no place in a source file, for the
 * runtime and the compiler alike: "PROGRAM: KIND: message" on stderr, KIND
 * error, warning or note; PROGRAM is "ebmc" unless rt_set_program names a
 * built binary. (Messages at a place in a spec go through the compiler's
 * diag, which shows the line.) */
void rt_set_program(const char *name);
void rt_vreport(const char *kind, const char *fmt, va_list ap);
void rt_report(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A front end's own printer (ebmc's diagnostics) for the messages of the
 * runtime's front-end parts (the flag parser, the train driver): the
 * message formatted, then to fn, or to rt_report when fn is NULL. */
typedef void (*rt_say_fn)(const char *kind, const char *msg);
void rt_say(rt_say_fn fn, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The value v of an integer flag (NULL: absent) of at least lo: 0 absent,
 * 1 set in *out, -1 refused with a message. Every integer flag but a seed
 * ends in an int of the runtime or a count that sizes a buffer, so past
 * INT_MAX it would wrap: it is refused. ebmc and a built binary share it. */
int rt_flag_ll(const char *name, const char *v, long long lo, long long *out);
/* a flag's fraction in [0, 1) (--missing 0.25): 0 if absent, 1 set, -1 after an error */
int rt_flag_fraction(const char *name, const char *v, double *out);
/* The candidate a misspelt name was probably meant to be (a few edits
 * away, fewer for short names), or NULL: "did you mean" for the flag
 * parser and the compiler alike. */
const char *rt_suggest(const char *name, const char *const *candidates, int n);

/* ---- the files a command reads and writes (rt_files.c) ----------------- */
/* A command line front end (ebmc, a built binary) turns the guard on: from
 * then on every input read is remembered and no output may replace one. An
 * embedding program that reloads and rewrites its own checkpoint leaves it
 * off; devices, FIFOs, sockets and directories are refused either way. */
void rt_files_guard(int on);
/* Inputs are read only when they are regular files of at most RT_INPUT_CAP
 * bytes (a spec or run file: RT_TEXT_CAP): /dev/zero, a FIFO or a directory
 * given as data is refused with the reason. A file that passes is
 * remembered as an input of this process, and no output may replace it. */
#define RT_INPUT_CAP ((int64_t)256 << 30)
#define RT_TEXT_CAP ((int64_t)64 << 20)
int rt_input_check(const char *path, int64_t cap);   /* cap <= 0: no cap */
int rt_check_readable(const char *path);             /* with RT_INPUT_CAP */
/* an input read later (or by someone else), named in messages by role:
 * "the spec", "--params" */
void rt_input_note(const char *path, const char *role);
/* path may be replaced although it is read: a checkpoint that training
 * resumes from and then continues */
void rt_output_may_replace(const char *path);
/* 0 when path may be written by this command as role ("--out"): it is not
 * a device, FIFO, socket or directory, not an input noted so far, and not
 * an output checked before (two flags naming one file); else an error
 * naming both. Call once per output, before any work. */
int rt_output_check(const char *path, const char *role);
/* train's default --out: SPEC.safetensors, in the working directory, for
 * the spec DIR/SPEC.ebm */
void rt_default_out(const char *spec, char *out, size_t n);
void rt_files_forget(void);   /* a new command in the same process */
/* path with its symbolic links followed (the target may not exist): what a
 * write to path replaces. Free it. */
char *rt_path_target(const char *path);

/* handler (or SIG_DFL) for SIGINT, SIGTERM and SIGHUP alike: the signals
 * that ask a run to stop, each answered with a checkpoint */
void rt_on_stop_signals(void (*handler)(int));

/* ---- memory ------------------------------------------------------------ */
/* zeroed, 64-byte aligned; when memory runs out: "ebmc: error: out of
 * memory" and exit status 1 (the one exit in the runtime: no caller could
 * go on), never an abort */
void *rt_alloc(size_t bytes);
void rt_free(void *p);
/* 0 when bytes fit in this machine's memory; else an error saying what
 * ("--pt 100000000 replicas of 64 chains") needs how much and what there is */
int rt_memory_check(double bytes, const char *what);

/* ---- tensors ----------------------------------------------------------- */
/* A named dense float32 tensor, row-major. */
typedef struct rt_tensor {
    char name[RT_NAME_MAX];
    int ndim;
    int64_t dims[RT_MAX_DIMS];
    float *data;
} rt_tensor;

int64_t rt_numel(int ndim, const int64_t *dims);   /* -1 on overflow */
rt_tensor *rt_tensor_new(const char *name, int ndim, const int64_t *dims);
void rt_tensor_free(rt_tensor *t);

/* ---- random numbers: Philox-4x32-10 -------------------------------------
 * Counter-based, so any element's draw can be computed independently and the
 * interpreter, the JIT and built binaries draw identical numbers.
 * The convention every back end follows for one draw:
 *   key = { seed low 32 bits, seed high 32 bits }
 *   ctr = { elem, step low 32, step high 32, stream }
 * uniform: (out[0] >> 8) * 2^-24, in [0, 1);
 * normal: Box-Muller on u1 = ((out[0] >> 8) + 1) * 2^-24 (in (0,1]) and
 *         u2 = (out[1] >> 8) * 2^-24:  sqrt(-2 log u1) * cos(2 pi u2),
 *         computed in double and rounded to float. */
void rt_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);
float rt_uniform(uint64_t seed, uint32_t stream, uint64_t step, uint32_t elem);
float rt_normal(uint64_t seed, uint32_t stream, uint64_t step, uint32_t elem);

/* ---- datasets ---------------------------------------------------------- */
/* n examples, each of shape dims[0..ndim-1], stored row-major as float. */
typedef struct rt_dataset {
    int64_t n;
    int ndim;
    int64_t dims[RT_MAX_DIMS];
    float *data;
    float *labels;      /* optional: n values, or NULL */
} rt_dataset;

int64_t rt_dataset_row(const rt_dataset *d);   /* floats per example */
void rt_dataset_free(rt_dataset *d);           /* frees contents, not d */

/* IDX files (MNIST format), plain or gzip (zlib detects which). uint8 data
 * are scaled to [0,1]; other element types are converted as they are. The
 * data (decompressed, for gzip) must be exactly the size the header declares:
 * a short file and one with trailing data are both errors. */
int rt_load_idx(const char *path, rt_dataset *out);
/* CSV of numbers, one example per row. "nan" is allowed. The first row is a
 * header, and skipped, only if none of its fields is a number; otherwise
 * every field of every row must be one, and the first that is not is an
 * error naming FILE:LINE:COLUMN (so a typo in the first row is reported, not
 * dropped as a header). */
int rt_load_csv(const char *path, rt_dataset *out);
/* NumPy .npy (float32/float64/uint8/int32/int64, C order). First axis = n.
 * The data must be exactly what the header's shape promises: fewer bytes or
 * trailing data after the array are errors. */
int rt_load_npy(const char *path, rt_dataset *out);
/* All 2^rows + 2^cols - 2 distinct bars-and-stripes patterns of a rows x
 * cols image: every set of rows on (stripes) and every set of columns on
 * (bars); the all-off and all-on images appear once each. For a 4x4 image:
 * 30 patterns. dims = {rows, cols}. */
int rt_make_bars_stripes(int rows, int cols, rt_dataset *out);
/* A bar 3 units long bouncing across a 1-D image of `width` units, one row
 * per time step t of the period: frame t, then frames t-1 .. t-history
 * (history >= 0), each `width` values. The next frame is determined by the
 * two before it, so a conditional model with history 2 can predict it. */
int rt_make_moving_bar(int width, int history, rt_dataset *out);
/* the same bar as sequences: one row per starting position and direction
 * (2 * (width - 3) rows), each T frames of width pixels in time order */
int rt_make_moving_bar_sequences(int width, int T, rt_dataset *out);
/* size x size patches at seeded random places of 2-D examples */
int rt_extract_patches(rt_dataset *d, int size, int64_t count, uint64_t seed);
/* A time series stored one step per example becomes rows "step t, then
 * steps t-1 .. t-history" (t >= history): what a model with the previous
 * frames as input groups reads. */
int rt_add_history(rt_dataset *d, int history);
void rt_to_spins(rt_dataset *d);                         /* x -> 2x - 1 */
void rt_binarize(rt_dataset *d, float threshold);       /* x > t -> 1 else 0 */
/* Per-feature zero mean, unit variance; features with variance below 1e-8
 * are centred only. mean/sd (may be NULL) receive rt_dataset_row() floats. */
void rt_standardize(rt_dataset *d, float *mean, float *sd);

/* ---- checkpoints: safetensors ------------------------------------------
 * https://github.com/huggingface/safetensors format: 8-byte little-endian
 * header length, JSON header {"name": {"dtype":"F32","shape":[..],
 * "data_offsets":[b,e]}, "__metadata__": {str: str}}, then the data.
 * Writing is atomic: temp file in the same directory, fsync, rename. */
typedef struct rt_meta { const char *key, *value; } rt_meta;
int rt_save_safetensors(const char *path, rt_tensor *const *tensors, int n,
                        const rt_meta *meta, int nmeta);
/* Loads every F32 tensor (F64 is converted). *out is an array of *n tensors
 * the caller frees with rt_tensors_free. Metadata, if wanted, goes to *meta
 * (an array of *nmeta pairs of malloc'd strings, freed by rt_meta_free). */
int rt_load_safetensors(const char *path, rt_tensor ***out, int *n,
                        rt_meta **meta, int *nmeta);
void rt_tensors_free(rt_tensor **t, int n);
void rt_meta_free(rt_meta *m, int n);

/* ---- outputs ----------------------------------------------------------- */
/* A grid of n images of h x w (channels 1) as 8-bit greyscale PNG, ncols per
 * row, 1-pixel grey separators. Images smaller than 64 pixels a side are
 * drawn with s x s pixels, s = min(8, 64 / max(h, w)): the PNG is
 * ncols * (w*s + 1) + 1 wide and ceil(n / ncols) * (h*s + 1) + 1 high.
 * Values are clipped to [0,1] when normalize == 0,
 * and each image is scaled from its own min..max when normalize != 0
 * (filters). Atomic like checkpoints. */
int rt_write_png_grid(const char *path, const float *images, int n, int h,
                      int w, int ncols, int normalize);
/* rows x cols floats as CSV with a header row of column names (NULL: x0..). */
int rt_write_csv(const char *path, const float *data, int64_t rows,
                 int64_t cols, const char *const *colnames);
/* NumPy .npy float32, C order. */
int rt_write_npy(const char *path, const float *data, int ndim,
                 const int64_t *dims);

/* Atomic file writing used by every writer above: open a temp file beside
 * path's target (symbolic links followed), write, then rt_atomic_commit
 * fsyncs, renames over the target and syncs the directory (or removes the
 * temp file when ok == 0). rt_atomic_open refuses a target that is not a
 * regular file or that is an input of this process (rt_files_guard), and
 * removes the temp files killed writers of the same target left behind.
 * The file keeps the mode of the file it replaces; a new one gets 0666 less
 * the umask. Reading the umask sets and restores it: not safe against
 * another thread creating files at that instant. */
typedef struct rt_atomic { char *tmp; char *path; char *target; void *fp; void *sink; } rt_atomic;
int rt_atomic_open(rt_atomic *a, const char *path);   /* a->fp is a FILE* */
int rt_atomic_commit(rt_atomic *a, int ok);

#endif
