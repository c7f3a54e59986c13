# Installation and the Debian package (cpack -G DEB; scripts/package.sh builds it with the
# `package` preset: installed under /usr, catalogs in /usr/share/otrbot/locales).
# Why CPack and not debian/ with debhelper: one build description (this CMake) for the bot, its
# tests and its package, no debian/ folder at the top of the tree, and the same computed
# Depends (CPack runs dpkg-shlibdeps on the binary). The maintainer scripts in cmake/debian/ do
# by hand the little debhelper would add (a system user, the data folder, daemon-reload).
include(GNUInstallDirs)

set(OTRBOT_DEB_DIR ${CMAKE_CURRENT_LIST_DIR}/debian)

install(TARGETS otrbot RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_BINARY_DIR}/locales/ DESTINATION ${CMAKE_INSTALL_DATADIR}/otrbot/locales
        FILES_MATCHING PATTERN "*.mo")
install(FILES ${PROJECT_SOURCE_DIR}/docker/otrbot/avatar.png DESTINATION ${CMAKE_INSTALL_DATADIR}/otrbot)
# The sample settings as the settings: a conffile, 0640, its group set by the postinst.
install(FILES ${PROJECT_SOURCE_DIR}/conf/otrbot.sample.toml DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/otrbot
        RENAME otrbot.toml PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${OTRBOT_DEB_DIR}/otrbot.service DESTINATION /lib/systemd/system
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# Debian's documentation files: the copyright, a compressed changelog (changelog.gz: a native
# package's name) and manual page (gzip -9n: reproducible).
find_program(GZIP gzip REQUIRED)
configure_file(${OTRBOT_DEB_DIR}/changelog.in ${PROJECT_BINARY_DIR}/debian/changelog @ONLY)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/debian/changelog.gz ${PROJECT_BINARY_DIR}/debian/otrbot.1.gz
  COMMAND ${GZIP} -9nf ${PROJECT_BINARY_DIR}/debian/changelog
  COMMAND ${CMAKE_COMMAND} -E copy ${OTRBOT_DEB_DIR}/otrbot.1 ${PROJECT_BINARY_DIR}/debian/otrbot.1
  COMMAND ${GZIP} -9nf ${PROJECT_BINARY_DIR}/debian/otrbot.1
  DEPENDS ${OTRBOT_DEB_DIR}/changelog.in ${OTRBOT_DEB_DIR}/otrbot.1)
add_custom_target(otrbot_debian_docs ALL DEPENDS ${PROJECT_BINARY_DIR}/debian/changelog.gz
                                                 ${PROJECT_BINARY_DIR}/debian/otrbot.1.gz)
set(doc ${CMAKE_INSTALL_DATADIR}/doc/otrbot)
install(FILES ${OTRBOT_DEB_DIR}/copyright ${PROJECT_BINARY_DIR}/debian/changelog.gz
        ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${doc})
install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md ${PROJECT_SOURCE_DIR}/docs/settings.md
        ${PROJECT_SOURCE_DIR}/docs/grafana-dashboard.json DESTINATION ${doc})
install(FILES ${PROJECT_BINARY_DIR}/debian/otrbot.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME otrbot)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "otrbot developers <otrbot@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "XMPP tutor for end-to-end encryption and verification")
set(CPACK_PACKAGE_DESCRIPTION
  "A chat bot for a course: a student launched from the course's LMS (LTI 1.1
or 1.3) gives the bot their Jabber ID, starts an encrypted conversation with
it in their own chat program (OTR or OMEMO), verifies it (a shared secret,
or fingerprints and QR codes), and proves it with a code the bot sends over
the verified conversation; the course then gets a grade. Runs as a hardened
systemd service.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://otrbot.example.org/")
# The runtime libraries, computed by dpkg-shlibdeps from the binary; then what the scripts use.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "sqlite3, gettext, prosody")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${OTRBOT_DEB_DIR}/conffiles ${OTRBOT_DEB_DIR}/postinst ${OTRBOT_DEB_DIR}/prerm ${OTRBOT_DEB_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR})
include(CPack)
