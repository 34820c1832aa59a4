"""Build configuration beyond pyproject.toml: the optional compiled scorer of the search index.

bot/search/_scorer.c is built when a C compiler and the Python headers are at hand; without them the
installation goes on and bot.search.index uses its pure-Python scorer (same results, slower on large
catalogues; see BENCHMARKS.md).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("bot.search._scorer", ["bot/search/_scorer.c"], optional=True)])
