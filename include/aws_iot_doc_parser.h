/* Generated from src/ffi/platform/doc_parser.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef AWS_IOT_DOC_PARSER_H_
#define AWS_IOT_DOC_PARSER_H_

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Finds the value of the first key named `pAwsIotJsonKey` (its raw text between quotes,
 * `awsIotJsonKeyLength` bytes) in the JSON document of `awsIotJsonDocumentLength` bytes at
 * `pAwsIotJsonDocument`, at any depth. On success `*pAwsIotJsonValue` points into the document
 * at the value (a string with its quotes, an object or array with its brackets, or a number,
 * `true`, `false` or `null`) and `*pAwsIotJsonValueLength` is its length; either output may be
 * NULL. Nothing is allocated and the document needs no NUL terminator. Returns `false`, and
 * leaves both outputs unchanged, when the key is absent, its value is malformed, or an
 * argument is NULL or empty.
 * Borrows the document and key for the call only. Any thread.
 */
bool AwsIotDocParser_FindValue(const char *pAwsIotJsonDocument,
                               size_t awsIotJsonDocumentLength,
                               const char *pAwsIotJsonKey,
                               size_t awsIotJsonKeyLength,
                               const char **pAwsIotJsonValue,
                               size_t *pAwsIotJsonValueLength);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* AWS_IOT_DOC_PARSER_H_ */
