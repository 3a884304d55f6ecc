#!/usr/bin/env python3
"""Writes tests/c/abi_test_generated.c from the reference ABI facts (abi-x86_64-linux.json).

The generated C program checks, against our headers and library, every fact of the JSON:
sizes, alignments, field offsets, field sizes and field types of the structs; that each enum
typedef is a real C enum with exactly the listed enumerator values; constant and macro
values; every member of every initializer (automatic and static instances); the texts of
the strerror/StateName functions for every listed key; and, at compile time, that each
exported function has the JSON prototype.

Usage:
  gen_abi_test.py [--json PATH] [--out PATH]   write the C file
  gen_abi_test.py --check [...]                exit 1 if the C file is not what would be written
"""

import argparse
import difflib
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_JSON = HERE.parent / "reference" / "abi-x86_64-linux.json"
DEFAULT_OUT = HERE / "abi_test_generated.c"

# The type each initializer macro initializes.
INITIALIZED_TYPES = {
    "AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER": "AwsIotJobsRequestInfo_t",
    "AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER": "AwsIotJobsUpdateInfo_t",
    "AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER": "AwsIotJobsCallbackInfo_t",
    "AWS_IOT_JOBS_OPERATION_INITIALIZER": "AwsIotJobsOperation_t",
    "AWS_IOT_JOBS_RESPONSE_INITIALIZER": "AwsIotJobsResponse_t",
    "IOT_MQTT_NETWORK_INFO_INITIALIZER": "IotMqttNetworkInfo_t",
    "IOT_MQTT_CONNECT_INFO_INITIALIZER": "IotMqttConnectInfo_t",
    "IOT_MQTT_PUBLISH_INFO_INITIALIZER": "IotMqttPublishInfo_t",
    "IOT_MQTT_SUBSCRIPTION_INITIALIZER": "IotMqttSubscription_t",
    "IOT_MQTT_CALLBACK_INFO_INITIALIZER": "IotMqttCallbackInfo_t",
    "IOT_NETWORK_SERVER_INFO_OPENSSL_INITIALIZER": "struct IotNetworkServerInfo",
    "IOT_NETWORK_CREDENTIALS_OPENSSL_INITIALIZER": "struct IotNetworkCredentials",
    "AWS_IOT_NETWORK_CREDENTIALS_OPENSSL_INITIALIZER": "struct IotNetworkCredentials",
}

# Entries describing a configuration other than the one the library is built for.
NOT_REPRODUCED = {
    "IotMqttNetworkInfo_t_with_IOT_MQTT_ENABLE_SERIALIZER_OVERRIDES_1",
}

# The function that produces each text table, and the type of its parameter.
TEXT_FUNCTIONS = {
    "jobs_strerror": ("AwsIotJobs_strerror", "AwsIotJobsError_t"),
    "jobs_statename": ("AwsIotJobs_StateName", "AwsIotJobState_t"),
    "mqtt_strerror": ("IotMqtt_strerror", "IotMqttError_t"),
}

FUNCTION_GROUPS = ["jobs_functions", "mqtt_functions", "sdk_and_network_functions"]


def c_string(text):
    """A C string literal for `text`, every byte outside printable ASCII as an octal escape."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= byte < 0x7F and char != "?":
            out.append(char)
        else:
            out.append("\\%03o" % byte)
    return '"' + "".join(out) + '"'


def is_macro_name(name):
    return re.fullmatch(r"[A-Z][A-Z0-9_]*", name) is not None


class Writer:
    def __init__(self):
        self.lines = []

    def __call__(self, line=""):
        self.lines.append(line)

    def text(self):
        return "\n".join(self.lines) + "\n"


def pointee_type(kind):
    """`struct _jobsOperation *` out of 'opaque pointer (struct _jobsOperation *)' and
    'pointer typedef on posix port: struct IotNetworkServerInfo *'."""
    match = re.search(r"\((struct [A-Za-z_]\w* \*)\)|: (struct [A-Za-z_]\w* \*)$", kind)
    return (match.group(1) or match.group(2)) if match else None


def write_types(w, facts):
    w("static void check_types(void)")
    w("{")
    for section in ("jobs_types", "mqtt_types"):
        for name, entry in facts[section].items():
            if name in NOT_REPRODUCED:
                w("    /* %s: not reproduced (another build configuration). */" % name)
                continue
            w("    /* %s */" % name)
            w('    CHECK_INT("sizeof(%s)", sizeof(%s), %d);' % (name, name, entry["size"]))
            w('    CHECK_INT("_Alignof(%s)", _Alignof(%s), %d);' % (name, name, entry["align"]))
            kind = entry.get("kind", "")
            if kind == "enum":
                tag = name[: -len("_t")]
                w('    CHECK_TRUE("%s is enum %s", SAME_TYPE(%s, enum %s));' % (name, tag, name, tag))
            elif pointee_type(kind):
                pointer = pointee_type(kind)
                w('    CHECK_TRUE("%s is %s", SAME_TYPE(%s, %s));' % (name, pointer, name, pointer))
            for field in entry.get("fields", []):
                path = field["name"]
                member = "((%s *)0)->%s" % (name, path)
                w('    CHECK_INT("offsetof(%s, %s)", offsetof(%s, %s), %d);'
                  % (name, path, name, path, field["offset"]))
                w('    CHECK_INT("sizeof %s.%s", sizeof(%s), %d);' % (name, path, member, field["size"]))
                if field["type"] not in ("struct", "union"):
                    w('    CHECK_TRUE("%s.%s is %s", SAME_TYPE(__typeof__(%s), %s));'
                      % (name, path, field["type"], member, field["type"]))
    w("}")
    w()


def write_enums(w, facts):
    w("static void check_enums(void)")
    w("{")
    for section in ("jobs_enums", "mqtt_enums"):
        for name, enumerators in facts[section].items():
            w("    /* %s */" % name)
            for enumerator, value in enumerators.items():
                w('    CHECK_INT("%s", %s, %d);' % (enumerator, enumerator, value))
    w("}")
    w()


def write_constant(w, name, value):
    if value is None:
        w('    CHECK_TRUE("%s is NULL", (%s) == NULL);' % (name, name))
    elif isinstance(value, bool):
        w('    CHECK_INT("%s", (%s), %d);' % (name, name, int(value)))
    elif isinstance(value, int):
        w('    CHECK_INT("%s", (%s), %d);' % (name, name, value))
    elif isinstance(value, str):
        w('    check_bytes("%s", %s, sizeof(%s) - 1, %s, %d);'
          % (name, name, name, c_string(value), len(value.encode("utf-8"))))
    else:
        raise SystemExit("cannot check constant %s = %r" % (name, value))


def write_constants(w, facts):
    w("static void check_constants(void)")
    w("{")
    for section in ("jobs_constants", "jobs_config_defaults", "mqtt_constants"):
        for name, value in facts[section].items():
            # Keys such as `..._in_tests_iot_config_h` describe other configurations.
            if is_macro_name(name):
                write_constant(w, name, value)
    w("}")
    w()


def write_member_check(w, instance, member, value):
    what = "%s.%s" % (instance, member)
    if value is None:
        w('    CHECK_TRUE("%s is NULL", %s.%s == NULL);' % (what, instance, member))
    elif isinstance(value, bool):
        w('    CHECK_INT("%s", %s.%s, %d);' % (what, instance, member, int(value)))
    elif isinstance(value, int):
        w('    CHECK_INT("%s", %s.%s, %d);' % (what, instance, member, value))
    elif isinstance(value, str):
        w('    check_string("%s", %s.%s, %s);' % (what, instance, member, c_string(value)))
    else:
        raise SystemExit("cannot check %s = %r" % (what, value))


def write_initializers(w, facts):
    initializers = dict(facts["jobs_initializers"])
    initializers.update(facts["mqtt_initializers"])
    names = []
    for name, members in initializers.items():
        if name not in INITIALIZED_TYPES:
            raise SystemExit("no type known for initializer %s: add it to INITIALIZED_TYPES" % name)
        c_type = INITIALIZED_TYPES[name]
        function = "check_" + name.lower()
        names.append(function)
        w("static %s static_%s = %s;" % (c_type, name.lower(), name))
        w()
        w("static NOINLINE void %s(void)" % function)
        w("{")
        w("    %s automatic = %s;" % (c_type, name))
        for instance in ("automatic", "static_" + name.lower()):
            if members is None:
                w('    CHECK_TRUE("%s: %s is NULL", %s == NULL);' % (name, instance, instance))
                continue
            for member, value in members.items():
                write_member_check(w, instance, member, value)
        w("}")
        w()
    w("static void check_initializers(void)")
    w("{")
    for function in names:
        # Leave garbage where the next function's automatic instance will live, so that a
        # member the initializer misses shows up.
        w("    scribble_stack();")
        w("    %s();" % function)
    w("}")
    w()


def write_texts(w, facts):
    w("static void check_texts(void)")
    w("{")
    for section, (function, parameter) in TEXT_FUNCTIONS.items():
        w("#if defined( ABI_HAVE_%s )" % function)
        for key, text in facts[section].items():
            w('    check_string("%s(%s)", %s((%s) (%s)), %s);'
              % (function, key, function, parameter, key, c_string(text)))
        w("#else")
        w('    skip("%s: not declared by the headers");' % function)
        w("#endif")
    w("}")
    w()


def function_type(entry):
    params = ", ".join(param["type"] for param in entry["params"]) or "void"
    return "%s (*)(%s)" % (entry["returns"], params)


def write_functions(w, facts):
    w("/* Each exported function must have the prototype of the original, and be linkable. */")
    names = []
    for group in FUNCTION_GROUPS:
        for entry in facts[group]:
            name = entry["name"]
            names.append(name)
            w("/* ABI_FUNCTION %s %s */" % (group, name))
            w("#if defined( ABI_HAVE_%s )" % name)
            w('_Static_assert(SAME_TYPE(__typeof__(&%s), %s), "prototype of %s");'
              % (name, function_type(entry), name))
            w("#endif")
    w()
    w("static void check_functions(void)")
    w("{")
    for name in names:
        w("#if defined( ABI_HAVE_%s )" % name)
        w('    check_linked("%s", (void (*)(void)) &%s);' % (name, name))
        w("#else")
        w('    skip("%s: not declared by the headers");' % name)
        w("#endif")
    w("}")
    w()


PRELUDE = r"""/* Generated by tests/c/gen_abi_test.py from abi-x86_64-linux.json: do not edit.
 * Regenerate with: python3 tests/c/gen_abi_test.py */

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "aws_iot_jobs.h"
#include "iot_init.h"
#include "iot_mqtt.h"
#include "iot_network_openssl.h"
#include "platform/iot_network.h"
#include "types/iot_platform_types.h"

/* ABI_HAVE_<function> for each function the headers declare, written by CMake. */
#include "abi_available.h"

#define SAME_TYPE( a, b )    __builtin_types_compatible_p( a, b )
#define NOINLINE             __attribute__( ( noinline ) )
#define MAYBE_UNUSED         __attribute__( ( unused ) )

static int checks, failures, skips;

static void check_int( const char * what, long long actual, long long expected )
{
    checks++;
    if( actual != expected )
    {
        failures++;
        printf( "FAIL %s: %lld, expected %lld\n", what, actual, expected );
    }
}

#define CHECK_INT( what, actual, expected )    check_int( what, ( long long ) ( actual ), expected )
#define CHECK_TRUE( what, condition )          check_int( what, ( condition ) ? 1 : 0, 1 )

static MAYBE_UNUSED void check_bytes( const char * what, const char * actual, size_t actualLength,
                         const char * expected, size_t expectedLength )
{
    checks++;
    if( ( actual == NULL ) || ( actualLength != expectedLength ) ||
        ( memcmp( actual, expected, expectedLength ) != 0 ) )
    {
        failures++;
        printf( "FAIL %s: \"%.*s\" (%zu bytes), expected \"%s\" (%zu bytes)\n", what,
                ( int ) ( actual == NULL ? 0 : actualLength ), actual == NULL ? "" : actual,
                actualLength, expected, expectedLength );
    }
}

static MAYBE_UNUSED void check_string( const char * what, const char * actual, const char * expected )
{
    if( actual == NULL )
    {
        checks++;
        failures++;
        printf( "FAIL %s: NULL, expected \"%s\"\n", what, expected );
        return;
    }
    check_bytes( what, actual, strlen( actual ), expected, strlen( expected ) );
}

static MAYBE_UNUSED void check_linked( const char * what, void ( * function )( void ) )
{
    checks++;
    if( function == NULL )
    {
        failures++;
        printf( "FAIL %s: no address\n", what );
    }
}

static MAYBE_UNUSED void skip( const char * what )
{
    skips++;
    printf( "SKIP %s\n", what );
}

/* Fills the stack below the caller with a pattern. */
static NOINLINE void scribble_stack( void )
{
    volatile unsigned char garbage[ 4096 ];
    size_t i;

    for( i = 0; i < sizeof( garbage ); i++ )
    {
        garbage[ i ] = 0xA5;
    }
}
"""

MAIN = r"""int main( void )
{
    check_types();
    check_enums();
    check_constants();
    check_initializers();
    check_texts();
    check_functions();
    printf( "%d checks, %d failures, %d skipped\n", checks, failures, skips );
    return failures == 0 ? 0 : 1;
}
"""


def generate(facts):
    w = Writer()
    w(PRELUDE)
    write_types(w, facts)
    write_enums(w, facts)
    write_constants(w, facts)
    write_initializers(w, facts)
    write_texts(w, facts)
    write_functions(w, facts)
    w(MAIN.rstrip("\n"))
    return w.text()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=pathlib.Path, default=DEFAULT_JSON)
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true",
                        help="fail if --out differs from what would be written")
    args = parser.parse_args()

    text = generate(json.loads(args.json.read_text(encoding="utf-8")))
    if args.check:
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if old != text:
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(True), text.splitlines(True), str(args.out), "regenerated", n=1))
            print("%s is stale: run python3 %s" % (args.out, pathlib.Path(__file__).name))
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
