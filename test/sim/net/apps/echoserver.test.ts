// echoserver describes the request it got, in the layout of the image's version.

import { describe, expect, it } from "vitest";
import { echoserver } from "../../../../worker/sim/net/apps/echoserver.ts";
import type { AppRequest } from "../../../../worker/sim/net/apps/types.ts";

function body(image: string, target: string): { text: string; server?: string } {
  const req: AppRequest = {
    request: { method: "GET", target, headers: [["Host", "10.96.0.20"], ["User-Agent", "Wget"]] },
    client: { ip: "10.244.2.5", port: 41000 },
    local: { ip: "10.244.1.7", port: 8080 },
    hostname: "source-ip-app-76f84b5676-dmd6k",
    now: Date.UTC(2026, 0, 1),
    image,
  };
  const { reply } = echoserver(req);
  if (reply.kind !== "http") throw new Error(reply.kind);
  return { text: reply.body, server: reply.headers.find(([k]) => k === "Server")?.[1] };
}

describe("echoserver", () => {
  it("1.4 prints CLIENT VALUES, SERVER VALUES, HEADERS RECEIVED and BODY, its last line unterminated", () => {
    expect(body("k8s.gcr.io/echoserver:1.4", "/")).toEqual({
      text: `CLIENT VALUES:
client_address=10.244.2.5
command=GET
real path=/
query=nil
request_version=1.1
request_uri=http://10.96.0.20:8080/

SERVER VALUES:
server_version=nginx: 1.10.0 - lua: 10001

HEADERS RECEIVED:
host=10.96.0.20
user-agent=Wget
BODY:
-no body in request-`,
      server: "nginx/1.10.0",
    });
    expect(body("registry.k8s.io/echoserver:1.4", "/a?b=c").text).toContain("real path=/a\nquery=b=c\n");
  });

  it("1.10 prints its host name and the request's details indented", () => {
    const { text, server } = body("registry.k8s.io/echoserver:1.10", "/");
    expect(text).toContain("\nHostname: source-ip-app-76f84b5676-dmd6k\n");
    expect(text).toContain("Request Information:\n\tclient_address=10.244.2.5\n\tmethod=GET\n");
    expect(server).toBe("echoserver");
  });
});
