# The build tree's CMake package of awsiotjobs: the same targets as the installed package
# (awsiotjobs::awsiotjobs, ::static, ::shared: cmake/awsiotjobsTargets.cmake), on this
# repository's include/ and cargo's output in target/. The C tests (tests/c), the examples and
# the demo (c-examples) build with it:
#
#   find_package(awsiotjobs CONFIG REQUIRED PATHS "<repository>/cmake" NO_DEFAULT_PATH)
#
# Settings:
#   AWSIOTJOBS_PROFILE          the cargo profile whose build is used: debug (default), release
#                               or dist
#   AWSIOTJOBS_STATIC_LIBRARY   default target/<profile>/dist/libawsiotjobs.a, the archive that
#                               ships (scripts/hide-symbols.sh <profile> makes it)
#   AWSIOTJOBS_SHARED_LIBRARY   default target/<profile>/libawsiotjobs.so.0 (the SONAME link
#                               build.rs makes next to the library)
# scripts/build-lib.sh <profile> builds both and target/native-static-libs.txt, the system
# libraries the static one needs (scripts/native-libs.sh).

get_filename_component(_awsiotjobs_repo "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(AWSIOTJOBS_PROFILE "debug" CACHE STRING "The cargo profile whose build is used (debug, release, dist)")
# Derived from the profile unless given (-D...=, which may be empty for no shared library).
if(NOT DEFINED AWSIOTJOBS_STATIC_LIBRARY)
    set(AWSIOTJOBS_STATIC_LIBRARY "${_awsiotjobs_repo}/target/${AWSIOTJOBS_PROFILE}/dist/libawsiotjobs.a")
endif()
if(NOT DEFINED AWSIOTJOBS_SHARED_LIBRARY)
    set(AWSIOTJOBS_SHARED_LIBRARY "${_awsiotjobs_repo}/target/${AWSIOTJOBS_PROFILE}/libawsiotjobs.so.0")
endif()
set(_awsiotjobs_native_file "${_awsiotjobs_repo}/target/native-static-libs.txt")

foreach(_awsiotjobs_file "${AWSIOTJOBS_STATIC_LIBRARY}" "${_awsiotjobs_native_file}")
    if(NOT EXISTS "${_awsiotjobs_file}")
        set(awsiotjobs_FOUND FALSE)
        set(awsiotjobs_NOT_FOUND_MESSAGE
            "${_awsiotjobs_file} does not exist: run scripts/build-lib.sh ${AWSIOTJOBS_PROFILE}")
        return()
    endif()
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_awsiotjobs_native_file}")

set(_awsiotjobs_include_dir "${_awsiotjobs_repo}/include")
set(_awsiotjobs_static "${AWSIOTJOBS_STATIC_LIBRARY}")
set(_awsiotjobs_shared "${AWSIOTJOBS_SHARED_LIBRARY}")
set(_awsiotjobs_soname "libawsiotjobs.so.0")
file(READ "${_awsiotjobs_native_file}" _awsiotjobs_native_libs)
string(STRIP "${_awsiotjobs_native_libs}" _awsiotjobs_native_libs)
include("${CMAKE_CURRENT_LIST_DIR}/awsiotjobsTargets.cmake")

unset(_awsiotjobs_repo)
unset(_awsiotjobs_file)
unset(_awsiotjobs_native_file)
unset(_awsiotjobs_include_dir)
unset(_awsiotjobs_static)
unset(_awsiotjobs_shared)
unset(_awsiotjobs_soname)
unset(_awsiotjobs_native_libs)
