// N_("..."): marks a message for `otrbot extract` (xgettext); it is translated where it is shown.
#pragma once

#ifndef N_
#define N_(text) text
#endif
