import type { SystemPackages } from "./system-packages.js";

const pkg = (debian: string, alpine: string, rpm: string): SystemPackages => ({ debian, alpine, rpm });

const GLIB = pkg("libglib2.0-0", "glib", "glib2");

/**
 * Runtime shared libraries (soname as the loader prints it) -> the package that ships them. Only
 * libraries a distribution package provides belong here: a library the image builds itself (a missing
 * `ldconfig`) or a host binary's library is not a package to add, and stays unknown.
 */
export const SHARED_LIBRARY_PACKAGES: Readonly<Record<string, SystemPackages>> = {
  // OpenGL / X11 runtime of OpenCV and other native wheels.
  "libGL.so.1": pkg("libgl1", "mesa-gl", "mesa-libGL"),
  "libEGL.so.1": pkg("libegl1", "mesa-egl", "mesa-libEGL"),
  "libgthread-2.0.so.0": GLIB,
  "libglib-2.0.so.0": GLIB,
  "libgobject-2.0.so.0": GLIB,
  "libSM.so.6": pkg("libsm6", "libsm", "libSM"),
  "libICE.so.6": pkg("libice6", "libice", "libICE"),
  "libXext.so.6": pkg("libxext6", "libxext", "libXext"),
  "libXrender.so.1": pkg("libxrender1", "libxrender", "libXrender"),
  "libX11.so.6": pkg("libx11-6", "libx11", "libX11"),
  "libxcb.so.1": pkg("libxcb1", "libxcb", "libxcb"),
  // Compiler runtimes: OpenMP, C++, gcc, Fortran.
  "libgomp.so.1": pkg("libgomp1", "libgomp", "libgomp"),
  "libstdc++.so.6": pkg("libstdc++6", "libstdc++", "libstdc++"),
  "libgcc_s.so.1": pkg("libgcc-s1", "libgcc", "libgcc"),
  "libgfortran.so.5": pkg("libgfortran5", "libgfortran", "libgfortran"),
  "libgfortran.so.4": pkg("libgfortran4", "libgfortran", "libgfortran"),
  "libgfortran.so.3": pkg("libgfortran3", "libgfortran", "libgfortran"),
  "libquadmath.so.0": pkg("libquadmath0", "libquadmath", "libquadmath"),
  "libatomic.so.1": pkg("libatomic1", "libatomic", "libatomic"),
  // Common C libraries loaded by wheels and binaries.
  "libpq.so.5": pkg("libpq5", "libpq", "libpq"),
  "libz.so.1": pkg("zlib1g", "zlib", "zlib"),
  "libffi.so.8": pkg("libffi8", "libffi", "libffi"),
  "libxml2.so.2": pkg("libxml2", "libxml2", "libxml2"),
  "libxslt.so.1": pkg("libxslt1.1", "libxslt", "libxslt"),
  "libmagic.so.1": pkg("libmagic1", "libmagic", "file-libs"),
  "libsndfile.so.1": pkg("libsndfile1", "libsndfile", "libsndfile"),
  // cffi's dlopen of the unversioned name (soundfile): the runtime package is what the threads install.
  "libsndfile.so": pkg("libsndfile1", "libsndfile", "libsndfile"),
  "libasound.so.2": pkg("libasound2", "alsa-lib", "alsa-lib"),
  "libnss3.so": pkg("libnss3", "nss", "nss"),
  "libaio.so.1": pkg("libaio1", "libaio", "libaio"),
  "libopenblas.so.0": pkg("libopenblas0", "openblas", "openblas"),
  "libzbar.so.0": pkg("libzbar0", "zbar", "zbar"),
  "libusb-1.0.so.0": pkg("libusb-1.0-0", "libusb", "libusbx"),
  "libexpat.so.1": pkg("libexpat1", "expat", "expat"),
  "libuuid.so.1": pkg("libuuid1", "libuuid", "libuuid"),
  // Cyrus SASL (OpenLDAP's clients and servers): Debian keeps soname 2, Alpine and Fedora moved to 3.
  "libsasl2.so.2": pkg("libsasl2-2", "libsasl", "cyrus-sasl-lib"),
  "libsasl2.so.3": pkg("libsasl2-2", "libsasl", "cyrus-sasl-lib"),
  "libltdl.so.7": pkg("libltdl7", "libltdl", "libtool-ltdl"),
  "libsqlite3.so.0": pkg("libsqlite3-0", "sqlite-libs", "sqlite-libs"),
  "libcurl.so.4": pkg("libcurl4", "libcurl", "libcurl"),
  "libtiff.so.5": pkg("libtiff5", "tiff", "libtiff"),
  "libpng16.so.16": pkg("libpng16-16", "libpng", "libpng"),
  "libfreetype.so.6": pkg("libfreetype6", "freetype", "freetype"),
  "libfontconfig.so.1": pkg("libfontconfig1", "fontconfig", "fontconfig"),
  "libgdk_pixbuf-2.0.so.0": pkg("libgdk-pixbuf-2.0-0", "gdk-pixbuf", "gdk-pixbuf2"),
  "libcairo.so.2": pkg("libcairo2", "cairo", "cairo"),
  "libpango-1.0.so.0": pkg("libpango-1.0-0", "pango", "pango"),
  "libvips.so.42": pkg("libvips42", "vips", "vips"),
};

/** Debian renamed some runtime packages by release; both names mean the same library. */
export const SHARED_LIBRARY_ALIASES: Readonly<Record<string, readonly string[]>> = {
  libgl1: ["libgl1-mesa-glx"],
  "libgcc-s1": ["libgcc1"],
};
