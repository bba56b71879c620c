/* corpus._minhash: the per-shingle work of corpus.minhash in C, value for value the same.
 *
 * Three functions, each the C form of a numpy/Python path of corpus/minhash.py:
 *
 *   shingle_hashes(tokens, size)          xxHash32 (seed 0) of the UTF-8 of each shingle, in order,
 *                                         repeats included: hash_shingles(iter_shingles(tokens, size), "xxh32")
 *   distinct_shingle_hashes(tokens, size) the same hashes, distinct and sorted: what fingerprint() keeps
 *   minhash(hashes, a, b, num_perm)       datasketch's affine32 MinHash of those hashes
 *
 * Hashes go in and out as native-order uint32 (what numpy.uint32 holds); a signature comes
 * out as little-endian uint32, the byte form of corpus.minhash.Signature.values.
 *
 * A shingle is `size` tokens joined by U+001F, so the shingles of a text are slices of one
 * buffer holding all its tokens joined by U+001F: each is hashed where it lies, no string is
 * built per shingle. The MinHash loop runs over permutations innermost, contiguous, so the
 * compiler vectorises it; on x86-64 Linux it is compiled for AVX-512, AVX2 and plain x86-64
 * and the loader picks the widest the CPU has (function multiversioning).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEPARATOR 0x1F

#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define MULTIVERSIONED __attribute__((target_clones("avx512f", "avx2", "default")))
#define CLONES "avx512f, avx2, default"
#endif
#endif
#ifndef MULTIVERSIONED
#define MULTIVERSIONED
#define CLONES "default"
#endif

#if defined(__GNUC__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE static inline
#endif

/* ---- xxHash32, seed 0 (the reference algorithm, github.com/Cyan4973/xxHash) ---- */

#define P1 0x9E3779B1U
#define P2 0x85EBCA77U
#define P3 0xC2B2AE3DU
#define P4 0x27D4EB2FU
#define P5 0x165667B1U

static inline uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

/* The 4 bytes at p as a little-endian uint32, on any machine and at any alignment. */
static inline uint32_t read_le32(const unsigned char *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint32_t xxh32_round(uint32_t acc, uint32_t input) {
    acc += input * P2;
    return rotl32(acc, 13) * P1;
}

/* xxh32(data, seed=0): what xxhash.xxh32_intdigest gives. */
static uint32_t xxh32(const unsigned char *p, size_t len) {
    const unsigned char *end = p + len;
    uint32_t h;
    if (len >= 16) {
        const unsigned char *limit = end - 16;
        uint32_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0U - P1;
        do {
            v1 = xxh32_round(v1, read_le32(p));
            v2 = xxh32_round(v2, read_le32(p + 4));
            v3 = xxh32_round(v3, read_le32(p + 8));
            v4 = xxh32_round(v4, read_le32(p + 12));
            p += 16;
        } while (p <= limit);
        h = rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18);
    } else {
        h = P5;
    }
    h += (uint32_t)len;
    for (; p + 4 <= end; p += 4) {
        h += read_le32(p) * P3;
        h = rotl32(h, 17) * P4;
    }
    for (; p < end; p++) {
        h += (uint32_t)(*p) * P5;
        h = rotl32(h, 11) * P1;
    }
    h ^= h >> 15;
    h *= P2;
    h ^= h >> 13;
    h *= P3;
    h ^= h >> 16;
    return h;
}

/* ---- tokens joined into one buffer ---- */

/* All tokens' UTF-8 joined by U+001F (with one after the last too): token i starts at
 * starts[i], and the shingle of tokens i .. i+size-1 is text[starts[i] .. starts[i+size]-1). */
typedef struct {
    unsigned char *text;
    size_t *starts; /* count + 1 entries */
    Py_ssize_t count;
} Joined;

static void joined_free(Joined *j) {
    PyMem_Free(j->text);
    PyMem_Free(j->starts);
    j->text = NULL;
    j->starts = NULL;
}

/* The most UTF-8 bytes a ready str can take: 1 per character when ASCII, else 2, 3 or 4 by its kind. */
static size_t utf8_bound(PyObject *str) {
    size_t len = (size_t)PyUnicode_GET_LENGTH(str);
    if (PyUnicode_IS_ASCII(str)) return len;
    switch (PyUnicode_KIND(str)) {
    case PyUnicode_1BYTE_KIND: return 2 * len;
    case PyUnicode_2BYTE_KIND: return 3 * len;
    default: return 4 * len;
    }
}

/* Encode a ready str as UTF-8 at `to`, read straight from its code points: no UTF-8 copy is cached
 * in the str (a fresh token would cost a malloc). The bytes written, or -1 at a lone surrogate,
 * which UTF-8 cannot encode. */
static Py_ssize_t encode_utf8(PyObject *str, unsigned char *to) {
    Py_ssize_t len = PyUnicode_GET_LENGTH(str);
    const void *data = PyUnicode_DATA(str);
    int kind = PyUnicode_KIND(str);
    unsigned char *at = to;
    if (PyUnicode_IS_ASCII(str)) {
        const unsigned char *chars = data;
        if (len > 16) {
            memcpy(at, chars, (size_t)len);
            return len;
        }
        /* Most tokens are a short word: a call to memcpy costs more than the copy. */
        for (Py_ssize_t c = 0; c < len; c++) at[c] = chars[c];
        return len;
    }
    for (Py_ssize_t c = 0; c < len; c++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, c);
        if (ch < 0x80) {
            *at++ = (unsigned char)ch;
        } else if (ch < 0x800) {
            *at++ = (unsigned char)(0xC0 | (ch >> 6));
            *at++ = (unsigned char)(0x80 | (ch & 0x3F));
        } else if (ch < 0x10000) {
            if (ch >= 0xD800 && ch <= 0xDFFF) return -1;
            *at++ = (unsigned char)(0xE0 | (ch >> 12));
            *at++ = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
            *at++ = (unsigned char)(0x80 | (ch & 0x3F));
        } else {
            *at++ = (unsigned char)(0xF0 | (ch >> 18));
            *at++ = (unsigned char)(0x80 | ((ch >> 12) & 0x3F));
            *at++ = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
            *at++ = (unsigned char)(0x80 | (ch & 0x3F));
        }
    }
    return at - to;
}

/* Join a sequence of str in one pass over it (each token object is read once: a long text's
 * tokens do not fit in the cache); -1 with an exception set: not a str, a lone surrogate (the
 * UnicodeEncodeError str.encode raises), no memory. */
static int joined_make(PyObject *tokens, Joined *j) {
    j->text = NULL;
    j->starts = NULL;
    PyObject *seq = PySequence_Fast(tokens, "tokens must be a sequence of str");
    if (seq == NULL) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    j->count = n;
    size_t capacity = 8 * (size_t)n + 64, at = 0;
    j->starts = PyMem_Malloc(sizeof(size_t) * (size_t)(n + 1));
    j->text = PyMem_Malloc(capacity);
    if (j->starts == NULL || j->text == NULL) goto no_memory;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *token = items[i];
#if defined(__GNUC__)
        /* Reading the tokens' headers is the cost here: ask for them a few tokens ahead. */
        if (i + 8 < n) __builtin_prefetch(items[i + 8]);
#endif
        if (!PyUnicode_Check(token)) {
            PyErr_Format(PyExc_TypeError, "tokens must be str, got %.80s", Py_TYPE(token)->tp_name);
            goto fail;
        }
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(token) < 0) goto fail;
#endif
        size_t need = at + utf8_bound(token) + 1;
        if (need > capacity) {
            capacity = need > 2 * capacity ? need : 2 * capacity;
            unsigned char *grown = PyMem_Realloc(j->text, capacity);
            if (grown == NULL) goto no_memory;
            j->text = grown;
        }
        Py_ssize_t len = encode_utf8(token, j->text + at);
        if (len < 0) {
            PyUnicode_AsUTF8AndSize(token, NULL); /* sets str.encode's UnicodeEncodeError */
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_UnicodeError, "token not encodable as UTF-8");
            goto fail;
        }
        j->starts[i] = at;
        at += (size_t)len;
        j->text[at++] = SEPARATOR;
    }
    j->starts[n] = at;
    Py_DECREF(seq);
    return 0;
no_memory:
    PyErr_NoMemory();
fail:
    Py_DECREF(seq);
    joined_free(j);
    return -1;
}

/* How many shingles of `size` tokens the text has: none without tokens, one when it has at most `size`. */
static Py_ssize_t shingle_count(const Joined *j, Py_ssize_t size) {
    if (j->count == 0) return 0;
    return j->count <= size ? 1 : j->count - size + 1;
}

/* Each shingle's xxh32 into out[0 .. shingle_count). Needs no GIL. */
static void hash_all(const Joined *j, Py_ssize_t size, uint32_t *out) {
    Py_ssize_t count = shingle_count(j, size);
    Py_ssize_t span = j->count <= size ? j->count : size;
    for (Py_ssize_t i = 0; i < count; i++) {
        size_t start = j->starts[i];
        out[i] = xxh32(j->text + start, j->starts[i + span] - 1 - start);
    }
}

/* ---- sorting: a counting pass on the top bits, then insertion sort ---- */

static void insertion_sort(uint32_t *v, size_t n) {
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t k = i;
        for (; k > 0 && v[k - 1] > x; k--) v[k] = v[k - 1];
        v[k] = x;
    }
}

static int compare_uint32(const void *x, const void *y) {
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* Sort v[0 .. n) ascending, with tmp (n values) as scratch space: hashes are near uniform, so
 * one counting pass on the top bits leaves buckets of about 4 values, each finished by
 * insertion sort (a bucket of many distinct values, as crafted input could make, by qsort). */
static void bucket_sort(uint32_t *v, uint32_t *tmp, size_t n) {
    int bits = 1;
    while (bits < 16 && ((size_t)1 << (bits + 2)) < n) bits++;
    size_t buckets = (size_t)1 << bits, shift = 32 - (size_t)bits;
    size_t *starts = PyMem_RawCalloc(buckets + 1, sizeof(size_t));
    if (starts == NULL) { /* no memory for the counts: sort in place instead */
        qsort(v, n, sizeof(uint32_t), compare_uint32);
        return;
    }
    for (size_t i = 0; i < n; i++) starts[(v[i] >> shift) + 1]++;
    for (size_t d = 1; d <= buckets; d++) starts[d] += starts[d - 1];
    for (size_t i = 0; i < n; i++) tmp[starts[v[i] >> shift]++] = v[i];
    /* Each bucket's count was added to its start: starts[d] is now where bucket d ends. */
    size_t from = 0;
    for (size_t d = 0; d < buckets; d++) {
        size_t to = starts[d], size = to - from;
        if (size > 48) {
            qsort(tmp + from, size, sizeof(uint32_t), compare_uint32);
        } else {
            insertion_sort(tmp + from, size);
        }
        from = to;
    }
    memcpy(v, tmp, n * sizeof(uint32_t));
    PyMem_RawFree(starts);
}

/* Sort v[0 .. n) and drop repeats; the number of distinct values. */
static size_t sort_distinct(uint32_t *v, uint32_t *tmp, size_t n) {
    if (n < 2) return n;
    if (n <= 64) {
        insertion_sort(v, n);
    } else {
        bucket_sort(v, tmp, n);
    }
    size_t kept = 1;
    for (size_t i = 1; i < n; i++) {
        if (v[i] != v[kept - 1]) v[kept++] = v[i];
    }
    return kept;
}

/* ---- MinHash, datasketch's affine32 scheme ---- */

/* MurmurHash3's 32-bit finalizer: datasketch mixes every input hash with it once. */
static inline uint32_t fmix32(uint32_t h) {
    h ^= h >> 16;
    h *= 0x85EBCA6BU;
    h ^= h >> 13;
    h *= 0xC2B2AE35U;
    h ^= h >> 16;
    return h;
}

/* Hashes taken together per pass over the permutations: each pass loads a, b and out once. */
#define GROUP 8

/* out[k] = min over the mixed hashes h of a[k] * h + b[k] (mod 2**32), for the mixed hashes in
 * mixed[0 .. n), n a multiple of GROUP. The loop over k is the vectorised one: contiguous,
 * GROUP independent multiply-adds per lane. */
ALWAYS_INLINE void affine_min(const uint32_t *restrict mixed, size_t n, const uint32_t *restrict a,
                              const uint32_t *restrict b, uint32_t *restrict out, size_t num_perm) {
    for (size_t k = 0; k < num_perm; k++) out[k] = 0xFFFFFFFFU;
    for (size_t i = 0; i < n; i += GROUP) {
        const uint32_t h0 = mixed[i], h1 = mixed[i + 1], h2 = mixed[i + 2], h3 = mixed[i + 3];
        const uint32_t h4 = mixed[i + 4], h5 = mixed[i + 5], h6 = mixed[i + 6], h7 = mixed[i + 7];
        for (size_t k = 0; k < num_perm; k++) {
            const uint32_t ak = a[k], bk = b[k];
            uint32_t m = out[k], v;
            v = ak * h0 + bk; m = v < m ? v : m;
            v = ak * h1 + bk; m = v < m ? v : m;
            v = ak * h2 + bk; m = v < m ? v : m;
            v = ak * h3 + bk; m = v < m ? v : m;
            v = ak * h4 + bk; m = v < m ? v : m;
            v = ak * h5 + bk; m = v < m ? v : m;
            v = ak * h6 + bk; m = v < m ? v : m;
            v = ak * h7 + bk; m = v < m ? v : m;
            out[k] = m;
        }
    }
}

/* The same loop compiled once per CPU feature set (see MULTIVERSIONED). */
MULTIVERSIONED static void affine_min_dispatch(const uint32_t *mixed, size_t n, const uint32_t *a,
                                               const uint32_t *b, uint32_t *out, size_t num_perm) {
    affine_min(mixed, n, a, b, out, num_perm);
}

/* The same loop for plain x86-64 (or whatever the compiler targets by default) on every CPU. */
static void affine_min_baseline(const uint32_t *mixed, size_t n, const uint32_t *a, const uint32_t *b,
                                uint32_t *out, size_t num_perm) {
    affine_min(mixed, n, a, b, out, num_perm);
}

/* ---- the Python functions ---- */

static int parse_size(Py_ssize_t size) {
    if (size < 1) {
        PyErr_Format(PyExc_ValueError, "shingle size must be at least 1, got %zd", size);
        return -1;
    }
    return 0;
}

static PyObject *py_shingle_hashes(PyObject *self, PyObject *args) {
    PyObject *tokens;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "On:shingle_hashes", &tokens, &size) || parse_size(size) < 0) return NULL;
    Joined j;
    if (joined_make(tokens, &j) < 0) return NULL;
    Py_ssize_t count = shingle_count(&j, size);
    PyObject *out = PyBytes_FromStringAndSize(NULL, count * 4);
    if (out != NULL) {
        uint32_t *hashes = (uint32_t *)PyBytes_AS_STRING(out);
        Py_BEGIN_ALLOW_THREADS hash_all(&j, size, hashes);
        Py_END_ALLOW_THREADS
    }
    joined_free(&j);
    return out;
}

static PyObject *py_distinct_shingle_hashes(PyObject *self, PyObject *args) {
    PyObject *tokens;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "On:distinct_shingle_hashes", &tokens, &size) || parse_size(size) < 0) return NULL;
    Joined j;
    if (joined_make(tokens, &j) < 0) return NULL;
    size_t count = (size_t)shingle_count(&j, size);
    uint32_t *hashes = PyMem_Malloc(2 * sizeof(uint32_t) * (count ? count : 1));
    if (hashes == NULL) {
        joined_free(&j);
        return PyErr_NoMemory();
    }
    size_t kept;
    Py_BEGIN_ALLOW_THREADS hash_all(&j, size, hashes);
    kept = sort_distinct(hashes, hashes + count, count);
    Py_END_ALLOW_THREADS
    joined_free(&j);
    PyObject *out = PyBytes_FromStringAndSize((const char *)hashes, (Py_ssize_t)(kept * 4));
    PyMem_Free(hashes);
    return out;
}

/* Check a buffer holds a whole number of uint32, at least `need` of them when need >= 0. */
static int check_uint32s(const Py_buffer *buf, const char *name, Py_ssize_t need) {
    if (buf->len % 4 || (need >= 0 && buf->len < need * 4)) {
        PyErr_Format(PyExc_ValueError, "minhash: %s must hold %s uint32 values, got %zd bytes", name,
                     need >= 0 ? "num_perm" : "whole", buf->len);
        return -1;
    }
    return 0;
}

/* The signature of n native-order hashes; -1 with an exception set on no memory. */
static int signature_into(const uint32_t *hashes, size_t n, const uint32_t *a, const uint32_t *b, uint32_t *out,
                          size_t num_perm, int baseline) {
    size_t padded = (n + GROUP - 1) / GROUP * GROUP;
    if (n == 0) {
        for (size_t k = 0; k < num_perm; k++) out[k] = 0xFFFFFFFFU;
        return 0;
    }
    uint32_t *mixed = PyMem_RawMalloc(padded * sizeof(uint32_t));
    if (mixed == NULL) return -1;
    for (size_t i = 0; i < n; i++) mixed[i] = fmix32(hashes[i]);
    /* Repeating the last hash changes no minimum, and makes the count a multiple of GROUP. */
    for (size_t i = n; i < padded; i++) mixed[i] = mixed[n - 1];
    if (baseline) {
        affine_min_baseline(mixed, padded, a, b, out, num_perm);
    } else {
        affine_min_dispatch(mixed, padded, a, b, out, num_perm);
    }
    PyMem_RawFree(mixed);
#if PY_BIG_ENDIAN
    for (size_t k = 0; k < num_perm; k++) out[k] = __builtin_bswap32(out[k]);
#endif
    return 0;
}

static PyObject *py_minhash(PyObject *self, PyObject *args) {
    Py_buffer hashes, a, b;
    Py_ssize_t num_perm;
    int baseline = 0;
    if (!PyArg_ParseTuple(args, "y*y*y*n|p:minhash", &hashes, &a, &b, &num_perm, &baseline)) return NULL;
    PyObject *out = NULL;
    if (num_perm < 0) {
        PyErr_Format(PyExc_ValueError, "minhash: num_perm must not be negative, got %zd", num_perm);
    } else if (check_uint32s(&hashes, "hashes", -1) == 0 && check_uint32s(&a, "a", num_perm) == 0 &&
               check_uint32s(&b, "b", num_perm) == 0) {
        out = PyBytes_FromStringAndSize(NULL, num_perm * 4);
    }
    if (out != NULL) {
        int failed;
        Py_BEGIN_ALLOW_THREADS failed =
            signature_into(hashes.buf, (size_t)(hashes.len / 4), a.buf, b.buf, (uint32_t *)PyBytes_AS_STRING(out),
                           (size_t)num_perm, baseline);
        Py_END_ALLOW_THREADS if (failed) {
            Py_CLEAR(out);
            PyErr_NoMemory();
        }
    }
    PyBuffer_Release(&hashes);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    return out;
}

static PyMethodDef methods[] = {
    {"shingle_hashes", py_shingle_hashes, METH_VARARGS,
     "shingle_hashes(tokens, size, /) -> bytes\n\n"
     "xxh32 (seed 0) of the UTF-8 of each shingle of `size` tokens joined by U+001F, in order, repeats\n"
     "included (a text of at most `size` tokens is one shingle), as native-order uint32."},
    {"distinct_shingle_hashes", py_distinct_shingle_hashes, METH_VARARGS,
     "distinct_shingle_hashes(tokens, size, /) -> bytes\n\n"
     "The hashes of shingle_hashes, distinct and sorted ascending, as native-order uint32."},
    {"minhash", py_minhash, METH_VARARGS,
     "minhash(hashes, a, b, num_perm, baseline=False, /) -> bytes\n\n"
     "datasketch's affine32 MinHash of native-order uint32 hashes with permutations a, b (uint32):\n"
     "per permutation k the least (a[k] * fmix32(h) + b[k]) mod 2**32, 2**32 - 1 without hashes,\n"
     "as little-endian uint32. `baseline` uses the loop compiled for the default target only."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "corpus._minhash", "The per-shingle work of corpus.minhash in C.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__minhash(void) {
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddStringConstant(m, "CLONES", CLONES) < 0) Py_CLEAR(m);
    return m;
}
