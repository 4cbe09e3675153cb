# A Debian package with CPack: `cd build && cpack -G DEB` (scripts/package.sh does it) makes
# hangscope_VERSION_ARCH.deb with the install rules of cmake/install.cmake under /usr.
# Dependencies: none when it ships the static executables (HANGSCOPE_STATIC: nothing is loaded
# at run time), else computed by dpkg-shlibdeps (package dpkg-dev) from their shared libraries.
set(CPACK_PACKAGE_NAME hangscope)
set(CPACK_PACKAGE_VENDOR "hangscope")
set(CPACK_PACKAGE_CONTACT "hangscope maintainers <hangscope@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "explain why Linux tasks hang: locks, owners, chains, remedies")
set(CPACK_PACKAGE_DESCRIPTION
  "hangscope finds every task stuck in uninterruptible sleep, names the lock it waits for, the
kernel object the lock belongs to (super_block, inode, mm, FUSE connection) and the task that
holds it, follows blocked owners to the root cause, and says what to do. It reads the live
system with BPF (CO-RE, no compiler at run time), kernel logs, function_graph traces and saved
snapshots, and can watch for hangs as a systemd service.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/hangscope/hangscope")
if(TARGET hangscope_static)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "")
else()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
# bash-completion loads the bash completion on demand (without it: source the file by hand).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
# Maintainer scripts: tell systemd about the unit, stop the watchdog on remove, delete its log
# and metrics on purge (packaging/deb/).
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/packaging/deb/postinst
  ${CMAKE_SOURCE_DIR}/packaging/deb/prerm ${CMAKE_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# `cpack` and `ninja install` install what is built (scripts/package.sh builds the executables,
# the man page and the completion) instead of building everything, test suite included, first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

include(CPack)
