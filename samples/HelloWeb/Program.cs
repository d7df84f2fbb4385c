var app = WebApplication.CreateBuilder(args).Build();
app.UseStaticFiles();
app.MapGet("/", () => new
{
    hello = "Hello from a distroless ASP.NET Core image!",
    uid = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:")).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1],
    framework = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
});
app.Run();
