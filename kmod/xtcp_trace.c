// SPDX-License-Identifier: GPL-2.0
/* The xtcp tracepoints' definitions (the events are in xtcp_trace.h). */
#define CREATE_TRACE_POINTS
#include "xtcp_trace.h"
