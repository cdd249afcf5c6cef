"""Test corpus generator: realistic customer submissions built from real ``formgen`` output.

* :mod:`.forms` renders form pages, writes values by hand, signs, and degrades (scan / photo).
* :mod:`.id_documents` draws fictitious identity documents.
* :mod:`.submissions` puts it together: ``build_corpus(out_dir, key, n, seed)``.

Everything is fictitious and seeded (``numpy.random.default_rng``): the same seed gives the
same corpus.
"""
