# BPF objects and libbpf skeletons, generated at build time:
#   vmlinux.h   from the running kernel's BTF (or src/bpf/vmlinux.h.pinned, dumped from Linux
#               6.18's BTF, when the build machine has none: CO-RE relocates at load time)
#   NAME.bpf.o  clang -target bpf, CO-RE
#   NAME.skel.h bpftool gen skeleton
set(HANGSCOPE_BPF_OUT ${CMAKE_BINARY_DIR}/bpf)
if(NOT HANGSCOPE_BPF)
  return()
endif()
find_program(BPF_CLANG NAMES clang clang-14 REQUIRED)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /usr/local/sbin REQUIRED)
file(MAKE_DIRECTORY ${HANGSCOPE_BPF_OUT})

set(vmlinux_h ${HANGSCOPE_BPF_OUT}/vmlinux.h)
if(EXISTS /sys/kernel/btf/vmlinux)
  add_custom_command(OUTPUT ${vmlinux_h}
    COMMAND ${BPFTOOL} btf dump file /sys/kernel/btf/vmlinux format c > ${vmlinux_h}
    COMMENT "vmlinux.h from /sys/kernel/btf/vmlinux")
else()
  add_custom_command(OUTPUT ${vmlinux_h}
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/src/bpf/vmlinux.h.pinned ${vmlinux_h}
    COMMENT "vmlinux.h: no BTF on this machine, using the pinned copy")
endif()

execute_process(COMMAND uname -m OUTPUT_VARIABLE arch OUTPUT_STRIP_TRAILING_WHITESPACE)
if(arch STREQUAL "x86_64")
  set(bpf_arch x86)
elseif(arch STREQUAL "aarch64")
  set(bpf_arch arm64)
else()
  set(bpf_arch ${arch})
endif()

file(GLOB bpf_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/bpf/*.bpf.c)
set(skels)
foreach(src ${bpf_srcs})
  get_filename_component(stem ${src} NAME_WE)
  set(obj ${HANGSCOPE_BPF_OUT}/${stem}.bpf.o)
  set(skel ${HANGSCOPE_BPF_OUT}/${stem}.skel.h)
  file(GLOB bpf_hdrs ${CMAKE_SOURCE_DIR}/src/bpf/*.h)
  add_custom_command(OUTPUT ${obj}
    COMMAND ${BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_${bpf_arch}
            -I${HANGSCOPE_BPF_OUT} -I${CMAKE_SOURCE_DIR}/src/bpf -c ${src} -o ${obj}
    DEPENDS ${src} ${vmlinux_h} ${bpf_hdrs}
    COMMENT "BPF ${stem}.bpf.o")
  add_custom_command(OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen skeleton ${obj} > ${skel}
    DEPENDS ${obj}
    COMMENT "skeleton ${stem}.skel.h")
  list(APPEND skels ${skel})
endforeach()
if(skels)
  add_custom_target(hs_bpf_skeletons DEPENDS ${skels})
endif()
