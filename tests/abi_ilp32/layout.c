/* The configs' sizes on ILP32 targets (i386: 8-byte integers aligned to 4; armv7: to 8) as the
 * reserve left them (psyphys/export.h): a setting taken from the reserve keeps the size there
 * too. Compiled, not run, by abi_ilp32.sh for each target. */
#include "psyphys.h"

#if defined(__i386__)
#define SIZE(i386, armv7) (i386)
#elif defined(__arm__)
#define SIZE(i386, armv7) (armv7)
#else
#error "an ILP32 target: i386 or armv7"
#endif
#define PIN(T, i386, armv7) _Static_assert(sizeof(T) == SIZE(i386, armv7), #T " changed size")

PIN(psy_beats_config, 500, 504);
PIN(psy_ecg_detector_config, 208, 208);
PIN(psy_eda_config, 320, 320);
PIN(psy_hr_response_config, 168, 176);
PIN(psy_hrv_config, 960, 984);
PIN(psy_plausibility_config, 192, 192);
PIN(psy_open_options, 156, 160);
PIN(psy_resp_config, 168, 168);
PIN(psy_rr_config, 160, 160);
PIN(psy_rr_pcst_config, 160, 160);
PIN(psy_rsa_config, 176, 176);
PIN(psy_session_config, 248, 256);
PIN(psy_session_settings, 576, 592);
PIN(psy_stream_config, 1864, 1904);
PIN(psy_sync_config, 180, 184);
PIN(psy_trigger_config, 156, 168);
PIN(psy_ppg_detector_config, 236, 240);
PIN(psy_pulses_config, 528, 536);
PIN(psy_pat_config, 176, 176);
PIN(psy_events_options, 148, 152);
