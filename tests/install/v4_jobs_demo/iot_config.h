/* The application's configuration, as a v4 demo has one: log levels for the demo. Nothing of
 * awsiotjobs needs it; the v4 convention of including it first is kept. */
#ifndef IOT_CONFIG_H_
#define IOT_CONFIG_H_

#define IOT_LOG_LEVEL_GLOBAL    IOT_LOG_INFO
#define IOT_LOG_LEVEL_DEMO      IOT_LOG_INFO

#endif /* ifndef IOT_CONFIG_H_ */
