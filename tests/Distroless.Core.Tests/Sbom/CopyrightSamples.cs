namespace Distroless.Core.Tests.Sbom;

/// <summary>
/// Copyright files of the packages in the distroless base, as Debian 12 ships them in
/// /usr/share/doc/&lt;package&gt;/copyright (long ones cut where noted).
/// </summary>
internal static class CopyrightSamples
{
    /// <summary>base-files 12.4+deb12u11: prose, not the machine-readable format.</summary>
    public const string BaseFiles = """
        This is the Debian prepackaged version of the Debian Base System
        Miscellaneous files. These files were written by Ian Murdock
        <imurdock@debian.org> and Bruce Perens <bruce@pixar.com>.

        This package was first put together by Bruce Perens <Bruce@Pixar.com>,
        from his own sources.

        The GNU Public Licenses in /usr/share/common-licenses were taken from
        ftp.gnu.org and are copyrighted by the Free Software Foundation, Inc.

        The Artistic License in /usr/share/common-licenses is the one coming
        from Perl and its SPDX name is "Artistic License 1.0 (Perl)".


        Copyright (C) 1995-2011 Software in the Public Interest.

        This program is free software; you can redistribute it and/or modify
        it under the terms of the GNU General Public License as published by
        the Free Software Foundation; either version 2 of the License, or
        (at your option) any later version.

        This program is distributed in the hope that it will be useful,
        but WITHOUT ANY WARRANTY; without even the implied warranty of
        MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
        GNU General Public License for more details.

        On Debian systems, the complete text of the GNU General
        Public License can be found in `/usr/share/common-licenses/GPL'.
        """;

    /// <summary>libc6 2.36-9+deb12u14 (the first 40 of its 509 lines): prose, not the machine-readable format.</summary>
    public const string Libc6 = """
        This is the Debian prepackaged version of the GNU C Library version 2.23.

        It was put together by the GNU Libc Maintainers <debian-glibc@lists.debian.org>
        from <https://sourceware.org/git/glibc.git>

        * Most of the GNU C library is under the following copyright:

            Copyright (C) 1991-2015 Free Software Foundation, Inc.

            The GNU C Library is free software; you can redistribute it and/or
            modify it under the terms of the GNU Lesser General Public
            License as published by the Free Software Foundation; either
            version 2.1 of the License, or (at your option) any later version.

            The GNU C Library is distributed in the hope that it will be useful,
            but WITHOUT ANY WARRANTY; without even the implied warranty of
            MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
            Lesser General Public License for more details.

            You should have received a copy of the GNU Lesser General Public
            License along with the GNU C Library; if not, write to the Free
            Software Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA
            02110-1301 USA

          On Debian systems, the complete text of the GNU Library
          General Public License can be found in `/usr/share/common-licenses/LGPL-2.1'.

        * The utilities associated with GNU C library is under the following
          copyright:

            Copyright (C) 1991-2015 Free Software Foundation, Inc.

            This program is free software; you can redistribute it and/or modify
            it under the terms of the GNU General Public License as published
            by the Free Software Foundation; version 2 of the License, or
            (at your option) any later version.

            This program is distributed in the hope that it will be useful,
            but WITHOUT ANY WARRANTY; without even the implied warranty of
            MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
        """;

    /// <summary>gcc-12-base 12.2.0-14+deb12u1 (the first 24 of 1,512 lines), which libgcc-s1 and libstdc++6 share: prose.</summary>
    public const string Gcc12Base = """
        This is the Debian GNU/Linux prepackaged version of the GNU compiler
        collection, containing Ada, C, C++, D, Fortran 95, Go, Objective-C,
        Objective-C++, and Modula-2 compilers, documentation, and support
        libraries.  In addition, Debian provides the gm2 compiler, either in
        the same source package, or built from a separate same source package.
        Packaging is done by the Debian GCC Maintainers
        <debian-gcc@lists.debian.org>, with sources obtained from:

          ftp://gcc.gnu.org/pub/gcc/releases/  (for full releases)
          svn://gcc.gnu.org/svn/gcc/           (for prereleases)
          ftp://sourceware.org/pub/newlib/     (for newlib)
          git://git.savannah.gnu.org/gm2.git   (for Modula-2)

        The current gcc-12 source package is taken from the git gcc-12-branch.

        Changes: See changelog.Debian.gz

        Debian splits the GNU Compiler Collection into packages for each language,
        library, and documentation as follows:

        Language       Compiler package  Library package    Documentation
        ---------------------------------------------------------------------------
        Ada            gnat-12          libgnat-12          gnat-12-doc
        C              gcc-12                              gcc-12-doc
        """;

    /// <summary>libssl3 3.0.19-1~deb12u2: Apache-2.0, a debian/* paragraph, a dual-licensed Perl module and stand-alone License paragraphs.</summary>
    public const string Libssl3 = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: OpenSSL
        Source: https://www.openssl.org

        Files: *
        Copyright: 1995-2020, The OpenSSL Project Authors
        	   1995-1998, Eric A. Young, Tim J. Hudson
        	   2004-2014 Akamai Technologies.
        	   2008 Andy Polyakov <appro@openssl.org>
        	   2017 BaishanCloud.
        	   2015 CloudFlare Inc.
        	   2014-2016 Cryptography Research Inc.
        	   2012-2014 Daniel J. Bernstein
        	   2004 EdelKey Project.
        	   2011 Google Inc.
        	   2018-2019 IBM Corp.
        	   2012,2014 Intel Corporation.
        	   2012-2016 Jean-Philippe Aumasson
        	   2007 KISA(Korea Information Security Agency).
        	   2004 Kungliga Tekniska Högskolan
        	   2017 National Security Research Institute.
        	   2006 Network Resonance Inc.
        	   2005,2007-2020 Nokia
        	   2006 NTT (Nippon Telegraph and Telephone Corporation)
        	   2002,2017-2020 Oracle and/or its affiliates.
        	   1995 Patrick Powell
        	   2019 Red Hat Inc.
        	   2017 Ribose Inc.
        	   2004,2018 Richard Levitte <richard@levitte.org>
        	   2011 RTFM Inc.
        	   2012 Samuel Neves <sneves@dei.uc.pt>
        	   2015-2020 Siemens AG
        	   2002 The OpenTSA Project.
        	   2013-2014 Timo Teräs <timo.teras@gmail.com>
        	   2016 Viktor Dukhovni <openssl-users@dukhovni.org>.
        	   2016 VMS Software Inc.
        License: Apache-2.0

        License: Apache-2.0
         Licensed under the Apache License 2.0 (the "License").  You may not use
         this file except in compliance with the License.  You can obtain a copy
         in the file LICENSE in the source distribution or at
         https://www.openssl.org/source/license.html
         .
         On Debian systems, the complete text of the Apache 2.0 License
         can be found in `/usr/share/common-licenses/Apache-2.0'

        Files: debian/*
        Copyright: Christoph Martin, Kurt Roeckx, Sebastian Andrzej Siewior
        License: Apache-2.0

        Files: external/perl/Text-Template-1.56/*
        Copyright: 2013, Mark Jason Dominus <mjd@cpan.org>.
        License: Artistic or GPL-1+

        License: Artistic
         This program is free software; you can redistribute it and/or modify
         it under the terms of the Artistic License, which comes with Perl.
         .
         On Debian systems, the complete text of the Artistic License can be
         found in `/usr/share/common-licenses/Artistic'.

        License: GPL-1+
         This program is free software; you can redistribute it and/or modify
         it under the terms of the GNU General Public License as published by
         the Free Software Foundation; either version 1, or (at your option)
         any later version.
         .
         On Debian systems, the complete text of version 1 of the GNU General
         Public License can be found in `/usr/share/common-licenses/GPL-1'.
        """;

    /// <summary>tzdata 2025b-0+deb12u2: public-domain with its explanation inline.</summary>
    public const string Tzdata = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Source: https://www.iana.org/time-zones
        Upstream-Contact: The Internet Assigned Numbers Authority (IANA)
                          Commentary should be addressed to tz@iana.org

        Files: *
        Copyright: The Internet Assigned Numbers Authority (IANA)
        License: public-domain
         This database is in the public domain.
        """;

    /// <summary>libicu72 72.1-3+deb12u1: MIT for ICU, GPL-3 for the packaging.</summary>
    public const string Libicu72 = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        X-Format: https://dep.debian.net/deps/dep5
        Upstream-Name: ICU
        Upstream-Contact: https://icu.unicode.org/contacts
        Source: https://github.com/unicode-org/icu

        Files: *
        Copyright: Copyright © 1991-2022 Unicode, Inc.
        License: MIT
         Permission is hereby granted, free of charge, to any person
         obtaining a copy of this software and associated
         documentation files (the "Software"), to deal in the
         Software without restriction, including without limitation
         the rights to use, copy, modify, merge, publish, distribute,
         sublicense, and/or sell copies of the Software, and to
         permit persons to whom the Software is furnished to do so,
         subject to the following conditions:
         .
         The above copyright notice and this permission notice shall
         be included in all copies or substantial portions of the
         Software.
         .
         THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY
         KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
         WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
         PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS
         OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR
         OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
         OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
         SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

        Files: debian/*
        Copyright: 2005-2015 Jay Berkenbilt <qjb@debian.org>,
                   2015-     Laszlo Boszormenyi (GCS) <gcs@debian.org>
        License: GPL-3
         This program is free software: you can redistribute it and/or modify
         it under the terms of the GNU General Public License as published by
         the Free Software Foundation version 3 of the License.
         .
         This program is distributed in the hope that it will be useful,
         but WITHOUT ANY WARRANTY; without even the implied warranty of
         MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
         GNU General Public License for more details.
         .
         You should have received a copy of the GNU General Public License
         along with this program.  If not, see <https://www.gnu.org/licenses/>.
         .
         On Debian systems, the complete text of the GNU General Public
         License version 3 can be found in `/usr/share/common-licenses/GPL-3'.
        """;

    /// <summary>ca-certificates 20230311+deb12u1 (the MPL text cut after its first lines): GPL-2+ packaging, MPL-2.0 certificate data.</summary>
    public const string CaCertificates = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Source: http://mirror.example/debian/pool/main/c/ca-certificates/

        Files: debian/*
               examples/*
               Makefile
               mozilla/*
               sbin/*
        Copyright: 2003 Fumitoshi UKAI <ukai@debian.or.jp>
                   2009 Philipp Kern <pkern@debian.org>
                   2011 Michael Shuler <michael@pbandjelly.org>
                   Various Debian Contributors
        License: GPL-2+
         This program is free software; you can redistribute it and/or modify
         it under the terms of the GNU General Public License as published by
         the Free Software Foundation; either version 2 of the License, or
         (at your option) any later version.
         .
         This program is distributed in the hope that it will be useful,
         but WITHOUT ANY WARRANTY; without even the implied warranty of
         MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
         GNU General Public License for more details.
         .
         You should have received a copy of the GNU General Public License
         along with this program; if not, write to the Free Software
         Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301,
         USA.
         .
         On Debian GNU/Linux systems, the complete text of the GNU General Public
         License can be found in '/usr/share/common-licenses/GPL-2'.

        Files: mozilla/certdata.txt
               mozilla/nssckbi.h
        Copyright: Mozilla Contributors
        Comment: Original Copyright: 1994-2000 Netscape Communications Corporation
                                     (certdata.txt <= CVS Revision: 1.82)
                 NSS no longer contains explicit copyright. Upstream indicates
                 that "Mozilla Contributors" is an appropriate attibution for the
                 required Copyright: field in Debian's machine-readable format.
                 https://bugzilla.mozilla.org/show_bug.cgi?id=850003
        License: MPL-2.0
         Mozilla Public License Version 2.0
         ==================================
         .
         1. Definitions
         --------------
         .
         1.1. "Contributor"
        """;

    /// <summary>netbase 6.4: an empty Copyright first line with the holders on continuation lines.</summary>
    public const string Netbase = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Comment:
         This package was created by Peter Tobias tobias@et-inf.fho-emden.de on
         Wed, 24 Aug 1994 21:33:28 +0200 and maintained by Anthony Towns
         <ajt@debian.org> until 2001.
         It is currently maintained by Marco d'Itri <md@linux.it>.

        Files: *
        Copyright:
         Copyright (c) 1994-1998 Peter Tobias
         Copyright (c) 1998-2001 Anthony Towns
         Copyright (c) 2002-2022 Marco d'Itri
        License: GPL-2
         This program is free software; you can redistribute it and/or modify
         it under the terms of the GNU General Public License, version 2, as
         published by the Free Software Foundation.
         .
         This program is distributed in the hope that it will be useful,
         but WITHOUT ANY WARRANTY; without even the implied warranty of
         MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
         GNU General Public License for more details.
         .
         You should have received a copy of the GNU General Public License along
         with this program; if not, write to the Free Software Foundation,
         Inc., 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301, USA.
         .
         On Debian systems, the complete text of the GNU General Public License
         version 2 can be found in '/usr/share/common-licenses/GPL-2'.
        """;

    /// <summary>media-types 10.0.0: an ad-hoc licence name that has no SPDX identifier.</summary>
    public const string MediaTypes = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Source: https://salsa.debian.org/debian/media-types

        Files: *
        Copyright: public-domain
        License: ad-hoc
         This package contains public information compiled from around the 'net and
         many people.
        """;
}
