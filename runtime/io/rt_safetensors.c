/* rt_safetensors.c — checkpoints any Python user can open.
 *
 * Layout: u64 little-endian header size N, N bytes of JSON
 *   {"W": {"dtype": "F32", "shape": [784, 500], "data_offsets": [0, 1568000]},
 *    "__metadata__": {"spec": "rbm.ebm"}}
 * then the data. The reader is strict: a header that is not exactly this
 * shape, offsets out of bounds or inconsistent with the shape are errors. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* ---- writing ------------------------------------------------------------------- */

static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

int rt_save_safetensors(const char *path, rt_tensor *const *tensors, int n, const rt_meta *meta, int nmeta) {
    char *hdr = NULL;
    size_t hlen = 0;
    FILE *h = open_memstream(&hdr, &hlen);
    fputc('{', h);
    uint64_t off = 0;
    for (int i = 0; i < n; i++) {
        const rt_tensor *t = tensors[i];
        uint64_t bytes = 4 * (uint64_t)rt_numel(t->ndim, t->dims);
        if (i) fputc(',', h);
        json_str(h, t->name);
        fputs(":{\"dtype\":\"F32\",\"shape\":[", h);
        for (int d = 0; d < t->ndim; d++) fprintf(h, "%s%lld", d ? "," : "", (long long)t->dims[d]);
        fprintf(h, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)off, (unsigned long long)(off + bytes));
        off += bytes;
    }
    if (nmeta) {
        fputs(n ? ",\"__metadata__\":{" : "\"__metadata__\":{", h);
        for (int i = 0; i < nmeta; i++) {
            if (i) fputc(',', h);
            json_str(h, meta[i].key);
            fputc(':', h);
            json_str(h, meta[i].value);
        }
        fputc('}', h);
    }
    fputc('}', h);
    /* pad with spaces so the data starts 8-byte aligned */
    fflush(h);
    while (hlen % 8) {
        fputc(' ', h);
        fflush(h);
    }
    fclose(h);
    rt_atomic a;
    if (rt_atomic_open(&a, path)) {
        free(hdr);
        return -1;
    }
    FILE *f = a.fp;
    unsigned char len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)hlen >> (8 * i));
    int ok = fwrite(len8, 1, 8, f) == 8 && fwrite(hdr, 1, hlen, f) == hlen;
    for (int i = 0; i < n && ok; i++) {
        size_t cnt = (size_t)rt_numel(tensors[i]->ndim, tensors[i]->dims);
        ok = fwrite(tensors[i]->data, sizeof(float), cnt, f) == cnt;
    }
    free(hdr);
    if (!ok) rt_fail("cannot write '%s': %s", path, strerror(errno));
    return rt_atomic_commit(&a, ok);
}

/* ---- a small JSON reader: objects, arrays, strings, integers ---------------------------- */

typedef struct J {
    const char *s, *end;
    const char *path;
    int err;
} J;

static void ws(J *j) {
    while (j->s < j->end && isspace((unsigned char)*j->s)) j->s++;
}

static int expect(J *j, char c) {
    ws(j);
    if (j->s < j->end && *j->s == c) {
        j->s++;
        return 1;
    }
    if (!j->err) rt_fail("%s: bad safetensors header (expected '%c')", j->path, c);
    j->err = 1;
    return 0;
}

static char *jstring(J *j) {
    ws(j);
    if (j->s >= j->end || *j->s != '"') {
        if (!j->err) rt_fail("%s: bad safetensors header (expected a string)", j->path);
        j->err = 1;
        return NULL;
    }
    j->s++;
    size_t cap = 32, n = 0;
    char *out = malloc(cap);
    while (j->s < j->end && *j->s != '"') {
        char c = *j->s++;
        if (c == '\\' && j->s < j->end) {
            char e = *j->s++;
            if (e == 'u') {
                unsigned v = 0;
                for (int k = 0; k < 4 && j->s < j->end; k++) {
                    char h = *j->s++;
                    v = v * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10) & 15);
                }
                c = v < 0x80 ? (char)v : '?';
            } else {
                c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e;
            }
        }
        if (n + 2 > cap) out = realloc(out, cap *= 2);
        out[n++] = c;
    }
    out[n] = 0;
    if (j->s >= j->end) {
        free(out);
        if (!j->err) rt_fail("%s: bad safetensors header (unterminated string)", j->path);
        j->err = 1;
        return NULL;
    }
    j->s++;
    return out;
}

static int jint(J *j, uint64_t *v) {
    ws(j);
    if (j->s >= j->end || !isdigit((unsigned char)*j->s)) {
        if (!j->err) rt_fail("%s: bad safetensors header (expected a non-negative integer)", j->path);
        j->err = 1;
        return 0;
    }
    uint64_t x = 0;
    while (j->s < j->end && isdigit((unsigned char)*j->s)) {
        if (x > (UINT64_MAX - 9) / 10) {
            rt_fail("%s: bad safetensors header (integer too large)", j->path);
            j->err = 1;
            return 0;
        }
        x = x * 10 + (uint64_t)(*j->s++ - '0');
    }
    *v = x;
    return 1;
}

static int peek(J *j, char c) {
    ws(j);
    return j->s < j->end && *j->s == c;
}

int rt_load_safetensors(const char *path, rt_tensor ***out, int *n, rt_meta **meta, int *nmeta) {
    if (rt_check_readable(path)) return -1;
    *out = NULL;
    *n = 0;
    if (meta) *meta = NULL;
    if (nmeta) *nmeta = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return rt_fail("cannot read '%s': %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long fsize = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char len8[8];
    if (fsize < 8 || fread(len8, 1, 8, f) != 8) {
        fclose(f);
        return rt_fail("%s: not a safetensors file (too short)", path);
    }
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = hlen << 8 | len8[i];
    if (hlen == 0 || hlen > (uint64_t)fsize - 8 || hlen > (100u << 20)) {
        fclose(f);
        return rt_fail("%s: not a safetensors file (header size %llu in a file of %ld bytes)", path,
                       (unsigned long long)hlen, fsize);
    }
    char *hdr = malloc(hlen);
    if (fread(hdr, 1, hlen, f) != hlen) {
        free(hdr);
        fclose(f);
        return rt_fail("%s: truncated safetensors header", path);
    }
    uint64_t data_size = (uint64_t)fsize - 8 - hlen;
    J j = {hdr, hdr + hlen, path, 0};
    rt_tensor **ts = NULL;
    rt_meta *ms = NULL;
    int nt = 0, nm = 0, rc = 0;
    char *name = NULL;
    if (!expect(&j, '{')) goto bad;
    if (peek(&j, '}')) {
        j.s++;
        goto parsed;
    }
    for (;;) {
        name = jstring(&j);
        if (!name || !expect(&j, ':') || !expect(&j, '{')) goto bad;
        if (!strcmp(name, "__metadata__")) {
            while (!peek(&j, '}')) {
                char *k = jstring(&j);
                if (!k || !expect(&j, ':')) {
                    free(k);
                    goto bad;
                }
                char *v = jstring(&j);
                if (!v) {
                    free(k);
                    goto bad;
                }
                ms = realloc(ms, sizeof(rt_meta) * (size_t)(nm + 1));
                ms[nm].key = k;
                ms[nm++].value = v;
                if (peek(&j, ',')) j.s++;
            }
            j.s++;
        } else {
            char dtype[8] = "";
            int64_t dims[RT_MAX_DIMS];
            int nd = -1;
            uint64_t b = 0, e = 0;
            int have_off = 0;
            while (!peek(&j, '}')) {
                char *k = jstring(&j);
                if (!k || !expect(&j, ':')) {
                    free(k);
                    goto bad;
                }
                if (!strcmp(k, "dtype")) {
                    char *v = jstring(&j);
                    if (v) snprintf(dtype, sizeof dtype, "%s", v);
                    free(v);
                } else if (!strcmp(k, "shape")) {
                    nd = 0;
                    if (!expect(&j, '[')) {
                        free(k);
                        goto bad;
                    }
                    while (!peek(&j, ']')) {
                        uint64_t v;
                        if (nd >= RT_MAX_DIMS || !jint(&j, &v)) {
                            if (!j.err) rt_fail("%s: tensor '%s' has too many dimensions", path, name);
                            free(k);
                            goto bad;
                        }
                        dims[nd++] = (int64_t)v;
                        if (peek(&j, ',')) j.s++;
                    }
                    j.s++;
                } else if (!strcmp(k, "data_offsets")) {
                    if (!expect(&j, '[') || !jint(&j, &b) || !expect(&j, ',') || !jint(&j, &e) || !expect(&j, ']')) {
                        free(k);
                        goto bad;
                    }
                    have_off = 1;
                } else {
                    rt_fail("%s: unknown field '%s' for tensor '%s'", path, k, name);
                    free(k);
                    goto bad;
                }
                free(k);
                if (j.err) goto bad;
                if (peek(&j, ',')) j.s++;
            }
            j.s++;
            int esize = !strcmp(dtype, "F32") ? 4 : !strcmp(dtype, "F64") ? 8 : 0;
            if (!esize || nd < 0 || !have_off) {
                rt_fail("%s: tensor '%s': %s", path, name,
                        !esize ? "dtype must be F32 or F64" : nd < 0 ? "no shape" : "no data_offsets");
                goto bad;
            }
            int64_t count = 1;
            for (int d = 0; d < nd; d++) {
                if (dims[d] > 0 && count > ((int64_t)1 << 40) / dims[d]) {
                    rt_fail("%s: tensor '%s' is too large", path, name);
                    goto bad;
                }
                count *= dims[d];
            }
            if (e < b || e > data_size || e - b != (uint64_t)count * (uint64_t)esize) {
                rt_fail("%s: tensor '%s': data offsets [%llu, %llu] do not hold %lld values of %s in %llu data bytes",
                        path, name, (unsigned long long)b, (unsigned long long)e, (long long)count, dtype,
                        (unsigned long long)data_size);
                goto bad;
            }
            rt_tensor *t = rt_tensor_new(strlen(name) < RT_NAME_MAX ? name : "?", nd, dims);
            ts = realloc(ts, sizeof(rt_tensor *) * (size_t)(nt + 1));
            ts[nt++] = t;
            unsigned char *buf = malloc((size_t)(e - b) + 1);
            if (fseek(f, (long)(8 + hlen + b), SEEK_SET) || fread(buf, 1, (size_t)(e - b), f) != (size_t)(e - b)) {
                free(buf);
                rt_fail("%s: cannot read tensor '%s'", path, name);
                goto bad;
            }
            for (int64_t i = 0; i < count; i++) {
                if (esize == 4) memcpy(&t->data[i], buf + 4 * i, 4);
                else {
                    double x;
                    memcpy(&x, buf + 8 * i, 8);
                    t->data[i] = (float)x;
                }
            }
            free(buf);
        }
        free(name);
        name = NULL;
        if (peek(&j, ',')) {
            j.s++;
            continue;
        }
        if (!expect(&j, '}')) goto bad;
        break;
    }
parsed:
    ws(&j);
    for (const char *p = j.s; p < j.end; p++)
        if (!isspace((unsigned char)*p)) {
            rt_fail("%s: bad safetensors header (text after the JSON object)", path);
            goto bad;
        }
    *out = ts;
    *n = nt;
    if (meta) {
        *meta = ms;
        *nmeta = nm;
    } else {
        rt_meta_free(ms, nm);
    }
    goto done;
bad:
    rc = -1;
    free(name);
    rt_tensors_free(ts, nt);
    rt_meta_free(ms, nm);
done:
    free(hdr);
    fclose(f);
    return rc;
}
