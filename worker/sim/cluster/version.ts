// The API server's build as /version reports it (apimachinery version.Info), for the session's
// own `kubectl version` and for real kubectl through the session's API: one source.

export function serverVersion(version: string): Record<string, string> {
  const [major, minor] = version.replace(/^v/, "").split(".");
  return {
    major,
    minor,
    gitVersion: version,
    gitCommit: "93248f9ae092f571eb870b7664c534bfc7d00f03",
    gitTreeState: "clean",
    buildDate: "2025-09-09T19:43:15Z",
    goVersion: "go1.24.6",
    compiler: "gc",
    platform: "linux/amd64",
  };
}
