using Distroless.Sbom;

namespace Distroless.Core.Tests.Sbom;

[Parallelizable(ParallelScope.All)]
public sealed class DebianCopyrightTests
{
    private const string Header = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n";

    [TestCase(CopyrightSamples.BaseFiles)]
    [TestCase(CopyrightSamples.Libc6)]
    [TestCase(CopyrightSamples.Gcc12Base)]
    [TestCase("")]
    public void A_copyright_file_in_prose_is_not_machine_readable(string text)
        => Assert.Multiple(() =>
        {
            Assert.That(DebianCopyright.Parse(text), Is.Null);
            Assert.That(DebianCopyright.SpdxLicenseOf(text), Is.Null);
        });

    [Test]
    public void Libssl3_declares_Apache_and_for_a_Perl_module_Artistic_or_GPL()
    {
        var copyright = DebianCopyright.Parse(CopyrightSamples.Libssl3)!;

        Assert.Multiple(() =>
        {
            Assert.That(copyright.Licenses, Is.EqualTo(new[] { "Apache-2.0", "Artistic or GPL-1+" }));
            Assert.That(copyright.SpdxExpression, Is.EqualTo("Apache-2.0 AND (Artistic-1.0-Perl OR GPL-1.0-or-later)"));
        });
    }

    [TestCase(CopyrightSamples.Tzdata, "LicenseRef-public-domain")]
    [TestCase(CopyrightSamples.Libicu72, "MIT AND GPL-3.0-only")]
    [TestCase(CopyrightSamples.CaCertificates, "GPL-2.0-or-later AND MPL-2.0")]
    [TestCase(CopyrightSamples.Netbase, "GPL-2.0-only")]
    [TestCase(CopyrightSamples.MediaTypes, "LicenseRef-ad-hoc")]
    public void The_base_packages_map_to_SPDX(string text, string expression)
        => Assert.That(DebianCopyright.SpdxLicenseOf(text), Is.EqualTo(expression));

    [TestCase("GPL-2+", "GPL-2.0-or-later")]
    [TestCase("GPL-2", "GPL-2.0-only")]
    [TestCase("GPL-2.0+", "GPL-2.0-or-later")]
    [TestCase("gpl-3", "GPL-3.0-only")]
    [TestCase("GPL", "GPL-1.0-only")]
    [TestCase("LGPL-2.1+", "LGPL-2.1-or-later")]
    [TestCase("LGPL-2", "LGPL-2.0-only")]
    [TestCase("LGPL", "LGPL-2.0-only")]
    [TestCase("AGPL-3+", "AGPL-3.0-or-later")]
    [TestCase("GFDL-1.3+", "GFDL-1.3-or-later")]
    [TestCase("GFDL-NIV-1.2", "GFDL-1.2-no-invariants-only")]
    [TestCase("BSD-2-clause", "BSD-2-Clause")]
    [TestCase("BSD-3-clause", "BSD-3-Clause")]
    [TestCase("BSD-4-clause", "BSD-4-Clause")]
    [TestCase("Expat", "MIT")]
    [TestCase("expat", "MIT")]
    [TestCase("MIT", "MIT")]
    [TestCase("Apache-2.0", "Apache-2.0")]
    [TestCase("Apache-2", "Apache-2.0")]
    [TestCase("Apache", "Apache-1.0")]
    [TestCase("Artistic", "Artistic-1.0-Perl")]
    [TestCase("Artistic-2.0", "Artistic-2.0")]
    [TestCase("Perl", "Artistic-1.0-Perl OR GPL-1.0-or-later")]
    [TestCase("public-domain", "LicenseRef-public-domain")]
    [TestCase("ISC", "ISC")]
    [TestCase("Zlib", "Zlib")]
    [TestCase("zlib", "Zlib")]
    [TestCase("CC0", "CC0-1.0")]
    [TestCase("CC0-1.0", "CC0-1.0")]
    [TestCase("CC-BY-SA-3", "CC-BY-SA-3.0")]
    [TestCase("CC-BY-2.5", "CC-BY-2.5")]
    [TestCase("MPL-1.1", "MPL-1.1")]
    [TestCase("MPL-2.0+", "MPL-2.0+")]
    [TestCase("MPL", "MPL-1.1")]
    [TestCase("CDDL-1", "CDDL-1.0")]
    [TestCase("Python", "Python-2.0")]
    [TestCase("Zope-2.1", "ZPL-2.1")]
    [TestCase("BSL-1.0", "BSL-1.0")]
    [TestCase("BSL-1", "BSL-1.0")]
    [TestCase("LPPL-1.3c", "LPPL-1.3c")]
    [TestCase("OpenLDAP-2.8", "OLDAP-2.8")]
    [TestCase("curl", "curl")]
    [TestCase("GPLv3+", "LicenseRef-GPLv3-plus")]
    [TestCase("permissive-fsf", "LicenseRef-permissive-fsf")]
    [TestCase("GPL-4+", "LicenseRef-GPL-4-plus")]
    [TestCase("MIT/X11", "LicenseRef-MIT-X11")]
    public void Short_names_map_to_SPDX_identifiers(string name, string spdx)
        => Assert.That(DebianCopyright.ToSpdxExpression(name), Is.EqualTo(spdx));

    [TestCase("GPL-3+ with Bison exception", "GPL-3.0-or-later WITH Bison-exception-2.2")]
    [TestCase("GPL-2+ with Autoconf exception", "GPL-2.0-or-later WITH Autoconf-exception-2.0")]
    [TestCase("GPL-3+ with Autoconf exception", "GPL-3.0-or-later WITH Autoconf-exception-3.0")]
    [TestCase("GPL-2 with Linux-syscall-note exception", "GPL-2.0-only WITH Linux-syscall-note")]
    [TestCase("GPL-2+ with Font exception", "GPL-2.0-or-later WITH Font-exception-2.0")]
    [TestCase("GPL-2+ WITH OpenSSL EXCEPTION", "GPL-2.0-or-later")]
    [TestCase("LGPL-2.1+ with staticLink exception", "LGPL-2.1-or-later")]
    public void An_exception_SPDX_lists_becomes_WITH_and_another_leaves_the_licence_it_adds_to(string synopsis, string spdx)
        => Assert.That(DebianCopyright.ToSpdxExpression(synopsis), Is.EqualTo(spdx));

    [TestCase("GPL-1+ or Artistic", "GPL-1.0-or-later OR Artistic-1.0-Perl")]
    [TestCase("GPL-2+ and BSD-3-clause", "GPL-2.0-or-later AND BSD-3-Clause")]
    [TestCase("GPL-2+ or Expat and BSD-3-clause", "GPL-2.0-or-later OR (MIT AND BSD-3-Clause)")]
    [TestCase("GPL-2+ or Artistic-2.0, and BSD-3-clause", "(GPL-2.0-or-later OR Artistic-2.0) AND BSD-3-Clause")]
    [TestCase("GPL-2+ and Expat, or BSD-3-clause", "(GPL-2.0-or-later AND MIT) OR BSD-3-Clause")]
    [TestCase("MPL-1.1 or LGPL-2.1+, and SC", "(MPL-1.1 OR LGPL-2.1-or-later) AND LicenseRef-SC")]
    [TestCase("Zlib and LGPL-2.1+ with staticLink exception and abandoned", "Zlib AND LGPL-2.1-or-later AND LicenseRef-abandoned")]
    [TestCase("Expat OR MIT", "MIT")]
    [TestCase("LGPL-3+ or GPL-2+", "LGPL-3.0-or-later OR GPL-2.0-or-later")]
    public void And_binds_tighter_than_or_unless_a_comma_comes_first(string synopsis, string spdx)
        => Assert.That(DebianCopyright.ToSpdxExpression(synopsis), Is.EqualTo(spdx));

    [TestCase("GPL-2+, LGPL-2+")]
    [TestCase("GPL-2+ or")]
    [TestCase("and GPL-2+")]
    [TestCase("GPL-2+ with OpenSSL")]
    [TestCase("GPL-2+ with exception")]
    [TestCase("Permission to use, copy, modify, and distribute this software and its")]
    [TestCase("")]
    public void A_synopsis_outside_the_syntax_gives_no_expression(string synopsis)
        => Assert.That(DebianCopyright.ToSpdxExpression(synopsis), Is.Null);

    [Test]
    public void One_synopsis_outside_the_syntax_leaves_the_whole_package_unknown()
    {
        var copyright = DebianCopyright.Parse(Header + """
            Files: *
            Copyright: someone
            License: Expat

            Files: src/x.c
            Copyright: someone else
            License: Redistribution and use in source and binary forms, with or without
             modification, are permitted.
            """)!;

        Assert.Multiple(() =>
        {
            Assert.That(copyright.Licenses, Has.Length.EqualTo(2));
            Assert.That(copyright.SpdxExpression, Is.Null);
        });
    }

    [Test]
    public void Stand_alone_license_paragraphs_declare_nothing_and_repeats_count_once()
    {
        var copyright = DebianCopyright.Parse(Header + """
            Files: *
            Copyright: 2020 A
            License: Expat

            Files: debian/*
            Copyright: 2021 B
            License: MIT

            Files: lib/*
            Copyright: 2022 C
            License: Expat

            License: Expat
             Permission is hereby granted, free of charge, to any person obtaining a copy.

            License: GPL-2+
             A text for a name no Files paragraph uses.
            """)!;

        Assert.Multiple(() =>
        {
            Assert.That(copyright.Licenses, Is.EqualTo(new[] { "Expat", "MIT" }));
            Assert.That(copyright.SpdxExpression, Is.EqualTo("MIT"));
        });
    }

    [Test]
    public void The_header_licence_counts_and_http_or_a_missing_slash_is_the_same_format()
    {
        const string Text = """
            Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0
            Upstream-Name: x
            License: GPL-2+

            Files: *
            Copyright: 2020 A
            License: LGPL-2.1+
            """;

        Assert.That(DebianCopyright.SpdxLicenseOf(Text), Is.EqualTo("GPL-2.0-or-later AND LGPL-2.1-or-later"));
    }

    [Test]
    public void A_header_licence_without_a_synopsis_is_an_overview_but_a_files_paragraph_must_name_one()
    {
        const string Overview = """
            Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
            Upstream-Name: XZ Utils
            License:
             Different licenses apply to different files in this package.

            Files: *
            Copyright: 2005-2012 Lasse Collin
            License: PD
            """;
        const string Unnamed = Header + """
            Files: *
            Copyright: 2020 A
            License:
             Some text.
            """;

        Assert.Multiple(() =>
        {
            Assert.That(DebianCopyright.SpdxLicenseOf(Overview), Is.EqualTo("LicenseRef-PD"));
            Assert.That(DebianCopyright.SpdxLicenseOf(Unnamed), Is.Null);
        });
    }

    [Test]
    public void A_draft_DEP5_format_is_not_assumed_to_mean_the_same()
        => Assert.That(DebianCopyright.Parse("""
            Format-Specification: http://svn.debian.org/wsvn/dep/web/deps/dep5.mdwn?op=file&rev=135
            Name: x

            Files: *
            Copyright: 2020 A
            License: GPL-2+
            """), Is.Null);

    [Test]
    public void Every_SPDX_identifier_the_mapping_can_produce_is_on_the_SPDX_list()
        => Assert.That(SpdxLicenseIds.All.Where(id => !SbomSchemas.SpdxLicenseIds.Contains(id)), Is.Empty);

    [Test]
    public void Every_expression_from_the_samples_uses_listed_identifiers_or_LicenseRefs()
    {
        string[] samples =
        [
            CopyrightSamples.Libssl3, CopyrightSamples.Tzdata, CopyrightSamples.Libicu72,
            CopyrightSamples.CaCertificates, CopyrightSamples.Netbase, CopyrightSamples.MediaTypes,
        ];
        var ids = samples.Select(DebianCopyright.SpdxLicenseOf)
            .SelectMany(e => e!.Split([' ', '(', ')'], StringSplitOptions.RemoveEmptyEntries))
            .Where(token => token is not ("AND" or "OR" or "WITH") && !token.StartsWith("LicenseRef-", StringComparison.Ordinal));

        Assert.That(ids.Where(id => !SbomSchemas.SpdxLicenseIds.Contains(id)), Is.Empty);
    }
}
