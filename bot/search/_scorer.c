/* The query side of bot.search.index.SearchIndex.score, compiled.
 *
 * Same algorithm and same floating-point operations in the same order as the pure-Python scorer in
 * bot/search/index.py (which stays the reference and the fallback when no C compiler was at hand at
 * install time): read the champion lists, keep per document and group the best weighted contribution,
 * sum the groups in order, complete the best `max_completions` candidates from the unread parts of long
 * exact/stem lists, rank by score (ties by document). The Python scorer's shortcuts (bitmaps, bounds)
 * never change a result, so they are not needed here. tests/search/test_scorer.py compares both.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    Py_ssize_t group;
    Py_ssize_t lo;
    Py_ssize_t hi;
    double weight;
    int by_doc; /* 1: the rest of a list, sorted by document; 0: unread champions, by contribution */
} Part;

typedef struct {
    Py_ssize_t group;
    Py_ssize_t start;
    Py_ssize_t read; /* champions start:read are read now */
    double weight;
} Term;

typedef struct {
    const void *docs;
    int wide; /* 4-byte document numbers, else 2-byte */
    const double *scores;
} Postings;

static inline Py_ssize_t doc_at(const Postings *p, Py_ssize_t i) {
    return p->wide ? (Py_ssize_t)((const uint32_t *)p->docs)[i] : (Py_ssize_t)((const uint16_t *)p->docs)[i];
}

/* Candidate a ranks before b: higher total, then lower document number. */
static inline int before(double ta, Py_ssize_t da, double tb, Py_ssize_t db) {
    return ta > tb || (ta == tb && da < db);
}

/* The best `k` of the candidates (indices into docs/totals), best first, into `out`; returns how many. */
static Py_ssize_t best_of(const Py_ssize_t *docs, const double *totals, const unsigned char *excluded,
                          Py_ssize_t n, Py_ssize_t k, Py_ssize_t *out) {
    Py_ssize_t count = 0;
    if (k <= 0) return 0;
    for (Py_ssize_t c = 0; c < n; c++) {
        if (excluded[c]) continue;
        if (count == k && !before(totals[c], docs[c], totals[out[k - 1]], docs[out[k - 1]])) continue;
        Py_ssize_t i = count < k ? count++ : k - 1;
        while (i > 0 && before(totals[c], docs[c], totals[out[i - 1]], docs[out[i - 1]])) {
            out[i] = out[i - 1];
            i--;
        }
        out[i] = c;
    }
    return count;
}

static int get_buffer(PyObject *obj, Py_buffer *view, const char *what, Py_ssize_t itemsize_a,
                      Py_ssize_t itemsize_b) {
    if (PyObject_GetBuffer(obj, view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) return -1;
    if (view->itemsize != itemsize_a && view->itemsize != itemsize_b) {
        PyErr_Format(PyExc_TypeError, "%s: unexpected item size %zd", what, view->itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static PyObject *score(PyObject *self, PyObject *args) {
    PyObject *docs_obj, *scores_obj, *offsets_obj, *terms, *allowed_obj;
    Py_ssize_t n_groups, n_docs, limit;
    Py_ssize_t champions, expansion_champions, long_champions, bitmap_min, max_completions;
    double w_stem;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOOnnOn(nnnnnd)", &docs_obj, &scores_obj, &offsets_obj, &terms, &n_groups,
                          &n_docs, &allowed_obj, &limit, &champions, &expansion_champions, &long_champions,
                          &bitmap_min, &max_completions, &w_stem))
        return NULL;

    Py_buffer docs_view, scores_view, offsets_view, allowed_view;
    int have_docs = 0, have_scores = 0, have_offsets = 0, have_allowed = 0;
    PyObject *result = NULL, *seq = NULL;
    Part *parts = NULL;
    Term *read_terms = NULL;
    double *residual = NULL, *values = NULL, *totals = NULL;
    int32_t *slot = NULL;
    Py_ssize_t *cand_docs = NULL, *chosen = NULL;
    unsigned char *excluded = NULL;

    if (get_buffer(docs_obj, &docs_view, "documents", 2, 4) < 0) goto done;
    have_docs = 1;
    if (get_buffer(scores_obj, &scores_view, "scores", 8, 8) < 0) goto done;
    have_scores = 1;
    if (get_buffer(offsets_obj, &offsets_view, "offsets", 4, 8) < 0) goto done;
    have_offsets = 1;
    const unsigned char *allowed = NULL;
    if (allowed_obj != Py_None) {
        if (PyObject_GetBuffer(allowed_obj, &allowed_view, PyBUF_SIMPLE) < 0) goto done;
        have_allowed = 1;
        if (allowed_view.len != n_docs) {
            PyErr_SetString(PyExc_ValueError, "district mask: one byte per document expected");
            goto done;
        }
        allowed = allowed_view.buf;
    }
    if (n_groups <= 0 || limit <= 0 || n_docs <= 0) {
        result = PyList_New(0);
        goto done;
    }
    Postings post = {docs_view.buf, docs_view.itemsize == 4, scores_view.buf};
    Py_ssize_t n_postings = docs_view.len / docs_view.itemsize;
    Py_ssize_t n_offsets = offsets_view.len / offsets_view.itemsize;
    if (scores_view.len / 8 != n_postings) {
        PyErr_SetString(PyExc_ValueError, "documents and scores differ in length");
        goto done;
    }

    seq = PySequence_Fast(terms, "terms: a sequence of (group, term id, weight)");
    if (seq == NULL) goto done;
    Py_ssize_t n_terms = PySequence_Fast_GET_SIZE(seq);
    read_terms = PyMem_Malloc(sizeof(Term) * (n_terms + 1));
    parts = PyMem_Malloc(sizeof(Part) * (2 * n_terms + 1));
    residual = PyMem_Calloc(n_groups, sizeof(double));
    if (!read_terms || !parts || !residual) {
        PyErr_NoMemory();
        goto done;
    }

    /* Which part of each list is read now, which is left for the completions. */
    Py_ssize_t n_parts = 0, n_read = 0;
    for (Py_ssize_t t = 0; t < n_terms; t++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, t);
        Py_ssize_t g, tid;
        double weight;
        if (!PyArg_ParseTuple(item, "nnd", &g, &tid, &weight)) goto done;
        if (g < 0 || g >= n_groups || tid < 0 || tid + 1 >= n_offsets) {
            PyErr_SetString(PyExc_IndexError, "group or term id out of range");
            goto done;
        }
        Py_ssize_t start, end;
        if (offsets_view.itemsize == 4) {
            start = ((const uint32_t *)offsets_view.buf)[tid];
            end = ((const uint32_t *)offsets_view.buf)[tid + 1];
        } else {
            start = (Py_ssize_t)((const uint64_t *)offsets_view.buf)[tid];
            end = (Py_ssize_t)((const uint64_t *)offsets_view.buf)[tid + 1];
        }
        if (start > end || end > n_postings) {
            PyErr_SetString(PyExc_IndexError, "offsets out of range");
            goto done;
        }
        Py_ssize_t read;
        if (end - start <= champions) {
            read = end;
        } else if (weight < w_stem) { /* expansions: a long list's champions only */
            read = start + expansion_champions;
        } else if (end - start < bitmap_min) {
            read = end;
        } else { /* the rest of the champions, then the rest by document: completed later */
            Py_ssize_t head = start + champions < end ? start + champions : end;
            read = start + long_champions < head ? start + long_champions : head;
            parts[n_parts++] = (Part){g, read, head, weight, 0};
            parts[n_parts++] = (Part){g, head, end, weight, 1};
            if (read < end) {
                double bound = post.scores[read] * weight;
                if (bound > residual[g]) residual[g] = bound;
            }
        }
        if (read > end) read = end;
        read_terms[t] = (Term){g, start, read, weight};
        n_read += read - start;
    }

    /* Champions: per candidate and group the best weighted contribution. */
    slot = PyMem_Malloc(sizeof(int32_t) * n_docs);
    cand_docs = PyMem_Malloc(sizeof(Py_ssize_t) * (n_read + 1));
    values = PyMem_Calloc((size_t)(n_read + 1) * (size_t)n_groups, sizeof(double));
    if (!slot || !cand_docs || !values) {
        PyErr_NoMemory();
        goto done;
    }
    memset(slot, 0xff, sizeof(int32_t) * n_docs);
    Py_ssize_t n_cands = 0;
    for (Py_ssize_t t = 0; t < n_terms; t++) {
        Py_ssize_t g = read_terms[t].group;
        double weight = read_terms[t].weight;
        for (Py_ssize_t i = read_terms[t].start; i < read_terms[t].read; i++) {
            Py_ssize_t d = doc_at(&post, i);
            if (d >= n_docs) {
                PyErr_SetString(PyExc_IndexError, "document number out of range");
                goto done;
            }
            int32_t c = slot[d];
            if (c < 0) {
                c = slot[d] = (int32_t)n_cands;
                cand_docs[n_cands++] = d;
            }
            double value = post.scores[i] * weight;
            double *best = &values[(Py_ssize_t)c * n_groups + g];
            if (value > *best) *best = value;
        }
    }

    totals = PyMem_Malloc(sizeof(double) * (n_cands + 1));
    excluded = PyMem_Calloc(n_cands + 1, 1);
    Py_ssize_t n_chosen = max_completions > limit ? max_completions : limit;
    chosen = PyMem_Malloc(sizeof(Py_ssize_t) * (n_chosen + 1));
    if (!totals || !excluded || !chosen) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t c = 0; c < n_cands; c++) {
        if (allowed != NULL && !allowed[cand_docs[c]]) excluded[c] = 1;
        const double *row = &values[c * n_groups];
        double total = 0.0;
        for (Py_ssize_t g = 0; g < n_groups; g++) total += row[g];
        totals[c] = total;
    }

    int any_residual = 0;
    for (Py_ssize_t g = 0; g < n_groups; g++) any_residual |= residual[g] != 0.0;
    if (any_residual && max_completions > 0) {
        Py_ssize_t n_best = best_of(cand_docs, totals, excluded, n_cands, max_completions, chosen);
        for (Py_ssize_t k = 0; k < n_best; k++) {
            Py_ssize_t c = chosen[k], d = cand_docs[c];
            double *row = &values[c * n_groups];
            for (Py_ssize_t p = 0; p < n_parts; p++) {
                const Part *part = &parts[p];
                double found = 0.0;
                if (part->by_doc) { /* bisect_left */
                    Py_ssize_t lo = part->lo, hi = part->hi;
                    while (lo < hi) {
                        Py_ssize_t mid = lo + (hi - lo) / 2;
                        if (doc_at(&post, mid) < d) lo = mid + 1;
                        else hi = mid;
                    }
                    if (lo < part->hi && doc_at(&post, lo) == d) found = post.scores[lo];
                } else {
                    for (Py_ssize_t i = part->lo; i < part->hi; i++) {
                        if (doc_at(&post, i) == d) {
                            found = post.scores[i];
                            break;
                        }
                    }
                }
                double value = found * part->weight;
                if (value > row[part->group]) row[part->group] = value;
            }
            double total = 0.0;
            for (Py_ssize_t g = 0; g < n_groups; g++) total += row[g];
            totals[c] = total;
        }
    }

    Py_ssize_t n_out = best_of(cand_docs, totals, excluded, n_cands, limit, chosen);
    result = PyList_New(n_out);
    if (result == NULL) goto done;
    for (Py_ssize_t k = 0; k < n_out; k++) {
        PyObject *pair = Py_BuildValue("(nd)", cand_docs[chosen[k]], totals[chosen[k]]);
        if (pair == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, k, pair);
    }

done:
    PyMem_Free(read_terms);
    PyMem_Free(parts);
    PyMem_Free(residual);
    PyMem_Free(slot);
    PyMem_Free(cand_docs);
    PyMem_Free(values);
    PyMem_Free(totals);
    PyMem_Free(excluded);
    PyMem_Free(chosen);
    Py_XDECREF(seq);
    if (have_allowed) PyBuffer_Release(&allowed_view);
    if (have_offsets) PyBuffer_Release(&offsets_view);
    if (have_scores) PyBuffer_Release(&scores_view);
    if (have_docs) PyBuffer_Release(&docs_view);
    return result;
}

static PyMethodDef methods[] = {
    {"score", score, METH_VARARGS,
     "score(post_docs, post_scores, offsets, terms, n_groups, n_docs, allowed, limit, params)\n"
     "-> [(document, score)], best first. terms: (group, term id, weight) per candidate term; allowed: None\n"
     "or one byte per document (0 = other district); params: (CHAMPIONS, EXPANSION_CHAMPIONS,\n"
     "LONG_CHAMPIONS, BITMAP_MIN, MAX_COMPLETIONS, W_STEM)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "bot.search._scorer", "Compiled query side of SearchIndex.score.", -1, methods,
};

PyMODINIT_FUNC PyInit__scorer(void) { return PyModule_Create(&module); }
