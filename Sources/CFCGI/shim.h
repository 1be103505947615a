#ifndef OCTO_CFCGI_SHIM_H
#define OCTO_CFCGI_SHIM_H
// libfcgi's request API (Debian: libfcgi-dev). fcgiapp.h is the thread-safe
// FCGX_* interface; we never use fcgi_stdio.h, which replaces stdio globally.
#include <fcgiapp.h>
#endif
