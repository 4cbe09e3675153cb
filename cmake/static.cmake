# HANGSCOPE_STATIC (default ON): besides the usual hangscope, link a self-contained one,
# build/static/hangscope (and build/static/hangfs), that loads nothing at run time: glibc,
# libstdc++, libbpf, libelf, zlib, fmt (and libfuse3 for hangfs) are inside, the BPF objects are
# in the skeletons. For machines where nothing can be installed (on a hung one, dpkg would hang
# in sync) and for empty containers; the VM suite, the .deb and scripts/package.sh use it.
# It re-links the objects of hangscope and hangfs (nothing is compiled twice) with -static-pie:
# glibc 2.36 supports static PIE on x86_64 and arm64, and hangscope calls nothing that glibc
# would load at run time (no NSS lookups, iconv or dlopen), so fully static works.
#
# This file is included before find_package(fmt): Debian ships fmt as a shared library only, so
# fmt::fmt is declared here as an interface target that links libfmt.so into ordinary
# executables (as fmt's own target would, with the same FMT_SHARED definition, so objects are
# identical) and a static fmt (cmake/static/fmt_static.cc) into executables with the target
# property HS_STATIC_LINK. fmt's generated targets file then finds both of its targets defined
# and defines nothing. cmake/static_link.cmake, included after the executables, does the rest.
include(CMakeDependentOption)
cmake_dependent_option(HANGSCOPE_STATIC
  "Also link self-contained (static) hangscope and hangfs into build/static/" ON
  "NOT HANGSCOPE_SANITIZE;NOT HANGSCOPE_FUZZ" OFF)
if(NOT HANGSCOPE_STATIC)
  return()
endif()

find_path(HS_FMT_INCLUDE fmt/format-inl.h REQUIRED)
find_library(HS_FMT_SHARED NAMES fmt REQUIRED)
add_library(hs_fmt_static STATIC EXCLUDE_FROM_ALL ${CMAKE_SOURCE_DIR}/cmake/static/fmt_static.cc)
target_include_directories(hs_fmt_static PRIVATE ${HS_FMT_INCLUDE})

set(hs_static_link "$<BOOL:$<TARGET_PROPERTY:HS_STATIC_LINK>>")
add_library(fmt::fmt INTERFACE IMPORTED)
set_target_properties(fmt::fmt PROPERTIES
  INTERFACE_COMPILE_DEFINITIONS FMT_SHARED
  INTERFACE_INCLUDE_DIRECTORIES ${HS_FMT_INCLUDE}
  INTERFACE_LINK_LIBRARIES "$<IF:${hs_static_link},hs_fmt_static,${HS_FMT_SHARED}>")
add_library(fmt::fmt-header-only INTERFACE IMPORTED)
set_target_properties(fmt::fmt-header-only PROPERTIES
  INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY=1
  INTERFACE_INCLUDE_DIRECTORIES ${HS_FMT_INCLUDE})
