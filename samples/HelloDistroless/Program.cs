using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Newtonsoft.Json;

// Each line is "key: value" so tests can read them back.
Console.WriteLine("hello: Hello from a distroless image!");

var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
Console.WriteLine($"timezone: {berlin.Id} {berlin.BaseUtcOffset}");

using (var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine))
{
    store.Open(OpenFlags.ReadOnly);
    Console.WriteLine($"root-certificates: {store.Certificates.Count}");
}

var german = new CultureInfo("de-DE");
Console.WriteLine($"culture: {german.Name} {new DateTime(2024, 3, 1).ToString("D", german)} {1234567.891.ToString("N2", german)}");
Console.WriteLine($"invariant-globalization: {CultureInfo.CurrentCulture.Name == "" && german.Name == ""}");

var uid = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:"))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
Console.WriteLine($"uid: {uid}");
Console.WriteLine($"shell: {(File.Exists("/bin/sh") ? "present" : "absent")}");
Console.WriteLine($"json: {JsonConvert.SerializeObject(new { ok = true })}");

var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
var probe = Path.Combine(Path.GetTempPath(), "probe");
File.WriteAllText(probe, "x");
Console.WriteLine($"tmp-writable: {File.Exists(probe)}");
Console.WriteLine($"home: {home}");
bool appWritable;
try { File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "probe"), "x"); appWritable = true; }
catch (UnauthorizedAccessException) { appWritable = false; }
Console.WriteLine($"app-writable: {appWritable}");
