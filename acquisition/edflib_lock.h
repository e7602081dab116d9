/* Internal: EDFlib keeps a process-wide table of open files; every call into EDFlib (reader and
 * writer) happens between psy_edflib_lock() and psy_edflib_unlock(). */
#ifndef PSYPHYS_EDFLIB_LOCK_H
#define PSYPHYS_EDFLIB_LOCK_H

void psy_edflib_lock(void);
void psy_edflib_unlock(void);

#endif
