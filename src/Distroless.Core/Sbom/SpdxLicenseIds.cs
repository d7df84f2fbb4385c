using System.Collections.Frozen;

namespace Distroless.Sbom;

/// <summary>
/// The SPDX license and exception identifiers a Debian licence name may map to: the ones that
/// occur in Debian's copyright files, not the whole SPDX list. A name outside this set becomes a
/// <c>LicenseRef-</c>, which is always valid, so the set only decides how precise a mapping is,
/// never whether the output is valid. Deprecated identifiers (<c>GPL-2.0</c>, <c>LGPL-2.1+</c>) are
/// left out on purpose: Debian's names map to the current <c>-only</c>/<c>-or-later</c> forms.
/// </summary>
internal static class SpdxLicenseIds
{
    private static readonly string[] Licenses =
    [
        "0BSD", "AFL-2.0", "AFL-2.1", "AFL-3.0", "AGPL-1.0-only", "AGPL-1.0-or-later", "AGPL-3.0-only",
        "AGPL-3.0-or-later", "Apache-1.0", "Apache-1.1", "Apache-2.0", "APSL-2.0", "Artistic-1.0",
        "Artistic-1.0-Perl", "Artistic-2.0", "Beerware", "blessing", "BSD-1-Clause", "BSD-2-Clause",
        "BSD-2-Clause-Patent", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSD-4-Clause", "BSD-4-Clause-UC",
        "BSL-1.0", "bzip2-1.0.6",
        "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0",
        "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-4.0",
        "CC-BY-ND-1.0", "CC-BY-ND-2.0", "CC-BY-ND-2.5", "CC-BY-ND-3.0", "CC-BY-ND-4.0",
        "CC-BY-NC-1.0", "CC-BY-NC-2.0", "CC-BY-NC-2.5", "CC-BY-NC-3.0", "CC-BY-NC-4.0",
        "CC-BY-NC-SA-1.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-2.5", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0",
        "CC-BY-NC-ND-1.0", "CC-BY-NC-ND-2.0", "CC-BY-NC-ND-2.5", "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-4.0",
        "CC0-1.0", "CDDL-1.0", "CDDL-1.1", "CECILL-2.0", "CECILL-2.1", "CECILL-B", "CECILL-C", "CPL-1.0",
        "curl", "ECL-2.0", "EFL-1.0", "EFL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2", "FSFAP",
        "FSFUL", "FSFULLR", "FTL",
        "GFDL-1.1-only", "GFDL-1.1-or-later", "GFDL-1.2-only", "GFDL-1.2-or-later", "GFDL-1.3-only",
        "GFDL-1.3-or-later", "GFDL-1.1-no-invariants-only", "GFDL-1.1-no-invariants-or-later",
        "GFDL-1.2-no-invariants-only", "GFDL-1.2-no-invariants-or-later", "GFDL-1.3-no-invariants-only",
        "GFDL-1.3-no-invariants-or-later",
        "GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only",
        "GPL-3.0-or-later", "HPND", "ICU", "IJG", "Info-ZIP", "ISC",
        "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only",
        "LGPL-3.0-or-later", "Libpng", "libpng-2.0", "LPPL-1.0", "LPPL-1.1", "LPPL-1.2", "LPPL-1.3a",
        "LPPL-1.3c", "MirOS", "MIT", "MIT-0", "MIT-CMU", "MPL-1.0", "MPL-1.1", "MPL-2.0",
        "MPL-2.0-no-copyleft-exception", "MS-PL", "MS-RL", "NCSA", "NTP", "OFL-1.0", "OFL-1.1", "OLDAP-2.8",
        "OpenSSL", "PHP-3.0", "PHP-3.01", "PostgreSQL", "PSF-2.0", "Python-2.0", "QPL-1.0", "Ruby",
        "SGI-B-2.0", "Sleepycat", "SSLeay-standalone", "TCL", "Unicode-3.0", "Unicode-DFS-2015",
        "Unicode-DFS-2016", "Unlicense", "UPL-1.0", "Vim", "W3C", "W3C-20150513", "WTFPL", "X11", "Zlib",
        "zlib-acknowledgement", "ZPL-1.1", "ZPL-2.0", "ZPL-2.1",
    ];

    /// <summary>Every SPDX identifier this mapping can produce, licences and exceptions, for tests to check against the SPDX list.</summary>
    internal static readonly IReadOnlyList<string> All = [.. Licenses, .. ExceptionIds()];

    private static readonly FrozenDictionary<string, string> ByLowerCase =
        Licenses.ToFrozenDictionary(id => id, id => id, StringComparer.OrdinalIgnoreCase);

    /// <summary>The identifier with SPDX's casing, when <paramref name="name"/> is one (case-insensitively).</summary>
    public static string? Find(string name) => ByLowerCase.TryGetValue(name, out var id) ? id : null;

    /// <summary>
    /// The SPDX exception for a Debian <c>with &lt;keyword&gt; exception</c>, given the licence it
    /// modifies (some exceptions have one version per GPL version); null when SPDX has none.
    /// </summary>
    public static string? Exception(string keyword, string licenseId)
    {
        var gpl3 = licenseId.StartsWith("GPL-3.0", StringComparison.Ordinal);
        return keyword.ToLowerInvariant() switch
        {
            "font" => "Font-exception-2.0",
            "autoconf" => gpl3 ? "Autoconf-exception-3.0" : "Autoconf-exception-2.0",
            "bison" => "Bison-exception-2.2",
            "classpath" => "Classpath-exception-2.0",
            "gcc" or "gcc-3.1" => gpl3 ? "GCC-exception-3.1" : "GCC-exception-2.0",
            "libtool" => "Libtool-exception",
            "linux-syscall-note" => "Linux-syscall-note",
            _ => null,
        };
    }

    private static IEnumerable<string> ExceptionIds() =>
    [
        "Font-exception-2.0", "Autoconf-exception-2.0", "Autoconf-exception-3.0", "Bison-exception-2.2",
        "Classpath-exception-2.0", "GCC-exception-2.0", "GCC-exception-3.1", "Libtool-exception",
        "Linux-syscall-note",
    ];
}
