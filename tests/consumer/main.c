/* Links against an installed libpsyphys and calls it. */
#include <stdio.h>
#include <string.h>
#include <psyphys.h>

int main(void)
{
    psy_channel_type t;
    if (psy_channel_type_parse("ECG", &t) != PSY_OK || t != PSY_CH_ECG) return 1;
    printf("psyphys %s\n", psy_version());
    /* the headers and the library agree */
    if (psy_version_number() != PSYPHYS_VERSION_NUMBER || strcmp(psy_version(), PSYPHYS_VERSION_STRING) != 0) return 1;
    return strlen(psy_version()) > 0 ? 0 : 1;
}
