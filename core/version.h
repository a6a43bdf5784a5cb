/* version.h - the release this source tree is. */
#ifndef BOXCAR_VERSION_H
#define BOXCAR_VERSION_H
#ifndef BOXCAR_VERSION
#define BOXCAR_VERSION "0.1.0"
#endif
#endif
