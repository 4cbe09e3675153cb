# The self-contained executables of HANGSCOPE_STATIC (see cmake/static.cmake): hangscope_static
# and hangfs_static, written as build/static/hangscope and build/static/hangfs. They link the
# objects and libraries of hangscope and hangfs; the libraries that are shared objects in
# ordinary links (libbpf, zlib, libfuse3, fmt) become static archives for targets with HS_STATIC_LINK.
if(NOT HANGSCOPE_STATIC)
  return()
endif()

function(hs_static_archives var)
  set(paths)
  foreach(name ${ARGN})
    find_library(HS_STATIC_${name} NAMES lib${name}.a REQUIRED)
    list(APPEND paths ${HS_STATIC_${name}})
  endforeach()
  set(${var} ${paths} PARENT_SCOPE)
endfunction()

# hs_static_swap(TARGET ARCHIVES...): TARGET (an interface target made by pkg_check_modules)
# links ARCHIVES instead of its shared libraries into HS_STATIC_LINK executables.
function(hs_static_swap target)
  get_target_property(shared ${target} INTERFACE_LINK_LIBRARIES)
  set(libs)
  foreach(item ${shared})
    list(APPEND libs "$<$<NOT:${hs_static_link}>:${item}>")
  endforeach()
  foreach(item ${ARGN})
    list(APPEND libs "$<${hs_static_link}:${item}>")
  endforeach()
  set_target_properties(${target} PROPERTIES INTERFACE_LINK_LIBRARIES "${libs}")
endfunction()

hs_static_archives(bpf_archives bpf elf z)
hs_static_swap(PkgConfig::LIBBPF ${bpf_archives})
hs_static_archives(zlib_archives z)
hs_static_swap(PkgConfig::ZLIB ${zlib_archives})
hs_static_archives(fuse_archives fuse3)
hs_static_swap(PkgConfig::FUSE3 ${fuse_archives} pthread)

foreach(exe hangscope hangfs)
  add_executable(${exe}_static $<TARGET_OBJECTS:${exe}>)
  get_target_property(libs ${exe} LINK_LIBRARIES)
  target_link_libraries(${exe}_static PRIVATE ${libs})
  target_link_options(${exe}_static PRIVATE -static-pie)
  set_target_properties(${exe}_static PROPERTIES HS_STATIC_LINK ON LINKER_LANGUAGE CXX
    OUTPUT_NAME ${exe} RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/static)
endforeach()
