/* Stand-in for the v4 SDK's iot_linear_containers.h: only the link type the platform types
 * header needs (see ../../../../README.md). */
#ifndef IOT_LINEAR_CONTAINERS_H_
#define IOT_LINEAR_CONTAINERS_H_

#include "iot_config.h"
#include <stddef.h>

typedef struct IotLink
{
    struct IotLink * pPrevious;
    struct IotLink * pNext;
} IotLink_t;

#endif
