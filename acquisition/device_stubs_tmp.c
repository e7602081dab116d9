#include "device_readers.h"
psy_status psy_open_beat_list(psy_source *src, psy_reader **out, psy_message *why){(void)src;(void)out;(void)why;return PSY_E_UNKNOWN_FORMAT;}
psy_status psy_open_episode_list(psy_source *src, psy_reader **out, psy_message *why){(void)src;(void)out;(void)why;return PSY_E_UNKNOWN_FORMAT;}
