# The imported targets of awsiotjobs, shared by the installed package
# (lib/cmake/awsiotjobs/awsiotjobsConfig.cmake, from packaging/awsiotjobsConfig.cmake.in) and
# the build tree's (cmake/awsiotjobsConfig.cmake), which set before including it:
#   _awsiotjobs_include_dir     the headers
#   _awsiotjobs_static          the static library (symbol-hidden, as it ships)
#   _awsiotjobs_shared          the shared library (may be absent: awsiotjobs::shared then fails
#                               only when a target links it)
#   _awsiotjobs_soname          its SONAME
#   _awsiotjobs_native_libs     what the static library needs besides it, as rustc prints it
#                               (scripts/native-libs.sh): -lNAME flags
#
#   awsiotjobs::static      the static library, with the system libraries it needs (OpenSSL
#                           through find_package, the others as rustc names them)
#   awsiotjobs::shared      the shared library
#   awsiotjobs::awsiotjobs  the static library; the shared one if AWSIOTJOBS_USE_SHARED is ON
#                           when find_package runs
# All of them carry the include directory, so `#include "aws_iot_jobs.h"`, `"iot_mqtt.h"` and
# `"types/iot_mqtt_types.h"` work as with the v4 SDK.

include(CMakeFindDependencyMacro)
find_dependency(Threads)
find_dependency(OpenSSL)

if(NOT TARGET awsiotjobs::awsiotjobs)
    # -lssl and -lcrypto become OpenSSL's imported targets, -lpthread Threads::Threads, -ldl
    # CMAKE_DL_LIBS; -lc is every C program's. The rest are linked by name.
    set(_awsiotjobs_link "OpenSSL::SSL;OpenSSL::Crypto;Threads::Threads;${CMAKE_DL_LIBS}")
    separate_arguments(_awsiotjobs_flags UNIX_COMMAND "${_awsiotjobs_native_libs}")
    foreach(_awsiotjobs_flag IN LISTS _awsiotjobs_flags)
        string(REGEX REPLACE "^-l" "" _awsiotjobs_name "${_awsiotjobs_flag}")
        if(NOT _awsiotjobs_name MATCHES "^(ssl|crypto|pthread|dl|c)$")
            list(APPEND _awsiotjobs_link "${_awsiotjobs_name}")
        endif()
    endforeach()

    add_library(awsiotjobs::static STATIC IMPORTED)
    set_target_properties(awsiotjobs::static PROPERTIES
        IMPORTED_LOCATION "${_awsiotjobs_static}"
        IMPORTED_LINK_INTERFACE_LANGUAGES C
        INTERFACE_INCLUDE_DIRECTORIES "${_awsiotjobs_include_dir}"
        INTERFACE_LINK_LIBRARIES "${_awsiotjobs_link}")

    add_library(awsiotjobs::shared SHARED IMPORTED)
    set_target_properties(awsiotjobs::shared PROPERTIES
        IMPORTED_LOCATION "${_awsiotjobs_shared}"
        IMPORTED_SONAME "${_awsiotjobs_soname}"
        INTERFACE_INCLUDE_DIRECTORIES "${_awsiotjobs_include_dir}")

    add_library(awsiotjobs::awsiotjobs INTERFACE IMPORTED)
    if(AWSIOTJOBS_USE_SHARED)
        set_target_properties(awsiotjobs::awsiotjobs PROPERTIES
            INTERFACE_LINK_LIBRARIES awsiotjobs::shared)
    else()
        set_target_properties(awsiotjobs::awsiotjobs PROPERTIES
            INTERFACE_LINK_LIBRARIES awsiotjobs::static)
    endif()
    unset(_awsiotjobs_link)
    unset(_awsiotjobs_flags)
    unset(_awsiotjobs_flag)
    unset(_awsiotjobs_name)
endif()

set(awsiotjobs_INCLUDE_DIRS "${_awsiotjobs_include_dir}")
set(awsiotjobs_LIBRARIES awsiotjobs::awsiotjobs)
