/* The hot loops of bot.search.index.SearchIndex.build, compiled.
 *
 * The pure-Python build in bot/search/index.py stays the reference and the fallback (no C compiler at
 * installation); this module does the same floating-point operations in the same order, so both build
 * bit-identical indexes (tests/search/test_builder.py):
 *
 *   Postings()                       per term id its documents and weighted term frequencies
 *     .add_document(doc, fields, analysers) -> length
 *                                    one document: for each language (`fields`: language -> [(text,
 *                                    weight)], text a str or UTF-8 bytes) each text is split on
 *                                    whitespace as str.split() splits, each piece looked up in
 *                                    `analysers[language]` (a dict whose values are packed uint32: word
 *                                    count, then term ids; a missing piece is analysed by the dict's
 *                                    __missing__, once: the answer is kept here, by the piece's bytes),
 *                                    term counts scaled by the weight are summed per language, languages
 *                                    merged by maximum, and the document appended to each term's list.
 *                                    Returns the sum of word count × weight over the texts divided by the
 *                                    number of languages.
 *     .add_packed(doc, parts, analysers) -> length
 *                                    the same for packed content (bot/content/texts.py): `parts` is a
 *                                    tuple of (languages, UTF-8 blob, weight), the blob holding one text
 *                                    per language separated by 0x1f; a language's text counts if it has
 *                                    a byte other than 0x1e (the item separator, whitespace to split()).
 *                                    Languages come in the order they first have a text, as
 *                                    SearchDocument.texts() orders them.
 *     .finish(norms, k1, champions, n_terms[, fd, scores_at]) -> (offsets, documents, scores): per term
 *                                    its BM25 champions (best first, ties by document), then the rest by
 *                                    document, as bytearrays; with `fd` the documents and scores are
 *                                    written to that file instead (at 0 and at `scores_at`; None is
 *                                    returned for them), so the finished postings never sit in memory
 *                                    next to the lists they are made from. Runs without the GIL: a reload
 *                                    builds in a worker thread while residents are answered.
 *
 * Counting uses arrays indexed by term id (with lists of the ids touched, reset after each text,
 * language and document) instead of dicts of strings: the build touches ~27 million term occurrences
 * for 10,000 entries in nine languages.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <unistd.h>
#endif

/* --- Postings ---------------------------------------------------------------------------------------- */

/* A term's postings while the index is built: a chain of blocks of growing size (2, 4, ... 64 postings)
 * cut from large chunks. Compared with one array per term grown by doubling this leaves little unused
 * room (about 25 % of 6 million postings at 10,000 entries) and no copies of a list while it grows. */

#define BLOCK_MIN 2
#define BLOCK_MAX 64
#define CHUNK_BYTES (1 << 20)

typedef struct Block {
    struct Block *next;
    Py_ssize_t capacity; /* followed by double values[capacity], then uint32_t docs[capacity] */
} Block;

static inline double *block_values(Block *block) { return (double *)(block + 1); }
static inline uint32_t *block_docs(Block *block) { return (uint32_t *)(block_values(block) + block->capacity); }

typedef struct {
    Block *head, *tail;
    Py_ssize_t size, tail_used;
} List;

typedef struct Chunk {
    struct Chunk *next;
    size_t used, capacity;
} Chunk; /* followed by its bytes */

/* --- the pieces of text already analysed ------------------------------------------------------------- */

/* A whitespace piece of a text ("Deutschkurs", "Kinder,") recurs thousands of times in a catalogue. The
 * analyser (a Python dict with __missing__) is asked once per analyser and piece; after that the piece's
 * UTF-8 bytes are looked up here, without making a Python string of it. */

#define MAX_ANALYSERS 32

typedef struct {
    uint64_t hash;
    Py_ssize_t key; /* offset of the piece's bytes in `keys` */
    Py_ssize_t value; /* offset of word count and term ids in `values` */
    uint32_t key_len, value_len; /* value_len: term ids (without the word count) */
    int analyser;
    int used;
} Slot;

typedef struct {
    Slot *slots;
    Py_ssize_t n_slots, n_used; /* n_slots: a power of two */
    char *keys;
    Py_ssize_t keys_len, keys_cap;
    uint32_t *values;
    Py_ssize_t values_len, values_cap;
} Cache;

static void cache_free(Cache *cache) {
    PyMem_RawFree(cache->slots);
    PyMem_RawFree(cache->keys);
    PyMem_RawFree(cache->values);
    memset(cache, 0, sizeof(*cache));
}

static inline uint64_t piece_hash(const unsigned char *data, Py_ssize_t len, int analyser) {
    uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)analyser; /* FNV-1a */
    for (Py_ssize_t i = 0; i < len; i++) {
        h ^= data[i];
        h *= 0x100000001b3ULL;
    }
    return h ^ (h >> 29);
}

/* The slot of the piece, or the empty slot where it belongs. */
static inline Slot *cache_find(Cache *cache, uint64_t hash, const char *data, Py_ssize_t len, int analyser) {
    size_t mask = (size_t)cache->n_slots - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        Slot *slot = &cache->slots[i];
        if (!slot->used) return slot;
        if (slot->hash == hash && slot->analyser == analyser && slot->key_len == (uint32_t)len &&
            memcmp(cache->keys + slot->key, data, (size_t)len) == 0)
            return slot;
    }
}

static int grow_bytes(void **buffer, Py_ssize_t *capacity, Py_ssize_t needed, size_t item) {
    if (needed <= *capacity) return 0;
    Py_ssize_t capacity_new = *capacity ? *capacity : 4096;
    while (capacity_new < needed) capacity_new *= 2;
    void *grown = PyMem_RawRealloc(*buffer, (size_t)capacity_new * item);
    if (grown == NULL) return -1;
    *buffer = grown;
    *capacity = capacity_new;
    return 0;
}

/* Room for one more piece (the table is at most half full). */
static int cache_reserve(Cache *cache) {
    if ((cache->n_used + 1) * 2 <= cache->n_slots) return 0;
    Py_ssize_t n_slots = cache->n_slots ? cache->n_slots * 2 : 4096;
    Slot *slots = PyMem_RawCalloc((size_t)n_slots, sizeof(Slot));
    if (slots == NULL) return -1;
    for (Py_ssize_t i = 0; i < cache->n_slots; i++) {
        Slot *old = &cache->slots[i];
        if (!old->used) continue;
        size_t mask = (size_t)n_slots - 1, j = (size_t)old->hash & mask;
        while (slots[j].used) j = (j + 1) & mask;
        slots[j] = *old;
    }
    PyMem_RawFree(cache->slots);
    cache->slots = slots;
    cache->n_slots = n_slots;
    return 0;
}

/* Python's str.split() separators (str.isspace()), read from UTF-8: the length of the character at
 * `p` (1 to 4) and whether it separates. Invalid UTF-8 (also overlong forms, surrogates and code points
 * above U+10FFFF, which Python's decoder refuses) counts as a one-byte letter: the piece's decoding
 * reports it. */
static inline int next_char(const unsigned char *p, const unsigned char *end, int *space) {
    unsigned char c = p[0];
    if (c < 0x80) {
        *space = Py_UNICODE_ISSPACE(c);
        return 1;
    }
    Py_UCS4 cp;
    int n;
    if ((c & 0xE0) == 0xC0) {
        cp = c & 0x1F;
        n = 2;
    } else if ((c & 0xF0) == 0xE0) {
        cp = c & 0x0F;
        n = 3;
    } else if ((c & 0xF8) == 0xF0) {
        cp = c & 0x07;
        n = 4;
    } else {
        *space = 0;
        return 1;
    }
    if (end - p < n) {
        *space = 0;
        return 1;
    }
    for (int k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            *space = 0;
            return 1;
        }
        cp = (cp << 6) | (p[k] & 0x3F);
    }
    static const Py_UCS4 smallest[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { /* overlong, surrogate */
        *space = 0;
        return 1;
    }
    *space = Py_UNICODE_ISSPACE(cp);
    return n;
}

typedef struct {
    PyObject_HEAD
    Chunk *chunks; /* the newest first */
    List *lists;
    Py_ssize_t n_terms, capacity;
    Py_ssize_t n_postings;
    uint32_t last_doc; /* documents come in ascending order */
    int any_doc;
    int finished;
    int busy; /* a method is running (an analyser's __missing__ or another thread must not come in) */
    /* scratch of add_document, `capacity` long: per term id its count in the current text, its weighted
     * frequency in the current language and its merged frequency in the current document, whether it is
     * in the language's and the document's sums, and the ids touched at each level */
    uint32_t *count;
    double *tf, *merged;
    unsigned char *in_tf, *in_merged;
    uint32_t *text_ids, *tf_ids, *merged_ids;
    Py_ssize_t n_text, n_tf, n_merged;
    /* the analysers met so far (strong references) and what they said about each piece of text */
    PyObject *analysers[MAX_ANALYSERS];
    int n_analysers;
    Cache cache;
} Postings;

static void free_scratch(Postings *self) {
    PyMem_RawFree(self->count);
    PyMem_RawFree(self->tf);
    PyMem_RawFree(self->merged);
    PyMem_RawFree(self->in_tf);
    PyMem_RawFree(self->in_merged);
    PyMem_RawFree(self->text_ids);
    PyMem_RawFree(self->tf_ids);
    PyMem_RawFree(self->merged_ids);
    self->count = NULL;
    self->tf = self->merged = NULL;
    self->in_tf = self->in_merged = NULL;
    self->text_ids = self->tf_ids = self->merged_ids = NULL;
    self->n_text = self->n_tf = self->n_merged = 0;
}

static void free_lists(Postings *self) {
    while (self->chunks != NULL) {
        Chunk *next = self->chunks->next;
        PyMem_RawFree(self->chunks);
        self->chunks = next;
    }
    PyMem_RawFree(self->lists);
    self->lists = NULL;
    self->n_terms = self->capacity = 0;
    free_scratch(self);
    cache_free(&self->cache);
    for (int i = 0; i < self->n_analysers; i++) Py_CLEAR(self->analysers[i]);
    self->n_analysers = 0;
}

static void Postings_dealloc(Postings *self) {
    free_lists(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static Block *new_block(Postings *self, Py_ssize_t capacity) {
    size_t size = sizeof(Block) + (size_t)capacity * (sizeof(double) + sizeof(uint32_t));
    size = (size + 7) & ~(size_t)7;
    Chunk *chunk = self->chunks;
    if (chunk == NULL || chunk->capacity - chunk->used < size) {
        size_t capacity_bytes = size > CHUNK_BYTES ? size : CHUNK_BYTES;
        chunk = PyMem_RawMalloc(sizeof(Chunk) + capacity_bytes);
        if (chunk == NULL) return NULL;
        chunk->next = self->chunks;
        chunk->used = 0;
        chunk->capacity = capacity_bytes;
        self->chunks = chunk;
    }
    Block *block = (Block *)((char *)(chunk + 1) + chunk->used);
    chunk->used += size;
    block->next = NULL;
    block->capacity = capacity;
    return block;
}

static int push(Postings *self, List *list, uint32_t doc, double value) {
    if (list->tail == NULL || list->tail_used == list->tail->capacity) {
        Py_ssize_t capacity = list->tail == NULL ? BLOCK_MIN : list->tail->capacity * 2;
        Block *block = new_block(self, capacity < BLOCK_MAX ? capacity : BLOCK_MAX);
        if (block == NULL) return -1;
        if (list->tail == NULL) list->head = block;
        else list->tail->next = block;
        list->tail = block;
        list->tail_used = 0;
    }
    block_values(list->tail)[list->tail_used] = value;
    block_docs(list->tail)[list->tail_used] = doc;
    list->tail_used++;
    list->size++;
    return 0;
}

#define GROW(field, type)                                                                                   \
    do {                                                                                                    \
        type *grown = PyMem_RawRealloc(self->field, sizeof(type) * (size_t)capacity);                       \
        if (grown == NULL) return -1;                                                                       \
        self->field = grown;                                                                                \
    } while (0)

/* Room for term ids below `n` (0 or -1 with MemoryError); new terms have empty lists. */
static int reserve_terms(Postings *self, Py_ssize_t n) {
    if (n > self->capacity) {
        Py_ssize_t capacity = self->capacity ? self->capacity : 1024;
        while (capacity < n) capacity *= 2;
        if ((size_t)capacity > SIZE_MAX / sizeof(List)) return -1;
        GROW(lists, List);
        GROW(count, uint32_t);
        GROW(tf, double);
        GROW(merged, double);
        GROW(in_tf, unsigned char);
        GROW(in_merged, unsigned char);
        GROW(text_ids, uint32_t);
        GROW(tf_ids, uint32_t);
        GROW(merged_ids, uint32_t);
        Py_ssize_t old = self->capacity;
        memset(self->count + old, 0, sizeof(uint32_t) * (size_t)(capacity - old));
        memset(self->in_tf + old, 0, (size_t)(capacity - old));
        memset(self->in_merged + old, 0, (size_t)(capacity - old));
        self->capacity = capacity;
    }
    for (Py_ssize_t t = self->n_terms; t < n; t++) self->lists[t] = (List){NULL, NULL, 0, 0};
    if (n > self->n_terms) self->n_terms = n;
    return 0;
}

/* Forget what a failed add_document left in the scratch arrays. */
static void reset_scratch(Postings *self) {
    for (Py_ssize_t i = 0; i < self->n_text; i++) self->count[self->text_ids[i]] = 0;
    for (Py_ssize_t i = 0; i < self->n_tf; i++) self->in_tf[self->tf_ids[i]] = 0;
    for (Py_ssize_t i = 0; i < self->n_merged; i++) self->in_merged[self->merged_ids[i]] = 0;
    self->n_text = self->n_tf = self->n_merged = 0;
}

/* Ask the analyser about a piece not seen before and remember the answer in the cache. */
static Slot *analyse_piece(Postings *self, int which, const char *data, Py_ssize_t len, uint64_t hash) {
    Cache *cache = &self->cache;
    PyObject *piece = PyUnicode_DecodeUTF8(data, len, "strict");
    if (piece == NULL) return NULL;
    PyObject *packed = PyObject_GetItem(self->analysers[which], piece); /* __missing__ analyses it */
    Py_DECREF(piece);
    if (packed == NULL) return NULL;
    Py_ssize_t size = PyBytes_Check(packed) ? PyBytes_GET_SIZE(packed) : -1;
    if (size < 4 || size % 4 != 0 || size / 4 > UINT32_MAX) {
        Py_DECREF(packed);
        PyErr_SetString(PyExc_TypeError, "analyser values must be packed uint32 (word count, term ids)");
        return NULL;
    }
    Py_ssize_t n_values = size / 4;
    if (len > UINT32_MAX || cache_reserve(cache) < 0 ||
        grow_bytes((void **)&cache->keys, &cache->keys_cap, cache->keys_len + len, 1) < 0 ||
        grow_bytes((void **)&cache->values, &cache->values_cap, cache->values_len + n_values, 4) < 0) {
        Py_DECREF(packed);
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(cache->values + cache->values_len, PyBytes_AS_STRING(packed), (size_t)size);
    Py_DECREF(packed);
    for (Py_ssize_t k = 1; k < n_values; k++) { /* term ids: room in the per-term arrays */
        uint32_t tid = cache->values[cache->values_len + k];
        if ((Py_ssize_t)tid >= self->n_terms && reserve_terms(self, (Py_ssize_t)tid + 1) < 0) {
            PyErr_NoMemory();
            return NULL;
        }
    }
    memcpy(cache->keys + cache->keys_len, data, (size_t)len);
    Slot *slot = cache_find(cache, hash, data, len, which); /* the empty slot (the table may have grown) */
    *slot = (Slot){hash, cache->keys_len, cache->values_len, (uint32_t)len, (uint32_t)(n_values - 1), which, 1};
    cache->keys_len += len;
    cache->values_len += n_values;
    cache->n_used++;
    return slot;
}

/* Count the term ids of one text's pieces (UTF-8, split as str.split() does) into `count`; adds its
 * word count to *words. */
static int count_text(Postings *self, int which, const char *text, Py_ssize_t len, long long *words) {
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    while (p < end) {
        int space;
        int n = next_char(p, end, &space);
        if (space) {
            p += n;
            continue;
        }
        const unsigned char *start = p;
        p += n;
        while (p < end) {
            n = next_char(p, end, &space);
            if (space) break;
            p += n;
        }
        Py_ssize_t piece_len = p - start;
        uint64_t hash = piece_hash(start, piece_len, which);
        Slot *slot = NULL;
        if (self->cache.n_slots) {
            slot = cache_find(&self->cache, hash, (const char *)start, piece_len, which);
            if (!slot->used) slot = NULL;
        }
        if (slot == NULL) {
            slot = analyse_piece(self, which, (const char *)start, piece_len, hash);
            if (slot == NULL) return -1;
        }
        const uint32_t *value = self->cache.values + slot->value;
        *words += value[0];
        for (uint32_t k = 1; k <= slot->value_len; k++) {
            uint32_t t = value[k];
            if (self->count[t]++ == 0) self->text_ids[self->n_text++] = t;
        }
    }
    return 0;
}

/* The slot of `analyser` in self->analysers (it is kept alive there). */
static int analyser_slot(Postings *self, PyObject *analyser) {
    for (int i = 0; i < self->n_analysers; i++)
        if (self->analysers[i] == analyser) return i;
    if (self->n_analysers == MAX_ANALYSERS) {
        PyErr_SetString(PyExc_ValueError, "too many analysers for one build");
        return -1;
    }
    Py_INCREF(analyser);
    self->analysers[self->n_analysers] = analyser;
    return self->n_analysers++;
}

/* One text of the current language: its counts × weight go into the language's sums. */
static int add_text(Postings *self, int which, const char *utf8, Py_ssize_t size, double weight, double *total) {
    long long words = 0;
    if (count_text(self, which, utf8, size, &words) < 0) return -1;
    *total += (double)words * weight;
    /* tf[term] = tf.get(term, 0.0) + count * weight */
    for (Py_ssize_t k = 0; k < self->n_text; k++) {
        uint32_t t = self->text_ids[k];
        double scaled = (double)self->count[t] * weight;
        if (self->in_tf[t]) {
            self->tf[t] = self->tf[t] + scaled;
        } else {
            self->tf[t] = 0.0 + scaled;
            self->in_tf[t] = 1;
            self->tf_ids[self->n_tf++] = t;
        }
        self->count[t] = 0;
    }
    self->n_text = 0;
    return 0;
}

/* The current language is complete: the first language with terms is taken as it is, later ones only
 * where they are higher (the same word in the German and the Turkish title is one piece of evidence). */
static void end_language(Postings *self) {
    int first = self->n_merged == 0;
    for (Py_ssize_t k = 0; k < self->n_tf; k++) {
        uint32_t t = self->tf_ids[k];
        double v = self->tf[t];
        self->in_tf[t] = 0;
        if (first) {
            self->merged[t] = v;
        } else if (v > (self->in_merged[t] ? self->merged[t] : 0.0)) {
            self->merged[t] = v;
        } else {
            continue;
        }
        if (!self->in_merged[t]) {
            self->in_merged[t] = 1;
            self->merged_ids[self->n_merged++] = t;
        }
    }
    self->n_tf = 0;
}

/* The document is complete: append it to its terms' lists; returns its length (the word counts ×
 * weights summed over its languages, divided by their number), or NULL. */
static PyObject *end_document(Postings *self, Py_ssize_t doc, double total, Py_ssize_t n_langs) {
    for (Py_ssize_t k = 0; k < self->n_merged; k++) {
        uint32_t t = self->merged_ids[k];
        self->in_merged[t] = 0;
        if (push(self, &self->lists[t], (uint32_t)doc, self->merged[t]) < 0) {
            /* the lists of this document's first k terms have it: the postings cannot be used any more */
            for (Py_ssize_t j = k + 1; j < self->n_merged; j++) self->in_merged[self->merged_ids[j]] = 0;
            self->n_merged = 0;
            self->finished = 1;
            return PyErr_NoMemory();
        }
        self->n_postings++;
    }
    self->n_merged = 0;
    self->last_doc = (uint32_t)doc;
    self->any_doc = 1;
    return PyFloat_FromDouble(total / (double)(n_langs > 1 ? n_langs : 1));
}

static int check_document(Postings *self, Py_ssize_t doc) {
    if (self->finished) {
        PyErr_SetString(PyExc_RuntimeError, "postings already finished");
        return -1;
    }
    if (doc < 0 || doc > UINT32_MAX || (self->any_doc && (uint32_t)doc <= self->last_doc)) {
        PyErr_SetString(PyExc_ValueError, "documents must be added once each, in ascending order");
        return -1;
    }
    return 0;
}

/* The analyser slot for `lang`, or -1. */
static int analyser_for(Postings *self, PyObject *analysers, PyObject *lang) {
    PyObject *analyser = PyObject_GetItem(analysers, lang);
    if (analyser == NULL) return -1;
    if (!PyDict_Check(analyser)) {
        Py_DECREF(analyser);
        PyErr_SetString(PyExc_TypeError, "analysers: language -> dict");
        return -1;
    }
    int which = analyser_slot(self, analyser);
    Py_DECREF(analyser); /* kept alive by self->analysers */
    return which;
}

static PyObject *add_document_impl(Postings *self, PyObject *args) {
    Py_ssize_t doc;
    PyObject *fields, *analysers;
    if (!PyArg_ParseTuple(args, "nO!O", &doc, &PyDict_Type, &fields, &analysers)) return NULL;
    if (check_document(self, doc) < 0) return NULL;
    double total_length = 0.0;
    Py_ssize_t pos = 0;
    PyObject *lang, *texts;
    while (PyDict_Next(fields, &pos, &lang, &texts)) {
        if (!PyList_Check(texts)) {
            PyErr_SetString(PyExc_TypeError, "fields: language -> list of (text, weight)");
            goto fail;
        }
        Py_INCREF(texts); /* analysers and __missing__ run Python code */
        Py_INCREF(lang);
        int which = analyser_for(self, analysers, lang);
        Py_DECREF(lang);
        if (which < 0) {
            Py_DECREF(texts);
            goto fail;
        }
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(texts); i++) {
            PyObject *item = PyList_GET_ITEM(texts, i);
            PyObject *text;
            double weight;
            if (!PyTuple_Check(item) || !PyArg_ParseTuple(item, "Od", &text, &weight) ||
                !(PyUnicode_Check(text) || PyBytes_Check(text))) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "texts: (text, weight) tuples");
                Py_DECREF(texts);
                goto fail;
            }
            Py_INCREF(text);
            const char *utf8;
            Py_ssize_t size;
            if (PyBytes_Check(text)) {
                utf8 = PyBytes_AS_STRING(text);
                size = PyBytes_GET_SIZE(text);
            } else {
                utf8 = PyUnicode_AsUTF8AndSize(text, &size);
            }
            int failed = utf8 == NULL || add_text(self, which, utf8, size, weight, &total_length) < 0;
            Py_DECREF(text);
            if (failed) {
                Py_DECREF(texts);
                goto fail;
            }
        }
        Py_DECREF(texts);
        end_language(self);
    }
    return end_document(self, doc, total_length, PyDict_GET_SIZE(fields));

fail:
    reset_scratch(self);
    return NULL;
}

/* --- packed content ------------------------------------------------------------------------------------ */

#define LANG_SEP 0x1f /* between the languages of a packed field (bot/content/texts.py) */
#define ITEM_SEP 0x1e /* between the items of a packed list: whitespace to str.split() */

typedef struct {
    const char *text;
    Py_ssize_t size;
    double weight;
    int lang; /* index into the document's languages, in order of first appearance */
} Segment;

/* A language's text in a packed field counts if it has a character besides item separators (an empty
 * text, or a list of empty items, is left out as bot/search/documents.py leaves it out). */
static int has_text(const char *text, Py_ssize_t size) {
    for (Py_ssize_t i = 0; i < size; i++)
        if ((unsigned char)text[i] != ITEM_SEP) return 1;
    return 0;
}

static PyObject *add_packed_impl(Postings *self, PyObject *args) {
    Py_ssize_t doc;
    PyObject *parts, *analysers;
    if (!PyArg_ParseTuple(args, "nO!O", &doc, &PyTuple_Type, &parts, &analysers)) return NULL;
    if (check_document(self, doc) < 0) return NULL;
    Segment *segments = NULL;
    PyObject **langs = NULL; /* borrowed from the parts' language tuples */
    Py_ssize_t n_segments = 0, n_langs = 0, capacity = 0;
    PyObject *result = NULL;
    Py_INCREF(parts);
    for (Py_ssize_t p = 0; p < PyTuple_GET_SIZE(parts); p++) {
        PyObject *part = PyTuple_GET_ITEM(parts, p), *part_langs, *blob;
        double weight;
        if (!PyTuple_Check(part) || !PyArg_ParseTuple(part, "O!O!d", &PyTuple_Type, &part_langs, &PyBytes_Type,
                                                      &blob, &weight)) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "parts: (languages, UTF-8 blob, weight)");
            goto done;
        }
        const char *text = PyBytes_AS_STRING(blob), *end = text + PyBytes_GET_SIZE(blob);
        Py_ssize_t n = PyTuple_GET_SIZE(part_langs);
        if (n == 0) {
            PyErr_SetString(PyExc_ValueError, "packed field: one text per language expected");
            goto done;
        }
        if (capacity < n_segments + n) {
            capacity = (n_segments + n) * 2;
            Segment *grown = PyMem_Realloc(segments, sizeof(Segment) * (size_t)capacity);
            PyObject **grown_langs = grown ? PyMem_Realloc(langs, sizeof(PyObject *) * (size_t)capacity) : NULL;
            if (grown) segments = grown;
            if (grown_langs) langs = grown_langs;
            if (!grown || !grown_langs) {
                PyErr_NoMemory();
                goto done;
            }
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            const char *stop = memchr(text, LANG_SEP, (size_t)(end - text));
            if ((stop == NULL) != (i == n - 1)) {
                PyErr_SetString(PyExc_ValueError, "packed field: one text per language expected");
                goto done;
            }
            if (stop == NULL) stop = end;
            if (has_text(text, stop - text)) {
                PyObject *lang = PyTuple_GET_ITEM(part_langs, i);
                Py_ssize_t l = 0;
                while (l < n_langs && langs[l] != lang) {
                    int equal = PyObject_RichCompareBool(langs[l], lang, Py_EQ);
                    if (equal < 0) goto done;
                    if (equal) break;
                    l++;
                }
                if (l == n_langs) langs[n_langs++] = lang;
                segments[n_segments++] = (Segment){text, stop - text, weight, (int)l};
            }
            if (stop < end) text = stop + 1;
        }
    }
    double total_length = 0.0;
    for (Py_ssize_t l = 0; l < n_langs; l++) {
        int which = analyser_for(self, analysers, langs[l]);
        if (which < 0) goto done;
        for (Py_ssize_t i = 0; i < n_segments; i++) {
            if (segments[i].lang != l) continue;
            if (add_text(self, which, segments[i].text, segments[i].size, segments[i].weight, &total_length) < 0)
                goto done;
        }
        end_language(self);
    }
    result = end_document(self, doc, total_length, n_langs);

done:
    if (result == NULL) reset_scratch(self);
    PyMem_Free(segments);
    PyMem_Free(langs);
    Py_DECREF(parts);
    return result;
}

/* i ranks before j: higher score, then lower position (= lower document). */
static inline int ranks_before(const double *scores, Py_ssize_t i, Py_ssize_t j) {
    return scores[i] > scores[j] || (scores[i] == scores[j] && i < j);
}

/* Where finish writes an array: into memory, or into a file through a buffer (pwrite at `at`). */
typedef struct {
    char *memory; /* NULL: to the file */
    int fd;
    char *buffer;
    size_t used, capacity;
    long long at; /* next byte's position in memory or in the file */
    int error; /* errno of a failed write */
} Out;

static void out_flush(Out *out) {
#ifndef _WIN32
    size_t done = 0;
    while (done < out->used && !out->error) {
        ssize_t written = pwrite(out->fd, out->buffer + done, out->used - done, (off_t)(out->at + (long long)done));
        if (written < 0) {
            if (errno != EINTR) out->error = errno;
        } else if (written == 0) {
            out->error = EIO; /* no progress: do not spin without the GIL */
        } else {
            done += (size_t)written;
        }
    }
    out->at += (long long)out->used;
#endif
    out->used = 0;
}

static inline void out_put(Out *out, const void *data, size_t size) {
    if (out->memory != NULL) {
        memcpy(out->memory + out->at, data, size);
        out->at += (long long)size;
        return;
    }
    if (out->used + size > out->capacity) out_flush(out);
    memcpy(out->buffer + out->used, data, size);
    out->used += size;
}

static PyObject *finish_impl(Postings *self, PyObject *args) {
    PyObject *norms_obj;
    double k1;
    Py_ssize_t champions, n_terms_wanted;
    int fd = -1;
    long long scores_at = 0;
    if (!PyArg_ParseTuple(args, "Odnn|iL", &norms_obj, &k1, &champions, &n_terms_wanted, &fd, &scores_at))
        return NULL;
    if (self->finished) {
        PyErr_SetString(PyExc_RuntimeError, "postings already finished");
        return NULL;
    }
    if (n_terms_wanted < self->n_terms || n_terms_wanted > UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "n_terms: the number of terms in the vocabulary (all ids below it)");
        return NULL;
    }
#ifdef _WIN32
    if (fd >= 0) {
        PyErr_SetString(PyExc_NotImplementedError, "writing postings to a file needs pwrite");
        return NULL;
    }
#endif
    if (reserve_terms(self, n_terms_wanted) < 0) return PyErr_NoMemory();
    if (champions < 0) champions = 0;
    Py_buffer norms_view;
    if (PyObject_GetBuffer(norms_obj, &norms_view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) return NULL;
    PyObject *offsets = NULL, *docs = NULL, *scores = NULL, *result = NULL;
    double *term_scores = NULL;
    uint32_t *term_docs = NULL;
    Py_ssize_t *top = NULL;
    unsigned char *taken = NULL;
    Out out_docs = {NULL, fd, NULL, 0, 0, 0, 0}, out_scores = {NULL, fd, NULL, 0, 0, 0, 0};
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
    size_t doc_size = wide ? 4 : 2;
    Py_ssize_t n_terms = self->n_terms, n_postings = self->n_postings;
    if (n_postings > UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "too many postings for 32-bit offsets");
        goto done;
    }
    if (fd >= 0 && scores_at < (long long)(n_postings * (Py_ssize_t)doc_size)) {
        PyErr_SetString(PyExc_ValueError, "scores_at: the scores would overwrite the documents");
        goto done;
    }
    offsets = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)sizeof(uint32_t) * (n_terms + 1));
    if (fd < 0) {
        docs = PyByteArray_FromStringAndSize(NULL, n_postings * (Py_ssize_t)doc_size);
        scores = PyByteArray_FromStringAndSize(NULL, n_postings * 8);
        if (docs != NULL && scores != NULL) {
            out_docs.memory = PyByteArray_AS_STRING(docs);
            out_scores.memory = PyByteArray_AS_STRING(scores);
        }
    } else {
        out_docs.capacity = out_scores.capacity = 1 << 20;
        out_docs.buffer = PyMem_RawMalloc(out_docs.capacity);
        out_scores.buffer = PyMem_RawMalloc(out_scores.capacity);
        out_scores.at = scores_at;
        docs = Py_NewRef(Py_None);
        scores = Py_NewRef(Py_None);
    }
    Py_ssize_t longest = 0;
    for (Py_ssize_t t = 0; t < n_terms; t++)
        if (self->lists[t].size > longest) longest = self->lists[t].size;
    if (champions > longest) champions = longest; /* no list has more: the same output, a bounded buffer */
    term_scores = PyMem_RawMalloc(sizeof(double) * (longest + 1));
    term_docs = PyMem_RawMalloc(sizeof(uint32_t) * (longest + 1));
    top = PyMem_RawMalloc(sizeof(Py_ssize_t) * (champions + 1));
    taken = PyMem_RawMalloc(longest + 1);
    if (!offsets || !docs || !scores || !term_scores || !term_docs || !top || !taken ||
        (fd >= 0 && (!out_docs.buffer || !out_scores.buffer))) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    uint32_t *out_offsets = (uint32_t *)PyByteArray_AS_STRING(offsets);
    double k1_plus_1 = k1 + 1;

    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t at = 0;
    out_offsets[0] = 0;
    for (Py_ssize_t t = 0; t < n_terms; t++) {
        List *list = &self->lists[t];
        Py_ssize_t df = list->size;
        double idf = log(1 + ((double)n_docs - (double)df + 0.5) / ((double)df + 0.5));
        Py_ssize_t i = 0;
        for (Block *block = list->head; block != NULL; block = block->next) {
            Py_ssize_t n = block == list->tail ? list->tail_used : block->capacity;
            const double *values = block_values(block);
            const uint32_t *block_doc = block_docs(block);
            for (Py_ssize_t j = 0; j < n; j++, i++) {
                double value = values[j];
                term_docs[i] = block_doc[j];
                term_scores[i] = idf * value * k1_plus_1 / (value + norms[block_doc[j]]);
            }
        }
        /* champions: the best `champions`, best first, ties by position (as a stable sort) */
        Py_ssize_t count = 0;
        for (i = 0; i < df; i++) {
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
#define EMIT(i)                                                                                             \
    do {                                                                                                    \
        uint32_t doc32 = term_docs[i];                                                                      \
        uint16_t doc16 = (uint16_t)doc32;                                                                   \
        out_put(&out_docs, wide ? (const void *)&doc32 : (const void *)&doc16, doc_size);                   \
        out_put(&out_scores, &term_scores[i], sizeof(double));                                              \
        at++;                                                                                               \
    } while (0)
        for (Py_ssize_t k = 0; k < count; k++) { /* the champions, best first */
            taken[top[k]] = 1;
            EMIT(top[k]);
        }
        for (i = 0; i < df; i++) /* the rest, by document */
            if (!taken[i]) EMIT(i);
#undef EMIT
        out_offsets[t + 1] = (uint32_t)at;
    }
    if (fd >= 0) {
        out_flush(&out_docs);
        out_flush(&out_scores);
    }
    Py_END_ALLOW_THREADS

    if (out_docs.error || out_scores.error) {
        errno = out_docs.error ? out_docs.error : out_scores.error;
        PyErr_SetFromErrno(PyExc_OSError);
        goto done;
    }
    self->finished = 1;
    free_lists(self);
    result = Py_BuildValue("(OOO)", offsets, docs, scores);

done:
    PyMem_RawFree(term_scores);
    PyMem_RawFree(term_docs);
    PyMem_RawFree(top);
    PyMem_RawFree(taken);
    PyMem_RawFree(out_docs.buffer);
    PyMem_RawFree(out_scores.buffer);
    Py_XDECREF(offsets);
    Py_XDECREF(docs);
    Py_XDECREF(scores);
    PyBuffer_Release(&norms_view);
    return result;
}

/* The methods refuse to run while one of them runs: an analyser's __missing__ calling back, or another
 * thread while finish runs without the GIL, would change the lists and scratch arrays under it. */
static PyObject *guarded(Postings *self, PyObject *args, PyObject *(*impl)(Postings *, PyObject *)) {
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError, "Postings are in use by another call");
        return NULL;
    }
    self->busy = 1;
    PyObject *result = impl(self, args);
    self->busy = 0;
    return result;
}

static PyObject *Postings_add_document(Postings *self, PyObject *args) { return guarded(self, args, add_document_impl); }
static PyObject *Postings_add_packed(Postings *self, PyObject *args) { return guarded(self, args, add_packed_impl); }
static PyObject *Postings_finish(Postings *self, PyObject *args) { return guarded(self, args, finish_impl); }

static PyObject *Postings_len(Postings *self, void *closure) {
    (void)closure;
    return PyLong_FromSsize_t(self->n_postings);
}

static PyMethodDef Postings_methods[] = {
    {"add_document", (PyCFunction)Postings_add_document, METH_VARARGS,
     "add_document(doc, fields, analysers) -> length: one document's terms (documents ascending)."},
    {"add_packed", (PyCFunction)Postings_add_packed, METH_VARARGS,
     "add_packed(doc, parts, analysers) -> length: add_document of packed content."},
    {"finish", (PyCFunction)Postings_finish, METH_VARARGS,
     "finish(norms, k1, champions, n_terms[, fd, scores_at]) -> (offsets, documents, scores) as bytearrays "
     "('I', 'H' or 'I', 'd'); with fd the documents and scores are written to that file (at 0 and at "
     "scores_at) and None is returned for them."},
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
