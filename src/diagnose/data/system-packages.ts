import type { SystemFamily } from "../finding.js";

/** A system package name per base-image family. */
export type SystemPackages = Partial<Record<SystemFamily, string>>;

const pkg = (debian: string, alpine: string, rpm: string): SystemPackages => ({ debian, alpine, rpm });

const ZLIB = pkg("zlib1g-dev", "zlib-dev", "zlib-devel");
const FFI = pkg("libffi-dev", "libffi-dev", "libffi-devel");
const SSL = pkg("libssl-dev", "openssl-dev", "openssl-devel");
const LIBPQ = pkg("libpq-dev", "libpq-dev", "libpq-devel");
const PYDEV = pkg("python3-dev", "python3-dev", "python3-devel");
const XML2 = pkg("libxml2-dev", "libxml2-dev", "libxml2-devel");
const XSLT = pkg("libxslt1-dev", "libxslt-dev", "libxslt-devel");
const JPEG = pkg("libjpeg-dev", "libjpeg-turbo-dev", "libjpeg-turbo-devel");
const PNG = pkg("libpng-dev", "libpng-dev", "libpng-devel");
const MYSQL = pkg("default-libmysqlclient-dev", "mariadb-dev", "mariadb-connector-c-devel");
const YAML = pkg("libyaml-dev", "yaml-dev", "libyaml-devel");
const SQLITE = pkg("libsqlite3-dev", "sqlite-dev", "sqlite-devel");
const BZ2 = pkg("libbz2-dev", "bzip2-dev", "bzip2-devel");
const LZMA = pkg("liblzma-dev", "xz-dev", "xz-devel");
const CURL = pkg("libcurl4-openssl-dev", "curl-dev", "libcurl-devel");
const FREETYPE = pkg("libfreetype-dev", "freetype-dev", "freetype-devel");
const CAIRO = pkg("libcairo2-dev", "cairo-dev", "cairo-devel");
const GLIB = pkg("libglib2.0-dev", "glib-dev", "glib2-devel");
const LIBC = pkg("libc6-dev", "musl-dev", "glibc-devel");
const KRB5 = pkg("libkrb5-dev", "krb5-dev", "krb5-devel");
const LDAP = pkg("libldap2-dev", "openldap-dev", "openldap-devel");
const SASL = pkg("libsasl2-dev", "cyrus-sasl-dev", "cyrus-sasl-devel");
const XMLSEC = pkg("libxmlsec1-dev", "xmlsec-dev", "xmlsec1-devel");
const CC = pkg("build-essential", "build-base", "gcc");
const CXX = pkg("build-essential", "build-base", "gcc-c++");

/**
 * C/C++ header (as written in `#include`) -> packages. A key ending in `/` matches every header below that
 * directory (`openssl/ssl.h`, `openssl/opensslv.h`, ...).
 */
export const HEADER_PACKAGES: Readonly<Record<string, SystemPackages>> = {
  "zlib.h": ZLIB,
  "zconf.h": ZLIB,
  "ffi.h": FFI,
  "openssl/": SSL,
  "libpq-fe.h": LIBPQ,
  "postgresql/libpq-fe.h": LIBPQ,
  "pg_config.h": LIBPQ,
  "postgres.h": pkg("postgresql-server-dev-all", "postgresql-dev", "postgresql-server-devel"),
  "Python.h": PYDEV,
  "python2.7/": pkg("python2.7-dev", "python2-dev", "python2-devel"),
  "python2.7/Python.h": pkg("python2.7-dev", "python2-dev", "python2-devel"),
  "libxml/": XML2,
  "libxslt/": XSLT,
  "libexslt/": XSLT,
  "jpeglib.h": JPEG,
  "png.h": PNG,
  "mysql.h": MYSQL,
  "mysql/": MYSQL,
  "mariadb/": MYSQL,
  "yaml.h": YAML,
  "sqlite3.h": SQLITE,
  "bzlib.h": BZ2,
  "lzma.h": LZMA,
  "curl/": CURL,
  "ft2build.h": FREETYPE,
  "freetype/": FREETYPE,
  "gmp.h": pkg("libgmp-dev", "gmp-dev", "gmp-devel"),
  "mpfr.h": pkg("libmpfr-dev", "mpfr-dev", "mpfr-devel"),
  "readline/": pkg("libreadline-dev", "readline-dev", "readline-devel"),
  "ncurses.h": pkg("libncurses-dev", "ncurses-dev", "ncurses-devel"),
  "curses.h": pkg("libncurses-dev", "ncurses-dev", "ncurses-devel"),
  "uuid/uuid.h": pkg("uuid-dev", "util-linux-dev", "libuuid-devel"),
  "sasl/": SASL,
  "ldap.h": LDAP,
  "lber.h": LDAP,
  "krb5.h": KRB5,
  "gssapi/": KRB5,
  "magic.h": pkg("libmagic-dev", "file-dev", "file-devel"),
  "pcre.h": pkg("libpcre3-dev", "pcre-dev", "pcre-devel"),
  "expat.h": pkg("libexpat1-dev", "expat-dev", "expat-devel"),
  "tiffio.h": pkg("libtiff-dev", "tiff-dev", "libtiff-devel"),
  "webp/": pkg("libwebp-dev", "libwebp-dev", "libwebp-devel"),
  "lcms2.h": pkg("liblcms2-dev", "lcms2-dev", "lcms2-devel"),
  "snappy-c.h": pkg("libsnappy-dev", "snappy-dev", "snappy-devel"),
  "librdkafka/": pkg("librdkafka-dev", "librdkafka-dev", "librdkafka-devel"),
  "hdf5.h": pkg("libhdf5-dev", "hdf5-dev", "hdf5-devel"),
  "geos_c.h": pkg("libgeos-dev", "geos-dev", "geos-devel"),
  "proj.h": pkg("libproj-dev", "proj-dev", "proj-devel"),
  "gdal.h": pkg("libgdal-dev", "gdal-dev", "gdal-devel"),
  "cairo.h": CAIRO,
  "cairo/": CAIRO,
  "glib.h": GLIB,
  "portaudio.h": pkg("portaudio19-dev", "portaudio-dev", "portaudio-devel"),
  "libusb-1.0/": pkg("libusb-1.0-0-dev", "libusb-dev", "libusbx-devel"),
  "xmlsec/": XMLSEC,
  "event2/": pkg("libevent-dev", "libevent-dev", "libevent-devel"),
  "zstd.h": pkg("libzstd-dev", "zstd-dev", "libzstd-devel"),
  "lz4.h": pkg("liblz4-dev", "lz4-dev", "lz4-devel"),
  "gdbm.h": pkg("libgdbm-dev", "gdbm-dev", "gdbm-devel"),
  "sodium.h": pkg("libsodium-dev", "libsodium-dev", "libsodium-devel"),
  "unicode/": pkg("libicu-dev", "icu-dev", "libicu-devel"),
  "linux/": pkg("linux-libc-dev", "linux-headers", "kernel-headers"),
  "stdio.h": LIBC,
  "stdlib.h": LIBC,
  "string.h": LIBC,
  "limits.h": LIBC,
  "stddef.h": LIBC,
  "sys/": LIBC,
};

/** pkg-config module name (and CMake `find_package` name, lower-cased) -> packages. */
export const PKG_CONFIG_PACKAGES: Readonly<Record<string, SystemPackages>> = {
  libffi: FFI,
  "libxml-2.0": XML2,
  libxml2: XML2,
  libxslt: XSLT,
  libexslt: XSLT,
  zlib: ZLIB,
  openssl: SSL,
  libssl: SSL,
  libcrypto: SSL,
  libpq: LIBPQ,
  postgresql: LIBPQ,
  python3: PYDEV,
  "python3-embed": PYDEV,
  "yaml-0.1": YAML,
  sqlite3: SQLITE,
  libcurl: CURL,
  curl: CURL,
  libpng: PNG,
  libpng16: PNG,
  png: PNG,
  libjpeg: JPEG,
  jpeg: JPEG,
  bzip2: BZ2,
  liblzma: LZMA,
  cairo: CAIRO,
  "glib-2.0": GLIB,
  "gobject-2.0": GLIB,
  "gio-2.0": GLIB,
  "gobject-introspection-1.0": pkg(
    "libgirepository1.0-dev",
    "gobject-introspection-dev",
    "gobject-introspection-devel",
  ),
  freetype2: FREETYPE,
  freetype: FREETYPE,
  mysqlclient: MYSQL,
  mariadb: MYSQL,
  libmariadb: MYSQL,
  "dbus-1": pkg("libdbus-1-dev", "dbus-dev", "dbus-devel"),
  uuid: pkg("uuid-dev", "util-linux-dev", "libuuid-devel"),
  hdf5: pkg("libhdf5-dev", "hdf5-dev", "hdf5-devel"),
  libzmq: pkg("libzmq3-dev", "zeromq-dev", "zeromq-devel"),
  libsodium: pkg("libsodium-dev", "libsodium-dev", "libsodium-devel"),
  "libusb-1.0": pkg("libusb-1.0-0-dev", "libusb-dev", "libusbx-devel"),
  "gtk+-3.0": pkg("libgtk-3-dev", "gtk+3.0-dev", "gtk3-devel"),
  pango: pkg("libpango1.0-dev", "pango-dev", "pango-devel"),
  xmlsec1: XMLSEC,
  libxmlsec1: XMLSEC,
  krb5: KRB5,
  "krb5-gssapi": KRB5,
  "libsecret-1": pkg("libsecret-1-dev", "libsecret-dev", "libsecret-devel"),
  libsystemd: { debian: "libsystemd-dev", rpm: "systemd-devel" },
};

/** Executable -> packages (compilers, build tools, `*-config` scripts, common CLIs). */
export const TOOL_PACKAGES: Readonly<Record<string, SystemPackages>> = {
  gcc: CC,
  cc: CC,
  "g++": CXX,
  "c++": CXX,
  make: pkg("make", "make", "make"),
  cmake: pkg("cmake", "cmake", "cmake"),
  autoconf: pkg("autoconf", "autoconf", "autoconf"),
  automake: pkg("automake", "automake", "automake"),
  libtool: pkg("libtool", "libtool", "libtool"),
  swig: pkg("swig", "swig", "swig"),
  patch: pkg("patch", "patch", "patch"),
  git: pkg("git", "git", "git"),
  curl: pkg("curl", "curl", "curl"),
  wget: pkg("wget", "wget", "wget"),
  unzip: pkg("unzip", "unzip", "unzip"),
  zip: pkg("zip", "zip", "zip"),
  xz: pkg("xz-utils", "xz", "xz"),
  bash: pkg("bash", "bash", "bash"),
  ssh: pkg("openssh-client", "openssh-client", "openssh-clients"),
  rsync: pkg("rsync", "rsync", "rsync"),
  jq: pkg("jq", "jq", "jq"),
  gpg: pkg("gnupg", "gnupg", "gnupg2"),
  file: pkg("file", "file", "file"),
  ps: pkg("procps", "procps", "procps-ng"),
  nc: pkg("netcat-openbsd", "netcat-openbsd", "nmap-ncat"),
  "pkg-config": pkg("pkg-config", "pkgconf", "pkgconf-pkg-config"),
  pkgconf: pkg("pkg-config", "pkgconf", "pkgconf-pkg-config"),
  pg_config: LIBPQ,
  mysql_config: MYSQL,
  mariadb_config: MYSQL,
  "xml2-config": XML2,
  "xslt-config": XSLT,
  "xmlsec1-config": XMLSEC,
  "curl-config": CURL,
  "freetype-config": FREETYPE,
  "krb5-config": KRB5,
  "gpgme-config": pkg("libgpgme-dev", "gpgme-dev", "gpgme-devel"),
  "libpng-config": PNG,
  "icu-config": pkg("libicu-dev", "icu-dev", "libicu-devel"),
  protoc: pkg("protobuf-compiler", "protobuf-dev", "protobuf-compiler"),
  ffmpeg: pkg("ffmpeg", "ffmpeg", "ffmpeg"),
  convert: pkg("imagemagick", "imagemagick", "ImageMagick"),
  tesseract: pkg("tesseract-ocr", "tesseract-ocr", "tesseract"),
  psql: pkg("postgresql-client", "postgresql-client", "postgresql"),
  pg_dump: pkg("postgresql-client", "postgresql-client", "postgresql"),
  mysql: pkg("default-mysql-client", "mariadb-client", "mariadb"),
  python3: pkg("python3", "python3", "python3"),
  python: pkg("python-is-python3", "python3", "python3"),
  node: pkg("nodejs", "nodejs", "nodejs"),
  npm: pkg("npm", "npm", "npm"),
  cargo: pkg("cargo", "cargo", "cargo"),
  rustc: pkg("rustc", "rust", "rust"),
  go: pkg("golang", "go", "golang"),
};

/** Command-line tools that come from a language package rather than the OS (`gunicorn: not found`). */
export const TOOL_LANGUAGE_PACKAGES: Readonly<
  Record<string, { ecosystem: "pypi" | "npm"; package: string }>
> = {
  gunicorn: { ecosystem: "pypi", package: "gunicorn" },
  uvicorn: { ecosystem: "pypi", package: "uvicorn" },
  celery: { ecosystem: "pypi", package: "celery" },
  alembic: { ecosystem: "pypi", package: "alembic" },
  flask: { ecosystem: "pypi", package: "Flask" },
  "django-admin": { ecosystem: "pypi", package: "Django" },
  pytest: { ecosystem: "pypi", package: "pytest" },
  daphne: { ecosystem: "pypi", package: "daphne" },
  hypercorn: { ecosystem: "pypi", package: "hypercorn" },
  nodemon: { ecosystem: "npm", package: "nodemon" },
  tsc: { ecosystem: "npm", package: "typescript" },
  "ts-node": { ecosystem: "npm", package: "ts-node" },
  tsx: { ecosystem: "npm", package: "tsx" },
  pm2: { ecosystem: "npm", package: "pm2" },
  "react-scripts": { ecosystem: "npm", package: "react-scripts" },
  vite: { ecosystem: "npm", package: "vite" },
  webpack: { ecosystem: "npm", package: "webpack-cli" },
  "webpack-cli": { ecosystem: "npm", package: "webpack-cli" },
  nest: { ecosystem: "npm", package: "@nestjs/cli" },
  jest: { ecosystem: "npm", package: "jest" },
  vitest: { ecosystem: "npm", package: "vitest" },
  "cross-env": { ecosystem: "npm", package: "cross-env" },
  concurrently: { ecosystem: "npm", package: "concurrently" },
  rimraf: { ecosystem: "npm", package: "rimraf" },
};
