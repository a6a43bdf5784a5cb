# The kernel options boxcar needs (files/boxcar.cfg, a copy of
# contrib/kernel/boxcar.config). For a kernel configured otherwise, drop
# this file or BBMASK it and add the options there.
FILESEXTRAPATHS:prepend := "${THISDIR}/files:"
SRC_URI += "file://boxcar.scc"
