/*
 * What metrics.c counts and metrics_page.c reports: the apps a request
 * is counted under, the status classes and the latency buckets.
 */

#ifndef __H_AGORA_CORE_METRICS_H
#define __H_AGORA_CORE_METRICS_H

#define M_APPS		6
#define M_CLASSES	5
#define M_BUCKETS	12

extern const char *const	core_metrics_apps[M_APPS];
/* Upper bounds in milliseconds; the last bucket is +Inf. */
extern const u_int64_t		core_metrics_bounds[M_BUCKETS];

#endif /* !__H_AGORA_CORE_METRICS_H */
