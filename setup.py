"""Build of corpus._minhash, the optional C kernel of corpus.minhash (everything else is in pyproject.toml).

The extension is ``optional``: without a C compiler, or when it fails to build, the install
goes on and corpus.minhash computes the same values with numpy, only slower.
tests/test_minhash_kernel.py::test_the_extension_is_built_in_this_install says which one an
install got.
"""

from __future__ import annotations

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# gcc and clang: -O3 vectorises the MinHash loop (the source multiversions it for AVX2 and AVX-512).
UNIX_FLAGS = ["-O3", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"]


class BuildExt(build_ext):
    """build_ext with the optimisation flags of the compiler that builds (MSVC takes none of gcc's)."""

    def build_extensions(self) -> None:
        if self.compiler.compiler_type == "unix":
            for extension in self.extensions:
                extension.extra_compile_args = [*UNIX_FLAGS, *extension.extra_compile_args]
        super().build_extensions()


setup(
    ext_modules=[Extension("corpus._minhash", ["corpus/_minhash.c"], optional=True)],
    cmdclass={"build_ext": BuildExt},
)
