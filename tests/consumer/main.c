/* Links against an installed libpsyphys and calls it. */
#include <stdio.h>
#include <string.h>
#include <psyphys.h>

int main(void)
{
    psy_channel_type t;
    if (psy_channel_type_parse("ECG", &t) != PSY_OK || t != PSY_CH_ECG) return 1;
    printf("psyphys %s\n", psy_version());
    return strlen(psy_version()) > 0 ? 0 : 1;
}
