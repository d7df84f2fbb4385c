using LibGit2Sharp;
using Microsoft.Data.Sqlite;
using RocksDbSharp;
using SkiaSharp;

// Each line is "key: value" so tests can read them back. Every library is really used: a
// native library that cannot load fails here, not in a user's first request. A failure is
// printed, not thrown, so one library's failure does not hide the others' results.
Report("skia-png", () =>
{
    using var bitmap = new SKBitmap(64, 32);
    using (var canvas = new SKCanvas(bitmap))
    {
        canvas.Clear(SKColors.CornflowerBlue);
    }

    using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
    return $"{(png.AsSpan()[1..4].SequenceEqual("PNG"u8) ? "ok" : "bad")} {png.Size} bytes";
});
Report("skia-fonts", () => SKFontManager.Default.FontFamilyCount.ToString());
Report("rocksdb", () =>
{
    using var db = RocksDb.Open(new DbOptions().SetCreateIfMissing(true), Path.Combine(Path.GetTempPath(), "rocks"));
    db.Put("key", "value");
    return db.Get("key");
});
Report("kafka", () => Confluent.Kafka.Library.VersionString);
Report("sqlite", () =>
{
    using var sqlite = new SqliteConnection("Data Source=:memory:");
    sqlite.Open();
    using var command = sqlite.CreateCommand();
    command.CommandText = "select sqlite_version()";
    return command.ExecuteScalar()?.ToString() ?? "";
});
Report("libgit2", () => Directory.Exists(Repository.Init(Path.Combine(Path.GetTempPath(), "repo"))) ? "initialized" : "failed");

static void Report(string key, Func<string> probe)
{
    string value;
    try
    {
        value = probe();
    }
    catch (Exception e)
    {
        for (; e.InnerException is not null; e = e.InnerException)
        {
        }

        value = $"failed {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
    }

    Console.WriteLine($"{key}: {value}");
}
