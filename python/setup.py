"""Builds psyphys._core, the C extension over libpsyphys.

libpsyphys is found through pkg-config (an installed library; PKG_CONFIG_PATH for a prefix of
one's own): the extension then links the shared library, with its directory as run path. Without
one, or with PSYPHYS_BUILD_FROM_CHECKOUT=1, the library is built from the checkout this
directory sits in (CMake, as the project's README builds it) and linked statically into the
extension, so nothing else needs installing.
"""
import os
import shlex
import subprocess
import sys

import numpy
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(HERE)
SOURCES = [os.path.join("src", f) for f in
           ("module.c", "reader.c", "beats_hrv.c", "eda_session.c", "stream.c")]


def pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args], check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return shlex.split(out.stdout)


def installed_library():
    """Compiler and linker flags of an installed libpsyphys, or None."""
    if os.environ.get("PSYPHYS_BUILD_FROM_CHECKOUT") == "1":
        return None
    cflags, libs = pkg_config("--cflags", "psyphys"), pkg_config("--libs", "psyphys")
    if cflags is None or libs is None:
        return None
    libdirs = [a[2:] for a in libs if a.startswith("-L")]
    return dict(include_dirs=[a[2:] for a in cflags if a.startswith("-I")],
                library_dirs=libdirs, runtime_library_dirs=libdirs,
                libraries=[a[2:] for a in libs if a.startswith("-l")])


def checkout_library(build_temp):
    """Builds the static libpsyphys from the checkout; its flags."""
    if not os.path.exists(os.path.join(CHECKOUT, "include", "psyphys.h")):
        sys.exit("psyphys: no libpsyphys found by pkg-config (set PKG_CONFIG_PATH to the prefix's "
                 "lib/pkgconfig) and no psyphys checkout around " + HERE + " to build it from")
    build = os.path.join(os.path.abspath(build_temp), "libpsyphys")
    subprocess.run(["cmake", "-S", CHECKOUT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                    "-DBUILD_TESTING=OFF", "-DBUILD_SHARED_LIBS=OFF"], check=True)
    subprocess.run(["cmake", "--build", build, "--target", "psyphys_static", "-j",
                    str(os.cpu_count() or 1)], check=True)
    requires, libs = static_dependencies()
    deps = pkg_config("--libs", *requires)
    if deps is None:
        sys.exit("psyphys: pkg-config finds not all of " + ", ".join(requires) +
                 " (scripts/setup-deps.sh installs them)")
    return dict(include_dirs=[os.path.join(CHECKOUT, "include")],
                extra_objects=[os.path.join(build, "libpsyphys.a")],
                libraries=[a[2:] for a in libs + deps if a.startswith("-l")])


def static_dependencies():
    """What the static library links against, as its pkg-config file says (one list to keep)."""
    fields = {}
    with open(os.path.join(CHECKOUT, "cmake", "psyphys.pc.in")) as f:
        for line in f:
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip()] = value.split()
    return fields["Requires.private"], fields["Libs.private"]


class BuildExt(build_ext):
    def build_extensions(self):
        flags = installed_library() or checkout_library(self.build_temp)
        for ext in self.extensions:
            for key, value in flags.items():
                getattr(ext, key).extend(value)
        super().build_extensions()


setup(
    ext_modules=[Extension("psyphys._core", SOURCES, include_dirs=[numpy.get_include()],
                           extra_compile_args=["-std=c11", "-Wall", "-Wextra"])],
    cmdclass={"build_ext": BuildExt},
)
