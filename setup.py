"""Build configuration beyond pyproject.toml: the optional compiled parts of the search index.

bot/search/_scorer.c (queries) and bot/search/_builder.c (index build) are built when a C compiler and
the Python headers are at hand; without them the installation goes on and bot.search.index uses its
pure-Python code (same results, slower on large catalogues; see BENCHMARKS.md).
"""

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildExt(build_ext):
    """No fused multiply-add: the compiled code must round exactly like the pure-Python code (gcc and
    clang contract `a * b + c` on CPUs that have FMA, e.g. every aarch64)."""

    def build_extensions(self) -> None:
        if self.compiler.compiler_type == "unix":
            for extension in self.extensions:
                extension.extra_compile_args.append("-ffp-contract=off")
        super().build_extensions()


setup(
    ext_modules=[
        Extension("bot.search._scorer", ["bot/search/_scorer.c"], optional=True),
        Extension("bot.search._builder", ["bot/search/_builder.c"], optional=True),
    ],
    cmdclass={"build_ext": BuildExt},
)
