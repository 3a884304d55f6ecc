/* Stand-in for the v4 SDK's aws_iot_doc_parser.h (see ../../../../README.md). */
#ifndef AWS_IOT_DOC_PARSER_H_
#define AWS_IOT_DOC_PARSER_H_

#include <stdbool.h>
#include <stddef.h>

bool AwsIotDocParser_FindValue( const char * pAwsIotJsonDocument, size_t awsIotJsonDocumentLength,
                                const char * pAwsIotJsonKey, size_t awsIotJsonKeyLength,
                                const char ** pAwsIotJsonValue, size_t * pAwsIotJsonValueLength );

#endif
