// Each line is "key: value" so tests can read them back.
Console.WriteLine("hello: Hello from a Native AOT distroless image!");
Console.WriteLine($"timezone: {TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin").Id}");
Console.WriteLine($"uid: {File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:")).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]}");
bool cultures;
try
{
    _ = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
    cultures = true;
}
catch (System.Globalization.CultureNotFoundException)
{
    cultures = false;
}

Console.WriteLine($"cultures: {(cultures ? "available" : "invariant only")}");
