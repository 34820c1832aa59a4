/* The hot loops of bot.search.index.SearchIndex.build, compiled.
 *
 * The pure-Python build in bot/search/index.py stays the reference and the fallback (no C compiler at
 * installation); this module does the same floating-point operations in the same order, so both build
 * bit-identical indexes (tests/search/test_builder.py):
 *
 *   add_scaled(tf, counts, weight)   tf[term] = tf.get(term, 0.0) + count * weight for counts' items
 *   merge_max(merged, tf)            merged[term] = value where value > merged.get(term, 0.0)
 *   Postings()                       per term id its documents and weighted term frequencies
 *     .add(doc, merged, term_ids, terms)   new terms get the next id, in the order of `merged`
 *     .finish(norms, k1, champions)  -> (offsets, documents, scores) as bytearrays: per term its BM25
 *                                       champions (best first, ties by document), then the rest by
 *                                       document. Runs without the GIL: a reload builds in a worker
 *                                       thread while residents are answered.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --- dict helpers ------------------------------------------------------------------------------------ */

static PyObject *add_scaled(PyObject *self, PyObject *args) {
    PyObject *tf, *counts;
    double weight;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!d", &PyDict_Type, &tf, &PyDict_Type, &counts, &weight)) return NULL;
    Py_ssize_t pos = 0;
    PyObject *term, *count;
    while (PyDict_Next(counts, &pos, &term, &count)) {
        double n = PyFloat_AsDouble(count); /* int → float, exact for counts */
        if (n == -1.0 && PyErr_Occurred()) return NULL;
        PyObject *old = PyDict_GetItemWithError(tf, term);
        if (old == NULL && PyErr_Occurred()) return NULL;
        double value = old == NULL ? 0.0 : PyFloat_AsDouble(old);
        if (value == -1.0 && PyErr_Occurred()) return NULL;
        double scaled = n * weight;
        PyObject *sum = PyFloat_FromDouble(value + scaled);
        if (sum == NULL || PyDict_SetItem(tf, term, sum) < 0) {
            Py_XDECREF(sum);
            return NULL;
        }
        Py_DECREF(sum);
    }
    Py_RETURN_NONE;
}

static PyObject *merge_max(PyObject *self, PyObject *args) {
    PyObject *merged, *tf;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!", &PyDict_Type, &merged, &PyDict_Type, &tf)) return NULL;
    Py_ssize_t pos = 0;
    PyObject *term, *value;
    while (PyDict_Next(tf, &pos, &term, &value)) {
        double v = PyFloat_AsDouble(value);
        if (v == -1.0 && PyErr_Occurred()) return NULL;
        PyObject *old = PyDict_GetItemWithError(merged, term);
        if (old == NULL && PyErr_Occurred()) return NULL;
        double o = old == NULL ? 0.0 : PyFloat_AsDouble(old);
        if (o == -1.0 && PyErr_Occurred()) return NULL;
        if (v > o && PyDict_SetItem(merged, term, value) < 0) return NULL;
    }
    Py_RETURN_NONE;
}

/* --- Postings ---------------------------------------------------------------------------------------- */

typedef struct {
    uint32_t *docs;
    double *values;
    Py_ssize_t size, capacity;
} List;

typedef struct {
    PyObject_HEAD
    List *lists;
    Py_ssize_t n_terms, capacity;
    Py_ssize_t n_postings;
    uint32_t last_doc; /* documents come in ascending order */
    int any_doc;
    int finished;
} Postings;

static void free_lists(Postings *self) {
    if (self->lists != NULL) {
        for (Py_ssize_t t = 0; t < self->n_terms; t++) {
            PyMem_RawFree(self->lists[t].docs);
            PyMem_RawFree(self->lists[t].values);
        }
        PyMem_RawFree(self->lists);
    }
    self->lists = NULL;
    self->n_terms = self->capacity = 0;
}

static void Postings_dealloc(Postings *self) {
    free_lists(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int push(List *list, uint32_t doc, double value) {
    if (list->size == list->capacity) {
        Py_ssize_t capacity = list->capacity ? list->capacity * 2 : 4;
        uint32_t *docs = PyMem_RawRealloc(list->docs, sizeof(uint32_t) * capacity);
        if (docs == NULL) return -1;
        list->docs = docs;
        double *values = PyMem_RawRealloc(list->values, sizeof(double) * capacity);
        if (values == NULL) return -1;
        list->values = values;
        list->capacity = capacity;
    }
    list->docs[list->size] = doc;
    list->values[list->size] = value;
    list->size++;
    return 0;
}

static PyObject *Postings_add(Postings *self, PyObject *args) {
    Py_ssize_t doc;
    PyObject *merged, *term_ids, *terms;
    if (!PyArg_ParseTuple(args, "nO!O!O!", &doc, &PyDict_Type, &merged, &PyDict_Type, &term_ids, &PyList_Type,
                          &terms))
        return NULL;
    if (self->finished) {
        PyErr_SetString(PyExc_RuntimeError, "postings already finished");
        return NULL;
    }
    if (doc < 0 || doc > UINT32_MAX || (self->any_doc && (uint32_t)doc <= self->last_doc)) {
        PyErr_SetString(PyExc_ValueError, "documents must be added once each, in ascending order");
        return NULL;
    }
    Py_ssize_t pos = 0;
    PyObject *term, *value;
    while (PyDict_Next(merged, &pos, &term, &value)) {
        double v = PyFloat_AsDouble(value);
        if (v == -1.0 && PyErr_Occurred()) return NULL;
        PyObject *id = PyDict_GetItemWithError(term_ids, term);
        Py_ssize_t tid;
        if (id != NULL) {
            tid = PyLong_AsSsize_t(id);
            if (tid == -1 && PyErr_Occurred()) return NULL;
            if (tid < 0 || tid >= self->n_terms) {
                PyErr_SetString(PyExc_IndexError, "term id unknown to these postings");
                return NULL;
            }
        } else {
            if (PyErr_Occurred()) return NULL;
            tid = PyList_GET_SIZE(terms);
            if (tid != self->n_terms) {
                PyErr_SetString(PyExc_ValueError, "terms list and postings disagree");
                return NULL;
            }
            if (self->n_terms == self->capacity) {
                Py_ssize_t capacity = self->capacity ? self->capacity * 2 : 1024;
                List *lists = PyMem_RawRealloc(self->lists, sizeof(List) * capacity);
                if (lists == NULL) return PyErr_NoMemory();
                self->lists = lists;
                self->capacity = capacity;
            }
            PyObject *id_obj = PyLong_FromSsize_t(tid);
            if (id_obj == NULL) return NULL;
            int failed = PyDict_SetItem(term_ids, term, id_obj) < 0 || PyList_Append(terms, term) < 0;
            Py_DECREF(id_obj);
            if (failed) return NULL;
            self->lists[tid] = (List){NULL, NULL, 0, 0};
            self->n_terms++;
        }
        if (push(&self->lists[tid], (uint32_t)doc, v) < 0) return PyErr_NoMemory();
        self->n_postings++;
    }
    self->last_doc = (uint32_t)doc;
    self->any_doc = 1;
    Py_RETURN_NONE;
}

/* i ranks before j: higher score, then lower position (= lower document). */
static inline int ranks_before(const double *scores, Py_ssize_t i, Py_ssize_t j) {
    return scores[i] > scores[j] || (scores[i] == scores[j] && i < j);
}

static PyObject *Postings_finish(Postings *self, PyObject *args) {
    PyObject *norms_obj;
    double k1;
    Py_ssize_t champions;
    if (!PyArg_ParseTuple(args, "Odn", &norms_obj, &k1, &champions)) return NULL;
    if (self->finished) {
        PyErr_SetString(PyExc_RuntimeError, "postings already finished");
        return NULL;
    }
    if (champions < 0) champions = 0;
    Py_buffer norms_view;
    if (PyObject_GetBuffer(norms_obj, &norms_view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) return NULL;
    PyObject *offsets = NULL, *docs = NULL, *scores = NULL, *result = NULL;
    double *term_scores = NULL;
    Py_ssize_t *top = NULL;
    unsigned char *taken = NULL;
    if (norms_view.itemsize != 8 || (norms_view.format && strcmp(norms_view.format, "d") != 0)) {
        PyErr_SetString(PyExc_TypeError, "norms: an array of doubles expected");
        goto done;
    }
    Py_ssize_t n_docs = norms_view.len / 8;
    const double *norms = norms_view.buf;
    if (self->any_doc && (Py_ssize_t)self->last_doc >= n_docs) {
        PyErr_SetString(PyExc_ValueError, "fewer norms than documents");
        goto done;
    }
    int wide = n_docs > 0xFFFF;
    Py_ssize_t n_terms = self->n_terms, n_postings = self->n_postings;
    offsets = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)sizeof(uint32_t) * (n_terms + 1));
    docs = PyByteArray_FromStringAndSize(NULL, n_postings * (wide ? 4 : 2));
    scores = PyByteArray_FromStringAndSize(NULL, n_postings * 8);
    Py_ssize_t longest = 0;
    for (Py_ssize_t t = 0; t < n_terms; t++)
        if (self->lists[t].size > longest) longest = self->lists[t].size;
    term_scores = PyMem_RawMalloc(sizeof(double) * (longest + 1));
    top = PyMem_RawMalloc(sizeof(Py_ssize_t) * (champions + 1));
    taken = PyMem_RawMalloc(longest + 1);
    if (!offsets || !docs || !scores || !term_scores || !top || !taken) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    if (n_postings > UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "too many postings for 32-bit offsets");
        goto done;
    }
    uint32_t *out_offsets = (uint32_t *)PyByteArray_AS_STRING(offsets);
    char *out_docs = PyByteArray_AS_STRING(docs);
    double *out_scores = (double *)PyByteArray_AS_STRING(scores);
    double k1_plus_1 = k1 + 1;

    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t at = 0;
    out_offsets[0] = 0;
    for (Py_ssize_t t = 0; t < n_terms; t++) {
        List *list = &self->lists[t];
        Py_ssize_t df = list->size;
        double idf = log(1 + ((double)n_docs - (double)df + 0.5) / ((double)df + 0.5));
        for (Py_ssize_t i = 0; i < df; i++) {
            double value = list->values[i];
            term_scores[i] = idf * value * k1_plus_1 / (value + norms[list->docs[i]]);
        }
        /* champions: the best `champions`, best first, ties by position (as a stable sort) */
        Py_ssize_t count = 0;
        for (Py_ssize_t i = 0; i < df; i++) {
            if (count == champions && (champions == 0 || !ranks_before(term_scores, i, top[champions - 1])))
                continue;
            Py_ssize_t k = count < champions ? count++ : champions - 1;
            while (k > 0 && ranks_before(term_scores, i, top[k - 1])) {
                top[k] = top[k - 1];
                k--;
            }
            top[k] = i;
        }
        if (df > 0) memset(taken, 0, (size_t)df);
        for (Py_ssize_t k = 0; k < count; k++) {
            Py_ssize_t i = top[k];
            taken[i] = 1;
            if (wide) ((uint32_t *)out_docs)[at] = list->docs[i];
            else ((uint16_t *)out_docs)[at] = (uint16_t)list->docs[i];
            out_scores[at++] = term_scores[i];
        }
        for (Py_ssize_t i = 0; i < df; i++) { /* the rest, by document */
            if (taken[i]) continue;
            if (wide) ((uint32_t *)out_docs)[at] = list->docs[i];
            else ((uint16_t *)out_docs)[at] = (uint16_t)list->docs[i];
            out_scores[at++] = term_scores[i];
        }
        out_offsets[t + 1] = (uint32_t)at;
        PyMem_RawFree(list->docs); /* free as we go */
        PyMem_RawFree(list->values);
        list->docs = NULL;
        list->values = NULL;
    }
    Py_END_ALLOW_THREADS

    self->finished = 1;
    free_lists(self);
    result = Py_BuildValue("(OOO)", offsets, docs, scores);

done:
    PyMem_RawFree(term_scores);
    PyMem_RawFree(top);
    PyMem_RawFree(taken);
    Py_XDECREF(offsets);
    Py_XDECREF(docs);
    Py_XDECREF(scores);
    PyBuffer_Release(&norms_view);
    return result;
}

static PyObject *Postings_len(Postings *self, void *closure) {
    (void)closure;
    return PyLong_FromSsize_t(self->n_postings);
}

static PyMethodDef Postings_methods[] = {
    {"add", (PyCFunction)Postings_add, METH_VARARGS,
     "add(doc, merged, term_ids, terms): the document's weighted term frequencies (documents ascending)."},
    {"finish", (PyCFunction)Postings_finish, METH_VARARGS,
     "finish(norms, k1, champions) -> (offsets, documents, scores) as bytearrays ('I', 'H' or 'I', 'd')."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Postings_getset[] = {
    {"n_postings", (getter)Postings_len, NULL, "postings added so far", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject PostingsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "bot.search._builder.Postings",
    .tp_basicsize = sizeof(Postings),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Per term id its documents and weighted term frequencies, while an index is built.",
    .tp_new = PyType_GenericNew,
    .tp_dealloc = (destructor)Postings_dealloc,
    .tp_methods = Postings_methods,
    .tp_getset = Postings_getset,
};

static PyMethodDef methods[] = {
    {"add_scaled", add_scaled, METH_VARARGS, "add_scaled(tf, counts, weight): tf[t] = tf.get(t, 0.0) + n * weight"},
    {"merge_max", merge_max, METH_VARARGS, "merge_max(merged, tf): merged[t] = v where v > merged.get(t, 0.0)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "bot.search._builder", "Compiled hot loops of SearchIndex.build.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__builder(void) {
    if (PyType_Ready(&PostingsType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&PostingsType);
    if (PyModule_AddObject(m, "Postings", (PyObject *)&PostingsType) < 0) {
        Py_DECREF(&PostingsType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
