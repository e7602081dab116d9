/* psyphys — umbrella header. */
#ifndef PSYPHYS_H
#define PSYPHYS_H

#include "psyphys/version.h"
#include "psyphys/status.h"
#include "psyphys/source.h"
#include "psyphys/recording.h"
#include "psyphys/reader_arrays.h"
#include "psyphys/writer.h"
#include "psyphys/ecg.h"
#include "psyphys/ppg.h"
#include "psyphys/ecg_quality.h"
#include "psyphys/rr.h"
#include "psyphys/beats.h"
#include "psyphys/pat.h"
#include "psyphys/beats_table.h"
#include "psyphys/hrv.h"
#include "psyphys/hrv_windows.h"
#include "psyphys/score.h"
#include "psyphys/triggers.h"
#include "psyphys/resp.h"
#include "psyphys/rsa.h"
#include "psyphys/hr_response.h"
#include "psyphys/segments.h"
#include "psyphys/eda.h"
#include "psyphys/stream.h"
#include "psyphys/plausibility.h"
#include "psyphys/sync.h"
#include "psyphys/session.h"
#include "psyphys/session_settings.h"
#include "psyphys/sidecar.h"

#endif
